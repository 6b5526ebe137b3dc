"""Fully connected layer, softmax, its Jacobian, cross-entropy and MSE (seeds 000 and 004).

Convention (seed 004): a column-vector layer

    z = W a + b,      W : (M_out, M_in),  a : (M_in,),  b, z : (M_out,).

A batch is a stack of such vectors, one sample per ROW: ``a`` of shape (N, M_in)
gives ``z`` of shape (N, M_out) with ``z[n] = W a[n] + b`` (i.e. z = a Wᵀ + b).

Backward, for δ = ∂L/∂z (seed 004, "δ(l) = f'(z(l)) ⊙ (W(l+1))ᵀ δ(l+1)"):

    ∂L/∂W = δ aᵀ   (outer product; summed over the batch)
    ∂L/∂b = δ      (summed over the batch)
    ∂L/∂a = Wᵀ δ   (a matrix product — seed 001 writes ⊙ here, which is wrong)

Losses on a batch are the MEAN over samples of the per-sample loss, so their
gradients carry a 1/N; for one sample (a 1-D vector) there is no factor.

* softmax(z)_k = exp(z_k − max z) / Σ_j exp(z_j − max z)     (shift for stability)
* J = ∂a/∂z = diag(a) − a aᵀ
* cross-entropy  L = −Σ_k y_k log a_k;  with a = softmax(z):  ∂L/∂z = a − y
* MSE            L = ½ Σ_k (a_k − y_k)²;  ∂L/∂a = a − y
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import activate, activation_derivative, as_finite_array
from .errors import CoreValueError

_DISTRIBUTION_TOL = 1e-9


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=np.float64)
    a.setflags(write=False)
    return a


def _shape_error(name: str, expected: object, got: tuple[int, ...]) -> CoreValueError:
    return CoreValueError("bad_shape", f"{name} must have shape {expected}, got {got}",
                          name=name, expected=str(expected), got=str(got))


def _check_layer(a_prev: object, W: object) -> tuple[np.ndarray, np.ndarray]:
    a = as_finite_array(a_prev, "a_prev", ndim=(1, 2))
    w = as_finite_array(W, "W", ndim=2)
    if a.shape[-1] != w.shape[1]:
        expected = (w.shape[1],) if a.ndim == 1 else ("N", w.shape[1])
        raise _shape_error("a_prev", expected, a.shape)
    return a, w


def _check_same_shape(y: object, a: np.ndarray, name: str) -> np.ndarray:
    arr = as_finite_array(y, name, ndim=a.ndim)
    if arr.shape != a.shape:
        raise _shape_error(name, a.shape, arr.shape)
    return arr


def _check_distribution(p: np.ndarray, name: str) -> None:
    """Each row non-negative and summing to 1 (within 1e-9)."""
    sums = p.sum(axis=-1)
    if np.any(p < 0) or np.any(np.abs(sums - 1.0) > _DISTRIBUTION_TOL):
        worst = float(np.atleast_1d(sums)[np.argmax(np.abs(np.atleast_1d(sums) - 1.0))])
        raise CoreValueError("not_distribution",
                             f"{name} must be a probability distribution (entries >= 0 summing to 1); "
                             f"entries sum to {worst:g}, smallest entry {float(p.min()):g}",
                             name=name, total=round(worst, 12), minimum=float(p.min()))


def _batch_size(a: np.ndarray) -> int:
    return 1 if a.ndim == 1 else a.shape[0]


# --- the layer -------------------------------------------------------------------------------

def dense_forward(a_prev: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """z = W a + b.

    Parameters
    ----------
    a_prev : np.ndarray, shape (M_in,) or (N, M_in)
    W : np.ndarray, shape (M_out, M_in)
    b : np.ndarray, shape (M_out,)

    Returns
    -------
    z : np.ndarray, shape (M_out,) or (N, M_out)

    >>> dense_forward(np.array([1.0, 2.0]), np.array([[1.0, 0.0], [1.0, -1.0]]), np.array([0.5, 0.0])).tolist()
    [1.5, -1.0]
    """
    a, w = _check_layer(a_prev, W)
    bias = as_finite_array(b, "b", ndim=1)
    if bias.shape != (w.shape[0],):
        raise _shape_error("b", (w.shape[0],), bias.shape)
    return a @ w.T + bias


def dense_backward(delta: np.ndarray, a_prev: np.ndarray, W: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of a dense layer from δ = ∂L/∂z.

    Parameters
    ----------
    delta : np.ndarray, shape (M_out,) or (N, M_out)
        ∂L/∂z.
    a_prev : np.ndarray, shape (M_in,) or (N, M_in)
        The layer's input in the forward pass.
    W : np.ndarray, shape (M_out, M_in)

    Returns
    -------
    da_prev : np.ndarray, shape like ``a_prev``
        Wᵀ δ (per sample).
    dW : np.ndarray, shape (M_out, M_in)
        δ aᵀ, summed over the batch.
    db : np.ndarray, shape (M_out,)
        δ, summed over the batch.
    """
    a, w = _check_layer(a_prev, W)
    d = as_finite_array(delta, "delta", ndim=a.ndim)
    expected = (w.shape[0],) if a.ndim == 1 else (a.shape[0], w.shape[0])
    if d.shape != expected:
        raise _shape_error("delta", expected, d.shape)
    if a.ndim == 1:
        return w.T @ d, np.outer(d, a), d.copy()
    return d @ w, d.T @ a, d.sum(axis=0)


