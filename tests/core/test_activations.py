"""Activations: derivatives vs finite differences, conventions, stability, bad arguments."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from cnn_core.activations import (
    ACTIVATIONS,
    activate,
    activation_backward,
    activation_derivative,
    as_finite_array,
)
from cnn_core.errors import CoreValueError

REFERENCE = {  # scalar definitions from the textbook, evaluated one number at a time
    "identity": lambda v: v,
    "relu": lambda v: v if v > 0 else 0.0,
    "sigmoid": lambda v: 1.0 / (1.0 + math.exp(-v)),
    "tanh": math.tanh,
}


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_matches_scalar_definition(name):
    z = np.random.default_rng(0).normal(scale=3, size=(2, 3, 4))
    expected = np.vectorize(REFERENCE[name])(z)
    np.testing.assert_allclose(activate(name, z), expected, rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_derivative_matches_centred_differences(name):
    z = np.random.default_rng(1).normal(scale=2, size=50)
    z = z[np.abs(z) > 1e-3]                                  # ReLU has a kink at 0
    eps = 1e-6
    numeric = (activate(name, z + eps) - activate(name, z - eps)) / (2 * eps)
    np.testing.assert_allclose(activation_derivative(name, z), numeric, rtol=1e-6, atol=1e-9)


def test_relu_derivative_at_zero_is_zero_and_sigmoid_quarter():
    assert activation_derivative("relu", np.array([0.0]))[0] == 0.0
    assert activation_derivative("sigmoid", np.array([0.0]))[0] == 0.25
    assert activation_derivative("tanh", np.array([0.0]))[0] == 1.0


def test_sigmoid_is_stable_for_large_inputs():
    z = np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")                      # an overflow warning fails the test
        s = activate("sigmoid", z)
        d = activation_derivative("sigmoid", z)
    assert s[0] == 0.0 and s[-1] == 1.0 and s[2] == 0.5
    assert s[1] == pytest.approx(math.exp(-40), rel=1e-12)
    assert np.all(np.isfinite(d)) and d[0] == 0.0


def test_backward_is_delta_times_derivative_and_inputs_untouched():
    z = np.array([[-1.0, 0.0, 2.0]])
    da = np.array([[3.0, 4.0, 5.0]])
    z0, da0 = z.copy(), da.copy()
    np.testing.assert_array_equal(activation_backward("relu", da, z), [[0.0, 0.0, 5.0]])
    np.testing.assert_array_equal(z, z0)
    np.testing.assert_array_equal(da, da0)
    out = activate("identity", z)
    out[0, 0] = 99.0
    assert z[0, 0] == -1.0


def test_bad_arguments():
    with pytest.raises(CoreValueError) as info:
        activate("softplus", np.zeros(2))
    assert info.value.code == "bad_mode" and "softplus" in str(info.value)
    with pytest.raises(ValueError) as info:
        activation_derivative("relu", np.array([1.0, np.inf]))
    assert info.value.code == "not_finite" and "1" in str(info.value)
    with pytest.raises(CoreValueError) as info:
        activation_backward("relu", np.zeros(3), np.zeros(4))
    assert info.value.code == "bad_shape" and "(4,)" in str(info.value) and "(3,)" in str(info.value)
    with pytest.raises(CoreValueError) as info:
        as_finite_array([[1, 2], [3]], "x")
    assert info.value.code == "bad_shape"
    with pytest.raises(CoreValueError) as info:
        as_finite_array(np.zeros((2, 2)), "x", ndim=4)
    assert "4-D" in str(info.value) and "(2, 2)" in str(info.value)


@pytest.mark.parametrize("name", ["identity", "relu", "sigmoid", "tanh"])
def test_derivative_from_output_equals_the_derivative_at_the_preimage(name):
    """σ'(z) written through a = σ(z) (the texts' ``activator.backward(output)``) against finite differences."""
    from cnn_core.activations import activate, derivative_from_output, preimage
    from cnn_core.gradcheck import numerical_gradient
    z = np.array([-2.0, -0.3, 0.4, 1.7])
    a = activate(name, z)
    fd = np.array([numerical_gradient(lambda v: float(activate(name, v).sum()), np.array([zi]))[0] for zi in z])
    np.testing.assert_allclose(derivative_from_output(name, a), fd, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(activate(name, preimage(name, a)), a, rtol=1e-12, atol=1e-12)


def test_outputs_an_activation_cannot_produce():
    from cnn_core.activations import attainable, derivative_from_output, preimage
    from cnn_core.errors import CoreValueError
    x = np.array([0.0, 0.5, 1.0, 2.0])
    assert attainable("sigmoid", x).tolist() == [False, True, False, False]
    assert attainable("relu", np.array([-1.0, 0.0, 3.0])).tolist() == [False, True, True]
    assert derivative_from_output("sigmoid", x).tolist() == [0.0, 0.25, 0.0, -2.0]   # the formula, as the texts apply it
    with pytest.raises(CoreValueError) as info:
        preimage("sigmoid", x)
    assert info.value.code == "not_activation_output"
