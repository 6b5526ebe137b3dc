"""ui.formulas.pool: the numbers written in each pooling formula, read back, give the loop references' values."""

from __future__ import annotations

import re

import numpy as np
import pytest

from cnn_core.pool import pool2d_backward_naive, pool2d_backward_trace, pool2d_trace
from ui.formulas import pool as fx

from tests.reference import pool

SETTINGS = [(2, 2, 0), (2, 1, 0), (3, 2, 1), (2, 1, 1), (3, 3, 0)]     # kernel, stride, padding


def _numbers(text: str) -> list[float]:
    text = re.sub(r"\\boxed\{([^{}]*)\}", r"\1", text).replace(r"-\infty", "-inf")
    return [float(v) for v in re.findall(r"-?inf|-?\d+(?:\.\d+)?", text)]


@pytest.mark.parametrize("kernel,stride,padding", SETTINGS)
@pytest.mark.parametrize("mode", ["max", "avg"])
def test_forward_numbers_give_the_loop_reference(kernel, stride, padding, mode):
    x = np.random.default_rng(kernel * 10 + stride).integers(-4, 5, size=(5, 6)).astype(float)
    ref = pool(x, kernel, stride, padding, mode)
    tr = pool2d_trace(x, kernel, stride, padding, mode)
    for win in tr.windows:
        eq = fx.forward(tr, win, "pad")
        if mode == "max":
            shown = _numbers(eq.numeric.replace(r"\max", ""))
            assert max(shown) == ref[win.out_row, win.out_col] and len(shown) == kernel * kernel
            boxed = re.findall(r"\\boxed\{([^{}]*)\}", eq.numeric)
            assert len(boxed) == 1 and float(boxed[0]) == ref[win.out_row, win.out_col]
        else:
            body = eq.numeric.split(r"\sum")[-1] if r"\sum" in eq.numeric else eq.numeric.split("}{")[0]
            values = _numbers(body)
            assert len(values) == kernel * kernel                       # padded zeros counted
            assert sum(values) / kernel ** 2 == pytest.approx(ref[win.out_row, win.out_col])
            assert eq.exact == (f"{sum(values) / kernel ** 2:.4g}" == f"{eq.result:.4g}")


@pytest.mark.parametrize("kernel,stride,padding", SETTINGS)
@pytest.mark.parametrize("mode", ["max", "avg"])
def test_backward_terms_give_the_loop_reference(kernel, stride, padding, mode):
    rng = np.random.default_rng(3)
    x = rng.permutation(30).reshape(5, 6).astype(float)              # no ties: one winner per window
    dy = rng.integers(1, 6, size=pool(x, kernel, stride, padding, mode).shape).astype(float)
    ref = pool2d_backward_naive(dy[None, None], x[None, None], kernel, stride, padding, mode)[0, 0]
    back = pool2d_backward_trace(dy, x, kernel, stride, padding, mode)
    for cell in back.cells:
        eq = fx.backward(back, cell)
        assert eq.result == pytest.approx(ref[cell.row, cell.col])
        if not cell.terms:
            assert eq.symbolic == "0" and ref[cell.row, cell.col] == 0
            continue
        deltas = [dy[int(i) - 1, int(j) - 1] for i, j in re.findall(r"\\delta_\{(\d)(\d)\}", eq.symbolic)]
        scale = 1.0 if mode == "max" else 1.0 / kernel ** 2
        assert sum(deltas) * scale == pytest.approx(ref[cell.row, cell.col])
