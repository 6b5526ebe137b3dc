"""Padding and stride arithmetic: the output-size formula lives here, once.

Every other module (convolution, pooling, transposed convolution) asks this
module for output sizes and padding; none re-derives the formula.

Conventions (see DESIGN.md):

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
    out = math.ceil(n / s)
    total = max((out - 1) * s + effective_kernel(k, d) - n, 0)
    before = total // 2
    return before, total - before


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


def axis_arithmetic(n: int, k: int, stride: int = 1, padding: IntPair = 0, dilation: int = 1) -> AxisArithmetic:
    """The output-size computation for one axis, with what it leaves uncovered.

    >>> a = axis_arithmetic(7, 3, stride=3)          # VALID: the last input row is never read
    >>> a.out, a.used, a.uncovered_input, a.starts
    (2, 6, 1, (0, 3))
    """
    out = conv_output_size(n, k, stride, padding, dilation)
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