# --- softmax and losses ----------------------------------------------------------------------

def softmax(z: np.ndarray) -> np.ndarray:
    """a_k = exp(z_k − max z) / Σ_j exp(z_j − max z) along the last axis; z (K,) or (N, K).

    >>> softmax(np.array([0.0, 0.0])).tolist()
    [0.5, 0.5]
    """
    zz = as_finite_array(z, "z", ndim=(1, 2))
    shifted = zz - zz.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def softmax_jacobian(a: np.ndarray) -> np.ndarray:
    """J[i, j] = ∂a_i/∂z_j = a_i (δ_ij − a_j), i.e. diag(a) − a aᵀ; a of shape (K,), J (K, K).

    >>> softmax_jacobian(np.array([0.5, 0.5])).tolist()
    [[0.25, -0.25], [-0.25, 0.25]]
    """
    aa = as_finite_array(a, "a", ndim=1)
    return np.diag(aa) - np.outer(aa, aa)


def cross_entropy(a: np.ndarray, y: np.ndarray) -> float:
    """L = −Σ_k y_k log a_k (per sample; the mean over rows for a batch).

    ``a`` and ``y`` are probability distributions of shape (K,) or (N, K); terms with
    y_k = 0 count 0 (even where a_k = 0). Returns inf when some a_k = 0 has y_k > 0.
    """
    aa = as_finite_array(a, "a", ndim=(1, 2))
    yy = _check_same_shape(y, aa, "y")
    _check_distribution(aa, "a")
    _check_distribution(yy, "y")
    with np.errstate(divide="ignore"):
        logs = np.where(yy > 0, np.log(np.where(yy > 0, aa, 1.0)), 0.0)
    return float(-(yy * logs).sum() / _batch_size(aa))


def softmax_cross_entropy(z: np.ndarray, y: np.ndarray) -> float:
    """Cross-entropy of softmax(z) computed from the logits: L = logsumexp(z) − Σ_k y_k z_k.

    Stable for any finite z (never takes log of an underflowed probability).
    z, y of shape (K,) or (N, K); the mean over rows for a batch.
    """
    zz = as_finite_array(z, "z", ndim=(1, 2))
    yy = _check_same_shape(y, zz, "y")
    _check_distribution(yy, "y")
    m = zz.max(axis=-1, keepdims=True)
    lse = (m + np.log(np.exp(zz - m).sum(axis=-1, keepdims=True)))[..., 0]
    # Σ y = 1, so −Σ y log softmax(z) = logsumexp(z) − Σ y z
    return float((lse - (yy * zz).sum(axis=-1)).sum() / _batch_size(zz))


