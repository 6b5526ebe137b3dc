"""The pooling page through the real app: numbers shown vs. the texts' printed values and loop references.

The output cells (forward) and input cells (backward) are explained by the browser-side cell stepper: its
payload (every cell's grids, window and formula) is what these tests read.
"""

from __future__ import annotations

import html
import json
import re

import numpy as np
import pytest

from cnn_core.pool import pool2d_backward_naive
from cnn_core.worked_examples import POOL_ROUTE
from ui.exercise_view import check_query
from ui.i18n import translate

from tests.reference import pool

from .conftest import (all_text, choice_markup, choice_values, choose, chosen, heat_z, link_of, no_exception, open_page,
                       plotly_figures, preset_menus, stepper, stepper_grid, steppers)
from .conftest import pick_tab, tab_labels
from .math_boxes import claim_noted, math_box_formulas, math_box_markups, math_box_texts

SEED_X = np.array(POOL_ROUTE.inputs["x"])            # (1, 1, 4, 4)
SEED_DELTA = np.array(POOL_ROUTE.inputs["delta"])    # (1, 1, 2, 2)


def open_tab(at, which: str, lang: str = "en"):
    """Open a section of the page (forward, backward, seed) and rerun: only the open one is drawn."""
    pick_tab(at, "pooling", "section", which, translate(lang, f"pooling.tab_{which}"))
    no_exception(at)
    return at


def claim_shown(at, key: str, lang: str = "en") -> bool:
    """Whether the catalogue's note about claim ``key`` (its title, as claim_note writes it) is on the page."""
    return claim_noted(at, key)


def aria(payload: dict, k: int) -> str:
    return payload["cells"][k]["aria"]


def forward(at, lang: str = "en") -> dict:
    return stepper(at, "forward_stepper")


def backward(at, lang: str = "en") -> dict:
    return stepper(open_tab(at, "backward", lang), "backward_stepper")


# --------------------------------------------------------------------------- both languages, defaults

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_in_both_languages_shows_the_texts_example(lang):
    at = open_page("pooling", lang)
    no_exception(at)
    assert at.title[0].value == translate(lang, "pooling.title")
    assert tab_labels(at, "pooling", "section") == [translate(lang, f"pooling.tab_{k}") for k in ("forward", "backward", "seed")]
    text = all_text(at)
    for key in ("pooling.kernel_label", "pooling.stride_label", "pooling.padding_label", "pooling.forward_title",
                "pooling.conventions", "pooling.reset"):
        assert translate(lang, key) in text, key
    step = forward(at, lang)
    # y11 = max(9, 1, 4, 5) = 9; the window and the winner a11 outlined
    assert aria(step, 0) == "y₁₁ = max(a₁₁, a₁₂, a₂₁, a₂₂) = max(9, 1, 4, 5) = 9"
    assert step["cells"][0]["marks"] == [[0, 0, 0, 1, 1], [0, 0, 0, 0, 0, "winner"]]   # the window, its winner
    assert translate(lang, "pooling.winner_caption", cell="a₁₁") in step["cells"][0]["html"]
    # the output grid equals the loop reference: the text's maxima are all 9
    out = stepper_grid(step, translate(lang, "pooling.fig_output_max"))
    np.testing.assert_array_equal(out, pool(SEED_X[0, 0], 2, 2))
    assert step["labels"]["play"] == translate(lang, "pooling.stepper_play")
    assert plotly_figures(at) == []      # the default view draws no Plotly figure: the stepper is the figure
    # backward: the route of δ = [[2, 8], [4, 6]] is exactly the matrix the text prints
    back = backward(at, lang)
    assert translate(lang, "pooling.backward_title") in all_text(at)
    np.testing.assert_array_equal(stepper_grid(back, translate(lang, "pooling.fig_upsample_max")),
                                  POOL_ROUTE.printed["max"][0, 0])
    assert aria(back, 0) == "(∂L)/(∂a₁₁) = δ₁₁ = 2"
    assert aria(back, 1) == "(∂L)/(∂a₁₂) = 0"
    # the source texts: computed and printed side by side, the catalogue's notes with their verdicts
    open_tab(at, "seed", lang)
    text = all_text(at)
    assert translate(lang, "pooling.seed_title") in text
    assert claim_shown(at, "s001_pool_max", lang) and claim_shown(at, "s001_pool_avg", lang)
    assert translate(lang, "pooling.seed_is_default") in text


