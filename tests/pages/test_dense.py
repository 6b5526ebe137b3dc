"""Fully connected, softmax and loss page: numbers shown against the core and closed-form values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cnn_core.activations import activate
from cnn_core.dense import cross_entropy_softmax_grad, dense_forward, softmax, softmax_cross_entropy
from ui.i18n import translate
from ui.latex import fmt_latex

from .conftest import all_text, latex_text, no_exception, open_page, plotly_figures

DEFAULT_ZPREV = np.array([1.5, -1.0, 0.5])
DEFAULT_W = np.array([[0.5, -0.2, 0.1], [0.3, 0.8, -0.5], [-0.5, 0.1, 0.9]])
DEFAULT_B = np.array([0.1, 0.0, -0.2])
DEFAULT_Y = np.array([0.0, 1.0, 0.0])


latex = latex_text


def figure(at, title_key: str, lang: str = "en") -> dict:
    title = translate(lang, title_key)
    for fig in plotly_figures(at):
        if fig["layout"].get("title", {}).get("text") == title:
            return fig
    raise AssertionError(f"no figure titled {title!r}")


TABS = ("forward", "dz", "back", "check", "seeds")


def open_tab(at, which: str, lang: str = "en"):
    """Select one of the page's lazily rendered tabs (only the open one is computed and sent)."""
    at.session_state["dense.section"] = translate(lang, f"dense.tab_{which}")
    return at.run()


def open_expander(at, name: str):
    at.session_state[f"dense.{name}"] = True
    return at.run()


def set_inputs(at, **texts):
    for name, text in texts.items():
        at.text_area(key=f"dense.{name}").input(text)
    return at.run()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_renders_in_both_languages(lang):
    at = open_page("dense", lang)
    no_exception(at)
    assert at.title[0].value == translate(lang, "dense.title")
    # the default view: the controls, the forward pass and the loss with their two figures
    default_titles = {f["layout"]["title"]["text"] for f in plotly_figures(at)}
    assert default_titles == {translate(lang, k) for k in ("dense.products_title", "dense.output_title")}
    text, titles = all_text(at), set(default_titles)
    assert translate(lang, "dense.forward_title") in text
    for which in TABS[1:]:
        open_tab(at, which, lang)
        no_exception(at)
        assert not at.error and not at.warning
        text += "\n" + all_text(at)
        titles |= {f["layout"]["title"]["text"] for f in plotly_figures(at)}
        assert len(plotly_figures(at)) <= 1, which  # a tab re-renders at most one figure
        if which == "dz":
            # figure axes are translated too
            jacobian = figure(at, "dense.jacobian_title", lang)
            assert jacobian["layout"]["xaxis"]["title"]["text"] == translate(lang, "dense.axis_z")
    for key in ("dense.loss_label", "dense.act_label", "dense.W_label", "dense.forward_title",
                "dense.dz_title", "dense.back_title", "dense.check_title", "dense.seeds_title"):
        assert translate(lang, key) in text, key
    assert titles == {translate(lang, k) for k in ("dense.products_title", "dense.output_title",
                                                    "dense.jacobian_title", "dense.dW_title")}


def test_default_numbers_match_the_core():
    at = open_page("dense", "en")
    x = activate("relu", DEFAULT_ZPREV)
    z = dense_forward(x, DEFAULT_W, DEFAULT_B)
    a = softmax(z)
    shown = latex(at)
    for value in (*z, *a, softmax_cross_entropy(z, DEFAULT_Y)):
        assert fmt_latex(value, factor=False) in shown
    # the output figure's rows are a, y and a − y (the core's closed-form gradient)
    rows = np.array(figure(at, "dense.output_title")["data"][0]["z"], dtype=float)
    np.testing.assert_allclose(rows[0], a, rtol=1e-12)
    np.testing.assert_allclose(rows[1], DEFAULT_Y)
    np.testing.assert_allclose(rows[2], cross_entropy_softmax_grad(z, DEFAULT_Y), rtol=1e-12)
    open_tab(at, "dz")
    assert translate("en", "dense.equal", diff="").split(":")[0] in at.success[0].value
    open_tab(at, "back")
    # ReLU cut the second input: a zero column in ∂L/∂W and a zero in δ⁽ˡ⁻¹⁾
    dW = np.array(figure(at, "dense.dW_title")["data"][0]["z"], dtype=float)
    assert np.all(dW[:, 1] == 0) and np.all(dW[:, 0] != 0)
    # every gradient agrees with finite differences
    open_tab(at, "check")
    table = at.dataframe[0].value
    assert list(table.iloc[:, -1]) == [translate("en", "dense.passed")] * 4


