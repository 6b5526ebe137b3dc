"""Convolution backward page through the real app.py: numbers against the loop reference and the texts.

The cell views (chain rule, scatter, full correlation, σ′ step, ∂E/∂W) are browser-side cell steppers:
their payloads (every cell's grids, marks and formula) are what these tests read.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

import numpy as np
import pytest

from cnn_core.conv import conv2d_backward_naive
from cnn_core.worked_examples import CONV_4X4, CONV_5X5X3
from ui.components.choice_menu import apply_choice
from ui.exercise_view import check_query
from ui.i18n import explain_error, translate
from ui.latex import latex_matrix
from ui.matrix_input import parse_matrix

from tests.reference import correlate

from .conftest import (PageSource, all_text, choice_markup, choose, choose_preset, chosen, latex_lines, no_exception,
                       open_page, preset_menus, stepper, stepper_grid, steppers)
from .conftest import pick_tab, tab_labels
from .grid_tables import html_tables
from .math_boxes import claim_noted, math_box_formulas, math_box_markups

PAGE = "conv_backward"
SEED_DELTA = CONV_5X5X3.inputs["delta"][0, 0]          # the Hands-on CNN project's 3×3 sensitivity map
SECTIONS = ("dx", "act", "dw", "sgd", "check")



def _latex(at) -> list[str]:
    """Every display formula on the page: the math boxes' (MathML, #14) and any ``st.latex`` (none left: a
    check that nothing is typeset twice or by KaTeX still sees it)."""
    return math_box_formulas(at, f"{PAGE}.") + latex_lines(at)


def _open(at, section: str, lang: str = "en", way: str | None = None):
    """Open a section tab (dx, act, dw, sgd, check) and, in the ∂E/∂x tab, a way (way1..way3), then rerun."""
    pick_tab(at, PAGE, "tab_label", section, translate(lang, f"conv_backward.tab_{section}"))
    no_exception(at)
    if way is not None:
        pick_tab(at, PAGE, "way_label", way, translate(lang, f"conv_backward.tab_{way}"))
        no_exception(at)
    return at


def _open_layer(at):
    """Open the lazily drawn expander with the layer's δ, x and W heatmaps."""
    at.session_state[f"{PAGE}.layer"] = True
    at.run()
    no_exception(at)
    return at


def _chosen_text(at, name: str) -> str:
    """The entry the choice menu ``name`` (filter, channel: ``ui.components.choice_menu``) shows as chosen."""
    value, options = chosen(at, f"{PAGE}.{name}")
    return dict(options)[value]


def _choose(at, name: str, value):
    """What the choice menu ``name`` does when the reader picks ``value`` (tests/e2e picks in the real menu)."""
    return choose(at, f"{PAGE}.{name}", value)


def _choose_rejected(at, name: str, value) -> bool:
    """True when the choice menu ``name`` took ``value`` (it should not: not offered)."""
    return apply_choice(at.session_state, f"{PAGE}.{name}", str(value))


def cell(payload: dict, label: str) -> dict:
    found = [c for c in payload["cells"] if c["label"] == label]
    assert found, f"no cell {label!r}"
    return found[0]


def claim_shown(at, key: str, lang: str = "en") -> bool:
    return claim_noted(at, key)


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
    for key in SECTIONS:
        assert translate(lang, f"conv_backward.tab_{key}") in tab_labels(at, PAGE, "tab_label") + tab_labels(at, PAGE, "way_label"), key
    text, views = all_text(at), set(steppers(at))
    for section, way in (("dx", "way2"), ("dx", "way3"), ("dw", None), ("sgd", None), ("act", None), ("check", None)):
        _open(at, section, lang, way)
        text += "\n" + all_text(at)
        views |= set(steppers(at))
        assert not at.error
    for key in ("dx_title", "way1", "way2", "way3", "dw_title", "db_title", "sgd_title", "act_title", "check_title",
                "example", "lr", "reset"):
        assert translate(lang, f"conv_backward.{key}") in text, key
    notes = {v for v in views if v.startswith("s0")}           # the claim notes' boxes (claims.note.<claim>_math)
    boxes = {v for v in views if v.endswith("_math")} - notes             # the formulas' math boxes (#14)
    assert boxes == {"db_math"} | {f"sgd_{n}_math" for n in range(1, 3 if example == "multi" else 2)}
    assert views - boxes - notes == {f"{v}_stepper" for v in ("way1", "way2", "way3", "act", "dw")}
    step = stepper(_open(at, "dx", lang, "way1"), "way1_stepper")
    assert step["labels"]["play"] == translate(lang, "conv_backward.stepper_play")
    assert step["labels"]["hint"] == translate(lang, "conv_backward.cs_in_hint")


# --------------------------------------------------------------------------- numbers, one channel
def test_chain_rule_of_eq7_with_values():
    at = open_page(PAGE, "en")
    dx, _, _ = _one_channel_reference()
    step = stepper(at, "way1_stepper")
    # the Hands-on CNN project's eq. (7): ∂E/∂i12 = δ11·h12 + δ12·h11; the link's default cell is i₁₂
    assert step["start"] == 1
    assert cell(step, "i₁₂")["aria"] == f"(∂E)/(∂i₁₂) = δ₁₁·h₁₂ + δ₁₂·h₁₁ = 0×(−1) + 1×1 = {int(dx[0, 0, 0, 1])}"
    # the two δ cells whose windows covered i12 are outlined (grid 0 is δ), and the cell on x and ∂E/∂x
    assert cell(step, "i₁₂")["marks"] == [[0, 0, 0, 0, 0], [0, 0, 1, 0, 1], [1, 0, 1, 0, 1], [2, 0, 1, 0, 1]]
    np.testing.assert_array_equal(stepper_grid(step, translate("en", "conv_backward.cs_dx1")), dx[0, 0])
    for k, c in enumerate(step["cells"]):
        assert c["aria"].endswith(f"= {int(dx[0, 0, k // 4, k % 4])}".replace("-", "−")), c["aria"]