def test_average_mode_reproduces_the_printed_matrix():
    at = open_page("pooling", "en")
    at.radio(key="pooling.mode").set_value("avg").run()
    no_exception(at)
    step = forward(at)
    np.testing.assert_allclose(stepper_grid(step, translate("en", "pooling.fig_output_avg")), [[4.75, 5], [5, 5]])
    assert aria(step, 0) == "y₁₁ = 1/(2×2)(a₁₁ + a₁₂ + a₂₁ + a₂₂) = 1/(2×2)(9 + 1 + 4 + 5) = 4.75"
    back = backward(at)
    np.testing.assert_array_equal(stepper_grid(back, translate("en", "pooling.fig_upsample_avg")), POOL_ROUTE.printed["avg"][0, 0])
    assert aria(back, 0) == "(∂L)/(∂a₁₁) = 1/(2×2)(δ₁₁) = 1/(2×2)(2) = 0.5"


# --------------------------------------------------------------------------- driving the widgets

def test_overlapping_windows_accumulate_and_the_overwrite_claim_is_shown():
    at = open_page("pooling", "en")
    at.slider(key="pooling.stride").set_value(1).run()
    no_exception(at)
    # the pooled output is now 3x3, so δ was replaced by an example 1..9 of that size (said on the page)
    assert at.text_area(key="pooling.delta").value.splitlines() == ["1, 2, 3", "4, 5, 6", "7, 8, 9"]
    assert translate("en", "pooling.delta_reset", rows=3, cols=3) in all_text(at)
    back = backward(at)
    delta = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    expected = pool2d_backward_naive(delta, SEED_X, 2, 1)[0, 0]
    np.testing.assert_array_equal(stepper_grid(back, translate("en", "pooling.fig_upsample_max")), expected)
    assert expected[1, 3] == 9                                # a24 wins y13 (δ=3) and y23 (δ=6)
    # the per-cell sum for a24: δ13 + δ23 = 3 + 6 = 9, both δ cells outlined
    cell = back["cells"][1 * 4 + 3]
    assert cell["aria"] == "(∂L)/(∂a₂₄) = δ₁₃ + δ₂₃ = 3 + 6 = 9"
    assert [1, 0, 2, 0, 2] in cell["marks"] and [1, 1, 2, 1, 2] in cell["marks"]
    assert any(translate("en", "pooling.overlap_note", stride=1, kernel=2) == el.value for el in at.info)
    text = all_text(at)
    assert claim_shown(at, "s003_code_maxpool_overwrite")
    warning = " ".join(el.value for el in at.warning)
    assert "a₂₄ wins 2 windows" in warning and "is 9" in warning and "δ, 6" in warning
    # the window counts, drawn when their expander is opened
    at.session_state["pooling.counts"] = True
    at.run()
    counts = heat_z(plotly_figures(at)[0])
    np.testing.assert_array_equal(counts, [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]])
    assert at.query_params["stride"] in (["1"], "1")


def test_average_with_padding_counts_padded_zeros():
    at = open_page("pooling", "en", query={"mode": "avg", "kernel": "3", "stride": "2", "padding": "1"})
    no_exception(at)
    step = forward(at)
    expected = pool(SEED_X[0, 0], 3, 2, 1, "avg")
    np.testing.assert_allclose(stepper_grid(step, translate("en", "pooling.fig_output_avg")), expected)
    # y11: the 3x3 window holds 5 padded zeros and a11, a12, a21, a22 = 9 + 1 + 4 + 5 = 19, divided by 9
    assert expected[0, 0] == pytest.approx(19 / 9)
    assert aria(step, 0) == ("y₁₁ = 1/(3×3)(pad + pad + pad + pad + a₁₁ + a₁₂ + pad + a₂₁ + a₂₂) = "
                             "1/(3×3)(0 + 0 + 0 + 0 + 9 + 1 + 0 + 4 + 5) = 2.111")
    # the padded 6×6 grid, its padding hatched (mask) and its ticks in input numbers
    padded = step["grids"][0]
    assert np.array(padded["values"]).shape == (6, 6) and padded["mask"][0][0] and not padded["mask"][1][1]
    assert padded["row_labels"] == ["·", "1", "2", "3", "4", "·"]


