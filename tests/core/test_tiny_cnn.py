"""Tiny CNN: every gradient and every δ against centred finite differences; the loss falls."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_core.activations import activate
from cnn_core.dense import dense_forward, one_hot, softmax_cross_entropy
from cnn_core.errors import CoreValueError
from cnn_core.gradcheck import numerical_gradient
from cnn_core.pool import pool2d
from cnn_core.tiny_cnn import (
    CLASS_NAMES,
    Params,
    check_gradients,
    glyph_templates,
    init_params,
    loss,
    make_glyph_dataset,
    predict,
    train,
    train_step,
)


@pytest.fixture(scope="module")
def setup():
    rng = np.random.default_rng(2024)
    x, labels, names = make_glyph_dataset(rng, 2, noise=0.2, max_shift=1)
    params = init_params(rng, filters=3)
    return params, x, labels


def test_dataset_shapes_determinism_and_templates():
    x, labels, names = make_glyph_dataset(np.random.default_rng(1), 3)
    assert x.shape == (12, 1, 8, 8) and labels.tolist() == [0] * 3 + [1] * 3 + [2] * 3 + [3] * 3
    assert names == CLASS_NAMES == ("X", "O", "+", "|")
    x2, _, _ = make_glyph_dataset(np.random.default_rng(1), 3)
    np.testing.assert_array_equal(x, x2)
    clean, _, _ = make_glyph_dataset(np.random.default_rng(1), 1, noise=0.0)
    np.testing.assert_array_equal(clean[:, 0], glyph_templates())
    t = glyph_templates().reshape(4, -1)
    assert len({tuple(row) for row in t}) == 4                     # four different glyphs
    assert t[0, 0] == 1 and t[3, 3] == 1 and t[3, 0] == 0           # "X" corner, "|" column 3
    shifted, _, _ = make_glyph_dataset(np.random.default_rng(3), 20, noise=0.0, max_shift=1)
    assert np.all(shifted.sum(axis=(1, 2, 3)) <= glyph_templates().sum(axis=(1, 2)).max())


def test_every_parameter_gradient_matches_finite_differences(setup):
    params, x, labels = setup
    trace = train_step(params, x, labels, lr=0.1)
    for name, value in params.as_dict().items():
        numeric = numerical_gradient(
            lambda v, name=name: loss(Params.from_dict({**params.as_dict(), name: v}), x, labels), value)
        analytic = getattr(trace.grads, name)
        assert analytic.shape == value.shape
        np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-8, err_msg=name)
    assert all(check.passed for _, check in check_gradients(params, x, labels))


def test_every_delta_matches_finite_differences(setup):
    params, x, labels = setup
    t = train_step(params, x, labels, lr=0.1)
    y = one_hot(labels, 4)

    def from_fc_z(v):
        return softmax_cross_entropy(v, y)

    def from_flat(v):
        return from_fc_z(dense_forward(v, params.fc_W, params.fc_b))

    def from_pool(v):
        return from_flat(v.reshape(v.shape[0], -1))

    def from_relu(v):
        return from_pool(pool2d(v, 2, 2))

    def from_conv_z(v):
        return from_relu(activate("relu", v))

    for delta, f, at in ((t.d_fc_z, from_fc_z, t.fc_z), (t.d_flat, from_flat, t.flat),
                         (t.d_pool, from_pool, t.pool), (t.d_conv_z, from_conv_z, t.conv_z)):
        np.testing.assert_allclose(delta, numerical_gradient(f, at), rtol=1e-5, atol=1e-8)
    # d_relu: finite differences are only defined away from ties; ReLU's zeros tie, so check the
    # winners (the cells that receive gradient) against finite differences
    winners = np.zeros(t.relu_a.shape, dtype=bool)
    for idx in np.ndindex(t.pool.shape):
        r, c = t.pool_winners[idx]
        winners[idx[0], idx[1], r, c] = True
    positive = winners & (t.relu_a > 0)
    assert positive.sum() > 20
    numeric = numerical_gradient(from_relu, t.relu_a)
    np.testing.assert_allclose(t.d_relu[positive], numeric[positive], rtol=1e-5, atol=1e-8)
    assert np.all(t.d_relu[~winners] == 0)
    np.testing.assert_array_equal(t.d_conv_z, t.d_relu * (t.conv_z > 0))


def test_forward_tensors_are_consistent(setup):
    params, x, labels = setup
    t = train_step(params, x, labels, lr=0.1)
    assert t.conv_z.shape == (8, 3, 6, 6) and t.pool.shape == (8, 3, 3, 3) and t.flat.shape == (8, 27)
    np.testing.assert_array_equal(t.relu_a, np.maximum(t.conv_z, 0))
    n, f, r, c = 1, 2, 1, 2
    window = t.relu_a[n, f, 2 * r: 2 * r + 2, 2 * c: 2 * c + 2]
    assert t.pool[n, f, r, c] == window.max()
    wr, wc = t.pool_winners[n, f, r, c]
    assert t.relu_a[n, f, wr, wc] == window.max()
    np.testing.assert_allclose(t.probs.sum(axis=1), 1.0)
    assert t.loss == pytest.approx(-np.mean(np.log(t.probs[np.arange(8), labels])))
    np.testing.assert_allclose(t.d_fc_z, (t.probs - one_hot(labels, 4)) / 8)
    for name in ("conv_w", "conv_b", "fc_W", "fc_b"):
        np.testing.assert_allclose(getattr(t.new_params, name),
                                   getattr(params, name) - 0.1 * getattr(t.grads, name))


def test_a_few_steps_make_the_loss_fall_and_learn():
    rng = np.random.default_rng(7)
    x, labels, _ = make_glyph_dataset(rng, 5)
    params = init_params(rng)
    result = train(params, x, labels, lr=0.5, steps=30)
    assert len(result.losses) == 31 and len(result.traces) == 30
    assert result.losses[5] < result.losses[0] and result.losses[-1] < 0.5 * result.losses[0]
    assert np.mean(predict(result.params, x) == labels) == 1.0
    assert result.traces[1].params is result.traces[0].new_params


def test_pure_inputs_untouched_and_traces_frozen(setup):
    params, x, labels = setup
    x0, w0 = x.copy(), params.conv_w.copy()
    t = train_step(params, x, labels, lr=0.1)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(params.conv_w, w0)
    with pytest.raises(ValueError):
        t.d_conv_z[0, 0, 0, 0] = 1.0
    with pytest.raises(ValueError):
        params.fc_W[0, 0] = 1.0


def test_bad_arguments(setup):
    params, x, labels = setup
    with pytest.raises(CoreValueError) as info:
        train_step(params, x, np.full(8, 4), 0.1)
    assert info.value.code == "bad_label" and "4" in str(info.value)
    with pytest.raises(CoreValueError) as info:
        train_step(params, x[:, :, :7, :7], labels, 0.1)
    assert info.value.code == "bad_shape" and "27" in str(info.value)
    with pytest.raises(CoreValueError) as info:
        train_step(params, x, labels[:3], 0.1)
    assert info.value.code == "bad_shape" and "(8,)" in str(info.value)
    with pytest.raises(ValueError) as info:
        train_step(params, x, labels, -0.1)
    assert "-0.1" in str(info.value)
    with pytest.raises(CoreValueError):
        train(params, x, labels, 0.1, 0)
    with pytest.raises(CoreValueError):
        make_glyph_dataset(np.random.default_rng(0), 0)