def _ends_with_result(line: str, value: float) -> bool:
    """The last step shows the value, with = or (when the rounded terms miss it) ≈."""
    last = line.rstrip().removesuffix("$$").rstrip().removesuffix(r"\end{aligned}").rstrip()
    shown = fmt_latex(value, factor=False)
    return last.endswith(rf"&= {shown}") or last.endswith(rf"&\approx {shown}")


def test_lazy_expanders_write_out_every_sum_with_the_core_numbers():
    at = open_page("dense", "en")
    x = activate("relu", DEFAULT_ZPREV)
    z = dense_forward(x, DEFAULT_W, DEFAULT_B)
    a = softmax(z)
    assert not any(r"z_{1} &=" in el.value for el in at.latex)              # closed: nothing computed or sent
    open_expander(at, "forward_rows")
    for i in range(3):
        line = next(el.value for el in at.latex if rf"z_{{{i + 1}}} &=" in el.value)
        assert _ends_with_result(line, z[i]), line
    open_tab(at, "dz")
    open_expander(at, "step3_rows")
    grad = cross_entropy_softmax_grad(z, DEFAULT_Y)
    for j in range(3):
        line = next(el.value for el in at.latex if rf"\partial z_{{{j + 1}}}}} &=" in el.value)
        assert _ends_with_result(line, grad[j]), line
    np.testing.assert_allclose(grad, a - DEFAULT_Y)
    open_tab(at, "back")
    open_expander(at, "dx_rows")
    dx = DEFAULT_W.T @ grad
    for j in range(3):
        line = next(el.value for el in at.latex if rf"\partial x_{{{j + 1}}}}} &=" in el.value)
        assert _ends_with_result(line, dx[j]), line
    open_tab(at, "check")
    assert len(at.dataframe) == 1
    open_expander(at, "check_values")
    values = at.dataframe[1].value
    analytic = [float(v) for v in values.iloc[1, 1].split(",")]                 # ∂L/∂b = δ = a − y
    np.testing.assert_allclose(analytic, grad, rtol=1e-5)


def test_two_classes_with_zero_logits_give_the_textbook_numbers():
    # z = 0: a = (1/2, 1/2), L = ln 2, J = [[1/4, -1/4], [-1/4, 1/4]], ∂L/∂a = (-2, 0), a − y = (-1/2, 1/2)
    at = open_page("dense", "en")
    at.selectbox(key="dense.act").set_value("identity")
    set_inputs(at, zprev="1, 2", W="0 0\n0 0", b="0 0", y="1 0")
    no_exception(at)
    assert not at.error
    shown = latex(at)
    assert fmt_latex(math.log(2), factor=False) == "0.6931" and "&= 0.6931" in shown
    open_tab(at, "dz")
    shown = latex(at)
    jac = np.array(figure(at, "dense.jacobian_title")["data"][0]["z"], dtype=float)
    np.testing.assert_allclose(jac, [[0.25, -0.25], [-0.25, 0.25]])
    assert r"\begin{bmatrix} -2 \\ 0 \end{bmatrix}" in shown                 # ∂L/∂a
    assert r"\begin{bmatrix} -0.5 \\ 0.5 \end{bmatrix}" in shown             # a − y and Jᵀ ∂L/∂a
    open_tab(at, "back")
    shown = latex(at)
    dW = np.array(figure(at, "dense.dW_title")["data"][0]["z"], dtype=float)
    np.testing.assert_allclose(dW, [[-0.5, -1.0], [0.5, 1.0]])               # δ xᵀ, x = (1, 2)
    assert r"\frac{\partial L}{\partial w_{11}} &= \delta_{1} x_{1} \\ &= (-0.5)\times1 \\ &= -0.5" in shown


