"""The padding & stride page through the real app: numbers shown against the core and the seeds."""

from __future__ import annotations

import pytest

from cnn_core.arithmetic import (Padding, axis_arithmetic, conv_output_size, padded_grid, resolve_padding,
                                 same_axis)
from cnn_core.errors import CoreValueError
from cnn_core.claims import claim_by_key
from ui.claims_view import claim_title
from ui.i18n import explain_error, translate

from .conftest import all_text, latex_lines, no_exception, open_page, plotly_figures, stepper, stepper_grid
from .conftest import pick_tab, tab_labels
from .math_boxes import math_box_formulas, math_box_markups


def latex(at) -> list[str]:
    """Every display formula on the page: the math boxes' (MathML, #14) and any ``st.latex`` (none left)."""
    return math_box_formulas(at, "padding.") + latex_lines(at)


def results(at) -> list[str]:
    """The last line (the result) of every worked equation on the page."""
    return [value.split("&=")[-1].split("\\end{aligned}")[0].strip() for value in latex(at) if "&=" in value]


def padded(at, lang: str = "en") -> dict:
    """The cell stepper's padded grid (the read counts, ticks, padding mask, never-read marks)."""
    return next(g for g in stepper(at)["grids"] if g["title"] == translate(lang, "padding.cs_padded"))


def tap_cells(cell: dict) -> set[tuple[int, int]]:
    """Every padded cell (0-based) a stepper cell outlines."""
    return {(r, c) for _, r0, c0, r1, c1, *_ in cell["marks"] for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}


def open_step(at, name: str, lang: str = "en") -> None:
    """Open a tab of the formula section (padding / output / used) and rerun."""
    pick_tab(at, "padding", "steps", name, translate(lang, f"padding.step_{name}"))
    no_exception(at)




@pytest.mark.parametrize("lang", ["en", "zh"])
def test_default_is_seed_003_in_both_languages(lang):
    at = open_page("padding", lang)
    no_exception(at)
    assert at.title[0].value == translate(lang, "padding.title")
    text = all_text(at)
    for key in ("padding.height", "padding.kernel", "padding.stride", "padding.dilation", "padding.mode",
                "padding.section_formula", "padding.section_grid", "padding.cs_caption"):
        assert translate(lang, key) in text
    assert not at.warning and not at.error
    # seed 003: 5x5 input, 3x3 kernel, stride 2, pad 1 -> 3x3 ("输出 3×3"); both axes end in 3
    res = results(at)
    assert res.count("3") >= 2
    assert "3 × 3" in at.success[0].value and "7 × 7" in at.success[0].value
    # the formula written with the numbers: (5 + 1 + 1 - 1(3 - 1) - 1) / 2, then (7 - 3) / 2
    assert any("5 + 1 + 1 \\\\ {} - 1\\cdot(3 - 1) - 1" in v and "{7 - 3}{2}" in v for v in latex(at))
    # the default view: the output-size tab, no chart (#14: the first view does not wait for Plotly), one cell
    # stepper with every kernel position, the first output cell shown
    assert tab_labels(at, "padding", "steps") == [translate(lang, f"padding.step_{n}") for n in ("padding", "output", "used")]
    assert not plotly_figures(at)
    data = stepper(at)
    assert data["start"] == 0 and not data["clamped"] and data["url"] == {"oi": "r", "oj": "c"}
    assert data["shape"] == [1, 3, 3] and [c["label"] for c in data["cells"]][:3] == ["o₁₁", "o₁₂", "o₁₃"]
    # the padded grid is 7x7 with 24 padded zeros hatched, ticks "·" on the padding
    grid = padded(at, lang)
    assert len(grid["values"]) == 7 and sum(map(sum, grid["mask"])) == 24
    assert grid["col_labels"] == ["·", "1", "2", "3", "4", "5", "·"]
    assert data["labels"]["hint"] == translate(lang, "padding.stepper_hint")
    # the real input used: 2(3 - 1) + 1(3 - 1) + 1 = 7
    open_step(at, "used", lang)
    assert any("2\\cdot(3 - 1) + 1\\cdot(3 - 1) + 1" in v and v.rstrip().endswith("&= 7 \\end{aligned}")
               for v in latex(at))
    # every kernel position is a cell of the stepper (▶ visits them all: the old animation)
    assert len(data["cells"]) == 9