def test_eq8_claim_is_shown_with_the_core_terms_for_i13():
    at = open_page(PAGE, "en")
    assert claim_shown(at, "s003_eq8")
    dx, _, _ = _one_channel_reference()
    assert cell(stepper(at, "way1_stepper"), "i₁₃")["aria"] == \
        f"(∂E)/(∂i₁₃) = δ₁₂·h₁₂ + δ₁₃·h₁₁ = 1×(−1) + 1×1 = {int(dx[0, 0, 0, 2])}"
    # not the text's example any more: its notes go away
    at.slider(key=f"{PAGE}.padding").set_value(1).run()
    no_exception(at)
    assert not claim_shown(at, "s003_eq8")


def test_full_convolution_result_and_agreement():
    at = _open(open_page(PAGE, "en"), "dx", way="way3")
    dx, _, _ = _one_channel_reference()
    step = stepper(at, "way3_stepper")
    np.testing.assert_array_equal(stepper_grid(step, translate("en", "conv_backward.cs_dx1")), dx[0, 0])
    padded = stepper_grid(step, translate("en", "conv_backward.fig_padded1"))
    # δ padded by k-1 = 1 zero on every side (stride 1): 5×5, δ in the middle
    assert padded.shape == (5, 5)
    np.testing.assert_array_equal(padded[1:4, 1:4], SEED_DELTA)
    assert padded[0].sum() == 0 and padded[:, 0].sum() == 0 and padded[-1].sum() == 0 and padded[:, -1].sum() == 0
    np.testing.assert_array_equal(stepper_grid(step, translate("en", "conv_backward.cs_rot1")), [[-1, 1], [-1, 1]])
    i13 = cell(step, "i₁₃")
    assert i13["aria"] == "(∂E)/(∂i₁₃) = δ̃₁₃·ĥ₁₁ + δ̃₁₄·ĥ₁₂ + δ̃₂₃·ĥ₂₁ + δ̃₂₄·ĥ₂₂ = 0×(−1) + 0×1 + 1×(−1) + 1×1 = 0"
    assert i13["marks"][0] == [0, 0, 2, 1, 3]        # the rotated kernel's window on δ̃
    assert any("agree" in s.value for s in at.success)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_three_ways_agree_is_said_naturally(lang):
    """#12 item 12: integer inputs give the three ways exactly the same numbers: "agree exactly", not "… 0"."""
    at = _open(open_page(PAGE, lang), "dx", lang=lang, way="way3")
    exact = translate(lang, "conv_backward.agree", agreement=translate(lang, "common.agree_exactly"))
    assert exact in [s.value for s in at.success]
    assert not any(" 0，" in s.value or " 0," in s.value or " 0。" in s.value for s in at.success)


def test_scatter_accumulates_to_the_gradient():
    at = _open(open_page(PAGE, "en"), "dx", way="way2")
    step = stepper(at, "way2_stepper")
    assert len(step["cells"]) == 9 and step["shape"] == [1, 3, 3]
    # step 1: δ11 = 0 sends nothing; step 2: δ12 = 1 sends 1·h onto its window; the last: the whole gradient
    first, second, last = step["cells"][0]["aria"], step["cells"][1]["aria"], step["cells"][8]["aria"]
    assert first == "δ₁₁⋅h = 0×h = [0, 0; 0, 0]; [0, 0, 0, 0; 0, 0, 0, 0; 0, 0, 0, 0; 0, 0, 0, 0]"
    assert second == "δ₁₂⋅h = 1×h = [1, −1; 1, −1]; [0, 1, −1, 0; 0, 1, −1, 0; 0, 0, 0, 0; 0, 0, 0, 0]"
    assert [2, 0, 1, 1, 2] in step["cells"][1]["marks"]       # the window on ∂E/∂i
    dx = _one_channel_reference()[0][0, 0]
    text = "; ".join(", ".join(str(int(v)).replace("-", "−") for v in row) for row in dx)
    assert last.endswith(f"[{text}]")


def test_weight_and_bias_gradients_with_values():
    at = _open(open_page(PAGE, "en"), "dw")
    _, dw, db = _one_channel_reference()
    step = stepper(at, "dw_stepper")
    h11 = cell(step, "h₁₁")["aria"]
    # the factors are the inputs (the text's eq. (13) wrote h11)
    assert h11.startswith("(∂E)/(∂h₁₁) = δ₁₁·i₁₁ + δ₁₂·i₁₂") and "δ₃₃·i₃₃" in h11
    assert h11.endswith(f"= {int(dw[0, 0, 0, 0])}")
    assert cell(step, "h₂₂")["aria"].endswith(f"= {int(dw[0, 0, 1, 1])}")
    np.testing.assert_array_equal(stepper_grid(step, translate("en", "conv_backward.cs_dw1")), dw[0, 0])
    # h11 read i11 … i33: nine 1×1 marks on the input, all of δ, the weight itself
    assert cell(step, "h₁₁")["marks"][:2] == [[0, 0, 0, 0, 0], [0, 0, 1, 0, 1]]
    lines = _latex(at)
    bias = next(v for v in lines if r"\frac{\partial E}{\partial b} &=" in v)
    joined = bias.replace(r" \\ &\qquad + ", " + ")           # a long sum continues on aligned lines
    assert r"\delta_{33}" in bias and "0 + 1 + 1 + 2 + 2 + 2 + 1 + 0 + 0" in joined
    assert bias.rstrip("$ \n").endswith(f"&= {int(db[0])} \\end{{aligned}}")
    for key in ("s003_eq13", "s003_eq14", "s003_eq15"):
        assert claim_shown(at, key), key