def test_max_with_padding_never_picks_padding():
    at = open_page("pooling", "en", query={"kernel": "3", "stride": "2", "padding": "1",
                                           "input": "-1,-2,-3;-4,-5,-6;-7,-8,-9"})
    no_exception(at)
    step = forward(at)
    # all inputs negative: zero padding would win, -inf padding does not
    out = stepper_grid(step, translate("en", "pooling.fig_output_max"))
    np.testing.assert_array_equal(out, pool(-np.arange(1.0, 10.0).reshape(3, 3), 3, 2, 1))
    np.testing.assert_array_equal(out, [[-1, -2], [-4, -5]])  # never 0
    assert aria(step, 0) == "y₁₁ = max(pad, pad, pad, pad, a₁₁, a₁₂, pad, a₂₁, a₂₂) = max(−∞, −∞, −∞, −∞, −1, −2, −∞, −4, −5) = −1"
    assert step["grids"][0]["text"][0][0] == "−∞"


def test_ties_route_to_the_first_maximum():
    at = open_page("pooling", "en", query={"input": "1,1;1,1", "delta": "5"})
    no_exception(at)
    assert translate("en", "pooling.tie_note", count=4, value="1", cell="a₁₁") in forward(at)["cells"][0]["html"]
    expected = pool2d_backward_naive(np.array([[[[5.0]]]]), np.ones((1, 1, 2, 2)), 2)[0, 0]
    np.testing.assert_array_equal(stepper_grid(backward(at), translate("en", "pooling.fig_upsample_max")), expected)
    np.testing.assert_array_equal(expected, [[5, 0], [0, 0]])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sigmoid_step_multiplies_by_the_derivative(lang):
    at = open_page("pooling", lang)
    choose(at, "pooling.activation", "sigmoid")   # (in the browser the menu reruns the input and the sections alone)
    no_exception(at)
    assert at.text_area(key="pooling.input").label == translate(lang, "pooling.input_label")
    back = backward(at, lang)
    act = translate(lang, "words.act_sigmoid")
    z_in = SEED_X[0, 0]
    sig = 1.0 / (1.0 + np.exp(-z_in))                       # independent of the core's stable sigmoid
    np.testing.assert_allclose(stepper_grid(back, translate(lang, "pooling.fig_sigma_prime", activation=act)),
                               sig * (1 - sig), rtol=1e-12)
    # the pooling sees a = σ(z); σ is increasing, so the route keeps the text's positions
    route = stepper_grid(back, translate(lang, "pooling.fig_upsample_max"))
    np.testing.assert_array_equal(route, POOL_ROUTE.printed["max"][0, 0])
    np.testing.assert_allclose(stepper_grid(back, translate(lang, "pooling.fig_delta_prev")), route * sig * (1 - sig),
                               rtol=1e-12)
    # δˡ⁻¹₁₁ = 2 × σ'(9) = 2 × 0.0001234 = 0.0002468
    assert aria(back, 0).endswith("δˡ⁻¹₁₁ = (∂L)/(∂a₁₁)·σ′(z₁₁) = 2×0.0001234 = 0.0002468")
    assert translate(lang, "pooling.fig_sigma_caption_other") in all_text(at)
    assert "ReLU" not in translate(lang, "pooling.fig_sigma_caption_other")


