"""Convolution backward page through the real app.py: numbers against the loop reference and seed 003."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_core.conv import conv2d_backward_naive
from cnn_core.worked_examples import CONV_4X4, CONV_5X5X3
from ui.i18n import explain_error, translate
from ui.latex import latex_matrix
from ui.matrix_input import parse_matrix

from .conftest import all_text, figure_titled, heat_z, latex_lines, no_exception, open_page, plotly_figures

PAGE = "conv_backward"
SEED_DELTA = CONV_5X5X3.inputs["delta"][0, 0]          # seed 003's 3×3 sensitivity map


_latex, _figure, _z = latex_lines, figure_titled, heat_z


def _open(at, section: str, lang: str = "en", way: str | None = None):
    """Open a section tab (dx, act, dw, sgd, check) and, in the ∂E/∂x tab, a way (way1..way3), then rerun."""
    at.session_state[f"{PAGE}.section"] = translate(lang, f"conv_backward.tab_{section}")
    if way is not None:
        at.session_state[f"{PAGE}.way"] = translate(lang, f"conv_backward.tab_{way}")
    at.run()
    no_exception(at)
    return at


def _open_layer(at):
    """Open the lazily drawn expander with the layer's δ, x and W heatmaps."""
    at.session_state[f"{PAGE}.layer"] = True
    at.run()
    no_exception(at)
    return at


def _one_channel_reference(stride=1, padding=0, delta=SEED_DELTA, x=None, w=None):
    x = CONV_4X4.inputs["x"] if x is None else x
    w = CONV_4X4.inputs["w"] if w is None else w
    return conv2d_backward_naive(np.asarray(delta, dtype=float)[None, None], x, w, stride, padding)


# --------------------------------------------------------------------------- both languages
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("example", ["one", "multi"])
def test_page_in_both_languages(lang, example):
    at = open_page(PAGE, lang, query={"example": example})
    no_exception(at)
    assert at.title[0].value == translate(lang, "conv_backward.title")
    for key in ("dx", "act", "dw", "sgd", "check"):
        assert translate(lang, f"conv_backward.tab_{key}") in [tab.label for tab in at.tabs], key
    text, titles = all_text(at), []
    for section, way in (("dx", "way2"), ("dx", "way3"), ("dw", None), ("sgd", None), ("act", None), ("check", None)):
        _open(at, section, lang, way)
        text += "\n" + all_text(at)
        titles += [f["layout"]["title"]["text"] for f in plotly_figures(at)]
        assert not at.error and not at.warning or example == "one"   # the one-channel page shows the seed notes
    for key in ("dx_title", "way1", "way2", "way3", "dw_title", "db_title", "sgd_title", "act_title", "check_title",
                "example", "lr", "cell"):
        assert translate(lang, f"conv_backward.{key}") in text, key
    assert translate(lang, "conv_backward.fig_dx_padded") in titles


# --------------------------------------------------------------------------- numbers, one channel
def test_chain_rule_of_seed_eq7_with_values():
    at = open_page(PAGE, "en")
    dx, _, _ = _one_channel_reference()
    line = next(v for v in _latex(at) if r"\frac{\partial E}{\partial i_{12}}" in v and r"\tilde" not in v)
    # seed 003 eq. (7): ∂E/∂i12 = δ11·h12 + δ12·h11
    assert r"\delta_{11}\cdot h_{12} + \delta_{12}\cdot h_{11}" in line
    assert r"0\times(-1) + 1\times1" in line
    assert line.rstrip("$ \n").endswith(f"&= {int(dx[0, 0, 0, 1])} \\end{{aligned}}")


def test_seed_eq8_is_corrected_with_the_core_terms():
    at = open_page(PAGE, "en")
    note = next(w.value for w in at.warning if "(8)" in w.value)
    assert "δ₁₂·h₁₂ + δ₁₃·h₁₁" in note
    at.selectbox(key=f"{PAGE}.cell").set_value("1,3").run()
    no_exception(at)
    line = next(v for v in _latex(at) if r"\frac{\partial E}{\partial i_{13}}" in v and r"\tilde" not in v)
    assert r"\delta_{12}\cdot h_{12} + \delta_{13}\cdot h_{11}" in line
    dx, _, _ = _one_channel_reference()
    assert line.rstrip("$ \n").endswith(f"&= {int(dx[0, 0, 0, 2])} \\end{{aligned}}")


