"""Graded exercises: generate them (reproducibly), grade a hand calculation, name the mistake.

The grader never guesses. For every mistake a student can make on a kind of exercise it
recomputes the mistaken variant **with the core** (``correlate2d``, ``convolve2d``,
``pool2d``, ``conv2d_input_gradient``, ``input_gradient_full_conv``, ``zero_insert``,
``same_padding``, ``conv_output_size``, ...) and compares it with the submission: a variant
that reproduces the whole submission, or most of its wrong cells, names the mistake. A
submission of another shape is compared with the variants of that shape (a forgotten
padding changes the shape).

Every answer is a 2-D float64 array: a matrix, or one row for sizes and vectors
(``output_size`` -> [[OH, OW]], ``same_padding`` -> [[top, bottom, left, right]],
``transposed_output_size`` and ``param_count`` -> [[n]], ``softmax_ce_grad`` -> [[∂L/∂z_1, ...]]).

Levels: 1 small integer cases (stride 1, no padding), 2 adds padding and stride 2,
3 adds dilation, overlapping windows, ties and uneven sizes.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Mapping

import numpy as np

from .arithmetic import conv_output_size, effective_kernel, same_padding
from .conv import (conv2d_backward, conv2d_input_gradient, conv_parameter_count, convolve2d, correlate2d,
                   full_correlation, input_gradient_full_conv, pad2d, rot180, zero_insert)
from .dense import cross_entropy_softmax_grad, softmax
from .errors import CoreValueError
from .pool import max_pool_winners, pool2d, pool2d_backward, pool_geometry
from .transposed import conv_transpose_output_shape

KINDS: tuple[str, ...] = (
    "output_size", "same_padding", "conv_forward", "pool_forward", "pool_backward",
    "conv_input_grad", "conv_weight_grad", "transposed_output_size", "param_count", "softmax_ce_grad",
)

MISTAKES: tuple[str, ...] = (
    "flipped_kernel", "no_padding", "padding_wrong_side", "no_floor", "no_dilation", "kernel_not_rotated",
    "no_zero_insertion", "pool_overwrite", "ties_to_all", "avg_excludes_padding", "forgot_bias",
    "output_instead_of_input", "transposed_matrix", "one_based_off_by_one", "softmax_sign",
)

LEVELS: tuple[int, ...] = (1, 2, 3)

#: Largest seed accepted (the URL carries it).
MAX_SEED = 10**9
#: A cell is right when |submitted - answer| <= ATOL + RTOL |answer| (two decimals are enough).
ATOL, RTOL = 1e-2, 1e-3
#: A mistake is named when its variant reproduces at least this share of the wrong cells.
MOST = 0.5
#: Largest matrix side accepted in a user's own setup.
MAX_SIDE = 12

_SIZE_KINDS = ("output_size", "same_padding", "transposed_output_size", "param_count")


# --------------------------------------------------------------------------- data
@dataclass(frozen=True, eq=False)
class Exercise:
    """One exercise: what is given and the right answer.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    seed : int
        The generator seed (-1 for a user's own setup).
    level : int
        1, 2 or 3 (0 for a user's own setup).
    given : mapping (read-only)
        The named inputs (keys per kind as in the module docs; arrays float64 and read-only).
    answer : array, shape (R, C)
        The right answer (one row for sizes and vectors).
    """

    kind: str
    seed: int
    level: int
    given: Mapping[str, Any]
    answer: np.ndarray


@dataclass(frozen=True)
class Term:
    """One term of a cell's value: ``left · right`` (or a lone ``left`` when ``right`` is None).

    ``*_index`` are 0-based indices into the named given array, or None for a padded zero.
    """

    left: str
    left_index: tuple[int, ...] | None
    left_value: float
    right: str | None = None
    right_index: tuple[int, ...] | None = None
    right_value: float = 1.0


@dataclass(frozen=True)
class CellTerms:
    """How one answer cell is made.

    ``rule``: ``"sum"`` (Σ left·right [+ bias]), ``"max"`` (max of the lefts), ``"avg"``
    (Σ lefts / divisor), ``"difference"`` (left − right), ``"formula"`` (a size: the page
    writes the formula from ``given``).
    """

    cell: tuple[int, int]
    value: float
    rule: str
    terms: tuple[Term, ...] = ()
    bias: float | None = None
    divisor: float | None = None


@dataclass(frozen=True, eq=False)
class Grade:
    """The verdict on a submission.

    Attributes
    ----------
    correct : bool
    cells : bool array in the answer's shape (True = right), or None when the shape differs.
    mistakes : tuple of str
        :data:`MISTAKES` codes that explain the submission, most likely first.
    expected : array
        The right answer.
    submitted : array
        The submission as a 2-D float array.
    wrong : tuple of (row, col)
        0-based wrong cells (empty when the shape differs).
    terms : tuple of CellTerms
        For every wrong cell, how its right value is made.
    explained : tuple of float
        Per mistake, the share of the wrong cells its variant reproduces (1.0 = all).
    """

    correct: bool
    cells: np.ndarray | None
    mistakes: tuple[str, ...]
    expected: np.ndarray
    submitted: np.ndarray
    wrong: tuple[tuple[int, int], ...] = ()
    terms: tuple[CellTerms, ...] = ()
    explained: tuple[float, ...] = field(default_factory=tuple)


# --------------------------------------------------------------------------- checks
def _kind(kind: object) -> str:
    if kind not in KINDS:
        raise CoreValueError("bad_exercise_kind", f"unknown exercise kind {kind!r}",
                             value=repr(kind)[:40], allowed=", ".join(KINDS))
    return str(kind)


def _int(value: object, name: str, minimum: int, maximum: int = 10**6) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise CoreValueError("not_integer", f"{name} must be an integer, got {value!r}",
                                 name=name, value=repr(value)[:40])
    value = int(value)
    if not minimum <= value <= maximum:
        raise CoreValueError("value_out_of_range", f"{name} {value} is out of range {minimum}..{maximum}",
                             name=name, value=value, lo=minimum, hi=maximum)
    return value


def _pair(value: object, name: str, minimum: int, maximum: int = 64) -> tuple[int, int]:
    if isinstance(value, np.ndarray):
        value = value.ravel().tolist()
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            raise CoreValueError("bad_pair", f"{name} must be an int or an (h, w) pair, got {value!r}",
                                 name=name, value=repr(value)[:40])
        return (_int(value[0], name, minimum, maximum), _int(value[1], name, minimum, maximum))
    v = _int(value, name, minimum, maximum)
    return (v, v)


def _matrix(value: object, name: str, ndim: int = 2) -> np.ndarray:
    try:
        a = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise CoreValueError("bad_shape", f"{name} must be a numeric array", name=name,
                             expected=f"{ndim}-D", got="?") from None
    if ndim == 1 and a.ndim == 2 and 1 in a.shape:
        a = a.ravel()
    if a.ndim != ndim or a.size == 0:
        raise CoreValueError("bad_shape", f"{name} must be a {ndim}-D array, got shape {a.shape}",
                             name=name, expected=f"{ndim}-D", got=str(a.shape))
    if max(a.shape) > MAX_SIDE:
        raise CoreValueError("matrix_too_large", f"{name} is larger than {MAX_SIDE}x{MAX_SIDE}",
                             rows=a.shape[0], cols=a.shape[-1], max_rows=MAX_SIDE, max_cols=MAX_SIDE)
    if not np.all(np.isfinite(a)):
        raise CoreValueError("not_finite", f"{name} has NaN or infinite entries", name=name,
                             count=int((~np.isfinite(a)).sum()))
    a.setflags(write=False)
    return a


def _row(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float64).reshape(1, -1)


# --------------------------------------------------------------------------- per kind: answer + variants
def _conv_forward(g) -> np.ndarray:
    return correlate2d(g["x"], g["w"], g["stride"], g["padding"]) + g["b"]


def _shift(a: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """a read one row / column further on (a[r + rows, c + cols], zero past the edge)."""
    return pad2d(a[rows:, cols:], (0, rows, 0, cols))


def _off_by_one(compute: Callable[[np.ndarray], np.ndarray], x: np.ndarray) -> list[np.ndarray]:
    """Windows shifted by one row, one column, or both (1-based indices used as 0-based)."""
    out = []
    for dr, dc in ((1, 0), (0, 1), (1, 1)):
        if x.shape[0] > dr and x.shape[1] > dc:
            out.append(compute(_shift(x, dr, dc)))
    return out


def _variants(ex_kind: str, g: Mapping[str, Any], answer: np.ndarray) -> dict[str, list[np.ndarray]]:
    """Every mistaken answer the core can compute for this setup, by mistake code."""
    v: dict[str, list[np.ndarray]] = {}

    def add(code: str, compute: Callable[[], Any]) -> None:
        try:
            result = compute()
        except (CoreValueError, ValueError, IndexError):
            return  # the mistake has no meaning for this setup (e.g. a kernel that no longer fits)
        items = result if isinstance(result, list) else [result]
        for item in items:
            a = np.asarray(item, dtype=np.float64)
            a = a.reshape(1, -1) if a.ndim < 2 else a
            v.setdefault(code, []).append(a)

    if ex_kind == "output_size":
        (nh, nw), (kh, kw) = g["in_hw"], g["kernel_hw"]
        (sh, sw), (ph, pw), (dh, dw) = g["stride"], g["padding"], g["dilation"]
        add("no_padding", lambda: _row([conv_output_size(nh, kh, sh, 0, dh), conv_output_size(nw, kw, sw, 0, dw)]))
        add("no_floor", lambda: _row([(nh + 2 * ph - effective_kernel(kh, dh)) / sh + 1,
                                      (nw + 2 * pw - effective_kernel(kw, dw)) / sw + 1]))
        add("no_dilation", lambda: _row([conv_output_size(nh, kh, sh, ph), conv_output_size(nw, kw, sw, pw)]))
        add("transposed_matrix", lambda: answer[:, ::-1])
    elif ex_kind == "same_padding":
        p = same_padding(g["in_hw"], g["kernel_hw"], g["stride"], g["dilation"])
        add("padding_wrong_side", lambda: _row([p.bottom, p.top, p.right, p.left]))
        add("no_dilation", lambda: _row(list(same_padding(g["in_hw"], g["kernel_hw"], g["stride"], 1))))
        add("no_padding", lambda: _row([0, 0, 0, 0]))
    elif ex_kind == "conv_forward":
        x, w, b, s, p = g["x"], g["w"], g["b"], g["stride"], g["padding"]
        add("flipped_kernel", lambda: convolve2d(x, w, s, p) + b)
        add("no_padding", lambda: correlate2d(x, w, s, 0) + b)
        add("forgot_bias", lambda: correlate2d(x, w, s, p))
        add("transposed_matrix", lambda: answer.T)
        add("one_based_off_by_one", lambda: _off_by_one(lambda xs: correlate2d(xs, w, s, p) + b, x))
    elif ex_kind == "pool_forward":
        x, k, s, p, mode = g["x"], g["kernel"], g["stride"], g["padding"], g["mode"]
        x4 = x[None, None]
        add("no_padding", lambda: pool2d(x4, k, s, 0, mode)[0, 0])
        if mode == "avg":
            # Σ window / (number of real cells) = (sum / k²) / (share of real cells)
            add("avg_excludes_padding",
                lambda: pool2d(x4, k, s, p, "avg")[0, 0] / pool2d(np.ones_like(x4), k, s, p, "avg")[0, 0])
        add("transposed_matrix", lambda: answer.T)
        add("one_based_off_by_one", lambda: _off_by_one(lambda xs: pool2d(xs[None, None], k, s, p, mode)[0, 0], x))
    elif ex_kind == "pool_backward":
        x, dy, k, s, mode = g["x"], g["dy"], g["kernel"], g["stride"], g["mode"]
        add("pool_overwrite", lambda: _pool_overwrite(x, dy, k, s, mode))
        if mode == "max":
            add("ties_to_all", lambda: _ties_to_all(x, dy, k, s))
        add("transposed_matrix", lambda: answer.T)
    elif ex_kind == "conv_input_grad":
        dy, w, s, p, (h, wd) = g["dy"], g["w"], g["stride"], g["padding"], g["x_shape"]
        d4, w4 = dy[None, None], w[None, None]
        add("kernel_not_rotated", lambda: input_gradient_full_conv(d4, (1, 1, h, wd), rot180(w4), s, p)[0, 0])
        if s > 1:
            add("no_zero_insertion", lambda: _crop(full_correlation(dy, rot180(w)), p))
        if p > 0:
            add("no_padding", lambda: conv2d_input_gradient(d4, (1, 1, h + 2 * p, wd + 2 * p), w4, s, 0)[0, 0])
        add("transposed_matrix", lambda: answer.T)
    elif ex_kind == "conv_weight_grad":
        x, dy, s, p = g["x"], g["dy"], g["stride"], g["padding"]
        kernel = _weight_grad_kernel(g)
        add("flipped_kernel", lambda: rot180(answer))
        if p > 0:
            add("no_padding", lambda: correlate2d(x, zero_insert(dy, s)))
        if s > 1:
            add("no_zero_insertion", lambda: correlate2d(pad2d(x, (p, p, p, p)), dy))
        if "w" in g:
            # seed 003 eq. 14: dW_ij = Σ δ_mn out_(i+m, j+n) — the layer's output read where x belongs
            y = correlate2d(x, g["w"], s, p)
            out = np.zeros_like(x)
            rows, cols = min(y.shape[0], x.shape[0]), min(y.shape[1], x.shape[1])
            out[:rows, :cols] = y[:rows, :cols]
            add("output_instead_of_input", lambda: _weight_grad(out, dy, s, p, kernel))
        add("transposed_matrix", lambda: answer.T)
        add("one_based_off_by_one", lambda: _off_by_one(lambda xs: _weight_grad(xs, dy, s, p, kernel), x))
    elif ex_kind == "transposed_output_size":
        n, k, s, p, op, d = (g[name] for name in ("n", "k", "stride", "padding", "output_padding", "dilation"))
        add("no_padding", lambda: _row([conv_transpose_output_shape(n, k, s, 0, op, d)[0]]))
        add("no_dilation", lambda: _row([conv_transpose_output_shape(n, k, s, p, op, 1)[0]]))
    elif ex_kind == "param_count":
        kh, kw = g["kernel_hw"]
        add("forgot_bias", lambda: _row([conv_parameter_count(g["filters"], g["channels"], kh, kw) - g["filters"]]))
    elif ex_kind == "softmax_ce_grad":
        add("softmax_sign", lambda: -answer)
    return v


def _crop(a: np.ndarray, p: int) -> np.ndarray:
    return a[p:a.shape[0] - p, p:a.shape[1] - p] if p else a


def _pool_overwrite(x: np.ndarray, dy: np.ndarray, k: int, s: int, mode: str) -> np.ndarray:
    """Seed 003's loop: each window WRITES its share (dx[cell] = δ) instead of adding it."""
    dx = np.zeros_like(x)
    oh, ow = dy.shape
    if mode == "max":
        winners = max_pool_winners(x[None, None], k, s)[0, 0]
        for i in range(oh):
            for j in range(ow):
                r, c = winners[i, j]
                dx[r, c] = dy[i, j]
    else:
        for i in range(oh):
            for j in range(ow):
                dx[i * s:i * s + k, j * s:j * s + k] = dy[i, j] / (k * k)
    return dx


def _ties_to_all(x: np.ndarray, dy: np.ndarray, k: int, s: int) -> np.ndarray:
    """Every cell equal to its window's maximum gets the window's δ (not only the first)."""
    y = pool2d(x[None, None], k, s, 0, "max")[0, 0]
    dx = np.zeros_like(x)
    for i in range(dy.shape[0]):
        for j in range(dy.shape[1]):
            window = x[i * s:i * s + k, j * s:j * s + k]
            dx[i * s:i * s + k, j * s:j * s + k] += np.where(window == y[i, j], dy[i, j], 0.0)
    return dx


def _weight_grad_kernel(g: Mapping[str, Any]) -> tuple[int, int]:
    """The kernel whose windows exactly cover the padded input: K = H + 2p - (O - 1)s."""
    if "w" in g:
        return tuple(g["w"].shape)  # type: ignore[return-value]
    (h, w), (oh, ow), s, p = g["x"].shape, g["dy"].shape, g["stride"], g["padding"]
    return (h + 2 * p - (oh - 1) * s, w + 2 * p - (ow - 1) * s)


def _weight_grad(x: np.ndarray, dy: np.ndarray, s: int, p: int, kernel: tuple[int, int]) -> np.ndarray:
    return conv2d_backward(dy[None, None], x[None, None], np.zeros((1, 1) + tuple(kernel)), s, p)[1][0, 0]


def _answer(kind: str, g: Mapping[str, Any]) -> np.ndarray:
    if kind == "output_size":
        (nh, nw), (kh, kw) = g["in_hw"], g["kernel_hw"]
        (sh, sw), (ph, pw), (dh, dw) = g["stride"], g["padding"], g["dilation"]
        return _row([conv_output_size(nh, kh, sh, ph, dh), conv_output_size(nw, kw, sw, pw, dw)])
    if kind == "same_padding":
        return _row(list(same_padding(g["in_hw"], g["kernel_hw"], g["stride"], g["dilation"])))
    if kind == "conv_forward":
        return _conv_forward(g)
    if kind == "pool_forward":
        return pool2d(g["x"][None, None], g["kernel"], g["stride"], g["padding"], g["mode"])[0, 0]
    if kind == "pool_backward":
        return pool2d_backward(g["dy"][None, None], g["x"][None, None], g["kernel"], g["stride"], 0, g["mode"])[0, 0]
    if kind == "conv_input_grad":
        return conv2d_input_gradient(g["dy"][None, None], (1, 1) + tuple(g["x_shape"]), g["w"][None, None],
                                     g["stride"], g["padding"])[0, 0]
    if kind == "conv_weight_grad":
        return _weight_grad(g["x"], g["dy"], g["stride"], g["padding"], _weight_grad_kernel(g))
    if kind == "transposed_output_size":
        return _row([conv_transpose_output_shape(g["n"], g["k"], g["stride"], g["padding"], g["output_padding"],
                                                 g["dilation"])[0]])
    if kind == "param_count":
        kh, kw = g["kernel_hw"]
        return _row([conv_parameter_count(g["filters"], g["channels"], kh, kw)])
    return _row(cross_entropy_softmax_grad(g["z"], g["y"]))


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=np.float64)
    a.setflags(write=False)
    return a


# --------------------------------------------------------------------------- the user's own setup
def _check_given(kind: str, given: Mapping[str, Any]) -> dict[str, Any]:
    """The given inputs of ``kind``, checked and normalised (ints, pairs, read-only float arrays)."""
    def need(*names: str) -> None:
        missing = [n for n in names if n not in given]
        if missing:
            raise CoreValueError("missing_given", f"{kind} needs {', '.join(missing)}", names=", ".join(missing))

    g: dict[str, Any] = {}
    if kind == "output_size":
        need("in_hw", "kernel_hw", "stride", "padding", "dilation")
        g["in_hw"] = _pair(given["in_hw"], "input size", 1)
        g["kernel_hw"] = _pair(given["kernel_hw"], "kernel", 1)
        g["stride"] = _pair(given["stride"], "stride", 1)
        g["padding"] = _pair(given["padding"], "padding", 0)
        g["dilation"] = _pair(given["dilation"], "dilation", 1)
    elif kind == "same_padding":
        need("in_hw", "kernel_hw", "stride", "dilation")
        g["in_hw"] = _pair(given["in_hw"], "input size", 1)
        g["kernel_hw"] = _pair(given["kernel_hw"], "kernel", 1)
        g["stride"] = _pair(given["stride"], "stride", 1)
        g["dilation"] = _pair(given["dilation"], "dilation", 1)
    elif kind == "conv_forward":
        need("x", "w", "b", "stride", "padding")
        g["x"], g["w"] = _matrix(given["x"], "x"), _matrix(given["w"], "w")
        b = np.asarray(given["b"], dtype=np.float64).ravel()
        if b.size != 1 or not np.isfinite(b[0]):
            raise CoreValueError("not_finite", "b must be one finite number", name="b", count=1)
        g["b"] = float(b[0])
        g["stride"], g["padding"] = _int(given["stride"], "stride", 1, 6), _int(given["padding"], "padding", 0, 6)
    elif kind == "pool_forward":
        need("x", "kernel", "stride", "padding", "mode")
        g["x"] = _matrix(given["x"], "x")
        g["kernel"], g["stride"] = _int(given["kernel"], "kernel", 1, 6), _int(given["stride"], "stride", 1, 6)
        g["padding"] = _int(given["padding"], "padding", 0, 3)
        g["mode"] = str(given["mode"])
        pool_geometry(g["x"].shape, g["kernel"], g["stride"], g["padding"], g["mode"])
    elif kind == "pool_backward":
        need("x", "dy", "kernel", "stride", "mode")
        g["x"], g["dy"] = _matrix(given["x"], "x"), _matrix(given["dy"], "dy")
        g["kernel"], g["stride"] = _int(given["kernel"], "kernel", 1, 6), _int(given["stride"], "stride", 1, 6)
        g["mode"] = str(given["mode"])
        geo = pool_geometry(g["x"].shape, g["kernel"], g["stride"], 0, g["mode"])
        _same_shape(g["dy"], geo.out_hw, "dy")
    elif kind == "conv_input_grad":
        need("dy", "w", "stride", "padding", "x_shape")
        g["dy"], g["w"] = _matrix(given["dy"], "dy"), _matrix(given["w"], "w")
        g["stride"], g["padding"] = _int(given["stride"], "stride", 1, 6), _int(given["padding"], "padding", 0, 6)
        g["x_shape"] = _pair(given["x_shape"], "x_shape", 1, MAX_SIDE)
        out = tuple(conv_output_size(n, k, g["stride"], g["padding"]) for n, k in zip(g["x_shape"], g["w"].shape))
        _same_shape(g["dy"], out, "dy")
    elif kind == "conv_weight_grad":
        need("x", "dy", "stride", "padding")
        g["x"], g["dy"] = _matrix(given["x"], "x"), _matrix(given["dy"], "dy")
        g["stride"], g["padding"] = _int(given["stride"], "stride", 1, 6), _int(given["padding"], "padding", 0, 6)
        if given.get("w") is not None:
            g["w"] = _matrix(given["w"], "w")
        kernel = _weight_grad_kernel(g)
        if min(kernel) < 1:
            raise CoreValueError("kernel_too_large_noaxis", "dy is too large for x", kernel=max(g["dy"].shape),
                                 padded=min(g["x"].shape) + 2 * g["padding"])
        out = tuple(conv_output_size(n, k, g["stride"], g["padding"]) for n, k in zip(g["x"].shape, kernel))
        _same_shape(g["dy"], out, "dy")
    elif kind == "transposed_output_size":
        need("n", "k", "stride", "padding", "output_padding", "dilation")
        g["n"], g["k"] = _int(given["n"], "input size", 1, 64), _int(given["k"], "kernel", 1, 16)
        g["stride"], g["padding"] = _int(given["stride"], "stride", 1, 8), _int(given["padding"], "padding", 0, 16)
        g["output_padding"] = _int(given["output_padding"], "output padding", 0, 8)
        g["dilation"] = _int(given["dilation"], "dilation", 1, 8)
    elif kind == "param_count":
        need("filters", "channels", "kernel_hw")
        g["filters"] = _int(given["filters"], "filters", 1, 4096)
        g["channels"] = _int(given["channels"], "channels", 1, 4096)
        g["kernel_hw"] = _pair(given["kernel_hw"], "kernel", 1, 64)
    else:
        need("z", "y")
        g["z"], g["y"] = _matrix(given["z"], "z", ndim=1), _matrix(given["y"], "y", ndim=1)
        _same_shape(g["y"], g["z"].shape, "y")
        if not (np.all((g["y"] == 0) | (g["y"] == 1)) and g["y"].sum() == 1):
            raise CoreValueError("not_one_hot", "y must be one-hot (one 1, the rest 0)", name="y")
    return g


def _same_shape(a: np.ndarray, expected: tuple[int, ...], name: str) -> None:
    if tuple(a.shape) != tuple(expected):
        raise CoreValueError("bad_shape", f"{name} must have shape {tuple(expected)}, got {a.shape}",
                             name=name, expected=str(tuple(expected)), got=str(a.shape))


def exercise_from(kind: str, **given: Any) -> Exercise:
    """The user's own setup ("check my work"): ``given`` keys as in :data:`KINDS`' table.

    ``conv_weight_grad`` also takes an optional ``w`` (the layer's weights, which fixes the
    kernel size and lets the grader recognise dW built from the layer's output).

    Raises
    ------
    ValueError (CoreValueError)
        ``bad_exercise_kind``, ``missing_given``, ``bad_shape``, ``not_finite``, ``not_one_hot``
        and the core's own argument errors (``kernel_too_large``, ``bad_mode``, ...).
    """
    kind = _kind(kind)
    g = _check_given(kind, given)
    return Exercise(kind=kind, seed=-1, level=0, given=MappingProxyType(g), answer=_frozen(_answer(kind, g)))


# --------------------------------------------------------------------------- generated exercises
def _ints(rng: np.random.Generator, shape, lo: int, hi: int) -> np.ndarray:
    return rng.integers(lo, hi + 1, size=shape).astype(np.float64)


def _generate(kind: str, level: int, rng: np.random.Generator) -> dict[str, Any]:
    """Random given inputs of ``kind`` at ``level`` (small integers; harder settings at higher levels)."""
    r = lambda lo, hi: int(rng.integers(lo, hi + 1))  # noqa: E731
    if kind == "output_size":
        if level == 1:
            n, k, s, p, d = r(4, 8), r(2, 3), 1, 0, 1
            return dict(in_hw=(n, n), kernel_hw=(k, k), stride=s, padding=p, dilation=d)
        if level == 2:
            return dict(in_hw=(r(5, 12), r(5, 12)), kernel_hw=(3, 3), stride=r(1, 3), padding=r(0, 2), dilation=1)
        return dict(in_hw=(r(6, 16), r(6, 16)), kernel_hw=(r(2, 3), r(2, 3)), stride=r(2, 3), padding=r(0, 2),
                    dilation=2)
    if kind == "same_padding":
        if level == 1:
            return dict(in_hw=(r(4, 8), r(4, 8)), kernel_hw=(3, 3), stride=1, dilation=1)
        if level == 2:
            return dict(in_hw=(r(4, 9), r(4, 9)), kernel_hw=(r(2, 4), r(2, 4)), stride=r(1, 2), dilation=1)
        return dict(in_hw=(r(5, 12), r(5, 12)), kernel_hw=(r(2, 3), r(2, 3)), stride=r(1, 3), dilation=2)
    if kind == "conv_forward":
        if level == 1:
            n, k, s, p = r(3, 4), 2, 1, 0
        elif level == 2:
            n, k, s, p = r(3, 5), r(2, 3), 1, 1
        else:
            n, k, s, p = 5, 3, 2, r(0, 1)
        return dict(x=_ints(rng, (n, n), -2, 3), w=_ints(rng, (k, k), -1, 2), b=float(r(-2, 2)), stride=s, padding=p)
    if kind == "pool_forward":
        mode = ("max", "avg")[r(0, 1)]
        if level == 1:
            n, k, s, p = 4, 2, 2, 0
        elif level == 2:
            n, k, s, p = r(4, 5), 2, 2, 1
        else:
            n, k, s, p = 5, 3, 2, 1
        lo = 0 if mode == "avg" else -4
        return dict(x=_ints(rng, (n, n), lo, 8), kernel=k, stride=s, padding=p, mode=mode)
    if kind == "pool_backward":
        mode = ("max", "avg")[r(0, 1)] if level < 3 else ("max", "max", "avg")[r(0, 2)]
        if level == 1:
            n, k, s = 4, 2, 2
        elif level == 2:
            n, k, s = 6, 2, 2
        else:
            n, k, s = 5, 3, 2  # overlapping windows
        x = _ints(rng, (n, n), 0, 4 if level == 3 else 9)  # few values at level 3: ties
        out = (n - k) // s + 1
        return dict(x=x, dy=_ints(rng, (out, out), 1, 4 if mode == "max" else 8),
                    kernel=k, stride=s, mode=mode)
    if kind == "conv_input_grad":
        if level == 1:
            h, k, s, p = 3, 2, 1, 0
        elif level == 2:
            h, k, s, p = 4, 2, 1, r(0, 1)
        else:
            h, k, s, p = 5, 3, 2, r(0, 1)
        out = conv_output_size(h, k, s, p)
        return dict(dy=_ints(rng, (out, out), -2, 3), w=_ints(rng, (k, k), -1, 2), stride=s, padding=p,
                    x_shape=(h, h))
    if kind == "conv_weight_grad":
        if level == 1:
            h, k, s, p = 3, 2, 1, 0
        elif level == 2:
            h, k, s, p = 4, 2, 1, 1
        else:
            h, k, s, p = 5, 3, 2, r(0, 1)
        out = conv_output_size(h, k, s, p)
        return dict(x=_ints(rng, (h, h), -2, 3), dy=_ints(rng, (out, out), -2, 2), stride=s, padding=p,
                    w=_ints(rng, (k, k), -1, 2))
    if kind == "transposed_output_size":
        if level == 1:
            return dict(n=r(2, 6), k=r(2, 4), stride=1, padding=0, output_padding=0, dilation=1)
        if level == 2:
            s = r(2, 3)
            return dict(n=r(2, 8), k=r(2, 4), stride=s, padding=r(0, 1), output_padding=r(0, s - 1), dilation=1)
        s = r(2, 3)
        return dict(n=r(3, 10), k=r(2, 4), stride=s, padding=r(1, 2), output_padding=r(0, s - 1), dilation=r(2, 3))
    if kind == "param_count":
        if level == 1:
            return dict(filters=r(1, 4), channels=1, kernel_hw=(3, 3))
        if level == 2:
            return dict(filters=r(2, 16), channels=r(2, 8), kernel_hw=(r(1, 5), r(1, 5)))
        return dict(filters=int(rng.choice([16, 32, 64, 128])), channels=int(rng.choice([3, 16, 32, 64])),
                    kernel_hw=(int(rng.choice([1, 3, 5, 7])), int(rng.choice([1, 3, 5, 7]))))
    k = 2 + level
    z = _ints(rng, (k,), -2, 2) if level < 3 else np.round(rng.uniform(-2, 2, size=k), 1)
    y = np.zeros(k)
    y[r(0, k - 1)] = 1.0
    return dict(z=z, y=y)


def make_exercise(kind: str, seed: int, level: int = 1) -> Exercise:
    """A generated exercise, deterministic in (kind, seed, level): one link, one exercise.

    Raises ``bad_exercise_kind``, ``bad_exercise_level`` (not 1..3) or ``out_of_range`` (seed
    outside 0..MAX_SEED).
    """
    kind = _kind(kind)
    if isinstance(level, bool) or not isinstance(level, numbers.Integral) or int(level) not in LEVELS:
        raise CoreValueError("bad_exercise_level", f"level must be 1, 2 or 3, got {level!r}", value=repr(level)[:40])
    seed = _int(seed, "seed", 0, MAX_SEED)
    rng = np.random.default_rng([seed, int(level), KINDS.index(kind)])
    g = _check_given(kind, _generate(kind, int(level), rng))
    return Exercise(kind=kind, seed=seed, level=int(level), given=MappingProxyType(g), answer=_frozen(_answer(kind, g)))


# --------------------------------------------------------------------------- grading
def _close(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(a - b) <= ATOL + RTOL * np.abs(b)


def _as_submission(submitted: object, answer: np.ndarray) -> np.ndarray:
    try:
        a = np.array(submitted, dtype=np.float64)
    except (TypeError, ValueError):
        raise CoreValueError("bad_answer", "the answer must be numbers", name="answer") from None
    if a.ndim == 0:
        a = a.reshape(1, 1)
    elif a.ndim == 1 or (a.ndim == 2 and answer.shape[0] == 1 and a.shape[1] == 1):
        a = a.reshape(1, -1)  # a vector answer typed as a column is still that vector
    if a.ndim != 2 or a.size == 0:
        raise CoreValueError("bad_answer", f"the answer must be a matrix, got shape {a.shape}", name="answer")
    if max(a.shape) > 4 * MAX_SIDE:
        raise CoreValueError("matrix_too_large", "the answer is too large", rows=a.shape[0], cols=a.shape[1],
                             max_rows=4 * MAX_SIDE, max_cols=4 * MAX_SIDE)
    if not np.all(np.isfinite(a)):
        raise CoreValueError("not_finite", "the answer has NaN or infinite entries", name="answer",
                             count=int((~np.isfinite(a)).sum()))
    return a


def check_answer(exercise: Exercise, submitted: object) -> Grade:
    """Grade ``submitted`` against ``exercise.answer`` and name the mistakes that explain it.

    A cell is right when it is within 0.01 (+0.1 %) of the answer. Each mistake variant is
    compared with the submission: same shape -> the share of the submission's wrong cells it
    reproduces (named when >= 1/2, and only if the submission also follows at least half of the
    cells the mistake changes: one coincidental cell names nothing); another shape -> named only if
    it reproduces every cell.
    Ranked by that share, then by how many cells it reproduces, then in :data:`MISTAKES` order.
    """
    answer = np.asarray(exercise.answer, dtype=np.float64)
    sub = _as_submission(submitted, answer)
    variants = _variants(exercise.kind, exercise.given, answer)
    if sub.shape == answer.shape:
        cells = _close(sub, answer)
        wrong_mask = ~cells
        correct = bool(cells.all())
    else:
        cells, wrong_mask, correct = None, None, False
    scored: list[tuple[float, float, int, str]] = []
    if not correct:
        for code, arrays in variants.items():
            best = (0.0, 0.0)
            for variant in arrays:
                if variant.shape != sub.shape:
                    continue
                if variant.shape == answer.shape and np.all(_close(variant, answer)):
                    continue  # the mistake changes nothing here
                match = _close(sub, variant)
                if wrong_mask is not None:
                    changed = ~_close(variant, answer)
                    if changed.any() and match[changed].mean() < MOST:
                        continue  # the submission keeps most cells this mistake would change: not this mistake
                    share = float(match[wrong_mask].mean())
                else:
                    share = 1.0 if match.all() else 0.0
                best = max(best, (share, float(match.mean())))
            if best[0] >= MOST:
                scored.append((-best[0], -best[1], MISTAKES.index(code), code))
    scored.sort()
    wrong = tuple((int(r), int(c)) for r, c in zip(*np.nonzero(wrong_mask))) if wrong_mask is not None else ()
    terms = tuple(explain_cell(exercise, cell) for cell in wrong[:MAX_SIDE * MAX_SIDE])
    expected = _frozen(answer)
    return Grade(correct=correct, cells=None if cells is None else _frozen_bool(cells),
                 mistakes=tuple(s[3] for s in scored), expected=expected, submitted=_frozen(sub),
                 wrong=wrong, terms=terms, explained=tuple(-s[0] for s in scored))


def _frozen_bool(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=bool)
    a.setflags(write=False)
    return a


def mistake_variants(exercise: Exercise) -> dict[str, list[np.ndarray]]:
    """The mistaken answers the grader compares with, by code (for tests and teachers)."""
    return _variants(exercise.kind, exercise.given, np.asarray(exercise.answer, dtype=np.float64))


# --------------------------------------------------------------------------- cell terms (worked solutions)
def explain_cell(exercise: Exercise, cell: tuple[int, int]) -> CellTerms:
    """How the right value of answer cell ``cell`` (0-based) is made, term by term."""
    g, kind = exercise.given, exercise.kind
    r, c = int(cell[0]), int(cell[1])
    value = float(exercise.answer[r, c])
    if kind in _SIZE_KINDS:
        return CellTerms((r, c), value, "formula")
    if kind == "softmax_ce_grad":
        a = softmax(g["z"])
        return CellTerms((r, c), value, "difference",
                         (Term("a", (c,), float(a[c]), "y", (c,), float(g["y"][c])),))
    if kind == "conv_forward":
        x, w, s, p = g["x"], g["w"], g["stride"], g["padding"]
        terms = []
        for a in range(w.shape[0]):
            for q in range(w.shape[1]):
                row, col = r * s + a - p, c * s + q - p
                if 0 <= row < x.shape[0] and 0 <= col < x.shape[1]:
                    terms.append(Term("x", (row, col), float(x[row, col]), "w", (a, q), float(w[a, q])))
        return CellTerms((r, c), value, "sum", tuple(terms), bias=float(g["b"]))
    if kind == "pool_forward":
        x, k, s, p, mode = g["x"], g["kernel"], g["stride"], g["padding"], g["mode"]
        terms = []
        for a in range(k):
            for q in range(k):
                row, col = r * s + a - p, c * s + q - p
                inside = 0 <= row < x.shape[0] and 0 <= col < x.shape[1]
                if inside:
                    terms.append(Term("x", (row, col), float(x[row, col])))
                elif mode == "avg":
                    terms.append(Term("x", None, 0.0))
        return CellTerms((r, c), value, mode, tuple(terms), divisor=float(k * k) if mode == "avg" else None)
    if kind == "pool_backward":
        x, dy, k, s, mode = g["x"], g["dy"], g["kernel"], g["stride"], g["mode"]
        terms = []
        winners = max_pool_winners(x[None, None], k, s)[0, 0] if mode == "max" else None
        for i in range(dy.shape[0]):
            for j in range(dy.shape[1]):
                inside = i * s <= r < i * s + k and j * s <= c < j * s + k
                if not inside or (winners is not None and tuple(winners[i, j]) != (r, c)):
                    continue
                terms.append(Term("dy", (i, j), float(dy[i, j]), None, None, 1.0 if mode == "max" else 1 / (k * k)))
        return CellTerms((r, c), value, "sum", tuple(terms))
    if kind == "conv_input_grad":
        dy, w, s, p = g["dy"], g["w"], g["stride"], g["padding"]
        terms = []
        for i in range(dy.shape[0]):
            for j in range(dy.shape[1]):
                a, q = r + p - i * s, c + p - j * s
                if 0 <= a < w.shape[0] and 0 <= q < w.shape[1]:
                    terms.append(Term("dy", (i, j), float(dy[i, j]), "w", (a, q), float(w[a, q])))
        return CellTerms((r, c), value, "sum", tuple(terms))
    # conv_weight_grad
    x, dy, s, p = g["x"], g["dy"], g["stride"], g["padding"]
    terms = []
    for i in range(dy.shape[0]):
        for j in range(dy.shape[1]):
            row, col = i * s + r - p, j * s + c - p
            if 0 <= row < x.shape[0] and 0 <= col < x.shape[1]:
                terms.append(Term("dy", (i, j), float(dy[i, j]), "x", (row, col), float(x[row, col])))
    return CellTerms((r, c), value, "sum", tuple(terms))


def solution_terms(exercise: Exercise) -> tuple[CellTerms, ...]:
    """:func:`explain_cell` for every answer cell, row by row (the worked solution)."""
    rows, cols = exercise.answer.shape
    return tuple(explain_cell(exercise, (r, c)) for r in range(rows) for c in range(cols))
