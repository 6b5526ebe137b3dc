"""Ready-made kernels and inputs: the classic image filters and a few test pictures.

Pure data and functions (NumPy only). Every preset is built for a requested size
``(rows, cols)`` where that makes sense; :func:`kernel_preset_shape` says which size a
preset will actually use (e.g. Sobel needs an odd width of at least 3 along the axis it
differentiates).

Kernels are written for **cross-correlation** (``⋆``, what ``conv2d`` and every library
compute), so ``sobel_x`` is positive on a dark-to-bright edge read left to right:

>>> kernel_preset("sobel_x", (3, 3)).astype(int).tolist()
[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
>>> kernel_preset("gaussian", (3, 3)) * 16
array([[1., 2., 1.],
       [2., 4., 2.],
       [1., 2., 1.]])

Random presets draw integers from ``np.random.default_rng(seed)`` so a random setup is
reproducible from its seed (and therefore shareable as a link).
"""

from __future__ import annotations

from math import comb
from typing import Sequence

import numpy as np

from .errors import CoreValueError

__all__ = [
    "KERNEL_PRESETS",
    "INPUT_PRESETS",
    "WEIGHT_PRESETS",
    "RANDOM_KERNEL_RANGE",
    "RANDOM_INPUT_RANGE",
    "kernel_preset",
    "kernel_preset_shape",
    "input_preset",
    "input_preset_fits",
    "weight_preset",
    "binomial_row",
    "DIGIT_GLYPHS",
]

#: Kernel presets in menu order.
KERNEL_PRESETS: tuple[str, ...] = ("identity", "sobel_x", "sobel_y", "prewitt_x", "prewitt_y", "laplacian",
                                   "mean", "gaussian", "sharpen", "random")
#: Weight-matrix presets (a dense layer's W, not a filter) in menu order.
WEIGHT_PRESETS: tuple[str, ...] = ("identity", "random")
#: Input presets in menu order.
INPUT_PRESETS: tuple[str, ...] = ("checkerboard", "diagonal_edge", "digit", "random")
#: Inclusive integer range of random kernels and random inputs.
RANDOM_KERNEL_RANGE: tuple[int, int] = (-2, 2)
RANDOM_INPUT_RANGE: tuple[int, int] = (0, 9)
#: Largest side any preset is built for (the app caps matrices at 12×12).
MAX_SIDE = 32

# The 3×3 Laplacian (4-neighbour); sharpen = identity − Laplacian.
_LAPLACIAN_3 = np.array([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]])

#: 5×3 bitmaps of the digits 0–9 ("#" = 1).
DIGIT_GLYPHS: dict[int, tuple[str, ...]] = {
    0: ("###", "#.#", "#.#", "#.#", "###"),
    1: (".#.", "##.", ".#.", ".#.", "###"),
    2: ("###", "..#", "###", "#..", "###"),
    3: ("###", "..#", ".##", "..#", "###"),
    4: ("#.#", "#.#", "###", "..#", "..#"),
    5: ("###", "#..", "###", "..#", "###"),
    6: ("###", "#..", "###", "#.#", "###"),
    7: ("###", "..#", ".#.", ".#.", ".#."),
    8: ("###", "#.#", "###", "#.#", "###"),
    9: ("###", "#.#", "###", "..#", "###"),
}
_GLYPH_SHAPE = (5, 3)


def _shape(shape: int | Sequence[int], name: str = "size") -> tuple[int, int]:
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (int(shape), int(shape))
    try:
        rows, cols = (int(v) for v in shape)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise CoreValueError("bad_pair", f"{name} must be one number or a pair, got {shape!r}",
                             name=name, value=str(shape)) from None
    for v in (rows, cols):
        if not 1 <= v <= MAX_SIDE:
            raise CoreValueError("out_of_range", f"{name} {v} is out of range 1..{MAX_SIDE}",
                                 name=name, value=v, limit=MAX_SIDE)
    return rows, cols


def _unknown(name: str, allowed: Sequence[str]) -> CoreValueError:
    return CoreValueError("bad_mode", f"unknown preset {name!r}; use one of {', '.join(allowed)}",
                          name="preset", value=str(name)[:30], allowed=", ".join(allowed))


def binomial_row(n: int) -> np.ndarray:
    """Row ``n - 1`` of Pascal's triangle, length ``n``: ``binomial_row(3) == [1, 2, 1]``."""
    return np.array([comb(n - 1, i) for i in range(n)], dtype=np.float64)


