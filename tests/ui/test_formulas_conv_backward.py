"""ui.formulas.conv_backward: every numeric line, read back and added up, gives the loop reference's value;
the symbols name the cells the loop reference used (stride 2–3, padding, dilation)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from cnn_core.conv import conv2d, conv2d_backward_naive, conv2d_backward_trace
from ui.formulas import conv_backward as fx

from .formula_numbers import adds_up, terms, total

SETTINGS = [(1, 0, 1), (2, 0, 1), (3, 1, 1), (2, 1, 1), (1, 2, 1), (2, 1, 2), (1, 0, 2)]   # stride, padding, dilation


def _layer(stride, padding, dilation, c=2, f=2, h=5, w=6, k=2, seed=0, integers=True):
    rng = np.random.default_rng(seed)
    draw = (lambda size: rng.integers(-3, 4, size=size).astype(float)) if integers else \
        (lambda size: rng.normal(size=size))
    x, wt = draw((c, h, w)), draw((f, c, k, k))
    dy = draw(conv2d(x[None], wt, None, stride, padding, dilation)[0].shape)
    trace = conv2d_backward_trace(dy, x, wt, stride, padding, dilation)
    dx, dw, db = conv2d_backward_naive(dy[None], x[None], wt, stride, padding, dilation)
    return trace, dx[0], dw, db


@pytest.mark.parametrize("stride,padding,dilation", SETTINGS)
def test_every_dx_line_adds_up_to_the_loop_reference_both_ways(stride, padding, dilation):
    trace, dx, _, _ = _layer(stride, padding, dilation)
    for c in range(dx.shape[0]):
        for r in range(dx.shape[1]):
            for s in range(dx.shape[2]):
                for eq in (fx.dx_chain(trace, c, r, s, True), fx.dx_full(trace, c, r, s, True)):
                    assert eq.result == pytest.approx(dx[c, r, s])
                    if eq.numeric is None:           # no window covered the cell
                        assert dx[c, r, s] == 0 and eq.symbolic == "0"
                    else:
                        assert total(eq.numeric) == pytest.approx(dx[c, r, s])   # integers: exact
                        assert eq.symbolic.count("+") == eq.numeric.count("+")


@pytest.mark.parametrize("stride,padding,dilation", SETTINGS)
def test_dw_lines_name_the_input_cells_the_weight_read(stride, padding, dilation):
    trace, _, dw, _ = _layer(stride, padding, dilation, seed=1)
    x = trace.x
    for f in range(dw.shape[0]):
        for a in range(dw.shape[2]):
            for b in range(dw.shape[3]):
                eq = fx.dw_sum(trace, f, 1, a, b, True)
                assert total(eq.numeric) == pytest.approx(dw[f, 1, a, b])
                # each term: δ^{(f)}_{ij} · x_{2,row,col} with row = (i−1)s + a − p (1-based) or an underlined 0
                for sym, factors in zip(eq.symbolic.split(" + "), terms(eq.numeric)):
                    i, j = (int(v) for v in re.search(r"\\delta_\{(\d)(\d)\}", sym).groups())
                    row = (i - 1) * stride + 1 + a * dilation - padding        # 1-based input row
                    col = (j - 1) * stride + 1 + b * dilation - padding
                    if 1 <= row <= x.shape[1] and 1 <= col <= x.shape[2]:
                        assert f"x_{{2{row}{col}}}" in sym and factors[1] == x[1, row - 1, col - 1]
                    else:
                        assert r"\underline{0}" in sym and factors[1] == 0


def test_db_line_sums_every_delta_cell():
    trace, _, _, db = _layer(3, 1, 1, seed=2)
    for f in range(db.shape[0]):
        eq = fx.db_sum(trace, f, False)
        assert len(terms(eq.numeric)) == trace.dy[f].size
        assert total(eq.numeric) == pytest.approx(db[f])


def test_rounded_numbers_that_do_not_add_up_say_approximately():
    trace, dx, _, _ = _layer(2, 1, 1, seed=3, integers=False)
    seen_exact = seen_approx = False
    for r in range(dx.shape[1]):
        for s in range(dx.shape[2]):
            eq = fx.dx_chain(trace, 0, r, s, True)
            if eq.numeric is None:
                continue
            shown_ok = adds_up(eq.numeric, eq.result)
            assert eq.exact == shown_ok
            assert (r"\approx" in eq.latex()) == (not shown_ok)
            seen_exact |= shown_ok
            seen_approx |= not shown_ok
    assert seen_approx       # random reals: some rounded sums miss the rounded result


def test_way3_caption_numbers_come_from_the_trace():
    """The issue's example: 4×4 input, 2×2 kernel, stride 3, padding 1 -> δ̃ padded (1, 2, 1, 2), crop 1 each side."""
    trace = conv2d_backward_trace(np.ones((1, 2, 2)), np.ones((1, 4, 4)), np.ones((1, 1, 2, 2)), 3, 1)
    setup = fx.full_conv_setup(trace)
    assert (setup["top"], setup["bottom"], setup["left"], setup["right"]) == (1, 2, 1, 2)
    assert setup["zeros"] == 2 and setup["extra_rows"] == setup["extra_cols"] == 1
    assert (setup["crop_top"], setup["crop_bottom"], setup["crop_left"], setup["crop_right"]) == (1, 1, 1, 1)
    # δ̃'s size follows: zero-inserted (2−1)·3+1 = 4, plus 1 + 2 -> 7 = padded input 6 + k − 1
    assert trace.dy_padded.shape[1:] == (4 + 1 + 2, 4 + 1 + 2)


