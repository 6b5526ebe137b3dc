"""Transposed convolution against a loop reference, the adjoint identity and the matrix C (seed 004)."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_core.arithmetic import Padding, conv_output_size
from cnn_core.conv import conv2d, correlate2d
from cnn_core.errors import CoreValueError
from cnn_core.transposed import (conv1d, conv1d_trace, conv_matrix_1d, conv_matrix_2d, conv_transpose1d,
                                 conv_transpose2d, conv_transpose2d_naive, conv_transpose2d_trace,
                                 conv_transpose_output_shape)

from .expect import raises_core_error

PADS = [0, 1, 2, (1, 0), (0, 2, 1, 0), Padding(2, 1, 0, 1)]


def make_cases(count: int = 40):
    rng = np.random.default_rng(7)
    cases = []
    while len(cases) < count:
        i = len(cases)
        s = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        d = (int(rng.integers(1, 4)), int(rng.integers(1, 4))) if i % 2 else int(1 + i % 3)
        op = (int(rng.integers(0, s[0])), int(rng.integers(0, s[1])))
        shape = (int(rng.integers(1, 3)), int(rng.integers(1, 4)), int(rng.integers(1, 6)), int(rng.integers(1, 6)))
        f, kh, kw = int(rng.integers(1, 4)), int(rng.integers(1, 4)), int(rng.integers(1, 4))
        pad = PADS[i % len(PADS)]
        try:
            conv_transpose_output_shape(shape[2:], (kh, kw), s, pad, op, d)
        except CoreValueError:
            continue
        cases.append((shape, f, kh, kw, s, pad, op, d))
    return cases


CASES = make_cases()


def problem(case, seed):
    shape, f, kh, kw, s, pad, op, d = case
    rng = np.random.default_rng(seed)
    return rng.normal(size=shape), rng.normal(size=(shape[1], f, kh, kw)), rng.normal(size=f), rng


@pytest.mark.parametrize("case", CASES, ids=[str(i) for i in range(len(CASES))])
def test_transposed_matches_loop_trace_and_adjoint(case):
    shape, f, kh, kw, s, pad, op, d = case
    x, w, b, rng = problem(case, 1)
    y = conv_transpose2d(x, w, b, s, pad, op, d)
    np.testing.assert_allclose(y, conv_transpose2d_naive(x, w, b, s, pad, op, d), atol=1e-12)
    # zero insertion + k_eff-1 padding + correlation with rot180(w), then crop
    for n in range(shape[0]):
        tr = conv_transpose2d_trace(x[n], w, b, s, pad, op, d)
        np.testing.assert_allclose(tr.output, y[n], atol=1e-12)
    # the forward conv of the output size gives back the input size (same arithmetic both ways)
    p = tr.padding
    sp = (s, s) if isinstance(s, int) else s
    dp = (d, d) if isinstance(d, int) else d
    assert conv_output_size(y.shape[2], kh, sp[0], p.height, dp[0]) == shape[2]
    assert conv_output_size(y.shape[3], kw, sp[1], p.width, dp[1]) == shape[3]
    # adjoint: <conv2d(u; w), x> = <u, convT(x; w)> for every u -- the definition of "transpose"
    u = rng.normal(size=(shape[0], f) + y.shape[2:])
    lhs = float((conv2d(u, w, None, s, p, d) * x).sum())
    rhs = float((u * (y - b[None, :, None, None])).sum())
    assert lhs == pytest.approx(rhs, rel=1e-10, abs=1e-10)


def test_output_size_formula_pytorch_examples():
    # PyTorch docs: H_out = (H_in-1)*s - 2p + d(k-1) + output_padding + 1
    assert conv_transpose_output_shape((3, 3), (3, 3), 2, 1, 1) == (6, 6)
    assert conv_transpose_output_shape((4, 5), (3, 2), (2, 3), (0, 1), (1, 2), (2, 1)) == (12, 14)
    assert conv_transpose_output_shape((2, 2), (3, 3), 1, (0, 1, 0, 0)) == (3, 4)


def test_known_small_example():
    # 2x2 input, 2x2 ones kernel, stride 2: every input cell becomes a 2x2 block
    x = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    y = conv_transpose2d(x, np.ones((1, 1, 2, 2)), stride=2)
    assert y[0, 0].tolist() == [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]
    # stride 1: overlapping stamps add up
    y1 = conv_transpose2d(x, np.ones((1, 1, 2, 2)))
    assert y1[0, 0].tolist() == [[1, 3, 2], [4, 10, 6], [3, 7, 4]]


def test_trace_fields():
    x, w = np.arange(1.0, 5.0).reshape(1, 2, 2), np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    tr = conv_transpose2d_trace(x, w, stride=2, padding=1, output_padding=1)
    assert tr.zero_inserted[0].tolist() == [[1, 0, 2], [0, 0, 0], [3, 0, 4]]
    assert tr.full_padding == Padding(2, 3, 2, 3)
    assert tr.padded.shape == (1, 8, 8)
    np.testing.assert_array_equal(tr.w_rot180[0, 0], w[0, 0, ::-1, ::-1])
    assert tr.full_output.shape == (1, 6, 6) and tr.output.shape == (1, 4, 4)
    np.testing.assert_array_equal(tr.output, tr.full_output[:, 1:5, 1:5])


def test_seed004_conv_matrix_1d():
    w1, w2, w3 = 0.5, -2.0, 3.0
    c = conv_matrix_1d([w1, w2, w3], 5)
    assert c.tolist() == [[w1, w2, w3, 0, 0], [0, w1, w2, w3, 0], [0, 0, w1, w2, w3]]
    rng = np.random.default_rng(8)
    x, z = rng.normal(size=5), rng.normal(size=3)
    np.testing.assert_allclose(c @ x, conv1d(x, [w1, w2, w3]), atol=1e-12)
    # Cᵀ z = full correlation of z with rot180(w) = transposed convolution
    full = np.array([sum(zp[i + t] * [w3, w2, w1][t] for t in range(3))
                     for zp in [np.concatenate([[0, 0], z, [0, 0]])] for i in range(5)])
    np.testing.assert_allclose(c.T @ z, full, atol=1e-12)
    np.testing.assert_allclose(c.T @ z, conv1d(z, [w3, w2, w1], padding="full"), atol=1e-12)
    np.testing.assert_allclose(c.T @ z, conv_transpose1d(z, [w1, w2, w3]), atol=1e-12)


@pytest.mark.parametrize("n, k, s, p, d", [(7, 3, 2, 1, 1), (9, 2, 3, 0, 1), (8, 3, 1, "same", 2),
                                           (5, 3, 2, "full", 1), (6, 3, 2, (2, 0), 1), (10, 4, 3, "valid", 1)])
def test_conv_matrix_1d_strided_and_padded(n, k, s, p, d):
    rng = np.random.default_rng(9)
    w, x = rng.normal(size=k), rng.normal(size=n)
    c = conv_matrix_1d(w, n, s, p, d)
    y = conv1d(x, w, s, p, d)
    assert c.shape == (y.size, n)
    np.testing.assert_allclose(c @ x, y, atol=1e-12)
    tr = conv1d_trace(x, w, s, p, d)
    np.testing.assert_allclose(tr.output, y, atol=1e-12)
    np.testing.assert_allclose(tr.x_padded[tr.taps] * w, tr.products)
    # the transpose: with symmetric int padding and d = 1, Cᵀ z is conv_transpose1d
    if isinstance(p, int) and d == 1:
        op = n - ((y.size - 1) * s - 2 * p + k)
        z = rng.normal(size=y.size)
        np.testing.assert_allclose(c.T @ z, conv_transpose1d(z, w, s, p, op), atol=1e-12)


@pytest.mark.parametrize("hw, k, s, p, d", [((4, 4), (2, 2), 1, 0, 1), ((5, 5), (3, 3), 2, 1, 1),
                                            ((5, 6), (3, 2), (2, 1), "same", 1), ((4, 5), (2, 2), 1, "full", 2),
                                            ((6, 4), (2, 3), (2, 2), (0, 1, 1, 0), 1)])
def test_conv_matrix_2d(hw, k, s, p, d):
    rng = np.random.default_rng(10)
    kernel, x = rng.normal(size=k), rng.normal(size=hw)
    c = conv_matrix_2d(kernel, hw, s, p, d)
    y = correlate2d(x, kernel, s, p, d)
    assert c.shape == (y.size, x.size)
    np.testing.assert_allclose(c @ x.ravel(), y.ravel(), atol=1e-12)
    assert np.count_nonzero(c) <= y.size * kernel.size  # sparse: at most one kernel per row
    if not isinstance(p, str):
        pad = p
        z = rng.normal(size=y.shape)
        sp = (s, s) if isinstance(s, int) else s
        pp = Padding(*((pad,) * 4)) if isinstance(pad, int) else Padding(*pad)
        op = tuple(hw[a] - ((y.shape[a] - 1) * sp[a] - sum(pp.height if a == 0 else pp.width)
                            + d * (k[a] - 1) + 1) for a in range(2))
        back = conv_transpose2d(z[None, None], kernel[None, None], None, s, pp, op, d)[0, 0]
        np.testing.assert_allclose(c.T @ z.ravel(), back.ravel(), atol=1e-12)


def test_seed004_1d_filters():
    signal = np.array([0.0, 1.0, 4.0, 9.0, 16.0, 25.0])          # t²
    avg = conv1d(signal, [1 / 3, 1 / 3, 1 / 3])
    np.testing.assert_allclose(avg, [5 / 3, 14 / 3, 29 / 3, 50 / 3])
    np.testing.assert_allclose(conv1d(signal, [1.0, -2.0, 1.0]), [2.0, 2.0, 2.0, 2.0])   # second difference of t²
    assert conv1d(signal, [1.0, -2.0, 1.0], padding="same").shape == (6,)


def test_bad_arguments():
    x, w = np.ones((1, 2, 3, 3)), np.ones((2, 4, 3, 3))
    raises_core_error(lambda: conv_transpose2d(x, w, padding="same"), "transposed_padding", "same")
    raises_core_error(lambda: conv_transpose2d(x, w, stride=2, output_padding=2), "bad_output_padding", "2")
    raises_core_error(lambda: conv_transpose2d(x, w, output_padding=(0, 1)), "bad_output_padding", "width", "1")
    raises_core_error(lambda: conv_transpose2d(np.ones((1, 2, 1, 1)), w, padding=2), "output_too_small", "-1")
    raises_core_error(lambda: conv_transpose2d(x, np.ones((3, 4, 3, 3))), "channel_mismatch", 2, 3)
    raises_core_error(lambda: conv_transpose2d(x, w, b=np.ones(2)), "bad_shape", "(4,)", "(2,)")
    raises_core_error(lambda: conv_transpose2d(x, w, stride=0), "not_positive", 0)
    raises_core_error(lambda: conv_transpose2d(x * np.nan, w), "not_finite", 18)
    raises_core_error(lambda: conv_transpose2d_trace(x, w), "bad_shape", "(1, 2, 3, 3)")
    raises_core_error(lambda: conv1d([1.0, 2.0], [1.0, 1.0, 1.0]), "kernel_too_large", 3, 2)
    raises_core_error(lambda: conv1d([1.0, 2.0, 3.0], [1.0], padding=(1, 2, 3)), "bad_padding", "(1, 2, 3)")
    raises_core_error(lambda: conv_matrix_1d([1.0, 2.0], 4, stride=0), "not_positive", 0)
    raises_core_error(lambda: conv_matrix_2d(np.ones((3, 3)), (2, 2)), "kernel_too_large", 3, 2)


# --------------------------------------------------------------------------- what the transposed page asks
from cnn_core.transposed import (dilate_kernel, matrix_view_1d, matrix_view_2d, receptive_field,  # noqa: E402
                                 sizes_mapping_to, transposed_via_matrix, window_counts)


@pytest.mark.parametrize("case", CASES[:20])
def test_trace_terms_sum_to_each_output_cell(case):
    """Every output cell = the sum of the products the trace lists for it (and only real x cells appear)."""
    x, w, _, _ = problem(case, 11)
    _, _, _, _, s, pad, op, d = case
    trace = conv_transpose2d_trace(x[0], w, None, s, pad, op, d)
    real = trace.real_cells()
    assert real.sum() == x[0][0].size
    for f in range(w.shape[1]):
        for i in range(trace.output.shape[1]):
            for j in range(trace.output.shape[2]):
                terms = trace.terms(f, i, j)
                total = sum(term.x_value * term.w_value for term in terms)
                assert total == pytest.approx(trace.output[f, i, j], abs=1e-9)
                r0, c0, r1, c1 = trace.window(i, j)
                for term in terms:
                    assert real[term.padded] and r0 <= term.padded[0] <= r1 and c0 <= term.padded[1] <= c1
                    assert term.x_value == x[0][term.channel][term.x_index]
                    assert trace.padded[term.channel][term.padded] == term.x_value


def _loop_window_counts(in_hw, k_hw, s, p, op, d):
    oh, ow = conv_transpose_output_shape(in_hw, k_hw, s, p, op, d)
    counts = np.zeros((oh, ow), int)
    for i in range(in_hw[0]):
        for j in range(in_hw[1]):
            for a in range(k_hw[0]):
                for b in range(k_hw[1]):
                    r, c = i * s + a * d - p, j * s + b * d - p
                    if 0 <= r < oh and 0 <= c < ow:
                        counts[r, c] += 1
    return counts


@pytest.mark.parametrize("in_hw,k_hw,s,p,op,d", [((2, 2), (3, 3), 2, 0, 0, 1), ((3, 4), (3, 3), 2, 1, 1, 1),
                                                 ((3, 3), (4, 4), 2, 1, 0, 1), ((2, 3), (2, 3), 3, 0, 2, 2)])
def test_window_counts_against_loop(in_hw, k_hw, s, p, op, d):
    counts = window_counts(in_hw, k_hw, s, p, op, d)
    assert counts.tolist() == _loop_window_counts(in_hw, k_hw, s, p, op, d).tolist()


def test_window_counts_checkerboard_and_even_kernel():
    """3×3 at stride 2 overlaps unevenly (checkerboard); 4×4 at stride 2 with padding 1 is even inside."""
    uneven = window_counts((3, 3), (3, 3), 2)
    assert uneven[1:-1, 1:-1].min() == 1 and uneven[1:-1, 1:-1].max() == 4
    even = window_counts((3, 3), (4, 4), 2, 1)
    assert set(even[1:-1, 1:-1].ravel().tolist()) == {4}


@pytest.mark.parametrize("n_out,k,s,p,d", [(3, 3, 2, 1, 1), (2, 3, 1, 0, 1), (4, 2, 3, 0, 2), (1, 3, 2, 1, 1),
                                           (5, 1, 4, 0, 1)])
def test_sizes_mapping_to_by_brute_force(n_out, k, s, p, d):
    brute = tuple(m for m in range(1, 80)
                  if (m + 2 * p >= d * (k - 1) + 1) and conv_output_size(m, k, s, p, d) == n_out)
    assert sizes_mapping_to(n_out, k, s, p, d) == brute
    # output_padding = m - smallest picks each one back
    for op, m in enumerate(brute):
        assert conv_transpose_output_shape((1, n_out), (1, k), (1, s), (0, p), (0, op), (1, d))[1] == m


def test_seed004_matrix_view_1d_printed_c_and_ct():
    """Seed 004, 4.5.1: C = [[w1 w2 w3 0 0], [0 w1 w2 w3 0], [0 0 w1 w2 w3]] and its transpose."""
    view = matrix_view_1d([2.0, -1.0, 0.5], [1, 2, 3, 4, 5], [1, -2, 3])
    assert view.tap_index.tolist() == [[1, 2, 3, 0, 0], [0, 1, 2, 3, 0], [0, 0, 1, 2, 3]]
    assert view.tap_index.T.tolist() == [[1, 0, 0], [2, 1, 0], [3, 2, 1], [0, 3, 2], [0, 0, 3]]
    w1, w2, w3 = 2.0, -1.0, 0.5
    x = [1, 2, 3, 4, 5]
    loop = [w1 * x[o] + w2 * x[o + 1] + w3 * x[o + 2] for o in range(3)]
    assert view.Cx.tolist() == pytest.approx(loop) and view.direct.tolist() == pytest.approx(loop)
    z = [1, -2, 3]
    printed_ct = np.array([[w1, 0, 0], [w2, w1, 0], [w3, w2, w1], [0, w3, w2], [0, 0, w3]])
    assert view.CTz.tolist() == pytest.approx((printed_ct @ z).tolist())
    assert view.full.tolist() == pytest.approx(view.CTz.tolist())
    assert view.w_rot180.tolist() == [w3, w2, w1]


def test_matrix_view_1d_stride_two_zero_insertion():
    view = matrix_view_1d([1.0, 2.0, 3.0], np.arange(6.0), [1.0, 10.0], stride=2)
    assert view.z_inserted.tolist() == [1.0, 0.0, 10.0]
    # (O-1)s + K = 5 of n = 6 samples: the last one no window reads gets 0
    assert view.full.tolist() == view.CTz[:5].tolist() and view.CTz[5] == 0
    assert view.cx_gap == 0 and view.ctz_gap == 0
    with pytest.raises(ValueError):
        matrix_view_1d([1, 2, 3], [1, 2, 3, 4, 5], [1, 2])


def test_matrix_view_2d_is_4_by_16_and_equals_correlation():
    x = np.arange(16.0).reshape(4, 4)
    k = np.array([[1.0, 0, -1], [2, 0, -2], [1, 0, -1]])
    view = matrix_view_2d(k, x)
    assert view.C.shape == (4, 16) and view.tap_index.shape == (4, 16)
    assert view.tap_index[0].tolist() == [1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0, 0, 0, 0, 0]
    assert view.Cx.tolist() == correlate2d(x, k).tolist() == view.direct.tolist()


@pytest.mark.parametrize("s,p,op,d", [(1, 0, 0, 1), (2, 0, 1, 1), (2, 1, 1, 1), (3, 1, 2, 2)])
def test_transposed_via_matrix_equals_transposed_conv(s, p, op, d):
    rng = np.random.default_rng(3)
    z, w = rng.normal(size=(2, 3)), rng.normal(size=(3, 2))
    direct = conv_transpose2d(z[None, None], w[None, None], None, s, p, op, d)[0, 0]
    assert transposed_via_matrix(z, w, s, p, op, d) == pytest.approx(direct)


def test_dilate_kernel_and_receptive_field():
    assert dilate_kernel([1, 2, 3], 3).tolist() == [1, 0, 0, 2, 0, 0, 3]
    assert dilate_kernel([[1, 2], [3, 4]], 2).tolist() == [[1, 0, 2], [0, 0, 0], [3, 0, 4]]
    # brute force: the input indices one output of L stacked layers reads
    for ks, ss, ds in (([3, 3, 3], [1, 1, 1], [1, 2, 4]), ([3, 2, 3], [2, 2, 1], [1, 1, 2]), ([5], [1], [3])):
        reach = {0}
        for k, s, d in reversed(list(zip(ks, ss, ds))):
            reach = {o * s + t * d for o in reach for t in range(k)}
        assert receptive_field(ks, ss, ds)[-1] == max(reach) - min(reach) + 1
    assert receptive_field([3] * 4) == (3, 5, 7, 9)
    assert receptive_field([3] * 4, dilations=[1, 2, 4, 8]) == (3, 7, 15, 31)


def test_conv1d_trace_positions_and_indices():
    trace = conv1d_trace([1, 2, 3, 4], [1, 1, 1], padding="same")
    assert trace.padding == (1, 1)
    assert trace.output_positions().tolist() == [0, 1, 2, 3]
    assert trace.input_index(0) == (None, 0, 1)
    assert trace.input_index(3) == (2, 3, None)