def _derivative(n: int) -> np.ndarray:
    """Sobel's derivative along an odd length n ≥ 3: binomial(n−2) ∗ [−1, 0, 1] (5 -> [−1,−2,0,2,1])."""
    return np.convolve(binomial_row(n - 2), [-1.0, 0.0, 1.0])


def _odd_at_least_3(n: int) -> int:
    n = max(n, 3)
    return n if n % 2 else n + 1


def kernel_preset_shape(name: str, wanted: int | Sequence[int]) -> tuple[int, int]:
    """The size ``kernel_preset(name, wanted)`` builds: ``wanted`` when the preset exists for it.

    Otherwise the nearest size it does exist for: an axis that must be odd and at least 3
    (the centre of identity-free filters, the derivative of Sobel/Prewitt) is rounded up
    to the next odd number ≥ 3, e.g. ``kernel_preset_shape("sobel_x", (2, 2)) == (2, 3)``
    and ``kernel_preset_shape("laplacian", (2, 4)) == (3, 5)``.
    """
    rows, cols = _shape(wanted)
    if name not in KERNEL_PRESETS:
        raise _unknown(name, KERNEL_PRESETS)
    if name in ("sobel_x", "prewitt_x"):
        return rows, _odd_at_least_3(cols)
    if name in ("sobel_y", "prewitt_y"):
        return _odd_at_least_3(rows), cols
    if name in ("laplacian", "sharpen"):
        return _odd_at_least_3(rows), _odd_at_least_3(cols)
    return rows, cols


