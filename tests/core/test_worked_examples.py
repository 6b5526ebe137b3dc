"""Every worked example of the seeds (cnn_core.worked_examples.ALL_EXAMPLES) reproduced by the core."""

from __future__ import annotations


import numpy as np
import pytest

from cnn_core import worked_examples as wx
from cnn_core.activations import activate
from cnn_core.autodiff import chain_paths, forward_mode, reverse_mode, sigmoid_graph
from cnn_core.pool import pool2d, pool2d_backward, pool2d_trace

def check_conv_4x4(ex: wx.WorkedExample) -> None:
    from cnn_core.conv import conv2d
    x, w = ex.inputs["x"], ex.inputs["w"]
    net = conv2d(x, w, stride=ex.params["stride"], padding=ex.params["padding"])
    assert net.shape == (1, 1, 3, 3)
    assert net[0, 0, 0, 0] == ex.printed["net_o11"]
    # the text's sum uses only the four cells it prints: the supplied cells must not matter
    (r0, c0), (r1, c1) = ex.inputs["from_text"][0], ex.inputs["from_text"][-1]
    assert net[0, 0, 0, 0] == float(np.sum(x[0, 0, r0:r1 + 1, c0:c1 + 1] * w[0, 0]))
    assert activate(ex.params["activation"], net)[0, 0, 0, 0] == ex.printed["out_o11"]


def check_conv_5x5x3(ex: wx.WorkedExample) -> None:
    from cnn_core.conv import conv2d, conv2d_backward
    x, w, b, delta = (ex.inputs[k] for k in ("x", "w", "b", "delta"))
    s, p, lr = ex.params["stride"], ex.params["padding"], ex.params["lr"]
    y = activate(ex.params["activation"], conv2d(x, w, b, stride=s, padding=p))
    np.testing.assert_array_equal(y, ex.printed["y"])
    _, dw, db = conv2d_backward(delta, x, w, stride=s, padding=p)
    # the text prints three decimals; an SGD step of 0.001 × an integer gradient is exact to rounding
    np.testing.assert_allclose(w - lr * dw, ex.printed["w_after"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(b - lr * db, ex.printed["b_after"], rtol=0, atol=1e-12)


def check_pool_route(ex: wx.WorkedExample) -> None:
    x, delta = ex.inputs["x"], ex.inputs["delta"]
    k, s = ex.params["kernel"], ex.params["stride"]
    np.testing.assert_array_equal(pool2d_backward(delta, x, k, s, mode="max"), ex.printed["max"])
    np.testing.assert_array_equal(pool2d_backward(delta, x, k, s, mode="avg"), ex.printed["avg"])
    # the supplied input really puts the maxima where the text says: 左上, 右下, 右上, 左下
    trace = pool2d_trace(x[0, 0], k, s)
    corners = [(w.winner[0] - w.rows[0], w.winner[1] - w.cols[0]) for w in trace.windows]
    assert corners == [(0, 0), (1, 1), (0, 1), (1, 0)]
    assert pool2d(x, k, s).shape == delta.shape


def check_autodiff(ex: wx.WorkedExample) -> None:
    g = sigmoid_graph(**ex.inputs)
    assert forward_mode(g, "w").result == ex.printed["df_dw"]
    assert reverse_mode(g).gradient("w") == ex.printed["df_dw"]
    (path,) = chain_paths(g, "w")
    assert tuple(f.value for f in path.factors) == ex.printed["chain"]


CHECKS = {
    wx.CONV_4X4.key: check_conv_4x4,
    wx.CONV_5X5X3.key: check_conv_5x5x3,
    wx.POOL_ROUTE.key: check_pool_route,
    wx.AUTODIFF_SIGMOID.key: check_autodiff,
}


@pytest.mark.parametrize("example", wx.ALL_EXAMPLES, ids=[e.key for e in wx.ALL_EXAMPLES])
def test_example_is_reproduced(example):
    check = CHECKS.get(example.key)
    assert check is not None, f"no reproduction written for worked example {example.key!r}"
    check(example)


def test_every_example_names_an_existing_seed_section():
    import pathlib
    seeds = pathlib.Path(__file__).resolve().parents[3] / "shared" / "seeds"
    for ex in wx.ALL_EXAMPLES:
        assert ex.key and ex.section and ex.printed
        if seeds.is_dir():
            assert (seeds / ex.seed).is_file(), ex.seed
