"""The "Convolution (one channel)" page through the real app: numbers, widgets, bad input, bad links.

Expected numbers come from seed 003's printed example (net_o11 = out_o11 = 1), from the
hand-worked 3×3 outputs below, from the loop cross-correlation of tests/reference.py and from
``math.exp`` / ``math.tanh`` — never from the trace the page itself draws.

The output cells are explained by the browser-side cell stepper: its payload (every cell's
window and formula, sent once) is read from the component element here.
"""

from __future__ import annotations

import html
import json
import math
import re

import numpy as np
import pytest

from cnn_core.worked_examples import CONV_4X4
from cnn_core.claims import claim_by_key
from ui.claims_view import claim_title
from ui.i18n import translate

from tests.reference import correlate

from .conftest import (all_text, choice_markup, choice_values, choose, choose_preset, chosen, link_of, no_exception,
                       open_page, set_setting, stepper_data)
from .conftest import pick_tab, tab_labels, tab_strip_tabs
from .grid_tables import html_tables

PAGE = "conv_single"
X = np.array(CONV_4X4.inputs["x"][0, 0])
H = np.array(CONV_4X4.inputs["w"][0, 0])
# worked by hand from the 4×4 input and h = [[1, -1], [1, -1]]: o_ij = i_ij - i_i,j+1 + i_i+1,j - i_i+1,j+1
CORR = [[1, 0, 0], [-1, 1, 0], [0, 0, 0]]
# true convolution uses rot180(h) = [[-1, 1], [-1, 1]] = -h here, so every cell flips sign
CONV = [[-1, 0, 0], [1, -1, 0], [0, 0, 0]]


def key(name: str) -> str:
    return f"{PAGE}.{name}"


def figure(at, title: str) -> dict:
    """The shaded table titled ``title`` (``ui.html_grid``; the inputs tab draws no Plotly chart, #14)."""
    tables = html_tables(at)
    assert title in tables, f"no table titled {title!r}; have {list(tables)}"
    return tables[title]


def titles(at) -> list[str]:
    return list(html_tables(at))


def open_tab(at, name: str, lang: str = "en"):
    """Open the tab whose label is ``conv_single.<name>`` (only the open tab is drawn)."""
    return pick_tab(at, PAGE, "section", name.removeprefix("sec_"), translate(lang, f"conv_single.{name}"))


def z(table: dict) -> list[list[float]]:
    return table["values"].tolist()


def latex(at) -> list[str]:
    return [el.value for el in at.latex]


def note_title(claim_key: str, lang: str = "en") -> str:
    """The title line of a catalogue note (``claim_note``) as the page's markdown shows it."""
    return claim_title(claim_by_key(claim_key), lang)


def collapse(text: str) -> str:
    return "".join(text.split())


def steppers(at) -> dict[str, dict]:
    """The cell-stepper payloads on the page, by component key (``stepper``, ``compare``)."""
    from ui.components.cell_stepper import NAME

    return {el.key.split(".")[-1]: stepper_data(el) for el in at.main.get("bidi_component")
            if el.proto.component_name == NAME}


def stepper(at, name: str = "stepper") -> dict:
    found = steppers(at)
    assert name in found, f"no {name} component; have {sorted(found)}"
    return found[name]


def grid_values(payload: dict, title: str) -> list[list[float]]:
    for g in payload["grids"]:
        if g["title"] == title:
            return g["values"]
    raise AssertionError(f"no grid titled {title!r}; have {[g['title'] for g in payload['grids']]}")


def formula(payload: dict, k: int) -> str:
    """Cell k's formulas as plain text (the aria-label the component gives them)."""
    return payload["cells"][k]["aria"]