def test_digits_shown_follow_the_readers_choice():
    at = open_page("pooling", "en", query={"digits": "2", "activation": "sigmoid"})
    no_exception(at)
    back = backward(at)
    assert aria(back, 0).endswith("δˡ⁻¹₁₁ = (∂L)/(∂a₁₁)·σ′(z₁₁) = 2×0.00012 ≈ 0.00025")
    at.session_state["digits"] = 6
    at.run()
    assert stepper(at, "backward_stepper")["cells"][0]["aria"].endswith("2×0.000123379 ≈ 0.000246759")


# --------------------------------------------------------------------------- links, reset, check by hand

def test_a_link_changing_the_output_size_gives_delta_the_new_size():
    """#12 item 5: ?kernel=3&stride=1&padding=1 makes a 4×4 output; δ follows, as on a slider move."""
    for lang in ("en", "zh"):
        at = open_page("pooling", lang, query={"kernel": "3", "stride": "1", "padding": "1"})
        no_exception(at)
        assert not at.error
        assert translate(lang, "pooling.delta_reset", rows=4, cols=4) in all_text(at)
        back = backward(at, lang)
        delta = np.arange(1.0, 17.0).reshape(1, 1, 4, 4)
        np.testing.assert_array_equal(stepper_grid(back, translate(lang, "pooling.fig_upsample_max")),
                                      pool2d_backward_naive(delta, SEED_X, 3, 1, 1)[0, 0])


def test_link_keeps_the_open_section_and_the_chosen_cells():
    at = open_page("pooling", "en", query={"tab": "backward", "in_cell": "6", "cell": "3"})
    no_exception(at)
    assert "backward_stepper" in steppers(at)           # the backward section opened from the link
    assert stepper(at, "backward_stepper")["start"] == 5
    open_tab(at, "seed")
    assert at.query_params["tab"] in (["seed"], "seed")
    open_tab(at, "forward")
    assert stepper(at, "forward_stepper")["start"] == 2
    # a cell beyond the output is kept inside it
    at = open_page("pooling", "en", query={"cell": "144"})
    assert stepper(at, "forward_stepper")["start"] == 3


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_reset_brings_back_the_texts_example(lang):
    at = open_page("pooling", lang, query={"mode": "avg", "kernel": "3", "stride": "1", "input": "1,2,3;4,5,6;7,8,9"})
    no_exception(at)
    at.button(key="pooling.reset").click().run()
    no_exception(at)
    assert at.radio(key="pooling.mode").value == "max"
    assert at.slider(key="pooling.kernel").value == 2 and at.slider(key="pooling.stride").value == 2
    assert aria(forward(at), 0) == "y₁₁ = max(a₁₁, a₁₂, a₂₁, a₂₂) = max(9, 1, 4, 5) = 9"
    assert not at.error
    np.testing.assert_array_equal(stepper_grid(backward(at, lang), translate(lang, "pooling.fig_upsample_max")),
                                  POOL_ROUTE.printed["max"][0, 0])


def check_links(at) -> list[dict[str, str]]:
    """The queries of the page's "check this by hand" links."""
    from urllib.parse import parse_qsl

    label = translate("en", "exercises.check_by_hand")
    return [dict(parse_qsl(el.proto.query_string)) for el in at.get("page_link") if el.proto.label == label]


def test_check_by_hand_links_open_check_my_work_with_this_setup():
    at = open_page("pooling", "en", query={"kernel": "3", "stride": "2", "padding": "1"})
    no_exception(at)
    x = SEED_X[0, 0]
    [query] = check_links(at)
    assert query == check_query("pool_forward", x=x, kernel=3, stride=2, padding=1, mode="max")
    check = open_page("check_work", "en", query=query)
    no_exception(check)
    assert not check.warning
    assert check.session_state["check_work.kind"] == "pool_forward"
    assert check.session_state["check_work.pool_forward.kernel"] == 3
    assert check.session_state["check_work.pool_forward.padding"] == 1
    assert check.session_state["check_work.pool_forward.x"].splitlines()[0] == "9, 1, 2, 3"
    # backward (the checker's pooling backward has no padding): the text's example
    back = open_page("pooling", "en", query={"tab": "backward"})
    [query] = check_links(back)
    check = open_page("check_work", "en", query=query)
    no_exception(check)
    assert not check.warning
    assert check.session_state["check_work.kind"] == "pool_backward"
    assert check.session_state["check_work.pool_backward.dy"].splitlines() == ["2, 8", "4, 6"]


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
    assert steppers(at) == {}                    # nothing drawn from a bad matrix
    open_tab(at, "backward")
    assert steppers(at) == {}
    assert translate("en", "pooling.backward_needs_forward") in [el.value for el in at.info]
    open_tab(at, "seed")
    assert claim_shown(at, "s001_pool_max")   # the texts' section still works
    assert "<b>" not in "".join(el.value for el in at.markdown)


