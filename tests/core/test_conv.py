"""conv2d / conv2d_backward against loop references, finite differences and seed 003."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_core.arithmetic import Padding, resolve_padding
from cnn_core.conv import (conv2d, conv2d_backward, conv2d_backward_naive, conv2d_backward_trace,
                           conv2d_input_gradient, conv2d_naive, conv2d_trace, convolve2d, correlate2d,
                           full_correlation, input_gradient_full_conv, input_gradient_scatter, pad2d, rot180,
                           sgd_step, zero_insert)
from cnn_core.errors import CoreValueError
from cnn_core.gradcheck import check_gradient
from cnn_core.worked_examples import CONV_4X4, CONV_5X5X3

from .expect import raises_core_error

PADDINGS = [0, 1, 2, (1, 0), (0, 2), (0, 1, 2, 0), (2, 0, 1, 1), "valid", "same", "full"]


def make_cases(count: int = 60):
    """Random (N, C, H, W, F, KH, KW, stride, padding, dilation), every padding form and stride/dilation 1-3."""
    rng = np.random.default_rng(3)
    cases = []
    while len(cases) < count:
        i = len(cases)
        pad = PADDINGS[i % len(PADDINGS)]
        s = (int(rng.integers(1, 4)), int(rng.integers(1, 4))) if i % 3 == 0 else int(1 + (i // 2) % 3)
        d = (int(rng.integers(1, 4)), int(rng.integers(1, 4))) if i % 4 == 0 else int(1 + (i // 3) % 3)
        n, c, f = int(rng.integers(1, 3)), int(rng.integers(1, 4)), int(rng.integers(1, 4))
        h, w = int(rng.integers(3, 10)), int(rng.integers(3, 10))
        kh, kw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        try:
            resolve_padding(pad, (h, w), (kh, kw), s, d)
            conv2d(np.zeros((1, 1, h, w)), np.zeros((1, 1, kh, kw)), None, s, pad, d)
        except CoreValueError:
            continue  # kernel does not fit: covered by the bad-argument tests
        cases.append((n, c, h, w, f, kh, kw, s, pad, d))
    return cases


CASES = make_cases()


def random_problem(case, seed):
    n, c, h, w, f, kh, kw, s, pad, d = case
    rng = np.random.default_rng(seed)
    x, wt, b = rng.normal(size=(n, c, h, w)), rng.normal(size=(f, c, kh, kw)), rng.normal(size=f)
    return x, wt, b, rng


def test_cases_cover_every_form():
    forms = {repr(case[8]) for case in CASES}
    assert forms == {repr(p) for p in PADDINGS}
    assert {case[7] for case in CASES if isinstance(case[7], int)} == {1, 2, 3}
    assert {case[9] for case in CASES if isinstance(case[9], int)} == {1, 2, 3}
    # asymmetric SAME actually occurs
    assert any(case[8] == "same" and len(set(resolve_padding("same", case[2:4], case[5:7], case[7], case[9]))) > 1
               for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[str(i) for i in range(len(CASES))])
def test_forward_and_backward_match_loops(case):
    x, w, b, rng = random_problem(case, 10)
    s, pad, d = case[7], case[8], case[9]
    x0, w0 = x.copy(), w.copy()
    y = conv2d(x, w, b, s, pad, d)
    np.testing.assert_allclose(y, conv2d_naive(x, w, b, s, pad, d), rtol=1e-12, atol=1e-12)
    dy = rng.normal(size=y.shape)
    dx, dw, db = conv2d_backward(dy, x, w, s, pad, d)
    rdx, rdw, rdb = conv2d_backward_naive(dy, x, w, s, pad, d)
    np.testing.assert_allclose(dx, rdx, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dw, rdw, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(db, rdb, rtol=1e-12, atol=1e-12)
    assert dx.shape == x.shape and dw.shape == w.shape and db.shape == b.shape
    # both teaching paths and the dy-only path give the same dx
    np.testing.assert_allclose(input_gradient_scatter(dy, x.shape, w, s, pad, d), dx, atol=1e-12)
    np.testing.assert_allclose(input_gradient_full_conv(dy, x.shape, w, s, pad, d), dx, atol=1e-12)
    np.testing.assert_allclose(conv2d_input_gradient(dy, x.shape, w, s, pad, d), dx, atol=1e-12)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(w, w0)


@pytest.mark.parametrize("case", CASES[::3], ids=[str(i) for i in range(0, len(CASES), 3)])
def test_backward_against_finite_differences(case):
    x, w, b, rng = random_problem(case, 11)
    s, pad, d = case[7], case[8], case[9]
    dy = rng.normal(size=conv2d(x, w, b, s, pad, d).shape)
    dx, dw, db = conv2d_backward(dy, x, w, s, pad, d)
    # L = sum(dy * y) is a random projection whose gradients are exactly (dx, dw, db). L is linear in
    # each argument, so the centred difference has no truncation error and a large eps only cuts roundoff.
    checks = [
        check_gradient(lambda v: float((dy * conv2d(v, w, b, s, pad, d)).sum()), x, dx, tol=1e-7, eps=1e-2),
        check_gradient(lambda v: float((dy * conv2d(x, v, b, s, pad, d)).sum()), w, dw, tol=1e-7, eps=1e-2),
        check_gradient(lambda v: float((dy * conv2d(x, w, v, s, pad, d)).sum()), b, db, tol=1e-7, eps=1e-2),
    ]
    for chk in checks:
        assert chk.passed, chk.max_rel_error


def test_uncovered_input_rows_get_zero_gradient():
    # 7 rows, kernel 3, stride 3, VALID: row 6 is never read, so dE/dx there is 0 on every path
    rng = np.random.default_rng(4)
    x, w = rng.normal(size=(1, 2, 7, 7)), rng.normal(size=(3, 2, 3, 3))
    dy = rng.normal(size=(1, 3, 2, 2))
    for dx in (conv2d_backward(dy, x, w, 3)[0], input_gradient_full_conv(dy, x.shape, w, 3),
               input_gradient_scatter(dy, x.shape, w, 3)):
        assert np.all(dx[:, :, 6, :] == 0) and np.all(dx[:, :, :, 6] == 0)
        assert np.all(dx[:, :, :6, :6] != 0)


def test_helpers_shapes_and_values():
    a = np.arange(6.0).reshape(2, 3)
    assert rot180(a).tolist() == [[5, 4, 3], [2, 1, 0]]
    assert rot180(np.zeros((4, 3, 2, 5))).shape == (4, 3, 2, 5)
    p = pad2d(a, Padding(1, 0, 2, 1))
    assert p.shape == (3, 6) and p[1:, 2:5].tolist() == a.tolist() and p.sum() == a.sum()
    z = zero_insert(a, (2, 3))
    assert z.shape == (3, 7)
    assert z[::2, ::3].tolist() == a.tolist() and z.sum() == a.sum()
    assert zero_insert(a, 1).tolist() == a.tolist()


def test_correlation_vs_convolution():
    rng = np.random.default_rng(5)
    a, k = rng.normal(size=(6, 5)), rng.normal(size=(3, 2))
    # definition of true convolution: out[i,j] = sum_{m,n} a[i+m, j+n] * k[KH-1-m, KW-1-n]
    expected = np.array([[sum(a[i + m, j + q] * k[2 - m, 1 - q] for m in range(3) for q in range(2))
                          for j in range(4)] for i in range(4)])
    np.testing.assert_allclose(convolve2d(a, k), expected, atol=1e-12)
    np.testing.assert_allclose(correlate2d(a, rot180(k)), expected, atol=1e-12)
    assert not np.allclose(correlate2d(a, k), expected)  # the two really differ for this k
    # symmetric kernel: no difference
    sym = np.array([[1.0, 2.0, 1.0]])
    np.testing.assert_allclose(correlate2d(a, sym), convolve2d(a, sym))


def test_full_correlation():
    a, k = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 10.0]])
    out = full_correlation(a, k)
    assert out.shape == (2, 3)
    assert out.tolist() == [[10.0, 21.0, 2.0], [30.0, 43.0, 4.0]]


def test_seed003_o11():
    ex = CONV_4X4
    y = conv2d(ex.inputs["x"], ex.inputs["w"])
    assert y[0, 0, 0, 0] == ex.printed["net_o11"] == 1.0
    assert max(y[0, 0, 0, 0], 0.0) == ex.printed["out_o11"]
    cell = conv2d_trace(ex.inputs["x"][0], ex.inputs["w"]).cell(0, 0, 0)
    assert cell.products.ravel().tolist() == [1.0, -0.0, 1.0, -1.0]   # 1*1 + 0*(-1) + 1*1 + 1*(-1)


def test_seed003_5x5x3_forward_and_sgd_step():
    ex = CONV_5X5X3
    x, w, b = ex.inputs["x"], ex.inputs["w"], ex.inputs["b"]
    s, p, lr = ex.params["stride"], ex.params["padding"], ex.params["lr"]
    np.testing.assert_array_equal(conv2d(x, w, b, s, p), ex.printed["y"])
    _, dw, db = conv2d_backward(ex.inputs["delta"], x, w, s, p)
    new = sgd_step({"w": w, "b": b}, {"w": dw, "b": db}, lr)
    np.testing.assert_allclose(new["w"], ex.printed["w_after"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(new["b"], ex.printed["b_after"], rtol=0, atol=1e-12)
    assert new["b"].tolist() == pytest.approx([0.991, -0.007], abs=1e-15)
    np.testing.assert_array_equal(w, CONV_5X5X3.inputs["w"])  # pure


def test_seed003_eq7_terms_in_backward_trace():
    # dE/di12 = δ11·h12 + δ12·h11 (1-based) is dx[0, 0, 1] (0-based) for a 2x2 kernel, stride 1
    ex = CONV_4X4
    x, w = ex.inputs["x"][0], ex.inputs["w"]
    dy = np.arange(1.0, 10.0).reshape(1, 3, 3)
    tr = conv2d_backward_trace(dy, x, w)
    terms = tr.dx_terms(0, 0, 1)
    assert [(t.f, t.oi, t.oj, t.kh, t.kw) for t in terms] == [(0, 0, 0, 0, 1), (0, 0, 1, 0, 0)]
    assert [(t.delta, t.weight) for t in terms] == [(dy[0, 0, 0], w[0, 0, 0, 1]), (dy[0, 0, 1], w[0, 0, 0, 0])]
    assert sum(t.value for t in terms) == tr.dx[0, 0, 1]
    # eq. (10): dE/di22 has the four terms δ11·h22 + δ12·h21 + δ21·h12 + δ22·h11
    assert [(t.oi, t.oj, t.kh, t.kw) for t in tr.dx_terms(0, 1, 1)] == [
        (0, 0, 1, 1), (0, 1, 1, 0), (1, 0, 0, 1), (1, 1, 0, 0)]


@pytest.mark.parametrize("case", CASES[::4], ids=[str(i) for i in range(0, len(CASES), 4)])
def test_traces_agree_with_outputs(case):
    x, w, b, rng = random_problem(case, 12)
    s, pad, d = case[7], case[8], case[9]
    y = conv2d(x, w, b, s, pad, d)
    tr = conv2d_trace(x[0], w, b, s, pad, d)
    np.testing.assert_allclose(tr.output, y[0], atol=1e-12)
    assert tr.padding == resolve_padding(pad, x.shape[2:], w.shape[2:], s, d)
    f_, oh, ow = tr.output.shape
    for f, i, j in [(0, 0, 0), (f_ - 1, oh - 1, ow - 1), (f_ // 2, oh // 2, ow // 2)]:
        cell = tr.cell(f, i, j)
        assert cell.total == pytest.approx(cell.partial_sums.sum() + cell.bias, abs=1e-12)
        assert cell.total == pytest.approx(y[0, f, i, j], abs=1e-12)
        # taps read from the unpadded input agree with the window, padding taps read 0
        h, wd = x.shape[2:]
        for a, r in enumerate(cell.tap_rows):
            for q, col in enumerate(cell.tap_cols):
                rr, cc = r - tr.padding.top, col - tr.padding.left
                inside = 0 <= rr < h and 0 <= cc < wd
                assert cell.on_padding[a, q] == (not inside)
                expected = x[0, :, rr, cc] if inside else np.zeros(x.shape[1])
                np.testing.assert_array_equal(cell.window[:, a, q], expected)
        assert cell.taps.shape == (w.shape[2], w.shape[3], 2)

    dy = rng.normal(size=y.shape)
    bt = conv2d_backward_trace(dy[0], x[0], w, s, pad, d)
    dx, dw, db = conv2d_backward_naive(dy[:1], x[:1], w, s, pad, d)
    np.testing.assert_allclose(bt.dx, dx[0], atol=1e-12)
    np.testing.assert_allclose(bt.dw, dw, atol=1e-12)
    np.testing.assert_allclose(bt.db, db, atol=1e-12)
    top, left = bt.padding.top, bt.padding.left
    np.testing.assert_allclose(bt.dx_padded[:, top:top + x.shape[2], left:left + x.shape[3]], bt.dx, atol=1e-12)
    np.testing.assert_array_equal(bt.w_rot180, w[:, :, ::-1, ::-1])
    np.testing.assert_array_equal(bt.dy_zero_inserted[:, ::bt.stride[0], ::bt.stride[1]], dy[0])
    assert bt.dy_padded.shape[1:] == (bt.x_padded.shape[1] + bt.dilation[0] * (w.shape[2] - 1),
                                      bt.x_padded.shape[2] + bt.dilation[1] * (w.shape[3] - 1))
    # every term list sums to its gradient
    for c, r, q in [(0, 0, 0), (x.shape[1] - 1, x.shape[2] - 1, x.shape[3] - 1), (0, x.shape[2] // 2, 1)]:
        assert sum(t.value for t in bt.dx_terms(c, r, q)) == pytest.approx(bt.dx[c, r, q], abs=1e-12)
    for f, c, a, q in [(0, 0, 0, 0), (w.shape[0] - 1, w.shape[1] - 1, w.shape[2] - 1, w.shape[3] - 1)]:
        terms = bt.dw_terms(f, c, a, q)
        assert len(terms) == y.shape[2] * y.shape[3]
        assert sum(t.value for t in terms) == pytest.approx(bt.dw[f, c, a, q], abs=1e-12)
    # the scatter contributions summed onto the padded grid reproduce dx_padded
    acc = np.zeros_like(bt.dx_padded)
    for i in range(y.shape[2]):
        for j in range(y.shape[3]):
            acc[:, bt.rows[i][:, None], bt.cols[j][None, :]] += bt.contributions[:, i, j].sum(axis=0)
    np.testing.assert_allclose(acc, bt.dx_padded, atol=1e-12)


def test_traces_are_read_only():
    tr = conv2d_trace(np.ones((1, 3, 3)), np.ones((1, 1, 2, 2)))
    with pytest.raises(ValueError):
        tr.output[0, 0, 0] = 5.0
    with pytest.raises(AttributeError):
        tr.output = None  # type: ignore[misc]


def test_bad_arguments():
    x, w = np.ones((1, 2, 4, 4)), np.ones((3, 2, 3, 3))
    raises_core_error(lambda: conv2d(np.ones((2, 4, 4)), w), "bad_shape", "4 dimensions", "(2, 4, 4)")
    raises_core_error(lambda: conv2d(x, np.ones((3, 3, 3))), "bad_shape", "(3, 3, 3)")
    raises_core_error(lambda: conv2d(x, np.ones((3, 5, 3, 3))), "channel_mismatch", 2, 5)
    raises_core_error(lambda: conv2d(x, w, b=np.ones(2)), "bad_shape", "(3,)", "(2,)")
    raises_core_error(lambda: conv2d(x, w, stride=0), "not_positive", 0)
    raises_core_error(lambda: conv2d(x, w, dilation=(1, 0)), "not_positive", 0)
    raises_core_error(lambda: conv2d(x, np.ones((3, 2, 5, 5))), "kernel_too_large", 5, 4)
    raises_core_error(lambda: conv2d(x, w, dilation=3), "kernel_too_large", 7, 4)
    raises_core_error(lambda: conv2d(x, w, padding="half"), "bad_padding", "half")
    raises_core_error(lambda: conv2d(x, w, padding=(1, 2, 3)), "bad_padding", "(1, 2, 3)")
    raises_core_error(lambda: conv2d(x, w, padding=-1), "negative", -1)
    bad = x.copy()
    bad[0, 1, 2, 3] = np.nan
    raises_core_error(lambda: conv2d(bad, w), "not_finite", 1)
    raises_core_error(lambda: conv2d(x, w * np.inf), "not_finite", 54)
    raises_core_error(lambda: conv2d([["a"]], w), "bad_shape")
    raises_core_error(lambda: conv2d_backward(np.ones((1, 3, 3, 3)), x, w), "bad_shape", "(1, 3, 2, 2)", "(1, 3, 3, 3)")
    raises_core_error(lambda: input_gradient_scatter(np.ones((1, 3, 2, 2)), (1, 2, 4), w), "bad_shape", "(1, 2, 4)")
    raises_core_error(lambda: input_gradient_full_conv(np.ones((1, 3, 2, 3)), x.shape, w), "bad_shape", "(1, 3, 2, 2)")
    raises_core_error(lambda: conv2d_trace(x[0], w).cell(3, 0, 0), "out_of_range", 3, 2)
    raises_core_error(lambda: conv2d_backward_trace(np.ones((3, 2, 2)), x[0], w).dx_terms(0, 4, 0), "out_of_range", 4, 3)
    raises_core_error(lambda: sgd_step({"w": w}, {"w": w[:1]}, 0.1), "bad_shape", "(1, 2, 3, 3)")
    raises_core_error(lambda: sgd_step({"w": w}, {"v": w}, 0.1), "names_mismatch", "'v'")
    raises_core_error(lambda: sgd_step({"w": w}, {"w": w}, -0.5), "not_positive_real", "-0.5")
    raises_core_error(lambda: sgd_step({"w": w}, {"w": w}, float("nan")), "not_finite", "nan")


# --------------------------------------------------------------------------- trace API for the formula builders
@pytest.mark.parametrize("case", CASES[::2], ids=[str(i) for i in range(0, len(CASES), 2)])
def test_input_index_maps_padded_cells_to_the_input_they_hold(case):
    _, c, h, w, f, kh, kw, s, pad, d = case
    x = np.arange(1, c * h * w + 1, dtype=float).reshape(c, h, w)     # distinct, non-zero: a cell names itself
    tr = conv2d_trace(x, np.ones((f, c, kh, kw)), None, s, pad, d)
    back = conv2d_backward_trace(np.ones(tr.output.shape), x, np.ones((f, c, kh, kw)), s, pad, d)
    seen = set()
    for r in range(tr.x_padded.shape[1]):
        for q in range(tr.x_padded.shape[2]):
            where = tr.input_index(r, q)
            assert where == back.input_index(r, q)
            if where is None:
                assert tr.pad_mask[r, q] and tr.x_padded[0, r, q] == 0
            else:
                assert not tr.pad_mask[r, q]
                assert tr.x_padded[0, r, q] == x[0, where[0], where[1]]
                seen.add(where)
    assert len(seen) == h * w


@pytest.mark.parametrize("case", CASES[::2], ids=[str(i) for i in range(0, len(CASES), 2)])
def test_full_terms_sum_to_the_input_gradient(case):
    _, c, h, w, f, kh, kw, s, pad, d = case
    rng = np.random.default_rng(5)
    x, wt = rng.normal(size=(c, h, w)), rng.normal(size=(f, c, kh, kw))
    out = conv2d(x[None], wt, None, s, pad, d)[0]
    dy = rng.normal(size=out.shape)
    tr = conv2d_backward_trace(dy, x, wt, s, pad, d)
    dx_loop = conv2d_backward_naive(dy[None], x[None], wt, s, pad, d)[0][0]
    for cc in range(c):
        for r in range(tr.dx_padded.shape[1]):
            for q in range(tr.dx_padded.shape[2]):
                terms = tr.full_terms(cc, r, q)
                assert len(terms) == f * kh * kw
                total = sum(term.value for term in terms)
                where = tr.input_index(r, q)
                if where is not None:
                    assert total == pytest.approx(dx_loop[cc, where[0], where[1]], abs=1e-9)
                for term in terms:   # δ̃ holds δ at its source cell and 0 elsewhere
                    assert term.weight == wt[term.f, cc, kh - 1 - term.a, kw - 1 - term.b]
                    assert term.delta == (0.0 if term.source is None else dy[term.f, term.source[0], term.source[1]])


def test_full_padding_covers_rows_the_forward_never_reached():
    """The issue's example: 4×4 input, 2×2 kernel, stride 3, padding 1 -> δ̃ padded (1, 2, 1, 2)."""
    tr = conv2d_backward_trace(np.ones((1, 2, 2)), np.ones((1, 4, 4)), np.ones((1, 1, 2, 2)), 3, 1)
    assert tuple(tr.full_padding) == (1, 2, 1, 2)
    assert tr.uncovered == (1, 1)
    # the last padded row/column (index 5) is read by no window
    assert tr.rows.max() == 4 and tr.cols.max() == 4


@pytest.mark.parametrize("case", CASES[::3], ids=[str(i) for i in range(0, len(CASES), 3)])
def test_input_window_is_where_one_delta_cell_scatters(case):
    _, c, h, w, f, kh, kw, s, pad, d = case
    tr = conv2d_backward_trace(np.ones((f,) + conv2d(np.zeros((1, c, h, w)), np.zeros((f, c, kh, kw)), None,
                                                        s, pad, d).shape[2:]),
                               np.zeros((c, h, w)), np.ones((f, c, kh, kw)), s, pad, d)
    oh, ow = tr.dy.shape[1:]
    for oi in range(oh):
        for oj in range(ow):
            one = np.zeros((1, f, oh, ow))
            one[0, 0, oi, oj] = 1.0
            hit = np.argwhere(input_gradient_scatter(one, (1, c, h, w), np.ones((f, c, kh, kw)), s, pad, d)[0, 0])
            box = tr.input_window(oi, oj)
            if hit.size == 0:
                assert box is None
            else:
                assert box == (hit[:, 0].min(), hit[:, 1].min(), hit[:, 0].max(), hit[:, 1].max())