def test_finite_difference_checks_pass():
    at = _open(open_page(PAGE, "en"), "check")
    checks = [c.value for c in at.caption if "Finite-difference" in c.value]
    assert len(checks) == 3 and all("passed" in c and c.startswith(":material/check_circle:") for c in checks)



@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_zero_finite_difference_error_reads_naturally(lang):
    """ε = 2⁻¹⁰ on the text's integers is exact in binary: the error is 0, said as "no error at all" / "误差为零",
    never "largest relative error 0"."""
    at = _open(open_page(PAGE, lang), "check", lang=lang)
    checks = [c.value for c in at.caption if translate(lang, "conv_backward.passed") in c.value]
    assert len(checks) == 3
    assert any(translate(lang, "common.error_none") in c for c in checks)
    assert not any(re.search(r"(error|误差) 0(?![.\d])", c) for c in checks)


def test_activation_step_uses_sigma_prime_written_through_the_input():
    """x = aˡ⁻¹ = σ(zˡ⁻¹): σ'(zˡ⁻¹) is computed from x (sigmoid: x(1 − x)), as the text's code does."""
    at = _open(open_page(PAGE, "en"), "act")
    # ReLU: 𝟙[x > 0]; i12 = 0 -> 0
    assert cell(stepper(at, "act_stepper"), "i₁₂")["aria"] == "δˡ⁻¹₁₂ = (∂E)/(∂i₁₂)·σ′(z₁₂) = 1×0 = 0"
    assert any("δˡ⁻¹ = ∂E/∂zˡ⁻¹" in c.value and "passed" in c.value for c in at.caption)
    assert translate("en", "conv_backward.act_caption") in all_text(at)
    _choose(at, "activation", "sigmoid")
    no_exception(at)
    # i12 = 0 is no sigmoid output: the factor 0·(1 − 0) = 0 is shown, with a warning, and no check
    assert cell(stepper(at, "act_stepper"), "i₁₂")["aria"] == "δˡ⁻¹₁₂ = (∂E)/(∂i₁₂)·σ′(z₁₂) = 1×0 = 0"
    assert any("cannot be an output of sigmoid" in w.value for w in at.warning)
    assert not any("δˡ⁻¹ = ∂E/∂zˡ⁻¹" in c.value for c in at.caption)
    assert translate("en", "conv_backward.act_caption") not in all_text(at)   # the ReLU caption is ReLU's only
    assert at.query_params["activation"] in (["sigmoid"], "sigmoid")


def test_sigmoid_step_on_real_sigmoid_outputs_matches_finite_differences():
    x = "0.5,0.25,0.5,0.75;0.5,0.5,0.25,0.5;0.75,0.5,0.5,0.25;0.5,0.25,0.75,0.5"
    at = _open(open_page(PAGE, "zh", query={"activation": "sigmoid", "x": x}), "act", "zh")
    no_exception(at)
    xv = np.array([[float(v) for v in row.split(",")] for row in x.split(";")])
    dx, _, _ = _one_channel_reference(x=xv[None, None])
    # σ'(z) = x(1 − x) = 0.25·0.75 = 0.1875 at i12 = 0.25; δ = ∂E/∂i12 · 0.1875
    assert dx[0, 0, 0, 1] == 1
    assert cell(stepper(at, "act_stepper"), "i₁₂")["aria"] == "δˡ⁻¹₁₂ = (∂E)/(∂i₁₂)·σ′(z₁₂) = 1×0.1875 = 0.1875"
    assert not at.warning
    assert any(translate("zh", "conv_backward.passed") in c.value and "σ⁻¹" in c.value for c in at.caption)


def test_stride_two_resizes_delta_and_dilates_it():
    at = open_page(PAGE, "en")
    at.slider(key=f"{PAGE}.stride").set_value(2).run()
    no_exception(at)
    # the output is 2×2 now: δ follows it (as the resize button does), and says so
    assert not at.error
    assert translate("en", "conv_backward.delta_fitted") in all_text(at)
    delta = parse_matrix(at.text_area(key=f"{PAGE}.delta").value).matrix
    np.testing.assert_array_equal(delta, np.resize(SEED_DELTA, (2, 2)))
    _open(at, "dx", way="way3")
    dx, _, _ = _one_channel_reference(stride=2, delta=delta)
    step = stepper(at, "way3_stepper")
    np.testing.assert_array_equal(stepper_grid(step, translate("en", "conv_backward.cs_dx1")), dx[0, 0])
    padded = stepper_grid(step, translate("en", "conv_backward.fig_padded1"))
    # one zero inserted between δ's cells, then k-1 = 1 around; stride 2 leaves input row/col 4 uncovered
    assert padded.shape == (5, 5)
    assert padded[1, 1] == delta[0, 0] and padded[1, 3] == delta[0, 1] and padded[3, 3] == delta[1, 1]
    assert padded[2].sum() == 0 and padded[:, 2].sum() == 0
    assert at.query_params["stride"] in (["2"], "2")