@pytest.mark.parametrize("text", ["1 2 3\n4 5 6", "x y\n1 2", "nan 1\n2 3"])
def test_bad_delta_keeps_the_forward_pass(text):
    at = open_page("pooling", "en")
    at.text_area(key="pooling.delta").input(text).run()
    no_exception(at)
    assert len(at.error) == 1
    assert "forward_stepper" in steppers(at)     # the forward pass is kept
    open_tab(at, "backward")
    assert len(at.error) == 1
    assert translate("en", "pooling.backward_needs_delta") in [el.value for el in at.info]
    assert "backward_stepper" not in steppers(at)


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
    ({"tab": "<b>x</b>"}, "tab"), ({"cell": "0"}, "cell"),
])
def test_bad_link_values_warn_and_use_defaults(query, name):
    at = open_page("pooling", "en", query=query)
    no_exception(at)
    assert len(at.warning) == 1
    assert "<b>" not in at.warning[0].value and "<script>" not in at.warning[0].value
    # every default back in place: the text's example
    assert at.slider(key="pooling.stride").value == 2
    assert at.slider(key="pooling.kernel").value == 2
    assert at.radio(key="pooling.mode").value == "max"
    np.testing.assert_array_equal(stepper_grid(backward(at), translate("en", "pooling.fig_upsample_max")),
                                  POOL_ROUTE.printed["max"][0, 0])


def test_link_sets_every_parameter():
    at = open_page("pooling", "zh", query={"mode": "avg", "kernel": "3", "stride": "1", "padding": "1",
                                           "activation": "relu", "input": "1,2,3;4,5,6;7,8,9",
                                           "delta": "1,0,0;0,0,0;0,0,1"})
    no_exception(at)
    assert not at.warning
    assert at.radio(key="pooling.mode").value == "avg"
    assert chosen(at, "pooling.activation")[0] == "relu"   # the link's choice is shown selected
    x = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    dy = np.array([[[[1.0, 0, 0], [0, 0, 0], [0, 0, 1]]]])
    np.testing.assert_allclose(stepper_grid(forward(at), translate("zh", "pooling.fig_output_avg")),
                               pool(x[0, 0], 3, 1, 1, "avg"))
    np.testing.assert_allclose(stepper_grid(backward(at, "zh"), translate("zh", "pooling.fig_upsample_avg")),
                               pool2d_backward_naive(dy, x, 3, 1, 1, "avg")[0, 0])


def test_export_and_library_code_reproduce_the_page():
    at = open_page("pooling", "en")
    no_exception(at)
    at.session_state["pooling.code_open"] = True   # the library code panel is built only while open
    at.session_state["pooling.export_open"] = True  # so is the export panel
    at.run()
    code = "\n".join(el.value for el in at.code)
    assert "F.max_pool2d(x, kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))" in code
    assert "y.backward(delta)" in code
    md = [el for el in at.get("download_button")]
    assert md, "no export downloads"


def test_link_keeps_the_open_expander_and_the_chart_has_a_png_button():
    at = open_page("pooling", "zh", query={"stride": "1", "counts": "1", "tab": "backward"})
    no_exception(at)
    [chart] = at.get("plotly_chart")
    assert json.loads(chart.proto.config)["modeBarButtons"] == [["toImage"]]
    counts = heat_z(plotly_figures(at)[0])
    np.testing.assert_array_equal(counts, [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]])
    at.session_state["pooling.counts"] = False
    at.run()
    assert "counts" not in at.query_params


