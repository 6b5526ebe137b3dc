"""The library snippets reproduce cnn_core's numbers: NumPy ones always run here, PyTorch ones where installed.

The app never executes these texts; only these tests do (``exec`` in a fresh namespace).
"""

import ast
import contextlib
import io
import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from cnn_core.conv import conv2d, conv2d_backward
from cnn_core.pool import pool2d, pool2d_backward
from cnn_core.transposed import conv_transpose2d
from ui.i18n import LANGUAGES, translate
from ui.library_code import (array_literal, conv2d_backward_code, conv2d_code, conv_transpose2d_code, pool2d_code)

RNG = np.random.default_rng(7)
X3 = RNG.integers(-3, 4, size=(3, 5, 5)).astype(float)
W3 = RNG.integers(-2, 3, size=(2, 3, 3, 3)).astype(float)
B3 = np.array([1.0, 0.0])
X1 = np.array([[1, 2, 0, 1], [0, 1, 3, 1], [2, 0, 1, 0], [1, 1, 0, 2]], dtype=float)
W1 = np.array([[1, 0], [0, -0.5]])

# (x, w, b, stride, padding, dilation): the pages' settings, incl. asymmetric SAME and dilation
CONV_CASES = [
    (X1, W1, None, 1, 0, 1),
    (X3, W3, B3, 2, 1, 1),                       # the CS231n demo setting
    (X3, W3, B3, 2, (0, 1, 0, 1), 1),            # SAME, stride 2, 5 -> 3: one extra row/col bottom/right
    (X3, W3[:, :, :2, :], None, (1, 2), (1, 2), (2, 1)),
    (X1 / 3, W1 * 0.1, None, 1, 1, 1),           # numbers that need all their digits
]


def run(code: str) -> dict:
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "<snippet>", "exec"), namespace)  # noqa: S102 - test only
    return namespace


def _core_padding(padding):
    if isinstance(padding, tuple) and len(padding) == 4:
        return padding
    return padding


@pytest.mark.parametrize("x, w, b, stride, padding, dilation", CONV_CASES)
def test_numpy_conv_snippet_gives_the_cores_numbers(x, w, b, stride, padding, dilation):
    code = conv2d_code(x, w, b, stride=stride, padding=padding, dilation=dilation)
    xn = x[None] if x.ndim == 3 else x[None, None]
    wn = w if w.ndim == 4 else w[None, None]
    expected = conv2d(xn, wn, b, stride, padding, dilation)[0]
    np.testing.assert_allclose(run(code.numpy)["y"], expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("x, w, b, stride, padding, dilation", CONV_CASES)
def test_numpy_conv_backward_snippet(x, w, b, stride, padding, dilation):
    xn = x[None] if x.ndim == 3 else x[None, None]
    wn = w if w.ndim == 4 else w[None, None]
    y = conv2d(xn, wn, b, stride, padding, dilation)
    dy = np.random.default_rng(1).integers(-3, 4, size=y.shape).astype(float)
    ns = run(conv2d_backward_code(x, w, dy[0], b, stride=stride, padding=padding, dilation=dilation).numpy)
    dx, dw, db = conv2d_backward(dy, xn, wn, stride, padding, dilation)
    np.testing.assert_allclose(ns["dx"], dx[0], atol=1e-12)
    np.testing.assert_allclose(ns["dw"], dw, atol=1e-12)
    if b is not None:
        np.testing.assert_allclose(ns["db"], db, atol=1e-12)
    else:
        assert "db" not in ns


POOL_CASES = [("max", 2, None, 0), ("avg", 2, None, 0), ("max", 3, 1, 1), ("avg", 3, 2, 1), ("max", (2, 3), (1, 2), 0)]


@pytest.mark.parametrize("mode, kernel, stride, padding", POOL_CASES)
def test_numpy_pool_snippets(mode, kernel, stride, padding):
    x = np.array([[1, 3, 3, 0, 2], [2, 3, 1, 1, 0], [0, 1, 4, 4, 2], [2, 2, 0, 1, 1], [1, 0, 2, 2, 3]], float)  # ties
    xn = x[None, None]
    y = pool2d(xn, kernel, stride, padding, mode)
    np.testing.assert_allclose(run(pool2d_code(x, kernel, stride, padding, mode).numpy)["y"], y[0], atol=1e-12)
    dy = np.arange(1.0, y.size + 1).reshape(y.shape)
    ns = run(pool2d_code(x, kernel, stride, padding, mode, dy=dy[0]).numpy)
    np.testing.assert_allclose(ns["dx"], pool2d_backward(dy, xn, kernel, stride, padding, mode)[0], atol=1e-12)


TRANSPOSED_CASES = [
    (np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 0.5], [-1.0, 2.0]]), None, 2, 0, 0, 1),
    (RNG.integers(-2, 3, size=(2, 3, 3)).astype(float), RNG.integers(-2, 3, size=(2, 3, 3, 3)).astype(float),
     np.array([0.5, 0, -1]), 2, 1, 1, 1),
    (RNG.integers(-2, 3, size=(1, 3, 3)).astype(float), RNG.integers(-2, 3, size=(1, 1, 3, 3)).astype(float),
     None, 2, (0, 1, 0, 1), 0, 1),
    (RNG.integers(-2, 3, size=(1, 3, 3)).astype(float), RNG.integers(-2, 3, size=(1, 2, 2, 2)).astype(float),
     None, 1, 0, 0, 2),
]


