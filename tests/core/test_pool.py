"""Pooling: vectorised vs loop references, finite differences, seed 001's routes, traces, bad args."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_core.errors import CoreValueError
from cnn_core.pool import (
    pool2d,
    pool2d_backward,
    pool2d_backward_naive,
    pool2d_backward_trace,
    pool2d_naive,
    pool2d_trace,
    max_pool_winners,
    pool_geometry,
)
from cnn_core.worked_examples import POOL_ROUTE

from cnn_core.gradcheck import numerical_gradient


def random_configs(n: int, seed: int = 7):
    """Random (shape, kernel, stride, padding) with padding, overlapping and ragged windows."""
    rng = np.random.default_rng(seed)
    configs = []
    while len(configs) < n:
        kh, kw = rng.integers(1, 4, size=2)
        sh, sw = rng.integers(1, 4, size=2)
        ph, pw = rng.integers(0, kh // 2 + 1), rng.integers(0, kw // 2 + 1)
        h, w = rng.integers(1, 8, size=2)
        if kh > h + 2 * ph or kw > w + 2 * pw:
            continue
        shape = (int(rng.integers(1, 3)), int(rng.integers(1, 3)), int(h), int(w))
        configs.append((shape, (int(kh), int(kw)), (int(sh), int(sw)), (int(ph), int(pw))))
    return configs


CONFIGS = random_configs(40)
# guarantee the interesting cases are in the set
CONFIGS += [((2, 3, 6, 6), (3, 3), (1, 1), (1, 1)),   # overlapping + padding
            ((1, 2, 7, 5), (3, 2), (2, 1), (1, 1)),   # asymmetric kernel / stride, ragged edge
            ((1, 1, 4, 4), (2, 2), (2, 2), (0, 0))]


@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize("shape,kernel,stride,padding", CONFIGS)
def test_vectorised_matches_loop_reference_with_ties(shape, kernel, stride, padding, mode):
    rng = np.random.default_rng(abs(hash((shape, kernel, stride, padding))) % 2**32)
    x = rng.integers(-2, 3, size=shape).astype(float)      # few distinct values: many ties
    y = pool2d(x, kernel, stride, padding, mode)
    np.testing.assert_allclose(y, pool2d_naive(x, kernel, stride, padding, mode), rtol=0, atol=1e-12)
    dy = rng.normal(size=y.shape)
    np.testing.assert_allclose(pool2d_backward(dy, x, kernel, stride, padding, mode),
                               pool2d_backward_naive(dy, x, kernel, stride, padding, mode), rtol=0, atol=1e-12)


@pytest.mark.parametrize("shape,kernel,stride,padding", CONFIGS[:20] + CONFIGS[-3:])
def test_avg_backward_matches_finite_differences(shape, kernel, stride, padding):
    rng = np.random.default_rng(1)
    x = rng.normal(size=shape)
    dy = rng.normal(size=pool2d(x, kernel, stride, padding, "avg").shape)
    numeric = numerical_gradient(lambda v: float(np.sum(dy * pool2d(v, kernel, stride, padding, "avg"))), x)
    np.testing.assert_allclose(pool2d_backward(dy, x, kernel, stride, padding, "avg"), numeric, atol=1e-7)


@pytest.mark.parametrize("shape,kernel,stride,padding", CONFIGS[:20] + CONFIGS[-3:])
def test_max_backward_matches_finite_differences_away_from_ties(shape, kernel, stride, padding):
    rng = np.random.default_rng(2)
    # distinct values at least 0.1 apart: a 1e-6 step never changes a winner
    x = (rng.permutation(int(np.prod(shape))) * 0.1).reshape(shape)
    dy = rng.normal(size=pool2d(x, kernel, stride, padding).shape)
    numeric = numerical_gradient(lambda v: float(np.sum(dy * pool2d(v, kernel, stride, padding))), x)
    np.testing.assert_allclose(pool2d_backward(dy, x, kernel, stride, padding), numeric, atol=1e-7)


def test_seed001_routes_max_and_avg():
    x, delta = POOL_ROUTE.inputs["x"], POOL_ROUTE.inputs["delta"]
    k = POOL_ROUTE.params["kernel"]
    np.testing.assert_array_equal(pool2d_backward(delta, x, k, POOL_ROUTE.params["stride"], mode="max"),
                                  POOL_ROUTE.printed["max"])
    np.testing.assert_array_equal(pool2d_backward(delta, x, k, POOL_ROUTE.params["stride"], mode="avg"),
                                  POOL_ROUTE.printed["avg"])
    trace = pool2d_backward_trace(delta[0, 0], x[0, 0], k)
    # "左上, 右下, 右上, 左下": the winners of the four windows
    assert [w.winner for w in trace.forward.windows] == [(0, 0), (1, 3), (2, 1), (3, 2)]


def test_max_tie_goes_to_first_in_row_major_order():
    x = np.ones((1, 1, 4, 4))
    dx = pool2d_backward(np.ones((1, 1, 2, 2)), x, 2)
    expected = np.zeros((4, 4))
    expected[::2, ::2] = 1.0
    np.testing.assert_array_equal(dx[0, 0], expected)
    x = np.array([[[[0.0, 5.0], [5.0, 5.0]]]])
    assert pool2d_trace(x[0, 0], 2).windows[0].winner == (0, 1)


def test_overlapping_windows_accumulate():
    x = np.zeros((1, 1, 3, 3))
    x[0, 0, 1, 1] = 1.0                 # the centre wins all four 2x2 windows of stride 1
    dx = pool2d_backward(np.array([[[[1.0, 2.0], [3.0, 4.0]]]]), x, 2, 1)
    assert dx[0, 0, 1, 1] == 10.0 and np.count_nonzero(dx) == 1
    dxa = pool2d_backward(np.ones((1, 1, 2, 2)), x, 2, 1, mode="avg")
    np.testing.assert_allclose(dxa[0, 0], np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 4)


def test_avg_counts_padded_zeros_and_max_padding_never_wins():
    x = np.ones((1, 1, 2, 2))
    assert pool2d(x, 3, 1, 1, "avg")[0, 0, 0, 0] == pytest.approx(4 / 9)
    neg = -np.arange(1.0, 5.0).reshape(1, 1, 2, 2)
    y = pool2d(neg, 3, 1, 1, "max")
    np.testing.assert_array_equal(y[0, 0], np.full((2, 2), -1.0))   # not the padding's 0


def test_inputs_not_mutated():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(1, 2, 5, 5))
    dy = rng.normal(size=(1, 2, 3, 3))
    x0, dy0 = x.copy(), dy.copy()
    pool2d(x, 3, 2, 1)
    pool2d_backward(dy, x, 3, 2, 1, "avg")
    pool2d_backward_trace(dy[0], x[0], 3, 2, 1)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(dy, dy0)


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_traces_agree_with_vectorised_ops(mode):
    rng = np.random.default_rng(4)
    x = rng.integers(0, 4, size=(2, 5, 6)).astype(float)
    kernel, stride, padding = (3, 2), (1, 2), (1, 1)
    trace = pool2d_trace(x, kernel, stride, padding, mode)
    y = pool2d(x[None], kernel, stride, padding, mode)[0]
    np.testing.assert_array_equal(trace.output, y)
    assert trace.padded.shape == (2, 7, 8)
    for win in trace.windows:
        assert win.output == y[win.channel, win.out_row, win.out_col]
        np.testing.assert_array_equal(win.values, trace.padded[win.channel][np.ix_(win.rows, win.cols)])
        if mode == "max":
            r, c = win.winner
            assert x[win.channel, r, c] == win.output
            # the first maximum: no earlier cell of the window (row-major) equals the max
            flat = win.values.ravel()
            t = (r + trace.padding.top - win.rows[0]) * kernel[1] + (c + trace.padding.left - win.cols[0])
            assert flat[t] == flat.max() and not np.any(flat[:t] == flat.max())
        else:
            assert win.mean == pytest.approx(win.values.sum() / 6)
    dy = rng.normal(size=y.shape)
    back = pool2d_backward_trace(dy, x, kernel, stride, padding, mode)
    np.testing.assert_allclose(back.dx, pool2d_backward(dy[None], x[None], kernel, stride, padding, mode)[0])
    for cell in back.cells:
        assert sum(t.share for t in cell.terms) == pytest.approx(cell.total)
        assert cell.total == pytest.approx(back.dx[cell.channel, cell.row, cell.col])
        assert len(cell.terms) <= cell.windows_touching == back.counts[cell.channel, cell.row, cell.col]
        if mode == "avg":
            assert len(cell.terms) == cell.windows_touching
    # counts by brute force over the windows
    brute = np.zeros(x.shape, dtype=int)
    for win in trace.windows:
        for r in win.rows:
            for c in win.cols:
                rr, cc = r - 1, c - 1
                if 0 <= rr < 5 and 0 <= cc < 6:
                    brute[win.channel, rr, cc] += 1
    np.testing.assert_array_equal(back.counts, brute)


def test_geometry_defaults_and_sizes():
    geo = pool_geometry((7, 5), (3, 2), None, (1, 1))
    assert geo.stride == (3, 2) and geo.out_hw == (3, 3)
    assert tuple(geo.padding) == (1, 1, 1, 1)


@pytest.mark.parametrize("kwargs,code,numbers", [
    ({"kernel": 2, "padding": 2}, "pool_padding_too_large", ["2", "1"]),
    ({"kernel": (3, 2), "padding": (1, 2)}, "pool_padding_too_large", ["width", "2", "1"]),
    ({"kernel": 2, "mode": "median"}, "bad_mode", ["median"]),
    ({"kernel": 6}, "kernel_too_large", ["6", "4"]),
    ({"kernel": 2, "stride": 0}, "not_positive", ["0"]),
])
def test_bad_arguments_raise_with_numbers(kwargs, code, numbers):
    with pytest.raises(ValueError) as info:
        pool2d(np.zeros((1, 1, 4, 4)), **kwargs)
    assert isinstance(info.value, CoreValueError) and info.value.code == code
    for number in numbers:
        assert number in str(info.value)


def test_bad_arrays_raise():
    with pytest.raises(CoreValueError) as info:
        pool2d(np.zeros((4, 4)), 2)
    assert info.value.code == "bad_shape" and "(4, 4)" in str(info.value)
    x = np.zeros((1, 1, 4, 4))
    x[0, 0, 1, 2] = np.nan
    with pytest.raises(CoreValueError) as info:
        pool2d(x, 2)
    assert info.value.code == "not_finite"
    with pytest.raises(CoreValueError) as info:
        pool2d_backward(np.zeros((1, 1, 3, 3)), np.zeros((1, 1, 4, 4)), 2)
    assert info.value.code == "bad_shape" and "(1, 1, 2, 2)" in str(info.value)
    with pytest.raises(CoreValueError) as info:
        pool2d_backward_trace(np.zeros((3, 3)), np.zeros((4, 4)), 2)
    assert info.value.code == "bad_shape" and "(2, 2)" in str(info.value)


@pytest.mark.parametrize("shape,kernel,stride,padding", CONFIGS[-3:] + CONFIGS[:10])
def test_max_pool_winners_match_trace_and_route(shape, kernel, stride, padding):
    rng = np.random.default_rng(9)
    x = rng.integers(0, 3, size=shape).astype(float)            # ties included
    winners = max_pool_winners(x, kernel, stride, padding)
    y = pool2d(x, kernel, stride, padding)
    assert winners.shape == y.shape + (2,)
    for n in range(shape[0]):
        trace = pool2d_trace(x[n], kernel, stride, padding)
        for win in trace.windows:
            assert tuple(winners[n, win.channel, win.out_row, win.out_col]) == win.winner
    # routing dy through the winners reproduces the backward pass
    dy = rng.normal(size=y.shape)
    routed = np.zeros_like(x)
    for idx in np.ndindex(y.shape):
        r, c = winners[idx]
        routed[idx[0], idx[1], r, c] += dy[idx]
    np.testing.assert_allclose(routed, pool2d_backward(dy, x, kernel, stride, padding))


@pytest.mark.parametrize("padding", [0, 1, (1, 0), (0, 1)])
def test_input_index_names_the_input_cell_a_padded_cell_holds(padding):
    from cnn_core.pool import pool2d_trace
    x = np.arange(1, 13, dtype=float).reshape(3, 4)                  # distinct, positive: a cell names itself
    tr = pool2d_trace(x, 2, 1, padding, "avg")                       # avg pads with 0
    seen = set()
    for r in range(tr.padded.shape[1]):
        for q in range(tr.padded.shape[2]):
            cell = tr.input_index(r, q)
            assert tr.pad_mask[r, q] == (cell is None)
            if cell is None:
                assert tr.padded[0, r, q] == 0
            else:
                assert tr.padded[0, r, q] == x[cell]
                seen.add(cell)
    assert len(seen) == x.size
