"""Transposed convolution, convolution as a matrix C, and 1-D convolution (seed 004, 4.5).

A convolution is linear, y = C x with a sparse C built from the kernel. Its
transpose x' = Cᵀ z maps the small side back to the big side: that is the
*transposed convolution*, and it is exactly the gradient of the convolution
with respect to its input (dE/dx = Cᵀ dE/dy). So :func:`conv_transpose2d`
reuses :func:`cnn_core.conv.conv2d_input_gradient`. The same numbers come from
"insert stride-1 zeros, pad k_eff-1, correlate with rot180(w), crop the
padding" (:func:`conv_transpose2d_trace`).

Output size (per axis, p_before + p_after = 2p for a symmetric int):

    out = (n - 1)·s - p_before - p_after + d(k - 1) + output_padding + 1

which is the input size of the forward convolution that maps ``out`` to ``n``;
output_padding < s picks among the sizes that the forward floor() maps to n.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
from numpy.typing import ArrayLike

from .arithmetic import (IntPair, Padding, PaddingSpec, as_pair, conv_output_shape, conv_output_size,
                         effective_kernel, resolve_padding)
from .conv import _ro, as_real_array, conv2d, conv2d_input_gradient, pad2d, rot180, zero_insert
from .errors import CoreValueError

__all__ = [
    "conv_transpose2d", "conv_transpose2d_naive", "conv_transpose_output_shape",
    "TransposedConvTrace", "conv_transpose2d_trace",
    "conv_matrix_1d", "conv_matrix_2d", "conv1d", "conv_transpose1d", "Conv1dTrace", "conv1d_trace",
]


# --------------------------------------------------------------------------- 2-D transposed convolution
def _transposed_padding(padding: Padding | Sequence[int] | int) -> Padding:
    """int, (ph, pw) or (top, bottom, left, right); SAME/VALID/FULL have no meaning here."""
    if isinstance(padding, str):
        raise CoreValueError("transposed_padding",
                             f"transposed convolution takes an int, a pair or 4 ints as padding, got {padding!r}",
                             value=repr(padding))
    return resolve_padding(padding, (1, 1), (1, 1))  # kernel/input unused for numeric forms


def conv_transpose_output_shape(in_hw: IntPair, kernel_hw: IntPair, stride: IntPair = 1,
                                padding: Padding | Sequence[int] | int = 0, output_padding: IntPair = 0,
                                dilation: IntPair = 1) -> tuple[int, int]:
    """(OH, OW) = (n - 1)s - p_before - p_after + d(k - 1) + output_padding + 1 per axis.

    Raises ``bad_output_padding`` unless 0 <= output_padding < stride, and
    ``output_too_small`` when the result would be < 1.

    >>> conv_transpose_output_shape((3, 3), (3, 3), stride=2, padding=1, output_padding=1)
    (6, 6)
    """
    (nh, nw), (kh, kw) = as_pair(in_hw, "input size"), as_pair(kernel_hw, "kernel")
    s, d = as_pair(stride, "stride"), as_pair(dilation, "dilation")
    op = as_pair(output_padding, "output padding", minimum=0)
    pad = _transposed_padding(padding)
    out = []
    for axis, n, k, si, di, opi, (before, after) in (("height", nh, kh, s[0], d[0], op[0], pad.height),
                                                     ("width", nw, kw, s[1], d[1], op[1], pad.width)):
        if opi >= si:
            raise CoreValueError("bad_output_padding",
                                 f"{axis}: output_padding {opi} must be smaller than the stride {si}",
                                 axis=axis, value=opi, stride=si)
        size = (n - 1) * si - before - after + effective_kernel(k, di) + opi
        if size < 1:
            raise CoreValueError("output_too_small", f"{axis}: the transposed convolution output would be {size}",
                                 axis=axis, size=size)
        out.append(size)
    return (out[0], out[1])


def conv_transpose2d(x: ArrayLike, w: ArrayLike, b: ArrayLike | None = None, stride: IntPair = 1,
                     padding: Padding | Sequence[int] | int = 0, output_padding: IntPair = 0,
                     dilation: IntPair = 1) -> np.ndarray:
    """Transposed 2-D convolution (PyTorch's ConvTranspose2d), the input gradient of conv2d.

    y[n, f, i*s + kh*d - p_top, j*s + kw*d - p_left] += x[n, c, i, j] * w[c, f, kh, kw]   (+ b[f])

    Parameters
    ----------
    x : array, shape (N, C_in, H, W)
    w : array, shape (C_in, F, KH, KW)
        As in PyTorch: w is the weight of the forward conv F -> C_in.
    b : array, shape (F,), optional
    stride, dilation : int or (h, w)
    padding : int, (ph, pw) or (top, bottom, left, right)
        Rows/columns cropped from the full result (the forward conv's padding).
    output_padding : int or (h, w), each < stride
        Extra rows/columns on the bottom/right.

    Returns
    -------
    y : array, shape (N, F, OH, OW), OH = (H-1)s - 2p + d(KH-1) + output_padding + 1
    """
    x, w = as_real_array(x, "x", ndim=4), as_real_array(w, "w", ndim=4)
    if x.shape[1] != w.shape[0]:
        raise CoreValueError("channel_mismatch", f"input has {x.shape[1]} channels but the weights expect {w.shape[0]}",
                             x_channels=x.shape[1], w_channels=w.shape[0])
    pad = _transposed_padding(padding)
    out_hw = conv_transpose_output_shape(x.shape[2:], w.shape[2:], stride, pad, output_padding, dilation)
    bias = np.zeros(w.shape[1]) if b is None else as_real_array(b, "b", ndim=1)
    if bias.shape != (w.shape[1],):
        raise CoreValueError("bad_shape", f"b must have shape ({w.shape[1]},), got {bias.shape}",
                             name="b", expected=f"({w.shape[1]},)", got=str(bias.shape))
    # x plays dy of the forward conv (F -> C_in channels, weights w): its input gradient is y
    y = conv2d_input_gradient(x, (x.shape[0], w.shape[1]) + out_hw, w, stride, pad, dilation)
    return y + bias[None, :, None, None]


def conv_transpose2d_naive(x: ArrayLike, w: ArrayLike, b: ArrayLike | None = None, stride: IntPair = 1,
                           padding: Padding | Sequence[int] | int = 0, output_padding: IntPair = 0,
                           dilation: IntPair = 1) -> np.ndarray:
    """Loop reference for :func:`conv_transpose2d`: every input cell stamps x·w onto the output."""
    x, w = as_real_array(x, "x", ndim=4), as_real_array(w, "w", ndim=4)
    pad = _transposed_padding(padding)
    (sh, sw), (dh, dw) = as_pair(stride, "stride"), as_pair(dilation, "dilation")
    oh, ow = conv_transpose_output_shape(x.shape[2:], w.shape[2:], stride, pad, output_padding, dilation)
    n_, c_, h_, w_ = x.shape
    _, f_, kh_, kw_ = w.shape
    y = np.zeros((n_, f_, oh, ow))
    for n in range(n_):
        for c in range(c_):
            for i in range(h_):
                for j in range(w_):
                    for f in range(f_):
                        for a in range(kh_):
                            for q in range(kw_):
                                r, s = i * sh + a * dh - pad.top, j * sw + q * dw - pad.left
                                if 0 <= r < oh and 0 <= s < ow:
                                    y[n, f, r, s] += x[n, c, i, j] * w[c, f, a, q]
    if b is not None:
        y += as_real_array(b, "b", ndim=1)[None, :, None, None]
    return y


@dataclass(frozen=True)
class TransposedConvTrace:
    """Transposed convolution of ONE sample as zero insertion + full correlation with rot180(w).

    Attributes
    ----------
    x : array (C_in, H, W)
    w : array (C_in, F, KH, KW)
    stride, dilation, output_padding : (int, int)
    padding : Padding
        Cropped from the full result.
    zero_inserted : array (C_in, (H-1)sh+1, (W-1)sw+1)
        stride-1 zeros between the cells of x ("fractional stride" 1/s).
    full_padding : Padding
        k_eff - 1 zeros on every side, plus output_padding on the bottom/right.
    padded : array (C_in, (H-1)sh + 2 k_eff - 1 + oph, ...)
    w_rot180 : array (F, C_in, KH, KW)
        rot180 of every w[c, f], channels swapped so it correlates C_in -> F.
    full_output : array (F, (H-1)sh + k_eff + oph, ...)
        sum_c correlate(padded[c], w_rot180[f, c], dilation): the uncropped result.
    bias : array (F,)
    output : array (F, OH, OW)
        full_output cropped by ``padding``, plus bias; equals conv_transpose2d(x[None], ...)[0].
    """

    x: np.ndarray
    w: np.ndarray
    stride: tuple[int, int]
    dilation: tuple[int, int]
    output_padding: tuple[int, int]
    padding: Padding
    zero_inserted: np.ndarray
    full_padding: Padding
    padded: np.ndarray
    w_rot180: np.ndarray
    full_output: np.ndarray
    bias: np.ndarray
    output: np.ndarray

    def window(self, i: int, j: int) -> tuple[int, int, int, int]:
        """Inclusive (r0, c0, r1, c1) in ``padded`` that the rot180 kernel covers for output cell (i, j)."""
        keh = effective_kernel(self.w.shape[2], self.dilation[0])
        kew = effective_kernel(self.w.shape[3], self.dilation[1])
        r0, c0 = i + self.padding.top, j + self.padding.left
        return (r0, c0, r0 + keh - 1, c0 + kew - 1)

    def real_cells(self) -> np.ndarray:
        """Bool (H', W') over ``padded``: True where a cell of x sits (False: inserted or padded zero)."""
        ones = zero_insert(np.ones(self.x.shape[1:]), self.stride)
        return pad2d(ones[None], self.full_padding)[0] > 0

    def source(self, pr: int, pc: int) -> tuple[int, int] | None:
        """The (row, col) of x sitting at cell (pr, pc) of ``padded``, or None for an inserted/padded zero."""
        dr, dc = pr - self.full_padding.top, pc - self.full_padding.left
        if dr < 0 or dc < 0 or dr % self.stride[0] or dc % self.stride[1]:
            return None
        r, q = dr // self.stride[0], dc // self.stride[1]
        return (r, q) if r < self.x.shape[1] and q < self.x.shape[2] else None

    def terms(self, f: int, i: int, j: int) -> tuple[TransposedTerm, ...]:
        """The products that make output[f, i, j] (before bias), in the kernel's row-major order."""
        kh, kw = self.w.shape[2:]
        r0, c0, _, _ = self.window(i, j)
        terms = []
        for c in range(self.x.shape[0]):
            for u in range(kh):
                for v in range(kw):
                    pr, pc = r0 + u * self.dilation[0], c0 + v * self.dilation[1]
                    where = self.source(pr, pc)
                    if where is None:
                        continue
                    r, q = where
                    a, b = kh - 1 - u, kw - 1 - v
                    terms.append(TransposedTerm(channel=c, x_index=(r, q), w_index=(a, b), padded=(pr, pc),
                                                rot_tap=(u, v), x_value=float(self.x[c, r, q]),
                                                w_value=float(self.w[c, f, a, b])))
        return tuple(terms)


def conv_transpose2d_trace(x: ArrayLike, w: ArrayLike, b: ArrayLike | None = None, stride: IntPair = 1,
                           padding: Padding | Sequence[int] | int = 0, output_padding: IntPair = 0,
                           dilation: IntPair = 1) -> TransposedConvTrace:
    """Trace of ONE sample: x (C_in, H, W), w (C_in, F, KH, KW) -> TransposedConvTrace."""
    x, w = as_real_array(x, "x", ndim=3), as_real_array(w, "w", ndim=4)
    if x.shape[0] != w.shape[0]:
        raise CoreValueError("channel_mismatch", f"input has {x.shape[0]} channels but the weights expect {w.shape[0]}",
                             x_channels=x.shape[0], w_channels=w.shape[0])
    pad = _transposed_padding(padding)
    s, d = as_pair(stride, "stride"), as_pair(dilation, "dilation")
    op = as_pair(output_padding, "output padding", minimum=0)
    oh, ow = conv_transpose_output_shape(x.shape[1:], w.shape[2:], s, pad, op, d)
    bias = np.zeros(w.shape[1]) if b is None else as_real_array(b, "b", ndim=1)
    keh, kew = effective_kernel(w.shape[2], d[0]), effective_kernel(w.shape[3], d[1])
    zi = zero_insert(x, s)
    full_pad = Padding(keh - 1, keh - 1 + op[0], kew - 1, kew - 1 + op[1])
    padded = pad2d(zi, full_pad)
    w_rot = rot180(w).transpose(1, 0, 2, 3)
    full = conv2d(padded[None], w_rot, None, 1, 0, d)[0]
    out = full[:, pad.top:pad.top + oh, pad.left:pad.left + ow] + bias[:, None, None]
    return TransposedConvTrace(x=_ro(x), w=_ro(w), stride=s, dilation=d, output_padding=op, padding=pad,
                               zero_inserted=_ro(zi), full_padding=full_pad, padded=_ro(padded),
                               w_rot180=_ro(w_rot), full_output=_ro(full), bias=_ro(bias), output=_ro(out))


# --------------------------------------------------------------------------- convolution as a matrix
def _padding_1d(padding: PaddingSpec, n: int, k: int, stride: int, dilation: int) -> tuple[int, int]:
    """(before, after) for a 1-D signal: int, (before, after), 'valid', 'same' or 'full'."""
    if isinstance(padding, str):
        return resolve_padding(padding, (1, n), (1, k), (1, stride), (1, dilation)).width
    if isinstance(padding, (list, tuple)):
        if len(padding) != 2:
            raise CoreValueError("bad_padding", f"1-D padding must be an int or (before, after), got {padding!r}",
                                 value=repr(padding))
        return as_pair(tuple(padding), "padding", minimum=0)
    return as_pair(padding, "padding", minimum=0)


def conv_matrix_1d(w: ArrayLike, n: int, stride: int = 1, padding: PaddingSpec = 0, dilation: int = 1) -> np.ndarray:
    """The matrix C with conv1d(x, w, ...) = C @ x, as a dense array.

    C[o, o*s + t*d - before] = w[t] (taps that fall on padding have no column).

    Parameters
    ----------
    w : array, shape (K,)
    n : int, input length

    Returns
    -------
    C : array, shape (O, n), O = conv_output_size(n, K, s, padding, d)

    >>> conv_matrix_1d([1, 2, 3], 5).astype(int).tolist()   # seed 004: 3x5, the kernel slides right
    [[1, 2, 3, 0, 0], [0, 1, 2, 3, 0], [0, 0, 1, 2, 3]]
    """
    w = as_real_array(w, "w", ndim=1)
    s, d = as_pair(stride, "stride")[0], as_pair(dilation, "dilation")[0]
    before, after = _padding_1d(padding, n, w.size, s, d)
    out = conv_output_size(n, w.size, s, (before, after), d)
    c = np.zeros((out, n))
    for o in range(out):
        for t in range(w.size):
            col = o * s + t * d - before
            if 0 <= col < n:
                c[o, col] = w[t]
    return c


def conv_matrix_2d(k2d: ArrayLike, in_hw: IntPair, stride: IntPair = 1, padding: PaddingSpec = 0,
                   dilation: IntPair = 1) -> np.ndarray:
    """The matrix C with correlate2d(x, k, ...).ravel() = C @ x.ravel() (row-major flattening).

    Parameters
    ----------
    k2d : array, shape (KH, KW)
    in_hw : (H, W)

    Returns
    -------
    C : array, shape (OH*OW, H*W); row i*OW + j holds k at the window of output (i, j).
    """
    k = as_real_array(k2d, "k", ndim=2)
    h, w_ = as_pair(in_hw, "input size")
    s, d = as_pair(stride, "stride"), as_pair(dilation, "dilation")
    pad = resolve_padding(padding, (h, w_), k.shape, s, d)
    oh, ow = conv_output_shape((h, w_), k.shape, s, pad, d)
    c = np.zeros((oh * ow, h * w_))
    # built from the index rule, not from conv2d, so that C @ x = conv is a real check
    for i in range(oh):
        for j in range(ow):
            for a in range(k.shape[0]):
                for q in range(k.shape[1]):
                    r, col = i * s[0] + a * d[0] - pad.top, j * s[1] + q * d[1] - pad.left
                    if 0 <= r < h and 0 <= col < w_:
                        c[i * ow + j, r * w_ + col] = k[a, q]
    return c


# --------------------------------------------------------------------------- 1-D convolution
def conv1d(x: ArrayLike, w: ArrayLike, stride: int = 1, padding: PaddingSpec = 0, dilation: int = 1) -> np.ndarray:
    """1-D cross-correlation: y[o] = sum_t xp[o*s + t*d] * w[t].

    Parameters
    ----------
    x : array, shape (n,)
    w : array, shape (K,)
    padding : int, (before, after), 'valid', 'same' or 'full'

    Returns
    -------
    y : array, shape (O,)

    >>> conv1d([1, 2, 3, 4, 5], [1, -2, 1]).tolist()   # seed 004's second-difference filter
    [0.0, 0.0, 0.0]
    """
    x, w = as_real_array(x, "x", ndim=1), as_real_array(w, "w", ndim=1)
    s, d = as_pair(stride, "stride")[0], as_pair(dilation, "dilation")[0]
    before, after = _padding_1d(padding, x.size, w.size, s, d)
    return conv2d(x[None, None, None], w[None, None, None], None, (1, s), (0, 0, before, after), (1, d))[0, 0, 0]


def conv_transpose1d(z: ArrayLike, w: ArrayLike, stride: int = 1, padding: int = 0,
                     output_padding: int = 0) -> np.ndarray:
    """1-D transposed convolution: Cᵀ z for the C of :func:`conv_matrix_1d` (when output sizes agree).

    Parameters
    ----------
    z : array, shape (M,)
    w : array, shape (K,)

    Returns
    -------
    array, shape ((M-1)s - 2p + K + output_padding,)
    """
    z, w = as_real_array(z, "z", ndim=1), as_real_array(w, "w", ndim=1)
    p = as_pair(padding, "padding", minimum=0)[0]
    return conv_transpose2d(z[None, None, None], w[None, None, None], None, (1, stride), (0, p),
                            (0, output_padding))[0, 0, 0]


@dataclass(frozen=True)
class Conv1dTrace:
    """How every output of :func:`conv1d` was made.

    Attributes
    ----------
    x : array (n,)
    w : array (K,)
    stride, dilation : int
    padding : (int, int)
        (before, after) zeros applied.
    x_padded : array (n + before + after,)
    taps : array (O, K) of int
        taps[o, t] = o*s + t*d, index into x_padded.
    products : array (O, K)
        x_padded[taps] * w.
    output : array (O,)
        products summed over t.
    """

    x: np.ndarray
    w: np.ndarray
    stride: int
    dilation: int
    padding: tuple[int, int]
    x_padded: np.ndarray
    taps: np.ndarray
    products: np.ndarray
    output: np.ndarray

    def output_positions(self) -> np.ndarray:
        """Centre of every output's window on the input's axis (0-based, may be x.5 or lie in the padding).

        centre[o] = o*s - before + d(K - 1)/2, so an equal-width output sits under the sample it smooths.
        """
        first = np.arange(self.output.size) * self.stride - self.padding[0]
        return first + self.dilation * (self.w.size - 1) / 2

    def input_index(self, o: int) -> tuple[int | None, ...]:
        """For output ``o``: the index into x of every tap (None where the tap falls on a padded zero)."""
        n, before = self.x.size, self.padding[0]
        return tuple(int(i - before) if 0 <= i - before < n else None for i in self.taps[o])


def conv1d_trace(x: ArrayLike, w: ArrayLike, stride: int = 1, padding: PaddingSpec = 0,
                 dilation: int = 1) -> Conv1dTrace:
    """Trace of :func:`conv1d` (same arguments)."""
    x, w = as_real_array(x, "x", ndim=1), as_real_array(w, "w", ndim=1)
    s, d = as_pair(stride, "stride")[0], as_pair(dilation, "dilation")[0]
    before, after = _padding_1d(padding, x.size, w.size, s, d)
    out = conv_output_size(x.size, w.size, s, (before, after), d)
    xp = np.concatenate([np.zeros(before), x, np.zeros(after)])
    taps = np.arange(out)[:, None] * s + np.arange(w.size)[None, :] * d
    products = xp[taps] * w
    return Conv1dTrace(x=_ro(x), w=_ro(w), stride=s, dilation=d, padding=(before, after), x_padded=_ro(xp),
                       taps=_ro(taps), products=_ro(products), output=_ro(products.sum(axis=1)))







# --------------------------------------------------------------------------- transposed: the page's questions
@dataclass(frozen=True)
class TransposedTerm:
    """One product x[c, r, q] * w[c, f, a, b] that lands on a chosen output cell.

    ``padded`` is where x[c, r, q] sits in the zero-inserted, padded grid; ``rot_tap`` is the tap of
    rot180(w) that meets it there (so w index = (KH-1-u, KW-1-v)).
    """

    channel: int
    x_index: tuple[int, int]
    w_index: tuple[int, int]
    padded: tuple[int, int]
    rot_tap: tuple[int, int]
    x_value: float
    w_value: float









def window_counts(in_hw: IntPair, kernel_hw: IntPair, stride: IntPair = 1,
                  padding: Padding | Sequence[int] | int = 0, output_padding: IntPair = 0,
                  dilation: IntPair = 1) -> np.ndarray:
    """How many (input cell, kernel tap) pairs write each cell of a transposed convolution's output.

    Uneven counts (e.g. 1, 2, 1, 2 with a 3-wide kernel at stride 2) are the checkerboard pattern.

    Returns
    -------
    array (OH, OW) of int, OH from :func:`conv_transpose_output_shape`.

    >>> window_counts((1, 3), (1, 3), stride=2)[0].astype(int).tolist()
    [1, 1, 2, 1, 2, 1, 1]
    """
    h, w = as_pair(in_hw, "input size")
    kh, kw = as_pair(kernel_hw, "kernel")
    counts = conv_transpose2d(np.ones((1, 1, h, w)), np.ones((1, 1, kh, kw)), None, stride, padding,
                              output_padding, dilation)[0, 0]
    return np.rint(counts).astype(int)


def sizes_mapping_to(n_out: int, k: int, stride: int = 1, padding: int | tuple[int, int] = 0,
                     dilation: int = 1) -> tuple[int, ...]:
    """Every input length m that a forward convolution (k, s, p, d) maps to ``n_out`` outputs.

    They are base, base+1, ..., base+s-1 with base = (n_out-1)s - p_before - p_after + d(k-1) + 1 (those >= 1):
    the floor in the output-size formula hides m - base, so a transposed convolution needs
    ``output_padding = m - base`` to say which one it wants.

    >>> sizes_mapping_to(3, 3, stride=2, padding=1)   # 5 and 6 both give 3 outputs
    (5, 6)
    """
    n_out = as_pair(n_out, "output size")[0]
    s, d = as_pair(stride, "stride")[0], as_pair(dilation, "dilation")[0]
    before, after = as_pair(padding, "padding", minimum=0)
    base = (n_out - 1) * s - before - after + effective_kernel(k, d)
    return tuple(m for m in range(base, base + s) if m >= 1)


# --------------------------------------------------------------------------- matrix views (seed 004, 4.5.1)
@dataclass(frozen=True)
class MatrixView1d:
    """z = C x and x' = Cᵀ z for a 1-D kernel, each computed two ways.

    Attributes
    ----------
    w : array (K,);  x : array (n,);  z : array (O,)
    C : array (O, n), :func:`conv_matrix_1d` (stride, no padding)
    tap_index : array (O, n) of int, 1-based kernel tap in each cell of C (0: structural zero)
    Cx : array (O,), the matrix product;  direct : array (O,), :func:`conv1d` (w ⋆ x)
    w_rot180 : array (K,)
    z_inserted : array ((O-1)s + 1,), stride-1 zeros between the samples of z
    CTz : array (n,), the matrix product Cᵀ z
    full : array ((O-1)s + K,), full correlation of z_inserted with rot180(w): K-1 zeros each side, then ⋆
    full_padded : array, z_inserted with K-1 zeros each side
    cx_gap : float, max |Cx - w ⋆ x|
    ctz_gap : float, max |Cᵀz - full| (samples of Cᵀz beyond the full correlation's length compared with 0)
    """

    w: np.ndarray
    x: np.ndarray
    z: np.ndarray
    stride: int
    C: np.ndarray
    tap_index: np.ndarray
    Cx: np.ndarray
    direct: np.ndarray
    w_rot180: np.ndarray
    z_inserted: np.ndarray
    full_padded: np.ndarray
    CTz: np.ndarray
    full: np.ndarray
    cx_gap: float
    ctz_gap: float


def matrix_view_1d(w: ArrayLike, x: ArrayLike, z: ArrayLike, stride: int = 1) -> MatrixView1d:
    """Seed 004's 4.5.1 for one kernel: C from w, Cx against w ⋆ x, Cᵀz against rot180(w) ⋆ (full) z.

    z must have the output length O of the forward convolution (``z_length`` otherwise). The full
    correlation has (O-1)s + K samples; when that is shorter than n (the floor dropped samples) the
    missing tail of Cᵀz is zero — :func:`sizes_mapping_to` / output_padding explain why.
    """
    w, x, z = as_real_array(w, "w", ndim=1), as_real_array(x, "x", ndim=1), as_real_array(z, "z", ndim=1)
    s = as_pair(stride, "stride")[0]
    c = conv_matrix_1d(w, x.size, s)
    if z.size != c.shape[0]:
        raise CoreValueError("z_length", f"z must have {c.shape[0]} numbers (the rows of C), got {z.size}",
                             rows=c.shape[0], got=z.size, stride=s)
    taps = np.rint(conv_matrix_1d(np.arange(1, w.size + 1), x.size, s)).astype(int)
    w_rot = w[::-1].copy()
    zi = zero_insert(z[None], (1, s))[0]
    full_padded = np.concatenate([np.zeros(w.size - 1), zi, np.zeros(w.size - 1)])
    full = conv1d(full_padded, w_rot)
    cx, direct, ctz = c @ x, conv1d(x, w, s), c.T @ z
    tail = np.zeros(max(x.size - full.size, 0))
    ctz_gap = float(np.max(np.abs(ctz - np.concatenate([full, tail])[:x.size])))
    return MatrixView1d(w=_ro(w), x=_ro(x), z=_ro(z), stride=s, C=_ro(c), tap_index=_ro(taps), Cx=_ro(cx),
                        direct=_ro(direct), w_rot180=_ro(w_rot), z_inserted=_ro(zi), full_padded=_ro(full_padded),
                        CTz=_ro(ctz), full=_ro(full), cx_gap=float(np.max(np.abs(cx - direct))), ctz_gap=ctz_gap)


@dataclass(frozen=True)
class MatrixView2d:
    """z = C vec(x) for a 2-D kernel (row-major vec), against the direct correlation.

    tap_index[o, m] = a*KW + b + 1 where C holds k[a, b] (0: structural zero).
    """

    k: np.ndarray
    x: np.ndarray
    C: np.ndarray
    tap_index: np.ndarray
    Cx: np.ndarray
    direct: np.ndarray


def matrix_view_2d(k: ArrayLike, x: ArrayLike, stride: IntPair = 1) -> MatrixView2d:
    """Seed 004's C for a 2-D kernel: C (OH·OW, H·W) with C vec(x) = vec(k ⋆ x)."""
    k, x = as_real_array(k, "k", ndim=2), as_real_array(x, "x", ndim=2)
    c = conv_matrix_2d(k, x.shape, stride)
    taps = np.rint(conv_matrix_2d(np.arange(1, k.size + 1).reshape(k.shape), x.shape, stride)).astype(int)
    direct = conv2d(x[None, None], k[None, None], None, stride)[0, 0]
    return MatrixView2d(k=_ro(k), x=_ro(x), C=_ro(c), tap_index=_ro(taps), Cx=_ro((c @ x.ravel()).reshape(direct.shape)),
                        direct=_ro(direct))


def transposed_via_matrix(z: ArrayLike, w: ArrayLike, stride: IntPair = 1, padding: int | tuple[int, int] = 0,
                          output_padding: IntPair = 0, dilation: IntPair = 1) -> np.ndarray:
    """Cᵀ vec(z) reshaped, with C the matrix of the forward convolution out_hw -> z.shape (one channel).

    The same numbers as :func:`conv_transpose2d` (a check by a different road).
    """
    z, w = as_real_array(z, "z", ndim=2), as_real_array(w, "w", ndim=2)
    out_hw = conv_transpose_output_shape(z.shape, w.shape, stride, padding, output_padding, dilation)
    c = conv_matrix_2d(w, out_hw, stride, padding, dilation)
    return (c.T @ z.ravel()).reshape(out_hw)


# --------------------------------------------------------------------------- dilation (seed 004, 4.5.2)
def dilate_kernel(w: ArrayLike, dilation: IntPair) -> np.ndarray:
    """The kernel with D-1 holes (zeros) between taps: shape K' = K + (K-1)(D-1) per axis.

    Parameters
    ----------
    w : array (K,) or (KH, KW)

    >>> dilate_kernel([1, 2, 3], 2).tolist()
    [1.0, 0.0, 2.0, 0.0, 3.0]
    """
    w = np.asarray(w, dtype=np.float64)
    if w.ndim == 1:
        d = as_pair(dilation, "dilation")[0]
        return zero_insert(w[None], (1, d))[0]
    return zero_insert(as_real_array(w, "w", ndim=2), as_pair(dilation, "dilation"))


def receptive_field(kernels: Sequence[int], strides: Sequence[int] | None = None,
                    dilations: Sequence[int] | None = None) -> tuple[int, ...]:
    """Receptive field (in input samples) after each of L stacked 1-D layers.

    r_0 = 1,  r_l = r_{l-1} + d_l (k_l - 1) · J_{l-1},  J_l = J_{l-1} · s_l  (J_0 = 1)

    >>> receptive_field([3, 3, 3]), receptive_field([3, 3, 3], dilations=[1, 2, 4])
    ((3, 5, 7), (3, 7, 15))
    """
    n = len(kernels)
    strides = [1] * n if strides is None else list(strides)
    dilations = [1] * n if dilations is None else list(dilations)
    if len(strides) != n or len(dilations) != n:
        raise CoreValueError("bad_shape", f"{n} kernels need {n} strides and dilations",
                             name="layers", expected=str(n), got=f"{len(strides)}, {len(dilations)}")
    r, jump, out = 1, 1, []
    for k, s, d in zip(kernels, strides, dilations):
        r += (effective_kernel(k, d) - 1) * jump
        jump *= as_pair(s, "stride")[0]
        out.append(r)
    return tuple(out)


__all__ += ["TransposedTerm", "window_counts", "sizes_mapping_to", "MatrixView1d", "matrix_view_1d",
            "MatrixView2d", "matrix_view_2d", "transposed_via_matrix", "dilate_kernel", "receptive_field"]
