"""ui.formulas.training: numeric lines read back against loops, a matrix product and the core's pooling."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cnn_core.pool import pool2d
from ui.formulas import training as fx

from .formula_numbers import adds_up, terms, total


def test_pool_position_finds_the_window_and_the_flattened_entry():
    """Reference: pool a map whose cells are their own flat numbers, then flatten as the network does."""
    f_, h, w = 4, 6, 6
    maps = np.arange(f_ * h * w, dtype=float).reshape(1, f_, h, w)
    pooled = pool2d(maps, 2, 2, 0, "max")[0]                     # (4, 3, 3): each window's largest cell number
    flat = pooled.reshape(-1)
    for f in range(f_):
        for r in range(h):
            for c in range(w):
                pr, pc, j = fx.pool_position(pooled.shape, f, r, c)
                window = maps[0, f, 2 * pr:2 * pr + 2, 2 * pc:2 * pc + 2]
                assert maps[0, f, r, c] in window                 # the cell lies in that window
                assert flat[j] == pooled[f, pr, pc]


@pytest.mark.parametrize("digits", [2, 4, 6])
def test_conv_cell_line_adds_up_at_the_readers_digits(digits):
    from ui.latex import fmt, use_display_digits

    use_display_digits(digits)
    try:
        rng = np.random.default_rng(2)
        x, h, b = rng.normal(size=(3, 3)), rng.normal(size=(3, 3)), 0.125
        net = float((x * h).sum() + b)
        eq = fx.conv_cell(x, h, b, 0, 1, net)
        lines = eq.numeric.split(r" \\ &\qquad + ")
        # each kernel row starts a line (a row too wide for a phone continues on the next), the bias alone
        assert len(lines) >= 4 and float(lines[-1]) == pytest.approx(0.125, abs=0.01)
        assert total(" + ".join(lines)) == pytest.approx(net, abs=10.0 ** (1 - digits))
        assert "x_{12}h_{11}" in eq.symbolic and "x_{34}h_{33}" in eq.symbolic and eq.symbolic.endswith("+ b")
        # '=' exactly when the written numbers, re-added, print as the written result
        assert eq.exact == (fmt(total(" + ".join(lines)), digits) == fmt(net, digits))
        assert eq.latex().count(r"\approx") == (0 if eq.exact else 1)
    finally:
        use_display_digits(4)


def test_softmax_entry_and_losses():
    z = np.array([1.0, 0.0, -1.0, 2.0])
    a = np.exp(z) / np.exp(z).sum()
    eq = fx.softmax_entry(z, 3, float(a[3]))
    assert eq.lhs == "a_{4}" and eq.exact                     # integers: the fraction gives a_4 itself
    loss = fx.sample_loss(0, 3, float(a[3]), -math.log(a[3]))
    assert loss.lhs == r"\ell_{1}" and r"\ln a_{4}" in loss.symbolic
    losses = np.array([0.5, 0.25, 1.0])
    batch = fx.batch_loss(losses, float(losses.mean()))
    assert batch.exact and r"\ell_n" in batch.symbolic and "L_n" not in batch.symbolic


def test_flat_gradient_is_a_column_of_the_transposed_product():
    W = np.array([[1.0, -2.0], [0.5, 3.0], [2.0, 0.0]])
    dz = np.array([0.25, -1.0, 0.5])
    ref = W.T @ dz
    for j in range(2):
        eq = fx.flat_gradient(W, dz, j, float(ref[j]))
        assert total(eq.numeric) == pytest.approx(ref[j]) and len(terms(eq.numeric)) == 3


def test_update_step_says_approximately_when_the_rounded_numbers_miss():
    exact = fx.update_step("w", 1.0, 0.5, 0.25, 0.875)
    assert exact.exact and r"\approx" not in exact.latex()
    before, lr, grad = 0.123456, 0.1, 0.333333
    rounded = fx.update_step("w", before, lr, grad, before - lr * grad)   # 0.1235 − 0.1·0.3333 = 0.09017 vs 0.09012
    assert not rounded.exact and r"\approx" in rounded.latex()


def test_fc_delta_says_approx_when_the_shown_numbers_miss():
    from ui.latex import use_display_digits

    probs, targets = np.array([0.5514, 0.1968, 0.1488, 0.1031]) + 1e-6, np.array([1.0, 0.0, 0.0, 0.0])
    result = (probs - targets) / 12
    use_display_digits(4)
    line = fx.fc_delta(probs, targets, 12, result)
    # shown: (0.5514 − 1)/12 = −0.03738…, the true −0.037383 prints −0.03738 too; entry 4: 0.1031/12 = 0.008592
    assert line.count(r"\approx") == 0 and r"\begin{bmatrix} -0.03738 & 0.0164" in line
    probs2 = np.array([0.55136, 0.19684, 0.14876, 0.10304])
    line = fx.fc_delta(probs2, targets, 12, (probs2 - targets) / 12)
    assert r"\approx" in line                 # (0.5514 − 1)/12 = −0.03738 but the result prints −0.03739
