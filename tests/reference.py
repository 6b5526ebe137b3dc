"""Loop references the tests compare the app with: each one the definition written out as plain Python loops over
NumPy arrays, one output cell at a time, so that it is right by construction (tests/test_reference.py checks it on
hand-worked examples).

Independent of the code under test: nothing here imports ``cnn_core`` or ``ui`` (a test compared with the code it
tests would pass whatever the code did). Zero padding is never built as an array: a tap that falls on a padded cell
reads 0 (cross-correlation, average pooling) or is skipped (max pooling).

Conventions: ``stride`` and ``dilation`` are an int or a pair (rows, columns); ``padding`` an int, a pair
(rows, columns: the same on both sides) or four sides (top, bottom, left, right). Indices are 0-based.
"""

from __future__ import annotations

import numpy as np


def _pair(v) -> tuple[int, int]:
    return (int(v), int(v)) if np.ndim(v) == 0 else (int(v[0]), int(v[1]))


def _sides(padding) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) of an int, a pair (rows, columns) or four sides."""
    if np.ndim(padding) == 0:
        return (int(padding),) * 4
    if len(padding) == 2:
        return int(padding[0]), int(padding[0]), int(padding[1]), int(padding[1])
    top, bottom, left, right = padding
    return int(top), int(bottom), int(left), int(right)


def window_taps(n: int, k: int, stride: int = 1, before: int = 0, after: int = 0, dilation: int = 1) -> list[list[int]]:
    """The windows along one axis, by trying every start: n cells with ``before`` and ``after`` zeros around
    (n + before + after padded cells, 0-based padded coordinates); a window starting at t (t = 0, S, 2S, ...)
    taps t, t + D, ..., t + D·(k − 1) and counts while its last tap is inside.

    Returns one list of k taps per window (its length is the output size along the axis).
    """
    padded = n + before + after
    windows = []
    for start in range(0, padded, stride):
        taps = [start + t * dilation for t in range(k)]
        if taps[-1] < padded:
            windows.append(taps)
    return windows


def window_starts(n: int, k: int, stride: int = 1, before: int = 0, after: int = 0, dilation: int = 1) -> list[int]:
    """The first tap (padded coordinates) of every window of :func:`window_taps`."""
    return [taps[0] for taps in window_taps(n, k, stride, before, after, dilation)]


def correlate(x, w, stride=1, padding=0, dilation=1) -> np.ndarray:
    """Cross-correlation x ⋆ w of one channel (no kernel flip, no bias):

        y[i, j] = Σ_a Σ_b x̂[i·Sh + a·Dh, j·Sw + b·Dw] · w[a, b],   x̂ = x with zeros around (``padding``)

    x (H, W), w (KH, KW) -> y (OH, OW), OH and OW the numbers of windows that fit (:func:`window_taps`).
    """
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    (h, wd), (kh, kw) = x.shape, w.shape
    (sh, sw), (dh, dw) = _pair(stride), _pair(dilation)
    top, bottom, left, right = _sides(padding)
    rows = window_taps(h, kh, sh, top, bottom, dh)
    cols = window_taps(wd, kw, sw, left, right, dw)
    y = np.zeros((len(rows), len(cols)))
    for i, row_taps in enumerate(rows):
        for j, col_taps in enumerate(cols):
            total = 0.0
            for a, r in enumerate(row_taps):
                for b, c in enumerate(col_taps):
                    r_in, c_in = r - top, c - left          # on the unpadded input
                    if 0 <= r_in < h and 0 <= c_in < wd:
                        total += x[r_in, c_in] * w[a, b]
            y[i, j] = total
    return y


def pool(x, kernel, stride, padding=0, mode: str = "max") -> np.ndarray:
    """Max or average pooling of one channel over KH×KW windows, with zero padding:

        y[i, j] = max of the real cells of window (i, j)        (mode "max": a padded cell never wins)
        y[i, j] = (sum of the real cells of window (i, j)) / (KH·KW)   (mode "avg": padded cells count as 0)

    x (H, W) -> y (OH, OW); ``kernel`` an int or a pair.
    """
    x = np.asarray(x, dtype=float)
    h, wd = x.shape
    (kh, kw), (sh, sw) = _pair(kernel), _pair(stride)
    top, bottom, left, right = _sides(padding)
    rows = window_taps(h, kh, sh, top, bottom)
    cols = window_taps(wd, kw, sw, left, right)
    y = np.zeros((len(rows), len(cols)))
    for i, row_taps in enumerate(rows):
        for j, col_taps in enumerate(cols):
            values = [x[r - top, c - left] for r in row_taps for c in col_taps
                      if 0 <= r - top < h and 0 <= c - left < wd]
            if mode == "max":
                y[i, j] = max(values)
            elif mode == "avg":
                y[i, j] = sum(values) / (kh * kw)
            else:
                raise ValueError(f"mode {mode!r}: 'max' or 'avg'")
    return y


def correlate_channels(x, w, b=None, stride=1, padding=0, dilation=1) -> np.ndarray:
    """A convolution layer on one sample: every filter's channel cross-correlations added up, plus its bias,

        y[f] = Σ_c x[c] ⋆ w[f, c] + b[f]

    x (C, H, W), w (F, C, KH, KW), b (F,) or None -> y (F, OH, OW).
    """
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    out = []
    for f in range(w.shape[0]):
        total = correlate(x[0], w[f, 0], stride, padding, dilation)
        for c in range(1, x.shape[0]):
            total = total + correlate(x[c], w[f, c], stride, padding, dilation)
        out.append(total + (0.0 if b is None else float(b[f])))
    return np.array(out)