def test_scatter_steps_walk_every_delta_cell_once():
    trace, _, _, _ = _layer(2, 1, 1, seed=4)
    seen = [fx.scatter_step(trace, k)[:3] for k in range(1, fx.scatter_steps(trace) + 1)]
    assert len(set(seen)) == trace.dy.size


def test_sigma_step_line():
    eq = fx.sigma_step(2.0, 0.25, 0.5, 0, 0, 1, False)
    assert terms(eq.numeric) == [[2.0, 0.25]] and eq.exact
    assert eq.lhs == r"\delta_{12}^{l-1}" and r"\sigma'(z_{12})" in eq.symbolic


def test_padded_hover_names_are_input_cells_or_padding():
    trace = conv2d_backward_trace(np.ones((1, 2, 2)), np.arange(16.0).reshape(1, 4, 4), np.ones((1, 1, 2, 2)), 3, 1)
    names = fx.padded_names(trace, "∂E/∂i", "pad")
    assert names[0][0] == "pad" and names[1][1] == "∂E/∂i₁₁" and names[4][4] == "∂E/∂i₄₄" and names[5][2] == "pad"
    assert fx.padded_names(trace, "x", "pad", channel=0)[1][2] == "x₁₁₂"


def test_sgd_lines_write_the_step_with_the_printed_result():
    """The SGD step's lines (moved here from the page): W − η ∂E/∂W with the three matrices, b − η ∂E/∂b aligned;
    on the 5×5×3 example they end in the text's printed weights and biases after the step (η = 0.001)."""
    from cnn_core.conv import sgd_step
    from cnn_core.worked_examples import CONV_5X5X3 as ex
    from ui.latex import latex_matrix

    x, w, b, dy = ex.inputs["x"][0], ex.inputs["w"], np.asarray(ex.inputs["b"], dtype=float), ex.inputs["delta"][0]
    trace = conv2d_backward_trace(dy, x, w, int(ex.params["stride"]), int(ex.params["padding"]))
    lr = float(ex.params["lr"])
    new = sgd_step({"w": trace.w, "b": b}, {"w": trace.dw, "b": trace.db}, lr)
    printed_w, printed_b = np.asarray(ex.printed["w_after"]), np.asarray(ex.printed["b_after"], dtype=float)
    for f in range(2):
        for c in range(3):
            line = fx.sgd_kernel_line(trace, new["w"][f, c], lr, f, c, True)
            assert line.startswith(rf"W^{{({f + 1},{c + 1})}} - 0.001\,\frac{{\partial E}}{{\partial W^{{({f + 1},{c + 1})}}}}")
            assert f"= {latex_matrix(trace.w[f, c])} - 0.001 \\times {latex_matrix(trace.dw[f, c])} = " in line
            assert line.endswith(latex_matrix(printed_w[f, c]))
        bias = fx.sgd_bias_line(trace, b[f], new["b"][f], lr, f, True)
        assert bias.startswith(rf"\begin{{aligned}} &b_{{{f + 1}}} - 0.001\,\frac{{\partial E}}{{\partial b_{{{f + 1}}}}} \\ "
                               rf"&= {b[f]:g} - 0.001 \times {trace.db[f]:g} \\ ")
        assert bias.endswith(f"&= {printed_b[f]:g} \\end{{aligned}}")
    assert fx.sgd_bias_line(trace, 1.0, 0.91, 0.01, 0, False).startswith(r"\begin{aligned} &b - 0.01\,")
