"""2-D convolution (cross-correlation) forward and backward, with the teaching views.

Layout NCHW, weights (F, C, KH, KW), float64. ``conv2d`` is cross-correlation,
as in every deep-learning library; ``convolve2d`` flips the kernel (rot180).
Output sizes and padding come from :mod:`cnn_core.arithmetic` only.

Forward, for output cell (n, f, i, j) and padded input ``xp``::

    y[n,f,i,j] = b[f] + sum_{c,kh,kw} xp[n, c, i*sh + kh*dh, j*sw + kw*dw] * w[f,c,kh,kw]

Backward, with δ = dy = dE/dy::

    dw[f,c,kh,kw] = sum_{n,i,j} δ[n,f,i,j] * xp[n, c, i*sh + kh*dh, j*sw + kw*dw]
    db[f]         = sum_{n,i,j} δ[n,f,i,j]
    dxp[n,c,r,q]  = sum over every (f,i,j,kh,kw) whose tap lands on (r,q) of δ[n,f,i,j] * w[f,c,kh,kw]

and dx is dxp with the padding cropped. The same dx, two teaching ways:
:func:`input_gradient_scatter` (each output cell sends δ·W back to its window)
and :func:`input_gradient_full_conv` (full correlation of the zero-inserted,
zero-padded δ with rot180(W)).

The vectorised paths build an im2col matrix (a copy of the strided windows) and
use one matrix product; the only Python loop is over the KH*KW kernel taps when
scattering dx back. ``*_naive`` are plain per-cell loops, the references the
tests compare against.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from .arithmetic import (IntPair, Padding, PaddingSpec, as_pair, axis_arithmetic, conv_output_shape,
                         effective_kernel, resolve_padding)
from .errors import CoreValueError

__all__ = [
    "conv2d", "conv2d_backward", "conv2d_input_gradient", "conv2d_naive", "conv2d_backward_naive",
    "rot180", "pad2d", "zero_insert", "correlate2d", "convolve2d", "full_correlation",
    "input_gradient_scatter", "input_gradient_full_conv",
    "ConvTrace", "ConvCellTrace", "conv2d_trace",
    "ConvBackwardTrace", "InputGradTerm", "WeightGradTerm", "conv2d_backward_trace",
    "sgd_step",
]


# --------------------------------------------------------------------------- validation
def as_real_array(a: ArrayLike, name: str, ndim: int | None = None) -> np.ndarray:
    """``a`` as a float64 array, checked for rank and finiteness (no copy if already float64).

    Raises CoreValueError ``bad_shape`` or ``not_finite``.
    """
    try:
        arr = np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError):
        raise CoreValueError("bad_shape", f"{name} must be an array of real numbers",
                             name=name, expected="numeric array", got=type(a).__name__) from None
    if ndim is not None and arr.ndim != ndim:
        raise CoreValueError("bad_shape", f"{name} must have {ndim} dimensions, got shape {arr.shape}",
                             name=name, expected=f"{ndim}-D", got=str(arr.shape))
    if arr.size == 0:
        raise CoreValueError("bad_shape", f"{name} must not be empty, got shape {arr.shape}",
                             name=name, expected="non-empty", got=str(arr.shape))
    bad = int(arr.size - np.count_nonzero(np.isfinite(arr)))
    if bad:
        raise CoreValueError("not_finite", f"{name} contains {bad} NaN or infinite value(s)",
                             name=name, count=bad)
    return arr


def _check_channels(x_channels: int, w_channels: int) -> None:
    if x_channels != w_channels:
        raise CoreValueError("channel_mismatch",
                             f"input has {x_channels} channels but the weights expect {w_channels}",
                             x_channels=x_channels, w_channels=w_channels)


def _check_bias(b: ArrayLike | None, filters: int) -> np.ndarray:
    if b is None:
        return np.zeros(filters)
    b = as_real_array(b, "b", ndim=1)
    if b.shape != (filters,):
        raise CoreValueError("bad_shape", f"b must have shape ({filters},), got {b.shape}",
                             name="b", expected=f"({filters},)", got=str(b.shape))
    return b


@dataclass(frozen=True)
class _Geometry:
    """Resolved arguments of one convolution (internal)."""

    stride: tuple[int, int]
    dilation: tuple[int, int]
    padding: Padding
    out_hw: tuple[int, int]


def _geometry(in_hw: tuple[int, int], kernel_hw: tuple[int, int], stride: IntPair,
              padding: PaddingSpec, dilation: IntPair) -> _Geometry:
    s, d = as_pair(stride, "stride"), as_pair(dilation, "dilation")
    pad = resolve_padding(padding, in_hw, kernel_hw, s, d)
    return _Geometry(s, d, pad, conv_output_shape(in_hw, kernel_hw, s, pad, d))


def _check_dy(dy: ArrayLike, expected: tuple[int, ...]) -> np.ndarray:
    dy = as_real_array(dy, "dy", ndim=len(expected))
    if dy.shape != expected:
        raise CoreValueError("bad_shape", f"dy must have the forward output's shape {expected}, got {dy.shape}",
                             name="dy", expected=str(expected), got=str(dy.shape))
    return dy


def _check_x_shape(x_shape: Sequence[int]) -> tuple[int, int, int, int]:
    shape = tuple(int(v) for v in x_shape)
    if len(shape) != 4 or min(shape) < 1:
        raise CoreValueError("bad_shape", f"x_shape must be 4 positive sizes (N, C, H, W), got {shape}",
                             name="x_shape", expected="(N, C, H, W)", got=str(shape))
    return shape  # type: ignore[return-value]


# --------------------------------------------------------------------------- single-channel helpers
def rot180(k: ArrayLike) -> np.ndarray:
    """Rotate the last two axes by 180 degrees: out[..., a, b] = k[..., KH-1-a, KW-1-b].

    Parameters
    ----------
    k : array, shape (..., KH, KW)

    Returns
    -------
    array, shape (..., KH, KW), a new array.

    >>> rot180([[1, 2], [3, 4]]).tolist()
    [[4.0, 3.0], [2.0, 1.0]]
    """
    k = np.asarray(k, dtype=np.float64)
    return k[..., ::-1, ::-1].copy()


def pad2d(a: ArrayLike, padding: Padding | Sequence[int]) -> np.ndarray:
    """Zero-pad the last two axes by (top, bottom, left, right).

    Parameters
    ----------
    a : array, shape (..., H, W)
    padding : Padding or 4 non-negative ints

    Returns
    -------
    array, shape (..., H + top + bottom, W + left + right)
    """
    a = np.asarray(a, dtype=np.float64)
    # resolve_padding checks the 4 entries are non-negative integers
    pad = padding if isinstance(padding, Padding) else resolve_padding(tuple(padding), (1, 1), (1, 1))
    h, w = a.shape[-2:]
    out = np.zeros(a.shape[:-2] + (h + pad.top + pad.bottom, w + pad.left + pad.right))
    out[..., pad.top:pad.top + h, pad.left:pad.left + w] = a
    return out


def zero_insert(a: ArrayLike, stride: IntPair) -> np.ndarray:
    """Insert stride-1 zeros between neighbouring rows and columns of the last two axes.

    This is the dilation of δ needed when the forward convolution had stride > 1:
    out[..., i*sh, j*sw] = a[..., i, j], zeros elsewhere.

    Parameters
    ----------
    a : array, shape (..., H, W)
    stride : int or (sh, sw)

    Returns
    -------
    array, shape (..., (H-1)*sh + 1, (W-1)*sw + 1)

    >>> zero_insert([[1, 2], [3, 4]], 2).tolist()
    [[1.0, 0.0, 2.0], [0.0, 0.0, 0.0], [3.0, 0.0, 4.0]]
    """
    a = np.asarray(a, dtype=np.float64)
    sh, sw = as_pair(stride, "stride")
    h, w = a.shape[-2:]
    out = np.zeros(a.shape[:-2] + ((h - 1) * sh + 1, (w - 1) * sw + 1))
    out[..., ::sh, ::sw] = a
    return out


def correlate2d(a: ArrayLike, k: ArrayLike, stride: IntPair = 1, padding: PaddingSpec = 0,
                dilation: IntPair = 1) -> np.ndarray:
    """2-D cross-correlation of one channel (what libraries call convolution).

    out[i, j] = sum_{kh,kw} ap[i*sh + kh*dh, j*sw + kw*dw] * k[kh, kw], ap = a zero-padded.

    Parameters
    ----------
    a : array, shape (H, W)
    k : array, shape (KH, KW)

    Returns
    -------
    array, shape (OH, OW) from :func:`cnn_core.arithmetic.conv_output_shape`.

    >>> correlate2d([[1, 2], [3, 4]], [[1, 0], [0, 1]]).tolist()
    [[5.0]]
    """
    a, k = as_real_array(a, "a", ndim=2), as_real_array(k, "k", ndim=2)
    return conv2d(a[None, None], k[None, None], None, stride, padding, dilation)[0, 0]


def convolve2d(a: ArrayLike, k: ArrayLike, stride: IntPair = 1, padding: PaddingSpec = 0,
               dilation: IntPair = 1) -> np.ndarray:
    """True 2-D convolution of one channel: cross-correlation with rot180(k).

    Parameters
    ----------
    a : array, shape (H, W)
    k : array, shape (KH, KW)

    Returns
    -------
    array, shape (OH, OW)
    """
    return correlate2d(a, rot180(as_real_array(k, "k", ndim=2)), stride, padding, dilation)


def full_correlation(a: ArrayLike, k: ArrayLike) -> np.ndarray:
    """Cross-correlation with k-1 zeros on every side ("full" padding).

    Parameters
    ----------
    a : array, shape (H, W)
    k : array, shape (KH, KW)

    Returns
    -------
    array, shape (H + KH - 1, W + KW - 1)
    """
    return correlate2d(a, k, padding="full")


# --------------------------------------------------------------------------- vectorised core
def _pad_batch(x: np.ndarray, pad: Padding) -> np.ndarray:
    """(N, C, H, W) -> (N, C, Hp, Wp); zeros + slice assignment is faster than np.pad."""
    if pad == (0, 0, 0, 0):
        return x
    return pad2d(x, pad)


def _tap_slices(geo: _Geometry, kernel_hw: tuple[int, int]):
    """For every kernel tap (a, q): the rows/cols slices of the padded grid it visits across all windows.

    Tap (a, q) of window (i, j) reads (i*sh + a*dh, j*sw + q*dw), so over all windows one tap is the
    regular slice [a*dh : a*dh + sh*(OH-1)+1 : sh] x [q*dw : q*dw + sw*(OW-1)+1 : sw].
    """
    (oh, ow), (sh, sw), (dh, dw) = geo.out_hw, geo.stride, geo.dilation
    for a in range(kernel_hw[0]):
        for q in range(kernel_hw[1]):
            yield a, q, (slice(a * dh, a * dh + sh * (oh - 1) + 1, sh), slice(q * dw, q * dw + sw * (ow - 1) + 1, sw))


def _im2col(xp: np.ndarray, kernel_hw: tuple[int, int], geo: _Geometry) -> np.ndarray:
    """Windows of the padded input, per sample, as a contiguous (N, C*KH*KW, OH*OW) array.

    Column m of sample n is the window of output cell m; row (c, a, q) is tap (a, q) of
    channel c. Filling it tap by tap copies whole strided image slices (fast), and with the
    window axis last a batched matmul w @ cols lands directly in NCHW order.
    """
    n, c = xp.shape[:2]
    (kh, kw), (oh, ow) = kernel_hw, geo.out_hw
    cols = np.empty((n, c, kh, kw, oh, ow))
    for a, q, (rows, cols_) in _tap_slices(geo, kernel_hw):
        cols[:, :, a, q] = xp[:, :, rows, cols_]
    return cols.reshape(n, c * kh * kw, oh * ow)


def conv2d(x: ArrayLike, w: ArrayLike, b: ArrayLike | None = None, stride: IntPair = 1,
           padding: PaddingSpec = 0, dilation: IntPair = 1) -> np.ndarray:
    """Batched 2-D cross-correlation (vectorised: im2col + one matrix product).

    y[n,f,i,j] = b[f] + sum_{c,kh,kw} xp[n, c, i*sh + kh*dh, j*sw + kw*dw] * w[f,c,kh,kw]

    Parameters
    ----------
    x : array, shape (N, C, H, W)
    w : array, shape (F, C, KH, KW)
    b : array, shape (F,), optional (zeros)
    stride, dilation : int or (h, w), >= 1
    padding : int, (ph, pw), (top, bottom, left, right), "valid", "same" or "full"

    Returns
    -------
    y : array, shape (N, F, OH, OW), OH = floor((H + top + bottom - d(KH-1) - 1) / sh) + 1

    Raises
    ------
    ValueError (CoreValueError)
        bad_shape, channel_mismatch, not_finite, bad_padding, not_positive, kernel_too_large.
    """
    x, w = as_real_array(x, "x", ndim=4), as_real_array(w, "w", ndim=4)
    _check_channels(x.shape[1], w.shape[1])
    b = _check_bias(b, w.shape[0])
    geo = _geometry(x.shape[2:], w.shape[2:], stride, padding, dilation)
    cols = _im2col(_pad_batch(x, geo.padding), w.shape[2:], geo)
    f, n, (oh, ow) = w.shape[0], x.shape[0], geo.out_hw
    y = np.matmul(w.reshape(f, -1), cols)                          # (N, F, OH*OW)
    y += b[:, None]
    return y.reshape(n, f, oh, ow)


def _scatter_taps(dcols: np.ndarray, padded_hw: tuple[int, int], geo: _Geometry) -> np.ndarray:
    """Sum window gradients (N, C, KH, KW, OH, OW) back onto the padded grid (N, C, Hp, Wp).

    One strided slice-add per kernel tap (see :func:`_tap_slices`).
    """
    n, c, kh, kw = dcols.shape[:4]
    dxp = np.zeros((n, c) + tuple(padded_hw))
    for a, q, (rows, cols) in _tap_slices(geo, (kh, kw)):
        dxp[:, :, rows, cols] += dcols[:, :, a, q]
    return dxp


def _crop(dxp: np.ndarray, pad: Padding, in_hw: tuple[int, int]) -> np.ndarray:
    h, w = in_hw
    return np.ascontiguousarray(dxp[..., pad.top:pad.top + h, pad.left:pad.left + w])


def _input_gradient_args(dy: ArrayLike, x_shape: Sequence[int], w: ArrayLike, stride: IntPair,
                         padding: PaddingSpec, dilation: IntPair):
    """Checked (dy, (N, C, H, W), w, geometry) for the three routes to dx from dy alone."""
    n, c, h, wd = _check_x_shape(x_shape)
    w = as_real_array(w, "w", ndim=4)
    _check_channels(c, w.shape[1])
    geo = _geometry((h, wd), w.shape[2:], stride, padding, dilation)
    dy = _check_dy(dy, (n, w.shape[0]) + geo.out_hw)
    return dy, (n, c, h, wd), w, geo


def conv2d_input_gradient(dy: ArrayLike, x_shape: Sequence[int], w: ArrayLike, stride: IntPair = 1,
                          padding: PaddingSpec = 0, dilation: IntPair = 1) -> np.ndarray:
    """dE/dx of :func:`conv2d` from dy alone (vectorised); also the transposed convolution.

    Parameters
    ----------
    dy : array, shape (N, F, OH, OW)
    x_shape : (N, C, H, W) of the forward input
    w : array, shape (F, C, KH, KW)

    Returns
    -------
    dx : array, shape (N, C, H, W)
    """
    dy, (n, c, h, wd), w, geo = _input_gradient_args(dy, x_shape, w, stride, padding, dilation)
    return _input_gradient(dy, (h, wd), w, geo)


def _input_gradient(dy: np.ndarray, in_hw: tuple[int, int], w: np.ndarray, geo: _Geometry) -> np.ndarray:
    f, n, (oh, ow) = w.shape[0], dy.shape[0], geo.out_hw
    dcols = np.matmul(w.reshape(f, -1).T, dy.reshape(n, f, oh * ow))        # (N, C*KH*KW, OH*OW)
    dcols = dcols.reshape((n,) + w.shape[1:] + (oh, ow))
    pad = geo.padding
    padded_hw = (in_hw[0] + pad.top + pad.bottom, in_hw[1] + pad.left + pad.right)
    return _crop(_scatter_taps(dcols, padded_hw, geo), pad, in_hw)


def conv2d_backward(dy: ArrayLike, x: ArrayLike, w: ArrayLike, stride: IntPair = 1,
                    padding: PaddingSpec = 0, dilation: IntPair = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of :func:`conv2d` (vectorised).

    dw[f,c,kh,kw] = sum_{n,i,j} dy[n,f,i,j] * xp[n, c, i*sh + kh*dh, j*sw + kw*dw]
    db[f] = sum_{n,i,j} dy[n,f,i,j];  dx = the padding-cropped scatter of dy·w.

    Parameters
    ----------
    dy : array, shape (N, F, OH, OW)
        dE/dy, the sensitivity map δ of the conv output.
    x : array, shape (N, C, H, W)
    w : array, shape (F, C, KH, KW)
    stride, padding, dilation : as in :func:`conv2d`

    Returns
    -------
    dx : array, shape (N, C, H, W)
    dw : array, shape (F, C, KH, KW)
    db : array, shape (F,)
    """
    x, w = as_real_array(x, "x", ndim=4), as_real_array(w, "w", ndim=4)
    _check_channels(x.shape[1], w.shape[1])
    geo = _geometry(x.shape[2:], w.shape[2:], stride, padding, dilation)
    f = w.shape[0]
    dy = _check_dy(dy, (x.shape[0], f) + geo.out_hw)
    cols = _im2col(_pad_batch(x, geo.padding), w.shape[2:], geo)  # (N, C*KH*KW, OH*OW)
    dy_m = dy.reshape(dy.shape[0], f, -1)                          # (N, F, OH*OW)
    # dwᵀ = sum over samples of cols[n] @ dy[n]ᵀ: a loop over N keeps each product a plain 2-D GEMM,
    # and the long OH*OW axis as the inner dimension of a (C*KH*KW, F) result is BLAS's faster case
    dw = sum(cols[i] @ dy_m[i].T for i in range(dy.shape[0])).T.reshape(w.shape)
    db = dy.sum(axis=(0, 2, 3))
    dx = _input_gradient(dy, x.shape[2:], w, geo)
    return dx, dw, db