def test_mse_keeps_the_sigmoid_factor():
    # z = 0: a = σ(0) = 1/2, σ'(0) = 1/4, y = (1, 0): δ = (−1/2·1/4, 1/2·1/4) = (−0.125, 0.125), L = 0.25
    at = open_page("dense", "en")
    at.radio(key="dense.loss").set_value("mse")
    set_inputs(at, zprev="1, 2", W="0 0\n0 0", b="0 0", y="1 0")
    no_exception(at)
    assert r"\tfrac{1}{2}\left[(0.5 - 1)^2 + (0.5 - 0)^2\right] \\ &= 0.25" in latex(at)
    open_tab(at, "dz")
    assert translate("en", "dense.mse_not_a_minus_y") in [el.value for el in at.info]
    shown = latex(at)
    assert r"\delta_{1} &= (a_{1} - y_{1})\,\sigma'(z_{1}) \\ &= (-0.5)\times0.25 \\ &= -0.125" in shown
    titles = {f["layout"]["title"]["text"] for f in plotly_figures(at)}
    assert translate("en", "dense.jacobian_title") not in titles
    open_tab(at, "check")
    assert list(at.dataframe[0].value.iloc[:, -1]) == [translate("en", "dense.passed")] * 4
    assert at.query_params["loss"] in ("mse", ["mse"])


@pytest.mark.parametrize("act, f_prime", [("relu", "1 \\\\ 0 \\\\ 1"), ("identity", "1 \\\\ 1 \\\\ 1")])
def test_previous_activation_decides_f_prime(act, f_prime):
    at = open_page("dense", "en")
    at.selectbox(key="dense.act").set_value(act).run()
    open_tab(at, "back")
    no_exception(at)
    line = next(el.value for el in at.latex if r"\delta^{(l-1)}" in el.value)
    assert rf"\begin{{bmatrix}} {f_prime} \end{{bmatrix}} \odot" in line


BAD_TEXTS = ["a b c", "1 2\n3", "nan 1", "inf 1", "1e309 1", "", "\n".join([" ".join(["1"] * 13)] * 13),
             "__import__('os')", "<b>x</b>"]


@pytest.mark.parametrize("text", BAD_TEXTS)
def test_bad_matrix_text_shows_an_error_and_the_rest_still_renders(text):
    at = open_page("dense", "en")
    set_inputs(at, W=text)
    no_exception(at)
    assert at.error, text
    assert translate("en", "dense.needs_inputs") in [el.value for el in at.info]
    assert "<b>" not in "".join(el.value for el in at.error)           # never rendered as HTML
    assert not at.latex and not plotly_figures(at)
    for which in TABS[1:]:
        open_tab(at, which)
        no_exception(at)
        assert not at.latex and not plotly_figures(at), which
        if which in ("dz", "back", "check"):
            assert translate("en", "dense.needs_loss") in [el.value for el in at.info], which
    assert translate("en", "dense.seeds_title") in [el.value for el in at.subheader]


def test_bad_target_keeps_the_forward_pass():
    at = open_page("dense", "en")
    set_inputs(at, y="0.5 0.7 0")                      # not a distribution: cross-entropy refuses
    no_exception(at)
    assert "probability distribution" in at.error[0].value
    assert r"z &= W x + b" in latex(at)
    open_tab(at, "back")
    assert translate("en", "dense.needs_loss") in [el.value for el in at.info]


def test_impossible_shapes_get_a_translated_message():
    at = open_page("dense", "zh")
    set_inputs(at, b="1 2")                             # W has 3 rows, b only 2 entries
    no_exception(at)
    assert at.error and "形状不对" in at.error[0].value


@pytest.mark.parametrize("query, name", [({"loss": "abc"}, "loss"), ({"act": "<script>x</script>"}, "act"),
                                         ({"W": "<b>1</b>"}, "W"), ({"zprev": "1,2;3,4"}, "zprev")])
def test_bad_url_values_warn_and_use_the_default(query, name):
    at = open_page("dense", "en", query=query)
    no_exception(at)
    assert len(at.warning) == 1
    assert "<script>" not in at.warning[0].value and "<b>" not in at.warning[0].value
    assert at.radio(key="dense.loss").value == "cross_entropy"
    assert at.selectbox(key="dense.act").value == "relu"
    assert at.text_area(key="dense.W").value == "0.5, -0.2, 0.1\n0.3, 0.8, -0.5\n-0.5, 0.1, 0.9"
    assert at.latex


def test_url_sets_up_the_layer():
    at = open_page("dense", "en", query={"loss": "mse", "act": "tanh", "W": "1,0;0,1", "b": "0,0",
                                          "zprev": "0,0", "y": "0,1"})
    no_exception(at)
    assert not at.warning
    assert at.radio(key="dense.loss").value == "mse"
    assert at.text_area(key="dense.W").value == "1, 0\n0, 1"
    # tanh(0) = 0 feeds z = 0, a = σ(0) = 0.5
    assert r"\begin{bmatrix} 0.5 \\ 0.5 \end{bmatrix}" in latex(at)