# --------------------------------------------------------------------------- both languages
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_in_both_languages(lang):
    at = open_page(PAGE, lang)
    no_exception(at)
    assert at.title[0].value == translate(lang, "conv_single.title")
    text = all_text(at) + "\n" + "\n".join(tab_labels(at, PAGE, "section"))
    for name in ("intro", "stride_label", "padding_label", "input_label",
                 "kernel_label", "sec_inputs", "sec_step", "sec_compare", "sec_table", "cap_step",
                 "cap_input_from_text", "library_note", "reset"):
        if name == "cap_input_from_text":
            text += "\n" + all_text(open_tab(at, "sec_inputs", lang))
        if name == "library_note":
            text += "\n" + all_text(open_tab(at, "sec_compare", lang))
        assert translate(lang, f"conv_single.{name}", text=translate(lang, "words.text_003")) in text, name
    assert not at.error and not at.warning
    # the activation menu (ui.components.choice_menu): its label and every activation's name in the reader's language
    assert f"<span>{translate(lang, 'conv_single.activation_label')}</span>" in choice_markup(at, key("activation"))
    assert chosen(at, key("activation")) == ("relu", [(a, translate(lang, f"words.act_{a}"))
                                                      for a in ("identity", "relu", "sigmoid", "tanh")])
    # the stepper's grid titles, headings and button labels are in the page's language
    step = stepper(open_tab(at, "sec_step", lang))
    assert [g["title"] for g in step["grids"]] == [
        translate(lang, "conv_single.fig_windows"), translate(lang, "conv_single.fig_kernel", rows=2, cols=2),
        translate(lang, "conv_single.fig_net"),
        translate(lang, "conv_single.fig_out", name=translate(lang, "words.act_relu"))]
    assert step["labels"]["play"] == translate(lang, "conv_single.stepper_play")
    assert html.escape(translate(lang, "conv_single.cs_net_heading")) in step["cells"][0]["html"]
    compare = stepper(open_tab(at, "sec_compare", lang), "compare")
    assert translate(lang, "conv_single.fig_corr") in [g["title"] for g in compare["grids"]]
    assert translate(lang, "conv_single.fig_kernel_rot") in [g["title"] for g in compare["grids"]]
    rot = figure(open_tab(at, "sec_inputs", lang), translate(lang, "conv_single.fig_kernel_rot"))
    # a cell of rot180(h) is named by the kernel cell it came from: its top-left is h₂₂
    assert [row[0].split(" = ")[0] for row in rot["hover"]] == ["h₂₂", "h₁₂"]
    assert len(at.get("plotly_chart")) == 0


def test_default_reproduces_seed_003_o11():
    at = open_page(PAGE, "en")
    no_exception(at)
    step = stepper(at)
    o11 = formula(step, 0)
    # symbolic with 1-based subscripts, then numbers, then the printed result
    assert o11.startswith("net(o₁₁) = i₁₁·h₁₁ + i₁₂·h₁₂ + i₂₁·h₂₁ + i₂₂·h₂₂ = 1×1 + 0×(−1) + 1×1 + 1×(−1) = "
                          f"{CONV_4X4.printed['net_o11']:g};")
    assert o11.endswith(f"out(o₁₁) = max(0, net(o₁₁)) = max(0, 1) = {CONV_4X4.printed['out_o11']:g}")
    # the catalogue's note on the text's o₁₁ is under the cells while the text's example is on screen
    assert note_title("s003_o11") in all_text(at)
    # the formula HTML is MathML: i₁₁ as a subscripted identifier, numbers as <mn>
    assert "<msub><mi>i</mi><mn>11</mn></msub>" in step["cells"][0]["html"]
    assert "<math>" in step["cells"][0]["html"] and "<script" not in step["cells"][0]["html"]
    # true convolution of the same window pairs i11 with h22
    conv = formula(stepper(open_tab(at, "sec_compare"), "compare"), 0).split("; ")[1]
    assert conv == "(i ∗ h)₁₁ = i₁₁·h₂₂ + i₁₂·h₂₁ + i₂₁·h₁₂ + i₂₂·h₁₁ = 1×(−1) + 0×1 + 1×(−1) + 1×1 = −1"


def test_outputs_match_hand_worked_and_loop_reference():
    at = open_page(PAGE, "en")
    step = stepper(at)
    net = grid_values(step, translate("en", "conv_single.fig_net"))
    relu = grid_values(step, translate("en", "conv_single.fig_out", name="ReLU"))
    compare = stepper(open_tab(at, "sec_compare"), "compare")
    corr = grid_values(compare, translate("en", "conv_single.fig_corr"))
    conv = grid_values(compare, translate("en", "conv_single.fig_conv"))
    assert corr == CORR == net
    assert conv == CONV
    assert np.array_equal(corr, correlate(X, H))
    assert np.array_equal(conv, correlate(X, H[::-1, ::-1]))
    assert relu == [[1, 0, 0], [0, 1, 0], [0, 0, 0]]  # ReLU after: negative cells become 0
    assert grid_values(compare, translate("en", "conv_single.fig_kernel_rot")) == [[-1, 1], [-1, 1]]
    open_tab(at, "sec_inputs")
    assert z(figure(at, translate("en", "conv_single.fig_kernel_rot"))) == [[-1, 1], [-1, 1]]