def test_full_convolution_result_and_agreement():
    at = _open(open_page(PAGE, "en"), "dx", way="way3")
    dx, _, _ = _one_channel_reference()
    np.testing.assert_array_equal(_z(_figure(at, translate("en", "conv_backward.fig_dx_padded"))), dx[0, 0])
    padded = _figure(at, translate("en", "conv_backward.fig_padded1"))
    # δ padded by k-1 = 1 zero on every side (stride 1): 5×5, δ in the middle
    z = _z(padded)
    assert z.shape == (5, 5)
    np.testing.assert_array_equal(z[1:4, 1:4], SEED_DELTA)
    assert z[0].sum() == 0 and z[:, 0].sum() == 0 and z[-1].sum() == 0 and z[:, -1].sum() == 0
    assert len(padded["frames"]) == 16          # one kernel position per padded-grid cell of ∂E/∂x
    rot = next(v for v in _latex(at) if r"\mathrm{rot180}" in v)
    assert latex_matrix([[-1, 1], [-1, 1]]) in rot
    assert any("agree" in s.value for s in at.success)


def test_scatter_accumulates_to_the_gradient():
    at = _open(open_page(PAGE, "en"), "dx", way="way2")
    title_after = translate("en", "conv_backward.fig_after", k=1, total=9)
    first = _z(_figure(at, title_after))
    np.testing.assert_array_equal(first, np.zeros((4, 4)))      # δ11 = 0 sends nothing
    at.slider(key=f"{PAGE}.step").set_value(2).run()
    second = _z(_figure(at, translate("en", "conv_backward.fig_after", k=2, total=9)))
    expected = np.zeros((4, 4))
    expected[0:2, 1:3] = CONV_4X4.inputs["w"][0, 0]              # δ12 = 1 sends 1·h onto its window
    np.testing.assert_array_equal(second, expected)
    at.slider(key=f"{PAGE}.step").set_value(9).run()
    last = _z(_figure(at, translate("en", "conv_backward.fig_after", k=9, total=9)))
    np.testing.assert_array_equal(last, _one_channel_reference()[0][0, 0])


def test_weight_and_bias_gradients_with_values():
    at = _open(open_page(PAGE, "en"), "dw")
    _, dw, db = _one_channel_reference()
    lines = _latex(at)
    h11 = next(v for v in lines if r"\frac{\partial E}{\partial h_{11}} &=" in v)
    # the factors are the inputs (seed eq. (13) wrote h11)
    assert r"\delta_{11}\cdot i_{11} + \delta_{12}\cdot i_{12}" in h11 and r"\delta_{33}\cdot i_{33}" in h11
    assert h11.rstrip("$ \n").endswith(f"&= {int(dw[0, 0, 0, 0])} \\end{{aligned}}")
    bias = next(v for v in lines if r"\frac{\partial E}{\partial b} &=" in v)
    assert r"\delta_{33}" in bias and "0 + 1 + 1 + 2 + 2 + 2 + 1 + 0 + 0" in bias
    assert bias.rstrip("$ \n").endswith(f"&= {int(db[0])} \\end{{aligned}}")
    at.selectbox(key=f"{PAGE}.weight").set_value("2,2").run()
    h22 = next(v for v in _latex(at) if r"\frac{\partial E}{\partial h_{22}} &=" in v)
    assert h22.rstrip("$ \n").endswith(f"&= {int(dw[0, 0, 1, 1])} \\end{{aligned}}")
    notes = " ".join(w.value for w in at.warning)
    assert "(13)" in notes and "(14)" in notes and "(15)" in notes


def test_finite_difference_checks_pass():
    at = _open(open_page(PAGE, "en"), "check")
    checks = [c.value for c in at.caption if "Finite-difference" in c.value]
    assert len(checks) == 3 and all("passed" in c and c.startswith(":material/check_circle:") for c in checks)


