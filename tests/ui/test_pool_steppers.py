"""Pooling cell-stepper payloads (pure): every cell's numbers against loop references."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_core.activations import activation_backward, activation_derivative
from cnn_core.pool import pool2d_backward_naive, pool2d_backward_trace, pool2d_trace
from ui.components.pool_steppers import backward_steps, forward_steps
from ui.i18n import translate
from ui.latex import use_display_digits

from tests.reference import pool

RNG = np.random.default_rng(7)


def tr(key, **params):
    return translate("en", key, **params)


def result(aria: str) -> float:
    """The number after the last = or ≈ of a formula's plain text."""
    last = aria.split("; ")[0].replace("≈", "=").rsplit("= ", 1)[1]
    return float(last.replace("−", "-"))


@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize("kernel, stride, padding", [(2, 2, 0), (3, 1, 1), (3, 2, 1), (2, 1, 0)])
def test_forward_cells_give_the_loop_reference(mode, kernel, stride, padding):
    x = RNG.integers(-5, 6, size=(5, 5)).astype(float)
    use_display_digits(6)
    step = forward_steps(pool2d_trace(x, kernel, stride, padding, mode), tr)
    expected = pool(x, kernel, stride, padding, mode)
    assert step["shape"] == [1, *expected.shape]
    for k, c in enumerate(step["cells"]):
        assert result(c["aria"]) == pytest.approx(expected.flat[k], abs=1e-4)
        # the window outlined is k×k on the padded grid, at stride steps
        r0, c0, r1, c1 = c["marks"][0][1:]
        i, j = divmod(k, expected.shape[1])
        assert (r0, c0, r1 - r0 + 1, c1 - c0 + 1) == (i * stride, j * stride, kernel, kernel)
    if mode == "max" and padding:
        assert step["grids"][0]["text"][0][0] == "−∞"


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_backward_cells_give_the_loop_reference_and_the_sigma_step(mode):
    x = RNG.integers(-3, 4, size=(5, 5)).astype(float)
    use_display_digits(6)
    out = pool(x, 3, 1, 1, mode)
    dy = RNG.integers(1, 5, size=out.shape).astype(float)
    back = pool2d_backward_trace(dy, x, 3, 1, 1, mode)
    sp = activation_derivative("tanh", x)
    dprev = activation_backward("tanh", back.dx[0], x)
    step = backward_steps(back, tr, sp, dprev, "tanh")
    expected = pool2d_backward_naive(dy[None, None], x[None, None], 3, 1, 1, mode)[0, 0]
    for k, c in enumerate(step["cells"]):
        first, second = c["aria"].split("; ")
        assert result(first) == pytest.approx(expected.flat[k], rel=1e-5, abs=1e-9)
        assert result(second) == pytest.approx(expected.flat[k] * (1 - np.tanh(x.flat[k]) ** 2), rel=1e-5, abs=1e-9)
        # the δ cells outlined are those whose window sent this cell something
        sent = {(m[1], m[2]) for m in c["marks"] if m[0] == 1}
        assert len(sent) == len(back.cells[k].terms)
    assert len(step["grids"]) == 5


def test_formulas_follow_the_digits_shown():
    x = np.array([[1 / 3, 2 / 3], [0.1, 0.2]])
    use_display_digits(2)
    two = forward_steps(pool2d_trace(x, 2, 2, 0, "avg"), tr)["cells"][0]["aria"]
    use_display_digits(6)
    six = forward_steps(pool2d_trace(x, 2, 2, 0, "avg"), tr)["cells"][0]["aria"]
    assert two.endswith("(0.33 + 0.67 + 0.1 + 0.2) = 0.33")
    assert six.endswith("(0.333333 + 0.666667 + 0.1 + 0.2) = 0.325")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("kernel, stride, padding", [(2, 2, 0), (3, 1, 1), (3, 2, 1)])
def test_max_pooling_marks_each_windows_winner_apart_from_its_window(lang, kernel, stride, padding):
    x = RNG.permutation(25).reshape(5, 5).astype(float) - 12   # distinct values: one maximum per window
    step = forward_steps(pool2d_trace(x, kernel, stride, padding, "max"), lambda k, **p: translate(lang, k, **p))
    out = pool(x, kernel, stride, padding, "max")
    padded = np.pad(x, padding, constant_values=-np.inf)
    for k, c in enumerate(step["cells"]):
        winners = [m for m in c["marks"] if m[5:] == ["winner"]]
        assert len(winners) == 1 and winners[0][1:3] == winners[0][3:5]
        r, q = winners[0][1:3]
        # loop reference: the winner is where the window's maximum sits on the padded grid, inside the window
        assert padded[r, q] == out.flat[k]
        i, j = divmod(k, out.shape[1])
        assert i * stride <= r < i * stride + kernel and j * stride <= q < j * stride + kernel
    kinds = dict(step["legend"])
    assert kinds.keys() == {"window", "winner"}
    assert kinds["winner"] == translate(lang, "pooling.cs_legend_winner")
    assert forward_steps(pool2d_trace(x, 2, 2, 0, "avg"), tr)["legend"] == []


def test_max_pooling_backward_marks_the_cells_that_receive_delta():
    x = RNG.permutation(25).reshape(5, 5).astype(float)
    out = pool(x, 2, 2, 0, "max")
    dy = np.ones_like(out)
    step = backward_steps(pool2d_backward_trace(dy, x, 2, 2, 0, "max"), tr)
    reference = pool2d_backward_naive(dy[None, None], x[None, None], 2, 2, 0, "max")[0, 0] != 0
    assert np.array_equal(np.array(step["grids"][0]["won"]), reference)
    for k, c in enumerate(step["cells"]):
        assert (["winner"] in [m[5:] for m in c["marks"]]) == bool(reference.flat[k])
    assert dict(step["legend"]).keys() == {"won", "winner"} and step["url"] == {"in_cell": "k"}