def test_input_outlines_the_cells_the_text_gives():
    at = open_tab(open_page(PAGE, "en"), "sec_inputs")
    fig = figure(at, translate("en", "conv_single.fig_input", rows=4, cols=4))
    assert z(fig) == X.tolist()
    outlined = set(fig["outlined"])
    assert outlined == set(CONV_4X4.inputs["from_text"]) == {(0, 0), (0, 1), (1, 0), (1, 1)}
    # once the input is edited, the outline and the seed caption go
    at.text_area(key=key("input")).input("1 2 3\n4 5 6\n7 8 9").run()
    no_exception(at)
    fig = figure(at, translate("en", "conv_single.fig_input", rows=3, cols=3))
    assert not fig["outlined"] and z(fig) == [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert translate("en", "conv_single.cap_input_from_text", text=translate("en", "words.text_003")) not in all_text(at)


def test_stepper_has_one_window_per_output_cell():
    step = stepper(open_page(PAGE, "en"))
    assert step["shape"] == [1, 3, 3]
    assert [c["label"] for c in step["cells"]][:3] == ["o₁₁", "o₁₂", "o₁₃"]
    # cell 6 (o₂₃) frames rows 2-3, columns 3-4 (1-based) of the input, grid 0
    assert step["cells"][5]["marks"] == [[0, 1, 2, 2, 3]]
    # the net and out grids are the ones a cell is picked on
    assert [g["pick"] for g in step["grids"]] == [None, None, 0, 0]


# --------------------------------------------------------------------------- driving widgets
def test_o13_writes_its_sum_and_corrects_the_seed_label():
    step = stepper(open_page(PAGE, "en"))
    assert formula(step, 2).startswith("net(o₁₃) = i₁₃·h₁₁ + i₁₄·h₁₂ + i₂₃·h₂₁ + i₂₄·h₂₂ = "
                                       f"1×1 + 0×(−1) + 0×1 + 1×(−1) = {CORR[0][2]};")
    pointer = html.escape(translate("en", "conv_single.cs_eq5_cell", text=translate("en", "words.text_003")))
    assert pointer in step["cells"][2]["html"] and pointer not in step["cells"][1]["html"]


@pytest.mark.parametrize("name, expected", [
    ("sigmoid", 1 / (1 + math.exp(-1))),
    ("tanh", math.tanh(1)),
    ("identity", 1.0),
])
def test_activation_formula_and_value(name, expected):
    at = open_page(PAGE, "en")
    choose(at, key("activation"), name)
    no_exception(at)
    step = stepper(at)
    out = formula(step, 0).split("; ")[1]
    assert out.endswith(f"= {expected:.4g}")
    if name == "sigmoid":
        assert "= 1/(1 + e^(−1)) =" in out
        assert "<mfrac>" in step["cells"][0]["html"]
    if name == "tanh":
        assert "= tanh(1) =" in out
    after = grid_values(step, translate("en", "conv_single.fig_out", name=translate("en", f"words.act_{name}")))
    ref = {"sigmoid": lambda v: 1 / (1 + math.exp(-v)), "tanh": math.tanh, "identity": lambda v: v}[name]
    assert np.allclose(after, [[ref(v) for v in row] for row in CORR])


def test_stride_two_keeps_every_other_window():
    at = open_page(PAGE, "en")
    at.slider(key=key("stride")).set_value(2).run()
    no_exception(at)
    step = stepper(at)
    assert grid_values(step, translate("en", "conv_single.fig_net")) == [[CORR[0][0], CORR[0][2]],
                                                                        [CORR[2][0], CORR[2][2]]]
    assert len(step["cells"]) == 4
    assert formula(step, 1).startswith("net(o₁₂) = i₁₃·h₁₁ + i₁₄·h₁₂ + i₂₃·h₂₁ + i₂₄·h₂₂ =")
    assert step["cells"][1]["marks"] == [[0, 0, 2, 1, 3]]
    assert at.query_params["stride"] in ("2", ["2"])


def test_padding_shows_padded_zeros_in_the_sum():
    at = open_page(PAGE, "en")
    at.slider(key=key("padding")).set_value(1).run()
    no_exception(at)
    step = stepper(at)
    corr = grid_values(step, translate("en", "conv_single.fig_net"))
    assert np.array_equal(corr, correlate(X, H, padding=1))
    assert len(corr) == 5
    # o11 sees three padding zeros and i11 under h22: 1 × (-1) = -1
    assert formula(step, 0).startswith("net(o₁₁) = 0·h₁₁ + 0·h₁₂ + 0·h₂₁ + i₁₁·h₂₂ = 0×1 + 0×(−1) + 0×1 + 1×(−1) = −1;")
    assert '<mn class="pad0">0</mn>' in step["cells"][0]["html"]
    assert html.escape(translate("en", "conv_single.cs_pad_note")) in step["cells"][0]["html"]
    assert html.escape(translate("en", "conv_single.cs_pad_note")) not in step["cells"][6]["html"]  # o₂₂: no padding
    padded = step["grids"][0]
    assert padded["row_labels"] == ["·", "1", "2", "3", "4", "·"]
    assert padded["mask"][0] == [True] * 6 and padded["mask"][1] == [True, False, False, False, False, True]


def test_every_cell_formula_table():
    at = open_tab(open_page(PAGE, "en"), "sec_table")
    assert len(at.dataframe) == 0       # a plain table, not the canvas data grid (#14)
    table = at.table[0].value
    assert len(table) == 9
    assert list(table.iloc[:, 0]) == ["o₁₁", "o₁₂", "o₁₃", "o₂₁", "o₂₂", "o₂₃", "o₃₁", "o₃₂", "o₃₃"]
    assert [float(v) for v in table.iloc[:, 3]] == [v for row in CORR for v in row]
    assert table.iloc[2, 1] == "i₁₃·h₁₁ + i₁₄·h₁₂ + i₂₃·h₂₁ + i₂₄·h₂₂"
    assert table.iloc[0, 2] == "1×1 + 0×(−1) + 1×1 + 1×(−1)"
    assert note_title("s003_eq5_label") in all_text(at)


def test_edited_kernel_changes_every_number():
    at = open_page(PAGE, "zh")
    at.text_area(key=key("kernel")).input("0 1\n2 0.5").run()
    no_exception(at)
    step = stepper(at)
    expected = correlate(X, [[0, 1], [2, 0.5]])
    assert np.array_equal(grid_values(step, translate("zh", "conv_single.fig_net")), expected)
    assert "= 1×0 + 0×1 + 1×2 + 1×0.5 = 2.5;" in formula(step, 0)


# --------------------------------------------------------------------------- bad input
BAD_MATRICES = ["1 2\nx 4", "1 2 3\n4 5", "1 nan\n2 3", "1 inf\n2 3", "1e309 1\n2 3", "", "   ",
                "\n".join(" ".join("1" for _ in range(13)) for _ in range(13)),
                "__import__('os')", "<b>x</b>"]


@pytest.mark.parametrize("text", BAD_MATRICES, ids=range(len(BAD_MATRICES)))
def test_bad_input_matrix_shows_an_error_and_the_kernel_still_renders(text):
    at = open_page(PAGE, "en")
    at.text_area(key=key("input")).input(text).run()
    no_exception(at)
    assert at.error, "no error element for a bad input matrix"
    assert translate("en", "conv_single.needs_input") in all_text(at)
    assert not steppers(at)
    open_tab(at, "sec_inputs")
    assert all(not re.search(r"(?<!\\)<", e.value) for e in at.error)  # shown escaped, never as HTML
    got = titles(at)
    assert translate("en", "conv_single.fig_kernel", rows=2, cols=2) in got
    assert translate("en", "conv_single.fig_kernel_rot") in got
    assert translate("en", "conv_single.needs_input") in all_text(at)


@pytest.mark.parametrize("text", ["a b\nc d", "1 2\n3", "nan", "__import__('os')", "<b>x</b>",
                                  "\n".join(["1 1 1 1 1 1 1"] * 7)])
def test_bad_kernel_shows_an_error_and_the_input_still_renders(text):
    at = open_page(PAGE, "zh")
    at.text_area(key=key("kernel")).input(text).run()
    no_exception(at)
    assert at.error
    assert translate("zh", "conv_single.needs_kernel") in all_text(at)
    open_tab(at, "sec_inputs", "zh")
    assert translate("zh", "conv_single.fig_input", rows=4, cols=4) in titles(at)
    assert translate("zh", "conv_single.needs_kernel") in all_text(at)


@pytest.mark.parametrize("lang, words", [("en", "larger than the padded input"), ("zh", "大于填充后的输入")])
def test_kernel_larger_than_padded_input_is_explained(lang, words):
    at = open_page(PAGE, lang)
    at.text_area(key=key("kernel")).input("\n".join(["1 0 1 0 1"] * 5)).run()
    no_exception(at)
    errors = [e.value for e in at.error]
    assert errors and all(words in e for e in errors)
    assert translate(lang, "conv_single.fig_input", rows=4, cols=4) in titles(open_tab(at, "sec_inputs", lang))
    # padding 1 makes the 4×4 input 6×6: now the 5×5 kernel fits and a 2×2 output appears
    at.slider(key=key("padding")).set_value(1).run()
    no_exception(at)
    assert not at.error
    compare = stepper(open_tab(at, "sec_compare", lang), "compare")
    assert len(grid_values(compare, translate(lang, "conv_single.fig_corr"))) == 2


def test_one_by_one_output_has_one_cell():
    at = open_page(PAGE, "en", query={"kernel": "1,1,1,1;1,1,1,1;1,1,1,1;1,1,1,1"})
    no_exception(at)
    step = stepper(at)
    assert step["shape"] == [1, 1, 1]
    assert formula(step, 0).split(";")[0].endswith(f"= {int(X.sum())}")


# --------------------------------------------------------------------------- links
def test_link_sets_every_parameter():
    at = open_page(PAGE, "en", query={"input": "1,2,3;4,5,6;7,8,9", "kernel": "1,0;0,-1", "stride": "1",
                                      "padding": "0", "activation": "tanh", "cell": "4"})
    no_exception(at)
    assert not at.warning
    assert chosen(at, key("activation"))[0] == "tanh"   # the link's choice is shown selected
    step = stepper(at)
    assert step["start"] == 3  # the link's cell 4 (o₂₂) is shown first
    net, out = formula(step, 3).split("; ")
    assert net.startswith("net(o₂₂) = i₂₂·h₁₁ + i₂₃·h₁₂ + i₃₂·h₂₁ + i₃₃·h₂₂ =")
    assert net.endswith("= −4")  # 5 - 9
    assert out.endswith(f"= {math.tanh(-4):.4g}".replace("-", "−"))


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("query, widget, default", [
    ({"stride": "abc"}, ("slider", "stride"), 1),
    ({"stride": "9"}, ("slider", "stride"), 1),
    ({"padding": "-1"}, ("slider", "padding"), 0),
    ({"padding": "<b>2</b>"}, ("slider", "padding"), 0),
    ({"activation": "<script>alert(1)</script>"}, ("choice", "activation"), "relu"),
    ({"cell": "1e309"}, (None, "cell"), 1),
    ({"input": "1,2;x,4"}, ("text_area", "input"), "1, 0, 1, 0\n1, 1, 0, 1\n0, 1, 1, 0\n1, 0, 0, 1"),
    ({"kernel": "<img src=x onerror=alert(1)>"}, ("text_area", "kernel"), "1, -1\n1, -1"),
])
def test_bad_link_values_warn_and_use_the_default(lang, query, widget, default):
    at = open_page(PAGE, lang, query=query)
    no_exception(at)
    assert len(at.warning) == 1
    assert not re.search(r"(?<!\\)<", at.warning[0].value)  # any '<' of the link is markdown-escaped
    kind, name = widget
    value = (at.session_state[key(name)] if kind is None else chosen(at, key(name))[0] if kind == "choice"
             else getattr(at, kind)(key=key(name)).value)
    assert value == default
    assert at.title[0].value == translate(lang, "conv_single.title")


def test_an_activation_the_menu_did_not_offer_changes_nothing():
    """The activation menu's value comes from the browser: a made-up one (not an activation, not a string, a name
    in another case) is refused, the page keeps the link's activation and nothing is raised in the callback."""
    from ui.components.choice_menu import apply_choice

    at = open_page(PAGE, "en", query={"activation": "tanh"})
    assert choice_values(at, key("activation")) == ("identity", "relu", "sigmoid", "tanh")
    for sent in ("softmax", "TANH", "<b>relu</b>", "", 1, None, ["relu"]):
        assert not apply_choice(at.session_state, key("activation"), sent), sent
    at.run()
    no_exception(at)
    assert at.session_state[key("activation")] == "tanh" and chosen(at, key("activation"))[0] == "tanh"
    assert link_of(at)["activation"] == "tanh" and formula(stepper(at), 0).endswith(f"= {math.tanh(1):.4g}")


def test_selected_cell_beyond_the_output_is_clamped():
    at = open_page(PAGE, "en", query={"stride": "2", "cell": "9"})
    no_exception(at)
    assert not at.warning  # 9 is a valid link value; the 2×2 output simply ends at cell 4
    assert stepper(at)["start"] == 3
    assert stepper(open_tab(at, "sec_compare"), "compare")["start"] == 3


# --------------------------------------------------------------------------- round 2: digits, tabs, reset, own data
def check_link_query(at) -> dict[str, str]:
    """The query of the page's "check this by hand" link."""
    from urllib.parse import parse_qs

    links = [el.proto for el in at.get("page_link") if el.proto.page.endswith("check_work")]
    assert len(links) == 1, [el.proto.page for el in at.get("page_link")]
    return {k: v[0] for k, v in parse_qs(links[0].query_string).items()}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_digits_choice_reaches_the_cached_stepper(lang):
    # sigmoid(1) = 0.7310585...: 2 digits shows 0.73, then 6 digits in the same session 0.731059
    at = open_page(PAGE, lang, query={"digits": "2", "activation": "sigmoid"})
    no_exception(at)
    assert formula(stepper(at), 0).endswith("= 0.73")
    assert open_tab(at, "sec_table", lang).table[0].value.iloc[0, 4] == "0.73"
    at.session_state["digits"] = 6
    open_tab(at, "sec_step", lang)
    no_exception(at)
    assert formula(stepper(at), 0).endswith(f"= {1 / (1 + math.exp(-1)):.6g}")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_link_opens_its_tab_and_the_tab_goes_into_the_link(lang):
    at = open_page(PAGE, lang, query={"tab": "compare", "cell": "5"})
    no_exception(at)
    assert not at.warning
    assert stepper(at, "compare")["start"] == 4
    assert "stepper" not in steppers(at)  # only the open tab is drawn
    open_tab(at, "sec_table", lang)
    assert at.query_params["tab"] in ("table", ["table"])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_reset_to_the_text_example(lang):
    at = open_page(PAGE, lang, query={"kernel": "1,2;3,4", "stride": "2", "activation": "tanh"})
    at.button(key=key("reset")).click().run()
    no_exception(at)
    assert at.text_area(key=key("kernel")).value == "1, -1\n1, -1"
    assert at.slider(key=key("stride")).value == 1
    assert chosen(at, key("activation"))[0] == "relu"
    assert formula(stepper(at), 0).endswith("= 1")
    assert note_title("s003_o11", lang) in all_text(at)


def test_text_notes_only_with_the_text_example():
    at = open_page(PAGE, "en", query={"input": "1,2,3;4,5,6;7,8,9"})
    no_exception(at)
    text = all_text(at)
    assert note_title("s003_o11") not in text and note_title("s003_eq5_label") not in text
    assert "cs_eq5" not in json.dumps(stepper(at)) and not any(
        translate("en", "conv_single.cs_eq5_cell", text=translate("en", "words.text_003"))[:20] in c["html"]
        for c in stepper(at)["cells"])
    compare = open_tab(at, "sec_compare")
    assert note_title("s001_crosscorr_naming") in all_text(compare)  # a convention, not tied to the example


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_check_by_hand_link_opens_check_my_work_with_this_setup(lang):
    at = open_page(PAGE, lang, query={"input": "1,2,0;0,1,3;2,2,1", "kernel": "1,0;2,-1", "padding": "1"})
    query = check_link_query(at)
    assert query["kind"] == "conv_forward" and query["padding"] == "1" and query["w"] == "1,0;2,-1"
    check = open_page("check_work", lang, query)
    no_exception(check)
    assert not check.warning
    assert check.session_state["check_work.kind"] == "conv_forward"
    assert "1, 2, 0\n0, 1, 3\n2, 2, 1" in [ta.value for ta in check.text_area]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_presets_and_library_code(lang):
    at = open_page(PAGE, lang)
    choose_preset(at, key("kernel"), "identity")
    no_exception(at)
    kernel = at.text_area(key=key("kernel")).value
    w = np.array([[float(v) for v in row.split(",")] for row in kernel.splitlines()])
    assert w.sum() == 1 and (w == 1).sum() == 1
    # an identity kernel copies the input: every net equals the input cell under the kernel's 1
    net = grid_values(stepper(at), translate(lang, "conv_single.fig_net"))
    r, c = map(int, np.argwhere(w == 1)[0])
    assert np.array_equal(net, X[r:r + len(net), c:c + len(net[0])])
    at.session_state["conv_single.code_open"] = True   # the library code panel is built only while open
    at.run()
    code = "\n".join(el.value for el in at.code)
    assert "F.conv2d(" in code and "stride=(1, 1)" in code
    at.slider(key=key("stride")).set_value(2).run()
    assert "stride=(2, 2)" in "\n".join(el.value for el in at.code)


def test_switching_language_keeps_the_open_tab():
    at = open_page(PAGE, "en", query={"tab": "compare"})
    assert "compare" in steppers(at)
    set_setting(at, "lang", "zh")
    no_exception(at)
    assert "compare" in steppers(at) and "stepper" not in steppers(at)
    assert [tab["label"] for tab in tab_strip_tabs(at, PAGE, "section") if tab["selected"]] == [
        translate("zh", "conv_single.sec_compare")]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_long_formula_table_scrolls_in_a_box_and_keeps_every_row(lang):
    """12×12 input, 2×2 kernel: 121 cells, every one a row of the plain table, against the loop reference."""
    x = np.arange(144, dtype=float).reshape(12, 12) % 5
    text = "\n".join(" ".join(f"{v:g}" for v in row) for row in x)
    at = open_page(PAGE, lang)
    at.text_area(key=key("input")).input(text).run()
    no_exception(at)
    table = open_tab(at, "sec_table", lang).table[0].value
    assert len(table) == 121 and table.iloc[0, 0] == "o₁₁"
    reference = correlate(x, H)
    assert [float(v.replace("−", "-")) for v in table.iloc[:, 3]] == [v for row in reference for v in row]
    # the box: a fixed height with a border (the table scrolls inside it), not the page growing by 121 rows
    boxes = [b for b in at.main.get("flex_container") if b.proto.height_config.pixel_height]
    assert [b.proto.height_config.pixel_height for b in boxes] == [480]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_setup_file_loaded_in_the_export_panel_sets_the_page(lang, monkeypatch):
    """A setup file loaded in the export panel (a part of its own) sets the editors, the sliders and the activation,
    and the stepper shows that setup's output (loops as reference). AppTest reruns the whole script on every run:
    that the part asks the browser's page for a full rerun is checked in tests/e2e/test_conv_single_browser.py."""
    import ui.export

    offered: dict[str, str] = {}
    real_json = ui.export.setup_json
    monkeypatch.setattr(ui.export, "setup_json", lambda *a, **k: offered.__setitem__("json", real_json(*a, **k))
                        or offered["json"])
    x = np.arange(25.0).reshape(5, 5) - 12
    exported = open_page(PAGE, lang, query={"stride": "2", "padding": "1", "activation": "sigmoid",
                                            "input": ";".join(",".join(f"{v:g}" for v in row) for row in x)})
    exported.session_state[key("export_open")] = True
    exported.run()
    no_exception(exported)
    setup = offered["json"]

    at = open_page(PAGE, lang)
    at.session_state[key("export_open")] = True
    at.run()
    at.file_uploader(key="conv_single.export.load").set_value(("conv_single-setup.json", setup.encode(),
                                                               "application/json")).run()
    no_exception(at)
    assert at.slider(key=key("stride")).value == 2 and at.slider(key=key("padding")).value == 1
    assert chosen(at, key("activation"))[0] == "sigmoid"
    padded = np.pad(x, 1)
    net = [[sum(padded[2 * i + a, 2 * j + b] * H[a, b] for a in range(2) for b in range(2)) for j in range(3)]
           for i in range(3)]
    np.testing.assert_allclose(grid_values(stepper(at), translate(lang, "conv_single.fig_net")), net)