# --------------------------------------------------------------------------- loop references
def conv2d_naive(x: ArrayLike, w: ArrayLike, b: ArrayLike | None = None, stride: IntPair = 1,
                 padding: PaddingSpec = 0, dilation: IntPair = 1) -> np.ndarray:
    """Loop reference for :func:`conv2d`: one multiply-add per (n, f, i, j, c, kh, kw).

    Padding is not materialised: a tap outside the input reads zero.
    Shapes as in :func:`conv2d`.
    """
    x, w = as_real_array(x, "x", ndim=4), as_real_array(w, "w", ndim=4)
    _check_channels(x.shape[1], w.shape[1])
    b = _check_bias(b, w.shape[0])
    geo = _geometry(x.shape[2:], w.shape[2:], stride, padding, dilation)
    n_, c_, h_, w_ = x.shape
    f_, _, kh_, kw_ = w.shape
    (oh_, ow_), (sh, sw), (dh, dw), pad = geo.out_hw, geo.stride, geo.dilation, geo.padding
    y = np.zeros((n_, f_, oh_, ow_))
    for n in range(n_):
        for f in range(f_):
            for i in range(oh_):
                for j in range(ow_):
                    total = b[f]
                    for c in range(c_):
                        for a in range(kh_):
                            for q in range(kw_):
                                r, s = i * sh + a * dh - pad.top, j * sw + q * dw - pad.left
                                if 0 <= r < h_ and 0 <= s < w_:
                                    total += x[n, c, r, s] * w[f, c, a, q]
                    y[n, f, i, j] = total
    return y