def test_activation_step_uses_sigma_prime_written_through_the_input():
    """x = aˡ⁻¹ = σ(zˡ⁻¹): σ'(zˡ⁻¹) is computed from x (sigmoid: x(1 − x)), as the text's code does."""
    at = _open(open_page(PAGE, "en"), "act")
    # ReLU: 𝟙[x > 0]; i12 = 0 -> 0
    line = next(v for v in _latex(at) if r"\sigma'(z_{12})" in v and "aligned" in v)
    assert r"1 \times 0" in line
    assert any("δˡ⁻¹ = ∂E/∂zˡ⁻¹" in c.value and "passed" in c.value for c in at.caption)
    at.selectbox(key=f"{PAGE}.activation").set_value("sigmoid").run()
    no_exception(at)
    # i12 = 0 is no sigmoid output: the factor 0·(1 − 0) = 0 is shown, with a warning, and no check
    line = next(v for v in _latex(at) if r"\sigma'(z_{12})" in v and "aligned" in v)
    assert r"1 \times 0" in line and line.rstrip("$ \n").endswith(r"&= 0 \end{aligned}")
    assert any("cannot be an output of sigmoid" in w.value for w in at.warning)
    assert not any("δˡ⁻¹ = ∂E/∂zˡ⁻¹" in c.value for c in at.caption)
    assert at.query_params["activation"] in (["sigmoid"], "sigmoid")


def test_sigmoid_step_on_real_sigmoid_outputs_matches_finite_differences():
    x = "0.5,0.25,0.5,0.75;0.5,0.5,0.25,0.5;0.75,0.5,0.5,0.25;0.5,0.25,0.75,0.5"
    at = _open(open_page(PAGE, "zh", query={"activation": "sigmoid", "x": x}), "act", "zh")
    no_exception(at)
    xv = np.array([[float(v) for v in row.split(",")] for row in x.split(";")])
    dx, _, _ = _one_channel_reference(x=xv[None, None])
    line = next(v for v in _latex(at) if r"\sigma'(z_{12})" in v and "aligned" in v)
    # σ'(z) = x(1 − x) = 0.25·0.75 = 0.1875 at i12 = 0.25; δ = ∂E/∂i12 · 0.1875
    assert r"\times 0.1875" in line
    assert dx[0, 0, 0, 1] == 1 and line.rstrip("$ \n").endswith(r"&= 0.1875 \end{aligned}")
    assert not at.warning
    assert any(translate("zh", "conv_backward.passed") in c.value and "σ⁻¹" in c.value for c in at.caption)


def test_stride_two_needs_a_smaller_delta_and_dilates_it():
    at = open_page(PAGE, "en")
    at.slider(key=f"{PAGE}.stride").set_value(2).run()
    no_exception(at)
    assert any("2×2" in e.value for e in at.error)           # δ must now be 2×2
    assert translate("en", "conv_backward.skipped") in [i.value for i in at.info]
    at.button(key=f"{PAGE}.fit").click().run()
    no_exception(at)
    assert not at.error
    delta = parse_matrix(at.text_area(key=f"{PAGE}.delta").value).matrix
    assert delta.shape == (2, 2)
    _open(at, "dx", way="way3")
    dx, _, _ = _one_channel_reference(stride=2, delta=delta)
    np.testing.assert_array_equal(_z(_figure(at, translate("en", "conv_backward.fig_dx_padded"))), dx[0, 0])
    padded = _z(_figure(at, translate("en", "conv_backward.fig_padded1")))
    # one zero inserted between δ's cells, then k-1 = 1 around; stride 2 leaves input row/col 4 uncovered
    assert padded.shape == (5, 5)
    assert padded[1, 1] == delta[0, 0] and padded[1, 3] == delta[0, 1] and padded[3, 3] == delta[1, 1]
    assert padded[2].sum() == 0 and padded[:, 2].sum() == 0
    assert at.query_params["stride"] in (["2"], "2")


def test_padding_crops_the_gradient():
    at = open_page(PAGE, "en", query={"padding": "1", "delta": "1,0,0,0,1;0,1,0,0,0;0,0,1,0,0;0,0,0,2,0;1,0,0,0,1"})
    no_exception(at)
    delta = np.array([[1, 0, 0, 0, 1], [0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 2, 0], [1, 0, 0, 0, 1]], float)
    dx, dw, _ = _one_channel_reference(padding=1, delta=delta)
    _open(at, "dx", way="way3")
    fig = _figure(at, translate("en", "conv_backward.fig_dx_padded"))
    z = _z(fig)
    assert z.shape == (6, 6)
    np.testing.assert_array_equal(z[1:5, 1:5], dx[0, 0])
    _open(at, "dw")
    h11 = next(v for v in _latex(at) if r"\frac{\partial E}{\partial h_{11}} &=" in v)
    assert r"\underline{0}" in h11                              # taps on the padding
    assert h11.rstrip("$ \n").endswith(f"&= {int(dw[0, 0, 0, 0])} \\end{{aligned}}")


