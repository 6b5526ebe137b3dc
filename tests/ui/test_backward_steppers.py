"""Convolution-backward cell-stepper payloads (pure): every cell's numbers against the loop reference."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_core.conv import conv2d_backward_naive, conv2d_backward_trace, input_gradient_scatter
from ui.components import backward_steppers as steps
from ui.i18n import translate
from ui.latex import use_display_digits

RNG = np.random.default_rng(3)


def tr(key, **params):
    return translate("zh", key, **params)


def result(aria: str) -> float:
    return float(aria.replace("≈", "=").rsplit("= ", 1)[1].replace("−", "-"))


SETUPS = [((1, 4, 4), (1, 1, 2, 2), 1, 0), ((1, 5, 5), (1, 1, 3, 3), 2, 1), ((3, 5, 5), (2, 3, 3, 3), 2, 1),
          ((1, 6, 5), (1, 1, 2, 3), 2, 2)]


@pytest.mark.parametrize("x_shape, w_shape, stride, padding", SETUPS)
def test_every_view_gives_the_loop_reference(x_shape, w_shape, stride, padding):
    use_display_digits(6)
    x = RNG.integers(-3, 4, size=x_shape).astype(float)
    w = RNG.integers(-2, 3, size=w_shape).astype(float)
    oh = (x_shape[1] + 2 * padding - w_shape[2]) // stride + 1
    ow = (x_shape[2] + 2 * padding - w_shape[3]) // stride + 1
    dy = RNG.integers(-2, 3, size=(w_shape[0], oh, ow)).astype(float)
    trace = conv2d_backward_trace(dy, x, w, stride, padding)
    dx, dw, _ = conv2d_backward_naive(dy[None], x[None], w, stride, padding)
    multi = x_shape[0] > 1
    c = x_shape[0] - 1
    for payload in (steps.input_cell_steps(trace, c, multi, tr), steps.full_conv_steps(trace, c, multi, tr)):
        assert [result(cell["aria"]) for cell in payload["cells"]] == pytest.approx(dx[0, c].ravel().tolist())
    f = w_shape[0] - 1
    payload = steps.weight_steps(trace, f, c, multi, tr)
    assert [result(cell["aria"]) for cell in payload["cells"]] == pytest.approx(dw[f, c].ravel().tolist())
    sp = np.ones_like(x) * 0.5
    payload = steps.sigma_steps(trace, sp, trace.dx * sp, c, multi, "tanh", tr)
    assert [result(cell["aria"]) for cell in payload["cells"]] == pytest.approx((dx[0, c] * 0.5).ravel().tolist())
    # scatter: after the last δ cell has sent, ∂E/∂x is complete
    after = []
    for k in range(dy.size):
        partial = dy.copy()
        partial.reshape(-1)[k + 1:] = 0
        after.append(input_gradient_scatter(partial[None], (1,) + x_shape, w, stride, padding)[0, c])
    payload = steps.scatter_steps(trace, c, multi, tr, after)
    assert payload["shape"] == list(dy.shape)
    aria = payload["cells"][-1]["aria"]
    last = aria[aria.rindex("; [") + 2:]
    rows = [[float(v.replace("−", "-")) for v in row.split(", ")] for row in last.strip("[]").split("; ")]
    np.testing.assert_allclose(rows, dx[0, c])


def test_start_index_keeps_the_cell_inside():
    assert steps.start_index("1,2", (4, 4)) == 1
    assert steps.start_index("4,3", (4, 4)) == 14
    assert steps.start_index("9,9", (3, 2)) == 5
    assert steps.start_index("nonsense", (3, 3)) == 0


def test_formulas_follow_the_digits_shown():
    x = np.array([[[1 / 3, 2 / 3], [1.0, 0.0]]])
    w = np.ones((1, 1, 1, 1))
    trace = conv2d_backward_trace(np.ones((1, 2, 2)) / 3, x, w, 1, 0)
    use_display_digits(2)
    two = steps.weight_steps(trace, 0, 0, False, tr)["cells"][0]["aria"]
    use_display_digits(4)
    four = steps.weight_steps(trace, 0, 0, False, tr)["cells"][0]["aria"]
    assert "0.33×0.33 + 0.33×0.67 + 0.33×1 + 0.33×0" in two and two.endswith("≈ 0.67")
    assert "0.3333×0.3333" in four and four.endswith("≈ 0.6667")  # 0.6666 by hand