def test_read_counts_and_footprint_of_the_chosen_output_cell():
    at = open_page("padding", "en", query={"oi": "2", "oj": "3"})
    no_exception(at)
    data = stepper(at)
    assert data["start"] == 5 and not data["clamped"]
    cell = data["cells"][5]
    assert cell["label"] == "o₂₃"
    # output (2, 3) of stride 2: padded rows 3..5, columns 5..7 (1-based; 0-based 2..4 and 4..6), 9 taps
    assert tap_cells(cell) == {(r, c) for r in range(2, 5) for c in range(4, 7)}
    # the window's edges written out: 2(2 - 1) + 1 = 3 to 3 + 1(3 - 1) = 5; 2(3 - 1) + 1 = 5 to 7
    assert "r首" not in cell["aria"]
    assert "rfirst = sh(i−1) + 1 = 2·(2−1) + 1 = 3" in cell["aria"]
    assert "rlast = rfirst + dh(kh−1) = 3 + 1·(3−1) = 5" in cell["aria"]
    assert "cfirst = sw(j−1) + 1 = 2·(3−1) + 1 = 5" in cell["aria"] and "= 7" in cell["aria"]
    # 9 taps: padded column 7 is the right column of zeros (3 taps), rows 3..5 are input rows 2..4
    assert translate("en", "padding.cs_taps_note", taps=9, real=6, zeros=3) in cell["html"]
    # counts shown = the core's read counts (centre of four overlapping windows is read 4 times)
    a = axis_arithmetic(5, 3, 2, 1)
    grid = padded_grid((5, 5), Padding(1, 1, 1, 1), a, a)
    counts = stepper_grid(data, translate("en", "padding.cs_padded"))
    assert counts.tolist() == grid.read_counts.astype(float).tolist() and counts[2][2] == 4
    # the output grid counts the taps on real input: a corner of the 3x3 output reads 2x2 real cells
    out = stepper_grid(data, translate("en", "padding.cs_output", oh=3, ow=3))
    assert out.tolist() == [[4, 6, 4], [6, 9, 6], [4, 6, 4]]


def test_stride_slider_changes_the_numbers_and_the_url():
    at = open_page("padding", "en")
    at.slider(key="padding.row_s").set_value(1).run()
    no_exception(at)
    expected = conv_output_size(5, 3, 1, 1)
    assert expected == 5
    assert "5 × 5" in at.success[0].value
    assert at.query_params["s"] in (["1"], "1")
    assert len(stepper(at)["cells"]) == 25
    at.slider(key="padding.row_s").set_value(3).run()
    no_exception(at)
    assert len(stepper(at)["cells"]) == conv_output_size(5, 3, 3, 1) ** 2 == 4
    assert at.query_params["s"] in (["3"], "3")


def test_same_padding_is_tensorflows_asymmetric_rule():
    at = open_page("padding", "en", query={"mode": "same", "h": "6", "w": "5", "k": "3", "s": "2"})
    no_exception(at)
    rule_h, rule_w = same_axis(6, 3, 2), same_axis(5, 3, 2)
    # TensorFlow: n=6, k=3, s=2 -> out 3, one zero in all, and it goes to the bottom
    assert (rule_h.out, rule_h.total, rule_h.before, rule_h.after) == (3, 1, 0, 1)
    assert "3 × 3" in at.success[0].value
    assert padded(at)["row_labels"] == ["1", "2", "3", "4", "5", "6", "·"]
    open_step(at, "padding")
    assert translate("en", "padding.same_caption") in all_text(at)
    values = latex(at)
    assert any("\\left\\lceil \\frac{6}{2} \\right\\rceil \\\\ &= 3" in v for v in values)
    assert any("\\max((3 - 1)\\cdot 2 + 1\\cdot(3 - 1) + 1 - 6" in v and v.rstrip().endswith("&= 1 \\end{aligned}")
               for v in values)
    assert any("p_{\\text{bottom}} &= P_h - p_{\\text{top}}" in v and "1 - 0" in v for v in values)
    # width n=5: total 2, split 1 / 1
    assert (rule_w.total, rule_w.before, rule_w.after) == (2, 1, 1)
    assert any("p_{\\text{right}} &= P_w - p_{\\text{left}}" in v and "2 - 1" in v for v in values)