def test_a_link_with_another_output_size_resizes_delta():
    at = open_page(PAGE, "zh", query={"stride": "2", "padding": "2"})     # (4 + 4 − 2) / 2 + 1 = 4
    no_exception(at)
    assert not at.error
    assert translate("zh", "conv_backward.delta_fitted") in all_text(at)
    assert parse_matrix(at.text_area(key=f"{PAGE}.delta").value).matrix.shape == (4, 4)


def test_padding_crops_the_gradient():
    at = open_page(PAGE, "en", query={"padding": "1", "delta": "1,0,0,0,1;0,1,0,0,0;0,0,1,0,0;0,0,0,2,0;1,0,0,0,1"})
    no_exception(at)
    delta = np.array([[1, 0, 0, 0, 1], [0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 2, 0], [1, 0, 0, 0, 1]], float)
    dx, dw, _ = _one_channel_reference(padding=1, delta=delta)
    _open(at, "dx", way="way3")
    np.testing.assert_array_equal(stepper_grid(stepper(at, "way3_stepper"), translate("en", "conv_backward.cs_dx1")), dx[0, 0])
    _open(at, "dw")
    step = stepper(at, "dw_stepper")
    h11 = cell(step, "h₁₁")
    assert "δ₁₁·0" in h11["aria"] and h11["aria"].endswith(f"= {int(dw[0, 0, 0, 0])}")   # taps on the padding
    assert step["grids"][0]["mask"][0][0] and not step["grids"][0]["mask"][1][1]


# --------------------------------------------------------------------------- the 5×5×3 example and SGD
def test_multi_channel_sgd_step_reproduces_the_printed_run():
    at = _open(open_page(PAGE, "en", query={"example": "multi"}), "sgd")
    [ok] = [s.value for s in at.success]
    # the printed weights are reproduced to rounding: said as "agree exactly" or "to machine precision (…)",
    # never "largest relative difference 0"
    assert ok in {translate("en", "conv_backward.sgd_reproduced", agreement=phrase) for phrase in (
        translate("en", "common.agree_exactly"),
        *(translate("en", "common.agree_machine_rel", value=f"{m} × 10⁻{e}") for m in range(1, 10)
          for e in ("¹³", "¹⁴", "¹⁵", "¹⁶", "¹⁷")))}, ok
    assert claim_shown(at, "s003_sgd_printed")
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
    chain = cell(stepper(at, "way1_stepper"), "x₃₃₃")["aria"]
    assert chain.startswith("(∂E)/(∂x₃₃₃) = δ⁽¹⁾") and chain.endswith(f"= {int(dx[0, 2, 2, 2])}")
    step = stepper(_open(at, "dx", way="way3"), "way3_stepper")
    assert step["start"] == 12
    full = cell(step, "x₃₃₃")["aria"]
    assert "δ̃⁽²⁾" in full and full.endswith(f"= {int(dx[0, 2, 2, 2])}")
    np.testing.assert_array_equal(stepper_grid(step, translate("en", "conv_backward.cs_dx", n=3)), dx[0, 2])
    _open(at, "dw")
    step = stepper(at, "dw_stepper")
    assert step["cells"][0]["aria"].startswith("(∂E)/(∂w⁽²˒³⁾₁₁)")
    assert step["cells"][0]["aria"].endswith(f"= {int(dw[1, 2, 0, 0])}")
    lines = _latex(at)
    for f in range(2):
        b = next(v for v in lines if rf"\frac{{\partial E}}{{\partial b_{{{f + 1}}}}} &=" in v)
        assert b.rstrip("$ \n").endswith(f"&= {int(db[f])} \\end{{aligned}}")
    assert not claim_shown(at, "s003_eq13")        # a note about the one-channel example only
    _open(at, "check")
    checks = [c.value for c in at.caption if "Finite-difference" in c.value]
    assert len(checks) == 3 and all("passed" in c for c in checks)


def test_the_sigma_step_of_the_5x5x3_example_is_never_one_wide_matrix_equation():
    """#12 item 8: the σ′ step is shown as grids and one cell's product, which wrap, not a clipped equation."""
    at = _open(open_page(PAGE, "en", query={"example": "multi", "activation": "sigmoid"}), "act")
    assert not any(r"\odot" in v for v in _latex(at))
    step = stepper(at, "act_stepper")
    assert [g["title"] for g in step["grids"]] == [translate("en", "conv_backward.cs_dx", n=1),
                                                   translate("en", "conv_backward.cs_sigma_prime", act="sigmoid"),
                                                   translate("en", "conv_backward.cs_delta_prev")]
    assert len(step["cells"]) == 25


def test_other_learning_rate_is_not_the_printed_one():
    at = _open(open_page(PAGE, "en", query={"example": "multi"}), "sgd")
    at.number_input(key=f"{PAGE}.lr").set_value(0.01).run()
    no_exception(at)
    assert [i.value for i in at.info] == [translate("en", "conv_backward.sgd_other_lr", printed="0.001", lr="0.01")]
    assert not at.success
    assert any(r"&= 0.91 \end{aligned}" in v for v in _latex(at))   # b1 = 1 - 0.01·9