@pytest.mark.parametrize("z, w, b, stride, padding, output_padding, dilation", TRANSPOSED_CASES)
def test_numpy_transposed_snippet(z, w, b, stride, padding, output_padding, dilation):
    zn = z[None] if z.ndim == 3 else z[None, None]
    wn = w if w.ndim == 4 else w[None, None]
    expected = conv_transpose2d(zn, wn, b, stride, padding, output_padding, dilation)[0]
    code = conv_transpose2d_code(z, w, b, stride=stride, padding=padding, output_padding=output_padding,
                                 dilation=dilation)
    np.testing.assert_allclose(run(code.numpy)["y"], expected, atol=1e-12)


def test_numbers_are_written_exactly():
    x = np.array([[0.1, 1 / 3], [-2.5e-7, 1e20]])
    literal = array_literal(x)
    assert np.array_equal(np.array(ast.literal_eval(literal)), x)  # test-only parse of the text
    code = conv2d_code(x, np.array([[1 / 7]]))
    assert "0.3333333333333333" in code.torch and "0.14285714285714285" in code.numpy
    assert "1.0000" not in code.torch


def test_snippets_name_the_library_calls_and_layouts():
    assert "F.conv2d(x, w, b, stride=(2, 2), padding=(1, 1), dilation=(1, 1))" in conv2d_code(
        X3, W3, B3, stride=2, padding=1).torch
    same = conv2d_code(X3, W3, B3, stride=2, padding=(0, 1, 0, 1)).torch
    assert "F.pad(x, (0, 1, 0, 1))" in same and "F.conv2d(xp, w, b" in same
    assert "count_include_pad=True" in pool2d_code(X1, 2, mode="avg").torch
    assert "y.backward(delta)" in conv2d_backward_code(X1, W1, np.ones((3, 3))).torch
    tr = conv_transpose2d_code(X3[:2], W3.transpose(1, 0, 2, 3)[:2], stride=2, padding=1, output_padding=1).torch
    assert "torch.nn.ConvTranspose2d(2, 2, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1)" in tr
    assert "(C_in, C_out, KH, KW)" in tr
    with pytest.raises(ValueError):
        pool2d_code(X1, 2, mode="median")


def test_snippets_are_valid_python():
    for code in (conv2d_code(X3, W3, B3, stride=2, padding=1), pool2d_code(X1, 2, dy=np.ones((2, 2))),
                 conv2d_backward_code(X3, W3, np.ones((2, 2, 2)), B3, stride=2),
                 conv_transpose2d_code(X1, W1, stride=2)):
        ast.parse(code.torch)
        ast.parse(code.numpy)


# --------------------------------------------------------------------------- PyTorch (where installed)

@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip(
        "torch", reason="PyTorch is not installed in the test environment (it is only in the benchmark "
                        "environment); the PyTorch snippets are run there")


@pytest.mark.parametrize("x, w, b, stride, padding, dilation", CONV_CASES)
def test_torch_conv_snippets(torch, x, w, b, stride, padding, dilation):
    xn = x[None] if x.ndim == 3 else x[None, None]
    wn = w if w.ndim == 4 else w[None, None]
    y = conv2d(xn, wn, b, stride, padding, dilation)
    np.testing.assert_allclose(run(conv2d_code(x, w, b, stride=stride, padding=padding,
                                               dilation=dilation).torch)["y"].numpy(), y, atol=1e-12)
    dy = np.random.default_rng(2).integers(-3, 4, size=y.shape).astype(float)
    ns = run(conv2d_backward_code(x, w, dy[0], b, stride=stride, padding=padding, dilation=dilation).torch)
    dx, dw, db = conv2d_backward(dy, xn, wn, stride, padding, dilation)
    np.testing.assert_allclose(ns["dx"].numpy(), dx, atol=1e-12)
    np.testing.assert_allclose(ns["dw"].numpy(), dw, atol=1e-12)
    if b is not None:
        np.testing.assert_allclose(ns["db"].numpy(), db, atol=1e-12)