def test_the_largest_output_gets_a_delta_of_its_size():
    """12×12 input, k = 6, s = 1, p = 3: a 13×13 output, one more than the input; δ follows it."""
    big = ";".join(",".join(str((r * 7 + c * 3) % 11 - 5) for c in range(12)) for r in range(12))
    at = open_page("pooling", "en", {"kernel": "6", "stride": "1", "padding": "3", "mode": "avg", "input": big,
                                     "tab": "backward"})
    no_exception(at)
    assert not at.error
    x = np.array([[(r * 7 + c * 3) % 11 - 5 for c in range(12)] for r in range(12)], dtype=float)
    delta = np.arange(1.0, 170.0).reshape(1, 1, 13, 13)
    np.testing.assert_allclose(stepper_grid(stepper(at, "backward_stepper"), translate("en", "pooling.fig_upsample_avg")),
                               pool2d_backward_naive(delta, x[None, None], 6, 1, 3, "avg")[0, 0])


SEED_BOXES = ["pooling.seed_max_math", "pooling.seed_avg_math"]


def _bmatrix(latex: str) -> np.ndarray:
    """The one ``bmatrix`` of ``latex`` as numbers."""
    body = re.search(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}", latex, re.S).group(1)
    return np.array([[float(v) for v in row.split("&")] for row in body.split("\\\\")])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_texts_routes_are_mathml_in_math_boxes(lang):
    """#14 round 9: the source-texts tab's four matrices (δ routed through 2×2 max and average pooling, computed by
    the core and printed in the text) are MathML in two math boxes (one per mode, the two side by side under their
    titles), not KaTeX typeset in the browser: the computed ones are the loop reference's, the printed ones the
    text's, and the MathML writes the LaTeX's numbers. A control's rerun (here the kernel, with the tab open) sends
    the same markup (the browser leaves it as it is)."""
    from ui.formulas.mathml import latex_numbers, mathml_numbers

    at = open_page("pooling", lang)
    open_tab(at, "seed", lang)
    assert not at.latex                                                     # nothing left to KaTeX
    assert [el.key for el in at.main.get("bidi_component") if el.key.startswith("pooling.")
            and el.key.endswith("_math")] == SEED_BOXES
    sources = math_box_formulas(at, "pooling.")
    markups = math_box_markups(at, "pooling.")
    assert len(sources) == 4 and len(markups) == 2
    assert math_box_texts(at, "pooling.") == [f"**{translate(lang, f'pooling.seed_{name}')}**"
                                              for _ in range(2) for name in ("computed", "printed")]
    for k, mode in enumerate(("max", "avg")):
        reference = pool2d_backward_naive(SEED_DELTA.astype(float), SEED_X.astype(float), 2, 2, 0, mode)[0, 0]
        np.testing.assert_allclose(_bmatrix(sources[2 * k]), reference)
        np.testing.assert_allclose(_bmatrix(sources[2 * k + 1]), POOL_ROUTE.printed[mode][0, 0])
    lines = [line for markup in markups
             for line in re.findall(r'<div class="math-line".*?(?=<div class="math-panel|$)', markup, re.S)]
    assert len(lines) == 4
    for line, source in zip(lines, sources):
        drawn = re.sub(r'"[^"]*"', '""', line)                              # the markup without its LaTeX
        assert "<mtable>" in drawn and "\\" not in drawn, source          # a matrix, not the escaped source
        assert mathml_numbers(line) == latex_numbers(source), source
    at.slider(key="pooling.kernel").set_value(3).run()
    no_exception(at)
    assert math_box_markups(at, "pooling.") == markups
    assert translate(lang, "pooling.seed_not_default") in all_text(at)