# --------------------------------------------------------------------------- seed 003's 5×5×3 and SGD
def test_multi_channel_sgd_step_reproduces_seed_003():
    at = _open(open_page(PAGE, "en", query={"example": "multi"}), "sgd")
    ok = [s.value for s in at.success if "reproduced" in s.value]
    assert len(ok) == 2
    assert "0.991" in ok[0] and "-0.007" in ok[1]
    lines = _latex(at)
    printed = CONV_5X5X3.printed["w_after"]          # (F, C, 3, 3)
    for f in range(2):
        for c in range(3):
            computed = next(v for v in lines if f"W^{{({f + 1},{c + 1})}} - 0.001" in v)
            assert computed.rstrip("$ \n").endswith(latex_matrix(printed[f, c]))
    assert any(r"&= 0.991 \end{aligned}" in v for v in lines)
    assert any(r"&= -0.007 \end{aligned}" in v for v in lines)


def test_multi_channel_gradients_match_the_loop_reference():
    at = open_page(PAGE, "en", query={"example": "multi", "filter": "2", "channel": "3", "cell": "3,3"})
    no_exception(at)
    ex = CONV_5X5X3
    dx, dw, db = conv2d_backward_naive(ex.inputs["delta"], ex.inputs["x"], ex.inputs["w"], 2, 1)
    lines = _latex(at)
    chain = next(v for v in lines if r"\frac{\partial E}{\partial x_{333}} &=" in v and r"\tilde" not in v)
    assert chain.rstrip("$ \n").endswith(f"&= {int(dx[0, 2, 2, 2])} \\end{{aligned}}")
    lines = _latex(_open(at, "dx", way="way3"))
    full = next(v for v in lines if r"\frac{\partial E}{\partial x_{333}} &=" in v and r"\tilde" in v)
    assert full.rstrip("$ \n").endswith(f"&= {int(dx[0, 2, 2, 2])} \\end{{aligned}}")
    np.testing.assert_array_equal(
        _z(_figure(at, translate("en", "conv_backward.fig_dx_padded")))[1:6, 1:6], dx[0, 2])
    lines = _latex(_open(at, "dw"))
    w11 = next(v for v in lines if r"\frac{\partial E}{\partial w_{11}^{(2,3)}} &=" in v)
    assert w11.rstrip("$ \n").endswith(f"&= {int(dw[1, 2, 0, 0])} \\end{{aligned}}")
    for f in range(2):
        b = next(v for v in lines if rf"\frac{{\partial E}}{{\partial b_{{{f + 1}}}}} &=" in v)
        assert b.rstrip("$ \n").endswith(f"&= {int(db[f])} \\end{{aligned}}")
    _open(at, "check")
    checks = [c.value for c in at.caption if "Finite-difference" in c.value]
    assert len(checks) == 3 and all("passed" in c for c in checks)


def test_other_learning_rate_is_not_the_printed_one():
    at = _open(open_page(PAGE, "en", query={"example": "multi"}), "sgd")
    at.number_input(key=f"{PAGE}.lr").set_value(0.01).run()
    no_exception(at)
    assert any("0.01" in i.value for i in at.info)
    assert not [s.value for s in at.success if "reproduced" in s.value]
    assert len([w.value for w in at.warning if "not reproduced" in w.value]) == 2
    assert any(r"&= 0.91 \end{aligned}" in v for v in _latex(at))   # b1 = 1 - 0.01·9


# --------------------------------------------------------------------------- bad input
BAD_TEXTS = ["a b\nc d", "1 2\n3", "nan 1\n1 1", "inf 1\n1 1", "1e309 1\n1 1", "",
             "\n".join(" ".join(["1"] * 13) for _ in range(13)), "__import__('os')", "<b>x</b>"]


@pytest.mark.parametrize("text", BAD_TEXTS, ids=["letters", "ragged", "nan", "inf", "1e309", "empty",
                                                  "13x13", "import", "html"])