@pytest.mark.parametrize("mode, kernel, stride, padding", POOL_CASES)
def test_torch_pool_snippets(torch, mode, kernel, stride, padding):
    x = np.array([[1, 3, 3, 0, 2], [2, 3, 1, 1, 0], [0, 1, 4, 4, 2], [2, 2, 0, 1, 1], [1, 0, 2, 2, 3]], float)
    y = pool2d(x[None, None], kernel, stride, padding, mode)
    dy = np.arange(1.0, y.size + 1).reshape(y.shape)
    ns = run(pool2d_code(x, kernel, stride, padding, mode, dy=dy[0]).torch)
    np.testing.assert_allclose(ns["y"].detach().numpy(), y, atol=1e-12)
    np.testing.assert_allclose(ns["dx"].numpy(), pool2d_backward(dy, x[None, None], kernel, stride, padding, mode),
                               atol=1e-12)


@pytest.mark.parametrize("z, w, b, stride, padding, output_padding, dilation", TRANSPOSED_CASES)
def test_torch_transposed_snippets(torch, z, w, b, stride, padding, output_padding, dilation):
    zn = z[None] if z.ndim == 3 else z[None, None]
    wn = w if w.ndim == 4 else w[None, None]
    expected = conv_transpose2d(zn, wn, b, stride, padding, output_padding, dilation)
    code = conv_transpose2d_code(z, w, b, stride=stride, padding=padding, output_padding=output_padding,
                                 dilation=dilation)
    np.testing.assert_allclose(run(code.torch)["y"].detach().numpy(), expected, atol=1e-12)


# --------------------------------------------------------------------------- panel (AppTest)

def _app():
    import numpy as np

    from ui.library_code import conv2d_code
    from ui.page_kit import lazy_code_panel

    lazy_code_panel("t", lambda: conv2d_code(np.eye(3), np.ones((2, 2)), stride=1, padding=0))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_panel_shows_both_snippets_and_runs_nothing(lang):
    at = AppTest.from_function(_app)
    at.session_state["lang"] = lang
    at.session_state["t.code_open"] = True   # drawn only while open
    at.run()
    assert not at.exception
    # a local tab strip (not st.tabs): both blocks drawn, the browser switches between them without the server
    from tests.pages.conftest import tab_strip_tabs

    assert not at.tabs
    assert [(tab["label"], tab["selected"]) for tab in tab_strip_tabs(at, "t", "code_view.tabs")] == [
        (translate(lang, "owndata.code_tab_torch"), True), (translate(lang, "owndata.code_tab_numpy"), False)]
    strip = [el for el in at.get("bidi_component") if el.key == "t.code_view.tabs"][0]
    assert "data-local" in strip.proto.json
    code = conv2d_code(np.eye(3), np.ones((2, 2)))
    assert [c.value for c in at.code] == [code.torch.rstrip(), code.numpy.rstrip()]
    assert at.expander[0].label == translate(lang, "owndata.code_title")
    assert re.search(r"pip install torch", at.caption[0].value)


# --------------------------------------------------------------------------- dense + softmax, sigmoid neuron

from cnn_core.autodiff import reverse_mode, sigmoid_graph  # noqa: E402
from cnn_core.dense import (cross_entropy_softmax_grad, dense_backward, dense_forward, softmax,  # noqa: E402
                            softmax_cross_entropy)
from ui.library_code import dense_softmax_ce_code, sigmoid_neuron_code  # noqa: E402

DENSE = (np.array([1.5, -1.0, 0.5]), np.array([[0.5, -0.2, 0.1], [0.3, 0.8, -0.5], [-0.5, 0.1, 0.9]]),
         np.array([0.1, 0.0, -0.2]), np.array([0.0, 1.0, 0.0]))


def _dense_reference(a, W, b, y):
    z = dense_forward(a, W, b)
    dz = cross_entropy_softmax_grad(z, y)
    da, dW, db = dense_backward(dz, a, W)
    return {"z": z, "p": softmax(z), "loss": softmax_cross_entropy(z, y), "dz": dz, "dW": dW, "db": db, "da": da}


