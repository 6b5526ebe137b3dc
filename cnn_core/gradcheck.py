"""Centred finite differences: the independent check of every analytic gradient.

    df/dx[i] ≈ (f(x + eps·e_i) - f(x - eps·e_i)) / (2 eps)      (error O(eps²))

Compared with the analytic gradient by the relative error
|a - b| / max(|a| + |b|, tiny), elementwise, reporting the maximum.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from numpy.typing import ArrayLike

from .errors import CoreValueError

__all__ = ["numerical_gradient", "relative_error", "check_gradient", "GradCheck"]

# below this scale both gradients count as zero (avoids 0/0 on exactly-zero entries)
# The denominator's floor (CS231n's gradient check uses the same): an analytic 7e-18 against a centred
# difference of exactly 0 is agreement, not a 100 % error (both are rounding noise around a zero gradient).
_TINY = 1e-8


def _real(a: ArrayLike, name: str) -> np.ndarray:
    try:
        arr = np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError):
        raise CoreValueError("bad_shape", f"{name} must be an array of real numbers",
                             name=name, expected="numeric array", got=type(a).__name__) from None
    bad = int(arr.size - np.count_nonzero(np.isfinite(arr)))
    if bad:
        raise CoreValueError("not_finite", f"{name} contains {bad} NaN or infinite value(s)", name=name, count=bad)
    return arr


def numerical_gradient(f: Callable[[np.ndarray], float], x: ArrayLike, eps: float = 1e-6) -> np.ndarray:
    """Centred-difference gradient of a scalar function.

    Parameters
    ----------
    f : callable, ndarray of shape S -> float
    x : array, shape S
        Point of evaluation; the caller's array is never modified (f sees a private copy).
    eps : float > 0
        Step.

    Returns
    -------
    array, shape S: (f(x + eps e_i) - f(x - eps e_i)) / (2 eps) for every entry i.

    >>> numerical_gradient(lambda v: float((v ** 2).sum()), [1.0, -2.0]).round(6).tolist()
    [2.0, -4.0]
    """
    if not (isinstance(eps, (int, float)) and np.isfinite(eps)) or eps <= 0:
        raise CoreValueError("not_positive_real", f"eps must be greater than 0, got {eps!r}",
                             name="eps", value=repr(eps))
    work = _real(x, "x").copy()
    grad = np.zeros_like(work)
    flat, gflat = work.reshape(-1), grad.reshape(-1)   # views: writing flat[i] moves work
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        plus = float(f(work))
        flat[i] = old - eps
        minus = float(f(work))
        flat[i] = old
        gflat[i] = (plus - minus) / (2 * eps)
    return grad


def relative_error(a: ArrayLike, b: ArrayLike) -> float:
    """max_i |a_i - b_i| / max(|a_i| + |b_i|, 1e-8); near 0 when both are (near) zero.

    >>> relative_error([1.0, 0.0], [1.0, 0.0])
    0.0
    >>> relative_error([7e-18], [0.0]) < 1e-9     # rounding noise around a zero gradient agrees
    True
    >>> round(relative_error([1.0], [1.1]), 6)
    0.047619
    """
    a, b = _real(a, "a"), _real(b, "b")
    if a.shape != b.shape:
        raise CoreValueError("bad_shape", f"cannot compare shapes {a.shape} and {b.shape}",
                             name="b", expected=str(a.shape), got=str(b.shape))
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), _TINY)))


@dataclass(frozen=True)
class GradCheck:
    """Result of :func:`check_gradient`.

    Attributes
    ----------
    numeric : array, shape S
        Centred-difference gradient.
    analytic : array, shape S
        The gradient under test.
    max_rel_error : float
        :func:`relative_error` of the two.
    passed : bool
        max_rel_error <= tol.
    """

    numeric: np.ndarray
    analytic: np.ndarray
    max_rel_error: float
    passed: bool


def check_gradient(f: Callable[[np.ndarray], float], x: ArrayLike, analytic: ArrayLike,
                   tol: float = 1e-6, eps: float = 1e-6) -> GradCheck:
    """Compare an analytic gradient of f at x with centred differences.

    Parameters
    ----------
    f : callable, ndarray of shape S -> float
    x : array, shape S
    analytic : array, shape S
    tol : float
        Largest accepted relative error.
    eps : float
        Finite-difference step.

    Returns
    -------
    GradCheck
    """
    numeric = numerical_gradient(f, x, eps)
    analytic = _real(analytic, "analytic")
    err = relative_error(numeric, analytic)
    return GradCheck(numeric=numeric, analytic=analytic.copy(), max_rel_error=err, passed=err <= tol)


def check_vjp(f: Callable[[np.ndarray], ArrayLike], x: ArrayLike, dy: ArrayLike, analytic: ArrayLike,
              tol: float = 1e-6, eps: float = 1e-6) -> GradCheck:
    """Check a vector-Jacobian product: ``analytic`` should be Jᵀ dy, J = ∂f/∂x at x.

    The shape of CS231n's ``eval_numerical_gradient_array(f, x, df)``: the numeric side is the
    centred-difference gradient of the scalar L(x) = Σ dy ⊙ f(x), whose gradient is exactly Jᵀ dy.

    Parameters
    ----------
    f : callable, ndarray of shape S -> ndarray of shape T
    x : array, shape S
    dy : array, shape T
        The upstream gradient ∂L/∂f(x).
    analytic : array, shape S
    tol, eps : as in :func:`check_gradient`

    >>> check_vjp(lambda v: 3 * v, [1.0, 2.0], [1.0, -1.0], [3.0, -3.0]).passed
    True
    """
    upstream = _real(dy, "dy")

    def loss(v: np.ndarray) -> float:
        out = _real(f(v), "f(x)")
        if out.shape != upstream.shape:
            raise CoreValueError("bad_shape", f"f(x) has shape {out.shape} but dy has shape {upstream.shape}",
                                 name="dy", expected=str(out.shape), got=str(upstream.shape))
        return float((upstream * out).sum())

    return check_gradient(loss, x, analytic, tol=tol, eps=eps)