def test_digits_shown_follow_the_readers_choice():
    x = "0.5,0.25,0.5,0.75;0.5,0.5,0.25,0.5;0.75,0.5,0.5,0.25;0.5,0.25,0.75,0.5"
    at = _open(open_page(PAGE, "en", query={"activation": "sigmoid", "x": x, "digits": "2"}), "act")
    assert cell(stepper(at, "act_stepper"), "i₁₂")["aria"] == "δˡ⁻¹₁₂ = (∂E)/(∂i₁₂)·σ′(z₁₂) = 1×0.19 = 0.19"
    at.session_state["digits"] = 4
    at.run()
    assert cell(stepper(at, "act_stepper"), "i₁₂")["aria"] == "δˡ⁻¹₁₂ = (∂E)/(∂i₁₂)·σ′(z₁₂) = 1×0.1875 = 0.1875"


# --------------------------------------------------------------------------- links, reset, check by hand
def test_link_keeps_the_open_tabs_and_the_cells():
    at = open_page(PAGE, "en", query={"tab": "dx", "way": "way3", "cell": "4,3"})
    no_exception(at)
    assert stepper(at, "way3_stepper")["start"] == 14
    _open(at, "dw")
    assert at.query_params["tab"] in (["dw"], "dw")
    at = open_page(PAGE, "zh", query={"tab": "dw", "weight": "2,1"})
    assert stepper(at, "dw_stepper")["start"] == 2
    at = open_page(PAGE, "en", query={"tab": "dx", "way": "way2", "step": "5"})
    assert stepper(at, "way2_stepper")["start"] == 4


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_reset_brings_back_the_texts_example(lang):
    at = open_page(PAGE, lang, query={"stride": "2", "activation": "tanh", "x": "1,2,3;4,5,6;7,8,9", "tab": "dw"})
    no_exception(at)
    at.button(key=f"{PAGE}.reset").click().run()
    no_exception(at)
    assert at.slider(key=f"{PAGE}.stride").value == 1 and chosen(at, f"{PAGE}.activation")[0] == "relu"
    np.testing.assert_array_equal(parse_matrix(at.text_area(key=f"{PAGE}.x").value).matrix, CONV_4X4.inputs["x"][0, 0])
    np.testing.assert_array_equal(parse_matrix(at.text_area(key=f"{PAGE}.delta").value).matrix, SEED_DELTA)
    assert "dw_stepper" in steppers(at)            # the open section stays open
    assert not at.error


def check_links(at) -> list[dict[str, str]]:
    label = translate("en", "exercises.check_by_hand")
    return [dict(parse_qsl(el.proto.query_string)) for el in at.get("page_link") if el.proto.label == label]


def test_check_by_hand_links_open_check_my_work_with_this_setup():
    x, w = CONV_4X4.inputs["x"][0, 0], CONV_4X4.inputs["w"][0, 0]
    at = open_page(PAGE, "en")
    [query] = check_links(at)
    assert query == check_query("conv_input_grad", dy=SEED_DELTA, w=w, stride=1, padding=0, x_shape=(4, 4))
    check = open_page("check_work", "en", query=query)
    no_exception(check)
    assert not check.warning and check.session_state["check_work.kind"] == "conv_input_grad"
    assert check.session_state["check_work.conv_input_grad.x_h"] == 4
    [query] = check_links(_open(at, "dw"))
    assert query == check_query("conv_weight_grad", x=x, dy=SEED_DELTA, w=w, stride=1, padding=0)
    check = open_page("check_work", "en", query=query)
    no_exception(check)
    assert not check.warning and check.session_state["check_work.kind"] == "conv_weight_grad"
    # the 5×5×3 example has several channels: no link (the checker takes one channel)
    assert check_links(open_page(PAGE, "en", query={"example": "multi"})) == []


