"""The pooling page through the real app: numbers shown vs. the seeds' printed values and loop references."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_core.pool import pool2d_backward_naive, pool2d_naive
from cnn_core.worked_examples import POOL_ROUTE
from ui.i18n import translate

from .conftest import all_text, heat_z, latex_lines, no_exception, open_page, plotly_figures

SEED_X = np.array(POOL_ROUTE.inputs["x"])            # (1, 1, 4, 4)
SEED_DELTA = np.array(POOL_ROUTE.inputs["delta"])    # (1, 1, 2, 2)


latex = latex_lines


def figure(at, title_key: str, lang: str = "en", **params) -> dict:
    """The figure whose title is the translated ``title_key``."""
    title = translate(lang, title_key, **params)
    for fig in plotly_figures(at):
        if fig["layout"].get("title", {}).get("text") == title:
            return fig
    raise AssertionError(f"no figure titled {title!r}: "
                         f"{[f['layout'].get('title', {}).get('text') for f in plotly_figures(at)]}")


def open_tab(at, which: str, lang: str = "en"):
    """Open a tab of the page (forward, backward, seed; or the overlap view's gradient/counts) and rerun.

    Only the open tab is computed and drawn, so a test opens the tab whose numbers it checks.
    """
    key = "pooling.upsample_view" if which in ("gradient", "counts") else "pooling.section"
    at.session_state[key] = translate(lang, f"pooling.tab_{which}")
    at.run()
    no_exception(at)
    return at


def open_sigma_step(at, lang: str = "en"):
    """Open the backward tab and the expander with the step through the activation."""
    open_tab(at, "backward", lang)
    at.session_state["pooling.sigma"] = True
    at.run()
    no_exception(at)
    return at


z = heat_z


# --------------------------------------------------------------------------- both languages, defaults

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_in_both_languages_shows_seed_001(lang):
    at = open_page("pooling", lang)
    no_exception(at)
    assert at.title[0].value == translate(lang, "pooling.title")
    assert [tab.label for tab in at.tabs] == [translate(lang, f"pooling.tab_{k}") for k in ("forward", "backward", "seed")]
    text = all_text(at)
    for key in ("pooling.kernel_label", "pooling.stride_label", "pooling.padding_label", "pooling.forward_title",
                "pooling.conventions"):
        assert translate(lang, key) in text, key
    # forward: y11 = max(9, 1, 4, 5) = 9, the winner boxed
    assert any(r"\max(\boxed{9}, 1, 4, 5)" in s and s.rstrip("$\n ").endswith(r"&= 9 \end{aligned}")
               for s in latex(at))
    # the output heatmap equals the loop reference: seed 001's maxima are all 9
    out = figure(at, "pooling.fig_output_max", lang)
    np.testing.assert_array_equal(z(out), pool2d_naive(SEED_X, 2)[0, 0])
    np.testing.assert_array_equal(z(out), [[9, 9], [9, 9]])
    # figure titles and axes are translated
    assert out["layout"]["xaxis"]["title"]["text"] == translate(lang, "figure.col")
    windows = figure(at, "pooling.fig_windows", lang)
    assert len(windows["frames"]) == 4                        # one browser-side frame per window
    assert windows["layout"]["updatemenus"][0]["buttons"][0]["label"] == translate(lang, "figure.play")
    assert len(plotly_figures(at)) == 2                       # the default view draws only the forward pass
    # backward: the route of δ = [[2, 8], [4, 6]] is exactly the matrix seed 001 prints
    open_tab(at, "backward", lang)
    assert translate(lang, "pooling.backward_title") in all_text(at)
    up = figure(at, "pooling.fig_upsample_max", lang)
    np.testing.assert_array_equal(z(up), POOL_ROUTE.printed["max"][0, 0])
    # the seed section: both modes reproduced, said in words
    open_tab(at, "seed", lang)
    text = all_text(at)
    assert translate(lang, "pooling.seed_title") in text
    assert len(at.success) == 2
    assert all(el.value == translate(lang, "pooling.seed_matches") for el in at.success)
    assert translate(lang, "pooling.seed_restore_note") in text
    assert translate(lang, "pooling.seed_is_default") in text


def test_average_mode_reproduces_seed_001_printed_matrix():
    at = open_page("pooling", "en")
    at.radio(key="pooling.mode").set_value("avg").run()
    no_exception(at)
    out = figure(at, "pooling.fig_output_avg")
    np.testing.assert_allclose(z(out), [[4.75, 5], [5, 5]])       # (9+1+4+5)/4, (2+3+6+9)/4, ...
    assert any(r"\frac{a_{11} + a_{12} + a_{21} + a_{22}}{2 \times 2}" in s and "4.75" in s for s in latex(at))
    open_tab(at, "backward")
    up = figure(at, "pooling.fig_upsample_avg")
    np.testing.assert_array_equal(z(up), POOL_ROUTE.printed["avg"][0, 0])
    assert any(r"\frac{\delta_{11}}{2 \times 2}" in s and "0.5" in s for s in latex(at))


# --------------------------------------------------------------------------- driving the widgets

def test_overlapping_windows_accumulate_and_seed_003_overwrite_is_named():
    at = open_page("pooling", "en")
    at.slider(key="pooling.stride").set_value(1).run()
    no_exception(at)
    # the pooled output is now 3x3, so δ was replaced by an example 1..9 of that size (said on the page)
    assert at.text_area(key="pooling.delta").value.splitlines() == ["1, 2, 3", "4, 5, 6", "7, 8, 9"]
    assert translate("en", "pooling.delta_reset", rows=3, cols=3) in all_text(at)
    open_tab(at, "backward")
    delta = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    expected = pool2d_backward_naive(delta, SEED_X, 2, 1)[0, 0]
    np.testing.assert_array_equal(z(figure(at, "pooling.fig_upsample_max")), expected)
    assert expected[1, 3] == 9                                # a24 wins y13 (δ=3) and y23 (δ=6)
    open_tab(at, "counts")
    counts = z(figure(at, "pooling.fig_counts"))
    np.testing.assert_array_equal(counts, [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]])
    assert any(translate("en", "pooling.overlap_note", stride=1, kernel=2) == el.value for el in at.info)
    warning = " ".join(el.value for el in at.warning)
    assert "+=" in warning and "a₂₄ wins 2 windows" in warning and "is 9" in warning and "δ, 6" in warning
    # the per-cell sum for a24: δ13 + δ23 = 3 + 6 = 9
    at.selectbox(key="pooling.in_cell").set_value((1, 3)).run()
    no_exception(at)
    assert any(r"\delta_{13} + \delta_{23}" in s and "3 + 6" in s and s.rstrip("$\n ").endswith(r"&= 9 \end{aligned}")
               for s in latex(at))
    assert at.query_params["stride"] == ["1"] or at.query_params["stride"] == "1"


def test_choosing_an_output_cell_moves_formula_and_animation():
    at = open_page("pooling", "en")
    at.selectbox(key="pooling.out_cell").set_value((1, 0)).run()
    no_exception(at)
    # y21 = max(a31, a32, a41, a42) = max(7, 9, 3, 1) = 9 (winner a32)
    assert any(r"y_{21} &= \max(a_{31}, a_{32}, a_{41}, a_{42})" in s and r"\max(7, \boxed{9}, 3, 1)" in s
               for s in latex(at))
    assert translate("en", "pooling.winner_caption", cell="a₃₂") in all_text(at)
    windows = figure(at, "pooling.fig_windows")
    assert windows["layout"]["sliders"][0]["active"] == 2


def test_average_with_padding_counts_padded_zeros():
    at = open_page("pooling", "en", query={"mode": "avg", "kernel": "3", "stride": "2", "padding": "1"})
    no_exception(at)
    expected = pool2d_naive(SEED_X, 3, 2, 1, "avg")[0, 0]
    np.testing.assert_allclose(z(figure(at, "pooling.fig_output_avg")), expected)
    # y11: the 3x3 window holds 5 padded zeros and a11, a12, a21, a22 = 9 + 1 + 4 + 5 = 19, divided by 9
    assert expected[0, 0] == pytest.approx(19 / 9)
    assert any(r"\frac{1}{3 \times 3} \sum" in s and r"\text{pad}" in s and "2.111" in s for s in latex(at))
    # padding cells are greyed and labelled in the animated grid (6x6 padded grid)
    windows = figure(at, "pooling.fig_windows")
    assert np.array(windows["data"][0]["text"]).shape == (6, 6)
    assert windows["data"][0]["text"][0][0] == translate("en", "pooling.pad_label")


def test_max_with_padding_never_picks_padding():
    at = open_page("pooling", "en", query={"kernel": "3", "stride": "2", "padding": "1",
                                           "input": "-1,-2,-3;-4,-5,-6;-7,-8,-9"})
    no_exception(at)
    # all inputs negative: zero padding would win, -inf padding does not
    np.testing.assert_array_equal(z(figure(at, "pooling.fig_output_max")), pool2d_naive(
        -np.arange(1.0, 10.0).reshape(1, 1, 3, 3), 3, 2, 1)[0, 0])
    np.testing.assert_array_equal(z(figure(at, "pooling.fig_output_max")), [[-1, -2], [-4, -5]])  # never 0
    assert any(r"\max" in s and r"-\infty" in s and r"\boxed{-1}" in s for s in latex(at))


def test_ties_route_to_the_first_maximum():
    at = open_page("pooling", "en", query={"input": "1,1;1,1", "delta": "5"})
    no_exception(at)
    assert translate("en", "pooling.tie_note", count=4, value="1", cell="a₁₁") in all_text(at)
    expected = pool2d_backward_naive(np.array([[[[5.0]]]]), np.ones((1, 1, 2, 2)), 2)[0, 0]
    open_tab(at, "backward")
    np.testing.assert_array_equal(z(figure(at, "pooling.fig_upsample_max")), expected)
    np.testing.assert_array_equal(expected, [[5, 0], [0, 0]])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sigmoid_step_multiplies_by_the_derivative(lang):
    at = open_page("pooling", lang)
    at.selectbox(key="pooling.activation").set_value("sigmoid").run()
    no_exception(at)
    assert at.text_area(key="pooling.input").label == translate(lang, "pooling.input_label")
    open_sigma_step(at, lang)
    z_in = SEED_X[0, 0]
    sig = 1.0 / (1.0 + np.exp(-z_in))                       # independent of the core's stable sigmoid
    np.testing.assert_allclose(z(figure(at, "pooling.fig_sigma_prime", lang,
                                        activation=translate(lang, "words.act_sigmoid"))),
                               sig * (1 - sig), rtol=1e-12)
    # the pooling sees a = σ(z); σ is increasing, so the route keeps seed 001's positions
    route = z(figure(at, "pooling.fig_upsample_max", lang))
    np.testing.assert_array_equal(route, POOL_ROUTE.printed["max"][0, 0])
    np.testing.assert_allclose(z(figure(at, "pooling.fig_delta_prev", lang)), route * sig * (1 - sig), rtol=1e-12)
    # δˡ⁻¹₁₁ = 2 × σ'(9) = 2 × 0.0001234 = 0.0002468
    assert any(r"\delta^{l-1}_{11}" in s and r"2 \times 0.0001234" in s and r"&= 0.0002468 \end" in s
               for s in latex(at))


# --------------------------------------------------------------------------- bad input

BAD_MATRICES = ["a b\nc d", "1 2\n3", "nan 1\n2 3", "inf 1\n2 3", "1e309 1\n2 3", "",
                "\n".join(" ".join("1" for _ in range(13)) for _ in range(13)),
                "__import__('os')", "<b>x</b>"]


@pytest.mark.parametrize("text", BAD_MATRICES, ids=range(len(BAD_MATRICES)))
def test_bad_input_matrix_shows_an_error_and_the_rest_works(text):
    at = open_page("pooling", "en")
    at.text_area(key="pooling.input").input(text).run()
    no_exception(at)
    assert len(at.error) >= 1
    assert translate("en", "pooling.forward_needs_input") in [el.value for el in at.info]
    assert plotly_figures(at) == []                 # nothing drawn from a bad matrix
    open_tab(at, "backward")
    assert plotly_figures(at) == []
    assert translate("en", "pooling.backward_needs_forward") in [el.value for el in at.info]
    open_tab(at, "seed")
    assert len(at.success) == 2                     # the seed section still works
    assert "<b>" not in "".join(el.value for el in at.markdown)


@pytest.mark.parametrize("text", ["1 2 3\n4 5 6", "x y\n1 2", "nan 1\n2 3"])
def test_bad_delta_keeps_the_forward_pass(text):
    at = open_page("pooling", "en")
    at.text_area(key="pooling.delta").input(text).run()
    no_exception(at)
    assert len(at.error) == 1
    titles = [f["layout"]["title"]["text"] for f in plotly_figures(at)]
    assert translate("en", "pooling.fig_output_max") in titles     # the forward pass is kept
    open_tab(at, "backward")
    assert len(at.error) == 1
    assert translate("en", "pooling.backward_needs_delta") in [el.value for el in at.info]
    titles = [f["layout"]["title"]["text"] for f in plotly_figures(at)]
    assert translate("en", "pooling.fig_upsample_max") not in titles


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_impossible_parameters_explain_themselves(lang):
    at = open_page("pooling", lang)
    at.slider(key="pooling.padding").set_value(2).run()       # padding 2 > kernel 2 // 2
    no_exception(at)
    assert [el.value for el in at.error] == [translate(lang, "errors.pool_padding_too_large",
                                                       axis=translate(lang, "words.height"),
                                                       padding=2, kernel=2, limit=1)]
    open_tab(at, "seed", lang)
    assert len(at.error) == 1
    assert len(at.success) == 2
    at.slider(key="pooling.padding").set_value(0).run()
    at.slider(key="pooling.kernel").set_value(6).run()        # kernel 6 > input 4
    no_exception(at)
    assert [el.value for el in at.error] == [translate(lang, "errors.kernel_too_large",
                                                       axis=translate(lang, "words.height"),
                                                       kernel=6, padded=4)]
    open_tab(at, "backward", lang)
    assert len(at.error) == 1
    assert translate(lang, "pooling.backward_needs_forward") in [el.value for el in at.info]


# --------------------------------------------------------------------------- URL state

@pytest.mark.parametrize("query, name", [
    ({"stride": "abc"}, "stride"), ({"stride": "99"}, "stride"), ({"kernel": "0"}, "kernel"),
    ({"padding": "1.5"}, "padding"), ({"mode": "<b>x</b>"}, "mode"), ({"activation": "softplus"}, "activation"),
    ({"input": "1,2;3"}, "input"), ({"delta": "nan"}, "delta"), ({"input": "<script>alert(1)</script>"}, "input"),
])
def test_bad_link_values_warn_and_use_defaults(query, name):
    at = open_page("pooling", "en", query=query)
    no_exception(at)
    assert len(at.warning) == 1
    assert "<b>" not in at.warning[0].value and "<script>" not in at.warning[0].value
    # every default back in place: seed 001's example
    assert at.slider(key="pooling.stride").value == 2
    assert at.slider(key="pooling.kernel").value == 2
    assert at.radio(key="pooling.mode").value == "max"
    open_tab(at, "backward")
    np.testing.assert_array_equal(z(figure(at, "pooling.fig_upsample_max")), POOL_ROUTE.printed["max"][0, 0])


def test_link_sets_every_parameter():
    at = open_page("pooling", "zh", query={"mode": "avg", "kernel": "3", "stride": "1", "padding": "1",
                                           "activation": "relu", "input": "1,2,3;4,5,6;7,8,9",
                                           "delta": "1,0,0;0,0,0;0,0,1"})
    no_exception(at)
    assert not at.warning
    assert at.radio(key="pooling.mode").value == "avg"
    assert at.selectbox(key="pooling.activation").value == "relu"
    x = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    dy = np.array([[[[1.0, 0, 0], [0, 0, 0], [0, 0, 1]]]])
    np.testing.assert_allclose(z(figure(at, "pooling.fig_output_avg", "zh")), pool2d_naive(x, 3, 1, 1, "avg")[0, 0])
    open_tab(at, "backward", "zh")
    np.testing.assert_allclose(z(figure(at, "pooling.fig_upsample_avg", "zh")),
                               pool2d_backward_naive(dy, x, 3, 1, 1, "avg")[0, 0])
