"""Padding cell-stepper payload (pure): every kernel position against a loop over the padded input."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_core.arithmetic import axis_arithmetic, padded_grid, resolve_padding
from ui.components.padding_steppers import footprint_steps
from ui.i18n import translate

from tests.reference import window_taps


def tr(key, **params):
    return translate("en", key, **params)


def loop_windows(n_hw, k_hw, s_hw, d_hw, pad):
    """Reference: slide the dilated kernel over the padded input by hand (tests/reference.py's windows along each
    axis); per output cell its taps (padded coordinates), and the padded size."""
    (nh, nw), (top, bottom, left, right) = n_hw, pad
    rows = window_taps(nh, k_hw[0], s_hw[0], top, bottom, d_hw[0])
    cols = window_taps(nw, k_hw[1], s_hw[1], left, right, d_hw[1])
    out = {(i, j): {(r, c) for r in row_taps for c in col_taps}
           for i, row_taps in enumerate(rows) for j, col_taps in enumerate(cols)}
    return out, (nh + top + bottom, nw + left + right)


@pytest.mark.parametrize("n_hw, k_hw, s_hw, d_hw, mode", [
    ((5, 5), (3, 3), (2, 2), (1, 1), 1), ((7, 6), (3, 2), (3, 1), (2, 1), "valid"),
    ((6, 5), (3, 3), (2, 2), (1, 1), "same"), ((4, 5), (2, 3), (1, 2), (1, 2), "full")])
def test_every_position_taps_counts_and_edges_equal_the_loop(n_hw, k_hw, s_hw, d_hw, mode):
    pad = resolve_padding(mode if isinstance(mode, str) else (mode, mode), n_hw, k_hw, s_hw, d_hw)
    ah = axis_arithmetic(n_hw[0], k_hw[0], s_hw[0], pad.height, d_hw[0])
    aw = axis_arithmetic(n_hw[1], k_hw[1], s_hw[1], pad.width, d_hw[1])
    g = padded_grid(n_hw, pad, ah, aw)
    data = footprint_steps(g, ah, aw, tr)
    windows, (hp, wp) = loop_windows(n_hw, k_hw, s_hw, d_hw, (pad.top, pad.bottom, pad.left, pad.right))
    oh, ow = max(i for i, _ in windows) + 1, max(j for _, j in windows) + 1
    assert data["shape"] == [1, oh, ow] and len(data["cells"]) == len(windows)
    real = np.zeros((hp, wp), dtype=bool)
    real[pad.top:pad.top + n_hw[0], pad.left:pad.left + n_hw[1]] = True
    counts = np.zeros((hp, wp))
    for taps in windows.values():
        for r, c in taps:
            counts[r, c] += 1
    padded_view, output = data["grids"]
    assert np.array(padded_view["values"]).tolist() == counts.tolist()
    assert padded_view["mask"] is None if real.all() else np.array(padded_view["mask"]).tolist() == (~real).tolist()
    never = real & (counts == 0)
    assert (padded_view["won"] is None) if not never.any() else np.array(padded_view["won"]).tolist() == never.tolist()
    for k, cell in enumerate(data["cells"]):
        i, j = divmod(k, ow)
        taps = windows[(i, j)]
        marked = {(r, c) for _, r0, c0, r1, c1 in cell["marks"] for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        assert marked == taps
        n_real = sum(real[r, c] for r, c in taps)
        assert output["values"][i][j] == n_real
        assert tr("padding.cs_taps_note", taps=len(taps), real=n_real, zeros=len(taps) - n_real) in cell["html"]
        # the window's edges (1-based padded rows / columns), each the result of its equation
        rows, cols = sorted({r for r, _ in taps}), sorted({c for _, c in taps})
        results = [int(part.rsplit("= ", 1)[1]) for part in cell["aria"].split("; ")]
        assert results == [rows[0] + 1, rows[-1] + 1, cols[0] + 1, cols[-1] + 1]
        assert cell["label"] == f"o{chr(0x2080 + i + 1)}{chr(0x2080 + j + 1)}"


@pytest.mark.parametrize("cell, shown, clamped", [
    ((1, 1), (1, 1), False), ((2, 3), (2, 3), False), ((3, 3), (3, 3), False),
    ((5, 2), (3, 2), True), ((2, 9), (2, 3), True), ((9, 9), (3, 3), True)])
def test_the_links_cell_is_the_first_shown_and_kept_inside_the_output(cell, shown, clamped):
    """A 5×5 input, 3×3 kernel, stride 1, no padding: a 3×3 output. The link's 1-based cell is shown; one
    outside the output is its nearest cell, and the stepper is told it was moved."""
    pad = resolve_padding((0, 0), (5, 5), (3, 3), (1, 1), (1, 1))
    ah, aw = axis_arithmetic(5, 3, 1, pad.height, 1), axis_arithmetic(5, 3, 1, pad.width, 1)
    data = footprint_steps(padded_grid((5, 5), pad, ah, aw), ah, aw, tr, cell=cell)
    sub = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
    assert data["cells"][data["start"]]["label"] == f"o{shown[0]}{shown[1]}".translate(sub)
    assert data["clamped"] is clamped and data["start_from"] == f"{cell[0]},{cell[1]}"