def test_export_and_library_code_reproduce_the_page():
    at = open_page(PAGE, "en")
    at.session_state["conv_backward.code_open"] = True   # the library code panel is built only while open
    at.session_state["conv_backward.export_open"] = True  # so is the export panel
    at.run()
    code = "\n".join(el.value for el in at.code)
    assert "y.backward(delta)" in code and "np.einsum" in code
    assert at.get("download_button")


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
    titles = list(html_tables(at))
    others = {"x": ("fig_delta1", "fig_w1"), "w": ("fig_delta1", "fig_x1"), "delta": ("fig_x1", "fig_w1")}[field]
    for key in others:
        assert translate("en", f"conv_backward.{key}") in titles
    assert translate("en", "conv_backward.skipped") in [i.value for i in at.info]
    assert steppers(at) == {}
    # the page around them is still whole on its next run (what a typed matrix reruns in the browser, its part only
    # and in one run, is tested in tests/e2e/test_conv_backward_browser.py: AppTest runs the whole script)
    at.run()
    no_exception(at)
    assert at.title[0].value == translate("en", "conv_backward.title")
    assert at.error and translate("en", "conv_backward.skipped") in [i.value for i in at.info]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_kernel_larger_than_the_input_is_explained(lang):
    at = _open_layer(open_page(PAGE, lang))
    at.text_area(key=f"{PAGE}.w").input("1 1 1 1 1\n1 1 1 1 1\n1 1 1 1 1\n1 1 1 1 1\n1 1 1 1 1").run()
    no_exception(at)
    from cnn_core.arithmetic import conv_output_shape
    with pytest.raises(ValueError) as err:
        conv_output_shape((4, 4), (5, 5), 1, 0)
    assert explain_error(err.value, lang) in [e.value for e in at.error]
    assert translate(lang, "conv_backward.fig_x1") in html_tables(at)


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
    ({"tab": "<b>x</b>"}, "tab", "dx"),
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
    assert [i.value for i in at.info] == [translate("zh", "conv_backward.sgd_other_lr", printed="0.001", lr="0.002")]
    assert at.radio(key=f"{PAGE}.example").value == "multi"
    assert at.session_state[f"{PAGE}.filter"] == 2
    assert _chosen_text(at, "activation") == translate("zh", "words.act_tanh")   # the link's choices shown selected
    assert _chosen_text(at, "filter") == translate("zh", "conv_backward.filter_n", n=2)
    assert _chosen_text(at, "channel") == translate("zh", "conv_backward.channel_n", n=2)
    assert any(r"&= 1 - 0.002 \times 9" in v for v in _latex(at))
    _open(at, "dw", "zh")
    step = stepper(at, "dw_stepper")
    assert step["start"] == 6 and step["cells"][6]["aria"].startswith("(∂E)/(∂w⁽²˒²⁾₃₁)")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_activation_menu_speaks_the_readers_language_and_refuses_a_made_up_value(lang):
    """The activation menu (ui.components.choice_menu): its label and every activation's name in the reader's
    language, the link's choice selected; a value the browser makes up changes nothing (nothing raised)."""
    at = open_page(PAGE, lang, query={"activation": "sigmoid"})
    assert f"<span>{translate(lang, 'conv_backward.activation')}</span>" in choice_markup(at, f"{PAGE}.activation")
    assert chosen(at, f"{PAGE}.activation") == ("sigmoid", [(a, translate(lang, f"words.act_{a}"))
                                                            for a in ("identity", "relu", "sigmoid", "tanh")])
    for sent in ("softmax", "SIGMOID", "<b>relu</b>", "", 1, None):
        assert not apply_choice(at.session_state, f"{PAGE}.activation", sent), sent
    at.run()
    no_exception(at)
    assert at.session_state[f"{PAGE}.activation"] == "sigmoid" and chosen(at, f"{PAGE}.activation")[0] == "sigmoid"
    assert at.query_params["activation"] in (["sigmoid"], "sigmoid")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_link_keeps_the_layer_expander_open_and_draws_its_matrices_without_a_chart(lang):
    """#14: the layer's δ, x and W are shaded HTML tables (no Plotly chart to draw when it opens): the text's
    numbers, each cell's name on hover, titled in the page's language."""
    at = open_page(PAGE, lang, query={"layer": "1"})
    no_exception(at)
    assert len(at.get("plotly_chart")) == 0
    tables = html_tables(at)
    assert list(tables) == [translate(lang, f"conv_backward.{k}")
                            for k in ("fig_delta1", "fig_x1", "fig_w1", "forward_title")]
    x, h = CONV_4X4.inputs["x"][0, 0], CONV_4X4.inputs["w"][0, 0]
    # the forward output, a shaded table too (no typeset matrix): the cross-correlation written as a loop
    y = correlate(x, h)
    assert y[0, 0] == CONV_4X4.printed["net_o11"]                           # the text's printed net_o11
    for key, matrix, symbol in (("fig_delta1", SEED_DELTA, "δ"), ("fig_x1", x, "i"), ("fig_w1", h, "h"),
                                ("forward_title", y, "y")):
        table = tables[translate(lang, f"conv_backward.{key}")]
        np.testing.assert_array_equal(table["values"], matrix)
        assert table["hover"][0][1] == f"{symbol}₁₂ = {table['text'][0][1]}"
    assert not any(line.startswith("y") for line in _latex(at))            # y is not typeset a second time


def test_the_layer_tables_follow_the_chosen_filter_and_channel():
    at = open_page(PAGE, "zh", query={"layer": "1", "example": "multi", "filter": "2", "channel": "3"})
    no_exception(at)
    tables = html_tables(at)
    np.testing.assert_array_equal(tables[translate("zh", "conv_backward.fig_delta", n=2)]["values"],
                                  CONV_5X5X3.inputs["delta"][0, 1])
    np.testing.assert_array_equal(tables[translate("zh", "conv_backward.fig_x", n=3)]["values"],
                                  CONV_5X5X3.inputs["x"][0, 2])
    np.testing.assert_array_equal(tables[translate("zh", "conv_backward.fig_w", f=2, n=3)]["values"],
                                  CONV_5X5X3.inputs["w"][1, 2])
    assert tables[translate("zh", "conv_backward.fig_w", f=2, n=3)]["hover"][0][0].startswith("w₁₁ = ")
    # filter 2's forward output: Σ over the channels of x ⋆ W, plus its bias (stride 2, padding 1), as a loop
    xs = np.pad(CONV_5X5X3.inputs["x"][0], ((0, 0), (1, 1), (1, 1)))
    ws, stride = CONV_5X5X3.inputs["w"][1], CONV_5X5X3.params["stride"]
    n = (xs.shape[1] - ws.shape[1]) // stride + 1
    y = np.array([[(xs[:, r * stride:r * stride + 3, s * stride:s * stride + 3] * ws).sum() + CONV_5X5X3.inputs["b"][1]
                   for s in range(n)] for r in range(n)])
    np.testing.assert_allclose(tables[translate("zh", "conv_backward.fig_y", n=2)]["values"], y)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_typed_learning_rate_outside_the_range_is_moved_inside_and_said(lang):
    """#12 item 3: not a silent red border: the page says what happened and what is used."""
    at = _open(open_page(PAGE, lang, query={"example": "multi"}), "sgd", lang)
    at.number_input(key=f"{PAGE}.lr").set_value(50.0).run()
    no_exception(at)
    assert translate(lang, "conv_backward.lr_moved", typed="50", used="10", low="1e-6", high="10") in \
        [w.value for w in at.warning]
    assert at.number_input(key=f"{PAGE}.lr").value == 10.0
    assert any(r"&= -89 \end{aligned}" in v for v in _latex(at))     # b1 = 1 − 10·9
    at.number_input(key=f"{PAGE}.lr").set_value(0.0).run()
    assert at.number_input(key=f"{PAGE}.lr").value == 1e-6
    at.run()
    assert not [w.value for w in at.warning if "η" in w.value]       # said once, not on every rerun