def test_valid_shades_what_it_discards():
    at = open_page("padding", "en", query={"mode": "valid", "h": "7", "w": "7", "k": "3", "s": "3"})
    no_exception(at)
    a = axis_arithmetic(7, 3, 3)
    assert (a.out, a.used, a.uncovered_input) == (2, 6, 1)
    open_step(at, "used")
    text = all_text(at)
    assert "the first 6 of the 7 padded rows; the last row is never read, and it is real input." in text
    assert translate("en", "padding.used_valid") in text
    # the last row and column of the input (13 cells) are never read: marked, and the legend says so
    assert sum(map(sum, padded(at)["won"])) == 13
    assert [kind for kind, _ in stepper(at)["legend"]] == ["window", "won"]
    assert "2 × 2" in at.success[0].value


def test_dilation_taps_are_separate_cells():
    at = open_page("padding", "en", query={"h": "7", "w": "7", "k": "3", "s": "1", "d": "2", "p": "0"})
    no_exception(at)
    a = axis_arithmetic(7, 3, 1, 0, 2)
    assert a.k_eff == 5 and a.out == 3
    first = stepper(at)["cells"][0]
    assert tap_cells(first) == {(r, c) for r in (0, 2, 4) for c in (0, 2, 4)}   # 9 taps, 2 apart
    assert "rlast = rfirst + dh(kh−1) = 1 + 2·(3−1) = 5" in first["aria"]     # the span: 5 rows
    assert any("7 + 0 + 0 \\\\ {} - 2\\cdot(3 - 1) - 1 \\end{gathered}}{1}" in v for v in latex(at))


def test_full_padding():
    at = open_page("padding", "en", query={"mode": "full", "k": "3", "d": "2", "s": "1"})
    no_exception(at)
    pad = resolve_padding("full", (5, 5), 3, 1, 2)
    assert pad == Padding(4, 4, 4, 4)
    out = conv_output_size(5, 3, 1, 4, 2)
    assert f"{out} × {out}" in at.success[0].value
    open_step(at, "padding")
    assert any("d_h(k_h - 1)" in v and "2\\cdot(3 - 1)" in v and v.rstrip().endswith("&= 4 \\end{aligned}")
               for v in latex(at))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_impossible_setting_explains_itself_and_still_draws_the_grid(lang):
    at = open_page("padding", lang, query={"mode": "valid", "h": "4", "w": "4", "k": "5", "s": "1"})
    no_exception(at)
    errors = [e.value for e in at.error]
    for axis in ("height", "width"):
        expected = explain_error(CoreValueError("kernel_too_large", "", kernel=5, padded=4, axis=axis), lang)
        assert expected in errors
    assert len(errors) == 2
    if lang == "en":
        assert "No output along the width: the kernel (5) is larger than the padded input (4)." in errors
    assert at.warning[0].value == translate(lang, "padding.no_output")
    figs = plotly_figures(at)
    assert len(figs) == 1
    assert figs[0]["layout"]["title"]["text"] == translate(lang, "padding.fig_padded_only")
    assert len(figs[0]["data"][0]["z"]) == 4


def _first_row(at) -> list:
    """The first row's sliders (kernel, stride, dilation, padding): the square setting, or the height's per axis."""
    return [at.slider(key=f"padding.row_{name}") for name in ("k", "s", "d", "p")]


