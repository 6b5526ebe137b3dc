"""2-D max and average pooling: forward, backward (the "upsample" of δ), loop references, traces.

Layout NCHW, float64. Output size from ``cnn_core.arithmetic.conv_output_shape``:

    OH = floor((H + 2·ph − kh) / sh) + 1,   OW = floor((W + 2·pw − kw) / sw) + 1.

Conventions (say them on the page):

* ``stride=None`` means stride = kernel (non-overlapping windows).
* ``padding`` (ph, pw) must be ≤ (kh // 2, kw // 2), as in PyTorch, so every window
  holds at least one real input cell.
* Max pooling pads with −∞: padding never wins.
* Average pooling pads with 0 and COUNTS the padded zeros: y = Σ window / (kh·kw).
* Max ties: the FIRST maximum of the window in row-major order wins (and gets the gradient).
* Overlapping windows (stride < kernel) ACCUMULATE gradients in the cells they share.

Backward (seed 001, "反向传播过程的池化层操作"):

* max:  ∂L/∂x[r, c] = Σ over windows whose winner is (r, c) of ∂L/∂y[window]
* avg:  ∂L/∂x[r, c] = Σ over windows containing (r, c) of ∂L/∂y[window] / (kh·kw)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence, Union

import numpy as np

from .activations import as_finite_array
from .arithmetic import Padding, as_pair, conv_output_shape
from .errors import CoreValueError

IntPair = Union[int, Sequence[int]]

POOL_MODES: tuple[str, ...] = ("max", "avg")


@dataclass(frozen=True)
class PoolGeometry:
    """The checked pooling arguments.

    Attributes
    ----------
    kernel, stride : (int, int)
        (kh, kw) and (sh, sw).
    padding : Padding
        (top, bottom, left, right) actually applied; top == bottom == ph, left == right == pw.
    out_hw : (int, int)
        (OH, OW).
    mode : str
        ``"max"`` or ``"avg"``.
    """

    kernel: tuple[int, int]
    stride: tuple[int, int]
    padding: Padding
    out_hw: tuple[int, int]
    mode: str


def pool_geometry(in_hw: Sequence[int], kernel: IntPair, stride: IntPair | None = None,
                  padding: IntPair = 0, mode: str = "max") -> PoolGeometry:
    """Check kernel / stride / padding / mode and compute the output size.

    Raises
    ------
    ValueError (CoreValueError)
        ``"bad_mode"``, ``"pool_padding_too_large"`` (padding > kernel // 2), and the
        arithmetic module's errors (``"kernel_too_large"``, ``"not_positive"``, ...).

    >>> pool_geometry((4, 4), 2).out_hw
    (2, 2)
    >>> pool_geometry((5, 5), 3, stride=2, padding=1).out_hw
    (3, 3)
    """
    if mode not in POOL_MODES:
        raise CoreValueError("bad_mode", f"unknown pooling mode {mode!r}; use one of {', '.join(POOL_MODES)}",
                             name="mode", value=repr(mode), allowed=", ".join(POOL_MODES))
    kh, kw = as_pair(kernel, "kernel")
    sh, sw = (kh, kw) if stride is None else as_pair(stride, "stride")
    ph, pw = as_pair(padding, "padding", minimum=0)
    for axis, p, k in (("height", ph, kh), ("width", pw, kw)):
        if p > k // 2:
            raise CoreValueError(
                "pool_padding_too_large",
                f"{axis}: pooling padding {p} is larger than half the kernel ({k} // 2 = {k // 2})",
                axis=axis, padding=p, kernel=k, limit=k // 2)
    pad = Padding(ph, ph, pw, pw)
    out_hw = conv_output_shape(tuple(in_hw), (kh, kw), (sh, sw), pad)
    return PoolGeometry(kernel=(kh, kw), stride=(sh, sw), padding=pad, out_hw=out_hw, mode=mode)


def _pad(x: np.ndarray, pad: Padding, mode: str) -> np.ndarray:
    """Pad the last two axes with −∞ (max) or 0 (avg)."""
    fill = -np.inf if mode == "max" else 0.0
    widths = [(0, 0)] * (x.ndim - 2) + [pad.height, pad.width]
    return np.pad(x, widths, mode="constant", constant_values=fill)


def _check_x(x: object) -> np.ndarray:
    return as_finite_array(x, "x", ndim=4)


def _check_dy(dy: object, expected: tuple[int, ...]) -> np.ndarray:
    arr = as_finite_array(dy, "dy", ndim=4)
    if arr.shape != expected:
        raise CoreValueError("bad_shape", f"dy must have the pooled output's shape {expected}, got {arr.shape}",
                             name="dy", expected=str(expected), got=str(arr.shape))
    return arr


def _tap_view(xp: np.ndarray, i: int, j: int, geo: PoolGeometry) -> np.ndarray:
    """xp[..., i + sh·oh, j + sw·ow] for all (oh, ow): tap (i, j) of every window."""
    (sh, sw), (oh, ow) = geo.stride, geo.out_hw
    return xp[..., i: i + sh * (oh - 1) + 1: sh, j: j + sw * (ow - 1) + 1: sw]


def _max_and_argmax(xp: np.ndarray, geo: PoolGeometry) -> tuple[np.ndarray, np.ndarray]:
    """Window maxima and the row-major tap index t = i·kw + j of the FIRST maximum."""
    kh, kw = geo.kernel
    best = None
    arg = None
    for i in range(kh):
        for j in range(kw):
            tap = _tap_view(xp, i, j, geo)
            if best is None:
                best = tap.copy()
                arg = np.zeros(tap.shape, dtype=np.int64)
            else:
                better = tap > best          # strict: an equal later value never replaces the first
                best = np.where(better, tap, best)
                arg = np.where(better, i * kw + j, arg)
    assert best is not None and arg is not None
    return best, arg


def pool2d(x: np.ndarray, kernel: IntPair, stride: IntPair | None = None,
           padding: IntPair = 0, mode: str = "max") -> np.ndarray:
    """Max or average pooling of an NCHW batch (vectorised over pixels; loops over kernel taps).

    Parameters
    ----------
    x : np.ndarray, shape (N, C, H, W)
    kernel : int or (kh, kw)
    stride : int or (sh, sw), optional
        Defaults to the kernel.
    padding : int or (ph, pw)
        At most (kh // 2, kw // 2).
    mode : {"max", "avg"}

    Returns
    -------
    y : np.ndarray, shape (N, C, OH, OW)
        max:  y[n, c, oh, ow] = max over the window of the −∞-padded input
        avg:  y[n, c, oh, ow] = Σ window of the 0-padded input / (kh·kw)

    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> pool2d(x, 2)[0, 0].tolist()
    [[5.0, 7.0], [13.0, 15.0]]
    >>> pool2d(x, 2, mode="avg")[0, 0].tolist()
    [[2.5, 4.5], [10.5, 12.5]]
    """
    x = _check_x(x)
    geo = pool_geometry(x.shape[2:], kernel, stride, padding, mode)
    xp = _pad(x, geo.padding, mode)
    if mode == "max":
        return _max_and_argmax(xp, geo)[0]
    kh, kw = geo.kernel
    total = np.zeros(x.shape[:2] + geo.out_hw)
    for i in range(kh):
        for j in range(kw):
            total += _tap_view(xp, i, j, geo)
    return total / (kh * kw)


def pool2d_backward(dy: np.ndarray, x: np.ndarray, kernel: IntPair, stride: IntPair | None = None,
                    padding: IntPair = 0, mode: str = "max") -> np.ndarray:
    """∂L/∂x from ∂L/∂y: route (max) or spread evenly (avg), accumulating over overlapping windows.

    Parameters
    ----------
    dy : np.ndarray, shape (N, C, OH, OW)
        ∂L/∂y, the pooled output's gradient (seed 001's δˡ).
    x : np.ndarray, shape (N, C, H, W)
        The forward input (needed for the max winners).
    kernel, stride, padding, mode
        As in :func:`pool2d`.

    Returns
    -------
    dx : np.ndarray, shape (N, C, H, W)
        max:  dx[r, c] = Σ_{windows won by (r, c)} dy[window]   (first maximum wins ties)
        avg:  dx[r, c] = Σ_{windows containing (r, c)} dy[window] / (kh·kw)
        Gradient that would reach padded cells is dropped (padding is a constant).
    """
    x = _check_x(x)
    geo = pool_geometry(x.shape[2:], kernel, stride, padding, mode)
    dy = _check_dy(dy, x.shape[:2] + geo.out_hw)
    kh, kw = geo.kernel
    pad = geo.padding
    xp = _pad(x, pad, mode)
    dxp = np.zeros_like(xp)
    if mode == "max":
        arg = _max_and_argmax(xp, geo)[1]
    for i in range(kh):
        for j in range(kw):
            # within one tap, distinct windows hit distinct cells, so += on the strided view is safe
            target = _tap_view(dxp, i, j, geo)
            if mode == "max":
                target += np.where(arg == i * kw + j, dy, 0.0)
            else:
                target += dy / (kh * kw)
    return dxp[..., pad.top: pad.top + x.shape[2], pad.left: pad.left + x.shape[3]]


def max_pool_winners(x: np.ndarray, kernel: IntPair, stride: IntPair | None = None,
                     padding: IntPair = 0) -> np.ndarray:
    """Where every max-pooling window's winner sits (the forward "route" of the gradient).

    Parameters
    ----------
    x : np.ndarray, shape (N, C, H, W)
    kernel, stride, padding
        As in :func:`pool2d`.

    Returns
    -------
    winners : np.ndarray of int64, shape (N, C, OH, OW, 2)
        (row, col) in INPUT coordinates of the first maximum (row-major) of each window;
        ``pool2d_backward`` sends dy[n, c, oh, ow] to exactly that cell.
    """
    x = _check_x(x)
    geo = pool_geometry(x.shape[2:], kernel, stride, padding, "max")
    (_, kw), (sh, sw), (oh, ow), pad = geo.kernel, geo.stride, geo.out_hw, geo.padding
    arg = _max_and_argmax(_pad(x, pad, "max"), geo)[1]
    rows = (np.arange(oh) * sh)[:, None] + arg // kw - pad.top
    cols = (np.arange(ow) * sw)[None, :] + arg % kw - pad.left
    return np.stack([rows, cols], axis=-1).astype(np.int64)


# --- loop references --------------------------------------------------------------------------

def pool2d_naive(x: np.ndarray, kernel: IntPair, stride: IntPair | None = None,
                 padding: IntPair = 0, mode: str = "max") -> np.ndarray:
    """Loop reference for :func:`pool2d`: one output cell at a time, straight from the definition."""
    x = _check_x(x)
    geo = pool_geometry(x.shape[2:], kernel, stride, padding, mode)
    (kh, kw), (sh, sw), (oh, ow), pad = geo.kernel, geo.stride, geo.out_hw, geo.padding
    n_, c_, h, w = x.shape
    y = np.zeros((n_, c_, oh, ow))
    for n in range(n_):
        for c in range(c_):
            for r in range(oh):
                for q in range(ow):
                    values = []
                    for i in range(kh):
                        for j in range(kw):
                            row, col = r * sh + i - pad.top, q * sw + j - pad.left
                            inside = 0 <= row < h and 0 <= col < w
                            if inside:
                                values.append(x[n, c, row, col])
                            elif mode == "avg":
                                values.append(0.0)
                    y[n, c, r, q] = max(values) if mode == "max" else sum(values) / (kh * kw)
    return y


def pool2d_backward_naive(dy: np.ndarray, x: np.ndarray, kernel: IntPair, stride: IntPair | None = None,
                          padding: IntPair = 0, mode: str = "max") -> np.ndarray:
    """Loop reference for :func:`pool2d_backward`: each output cell sends its δ back to its window."""
    x = _check_x(x)
    geo = pool_geometry(x.shape[2:], kernel, stride, padding, mode)
    dy = _check_dy(dy, x.shape[:2] + geo.out_hw)
    (kh, kw), (sh, sw), (oh, ow), pad = geo.kernel, geo.stride, geo.out_hw, geo.padding
    n_, c_, h, w = x.shape
    dx = np.zeros_like(x)
    for n in range(n_):
        for c in range(c_):
            for r in range(oh):
                for q in range(ow):
                    cells = [(r * sh + i - pad.top, q * sw + j - pad.left) for i in range(kh) for j in range(kw)]
                    real = [(a, b) for a, b in cells if 0 <= a < h and 0 <= b < w]
                    if mode == "max":
                        best = real[0]
                        for a, b in real[1:]:          # row-major; strict > keeps the first maximum
                            if x[n, c, a, b] > x[n, c, best[0], best[1]]:
                                best = (a, b)
                        dx[n, c, best[0], best[1]] += dy[n, c, r, q]
                    else:
                        for a, b in real:
                            dx[n, c, a, b] += dy[n, c, r, q] / (kh * kw)
    return dx


# --- traces -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PoolWindow:
    """One output cell of a pooling: its window and how the value was made.

    Attributes
    ----------
    channel : int
        Channel index (0 for a single map).
    out_row, out_col : int
        Output cell (0-based).
    rows, cols : tuple of int
        The window's rows / columns in PADDED-grid coordinates (``PoolTrace.padded``).
    values : np.ndarray, shape (kh, kw)
        The window of the padded grid (−∞ in padded cells for max, 0 for avg).
    winner : (int, int) or None
        max: (row, col) of the first maximum, in INPUT coordinates (unpadded); None for avg.
    mean : float or None
        avg: Σ values / (kh·kw), padded zeros counted; None for max.
    output : float
        y[channel, out_row, out_col].
    """

    channel: int
    out_row: int
    out_col: int
    rows: tuple[int, ...]
    cols: tuple[int, ...]
    values: np.ndarray
    winner: tuple[int, int] | None
    mean: float | None
    output: float


@dataclass(frozen=True)
class PoolTrace:
    """Forward pooling of one map (H, W) or one sample (C, H, W), cell by cell.

    Attributes
    ----------
    mode : str
    kernel, stride : (int, int)
    padding : Padding
        (top, bottom, left, right).
    x : np.ndarray, shape (C, H, W)
        The input (a 2-D map is stored as C = 1).
    padded : np.ndarray, shape (C, H + 2ph, W + 2pw)
        The grid the windows slide over (−∞ padding for max, 0 for avg).
    windows : tuple of PoolWindow
        One per output cell, ordered (channel, out_row, out_col).
    output : np.ndarray, shape (C, OH, OW)
    """

    mode: str
    kernel: tuple[int, int]
    stride: tuple[int, int]
    padding: Padding
    x: np.ndarray
    padded: np.ndarray
    windows: tuple[PoolWindow, ...]
    output: np.ndarray

    def input_index(self, r: int, q: int) -> tuple[int, int] | None:
        """Padded-grid cell (r, q) -> the input cell (row, col) it holds (0-based), or None on padding.

        >>> tr = pool2d_trace(np.ones((2, 2)), 2, 1, 1)
        >>> tr.input_index(0, 0) is None, tr.input_index(1, 2)
        (True, (0, 1))
        """
        row, col = int(r) - self.padding.top, int(q) - self.padding.left
        h, w = self.x.shape[1:]
        return (row, col) if 0 <= row < h and 0 <= col < w else None

    @property
    def pad_mask(self) -> np.ndarray:
        """(Hp, Wp) bool, True on the padding."""
        hp, wp = self.padded.shape[1:]
        return np.array([[self.input_index(r, q) is None for q in range(wp)] for r in range(hp)])

    def window(self, out_row: int, out_col: int, channel: int = 0) -> PoolWindow:
        """The record of output cell (out_row, out_col) of ``channel``."""
        oh, ow = self.output.shape[1:]
        return self.windows[(channel * oh + out_row) * ow + out_col]


def _as_sample(x: object, name: str) -> np.ndarray:
    """A (H, W) map or (C, H, W) sample as (C, H, W)."""
    arr = as_finite_array(x, name, ndim=(2, 3))
    return arr[None] if arr.ndim == 2 else arr


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=np.float64)
    a.setflags(write=False)
    return a


def pool2d_trace(x: np.ndarray, kernel: IntPair, stride: IntPair | None = None,
                 padding: IntPair = 0, mode: str = "max") -> PoolTrace:
    """Trace the pooling of one map (H, W) or one sample (C, H, W): every window, winner, mean.

    The numbers come from :func:`pool2d` and its argmax (so trace and forward cannot disagree).
    """
    xs = _as_sample(x, "x")
    geo = pool_geometry(xs.shape[1:], kernel, stride, padding, mode)
    (kh, kw), (sh, sw), (oh, ow), pad = geo.kernel, geo.stride, geo.out_hw, geo.padding
    xp = _pad(xs, pad, mode)
    if mode == "max":
        y, arg = _max_and_argmax(xp, geo)
    else:
        y, arg = pool2d(xs[None], geo.kernel, geo.stride, (pad.top, pad.left), mode)[0], None
    windows = []
    for c in range(xs.shape[0]):
        for r in range(oh):
            for q in range(ow):
                rows = tuple(range(r * sh, r * sh + kh))
                cols = tuple(range(q * sw, q * sw + kw))
                values = _frozen(xp[c, rows[0]: rows[-1] + 1, cols[0]: cols[-1] + 1])
                winner = None
                mean = None
                if arg is not None:
                    t = int(arg[c, r, q])
                    winner = (rows[0] + t // kw - pad.top, cols[0] + t % kw - pad.left)
                else:
                    mean = float(y[c, r, q])
                windows.append(PoolWindow(channel=c, out_row=r, out_col=q, rows=rows, cols=cols,
                                          values=values, winner=winner, mean=mean, output=float(y[c, r, q])))
    return PoolTrace(mode=mode, kernel=geo.kernel, stride=geo.stride, padding=pad, x=_frozen(xs),
                     padded=_frozen(xp), windows=tuple(windows), output=_frozen(y))


@dataclass(frozen=True)
class GradientShare:
    """One term an input cell receives: output cell (out_row, out_col) sent it ``share``.

    ``share`` is dy[out] for a max route, dy[out] / (kh·kw) for average pooling.
    """

    out_row: int
    out_col: int
    dy: float
    share: float


@dataclass(frozen=True)
class PoolCellGradient:
    """Everything input cell (channel, row, col) received in the backward pass.

    Attributes
    ----------
    channel, row, col : int
        Input cell (input coordinates, 0-based).
    terms : tuple of GradientShare
        The windows that sent it gradient, in row-major output order.
    total : float
        Σ shares = dx[channel, row, col].
    windows_touching : int
        How many windows contain this cell (whether or not they sent it anything).
    """

    channel: int
    row: int
    col: int
    terms: tuple[GradientShare, ...]
    total: float
    windows_touching: int


@dataclass(frozen=True)
class PoolBackwardTrace:
    """Backward pooling of one map or one sample: the route / spread of every δ.

    Attributes
    ----------
    forward : PoolTrace
        The forward trace (windows and winners).
    dy : np.ndarray, shape (C, OH, OW)
    cells : tuple of PoolCellGradient
        One per input cell, ordered (channel, row, col).
    dx : np.ndarray, shape (C, H, W)
    counts : np.ndarray of int, shape (C, H, W)
        Number of windows touching each input cell (> 1 where windows overlap).
    """

    forward: PoolTrace
    dy: np.ndarray
    cells: tuple[PoolCellGradient, ...]
    dx: np.ndarray
    counts: np.ndarray

    def cell(self, row: int, col: int, channel: int = 0) -> PoolCellGradient:
        """The record of input cell (row, col) of ``channel``."""
        h, w = self.dx.shape[1:]
        return self.cells[(channel * h + row) * w + col]


def pool2d_backward_trace(dy: np.ndarray, x: np.ndarray, kernel: IntPair, stride: IntPair | None = None,
                          padding: IntPair = 0, mode: str = "max") -> PoolBackwardTrace:
    """Trace the backward pooling of one map (H, W) or one sample (C, H, W).

    ``dy`` has the same rank as ``x``: (OH, OW) or (C, OH, OW). ``dx`` equals
    :func:`pool2d_backward` (tested); the terms say where each number came from.
    """
    fwd = pool2d_trace(x, kernel, stride, padding, mode)
    xs = fwd.x
    dys = _as_sample(dy, "dy")
    if dys.shape != fwd.output.shape:
        expected = fwd.output.shape if np.ndim(dy) == 3 else fwd.output.shape[1:]
        raise CoreValueError("bad_shape", f"dy must have the pooled output's shape {expected}, got {np.shape(dy)}",
                             name="dy", expected=str(expected), got=str(np.shape(dy)))
    kh, kw = fwd.kernel
    c_, h, w = xs.shape
    terms: dict[tuple[int, int, int], list[GradientShare]] = {}
    counts = np.zeros((c_, h, w), dtype=np.int64)
    for win in fwd.windows:
        d = float(dys[win.channel, win.out_row, win.out_col])
        real = [(a - fwd.padding.top, b - fwd.padding.left) for a in win.rows for b in win.cols]
        real = [(a, b) for a, b in real if 0 <= a < h and 0 <= b < w]
        for a, b in real:
            counts[win.channel, a, b] += 1
        receivers = [win.winner] if mode == "max" else real
        share = d if mode == "max" else d / (kh * kw)
        for a, b in receivers:
            terms.setdefault((win.channel, a, b), []).append(
                GradientShare(out_row=win.out_row, out_col=win.out_col, dy=d, share=share))
    dx = pool2d_backward(dys[None], xs[None], fwd.kernel, fwd.stride,
                         (fwd.padding.top, fwd.padding.left), mode)[0]
    cells = tuple(
        PoolCellGradient(channel=c, row=a, col=b, terms=tuple(terms.get((c, a, b), ())),
                         total=float(dx[c, a, b]), windows_touching=int(counts[c, a, b]))
        for c in range(c_) for a in range(h) for b in range(w))
    counts.setflags(write=False)
    return PoolBackwardTrace(forward=fwd, dy=_frozen(dys), cells=cells, dx=_frozen(dx), counts=counts)