def test_relu_range_is_written_with_infinity():
    at = _open(open_page(PAGE, "en", query={"x": "-3,1,0,2;1,1,0,1;0,1,1,0;1,0,0,1"}), "act")
    [warning] = [w.value for w in at.warning]
    assert "between 0 and ∞" in warning and "inf" not in warning


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("query", [{"example": "multi"}, {"stride": "2", "padding": "1"}],
                         ids=["multi", "stride2-pad1"])
def test_bias_and_sgd_formulas_are_mathml_with_the_latex_numbers(lang, query):
    """#14 round 9: ∂E/∂b and the SGD step are MathML made in Python in math boxes (one for ∂E/∂b, one per filter's
    SGD tab), not KaTeX typeset on every rerun; each line is MathML (not the fallback source) writing the LaTeX's
    numbers in order."""
    from ui.formulas.mathml import latex_numbers, mathml_numbers

    at = open_page(PAGE, lang, query=query)
    no_exception(at)
    multi = query.get("example") == "multi"
    # ∂E/∂b: one line per filter; SGD: per filter one line per channel and the bias's
    count = {"dw": 2, "sgd": 2 * 4} if multi else {"dw": 1, "sgd": 2}
    for section, boxes in (("dw", ["db_math"]), ("sgd", ["sgd_1_math", "sgd_2_math"] if multi else ["sgd_1_math"])):
        _open(at, section, lang)
        assert not latex_lines(at)                                            # nothing left to KaTeX
        assert [el.key for el in at.main.get("bidi_component") if el.key.startswith(f"{PAGE}.")
                and el.key.endswith("_math")] == [f"{PAGE}.{name}" for name in boxes]
        lines = [line for markup in math_box_markups(at, f"{PAGE}.")
                 for line in re.findall(r'<div class="math-line".*?(?=<div class="math-line"|$)', markup, re.S)]
        sources = math_box_formulas(at, f"{PAGE}.")
        assert len(lines) == len(sources) == count[section]
        for line, source in zip(lines, sources):
            assert "<math" in line and not re.search(r"<mtext>[^<]*\\", line), source
            assert mathml_numbers(line) == latex_numbers(source), source


# --------------------------------------------------------------------------- #14 round 11: where each control is drawn
# Every control sits in the part that holds what it changes, so its change is one run of that part (no callback reruns
# parts by name). AppTest runs the whole script on every interaction (it does not run a part alone): these tests check
# the values and which part draws which control; tests/e2e/test_conv_backward_browser.py checks the runs and what
# each action sends.
def _sent(at) -> dict:
    """What the last run drew: the editors (by key), the example radio, the selects (by key), the title, steppers."""
    return {"editors": sorted(el.key.removeprefix(f"{PAGE}.") for el in at.text_area),
            "radio": [el.key for el in at.radio],
            "selects": sorted([f"{k}.preset" for k in preset_menus(at)]
                              + [el.key for el in at.get("bidi_component") if el.key.endswith("_menu")]),
            "title": [el.value for el in at.title], "sliders": [el.key for el in at.slider],
            "steppers": sorted(steppers(at))}


def test_every_values_control_is_drawn_in_the_part_that_holds_what_it_changes():
    """The editors and preset menus in the values part (with the results part inside it), the activation, filter and
    channel selects in the results part; no callback reruns parts by name (``st.rerun`` in ``on_change``)."""
    page = PageSource("conv_backward")
    assert {"_matrix_column", "_delta_column", "_results"} <= page.calls("_values_part")
    assert "_result_selects" in page.calls("_results")
    assert "selectbox" not in page.calls("_result_selects") and "selectbox" not in page.calls("_setup_part")
    assert "choice_menu" in page.calls("_result_selects")   # the activation, filter and channel (#14 round 12)
    assert not page.reruns_by_name(), "a callback reruns parts by name: two script runs"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_preset_changes_its_editor_and_the_results(lang):
    """A preset on x: x's editor and the results (the σ′ stepper) show the new x (in the browser: one run of the values
    part, tests/e2e)."""
    # (the σ′ tab: the ∂E/∂x and ∂E/∂W tabs link to "Check my work", which an AppTest's part-only run cannot find)
    at = _open(open_page(PAGE, lang), "act", lang)
    choose_preset(at, f"{PAGE}.x", "checkerboard")
    no_exception(at)
    assert _sent(at)["steppers"] == ["act_stepper"]
    x = parse_matrix(at.text_area(key=f"{PAGE}.x").value).matrix
    assert x.shape == (4, 4) and not np.array_equal(x, CONV_4X4.inputs["x"][0, 0])
    step = stepper(at, "act_stepper")
    np.testing.assert_array_equal(stepper_grid(step, step["grids"][1]["title"]), (x > 0).astype(float))   # ReLU′(z)
    assert translate(lang, "owndata.preset_loaded",
                     name=translate(lang, "owndata.preset_checkerboard")) in all_text(at)
    # the same for W's preset
    choose_preset(at, f"{PAGE}.w", "mean")
    no_exception(at)
    w = parse_matrix(at.text_area(key=f"{PAGE}.w").value).matrix
    assert not np.array_equal(w, CONV_4X4.inputs["w"][0, 0])