def test_numpy_dense_snippet():
    ns = run(dense_softmax_ce_code(*DENSE).numpy)
    for name, value in _dense_reference(*DENSE).items():
        np.testing.assert_allclose(ns[name], value, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("x, w, b", [(1.0, 0.0, 0.0), (2.0, -0.5, 0.3)])
def test_numpy_sigmoid_snippet_matches_the_graph(x, w, b):
    ns = run(sigmoid_neuron_code(x, w, b).numpy)
    graph = sigmoid_graph(x, w, b)
    table = reverse_mode(graph)
    assert ns["f"] == pytest.approx(graph.nodes[-1].value, abs=1e-15)
    for leaf in ("x", "w", "b"):
        assert ns[f"df_d{leaf}"] == pytest.approx(table.gradient(leaf), abs=1e-15)
    if (x, w, b) == (1.0, 0.0, 0.0):
        assert ns["df_dw"] == 0.25  # seed 004's printed value


def test_torch_dense_snippet(torch):
    ns = run(dense_softmax_ce_code(*DENSE).torch)
    for name, value in _dense_reference(*DENSE).items():
        got = ns[name].detach().numpy() if hasattr(ns[name], "detach") else ns[name]
        np.testing.assert_allclose(got, value, atol=1e-12, err_msg=name)


def test_torch_sigmoid_snippet(torch):
    ns = run(sigmoid_neuron_code(2.0, -0.5, 0.3).torch)
    table = reverse_mode(sigmoid_graph(2.0, -0.5, 0.3))
    for leaf in ("x", "w", "b"):
        assert float(ns[f"df_d{leaf}"]) == pytest.approx(table.gradient(leaf), abs=1e-15)


# --------------------------------------------------------------------------- 1-D filters, output size

from cnn_core.arithmetic import conv_output_shape  # noqa: E402
from cnn_core.transposed import conv1d  # noqa: E402
from ui.library_code import conv1d_code, output_shape_code  # noqa: E402

SIGNAL = np.array([1.0, 2.0, 4.0, 7.0, 11.0, 16.0, 22.0])
CONV1D_CASES = [([1 / 3, 1 / 3, 1 / 3], 1, 0, 1), ([1, -2, 1], 1, 0, 1), ([1, -2, 1], 2, (1, 2), 1), ([1, 0, -1], 1, 1, 2)]
SHAPE_CASES = [((5, 5), (3, 3), 2, 1, 1), ((5, 7), (2, 3), (2, 3), (0, 1, 1, 1), 1), ((8, 8), (3, 3), 1, 0, 2)]


@pytest.mark.parametrize("w, stride, padding, dilation", CONV1D_CASES)
def test_numpy_conv1d_snippet(w, stride, padding, dilation):
    ns = run(conv1d_code(SIGNAL, np.array(w), stride=stride, padding=padding, dilation=dilation).numpy)
    np.testing.assert_allclose(ns["y"], conv1d(SIGNAL, w, stride, padding, dilation), atol=1e-12)


def test_second_difference_filter_on_a_quadratic_signal():
    # 1, 2, 4, 7, 11, ... has second differences 1: the [1, -2, 1] filter answers 1 everywhere
    np.testing.assert_array_equal(run(conv1d_code(SIGNAL, np.array([1.0, -2.0, 1.0])).numpy)["y"], np.ones(5))


@pytest.mark.parametrize("in_hw, kernel, stride, padding, dilation", SHAPE_CASES)
def test_numpy_output_shape_snippet(in_hw, kernel, stride, padding, dilation):
    ns = run(output_shape_code(in_hw, kernel, stride=stride, padding=padding, dilation=dilation).numpy)
    assert ns["shape"] == conv_output_shape(in_hw, kernel, stride, padding, dilation)


@pytest.mark.parametrize("w, stride, padding, dilation", CONV1D_CASES)
def test_torch_conv1d_snippet(torch, w, stride, padding, dilation):
    ns = run(conv1d_code(SIGNAL, np.array(w), stride=stride, padding=padding, dilation=dilation).torch)
    np.testing.assert_allclose(ns["y"].numpy()[0, 0], conv1d(SIGNAL, w, stride, padding, dilation), atol=1e-12)


@pytest.mark.parametrize("in_hw, kernel, stride, padding, dilation", SHAPE_CASES)
def test_torch_output_shape_snippet(torch, in_hw, kernel, stride, padding, dilation):
    ns = run(output_shape_code(in_hw, kernel, stride=stride, padding=padding, dilation=dilation).torch)
    assert tuple(ns["shape"])[2:] == conv_output_shape(in_hw, kernel, stride, padding, dilation)
