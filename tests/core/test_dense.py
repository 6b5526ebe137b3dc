"""Dense layer, softmax, Jacobian, losses: loops and finite differences as references."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cnn_core.dense import (
    cross_entropy,
    cross_entropy_softmax_grad,
    dense_backward,
    dense_backward_trace,
    dense_forward,
    dense_forward_trace,
    mse,
    mse_grad,
    one_hot,
    softmax,
    softmax_ce_trace,
    softmax_cross_entropy,
    softmax_jacobian,
)
from cnn_core.activations import activate, activation_derivative
from cnn_core.errors import CoreValueError

from cnn_core.gradcheck import numerical_gradient


RNG = np.random.default_rng(11)


def test_dense_forward_matches_loop_and_batch_rows():
    W, b = RNG.normal(size=(3, 4)), RNG.normal(size=3)
    a = RNG.normal(size=(5, 4))
    z = dense_forward(a, W, b)
    for n in range(5):
        for i in range(3):
            assert z[n, i] == pytest.approx(sum(W[i, j] * a[n, j] for j in range(4)) + b[i], rel=1e-13)
        np.testing.assert_allclose(dense_forward(a[n], W, b), z[n], rtol=1e-13)


@pytest.mark.parametrize("batch", [None, 4])
def test_dense_backward_matches_finite_differences(batch):
    W, b = RNG.normal(size=(3, 5)), RNG.normal(size=3)
    shape = (5,) if batch is None else (batch, 5)
    a = RNG.normal(size=shape)
    g = RNG.normal(size=dense_forward(a, W, b).shape)        # L = Σ g ⊙ z, so δ = g
    da, dW, db = dense_backward(g, a, W)
    np.testing.assert_allclose(da, numerical_gradient(lambda v: float(np.sum(g * dense_forward(v, W, b))), a), atol=1e-7)
    np.testing.assert_allclose(dW, numerical_gradient(lambda v: float(np.sum(g * dense_forward(a, v, b))), W), atol=1e-7)
    np.testing.assert_allclose(db, numerical_gradient(lambda v: float(np.sum(g * dense_forward(a, W, v))), b), atol=1e-7)


def test_dense_backward_single_sample_is_outer_product():
    delta, a, W = np.array([1.0, -2.0]), np.array([3.0, 0.5, 4.0]), RNG.normal(size=(2, 3))
    da, dW, db = dense_backward(delta, a, W)
    np.testing.assert_array_equal(dW, [[3.0, 0.5, 4.0], [-6.0, -1.0, -8.0]])
    np.testing.assert_array_equal(db, delta)
    np.testing.assert_allclose(da, [W[0, j] * 1.0 + W[1, j] * -2.0 for j in range(3)])


def test_softmax_matches_definition_and_is_stable():
    z = RNG.normal(size=6)
    e = [math.exp(v) for v in z]
    np.testing.assert_allclose(softmax(z), [v / sum(e) for v in e], rtol=1e-13)
    big = softmax(np.array([1000.0, 1000.0, -1000.0]))
    np.testing.assert_allclose(big, [0.5, 0.5, 0.0])
    rows = softmax(RNG.normal(size=(3, 4)))
    np.testing.assert_allclose(rows.sum(axis=1), 1.0)


def test_softmax_jacobian_matches_finite_differences():
    z = RNG.normal(size=5)
    numeric = np.stack([numerical_gradient(lambda v, k=k: float(softmax(v)[k]), z) for k in range(5)])
    np.testing.assert_allclose(softmax_jacobian(softmax(z)), numeric, atol=1e-8)


@pytest.mark.parametrize("batch", [None, 3])
def test_a_minus_y_matches_finite_differences_of_ce_of_softmax(batch):
    K = 4
    z = RNG.normal(size=(K,) if batch is None else (batch, K))
    y = one_hot(RNG.integers(0, K, size=1 if batch is None else batch), K)
    y = y[0] if batch is None else y
    numeric = numerical_gradient(lambda v: cross_entropy(softmax(v), y), z)
    np.testing.assert_allclose(cross_entropy_softmax_grad(z, y), numeric, atol=1e-7)
    assert softmax_cross_entropy(z, y) == pytest.approx(cross_entropy(softmax(z), y), rel=1e-12)


def test_soft_targets_and_logit_form_is_stable():
    z, y = np.array([2.0, -1.0, 0.5]), np.array([0.2, 0.3, 0.5])
    np.testing.assert_allclose(cross_entropy_softmax_grad(z, y),
                               numerical_gradient(lambda v: softmax_cross_entropy(v, y), z), atol=1e-7)
    # softmax underflows to exactly 0 here; the logit form still gives the exact 2000
    assert softmax_cross_entropy(np.array([1000.0, -1000.0]), np.array([0.0, 1.0])) == pytest.approx(2000.0)
    assert cross_entropy(np.array([1.0, 0.0]), np.array([0.0, 1.0])) == math.inf
    assert cross_entropy(np.array([1.0, 0.0]), np.array([1.0, 0.0])) == 0.0


def test_mse_and_gradient():
    a, y = np.array([0.5, 2.0, -1.0]), np.array([1.0, 0.0, -1.0])
    assert mse(a, y) == pytest.approx(0.5 * (0.25 + 4.0))
    np.testing.assert_allclose(mse_grad(a, y), numerical_gradient(lambda v: mse(v, y), a), atol=1e-8)
    A, Y = RNG.normal(size=(4, 3)), RNG.normal(size=(4, 3))
    np.testing.assert_allclose(mse_grad(A, Y), numerical_gradient(lambda v: mse(v, Y), A), atol=1e-8)


def test_softmax_ce_trace_records_each_step():
    z, y = np.array([1.0, 2.0, 0.5]), np.array([0.0, 1.0, 0.0])
    t = softmax_ce_trace(z, y)
    np.testing.assert_allclose(t.a, softmax(z))
    assert t.loss == pytest.approx(-math.log(t.a[1]))
    np.testing.assert_allclose(t.dL_da, [0.0, -1.0 / t.a[1], 0.0])
    np.testing.assert_allclose(t.jacobian, np.diag(t.a) - np.outer(t.a, t.a))
    np.testing.assert_allclose(t.chain_product, t.a_minus_y, atol=1e-14)
    np.testing.assert_allclose(t.a_minus_y, numerical_gradient(lambda v: cross_entropy(softmax(v), y), z), atol=1e-7)
    assert t.max_abs_difference < 1e-14
    with pytest.raises(ValueError):
        t.a[0] = 5.0                                          # traces are read-only


def test_dense_traces_seed004_backprop():
    rng = np.random.default_rng(5)
    z_prev = rng.normal(size=4)
    a_prev = activate("sigmoid", z_prev)
    W, b = rng.normal(size=(3, 4)), rng.normal(size=3)
    fwd = dense_forward_trace(a_prev, W, b)
    np.testing.assert_allclose(fwd.products.sum(axis=1) + fwd.b, fwd.z)
    np.testing.assert_allclose(fwd.z, dense_forward(a_prev, W, b))
    delta = rng.normal(size=3)
    t = dense_backward_trace(delta, a_prev, W, z_prev=z_prev, activation="sigmoid")
    # δ(l) = f'(z) ⊙ Wᵀ δ(l+1) must be the gradient of L = δ·z(l+1) w.r.t. z(l)
    numeric = numerical_gradient(lambda v: float(delta @ dense_forward(activate("sigmoid", v), W, b)), z_prev)
    np.testing.assert_allclose(t.delta_prev, numeric, atol=1e-8)
    np.testing.assert_allclose(t.f_prime, activation_derivative("sigmoid", z_prev))
    np.testing.assert_allclose(t.dW, np.outer(delta, a_prev))
    assert dense_backward_trace(delta, a_prev, W).delta_prev is None


def test_inputs_not_mutated():
    a, W, b = RNG.normal(size=(2, 3)), RNG.normal(size=(4, 3)), RNG.normal(size=4)
    copies = [v.copy() for v in (a, W, b)]
    z = dense_forward(a, W, b)
    dense_backward(z, a, W)
    softmax(z)
    for v, c in zip((a, W, b), copies):
        np.testing.assert_array_equal(v, c)


def test_bad_arguments_raise_with_numbers():
    with pytest.raises(CoreValueError) as info:
        dense_forward(np.zeros(3), np.zeros((2, 4)), np.zeros(2))
    assert info.value.code == "bad_shape" and "(4,)" in str(info.value) and "(3,)" in str(info.value)
    with pytest.raises(CoreValueError) as info:
        dense_forward(np.zeros(4), np.zeros((2, 4)), np.zeros(3))
    assert info.value.code == "bad_shape" and "(2,)" in str(info.value)
    with pytest.raises(CoreValueError) as info:
        dense_backward(np.zeros(3), np.zeros(4), np.zeros((2, 4)))
    assert info.value.code == "bad_shape" and "(2,)" in str(info.value)
    with pytest.raises(CoreValueError) as info:
        softmax(np.array([1.0, np.nan]))
    assert info.value.code == "not_finite"
    with pytest.raises(CoreValueError) as info:
        cross_entropy(np.array([0.5, 0.5]), np.array([0.7, 0.7]))
    assert info.value.code == "not_distribution" and "1.4" in str(info.value)
    with pytest.raises(CoreValueError) as info:
        one_hot(np.array([0, 3]), 3)
    assert info.value.code == "bad_label" and "3" in str(info.value) and "2" in str(info.value)
    with pytest.raises(ValueError):
        softmax_jacobian(np.zeros((2, 2)))


def test_sigmoid_mse_trace_against_finite_differences_and_seed_000_formula():
    from cnn_core.activations import activate
    from cnn_core.dense import sigmoid_mse_trace
    from cnn_core.gradcheck import numerical_gradient
    z, y = np.array([0.3, -1.2, 2.0]), np.array([0.0, 1.0, 0.5])
    tr = sigmoid_mse_trace(z, y)
    loss = lambda v: 0.5 * float(((1.0 / (1.0 + np.exp(-v)) - y) ** 2).sum())   # written out, not the core
    assert tr.loss == pytest.approx(loss(z))
    np.testing.assert_allclose(tr.dL_dz, numerical_gradient(loss, z), rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(tr.sigma_prime, tr.a * (1 - tr.a))            # σ' = a(1 − a), seed 000
    np.testing.assert_allclose(tr.a, activate("sigmoid", z))
    with pytest.raises(ValueError):
        sigmoid_mse_trace(z, y[:2])
