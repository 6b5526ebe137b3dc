"""ui.components.training_steppers and the training formula trees: payloads read back against loops and the
core's step trace; the trees say = / ≈ by the same rule as the LaTeX formulas they replace."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_core import tiny_cnn
from ui.components.training_steppers import GROUP, backward_steps, forward_steps, pool_steps
from ui.formulas import training as fx
from ui.formulas.conv_forward import equation_html, equation_text
from ui.latex import fmt

from tests.reference import correlate


def _tr(key: str, **params) -> str:
    return key + "".join(f"|{k}={v}" for k, v in sorted(params.items()))


@pytest.fixture(scope="module")
def trace():
    rng = np.random.default_rng(3)
    x, y, _ = tiny_cnn.make_glyph_dataset(rng, 3, 0.2, 1)
    return tiny_cnn.train_step(tiny_cnn.init_params(rng, 4, 4, 8), x, y, 0.1)


def test_conv_cell_tree_is_exact_exactly_when_the_latex_formula_is():
    rng = np.random.default_rng(0)
    for _ in range(200):
        window, kernel = rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
        bias = float(rng.normal())
        result = float(np.sum(window * kernel) + bias)
        tree = fx.conv_cell_tree(window, kernel, bias, 1, 2, result)
        assert tree.approx == (not fx.conv_cell(window, kernel, bias, 1, 2, result).exact)
        assert equation_text(tree).startswith("net₂₃ = x₂₃·h₁₁ + x₂₄·h₁₂")


def test_forward_stepper_windows_and_sums(trace):
    n, f = 4, 2
    x, w, b = trace.x[n, 0], trace.params.conv_w[f, 0], float(trace.params.conv_b[f])
    data = forward_steps(x, w, b, trace.conv_z[n, f], ("x", "h", "net"), _tr, start=(2, 5))
    assert len(data["cells"]) == 36 and data["start"] == 2 * 6 + 5 and not data["clamped"]
    assert data["group"] == GROUP and data["url"] == {"row": "r", "col": "c"}
    loop = correlate(x, w) + b   # the reference
    for k, cell in enumerate(data["cells"]):
        r, c = divmod(k, 6)
        assert cell["marks"] == [[0, r, c, r + 2, c + 2], [2, r, c, r, c]]
        assert trace.conv_z[n, f, r, c] == pytest.approx(loop[r, c])
    # a link's cell outside the map: the nearest inside, and the page says so
    clamped = forward_steps(x, w, b, trace.conv_z[n, f], ("x", "h", "net"), _tr, start=(8, 8))
    assert clamped["start"] == 35 and clamped["clamped"]


@pytest.mark.parametrize("n, f", [(0, 0), (4, 2), (11, 3)])
def test_forward_stepper_formulas_are_the_whole_equations(trace, n, f):
    """The stepper renders each cell's symbolic line from a cache and its numbers fresh: together they are the
    equation rendered in one go (the reference), at any digits and with ≈ where the printed numbers do not add up."""
    x, w, b = trace.x[n, 0], trace.params.conv_w[f, 0], float(trace.params.conv_b[f])
    for weights in (w, w * 1.5 - 0.01):                       # a second step: the same symbols, other numbers
        data = forward_steps(x, weights, b, trace.conv_z[n, f], ("x", "h", "net"), _tr)
        for k, cell in enumerate(data["cells"]):
            r, c = divmod(k, 6)
            tree = fx.conv_cell_tree(x[r:r + 3, c:c + 3], weights, b, r, c, float(trace.conv_z[n, f, r, c]))
            assert equation_html(tree) in cell["html"] and cell["aria"] == equation_text(tree)


def test_backward_stepper_routes_and_relu(trace):
    n, f = 7, 1
    data = backward_steps(trace.d_pool[n, f], trace.d_relu[n, f], trace.relu_prime[n, f], trace.d_conv_z[n, f],
                          trace.conv_z[n, f], trace.pool_winners[n, f], trace.params.fc_W, trace.d_fc_z[n],
                          trace.d_flat[n], f, 4, ("dp", "do", "relu'", "dnet"), _tr)
    assert data["group"] == GROUP and len(data["cells"]) == 36
    won = np.array(data["grids"][1]["won"])
    assert won.sum() == 9                                      # one winner per 2×2 window
    for k, cell in enumerate(data["cells"]):
        r, c = divmod(k, 6)
        block = trace.relu_a[n, f, r // 2 * 2:r // 2 * 2 + 2, c // 2 * 2:c // 2 * 2 + 2]
        a, q = np.unravel_index(np.argmax(block), (2, 2))      # the first maximum wins (the reference)
        assert won[r, c] == ((r // 2 * 2 + a, c // 2 * 2 + q) == (r, c))
        flat, route, step = cell["aria"].split("; ")
        # a winner receives its window's δ of p, every other cell 0
        d_o = trace.d_pool[n, f, r // 2, c // 2] if won[r, c] else 0.0
        assert route.endswith(f" = {fmt(d_o)}".replace("-", "−")) and ("winner" in sum(cell["marks"], [])) == won[r, c]
        assert step.endswith(f" = {fmt(d_o * (trace.conv_z[n, f, r, c] > 0))}".replace("-", "−"))
        j = f * 9 + (r // 2) * 3 + c // 2
        assert flat.startswith(f"(∂L)/(∂v{''.join('₀₁₂₃₄₅₆₇₈₉'[int(d)] for d in str(j + 1))}) = ")


def test_pool_stepper_takes_each_windows_max(trace):
    n, f = 0, 3
    data = pool_steps(trace.relu_a[n, f], trace.pool[n, f], trace.pool_winners[n, f], f, 4, ("o", "p"), _tr)
    assert len(data["cells"]) == 9 and data["url"] == {} and data["group"] != GROUP
    for k, cell in enumerate(data["cells"]):
        pr, pc = divmod(k, 3)
        block = trace.relu_a[n, f, 2 * pr:2 * pr + 2, 2 * pc:2 * pc + 2]
        assert trace.pool[n, f, pr, pc] == block.max()
        assert cell["marks"][0] == [0, 2 * pr, 2 * pc, 2 * pr + 1, 2 * pc + 1]
