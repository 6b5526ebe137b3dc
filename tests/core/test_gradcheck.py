"""Finite differences against gradients known in closed form."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_core.errors import CoreValueError
from cnn_core.gradcheck import GradCheck, check_gradient, numerical_gradient, relative_error


def test_numerical_gradient_of_known_functions():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 4))
    a = rng.normal(size=(4, 4))
    # f = sum(sin(x)) + x0ᵀ A x0 on the first row: grad = cos(x), plus (A + Aᵀ) x0 on row 0
    def f(v):
        return float(np.sin(v).sum() + v[0] @ a @ v[0])
    expected = np.cos(x)
    expected[0] += (a + a.T) @ x[0]
    got = numerical_gradient(f, x)
    assert got.shape == x.shape
    np.testing.assert_allclose(got, expected, rtol=1e-7, atol=1e-8)


def test_centred_difference_is_second_order():
    # for a cubic the centred difference has error exactly eps² (x³: (3x²eps·2 + 2eps³)/(2eps) = 3x² + eps²)
    got = numerical_gradient(lambda v: float((v ** 3).sum()), np.array([2.0]), eps=1e-3)
    assert got[0] == pytest.approx(12.0 + 1e-6, abs=1e-9)


def test_caller_array_not_mutated_even_if_f_fails_midway():
    x = np.array([1.0, 2.0, 3.0])
    before = x.copy()
    numerical_gradient(lambda v: float(v @ v), x)
    np.testing.assert_array_equal(x, before)
    seen = []
    def f(v):
        seen.append(v)
        return float(v.sum())
    numerical_gradient(f, x)
    assert all(v is not x for v in seen)


def test_relative_error_values():
    assert relative_error([1.0, 0.0], [1.0, 0.0]) == 0.0
    assert relative_error([2.0], [1.0]) == pytest.approx(1 / 3)
    assert relative_error([1.0, 100.0], [1.0, 101.0]) == pytest.approx(1 / 201)
    assert relative_error(np.zeros(3), np.full(3, 1e-3)) == pytest.approx(1.0)
    with pytest.raises(ValueError) as info:
        relative_error([1.0, 2.0], [1.0, 2.0, 3.0])
    assert "(2,)" in str(info.value) and "(3,)" in str(info.value)


def test_check_gradient_passes_right_and_fails_wrong():
    rng = np.random.default_rng(2)
    w = rng.normal(size=5)
    x = rng.normal(size=5)
    f = lambda v: float(np.tanh(w @ v))  # noqa: E731
    right = (1 - np.tanh(w @ x) ** 2) * w
    ok = check_gradient(f, x, right)
    assert isinstance(ok, GradCheck) and ok.passed and ok.max_rel_error < 1e-7
    wrong = check_gradient(f, x, right * 1.01)
    assert not wrong.passed and wrong.max_rel_error == pytest.approx(0.01 / 2.01, rel=1e-4)
    np.testing.assert_allclose(wrong.numeric, right, rtol=1e-7)


def test_gradcheck_is_frozen():
    res = check_gradient(lambda v: float(v.sum()), np.ones(2), np.ones(2))
    with pytest.raises(AttributeError):
        res.passed = False  # type: ignore[misc]


@pytest.mark.parametrize("call, numbers", [
    (lambda: numerical_gradient(lambda v: 0.0, [1.0], eps=0), ["0"]),
    (lambda: numerical_gradient(lambda v: 0.0, [1.0, np.nan]), ["1"]),
    (lambda: check_gradient(lambda v: 0.0, [1.0], [np.inf]), ["1"]),
])
def test_bad_arguments(call, numbers):
    with pytest.raises(CoreValueError) as info:
        call()
    for n in numbers:
        assert n in str(info.value)


def test_check_vjp_accepts_the_transposed_jacobian_and_rejects_the_untransposed_one():
    """f(x) = A x: the vector-Jacobian product is Aᵀ dy (a matrix product), not A dy."""
    from cnn_core.gradcheck import check_vjp
    rng = np.random.default_rng(4)
    a, x, dy = rng.normal(size=(3, 3)), rng.normal(size=3), rng.normal(size=3)
    good = check_vjp(lambda v: a @ v, x, dy, a.T @ dy)
    bad = check_vjp(lambda v: a @ v, x, dy, a @ dy)
    assert good.passed and good.numeric.shape == x.shape
    assert not bad.passed


def test_check_vjp_on_the_conv_backward():
    from cnn_core.conv import conv2d, conv2d_backward
    from cnn_core.gradcheck import check_vjp
    rng = np.random.default_rng(6)
    x, w = rng.normal(size=(1, 2, 5, 5)), rng.normal(size=(3, 2, 2, 2))
    dy = rng.normal(size=conv2d(x, w, None, 2, 1).shape)
    dx, dw, _ = conv2d_backward(dy, x, w, 2, 1)
    assert check_vjp(lambda v: conv2d(v, w, None, 2, 1), x, dy, dx).passed
    assert check_vjp(lambda v: conv2d(x, v, None, 2, 1), w, dy, dw).passed


def test_check_vjp_refuses_dy_of_the_wrong_shape():
    from cnn_core.gradcheck import check_vjp
    with pytest.raises(CoreValueError):
        check_vjp(lambda v: 2 * v, np.ones(3), np.ones(2), np.ones(3))


def test_rounding_noise_around_a_zero_gradient_is_agreement():
    """A zero gradient computed analytically as 7e-18 (float rounding) and numerically as exactly 0."""
    from cnn_core.gradcheck import relative_error

    assert relative_error([7e-18, 1.0], [0.0, 1.0]) < 1e-7
    assert relative_error([1e-3], [2e-3]) > 0.3          # a real difference of small gradients still shows
