"""Padding and stride arithmetic: the output-size formula lives here, once.

Every other module (convolution, pooling, transposed convolution) asks this
module for output sizes and padding; none re-derives the formula.

Conventions (see docs/CONVENTIONS.md):

* output size  O = floor((n + p_before + p_after - k_eff) / s) + 1,
  with the effective (dilated) kernel k_eff = d(k - 1) + 1;
* SAME is TensorFlow's rule: O = ceil(n / s),
  total = max((O - 1)s + k_eff - n, 0), before = floor(total / 2), the extra
  one on the bottom / right;
* FULL pads k_eff - 1 on each side; VALID pads nothing.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import NamedTuple, Sequence, Union

import numpy as np

from .errors import CoreValueError

IntPair = Union[int, Sequence[int]]
PaddingSpec = Union[int, str, Sequence[int]]

PADDING_MODES = ("valid", "same", "full")


class Padding(NamedTuple):
    """Zero padding actually applied, in rows / columns: (top, bottom, left, right)."""

    top: int
    bottom: int
    left: int
    right: int

    @property
    def height(self) -> tuple[int, int]:
        """(top, bottom)."""
        return (self.top, self.bottom)

    @property
    def width(self) -> tuple[int, int]:
        """(left, right)."""
        return (self.left, self.right)


def _check_int(value: object, name: str, minimum: int) -> int:
    """An integer >= minimum (numpy integers accepted; bools and floats refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise CoreValueError("not_integer", f"{name} must be an integer, got {value!r}",
                             name=name, value=repr(value))
    value = int(value)
    if value < minimum:
        code = "not_positive" if minimum == 1 else "negative"
        raise CoreValueError(code, f"{name} must be >= {minimum}, got {value}",
                             name=name, value=value, minimum=minimum)
    return value


def as_pair(value: IntPair, name: str, minimum: int = 1) -> tuple[int, int]:
    """An int or an (h, w) pair, checked to be integers >= ``minimum``.

    >>> as_pair(3, "kernel"), as_pair((2, 1), "stride")
    ((3, 3), (2, 1))
    """
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            raise CoreValueError("bad_pair", f"{name} must be an int or an (h, w) pair, got {value!r}",
                                 name=name, value=repr(value))
        return (_check_int(value[0], name, minimum), _check_int(value[1], name, minimum))
    v = _check_int(value, name, minimum)
    return (v, v)


def effective_kernel(k: int, dilation: int = 1) -> int:
    """Extent of a dilated kernel: k_eff = d(k - 1) + 1.

    >>> effective_kernel(3, 2)
    5
    """
    k = _check_int(k, "kernel", 1)
    dilation = _check_int(dilation, "dilation", 1)
    return dilation * (k - 1) + 1


def conv_output_size(n: int, k: int, stride: int = 1, padding: IntPair = 0, dilation: int = 1) -> int:
    """Output length along one axis: O = floor((n + p_before + p_after - k_eff) / s) + 1.

    Parameters
    ----------
    n : int
        Input length (>= 1).
    k : int
        Kernel length (>= 1).
    stride : int
        Step between windows (>= 1).
    padding : int or (before, after)
        Zeros added on each side (an int pads both sides equally).
    dilation : int
        Spacing between kernel taps (>= 1); k_eff = d(k - 1) + 1.

    Raises
    ------
    ValueError (CoreValueError)
        When an argument is out of range or the dilated kernel does not fit in
        the padded input (the output would be empty).

    Examples
    --------
    >>> conv_output_size(5, 3, stride=2, padding=1)   # seed 003: 5x5, pad 1, stride 2
    3
    >>> conv_output_size(4, 2)                         # seed 003: 4x4 with a 2x2 kernel
    3
    """
    n = _check_int(n, "input size", 1)
    stride = _check_int(stride, "stride", 1)
    before, after = as_pair(padding, "padding", minimum=0)
    k_eff = effective_kernel(k, dilation)
    padded = n + before + after
    if k_eff > padded:
        raise CoreValueError(
            "kernel_too_large",
            f"kernel {k_eff} is larger than the padded input {padded}",
            kernel=k_eff, padded=padded, axis="",
        )
    return (padded - k_eff) // stride + 1


def same_padding(in_hw: IntPair, kernel_hw: IntPair, stride: IntPair = 1, dilation: IntPair = 1) -> Padding:
    """TensorFlow's SAME padding: out = ceil(n/s), extra zero on the bottom/right.

    total = max((out - 1)s + d(k - 1) + 1 - n, 0); before = floor(total/2); after = total - before.

    >>> same_padding((5, 5), (2, 2))
    Padding(top=0, bottom=1, left=0, right=1)
    >>> same_padding(7, 3, stride=2)
    Padding(top=1, bottom=1, left=1, right=1)
    """
    (nh, nw), (kh, kw) = as_pair(in_hw, "input size"), as_pair(kernel_hw, "kernel")
    (sh, sw), (dh, dw) = as_pair(stride, "stride"), as_pair(dilation, "dilation")
    top, bottom = _same_axis(nh, kh, sh, dh)
    left, right = _same_axis(nw, kw, sw, dw)
    return Padding(top, bottom, left, right)


def _same_axis(n: int, k: int, s: int, d: int) -> tuple[int, int]:
    rule = same_axis(n, k, s, d)
    return rule.before, rule.after


@dataclass(frozen=True)
class SameAxis:
    """TensorFlow's SAME rule for one axis, step by step (what the padding page writes out).

    Attributes
    ----------
    n, k, stride, dilation : int
        Input length, kernel length, stride, dilation.
    out : int
        ceil(n / stride): the output length SAME aims for.
    k_eff : int
        d(k - 1) + 1.
    total : int
        max((out - 1) * stride + k_eff - n, 0): zeros needed in all.
    before, after : int
        floor(total / 2) on the top/left, the rest (one more when total is odd) on the bottom/right.
    """

    n: int
    k: int
    stride: int
    dilation: int
    out: int
    k_eff: int
    total: int
    before: int
    after: int


def same_axis(n: int, k: int, stride: int = 1, dilation: int = 1) -> SameAxis:
    """SAME padding along one axis with its intermediate numbers.

    >>> r = same_axis(5, 2)                   # one zero in all, and it goes after (bottom/right)
    >>> r.out, r.total, r.before, r.after
    (5, 1, 0, 1)
    >>> r = same_axis(5, 3, stride=2, dilation=2)
    >>> r.out, r.k_eff, r.total, r.before, r.after
    (3, 5, 4, 2, 2)
    """
    n = _check_int(n, "input size", 1)
    stride = _check_int(stride, "stride", 1)
    k_eff = effective_kernel(k, dilation)
    out = math.ceil(n / stride)
    total = max((out - 1) * stride + k_eff - n, 0)
    before = total // 2
    return SameAxis(n=n, k=int(k), stride=stride, dilation=int(dilation), out=out, k_eff=k_eff,
                    total=total, before=before, after=total - before)


def resolve_padding(padding: PaddingSpec, in_hw: IntPair, kernel_hw: IntPair,
                    stride: IntPair = 1, dilation: IntPair = 1) -> Padding:
    """Turn any padding form into the (top, bottom, left, right) actually applied.

    Accepted forms: an int (all sides), (ph, pw), (top, bottom, left, right),
    ``"valid"``, ``"same"`` (TensorFlow's rule) or ``"full"`` (k_eff - 1 each side).

    >>> resolve_padding("full", (4, 4), (2, 3))
    Padding(top=1, bottom=1, left=2, right=2)
    >>> resolve_padding((1, 2), (4, 4), 3)
    Padding(top=1, bottom=1, left=2, right=2)
    """
    if isinstance(padding, str):
        mode = padding.lower()
        if mode == "valid":
            return Padding(0, 0, 0, 0)
        if mode == "same":
            return same_padding(in_hw, kernel_hw, stride, dilation)
        if mode == "full":
            (kh, kw), (dh, dw) = as_pair(kernel_hw, "kernel"), as_pair(dilation, "dilation")
            ph, pw = effective_kernel(kh, dh) - 1, effective_kernel(kw, dw) - 1
            return Padding(ph, ph, pw, pw)
        raise CoreValueError("bad_padding", f"unknown padding {padding!r}; use an int, a tuple, "
                             "'valid', 'same' or 'full'", value=padding)
    if isinstance(padding, (list, tuple)):
        if len(padding) == 2:
            ph, pw = as_pair(padding, "padding", minimum=0)
            return Padding(ph, ph, pw, pw)
        if len(padding) == 4:
            return Padding(*(_check_int(p, "padding", 0) for p in padding))
        raise CoreValueError("bad_padding", f"padding tuple must have 2 or 4 entries, got {padding!r}",
                             value=repr(padding))
    p = _check_int(padding, "padding", 0)
    return Padding(p, p, p, p)


def conv_output_shape(in_hw: IntPair, kernel_hw: IntPair, stride: IntPair = 1,
                      padding: Padding | PaddingSpec = 0, dilation: IntPair = 1) -> tuple[int, int]:
    """(OH, OW) of a 2-D convolution or pooling; names the axis when the kernel does not fit.

    >>> conv_output_shape((5, 5), (3, 3), stride=2, padding=1)
    (3, 3)
    """
    (nh, nw), (kh, kw) = as_pair(in_hw, "input size"), as_pair(kernel_hw, "kernel")
    (sh, sw), (dh, dw) = as_pair(stride, "stride"), as_pair(dilation, "dilation")
    pad = padding if isinstance(padding, Padding) else resolve_padding(padding, in_hw, kernel_hw, stride, dilation)
    out = []
    for axis, n, k, s, d, before_after in (("height", nh, kh, sh, dh, pad.height),
                                           ("width", nw, kw, sw, dw, pad.width)):
        try:
            out.append(conv_output_size(n, k, s, before_after, d))
        except CoreValueError as err:
            if err.code == "kernel_too_large":
                raise CoreValueError(
                    "kernel_too_large",
                    f"{axis}: kernel {err.params['kernel']} is larger than the padded input {err.params['padded']}",
                    kernel=err.params["kernel"], padded=err.params["padded"], axis=axis,
                ) from None
            raise
    return (out[0], out[1])


@dataclass(frozen=True)
class AxisArithmetic:
    """Everything the padding page shows for one axis (a trace of the arithmetic).

    Attributes
    ----------
    n, k, stride, dilation : int
        Input length, kernel length, stride, dilation.
    before, after : int
        Zeros added before (top/left) and after (bottom/right).
    k_eff : int
        Dilated kernel extent d(k - 1) + 1.
    padded : int
        n + before + after.
    out : int
        Output length floor((padded - k_eff)/stride) + 1.
    used : int
        Extent of the padded input the windows actually cover: stride(out - 1) + k_eff.
    uncovered : int
        padded - used: trailing padded rows/columns no window reaches.
    uncovered_input : int
        How many of the *real* input rows/columns (not padding) no window reaches.
    starts : tuple of int
        Start index (in padded coordinates) of every window.
    """

    n: int
    k: int
    stride: int
    dilation: int
    before: int
    after: int
    k_eff: int
    padded: int
    out: int
    used: int
    uncovered: int
    uncovered_input: int
    starts: tuple[int, ...]


def axis_arithmetic(n: int, k: int, stride: int = 1, padding: IntPair = 0, dilation: int = 1,
                    *, axis: str = "") -> AxisArithmetic:
    """The output-size computation for one axis, with what it leaves uncovered.

    ``axis`` (``"height"`` / ``"width"``) is named in the ``kernel_too_large`` error.

    >>> a = axis_arithmetic(7, 3, stride=3)          # VALID: the last input row is never read
    >>> a.out, a.used, a.uncovered_input, a.starts
    (2, 6, 1, (0, 3))
    """
    try:
        out = conv_output_size(n, k, stride, padding, dilation)
    except CoreValueError as err:
        if err.code != "kernel_too_large" or not axis:
            raise
        raise CoreValueError(
            "kernel_too_large",
            f"{axis}: kernel {err.params['kernel']} is larger than the padded input {err.params['padded']}",
            kernel=err.params["kernel"], padded=err.params["padded"], axis=axis,
        ) from None
    before, after = as_pair(padding, "padding", minimum=0)
    k_eff = effective_kernel(k, dilation)
    padded = n + before + after
    used = stride * (out - 1) + k_eff
    uncovered = padded - used
    # the uncovered cells are the last ones of the padded axis; the real input ends `after` cells earlier
    uncovered_input = max(0, uncovered - after)
    return AxisArithmetic(n=n, k=k, stride=stride, dilation=dilation, before=before, after=after,
                          k_eff=k_eff, padded=padded, out=out, used=used, uncovered=uncovered,
                          uncovered_input=uncovered_input,
                          starts=tuple(range(0, stride * out, stride)))


Window = tuple[int, int, int, int]


def axis_taps(a: AxisArithmetic, index: int) -> tuple[int, ...]:
    """Padded positions read by output position ``index`` (0-based): start + d*t, t = 0..k-1.

    >>> axis_taps(axis_arithmetic(7, 3, stride=2, dilation=2), 1)
    (2, 4, 6)
    """
    if not 0 <= index < a.out:
        raise CoreValueError("out_of_range", f"output index {index} is out of range 0..{a.out - 1}",
                             name="output index", value=index, limit=a.out - 1)
    start = a.starts[index]
    return tuple(start + a.dilation * t for t in range(a.k))


def axis_read_counts(a: AxisArithmetic) -> tuple[int, ...]:
    """For every padded position, how many windows have a tap on it (0 = never read).

    Positions can be skipped at the end (VALID discards them), between windows
    (stride > k_eff) or between the taps of a dilated kernel.

    >>> axis_read_counts(axis_arithmetic(5, 3, stride=2, padding=1))
    (1, 1, 2, 1, 2, 1, 1)
    >>> axis_read_counts(axis_arithmetic(7, 1, stride=3))
    (1, 0, 0, 1, 0, 0, 1)
    """
    counts = [0] * a.padded
    for index in range(a.out):
        for pos in axis_taps(a, index):
            counts[pos] += 1
    return tuple(counts)


def axis_input_index(n: int, before: int, after: int) -> tuple[int | None, ...]:
    """For every padded position, the input index it holds (0-based), or None for a padded zero.

    >>> axis_input_index(3, 1, 2)
    (None, 0, 1, 2, None, None)
    """
    n = _check_int(n, "input size", 1)
    before, after = _check_int(before, "padding", 0), _check_int(after, "padding", 0)
    return (None,) * before + tuple(range(n)) + (None,) * after


@dataclass(frozen=True)
class PaddedGrid:
    """The zero-padded input of a 2-D convolution and where the kernel reads it.

    All indices are 0-based, in padded coordinates (row 0 = the first padded row).

    Attributes
    ----------
    shape : (H_p, W_p)
        (n_h + top + bottom, n_w + left + right).
    padding : Padding
        The zeros added.
    row_index, col_index : tuple of int or None
        The input row / column each padded row / column holds; None for padded zeros.
    mask : bool array, shape (H_p, W_p)
        True on padded zeros.
    out_hw : (OH, OW) or None
        Output size; None when the kernel fits along no axis or only one
        (then there are no windows and every count is 0).
    positions : tuple of (i, j)
        Output cells in row-major order.
    windows : tuple of (r0, c0, r1, c1)
        The inclusive rectangle the dilated kernel spans for each of ``positions``.
    read_counts : int array, shape (H_p, W_p)
        How many kernel positions have a tap on each cell (row count x column count).
    never_read : bool array, shape (H_p, W_p)
        Real input cells (not padding) that no kernel tap reads.
    """

    shape: tuple[int, int]
    padding: Padding
    row_index: tuple[int | None, ...]
    col_index: tuple[int | None, ...]
    mask: np.ndarray
    out_hw: tuple[int, int] | None
    positions: tuple[tuple[int, int], ...]
    windows: tuple[Window, ...]
    read_counts: np.ndarray
    never_read: np.ndarray


def padded_grid(in_hw: IntPair, padding: Padding, height: AxisArithmetic | None = None,
                width: AxisArithmetic | None = None) -> PaddedGrid:
    """The padded grid, with the kernel's windows when both axes have an output.

    ``height`` / ``width`` are the :func:`axis_arithmetic` traces of the two axes (None for
    an axis where the kernel does not fit: the grid is still returned, without windows).

    >>> g = padded_grid((2, 3), Padding(1, 0, 0, 1),
    ...                 axis_arithmetic(2, 2, padding=(1, 0)), axis_arithmetic(3, 2, stride=2, padding=(0, 1)))
    >>> g.shape, g.out_hw, g.windows
    ((3, 4), (2, 2), ((0, 0, 1, 1), (0, 2, 1, 3), (1, 0, 2, 1), (1, 2, 2, 3)))
    >>> g.mask.astype(int).tolist()
    [[1, 1, 1, 1], [0, 0, 0, 1], [0, 0, 0, 1]]
    >>> g.read_counts.tolist()
    [[1, 1, 1, 1], [2, 2, 2, 2], [1, 1, 1, 1]]
    """
    nh, nw = as_pair(in_hw, "input size")
    if not isinstance(padding, Padding):
        raise CoreValueError("bad_padding", f"padded_grid needs a Padding, got {padding!r}", value=repr(padding))
    rows = axis_input_index(nh, padding.top, padding.bottom)
    cols = axis_input_index(nw, padding.left, padding.right)
    for a, n, before, after, axis in ((height, nh, padding.top, padding.bottom, "height"),
                                      (width, nw, padding.left, padding.right, "width")):
        if a is not None and (a.n, a.before, a.after) != (n, before, after):
            raise CoreValueError("bad_shape", f"{axis} arithmetic is for n={a.n}, padding=({a.before}, "
                                 f"{a.after}), not n={n}, padding=({before}, {after})",
                                 name=axis, expected=(n, before, after), got=(a.n, a.before, a.after))
    shape = (len(rows), len(cols))
    mask = np.array([[r is None or c is None for c in cols] for r in rows], dtype=bool).reshape(shape)
    if height is None or width is None:
        counts = np.zeros(shape, dtype=int)
        return PaddedGrid(shape=shape, padding=padding, row_index=rows, col_index=cols, mask=mask,
                          out_hw=None, positions=(), windows=(), read_counts=counts,
                          never_read=~mask)
    positions = tuple((i, j) for i in range(height.out) for j in range(width.out))
    windows = tuple((height.starts[i], width.starts[j],
                     height.starts[i] + height.k_eff - 1, width.starts[j] + width.k_eff - 1)
                    for i, j in positions)
    counts = np.outer(np.array(axis_read_counts(height), dtype=int), np.array(axis_read_counts(width), dtype=int))
    return PaddedGrid(shape=shape, padding=padding, row_index=rows, col_index=cols, mask=mask,
                      out_hw=(height.out, width.out), positions=positions, windows=windows,
                      read_counts=counts, never_read=(counts == 0) & ~mask)


def kernel_taps(height: AxisArithmetic, width: AxisArithmetic, i: int, j: int) -> tuple[tuple[int, int], ...]:
    """The padded cells the (dilated) kernel reads for output cell (i, j), row-major (0-based).

    >>> kernel_taps(axis_arithmetic(5, 2, dilation=2), axis_arithmetic(5, 2, dilation=2), 0, 1)
    ((0, 1), (0, 3), (2, 1), (2, 3))
    """
    return tuple((r, c) for r in axis_taps(height, i) for c in axis_taps(width, j))