def cross_entropy_softmax_grad(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """∂L/∂z = a − y for L = cross_entropy(softmax(z), y) (divided by N for a batch)."""
    zz = as_finite_array(z, "z", ndim=(1, 2))
    yy = _check_same_shape(y, zz, "y")
    _check_distribution(yy, "y")
    return (softmax(zz) - yy) / _batch_size(zz)


def mse(a: np.ndarray, y: np.ndarray) -> float:
    """L = ½ Σ_k (a_k − y_k)² (per sample; the mean over rows for a batch)."""
    aa = as_finite_array(a, "a", ndim=(1, 2))
    yy = _check_same_shape(y, aa, "y")
    return float(0.5 * ((aa - yy) ** 2).sum() / _batch_size(aa))


def mse_grad(a: np.ndarray, y: np.ndarray) -> np.ndarray:
    """∂L/∂a = a − y for L = mse(a, y) (divided by N for a batch)."""
    aa = as_finite_array(a, "a", ndim=(1, 2))
    yy = _check_same_shape(y, aa, "y")
    return (aa - yy) / _batch_size(aa)


def one_hot(labels: np.ndarray, num_classes: int) -> np.ndarray:
    """Rows of the identity: one_hot([2, 0], 3) = [[0, 0, 1], [1, 0, 0]]; labels (N,) → (N, K).

    >>> one_hot(np.array([2, 0]), 3).tolist()
    [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """
    lab = np.asarray(labels)
    if lab.ndim != 1 or not np.issubdtype(lab.dtype, np.integer):
        raise CoreValueError("bad_shape", f"labels must be a 1-D integer array, got {lab.dtype} shape {lab.shape}",
                             name="labels", expected="(N,) integers", got=f"{lab.dtype} {lab.shape}")
    bad = lab[(lab < 0) | (lab >= num_classes)]
    if bad.size:
        raise CoreValueError("bad_label", f"label {int(bad[0])} is not a class index from 0 to {num_classes - 1}",
                             value=int(bad[0]), last=num_classes - 1)
    return np.eye(num_classes)[lab]


# --- traces ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class DenseForwardTrace:
    """z = W a + b for one sample, term by term.

    Attributes
    ----------
    a_prev : (M_in,)
    W : (M_out, M_in)
    b : (M_out,)
    products : (M_out, M_in)
        products[i, j] = W[i, j] · a_prev[j]; z[i] = Σ_j products[i, j] + b[i].
    z : (M_out,)
    """

    a_prev: np.ndarray
    W: np.ndarray
    b: np.ndarray
    products: np.ndarray
    z: np.ndarray


def dense_forward_trace(a_prev: np.ndarray, W: np.ndarray, b: np.ndarray) -> DenseForwardTrace:
    """Trace :func:`dense_forward` for one sample (a_prev of shape (M_in,))."""
    a = as_finite_array(a_prev, "a_prev", ndim=1)
    z = dense_forward(a, W, b)
    w = np.asarray(W, dtype=np.float64)
    return DenseForwardTrace(a_prev=_frozen(a), W=_frozen(w), b=_frozen(b), products=_frozen(w * a[None, :]),
                             z=_frozen(z))


@dataclass(frozen=True)
class DenseBackwardTrace:
    """One dense layer's backward pass for one sample (seed 004's FC backpropagation).

    Attributes
    ----------
    delta : (M_out,)
        δ = ∂L/∂z of this layer.
    a_prev : (M_in,)
        The layer's input.
    W : (M_out, M_in)
    dW : (M_out, M_in)
        δ aᵀ: dW[i, j] = delta[i] · a_prev[j].
    db : (M_out,)
        δ.
    da_prev : (M_in,)
        Wᵀ δ: da_prev[j] = Σ_i W[i, j] · delta[i] (a matrix product, not ⊙).
    activation : str or None
        The previous layer's activation f, when given.
    z_prev : (M_in,) or None
        The previous layer's pre-activation z (a_prev = f(z_prev)), when given.
    f_prime : (M_in,) or None
        f'(z_prev).
    delta_prev : (M_in,) or None
        δ of the previous layer = f'(z_prev) ⊙ Wᵀ δ.
    """

    delta: np.ndarray
    a_prev: np.ndarray
    W: np.ndarray
    dW: np.ndarray
    db: np.ndarray
    da_prev: np.ndarray
    activation: str | None
    z_prev: np.ndarray | None
    f_prime: np.ndarray | None
    delta_prev: np.ndarray | None


def dense_backward_trace(delta: np.ndarray, a_prev: np.ndarray, W: np.ndarray,
                         z_prev: np.ndarray | None = None, activation: str | None = None) -> DenseBackwardTrace:
    """Trace :func:`dense_backward` for one sample, optionally through the previous activation.

    With ``z_prev`` and ``activation`` given, also δ(l) = f'(z(l)) ⊙ (W(l+1))ᵀ δ(l+1) (seed 004).
    """
    a = as_finite_array(a_prev, "a_prev", ndim=1)
    da_prev, dW, db = dense_backward(delta, a, W)
    f_prime = delta_prev = z = None
    if (z_prev is None) != (activation is None):
        raise CoreValueError("bad_mode", "give both z_prev and activation, or neither",
                             name="activation", value=repr(activation), allowed="both z_prev and activation")
    if z_prev is not None and activation is not None:
        z = _check_same_shape(z_prev, a, "z_prev")
        f_prime = activation_derivative(activation, z)
        delta_prev = f_prime * da_prev
    return DenseBackwardTrace(
        delta=_frozen(delta), a_prev=_frozen(a), W=_frozen(W), dW=_frozen(dW), db=_frozen(db),
        da_prev=_frozen(da_prev), activation=activation,
        z_prev=None if z is None else _frozen(z),
        f_prime=None if f_prime is None else _frozen(f_prime),
        delta_prev=None if delta_prev is None else _frozen(delta_prev))


@dataclass(frozen=True)
class SoftmaxCETrace:
    """∂L/∂z = a − y derived step by step for one sample (seed 000).

    Attributes
    ----------
    z : (K,)
        Logits.
    y : (K,)
        Target distribution (one-hot for a label).
    a : (K,)
        softmax(z).
    loss : float
        −Σ y_k log a_k.
    dL_da : (K,)
        ∂L/∂a_k = −y_k / a_k (0 where y_k = 0).
    jacobian : (K, K)
        ∂a/∂z = diag(a) − a aᵀ.
    chain_product : (K,)
        Jᵀ ∂L/∂a, the chain rule: ∂L/∂z_j = Σ_k ∂L/∂a_k · ∂a_k/∂z_j.
    a_minus_y : (K,)
        The closed form a − y.
    max_abs_difference : float
        max |chain_product − a_minus_y| (rounding only).
    """

    z: np.ndarray
    y: np.ndarray
    a: np.ndarray
    loss: float
    dL_da: np.ndarray
    jacobian: np.ndarray
    chain_product: np.ndarray
    a_minus_y: np.ndarray
    max_abs_difference: float


def softmax_ce_trace(z: np.ndarray, y: np.ndarray) -> SoftmaxCETrace:
    """Record every step of ∂L/∂z = a − y with the numbers; z, y of shape (K,).

    >>> t = softmax_ce_trace(np.array([0.0, 0.0]), np.array([1.0, 0.0]))
    >>> t.a.tolist(), t.dL_da.tolist(), t.a_minus_y.tolist()
    ([0.5, 0.5], [-2.0, 0.0], [-0.5, 0.5])
    """
    zz = as_finite_array(z, "z", ndim=1)
    yy = _check_same_shape(y, zz, "y")
    _check_distribution(yy, "y")
    a = softmax(zz)
    with np.errstate(divide="ignore", invalid="ignore"):
        dL_da = np.where(yy > 0, -yy / np.where(yy > 0, a, 1.0), 0.0)
    jac = softmax_jacobian(a)
    product = jac.T @ dL_da
    a_minus_y = a - yy
    return SoftmaxCETrace(z=_frozen(zz), y=_frozen(yy), a=_frozen(a), loss=softmax_cross_entropy(zz, yy),
                          dL_da=_frozen(dL_da), jacobian=_frozen(jac), chain_product=_frozen(product),
                          a_minus_y=_frozen(a_minus_y),
                          max_abs_difference=float(np.max(np.abs(product - a_minus_y))))


@dataclass(frozen=True)
class SigmoidMSETrace:
    """∂L/∂z for a = σ(z), L = ½ Σ_k (a_k − y_k)², step by step for one sample (seed 000's MSE branch).

    Attributes
    ----------
    z : (K,)
        Logits.
    y : (K,)
        Targets.
    a : (K,)
        σ(z).
    loss : float
        ½ Σ (a − y)².
    dL_da : (K,)
        a − y.
    sigma_prime : (K,)
        σ'(z) = a ⊙ (1 − a).
    dL_dz : (K,)
        (a − y) ⊙ σ'(z): each output cell depends on its own z only, so the chain rule is element-wise.
    """

    z: np.ndarray
    y: np.ndarray
    a: np.ndarray
    loss: float
    dL_da: np.ndarray
    sigma_prime: np.ndarray
    dL_dz: np.ndarray


def sigmoid_mse_trace(z: np.ndarray, y: np.ndarray) -> SigmoidMSETrace:
    """Record every step of ∂L/∂z = (a − y) ⊙ a(1 − a) for a = σ(z); z, y of shape (K,).

    >>> t = sigmoid_mse_trace(np.array([0.0]), np.array([1.0]))
    >>> t.a.tolist(), t.loss, t.dL_da.tolist(), t.sigma_prime.tolist(), t.dL_dz.tolist()
    ([0.5], 0.125, [-0.5], [0.25], [-0.125])
    """
    zz = as_finite_array(z, "z", ndim=1)
    yy = _check_same_shape(y, zz, "y")
    a = activate("sigmoid", zz)
    dL_da = mse_grad(a, yy)
    sigma_prime = activation_derivative("sigmoid", zz)
    return SigmoidMSETrace(z=_frozen(zz), y=_frozen(yy), a=_frozen(a), loss=mse(a, yy), dL_da=_frozen(dL_da),
                           sigma_prime=_frozen(sigma_prime), dL_dz=_frozen(dL_da * sigma_prime))