def conv2d_backward_naive(dy: ArrayLike, x: ArrayLike, w: ArrayLike, stride: IntPair = 1,
                          padding: PaddingSpec = 0, dilation: IntPair = 1
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Loop reference for :func:`conv2d_backward`: each forward multiply-add, differentiated.

    y[n,f,i,j] += x[n,c,r,s] * w[f,c,a,q] gives dx[n,c,r,s] += δ w and dw[f,c,a,q] += δ x.
    Shapes as in :func:`conv2d_backward`.
    """
    x, w = as_real_array(x, "x", ndim=4), as_real_array(w, "w", ndim=4)
    _check_channels(x.shape[1], w.shape[1])
    geo = _geometry(x.shape[2:], w.shape[2:], stride, padding, dilation)
    n_, c_, h_, w_ = x.shape
    f_, _, kh_, kw_ = w.shape
    (oh_, ow_), (sh, sw), (dh, dw), pad = geo.out_hw, geo.stride, geo.dilation, geo.padding
    dy = _check_dy(dy, (n_, f_, oh_, ow_))
    dx, dwt, db = np.zeros(x.shape), np.zeros(w.shape), np.zeros(f_)
    for n in range(n_):
        for f in range(f_):
            for i in range(oh_):
                for j in range(ow_):
                    delta = dy[n, f, i, j]
                    db[f] += delta
                    for c in range(c_):
                        for a in range(kh_):
                            for q in range(kw_):
                                r, s = i * sh + a * dh - pad.top, j * sw + q * dw - pad.left
                                if 0 <= r < h_ and 0 <= s < w_:
                                    dx[n, c, r, s] += delta * w[f, c, a, q]
                                    dwt[f, c, a, q] += delta * x[n, c, r, s]
    return dx, dwt, db


# --------------------------------------------------------------------------- two views of dx
def input_gradient_scatter(dy: ArrayLike, x_shape: Sequence[int], w: ArrayLike, stride: IntPair = 1,
                           padding: PaddingSpec = 0, dilation: IntPair = 1) -> np.ndarray:
    """dx by scattering: every output cell (i, j) adds δ[:, :, i, j]·W to its window.

    dxp[n, :, i*sh + kh*dh, j*sw + kw*dw] += sum_f δ[n,f,i,j] * w[f, :, kh, kw], then crop.
    (A loop over output cells, on purpose: it is the picture the page draws.)

    Parameters
    ----------
    dy : array, shape (N, F, OH, OW)
    x_shape : (N, C, H, W)
    w : array, shape (F, C, KH, KW)

    Returns
    -------
    dx : array, shape (N, C, H, W)
    """
    dy, (n, c, h, wd), w, geo = _input_gradient_args(dy, x_shape, w, stride, padding, dilation)
    pad, (sh, sw), (dh, dw) = geo.padding, geo.stride, geo.dilation
    keh, kew = effective_kernel(w.shape[2], dh), effective_kernel(w.shape[3], dw)
    dxp = np.zeros((n, c, h + pad.top + pad.bottom, wd + pad.left + pad.right))
    for i in range(geo.out_hw[0]):
        for j in range(geo.out_hw[1]):
            sent = np.tensordot(dy[:, :, i, j], w, axes=(1, 0))    # (N, C, KH, KW) = δ·W
            dxp[:, :, i * sh:i * sh + keh:dh, j * sw:j * sw + kew:dw] += sent
    return _crop(dxp, pad, (h, wd))


@dataclass(frozen=True)
class _FullConvParts:
    zero_inserted: np.ndarray   # (N, F, (OH-1)sh+1, (OW-1)sw+1)
    full_padding: Padding
    padded: np.ndarray          # (N, F, Hp+KHe-1, Wp+KWe-1)
    w_rot180: np.ndarray        # (F, C, KH, KW)
    dx_padded: np.ndarray       # (N, C, Hp, Wp)


def _full_conv_parts(dy: np.ndarray, in_hw: tuple[int, int], w: np.ndarray, geo: _Geometry) -> _FullConvParts:
    pad = geo.padding
    axes = [axis_arithmetic(n, k, s, before_after, d) for n, k, s, before_after, d in
            ((in_hw[0], w.shape[2], geo.stride[0], pad.height, geo.dilation[0]),
             (in_hw[1], w.shape[3], geo.stride[1], pad.width, geo.dilation[1]))]
    zi = zero_insert(dy, geo.stride)
    # k_eff-1 zeros each side make it a full correlation; the trailing padded rows/cols the
    # forward never reached (`uncovered`) get zero gradient, so extend the bottom/right by them.
    full = Padding(axes[0].k_eff - 1, axes[0].k_eff - 1 + axes[0].uncovered,
                   axes[1].k_eff - 1, axes[1].k_eff - 1 + axes[1].uncovered)
    padded = pad2d(zi, full)
    w_rot = rot180(w)
    dxp = conv2d(padded, w_rot.transpose(1, 0, 2, 3), None, 1, 0, geo.dilation)   # sum over filters
    return _FullConvParts(zi, full, padded, w_rot, dxp)


def input_gradient_full_conv(dy: ArrayLike, x_shape: Sequence[int], w: ArrayLike, stride: IntPair = 1,
                             padding: PaddingSpec = 0, dilation: IntPair = 1) -> np.ndarray:
    """dx as a full correlation of the zero-inserted, zero-padded δ with rot180(W).

    1. zero-insert δ (stride - 1 zeros between cells) -> ((OH-1)sh+1, (OW-1)sw+1);
    2. pad k_eff - 1 zeros each side, plus the forward's uncovered trailing rows/cols
       on the bottom/right -> (Hp + k_eff - 1, Wp + k_eff - 1);
    3. dxp[c] = sum_f correlate(padded δ[f], rot180(w[f, c]), dilation d) -> (Hp, Wp);
    4. crop the forward padding -> (H, W).

    Parameters
    ----------
    dy : array, shape (N, F, OH, OW)
    x_shape : (N, C, H, W)
    w : array, shape (F, C, KH, KW)

    Returns
    -------
    dx : array, shape (N, C, H, W)
    """
    dy, (n, c, h, wd), w, geo = _input_gradient_args(dy, x_shape, w, stride, padding, dilation)
    return _crop(_full_conv_parts(dy, (h, wd), w, geo).dx_padded, geo.padding, (h, wd))


# --------------------------------------------------------------------------- traces
def _ro(a: np.ndarray) -> np.ndarray:
    """A read-only copy, so a frozen trace is really frozen."""
    a = np.array(a)
    a.setflags(write=False)
    return a


def _tap_indices(out: int, k: int, s: int, d: int) -> np.ndarray:
    """(out, k) padded index of tap a for output position i: i*s + a*d."""
    return np.arange(out)[:, None] * s + np.arange(k)[None, :] * d


def _check_index(value: int, limit: int, name: str) -> int:
    if not 0 <= int(value) < limit:
        raise CoreValueError("out_of_range", f"{name} {value} is out of range 0..{limit - 1}",
                             name=name, value=int(value), limit=limit - 1)
    return int(value)


def _pad_mask(in_hw: tuple[int, int], pad: Padding) -> np.ndarray:
    """(Hp, Wp) bool, True on the zero padding."""
    return pad2d(np.ones(in_hw), pad) == 0


def _input_index(pad: Padding, in_hw: tuple[int, int], r: int, q: int) -> tuple[int, int] | None:
    """Padded-grid cell (r, q) -> the input cell it holds (0-based), or None on the padding."""
    row, col = int(r) - pad.top, int(q) - pad.left
    return (row, col) if 0 <= row < in_hw[0] and 0 <= col < in_hw[1] else None


@dataclass(frozen=True)
class ConvCellTrace:
    """How one output cell y[f, i, j] was made (0-based indices).

    Attributes
    ----------
    f, i, j : int
        Filter, output row, output column.
    window : array (C, KH, KW)
        Padded-input values under the kernel.
    weights : array (C, KH, KW)
        w[f].
    products : array (C, KH, KW)
        window * weights.
    partial_sums : array (C,)
        Sum of the products per channel.
    bias : float
    total : float
        sum(partial_sums) + bias = y[f, i, j].
    tap_rows : array (KH,) of int
        Padded-grid row of each kernel row: i*sh + kh*dh.
    tap_cols : array (KW,) of int
        Padded-grid column of each kernel column: j*sw + kw*dw.
    on_padding : array (KH, KW) of bool
        True where the tap read a padding zero.
    """

    f: int
    i: int
    j: int
    window: np.ndarray
    weights: np.ndarray
    products: np.ndarray
    partial_sums: np.ndarray
    bias: float
    total: float
    tap_rows: np.ndarray
    tap_cols: np.ndarray
    on_padding: np.ndarray

    @property
    def taps(self) -> np.ndarray:
        """(KH, KW, 2) padded-grid (row, col) of every tap."""
        rr, cc = np.meshgrid(self.tap_rows, self.tap_cols, indexing="ij")
        return np.stack([rr, cc], axis=-1)


@dataclass(frozen=True)
class ConvTrace:
    """Forward trace of one sample: every product and partial sum of every output cell.

    Attributes
    ----------
    x : array (C, H, W)
    w : array (F, C, KH, KW)
    stride, dilation : (int, int)
    padding : Padding
        (top, bottom, left, right) actually applied.
    x_padded : array (C, Hp, Wp)
    pad_mask : array (Hp, Wp) of bool
        True on padding cells.
    rows : array (OH, KH) of int
        rows[i, kh] = i*sh + kh*dh, padded-grid row of tap kh of output row i.
    cols : array (OW, KW) of int
        cols[j, kw] = j*sw + kw*dw.
    products : array (F, OH, OW, C, KH, KW)
        x_padded[c, rows[i,kh], cols[j,kw]] * w[f, c, kh, kw].
    partial_sums : array (F, OH, OW, C)
        products summed over (kh, kw).
    bias : array (F,)
    output : array (F, OH, OW)
        partial_sums summed over c, plus bias; equals conv2d(x[None], ...)[0].

    Memory grows as F*OH*OW*C*KH*KW: meant for teaching sizes.
    """

    x: np.ndarray
    w: np.ndarray
    stride: tuple[int, int]
    dilation: tuple[int, int]
    padding: Padding
    x_padded: np.ndarray
    pad_mask: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    products: np.ndarray
    partial_sums: np.ndarray
    bias: np.ndarray
    output: np.ndarray

    def input_index(self, r: int, q: int) -> tuple[int, int] | None:
        """Padded-grid cell (r, q) -> the input cell (row, col) it holds (0-based), or None on padding.

        >>> tr = conv2d_trace(np.ones((1, 2, 2)), np.ones((1, 1, 1, 1)), padding=1)
        >>> tr.input_index(0, 0) is None, tr.input_index(1, 2)
        (True, (0, 1))
        """
        return _input_index(self.padding, self.x.shape[1:], r, q)

    def cell(self, f: int, i: int, j: int) -> ConvCellTrace:
        """The trace of output cell (f, i, j) (0-based)."""
        f = _check_index(f, self.output.shape[0], "filter")
        i = _check_index(i, self.output.shape[1], "row")
        j = _check_index(j, self.output.shape[2], "column")
        r, q = self.rows[i], self.cols[j]
        return ConvCellTrace(
            f=f, i=i, j=j,
            window=_ro(self.x_padded[:, r][:, :, q]), weights=_ro(self.w[f]),
            products=_ro(self.products[f, i, j]), partial_sums=_ro(self.partial_sums[f, i, j]),
            bias=float(self.bias[f]), total=float(self.output[f, i, j]),
            tap_rows=_ro(r), tap_cols=_ro(q), on_padding=_ro(self.pad_mask[r][:, q]),
        )


def conv2d_trace(x: ArrayLike, w: ArrayLike, b: ArrayLike | None = None, stride: IntPair = 1,
                 padding: PaddingSpec = 0, dilation: IntPair = 1) -> ConvTrace:
    """Forward trace of ONE sample.

    Parameters
    ----------
    x : array, shape (C, H, W)
    w : array, shape (F, C, KH, KW)
    b : array, shape (F,), optional
    stride, padding, dilation : as in :func:`conv2d`

    Returns
    -------
    ConvTrace
    """
    x, w = as_real_array(x, "x", ndim=3), as_real_array(w, "w", ndim=4)
    _check_channels(x.shape[0], w.shape[1])
    b = _check_bias(b, w.shape[0])
    geo = _geometry(x.shape[1:], w.shape[2:], stride, padding, dilation)
    xp = pad2d(x, geo.padding)
    rows = _tap_indices(geo.out_hw[0], w.shape[2], geo.stride[0], geo.dilation[0])
    cols = _tap_indices(geo.out_hw[1], w.shape[3], geo.stride[1], geo.dilation[1])
    # windows[c, i, kh, j, kw] -> (OH, OW, C, KH, KW)
    windows = xp[:, rows][:, :, :, cols].transpose(1, 3, 0, 2, 4)
    products = windows[None] * w[:, None, None]
    partial = products.sum(axis=(4, 5))
    output = partial.sum(axis=3) + b[:, None, None]
    return ConvTrace(x=_ro(x), w=_ro(w), stride=geo.stride, dilation=geo.dilation, padding=geo.padding,
                     x_padded=_ro(xp), pad_mask=_ro(_pad_mask(x.shape[1:], geo.padding)),
                     rows=_ro(rows), cols=_ro(cols), products=_ro(products), partial_sums=_ro(partial),
                     bias=_ro(b), output=_ro(output))


@dataclass(frozen=True)
class InputGradTerm:
    """One summand of dE/dx[c, r, s]: δ[f, oi, oj] · w[f, c, kh, kw] (0-based)."""

    f: int
    oi: int
    oj: int
    kh: int
    kw: int
    delta: float
    weight: float

    @property
    def value(self) -> float:
        return self.delta * self.weight


@dataclass(frozen=True)
class WeightGradTerm:
    """One summand of dE/dw[f, c, kh, kw]: xp[c, row, col] · δ[f, oi, oj] (0-based, padded grid)."""

    oi: int
    oj: int
    row_padded: int
    col_padded: int
    x_value: float
    delta: float
    on_padding: bool

    @property
    def value(self) -> float:
        return self.x_value * self.delta


@dataclass(frozen=True)
class FullCorrTerm:
    """One summand of the full correlation at padded cell (R, S): δ̃[f, row, col] · rot180(w)[f, c, a, b].

    ``row, col`` index δ̃ (zero-inserted and padded δ, 0-based); ``source`` is the δ cell (oi, oj)
    that δ̃[f, row, col] holds, or None when it is an inserted or padding zero.
    """

    f: int
    row: int
    col: int
    a: int
    b: int
    delta: float
    weight: float
    source: tuple[int, int] | None

    @property
    def value(self) -> float:
        return self.delta * self.weight


@dataclass(frozen=True)
class ConvBackwardTrace:
    """Backward trace of one sample: the gradients, the full-conv view and the scatter view.

    Attributes
    ----------
    dy : array (F, OH, OW)
        δ, the sensitivity map of the conv output.
    x : array (C, H, W)
    w : array (F, C, KH, KW)
    stride, dilation : (int, int)
    padding : Padding
        Forward padding (top, bottom, left, right).
    x_padded : array (C, Hp, Wp)
    pad_mask : array (Hp, Wp) of bool
    dx : array (C, H, W)
    dw : array (F, C, KH, KW)
    db : array (F,)
    dy_zero_inserted : array (F, (OH-1)sh+1, (OW-1)sw+1)
        δ with stride-1 zeros between cells.
    full_padding : Padding
        Zeros added around the zero-inserted δ: k_eff-1 each side, plus the forward's
        uncovered trailing rows/cols on the bottom/right.
    dy_padded : array (F, Hp+KHe-1, Wp+KWe-1)
    w_rot180 : array (F, C, KH, KW)
    dx_padded : array (C, Hp, Wp)
        sum_f correlate(dy_padded[f], w_rot180[f, c], dilation); dx is its crop.
    rows : array (OH, KH) of int, cols : array (OW, KW) of int
        Window taps in the padded grid (as in :class:`ConvTrace`).
    contributions : array (F, OH, OW, C, KH, KW)
        δ[f,i,j]·w[f,c,kh,kw], sent to padded cell (rows[i,kh], cols[j,kw]).
    """

    dy: np.ndarray
    x: np.ndarray
    w: np.ndarray
    stride: tuple[int, int]
    dilation: tuple[int, int]
    padding: Padding
    x_padded: np.ndarray
    pad_mask: np.ndarray
    dx: np.ndarray
    dw: np.ndarray
    db: np.ndarray
    dy_zero_inserted: np.ndarray
    full_padding: Padding
    dy_padded: np.ndarray
    w_rot180: np.ndarray
    dx_padded: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    contributions: np.ndarray

    def input_index(self, r: int, q: int) -> tuple[int, int] | None:
        """Padded-grid cell (r, q) -> the input cell (row, col) it holds (0-based), or None on padding."""
        return _input_index(self.padding, self.x.shape[1:], r, q)

    @property
    def uncovered(self) -> tuple[int, int]:
        """Trailing padded rows, columns the forward windows never reached (extra bottom/right zeros of δ̃)."""
        return (self.full_padding.bottom - self.full_padding.top, self.full_padding.right - self.full_padding.left)

    def input_window(self, oi: int, oj: int) -> tuple[int, int, int, int] | None:
        """Input cells (r0, c0, r1, c1), inclusive, 0-based, under output (oi, oj)'s window; None if all padding.

        The window is clipped to the taps that land on the input: the taps on padding receive nothing.
        """
        oi = _check_index(oi, self.dy.shape[1], "row")
        oj = _check_index(oj, self.dy.shape[2], "column")
        h, w = self.x.shape[1:]
        rows = [int(r) - self.padding.top for r in self.rows[oi] if 0 <= int(r) - self.padding.top < h]
        cols = [int(q) - self.padding.left for q in self.cols[oj] if 0 <= int(q) - self.padding.left < w]
        if not rows or not cols:
            return None
        return rows[0], cols[0], rows[-1], cols[-1]

    def full_terms(self, c: int, r: int, s: int) -> tuple[FullCorrTerm, ...]:
        """Summands of dx_padded[c, r, s] (padded-grid coordinates): Σ_f Σ_a Σ_b δ̃[f, r+a·dh, s+b·dw]·rot180(w)[f,c,a,b].

        Ordered by (f, a, b); their sum is ``dx_padded[c, r, s]`` (and dx[c, r-top, s-left] off the padding).
        """
        c = _check_index(c, self.dx_padded.shape[0], "channel")
        r = _check_index(r, self.dx_padded.shape[1], "row")
        s = _check_index(s, self.dx_padded.shape[2], "column")
        sh, sw = self.stride
        dh, dw = self.dilation
        top, left = self.full_padding.top, self.full_padding.left
        oh, ow = self.dy.shape[1:]
        terms = []
        for f in range(self.w.shape[0]):
            for a in range(self.w.shape[2]):
                for b in range(self.w.shape[3]):
                    row, col = r + a * dh, s + b * dw
                    zr, zc = row - top, col - left       # position in the zero-inserted δ
                    source = None
                    if zr >= 0 and zc >= 0 and zr % sh == 0 and zc % sw == 0 and zr // sh < oh and zc // sw < ow:
                        source = (zr // sh, zc // sw)
                    terms.append(FullCorrTerm(f, row, col, a, b, float(self.dy_padded[f, row, col]),
                                              float(self.w_rot180[f, c, a, b]), source))
        return tuple(terms)

    def dx_terms(self, c: int, r: int, s: int) -> tuple[InputGradTerm, ...]:
        """Summands of dx[c, r, s] (input coordinates), ordered by (f, oi, oj).

        Seed 003 eq. (7): dE/di12 = δ11·h12 + δ12·h11 is ``dx_terms(0, 0, 1)``.
        """
        c = _check_index(c, self.dx.shape[0], "channel")
        r = _check_index(r, self.dx.shape[1], "row") + self.padding.top
        s = _check_index(s, self.dx.shape[2], "column") + self.padding.left
        hits_r, hits_c = np.argwhere(self.rows == r), np.argwhere(self.cols == s)
        terms = [InputGradTerm(f, int(oi), int(oj), int(kh), int(kw), float(self.dy[f, oi, oj]),
                               float(self.w[f, c, kh, kw]))
                 for f in range(self.dy.shape[0]) for oi, kh in hits_r for oj, kw in hits_c]
        return tuple(sorted(terms, key=lambda t: (t.f, t.oi, t.oj)))

    def dw_terms(self, f: int, c: int, kh: int, kw: int) -> tuple[WeightGradTerm, ...]:
        """Summands of dw[f, c, kh, kw], one per output cell (oi, oj), row-major."""
        f = _check_index(f, self.w.shape[0], "filter")
        c = _check_index(c, self.w.shape[1], "channel")
        kh = _check_index(kh, self.w.shape[2], "kernel row")
        kw = _check_index(kw, self.w.shape[3], "kernel column")
        return tuple(
            WeightGradTerm(oi, oj, int(self.rows[oi, kh]), int(self.cols[oj, kw]),
                           float(self.x_padded[c, self.rows[oi, kh], self.cols[oj, kw]]),
                           float(self.dy[f, oi, oj]), bool(self.pad_mask[self.rows[oi, kh], self.cols[oj, kw]]))
            for oi in range(self.dy.shape[1]) for oj in range(self.dy.shape[2]))


def conv2d_backward_trace(dy: ArrayLike, x: ArrayLike, w: ArrayLike, stride: IntPair = 1,
                          padding: PaddingSpec = 0, dilation: IntPair = 1) -> ConvBackwardTrace:
    """Backward trace of ONE sample.

    Parameters
    ----------
    dy : array, shape (F, OH, OW)
    x : array, shape (C, H, W)
    w : array, shape (F, C, KH, KW)
    stride, padding, dilation : as in :func:`conv2d`

    Returns
    -------
    ConvBackwardTrace
    """
    x, w = as_real_array(x, "x", ndim=3), as_real_array(w, "w", ndim=4)
    _check_channels(x.shape[0], w.shape[1])
    geo = _geometry(x.shape[1:], w.shape[2:], stride, padding, dilation)
    dy = _check_dy(dy, (w.shape[0],) + geo.out_hw)
    dx, dw, db = conv2d_backward(dy[None], x[None], w, geo.stride, geo.padding, geo.dilation)
    parts = _full_conv_parts(dy[None], x.shape[1:], w, geo)
    rows = _tap_indices(geo.out_hw[0], w.shape[2], geo.stride[0], geo.dilation[0])
    cols = _tap_indices(geo.out_hw[1], w.shape[3], geo.stride[1], geo.dilation[1])
    contributions = dy[:, :, :, None, None, None] * w[:, None, None]
    return ConvBackwardTrace(
        dy=_ro(dy), x=_ro(x), w=_ro(w), stride=geo.stride, dilation=geo.dilation, padding=geo.padding,
        x_padded=_ro(pad2d(x, geo.padding)), pad_mask=_ro(_pad_mask(x.shape[1:], geo.padding)),
        dx=_ro(dx[0]), dw=_ro(dw), db=_ro(db),
        dy_zero_inserted=_ro(parts.zero_inserted[0]), full_padding=parts.full_padding,
        dy_padded=_ro(parts.padded[0]), w_rot180=_ro(parts.w_rot180), dx_padded=_ro(parts.dx_padded[0]),
        rows=_ro(rows), cols=_ro(cols), contributions=_ro(contributions))


# --------------------------------------------------------------------------- update
def sgd_step(params: Mapping[str, ArrayLike], grads: Mapping[str, ArrayLike], lr: float) -> dict[str, np.ndarray]:
    """One plain gradient-descent step, pure: new[k] = params[k] - lr * grads[k].

    Parameters
    ----------
    params, grads : mappings name -> array, same names and shapes
    lr : float > 0

    Returns
    -------
    dict name -> new array (inputs untouched)

    >>> sgd_step({"b": [1.0]}, {"b": [9.0]}, 0.001)["b"].tolist()
    [0.991]
    """
    if isinstance(lr, bool) or not isinstance(lr, (int, float, np.floating, np.integer)) or not np.isfinite(lr):
        raise CoreValueError("not_finite", f"learning rate must be a finite number, got {lr!r}",
                             name="learning rate", count=1)
    if lr <= 0:
        raise CoreValueError("not_positive_real", f"learning rate must be > 0, got {lr}",
                             name="learning rate", value=float(lr))
    if set(params) != set(grads):
        raise CoreValueError("names_mismatch", f"parameters {sorted(params)} and gradients {sorted(grads)} differ",
                             expected=str(sorted(params)), got=str(sorted(grads)))
    new = {}
    for name in params:
        p, g = as_real_array(params[name], name), as_real_array(grads[name], f"d{name}")
        if p.shape != g.shape:
            raise CoreValueError("bad_shape", f"gradient of {name} has shape {g.shape}, expected {p.shape}",
                                 name=f"d{name}", expected=str(p.shape), got=str(g.shape))
        new[name] = p - lr * g
    return new


# --------------------------------------------------------------------------- size of a layer
def conv_parameter_count(filters: int, channels: int, kh: int, kw: int) -> int:
    """Learnable parameters of a conv layer: P·D·U·V weights plus P biases (seed 004, 4.2.2).

    Parameters
    ----------
    filters : int
        P, the number of filters (output feature maps), >= 1.
    channels : int
        D, the number of input channels, >= 1.
    kh, kw : int
        U×V, the kernel size, >= 1.

    Returns
    -------
    int
        P*D*U*V + P.

    >>> conv_parameter_count(2, 3, 3, 3)   # seed 003: two 3x3x3 filters
    56
    >>> conv_parameter_count(1, 3, 5, 5)   # seed 002: one 5x5x3 filter
    76
    """
    from .arithmetic import _check_int  # appended helper: keep the module's import block untouched

    p, d = _check_int(filters, "filters", 1), _check_int(channels, "channels", 1)
    u, v = _check_int(kh, "kernel", 1), _check_int(kw, "kernel", 1)
    return p * d * u * v + p
