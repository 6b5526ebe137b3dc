"""Output-size arithmetic against brute force: count the windows that fit."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cnn_core.arithmetic import (Padding, as_pair, axis_arithmetic, conv_output_shape, conv_output_size,
                                 effective_kernel, resolve_padding, same_padding)
from cnn_core.errors import CoreValueError

from tests.reference import window_starts


def random_cases(count: int = 400):
    rng = np.random.default_rng(20240611)
    for _ in range(count):
        n, k = int(rng.integers(1, 15)), int(rng.integers(1, 6))
        s, d = int(rng.integers(1, 5)), int(rng.integers(1, 4))
        before, after = int(rng.integers(0, 4)), int(rng.integers(0, 4))
        yield n, k, s, before, after, d


def test_output_size_equals_brute_force_count():
    fitted = 0
    for n, k, s, before, after, d in random_cases():
        starts = window_starts(n, k, s, before, after, d)
        if not starts:
            with pytest.raises(ValueError):
                conv_output_size(n, k, s, (before, after), d)
            continue
        fitted += 1
        assert conv_output_size(n, k, s, (before, after), d) == len(starts), (n, k, s, before, after, d)
        a = axis_arithmetic(n, k, s, (before, after), d)
        assert a.starts == tuple(starts)
        assert a.used == starts[-1] + (k - 1) * d + 1
    assert fitted > 200  # the sample must exercise the formula, not only the error path


def test_symmetric_int_padding_same_as_pair():
    for n, k, s, before, _, d in random_cases(100):
        if window_starts(n, k, s, before, before, d):
            assert conv_output_size(n, k, s, before, d) == conv_output_size(n, k, s, (before, before), d)


@pytest.mark.parametrize("n", range(1, 13))
@pytest.mark.parametrize("k", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("s", [1, 2, 3])
@pytest.mark.parametrize("d", [1, 2])
def test_same_padding_gives_ceil_and_extra_after(n, k, s, d):
    pad = same_padding((n, n), (k, k), s, d)
    assert pad.top == pad.left and pad.bottom == pad.right
    assert pad.bottom - pad.top in (0, 1)  # odd total: the extra zero goes bottom/right
    assert conv_output_shape((n, n), (k, k), s, pad, d) == (math.ceil(n / s),) * 2
    # minimal: one zero fewer at the bottom would lose the last output (unless nothing was padded)
    total = pad.top + pad.bottom
    if total:
        assert len(window_starts(n, k, s, pad.top, pad.bottom - 1, d)) < math.ceil(n / s)


def test_same_padding_asymmetric_examples():
    assert same_padding((5, 5), (2, 2)) == Padding(0, 1, 0, 1)
    assert same_padding((6, 6), (3, 3), stride=2) == Padding(0, 1, 0, 1)   # TF: total 1 -> (0, 1)
    assert same_padding((4, 7), (4, 3)) == Padding(1, 2, 1, 1)


def test_resolve_padding_every_form():
    assert resolve_padding(2, (5, 5), 3) == Padding(2, 2, 2, 2)
    assert resolve_padding((1, 2), (5, 5), 3) == Padding(1, 1, 2, 2)
    assert resolve_padding((0, 1, 2, 3), (5, 5), 3) == Padding(0, 1, 2, 3)
    assert resolve_padding([0, 1, 2, 3], (5, 5), 3) == Padding(0, 1, 2, 3)
    assert resolve_padding("valid", (5, 5), 3) == Padding(0, 0, 0, 0)
    assert resolve_padding("VALID", (5, 5), 3) == Padding(0, 0, 0, 0)
    assert resolve_padding("same", (5, 6), (2, 3), stride=(1, 2)) == Padding(0, 1, 0, 1)
    assert resolve_padding("full", (4, 4), (2, 3), dilation=(1, 2)) == Padding(1, 1, 4, 4)
    assert resolve_padding(Padding(1, 0, 0, 1), (4, 4), 2) == Padding(1, 0, 0, 1)


def test_full_padding_output_is_n_plus_k_eff_minus_1():
    for n, k, _, _, _, d in random_cases(100):
        pad = resolve_padding("full", (n, n), k, dilation=d)
        assert conv_output_shape((n, n), (k, k), 1, pad, d) == (n + effective_kernel(k, d) - 1,) * 2


@pytest.mark.parametrize("call, code, numbers", [
    (lambda: conv_output_size(3, 5), "kernel_too_large", ["5", "3"]),
    (lambda: conv_output_size(3, 3, dilation=2), "kernel_too_large", ["5", "3"]),
    (lambda: conv_output_size(5, 3, stride=0), "not_positive", ["0"]),
    (lambda: conv_output_size(5, 3, dilation=-1), "not_positive", ["-1"]),
    (lambda: conv_output_size(5, 3, padding=-2), "negative", ["-2"]),
    (lambda: conv_output_size(5, 2.5), "not_integer", ["2.5"]),
    (lambda: resolve_padding("half", (4, 4), 3), "bad_padding", ["half"]),
    (lambda: resolve_padding((1, 2, 3), (4, 4), 3), "bad_padding", ["1, 2, 3"]),
    (lambda: as_pair((1, 2, 3), "stride"), "bad_pair", ["1, 2, 3"]),
    (lambda: conv_output_shape((4, 9), (3, 7), padding=(0, 0, 1, 1), dilation=(1, 2)), "kernel_too_large",
     ["width", "13", "11"]),
])
def test_bad_arguments_raise_with_numbers(call, code, numbers):
    with pytest.raises(ValueError) as info:
        call()
    assert isinstance(info.value, CoreValueError) and info.value.code == code
    for number in numbers:
        assert number in str(info.value)


def test_axis_arithmetic_uncovered_rows():
    a = axis_arithmetic(7, 3, stride=3)                 # windows at 0 and 3 cover rows 0..5
    assert (a.out, a.used, a.uncovered, a.uncovered_input) == (2, 6, 1, 1)
    b = axis_arithmetic(6, 3, stride=2, padding=(0, 2))  # the last padded row is never reached
    assert (b.out, b.used, b.uncovered, b.uncovered_input) == (3, 7, 1, 0)
    c = axis_arithmetic(5, 3, stride=2, padding=1)      # seed 003: everything covered
    assert (c.out, c.used, c.uncovered, c.uncovered_input) == (3, 7, 0, 0)
    for n, k, s, before, after, d in random_cases(200):
        starts = window_starts(n, k, s, before, after, d)
        if not starts:
            continue
        a = axis_arithmetic(n, k, s, (before, after), d)
        read = {st + t * d for st in starts for t in range(k)}
        last_read = max(read)
        assert a.uncovered == n + before + after - 1 - last_read
        real_rows_never_reached = [r for r in range(before, before + n) if r > last_read]
        assert a.uncovered_input == len(real_rows_never_reached)