def test_per_axis_settings_and_one_impossible_axis():
    at = open_page("padding", "en")
    at.slider(key="padding.row_k").set_value(5).run()
    assert at.query_params["k"] in (["5"], "5")
    at.toggle(key="padding.axes").set_value(True).run()
    no_exception(at)
    # the square values were copied to both axes; the first row is the height's now (its labels say so)
    assert [s.value for s in _first_row(at)] == [5, 2, 1, 1]
    assert [s.label for s in _first_row(at)] == [translate("en", f"padding.{n}_h") for n in ("kernel", "stride",
                                                                                                "dilation", "p")]
    assert at.session_state["padding.kh"] == 5 and at.slider(key="padding.kw").value == 5
    assert at.slider(key="padding.sw").value == 2
    at.slider(key="padding.row_k").set_value(3).run()           # the height's kernel
    at.slider(key="padding.kw").set_value(1).run()
    at.slider(key="padding.sw").set_value(1).run()
    no_exception(at)
    ow = conv_output_size(5, 1, 1, 1)
    assert ow == 7
    assert "3 × 7" in at.success[0].value
    assert at.session_state["padding.kh"] == 3 and at.session_state["padding.k"] == 5   # the square value kept
    assert at.query_params["kw"] in (["1"], "1") and at.query_params["axes"] in (["1"], "1")
    assert at.query_params["k"] in (["5"], "5") and "kh" not in at.query_params   # kh 3: the default
    # VALID with a tall kernel: only the height has no output
    at.radio(key="padding.mode").set_value("valid").run()
    assert at.slider(key="padding.row_p").disabled and at.slider(key="padding.pw").disabled
    at.slider(key="padding.row_k").set_value(7).run()
    no_exception(at)
    assert at.query_params["kh"] in (["7"], "7")
    assert [e.value for e in at.error] == [
        "No output along the height: the kernel (7) is larger than the padded input (5)."]
    assert len(plotly_figures(at)) == 1
    # per-axis off: the first row is the square setting again, as it was before (kernel 5), and so is the link
    at.toggle(key="padding.axes").set_value(False).run()
    no_exception(at)
    assert [s.value for s in _first_row(at)] == [5, 2, 1, 1]
    assert _first_row(at)[0].label == translate("en", "padding.kernel")
    assert "axes" not in at.query_params and at.query_params["k"] in (["5"], "5")
    assert not at.error   # VALID, square kernel 5 on 5 × 5: one output cell
    assert translate("en", "padding.result_size", oh=1, ow=1, ph=5, pw=5) == at.success[0].value


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_per_axis_link_opens_with_both_rows_and_keeps_the_square_setting(lang):
    """A link with per-axis on: the first row shows the height's values (``kh``...), the width's row ``kw``...; the
    link's square values come back with per-axis off; a reset puts every value back."""
    query = {"axes": "1", "k": "5", "kh": "7", "kw": "2", "sh": "3", "pw": "0", "h": "9"}
    at = open_page("padding", lang, query=query)
    no_exception(at)
    assert not at.warning
    assert [s.value for s in _first_row(at)] == [7, 3, 1, 1]
    assert [at.slider(key=f"padding.{n}w").value for n in ("k", "s", "d", "p")] == [2, 2, 1, 0]
    oh, ow = conv_output_size(9, 7, 3, 1), conv_output_size(5, 2, 2, 0)
    assert translate(lang, "padding.result_size", oh=oh, ow=ow, ph=11, pw=5) == at.success[0].value
    at.toggle(key="padding.axes").set_value(False).run()
    assert [s.value for s in _first_row(at)] == [5, 2, 1, 1]
    at.toggle(key="padding.axes").set_value(True).run()          # on again: both axes start from the square
    assert [s.value for s in _first_row(at)] == [5, 2, 1, 1] and at.slider(key="padding.kw").value == 5
    at.button(key="padding.reset").click().run()
    no_exception(at)
    assert not at.session_state["padding.axes"] and [s.value for s in _first_row(at)] == [3, 2, 1, 1]
    assert [at.session_state[f"padding.{n}h"] for n in ("k", "s", "d", "p")] == [3, 2, 1, 1]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_output_cell_is_kept_inside_a_smaller_output(lang):
    at = open_page("padding", lang, query={"oi": "3"})
    assert stepper(at)["start"] == 6 and not stepper(at)["clamped"]
    at.slider(key="padding.h").set_value(2).run()   # now the output has 1 row
    no_exception(at)
    data = stepper(at)
    # the last row is shown and the browser says so (the component's "clamped" label, translated)
    assert data["shape"] == [1, 1, 3] and data["start"] == 0 and data["clamped"]
    assert data["labels"]["clamped"] == translate(lang, "common.stepper_clamped")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_linked_output_row_beyond_the_output_says_what_is_used(lang):
    # #12 item 3: "output row 9 of 3" — a message (in the stepper), and row 3 is the one drawn
    at = open_page("padding", lang, query={"oi": "9"})
    no_exception(at)
    assert not at.warning
    data = stepper(at)
    assert data["clamped"] and data["cells"][data["start"]]["label"] == "o₃₁"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_link_keeps_the_output_cell_and_the_tabs(lang):
    # "view" was the grid's tab bar before the cell stepper: an old link with it still opens
    at = open_page("padding", lang, query={"oi": "2", "oj": "3", "step": "used", "view": "all"})
    no_exception(at)
    assert not at.warning and not at.info
    data = stepper(at)
    assert data["cells"][data["start"]]["label"] == "o₂₃"
    assert translate(lang, "padding.used_caption") in all_text(at)   # the link's formula tab is open
    assert at.query_params["oi"] in ("2", ["2"]) and at.query_params["oj"] in ("3", ["3"])
    at.slider(key="padding.row_s").set_value(3).run()   # a setting's change keeps the cell in the link
    assert at.query_params["oj"] in ("3", ["3"])
    assert stepper(at)["cells"][stepper(at)["start"]]["label"] == "o₂₂" and stepper(at)["clamped"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_reset_check_links_export_and_code(lang):
    from urllib.parse import parse_qs

    at = open_page("padding", lang, query={"h": "7", "w": "6", "k": "3", "s": "2", "p": "0"})
    links = [el.proto for el in at.get("page_link") if el.proto.page.endswith("check_work")]
    query = {k: v[0] for k, v in parse_qs(links[0].query_string).items()}
    assert query == {"kind": "output_size", "in_h": "7", "in_w": "6", "kernel_h": "3", "kernel_w": "3",
                     "stride": "2", "padding": "0", "dilation": "1"}
    check = open_page("check_work", lang, query)
    no_exception(check)
    assert not check.warning and check.session_state["check_work.kind"] == "output_size"
    at.radio(key="padding.mode").set_value("same").run()
    links = [el.proto for el in at.get("page_link") if el.proto.page.endswith("check_work")]
    assert "kind=same_padding" in links[0].query_string
    at.session_state["padding.code_open"] = True   # the library code panel is built only while open
    at.run()
    code = "\n".join(el.value for el in at.code)
    # SAME on 7×6, k 3, s 2: total padding 2 and 1 -> asymmetric, written as F.pad before the call
    assert "F.pad(x, (0, 1, 1, 1))" in code
    at.button(key="padding.reset").click().run()
    no_exception(at)
    assert (at.slider(key="padding.h").value, at.radio(key="padding.mode").value) == (5, "explicit")
    assert "3 × 3" in at.success[0].value


@pytest.mark.parametrize("query, name", [
    ({"s": "abc"}, "padding.stride"),
    ({"k": "99"}, "padding.kernel"),
    ({"mode": "<b>x</b>"}, "padding.mode"),
    ({"h": "3.5"}, "padding.height"),
    ({"axes": "maybe"}, "padding.per_axis"),
])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bad_link_values_warn_and_use_the_default(query, name, lang):
    at = open_page("padding", lang, query=query)
    no_exception(at)
    assert len(at.warning) == 1
    assert translate(lang, name) in at.warning[0].value
    assert "<b>" not in at.warning[0].value  # escaped, never HTML
    assert "3 × 3" in at.success[0].value   # the defaults (seed 003) still give 3x3


def test_a_good_link_is_applied():
    at = open_page("padding", "zh", query={"h": "16", "w": "3", "k": "2", "s": "4", "mode": "SAME"})
    no_exception(at)
    assert not at.warning
    assert at.radio(key="padding.mode").value == "same"
    oh, ow = same_axis(16, 2, 4).out, same_axis(3, 2, 4).out
    assert (oh, ow) == (4, 1)
    assert f"{oh} × {ow}" in at.success[0].value


def test_largest_setting_steps_every_position():
    at = open_page("padding", "en", query={"h": "16", "w": "16", "k": "1", "s": "1", "p": "4"})
    no_exception(at)
    data = stepper(at)
    assert len(data["cells"]) == conv_output_size(16, 1, 1, 4) ** 2 == 576
    assert sum(map(sum, padded(at)["mask"])) == 24 * 24 - 16 * 16   # the padding hatched, every position
    assert tap_cells(data["cells"][-1]) == {(23, 23)}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_source_texts_are_corrected(lang):
    at = open_page("padding", lang)
    assert "Python 2" not in all_text(at)                # drawn only when the expander is opened
    at.session_state["padding.notes"] = True
    at.run()
    no_exception(at)
    text = all_text(at)
    # the CNN notes: (6 - 3)/2 + 1 = 2.5, but 2 windows fit
    assert conv_output_size(6, 3, 2) == 2
    # the Hands-on CNN project's code is Python 2: int "/" floors, (6 - 3 + 2)/2 + 1 -> 3, the right count
    python2_result = (6 - 3 + 2) // 2 + 1
    assert python2_result == conv_output_size(6, 3, 2, 1) == 3
    # the notes are the catalogue's (claim_note): verdict, correction, link to the worked example
    for claim in ("s000_output_size", "s000_valid", "s000_real_input", "s000_same", "s003_code_output_size"):
        assert claim_title(claim_by_key(claim), lang) in text, claim
    assert "Python 2" in text and "3.5" in text
    if lang == "en":
        assert "2.5, but only ⌊3/2⌋ + 1 = 2 windows fit" in text
        assert "seed" not in text.lower()


def test_used_tab_of_an_impossible_axis_says_so():
    at = open_page("padding", "en", query={"mode": "valid", "h": "4", "w": "9", "k": "5", "s": "1"})
    no_exception(at)
    open_step(at, "used")
    text = all_text(at)
    assert translate("en", "padding.used_none") in text
    a = axis_arithmetic(9, 5, 1)
    assert a.used == 9
    assert any("L_w" in v and "1\\cdot(5 - 1) + 1\\cdot(5 - 1) + 1" in v and v.rstrip().endswith("&= 9 \\end{aligned}")
               for v in latex(at))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_unread_lines_said_naturally_for_one_zero_and_many(lang):
    # n = 6, k = 3, s = 2, p = 1: padded 8, O = 3, the windows reach 7: the last row is a padded zero
    a = axis_arithmetic(6, 3, 2, (1, 1))
    assert (a.used, a.padded, a.uncovered, a.uncovered_input) == (7, 8, 1, 0)
    at = open_page("padding", lang, query={"h": "6", "w": "9", "k": "3", "s": "2", "p": "1", "step": "used"})
    no_exception(at)
    text = all_text(at)
    rows, row = translate(lang, "padding.lines_rows"), translate(lang, "padding.line_row")
    assert translate(lang, "padding.used_sentence", head=translate(lang, "padding.used_head", used=7, padded=8, lines=rows),
                     tail=translate(lang, "padding.used_tail_one_pad", line=row)) in text
    # n = 9 (width): padded 11, O = 5, the windows reach 11: nothing left out
    assert axis_arithmetic(9, 3, 2, (1, 1)).uncovered == 0
    assert translate(lang, "padding.used_all", padded=11, lines=translate(lang, "padding.lines_cols")) in text
    if lang == "en":
        assert "the last row is never read, but it is only padding." in text
    # n = 8, k = 3, s = 3, VALID: reach 6 of 8, the last 2 rows are both real input
    at = open_page("padding", lang, query={"h": "8", "k": "3", "s": "3", "mode": "valid", "step": "used"})
    text = all_text(at)
    assert translate(lang, "padding.used_tail_input", n=2, lines=rows) in text
    assert " 1 are " not in text and "0 of them" not in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_link_keeps_the_notes_expander_open(lang):
    at = open_page("padding", lang, query={"notes": "1"})
    no_exception(at)
    assert "Python 2" in all_text(at)
    at.session_state["padding.notes"] = False
    at.run()
    assert "Python 2" not in all_text(at) and "notes" not in at.query_params


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("query", [
    {},                                                                    # the text's 5×5, k 3, s 2, p 1
    {"mode": "same", "h": "6", "w": "7", "k": "4", "s": "3", "d": "2"},
    {"mode": "full", "k": "3", "d": "2", "s": "1"},
    {"mode": "valid", "h": "4", "w": "9", "k": "5", "s": "1"},             # no output along the height
    {"axes": "1", "kh": "2", "kw": "5", "sh": "1", "sw": "3", "ph": "0", "pw": "2", "dw": "2", "w": "12"},
], ids=["explicit", "same", "full", "valid-impossible", "per-axis"])
def test_formulas_are_mathml_per_tab_and_axis_with_the_latex_numbers(lang, query):
    """#14 round 9: every formula of the three tabs is MathML made in Python, one math box per axis of the open tab
    (a setting of one axis re-sends that axis's box only), nothing typeset by KaTeX; each line is MathML (not the
    fallback source) writing the LaTeX's numbers in order, the two-row numerator (gathered) a two-row table."""
    import re

    from ui.formulas.mathml import latex_numbers, mathml_numbers

    at = open_page("padding", lang, query=query)
    no_exception(at)
    impossible = query.get("mode") == "valid"
    for step in ("padding", "output", "used"):
        open_step(at, step, lang)
        assert not latex_lines(at)                                            # nothing left to KaTeX
        keys = [el.key for el in at.main.get("bidi_component") if el.key.endswith("_math")]
        # the used tab of an axis without output has no formula (a sentence says so)
        axes = ("w",) if impossible and step == "used" else ("h", "w")
        assert keys == [f"padding.{step}_{ax}_math" for ax in axes]
        lines = [line for markup in math_box_markups(at, "padding.")
                 for line in re.findall(r'<div class="math-line".*?(?=<div class="math-line"|$)', markup, re.S)]
        sources = latex(at)
        assert len(lines) == len(sources) >= len(axes)
        for line, source in zip(lines, sources):
            assert "<math" in line and not re.search(r"<mtext>[^<]*\\", line), source
            assert mathml_numbers(line) == latex_numbers(source), source
            if r"\begin{gathered}" in source:                                # n + p + p over − d(k − 1) − 1
                assert re.search(r"<mfrac><mrow><mtable><mtr>.*?</mtr><mtr>.*?</mtr></mtable>", line), source
        if step == "output":
            assert sum(r"\begin{gathered}" in source for source in sources) == 2
            assert sum(r"\end{aligned}" in source for source in sources) == (1 if impossible else 2)


def test_a_setup_file_loaded_in_the_export_panel_sets_both_rows(monkeypatch):
    """A loaded setup file writes the link's parameters (``kh``, ``kw``...): the first row's sliders, which show the
    square or the height's values, follow them, in a session with per-axis on and in one without."""
    import ui.export

    offered: dict[str, str] = {}
    real_json = ui.export.setup_json
    monkeypatch.setattr(ui.export, "setup_json", lambda *a, **k: offered.__setitem__("json", real_json(*a, **k))
                        or offered["json"])
    exported = open_page("padding", "en", query={"axes": "1", "kh": "5", "sh": "1", "kw": "2", "k": "4"})
    exported.session_state["padding.export_open"] = True
    exported.run()
    no_exception(exported)
    setup = offered["json"]
    for query in ({}, {"axes": "1", "kh": "7", "kw": "7"}):
        at = open_page("padding", "en", query=query)
        at.session_state["padding.export_open"] = True
        at.run()
        at.file_uploader(key="padding.export.load").set_value(("padding-setup.json", setup.encode(),
                                                               "application/json")).run()
        no_exception(at)
        assert at.session_state["padding.axes"]
        assert [s.value for s in _first_row(at)] == [5, 1, 1, 1]
        assert at.slider(key="padding.kw").value == 2
        oh, ow = conv_output_size(5, 5, 1, 1), conv_output_size(5, 2, 2, 1)
        assert translate("en", "padding.result_size", oh=oh, ow=ow, ph=7, pw=7) == at.success[0].value
        at.toggle(key="padding.axes").set_value(False).run()
        assert [s.value for s in _first_row(at)] == [4, 2, 1, 1]