def _centred(small: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    out = np.zeros(shape)
    r0, c0 = (shape[0] - small.shape[0]) // 2, (shape[1] - small.shape[1]) // 2
    out[r0:r0 + small.shape[0], c0:c0 + small.shape[1]] = small
    return out


def kernel_preset(name: str, size: int | Sequence[int] = 3, *, seed: int = 0) -> np.ndarray:
    """A classic filter as a float64 matrix of shape ``kernel_preset_shape(name, size)``.

    Parameters
    ----------
    name : one of :data:`KERNEL_PRESETS`
        ``identity``
            1 at the centre ``((rows−1)//2, (cols−1)//2)``, 0 elsewhere (for an even side
            the centre is the upper/left one of the middle two).
        ``sobel_x`` / ``sobel_y``
            smoothing ⊗ derivative: the binomial row along the other axis (``[1, 2, 1]``)
            times ``binomial(n−2) ∗ [−1, 0, 1]`` along x (columns) / y (rows):
            3 -> ``[−1, 0, 1]``, 5 -> ``[−1, −2, 0, 2, 1]`` (OpenCV's 5×5 Sobel).
        ``prewitt_x`` / ``prewitt_y``
            ones along the other axis times ``[−m, …, 0, …, m]`` (m = n // 2).
        ``laplacian``
            ``[[0,1,0],[1,−4,1],[0,1,0]]`` in the centre, zeros around for larger sizes.
        ``mean``
            every entry ``1/(rows·cols)``.
        ``gaussian``
            binomial approximation of a Gaussian: ``outer(binomial(rows), binomial(cols))``
            normalised to sum 1 (3×3 -> ``[[1,2,1],[2,4,2],[1,2,1]]/16``).
        ``sharpen``
            identity − Laplacian: ``[[0,−1,0],[−1,5,−1],[0,−1,0]]`` in the centre.
        ``random``
            integers in :data:`RANDOM_KERNEL_RANGE` (inclusive) from ``default_rng(seed)``.
    size : int or (rows, cols)
    seed : int
        Only used by ``random``.

    Returns
    -------
    np.ndarray, shape (rows, cols), float64
    """
    rows, cols = kernel_preset_shape(name, size)
    if name == "identity":
        out = np.zeros((rows, cols))
        out[(rows - 1) // 2, (cols - 1) // 2] = 1.0
        return out
    if name == "sobel_x":
        return np.outer(binomial_row(rows), _derivative(cols))
    if name == "sobel_y":
        return np.outer(_derivative(rows), binomial_row(cols))
    if name == "prewitt_x":
        return np.outer(np.ones(rows), np.arange(cols, dtype=float) - cols // 2)
    if name == "prewitt_y":
        return np.outer(np.arange(rows, dtype=float) - rows // 2, np.ones(cols))
    if name == "laplacian":
        return _centred(_LAPLACIAN_3, (rows, cols))
    if name == "sharpen":
        return _centred(np.pad(np.ones((1, 1)), 1) - _LAPLACIAN_3, (rows, cols))
    if name == "mean":
        return np.full((rows, cols), 1.0 / (rows * cols))
    if name == "gaussian":
        g = np.outer(binomial_row(rows), binomial_row(cols))
        return g / g.sum()
    lo, hi = RANDOM_KERNEL_RANGE
    return _random_integers(seed, (rows, cols), lo, hi)


def weight_preset(name: str, shape: int | Sequence[int], *, seed: int = 0) -> np.ndarray:
    """A dense layer's weight matrix of exactly ``shape`` (rows = units out, cols = units in).

    ``identity`` is ``np.eye(rows, cols)`` (unit i passes input i through: the identity *map*, not the
    centred identity *filter* of :func:`kernel_preset`); ``random`` draws integers in
    :data:`RANDOM_KERNEL_RANGE` from ``default_rng(seed)``.

    Returns
    -------
    np.ndarray, shape (rows, cols), float64
    """
    rows, cols = _shape(shape, "shape")
    if name not in WEIGHT_PRESETS:
        raise _unknown(name, WEIGHT_PRESETS)
    if name == "identity":
        return np.eye(rows, cols)
    lo, hi = RANDOM_KERNEL_RANGE
    return _random_integers(seed, (rows, cols), lo, hi)


def _random_integers(seed: int, shape: tuple[int, int], lo: int, hi: int) -> np.ndarray:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise CoreValueError("negative", f"seed must be a whole number >= 0, got {seed!r}", name="seed",
                             value=str(seed)[:20])
    rng = np.random.default_rng(int(seed))
    return rng.integers(lo, hi, size=shape, endpoint=True).astype(np.float64)


def input_preset_fits(name: str, shape: int | Sequence[int]) -> bool:
    """Whether :func:`input_preset` can draw ``name`` at ``shape`` (the digit needs 5×3 at least)."""
    rows, cols = _shape(shape, "shape")
    if name not in INPUT_PRESETS:
        raise _unknown(name, INPUT_PRESETS)
    if name == "digit":
        return rows >= _GLYPH_SHAPE[0] and cols >= _GLYPH_SHAPE[1]
    return True


def input_preset(name: str, shape: int | Sequence[int], *, seed: int = 0, digit: int = 3) -> np.ndarray:
    """A test picture as a float64 matrix of exactly ``shape``.

    Parameters
    ----------
    name : one of :data:`INPUT_PRESETS`
        ``checkerboard``
            ``x[i, j] = (i + j) mod 2`` with 0-based i, j: 0 in the top-left corner.
        ``diagonal_edge``
            1 on and below the main diagonal, 0 above it: ``x[i, j] = 1 if j·rows ≤ i·cols``
            (the diagonal from the top-left to the bottom-right corner, also for non-square shapes).
        ``digit``
            the 5×3 glyph of ``digit`` (:data:`DIGIT_GLYPHS`) scaled by the largest whole
            factor that fits and centred; needs ``shape ≥ (5, 3)``.
        ``random``
            integers in :data:`RANDOM_INPUT_RANGE` (inclusive) from ``default_rng(seed)``.
    shape : int or (rows, cols)

    Returns
    -------
    np.ndarray, shape (rows, cols), float64
    """
    rows, cols = _shape(shape, "shape")
    if not input_preset_fits(name, (rows, cols)):
        raise CoreValueError("preset_too_small", f"the digit glyph needs at least 5x3, got {rows}x{cols}",
                             rows=rows, cols=cols, min_rows=_GLYPH_SHAPE[0], min_cols=_GLYPH_SHAPE[1])
    i, j = np.indices((rows, cols))
    if name == "checkerboard":
        return ((i + j) % 2).astype(np.float64)
    if name == "diagonal_edge":
        return (j * rows <= i * cols).astype(np.float64)
    if name == "digit":
        if digit not in DIGIT_GLYPHS:
            raise CoreValueError("out_of_range", f"digit {digit!r} is out of range 0..9", name="digit",
                                 value=str(digit)[:20], limit=9)
        glyph = np.array([[ch == "#" for ch in row] for row in DIGIT_GLYPHS[digit]], dtype=np.float64)
        factor = min(rows // _GLYPH_SHAPE[0], cols // _GLYPH_SHAPE[1])
        return _centred(np.kron(glyph, np.ones((factor, factor))), (rows, cols))
    lo, hi = RANDOM_INPUT_RANGE
    return _random_integers(seed, (rows, cols), lo, hi)