def test_a_typed_x_of_another_size_refits_delta_in_its_column():
    """x typed 5×5 (W is 2×2): the output is 4×4, δ follows it and says so under its editor."""
    at = open_page(PAGE, "en", query={"tab": "act"})
    x = np.arange(25.0).reshape(5, 5)
    at.text_area(key=f"{PAGE}.x").input("\n".join(" ".join(str(int(v)) for v in row) for row in x)).run()
    no_exception(at)
    assert translate("en", "conv_backward.delta_fitted") in all_text(at)
    assert parse_matrix(at.text_area(key=f"{PAGE}.delta").value).matrix.shape == (4, 4)
    assert not at.error
    at.run()   # the next full run: δ's caption said it once
    assert translate("en", "conv_backward.delta_fitted") not in all_text(at)
    assert parse_matrix(at.text_area(key=f"{PAGE}.delta").value).matrix.shape == (4, 4)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_activation_and_filter_selects_change_the_results(lang):
    at = _open(open_page(PAGE, lang), "act", lang)
    _choose(at, "activation", "sigmoid")
    no_exception(at)
    assert _sent(at)["steppers"] == ["act_stepper"]
    assert at.query_params["activation"] in (["sigmoid"], "sigmoid")
    # the 5×5×3 example: the filter select sends the results (the second filter's ∂E/∂W), not the box
    at = _open(open_page(PAGE, lang, query={"example": "multi"}), "dw", lang)
    assert _chosen_text(at, "filter") == translate(lang, "conv_backward.filter_n", n=1)
    _choose(at, "filter", 2)
    no_exception(at)
    assert at.query_params["filter"] in (["2"], "2")
    assert _chosen_text(at, "filter") == translate(lang, "conv_backward.filter_n", n=2)
    assert not _choose_rejected(at, "filter", 3)                   # not offered: the menu lists filters 1 and 2
    trace_dw = conv2d_backward_naive(CONV_5X5X3.inputs["delta"], CONV_5X5X3.inputs["x"], CONV_5X5X3.inputs["w"],
                                     int(CONV_5X5X3.params["stride"]), int(CONV_5X5X3.params["padding"]))[1]
    grid = stepper_grid(stepper(at, "dw_stepper"), translate(lang, "conv_backward.cs_dw", f=2, n=1))
    np.testing.assert_allclose(grid, trace_dw[1, 0])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_resize_button_fits_delta_and_the_results_follow(lang):
    at = open_page(PAGE, lang, query={"tab": "act"})
    at.text_area(key=f"{PAGE}.delta").input("1 2\n3 4").run()      # the output is 3×3
    no_exception(at)
    assert translate(lang, "conv_backward.delta_shape", oh=3, ow=3, rows=2, cols=2) in [e.value for e in at.error]
    at.button(key=f"{PAGE}.fit").click().run()
    no_exception(at)
    assert not at.error and _sent(at)["steppers"] == ["act_stepper"]
    delta = parse_matrix(at.text_area(key=f"{PAGE}.delta").value).matrix
    np.testing.assert_array_equal(delta, np.resize(SEED_DELTA, (3, 3)))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_one_toggle_shows_the_three_editors_grids_and_outlives_the_5x5x3_example(lang):
    """#14 round 13: the editors box has one grid toggle for δ, x and W (a toggle each was ~135 React components that
    every pass of the page re-renders); on, every editor shows its matrix as a grid, and the 5×5×3 example (which
    draws no editors) and back keeps it on."""
    import json

    from ui.components.grid_editor import component_key

    def grids():
        return {el.key: json.loads(el.proto.json)["cells"] for el in at.main.get("bidi_component")
                if el.key.endswith(".grid")}

    at = open_page(PAGE, lang)
    assert [(el.key, el.label) for el in at.toggle] == [(f"{PAGE}.grid_on", translate(lang, "conv_backward.grid_toggle"))]
    assert grids() == {}
    at.toggle(key=f"{PAGE}.grid_on").set_value(True).run()
    no_exception(at)
    shown = grids()
    assert set(shown) == {component_key(f"{PAGE}.{name}") for name in ("delta", "x", "w")}
    for name in ("delta", "x", "w"):
        typed = parse_matrix(at.text_area(key=f"{PAGE}.{name}").value).matrix
        assert np.array(shown[component_key(f"{PAGE}.{name}")], dtype=float).tolist() == typed.tolist()
    at.radio(key=f"{PAGE}.example").set_value("multi").run()
    no_exception(at)
    assert not at.toggle and grids() == {}
    at.radio(key=f"{PAGE}.example").set_value("one").run()
    no_exception(at)
    assert at.toggle(key=f"{PAGE}.grid_on").value is True and len(grids()) == 3
    at.toggle(key=f"{PAGE}.grid_on").set_value(False).run()
    assert grids() == {}
