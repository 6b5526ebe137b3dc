"""ui.formulas.dense: the numeric lines, read back, give the reference values (loops, a matrix product,
finite differences), and the shown result says ≈ only when the shown numbers miss it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cnn_core.dense import dense_backward_trace, dense_forward_trace, sigmoid_mse_trace, softmax_ce_trace
from cnn_core.gradcheck import numerical_gradient
from ui.formulas import dense as fx

from .formula_numbers import adds_up, terms, total

X = np.array([1.0, -2.0, 0.5, 3.0])
W = np.array([[1.0, 0.0, -2.0, 0.5], [0.5, 1.0, 1.0, -1.0], [-1.0, 2.0, 0.0, 0.25]])
B = np.array([0.5, -1.0, 2.0])


def test_forward_rows_add_up_to_a_loop_over_the_weights():
    tr = dense_forward_trace(X, W, B)
    for i in range(3):
        eq = fx.forward_row(tr, i)
        loop = sum(W[i, j] * X[j] for j in range(4)) + B[i]
        assert total(eq.numeric) == pytest.approx(loop) and eq.result == pytest.approx(loop)
        assert eq.exact and len(terms(eq.numeric)) == 4 + 1          # four products and the bias


def test_chain_rows_and_jacobian_entries_against_finite_differences():
    z, y = np.array([0.2, -1.0, 0.7]), np.array([0.0, 1.0, 0.0])
    out = softmax_ce_trace(z, y)
    fd = numerical_gradient(lambda v: -float(np.log(np.exp(v[1]) / np.exp(v).sum())), z)
    for j in range(3):
        eq = fx.chain_row(out, j)
        assert eq.result == pytest.approx(fd[j], abs=1e-8)
        assert total(eq.numeric) == pytest.approx(fd[j], abs=2e-3)      # 4 significant digits per factor
        assert eq.exact == adds_up(eq.numeric, eq.result)
    diag, off = fx.jacobian_entry(out, 0, 0), fx.jacobian_entry(out, 0, 1)
    assert diag.result == pytest.approx(out.a[0] * (1 - out.a[0])) and off.result == pytest.approx(-out.a[0] * out.a[1])
    assert "a_{1}(1 - a_{1})" in diag.symbolic and r"\delta" not in diag.symbolic


def test_dx_rows_are_the_transposed_matrix_product():
    delta = np.array([0.5, -1.0, 2.0])
    back = dense_backward_trace(delta, X, W)
    ref = W.T @ delta
    for j in range(4):
        eq = fx.dx_row(back, j)
        assert total(eq.numeric) == pytest.approx(ref[j]) and eq.exact
    eq = fx.dw_entry(back, 2, 3)
    assert terms(eq.numeric) == [[2.0, 3.0]] and eq.result == 6.0


def test_mse_lines_against_finite_differences():
    z, y = np.array([0.0, 1.0, -2.0]), np.array([1.0, 0.0, 0.5])
    out = sigmoid_mse_trace(z, y)
    fd = numerical_gradient(lambda v: 0.5 * float(((1 / (1 + np.exp(-v)) - y) ** 2).sum()), z)
    for k in range(3):
        eq = fx.mse_delta(out, k)
        assert eq.result == pytest.approx(fd[k], abs=1e-8)
        assert total(eq.numeric) == pytest.approx(fd[k], abs=1e-3)
    loss = fx.mse_loss(out)
    assert loss.result == pytest.approx(0.5 * sum((1 / (1 + math.exp(-zk)) - yk) ** 2 for zk, yk in zip(z, y)))


def test_cross_entropy_of_a_uniform_output_is_ln_2():
    out = softmax_ce_trace(np.zeros(2), np.array([1.0, 0.0]))
    eq = fx.cross_entropy_loss(out)
    assert eq.result == pytest.approx(math.log(2)) and eq.exact
    assert eq.numeric == r"-\left(1\ln 0.5 + 0\ln 0.5\right)"


def test_matrix_lines_say_approx_only_when_the_shown_numbers_miss_the_shown_result():
    from ui.latex import use_display_digits

    use_display_digits(2)
    try:
        tr = dense_forward_trace(np.array([1.234, 0.5]), np.array([[0.333, 1.0], [1.0, 1.0]]), np.array([0.0, 0.0]))
        line = fx.forward_line(tr)
        # shown: 0.33×1.2 + 1×0.5 = 0.896 -> 0.9, the core's 0.9109 -> 0.91: the last step is ≈
        assert line.rstrip(r" \end{aligned}").split("&")[-1].startswith(r"\approx")
        exact = fx.forward_line(dense_forward_trace(np.array([1.0, 2.0]), np.eye(2), np.array([0.5, 0.0])))
        assert r"\approx" not in exact
    finally:
        use_display_digits(4)


def test_long_sums_wrap_every_four_terms():
    x = np.arange(1.0, 9.0)
    tr = dense_forward_trace(x, np.ones((1, 8)), np.array([0.5]))
    eq = fx.forward_row(tr, 0)
    assert eq.numeric.count(fx.LINE_BREAK) == 2 and eq.symbolic.count(fx.LINE_BREAK) == 2   # 9 terms: 4 + 4 + 1
    assert total(eq.numeric) == pytest.approx(x.sum() + 0.5) and eq.exact


def test_shape_problems_name_the_input_and_the_counts():
    assert fx.shape_problem((3, 4), 4, 3, 3) is None
    assert fx.shape_problem((3, 4), 2, 3, 3) == ("shape_input", {"cols": 4, "got": 2})
    assert fx.shape_problem((3, 4), 4, 2, 3) == ("shape_bias", {"rows": 3, "got": 2})
    assert fx.shape_problem((3, 4), 4, 3, 5) == ("shape_target", {"rows": 3, "got": 5})
    assert fx.shape_problem((3, 4), 4, 3, None) is None


def test_a_zero_gradient_agrees_with_its_finite_difference():
    from cnn_core.gradcheck import check_gradient

    # every column of W equal: ∂L/∂x = Wᵀ(a − y) = w·Σ(a − y) = 0, analytically a rounding residue
    W8, x8 = np.full((8, 8), 0.123456), np.full(8, 1.5)
    y8 = np.eye(8)[1]
    out = softmax_ce_trace(W8 @ x8 + 0.1, y8)
    analytic = W8.T @ out.a_minus_y
    check = check_gradient(lambda v: float(-np.log(np.exp(W8 @ v)[1] / np.exp(W8 @ v).sum())), x8, analytic)
    assert np.max(np.abs(check.numeric)) < 1e-9 and fx.agrees(check)
    wrong = check_gradient(lambda v: float(np.sum(v ** 2)), np.array([1.0, 2.0]), np.array([2.0, 4.1]))
    assert not fx.agrees(wrong)


def test_output_table_has_one_row_per_class_with_the_textbook_numbers():
    # z = (0, 0): a = (1/2, 1/2); y = (1, 0): a − y = (−1/2, 1/2), the closed form of ∂L/∂z
    out = softmax_ce_trace(np.zeros(2), np.array([1.0, 0.0]))
    cols = fx.output_columns(out.a, out.y, out.a_minus_y, "class k", "a − y")
    assert cols == {"class k": ["1", "2"], "a": ["0.5", "0.5"], "y": ["1", "0"], "a − y": ["-0.5", "0.5"]}
    # MSE: δ = (a − y) σ'(z) = (−1/2 · 1/4, 1/2 · 1/4) = (−0.125, 0.125)
    out = sigmoid_mse_trace(np.zeros(2), np.array([1.0, 0.0]))
    assert fx.output_columns(out.a, out.y, out.dL_dz, "k", "δ")["δ"] == ["-0.125", "0.125"]
