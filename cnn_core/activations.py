"""Element-wise activations and their derivatives: identity, ReLU, sigmoid, tanh.

Each derivative is written as a function of the pre-activation ``z`` (the
``σ'(z)`` of ``δˡ⁻¹ = upsample(δˡ) ⊙ σ'(zˡ⁻¹)`` in seed 001), not of the output.

Conventions
-----------
* ReLU'(0) = 0 (the sub-gradient every library uses; ReLU is not differentiable at 0).
* sigmoid is evaluated in a numerically stable way (no ``exp`` of a large positive number).

This module also holds ``as_finite_array``, the argument check shared by the
core's pooling, dense and tiny-CNN modules.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .errors import CoreValueError

ACTIVATIONS: tuple[str, ...] = ("identity", "relu", "sigmoid", "tanh")


def as_finite_array(value: object, name: str, ndim: int | tuple[int, ...] | None = None) -> np.ndarray:
    """A float64 copy of ``value``, checked to be finite and (optionally) of a given rank.

    Parameters
    ----------
    value : array_like
        Anything ``np.asarray`` turns into a real array.
    name : str
        Name used in the error message (``"x"``, ``"dy"``, ``"W"``).
    ndim : int or tuple of int, optional
        Allowed number(s) of dimensions.

    Returns
    -------
    np.ndarray
        float64, a new array (callers may not mutate the caller's input through it).

    Raises
    ------
    ValueError (CoreValueError)
        ``"bad_shape"`` for the wrong rank or a non-numeric value, ``"not_finite"`` for NaN / inf.
    """
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise CoreValueError("bad_shape", f"{name} must be a real numeric array, got {type(value).__name__}",
                             name=name, expected="numeric array", got=type(value).__name__) from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            expected = " or ".join(f"{d}-D" for d in allowed)
            raise CoreValueError("bad_shape", f"{name} must be {expected}, got shape {arr.shape}",
                                 name=name, expected=expected, got=str(arr.shape))
    if not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise CoreValueError("not_finite", f"{name} contains {bad} NaN or infinite value(s)",
                             name=name, count=bad)
    return arr


def _identity(z: np.ndarray) -> np.ndarray:
    return z.copy()


def _identity_prime(z: np.ndarray) -> np.ndarray:
    return np.ones_like(z)


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def _relu_prime(z: np.ndarray) -> np.ndarray:
    # ReLU'(0) = 0 by convention (strict inequality)
    return (z > 0).astype(np.float64)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # stable: for z >= 0 use 1/(1+e^-z); for z < 0 use e^z/(1+e^z); exp never sees a large positive number
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def _sigmoid_prime(z: np.ndarray) -> np.ndarray:
    s = _sigmoid(z)
    return s * (1.0 - s)


def _tanh(z: np.ndarray) -> np.ndarray:
    return np.tanh(z)


def _tanh_prime(z: np.ndarray) -> np.ndarray:
    return 1.0 - np.tanh(z) ** 2


_FUNCTIONS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]] = {
    "identity": (_identity, _identity_prime),
    "relu": (_relu, _relu_prime),
    "sigmoid": (_sigmoid, _sigmoid_prime),
    "tanh": (_tanh, _tanh_prime),
}


def _lookup(name: str) -> tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]:
    key = name.lower() if isinstance(name, str) else name
    if key not in _FUNCTIONS:
        raise CoreValueError("bad_mode", f"unknown activation {name!r}; use one of {', '.join(ACTIVATIONS)}",
                             name="activation", value=repr(name), allowed=", ".join(ACTIVATIONS))
    return _FUNCTIONS[key]


def activate(name: str, z: np.ndarray) -> np.ndarray:
    """a = σ(z), element-wise, any shape.

    * identity: a = z
    * relu:     a = max(z, 0)
    * sigmoid:  a = 1 / (1 + e^(−z))   (computed stably)
    * tanh:     a = tanh(z)

    >>> activate("relu", np.array([-1.0, 0.0, 2.0])).tolist()
    [0.0, 0.0, 2.0]
    >>> float(activate("sigmoid", np.array(0.0)))
    0.5
    """
    forward, _ = _lookup(name)
    return forward(as_finite_array(z, "z"))


def activation_derivative(name: str, z: np.ndarray) -> np.ndarray:
    """σ'(z) as a function of the pre-activation z, element-wise, any shape.

    * identity: 1
    * relu:     1 if z > 0 else 0      (ReLU'(0) = 0 by convention)
    * sigmoid:  σ(z)(1 − σ(z))
    * tanh:     1 − tanh²(z)

    >>> activation_derivative("relu", np.array([-1.0, 0.0, 2.0])).tolist()
    [0.0, 0.0, 1.0]
    >>> float(activation_derivative("sigmoid", np.array(0.0)))
    0.25
    """
    _, derivative = _lookup(name)
    return derivative(as_finite_array(z, "z"))


def activation_backward(name: str, da: np.ndarray, z: np.ndarray) -> np.ndarray:
    """δ_z = δ_a ⊙ σ'(z): the gradient through an activation (seed 001's ``⊙ σ'(z)`` step).

    Parameters
    ----------
    name : str
        One of ``ACTIVATIONS``.
    da : np.ndarray, any shape
        ∂L/∂a.
    z : np.ndarray, same shape as ``da``
        The pre-activation the forward pass saw.
    """
    da_arr = as_finite_array(da, "da")
    z_arr = as_finite_array(z, "z")
    if da_arr.shape != z_arr.shape:
        raise CoreValueError("bad_shape", f"da must have the shape of z {z_arr.shape}, got {da_arr.shape}",
                             name="da", expected=str(z_arr.shape), got=str(da_arr.shape))
    return da_arr * activation_derivative(name, z_arr)


# σ'(z) written through the output a = σ(z), as the texts' code does (003: ``activator.backward(output)``).
_FROM_OUTPUT: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "identity": np.ones_like,
    "relu": lambda a: (a > 0).astype(np.float64),     # a > 0 exactly when z > 0
    "sigmoid": lambda a: a * (1.0 - a),
    "tanh": lambda a: 1.0 - a ** 2,
}
# The outputs σ can produce: (low, high, low included, high included).
_OUTPUT_RANGE: dict[str, tuple[float, float, bool, bool]] = {
    "identity": (-np.inf, np.inf, False, False),
    "relu": (0.0, np.inf, True, False),
    "sigmoid": (0.0, 1.0, False, False),
    "tanh": (-1.0, 1.0, False, False),
}


def derivative_from_output(name: str, a: np.ndarray) -> np.ndarray:
    """σ'(z) computed from the output a = σ(z), element-wise (no z needed).

    * identity: 1
    * relu:     𝟙[a > 0]        (= 𝟙[z > 0]; ReLU'(0) = 0)
    * sigmoid:  a (1 − a)
    * tanh:     1 − a²

    The formula is applied to any a, like the texts' code; :func:`attainable` says which a an
    activation can really produce (a sigmoid never outputs 0, 1 or 2).

    >>> derivative_from_output("sigmoid", np.array([0.5])).tolist()
    [0.25]
    """
    _lookup(name)
    return _FROM_OUTPUT[name.lower()](as_finite_array(a, "a"))


def attainable(name: str, a: np.ndarray) -> np.ndarray:
    """Bool array: True where a = σ(z) for some real z (sigmoid: 0 < a < 1, tanh: −1 < a < 1, ReLU: a ≥ 0)."""
    _lookup(name)
    low, high, low_in, high_in = _OUTPUT_RANGE[name.lower()]
    arr = as_finite_array(a, "a")
    above = arr >= low if low_in else arr > low
    below = arr <= high if high_in else arr < high
    return above & below


def preimage(name: str, a: np.ndarray) -> np.ndarray:
    """One z with σ(z) = a, element-wise. ReLU at a = 0: z = −1 (every z < 0 gives the same σ' = 0).

    Raises ``CoreValueError("not_activation_output")`` when some a is not an output of σ.

    >>> preimage("sigmoid", np.array([0.5])).tolist(), preimage("relu", np.array([0.0, 2.0])).tolist()
    ([0.0], [-1.0, 2.0])
    """
    _lookup(name)
    arr = as_finite_array(a, "a")
    ok = attainable(name, arr)
    if not ok.all():
        bad = float(arr[~ok].reshape(-1)[0])
        low, high, _, _ = _OUTPUT_RANGE[name.lower()]
        raise CoreValueError("not_activation_output", f"{bad} is not an output of {name}",
                             name=name, value=bad, low=low, high=high)
    key = name.lower()
    if key == "identity":
        return arr.copy()
    if key == "relu":
        return np.where(arr > 0, arr, -1.0)
    if key == "sigmoid":
        return np.log(arr) - np.log1p(-arr)
    return np.arctanh(arr)
