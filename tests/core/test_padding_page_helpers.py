"""The padding page's helpers (SAME step by step, taps, read counts, padded grid) against brute force."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cnn_core.arithmetic import (Padding, axis_arithmetic, axis_input_index, axis_read_counts, axis_taps,
                                 kernel_taps, padded_grid, same_axis, same_padding)
from cnn_core.errors import CoreValueError

from tests.reference import window_taps


def cases(count: int = 300):
    rng = np.random.default_rng(7)
    for _ in range(count):
        yield (int(rng.integers(1, 12)), int(rng.integers(1, 5)), int(rng.integers(1, 5)),
               int(rng.integers(0, 4)), int(rng.integers(0, 4)), int(rng.integers(1, 4)))


def test_same_axis_matches_same_padding_and_tensorflow_examples():
    # TensorFlow: n=5, k=3, s=2 -> out 3, total 2 (1, 1); n=6, k=3, s=2 -> out 3, total 1 (0, 1)
    assert (same_axis(5, 3, 2).out, same_axis(5, 3, 2).total) == (3, 2)
    r = same_axis(6, 3, 2)
    assert (r.out, r.total, r.before, r.after) == (3, 1, 0, 1)
    for n, k, s, _, _, d in cases():
        r = same_axis(n, k, s, d)
        assert same_padding(n, k, s, d).height == (r.before, r.after)
        assert r.out == math.ceil(n / s)
        # SAME really gives ceil(n/s) outputs
        assert axis_arithmetic(n, k, s, (r.before, r.after), d).out == r.out
        assert r.after - r.before in (0, 1)


def test_taps_and_read_counts_against_brute_force():
    for n, k, s, before, after, d in cases():
        windows = window_taps(n, k, s, before, after, d)
        if not windows:
            continue
        a = axis_arithmetic(n, k, s, (before, after), d)
        assert [list(axis_taps(a, i)) for i in range(a.out)] == windows
        expected = [sum(pos in w for w in windows) for pos in range(n + before + after)]
        assert list(axis_read_counts(a)) == expected


def test_taps_out_of_range():
    a = axis_arithmetic(5, 3, 2, 1)
    with pytest.raises(ValueError):
        axis_taps(a, 3)
    with pytest.raises(ValueError):
        axis_taps(a, -1)


def test_axis_named_in_kernel_too_large():
    with pytest.raises(CoreValueError) as info:
        axis_arithmetic(4, 5, axis="width")
    assert info.value.code == "kernel_too_large"
    assert info.value.params == {"kernel": 5, "padded": 4, "axis": "width"}
    assert "width" in str(info.value)


def test_input_index():
    assert axis_input_index(2, 0, 0) == (0, 1)
    assert axis_input_index(1, 2, 1) == (None, None, 0, None)


def test_padded_grid_seed003_setting():
    # 5x5 input, 3x3 kernel, stride 2, pad 1 (seed 003): 7x7 padded, 3x3 output
    a = axis_arithmetic(5, 3, 2, 1)
    g = padded_grid((5, 5), Padding(1, 1, 1, 1), a, a)
    assert g.shape == (7, 7) and g.out_hw == (3, 3)
    assert g.mask.sum() == 49 - 25 and not g.mask[1:6, 1:6].any()
    assert g.windows[0] == (0, 0, 2, 2) and g.windows[-1] == (4, 4, 6, 6)
    assert g.positions[4] == (1, 1) and g.windows[4] == (2, 2, 4, 4)
    # the centre of the overlap (padded (2, 2)) is read by 4 windows, corners by 1
    assert g.read_counts[2, 2] == 4 and g.read_counts[0, 0] == 1
    assert not g.never_read.any()


def test_padded_grid_read_counts_brute_force_2d():
    rng = np.random.default_rng(3)
    for _ in range(60):
        nh, nw = (int(v) for v in rng.integers(1, 8, 2))
        kh, kw, sh, sw = (int(v) for v in rng.integers(1, 4, 4))
        dh, dw = (int(v) for v in rng.integers(1, 3, 2))
        pad = Padding(*(int(v) for v in rng.integers(0, 3, 4)))
        try:
            ah = axis_arithmetic(nh, kh, sh, pad.height, dh)
            aw = axis_arithmetic(nw, kw, sw, pad.width, dw)
        except ValueError:
            continue
        g = padded_grid((nh, nw), pad, ah, aw)
        counts = np.zeros(g.shape, dtype=int)
        for (i, j), win in zip(g.positions, g.windows):
            taps = kernel_taps(ah, aw, i, j)
            assert len(taps) == kh * kw
            for r, c in taps:
                assert win[0] <= r <= win[2] and win[1] <= c <= win[3]
                counts[r, c] += 1
        assert (counts == g.read_counts).all()
        expected_never = np.zeros(g.shape, dtype=bool)
        expected_never[pad.top:pad.top + nh, pad.left:pad.left + nw] = True
        expected_never &= counts == 0
        assert (g.never_read == expected_never).all()


def test_padded_grid_without_output_still_has_the_mask():
    # kernel 5 > padded height 4: no windows, but the padded grid is there
    aw = axis_arithmetic(3, 5, padding=1)
    g = padded_grid((2, 3), Padding(1, 1, 1, 1), None, aw)
    assert g.shape == (4, 5) and g.out_hw is None and g.windows == ()
    assert g.mask.sum() == 20 - 6
    assert g.never_read.sum() == 6


def test_padded_grid_refuses_mismatched_arithmetic():
    a = axis_arithmetic(5, 3, 2, 1)
    with pytest.raises(ValueError):
        padded_grid((5, 5), Padding(0, 0, 1, 1), a, a)
    with pytest.raises(ValueError):
        padded_grid((5, 5), (1, 1, 1, 1), a, a)