# --------------------------------------------------------------------------- #14: the parts that rerun alone
# (what the browser receives is checked in tests/e2e/test_pooling_browser.py; AppTest keeps in its tree only the
# elements of the parts a run drew, so "not drawn again" is seen here as "not in the tree")

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_activation_menu_relabels_the_input_and_the_sections_follow(lang):
    """The activation menu (ui.components.choice_menu): its label, help and every activation's name in the reader's
    language; a choice relabels the input (z before the activation), the texts' tab says the setup is not the texts'
    any more, the link follows. That its follow-up reruns the input and the sections alone (and an open export or
    code panel), not the page, is seen in the browser (tests/e2e/test_pooling_browser.py): AppTest cannot pick
    inside a component, ``choose`` runs the page."""
    at = open_tab(open_page("pooling", lang), "seed", lang)   # the texts' tab: no link to the checker (see above)
    assert translate(lang, "pooling.seed_is_default") in all_text(at)
    markup = choice_markup(at, "pooling.activation")
    assert f"<span>{translate(lang, 'pooling.activation_label')}</span>" in markup
    assert f'title="{html.escape(translate(lang, "pooling.activation_help"))}"' in markup
    assert chosen(at, "pooling.activation") == ("identity", [(a, translate(lang, f"words.act_{a}"))
                                                             for a in ("identity", "relu", "sigmoid", "tanh")])
    assert at.text_area(key="pooling.input").label == translate(lang, "pooling.input_label_identity")
    choose(at, "pooling.activation", "relu")
    no_exception(at)
    assert at.text_area(key="pooling.input").label == translate(lang, "pooling.input_label")
    assert translate(lang, "pooling.seed_not_default") in all_text(at)
    assert chosen(at, "pooling.activation")[0] == "relu" and at.query_params["activation"] == "relu"


def test_an_activation_the_menu_did_not_offer_changes_nothing():
    """The menu's value comes from the browser: a made-up one is refused and the page keeps the link's activation."""
    from ui.components.choice_menu import apply_choice

    at = open_page("pooling", "en", query={"activation": "sigmoid"})
    assert choice_values(at, "pooling.activation") == ("identity", "relu", "sigmoid", "tanh")
    for sent in ("softplus", "Sigmoid", "<i>relu</i>", "", 2, None):
        assert not apply_choice(at.session_state, "pooling.activation", sent), sent
    at.run()
    no_exception(at)
    assert at.session_state["pooling.activation"] == "sigmoid" and chosen(at, "pooling.activation")[0] == "sigmoid"
    assert link_of(at)["activation"] == "sigmoid"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_input_typed_into_its_part_reruns_the_page(lang):
    """The input sits in a part of its own (the activation reruns it); a new input changes δ's size, so it reruns
    the whole page, δ's editor included."""
    at = open_tab(open_page("pooling", lang), "seed", lang)   # no link to the checker: see above
    at.text_area(key="pooling.input").set_value("1 2 3\n4 5 6\n7 8 9").run()
    no_exception(at)
    assert at.title and at.slider                               # the page ran,
    assert not at.sidebar.get("bidi_component")             # not the frame (ui.frame.PAGE_PART)
    assert at.text_area(key="pooling.delta").value.count("\n") == 0   # δ follows the 1×1 output of 2×2 / 2 pooling


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_code_panels_tabs_are_a_strip_that_draws_the_open_one_only(lang):
    """#14 round 13: the code panel's PyTorch / NumPy tabs (page_kit.lazy_tabs) are a tab strip, not st.tabs; only
    the open tab's code is sent, a pick sends the other."""
    at = open_page("pooling", lang)
    at.session_state["pooling.code_open"] = True
    at.run()
    no_exception(at)
    assert not at.tabs
    assert tab_labels(at, "pooling", "code_tab") == [translate(lang, "owndata.code_tab_torch"),
                                                     translate(lang, "owndata.code_tab_numpy")]
    assert len(at.code) == 1 and "import torch" in at.code[0].value
    pick_tab(at, "pooling", "code_tab", "s1", translate(lang, "owndata.code_tab_numpy"))
    no_exception(at)
    assert len(at.code) == 1 and "import numpy" in at.code[0].value and "torch" not in at.code[0].value