@pytest.mark.parametrize("field", ["x", "w", "delta"])
def test_bad_matrix_shows_an_error_and_the_rest_renders(field, text):
    at = _open_layer(open_page(PAGE, "en"))
    at.text_area(key=f"{PAGE}.{field}").input(text).run()
    no_exception(at)
    assert at.error, "a bad matrix must show an error"
    assert all("<b>" not in e.proto.body or "\\<b" in e.proto.body for e in at.error)
    # the other two matrices are still drawn, the gradient sections say why they wait
    titles = [f["layout"]["title"]["text"] for f in plotly_figures(at)]
    others = {"x": ("fig_delta1", "fig_w1"), "w": ("fig_delta1", "fig_x1"), "delta": ("fig_x1", "fig_w1")}[field]
    for key in others:
        assert translate("en", f"conv_backward.{key}") in titles
    assert translate("en", "conv_backward.skipped") in [i.value for i in at.info]
    assert at.title[0].value == translate("en", "conv_backward.title")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_kernel_larger_than_the_input_is_explained(lang):
    at = _open_layer(open_page(PAGE, lang))
    at.text_area(key=f"{PAGE}.w").input("1 1 1 1 1\n1 1 1 1 1\n1 1 1 1 1\n1 1 1 1 1\n1 1 1 1 1").run()
    no_exception(at)
    from cnn_core.arithmetic import conv_output_shape
    with pytest.raises(ValueError) as err:
        conv_output_shape((4, 4), (5, 5), 1, 0)
    assert explain_error(err.value, lang) in [e.value for e in at.error]
    assert translate(lang, "conv_backward.fig_x1") in [f["layout"]["title"]["text"] for f in plotly_figures(at)]


def test_delta_of_the_wrong_size_is_explained_and_fixable():
    at = open_page(PAGE, "zh")
    at.text_area(key=f"{PAGE}.delta").input("1 2\n3 4").run()
    no_exception(at)
    assert translate("zh", "conv_backward.delta_shape", oh=3, ow=3, rows=2, cols=2) in [e.value for e in at.error]
    at.button(key=f"{PAGE}.fit").click().run()
    assert not at.error
    np.testing.assert_array_equal(parse_matrix(at.text_area(key=f"{PAGE}.delta").value).matrix, SEED_DELTA)


# --------------------------------------------------------------------------- bad links
@pytest.mark.parametrize("query, key, default", [
    ({"stride": "abc"}, "stride", 1),
    ({"stride": "9"}, "stride", 1),
    ({"padding": "-1"}, "padding", 0),
    ({"example": "<b>x</b>"}, "example", "one"),
    ({"lr": "nan"}, "lr", 0.001),
    ({"lr": "1e309"}, "lr", 0.001),
    ({"activation": "<script>alert(1)</script>"}, "activation", "relu"),
    ({"cell": "99,99"}, "cell", "1,2"),
    ({"x": "1,2;3"}, "x", None),
])
def test_bad_link_values_warn_and_use_the_default(query, key, default):
    at = open_page(PAGE, "en", query=query)
    no_exception(at)
    assert at.warning, "a bad link value must show a warning"
    bad = [w.value for w in at.warning if "link" in w.value]
    assert len(bad) == 1 and "<b>" not in bad[0] and "<script>" not in bad[0]
    if default is not None:
        assert at.session_state[f"{PAGE}.{key}"] == default
    assert translate("en", "conv_backward.dx_title") in [s.value for s in at.subheader]


def test_link_restores_the_setup():
    at = open_page(PAGE, "zh", query={"example": "multi", "filter": "2", "channel": "2", "weight": "3,1",
                                      "activation": "tanh", "lr": "0.002"})
    no_exception(at)
    assert not at.warning                                         # no complaint about the link
    _open(at, "sgd", "zh")
    # no complaint about the link; the only warnings say η = 0.002 is not the printed run
    assert [w.value for w in at.warning] == [
        translate("zh", "conv_backward.not_reproduced", n=f, err="0.33", b_printed=bp, b_new=bn)
        for f, bp, bn in ((1, "0.991", "0.982"), (2, "-0.007", "-0.014"))]
    assert at.radio(key=f"{PAGE}.example").value == "multi"
    assert at.selectbox(key=f"{PAGE}.filter").value == 2
    assert any(r"&= 1 - 0.002 \times 9" in v for v in _latex(at))
    _open(at, "dw", "zh")
    assert any(r"\frac{\partial E}{\partial w_{31}^{(2,2)}} &=" in v for v in _latex(at))
