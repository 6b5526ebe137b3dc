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
    train_curve,
    train_step,
)
from cnn_core import tiny_cnn


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


# --------------------------------------------------------------------------- the fast training loop

def _glyph_setup(seed: int):
    rng = np.random.default_rng(seed)
    x, labels, _ = make_glyph_dataset(rng, 3, noise=0.2, max_shift=1)
    return init_params(rng), x, labels


@pytest.mark.parametrize("seed, lr", [(0, 0.1), (3, 0.5), (11, 2.0), (2024, 0.01)])
def test_train_curve_gives_the_checked_steps_numbers_bit_for_bit(seed, lr):
    """The reference: the public, checked train_step applied 40 times by hand."""
    params, x, labels = _glyph_setup(seed)
    curve = train_curve(params, x, labels, lr, 40)
    current, losses, accuracies = params, [], []
    for _ in range(40):
        trace = train_step(current, x, labels, lr)
        losses.append(trace.loss)
        accuracies.append(trace.accuracy)
        current = trace.new_params
    last = train_step(current, x, labels, lr)                     # the loss and accuracy after the last step
    assert curve.losses == tuple(losses) + (last.loss,)
    assert curve.accuracies == tuple(accuracies) + (last.accuracy,)
    for name, value in current.as_dict().items():
        np.testing.assert_array_equal(getattr(curve.params, name), value, err_msg=name)
    assert curve.losses == train(params, x, labels, lr, 40).losses
    assert curve.losses[-1] < curve.losses[0]
    with pytest.raises(ValueError):                               # read-only, as every Params
        curve.params.fc_W[0, 0] = 1.0


def test_the_fast_step_gradients_match_finite_differences():
    params, x, labels = _glyph_setup(5)
    trace = train_step(params, x, labels, 0.3)
    fast = tiny_cnn._FastSteps(trace.x, trace.labels, trace.targets, params.conv_w.shape[0])
    loss_value, accuracy, grads, new, finite = fast.step(tuple(params.as_dict().values()), 0.3)
    assert finite and loss_value == trace.loss and accuracy == trace.accuracy
    for (name, value), grad, after in zip(params.as_dict().items(), grads, new):
        numeric = numerical_gradient(
            lambda v, name=name: loss(Params.from_dict({**params.as_dict(), name: v}), x, labels), value)
        np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8, err_msg=name)
        np.testing.assert_array_equal(after, getattr(trace.new_params, name), err_msg=name)


def test_train_curve_checks_its_arguments_once(monkeypatch):
    params, x, labels = _glyph_setup(1)
    calls = []
    checked = tiny_cnn.train_step
    monkeypatch.setattr(tiny_cnn, "train_step", lambda *args: calls.append(1) or checked(*args))
    train_curve(params, x, labels, 0.1, 50)
    assert len(calls) == 1
    with pytest.raises(CoreValueError) as info:                   # the same refusals as train
        train_curve(params, x, np.full(12, 4), 0.1, 5)
    assert info.value.code == "bad_label"
    with pytest.raises(CoreValueError):
        train_curve(params, x, labels, 0.1, 0)
    with pytest.raises(ValueError) as info:
        train_curve(params, x, labels, -0.1, 5)
    assert "-0.1" in str(info.value)


@pytest.mark.parametrize("seed, lr, steps", [(8, 1e150, 2), (5, 1e6, 40), (5, 1e6, 3)])
def test_an_overflow_raises_what_train_raises(seed, lr, steps):
    """A learning rate that drives the weights to inf: train_curve stops with train's own error (or, where
    train goes through, the same numbers)."""
    params, x, labels = _glyph_setup(seed)
    with np.errstate(all="ignore"):
        try:
            expected = train(params, x, labels, lr, steps)
        except CoreValueError as err:
            expected = err
    if isinstance(expected, CoreValueError):
        with pytest.raises(CoreValueError) as info:
            train_curve(params, x, labels, lr, steps)
        assert (info.value.code, str(info.value)) == (expected.code, str(expected)) and expected.code == "not_finite"
    else:
        assert train_curve(params, x, labels, lr, steps).losses == expected.losses
