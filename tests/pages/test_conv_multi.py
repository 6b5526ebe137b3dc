"""Multi-channel convolution page (AppTest): the Hands-on CNN project's numbers, widgets, bad input, bad links.

References: the text's printed result (``CONV_5X5X3.printed``) and the core's per-cell loop
the loops of tests/reference.py — never the vectorised trace the page itself draws.
"""

from __future__ import annotations

import html
import json
import re

import numpy as np
import pytest

from cnn_core.conv import conv2d_trace
from cnn_core.worked_examples import CONV_5X5X3
from cnn_core.claims import claim_by_key
from ui.claims_view import claim_title
from ui.i18n import explain_error, translate
from ui.matrix_input import format_matrix

from tests.reference import correlate_channels

from .conftest import (all_text, choose_preset, link_of, no_exception, open_page, plotly_figures, preset_menus,
                       stepper_data)
from .conftest import pick_tab, tab_strip_tabs
from .math_boxes import math_box_formulas, math_box_markups, math_box_texts

X = np.asarray(CONV_5X5X3.inputs["x"])          # (1, 3, 5, 5)
W = np.asarray(CONV_5X5X3.inputs["w"])          # (2, 3, 3, 3)
B = np.asarray(CONV_5X5X3.inputs["b"])          # (2,)
PRINTED = np.asarray(CONV_5X5X3.printed["y"])[0]  # (2, 3, 3)


def _whole_page(at):
    """A plain run: AppTest's tree holds the last run's elements only, and a values control reruns only the parts
    that show the values (the browser keeps the others: the title, the layer's sliders, the tabs)."""
    return at.run()


def note_title(claim_key: str, lang: str = "en") -> str:
    """The title line of a catalogue note (``claim_note``) as the page's markdown shows it."""
    return claim_title(claim_by_key(claim_key), lang)


def _figure(at, key: str, lang: str = "en", **params) -> dict:
    title = translate(lang, f"conv_multi.{key}", **params)
    figs = [f for f in plotly_figures(at) if (f["layout"].get("title") or {}).get("text") == title]
    assert figs, f"no figure titled {title!r}"
    return figs[0]


def _open_tab(at, which: str, lang: str = "en"):
    """Open one of the lazily drawn tabs (filters, cell, partials, params) and rerun."""
    return pick_tab(at, "conv_multi", "section", which, translate(lang, f"conv_multi.tab_{which}"))


def _stepper(at) -> dict:
    """The cell stepper's payload (every output cell's windows and formulas, drawn in the browser)."""
    found = [stepper_data(el) for el in at.main.get("bidi_component") if el.key == "conv_multi.stepper"]
    assert len(found) == 1, "no cell stepper on the page"
    return found[0]


def _has_stepper(at) -> bool:
    """Whether the cell stepper is drawn (the page's other components are its math boxes)."""
    return any(el.key == "conv_multi.stepper" for el in at.main.get("bidi_component"))


def _map(at, f: int, lang: str = "en") -> np.ndarray:
    """Output map ``f`` (1-based) as the stepper draws it."""
    title = translate(lang, "conv_multi.output_fig_title", f=f)
    grids = [g for g in _stepper(at)["grids"] if g["title"] == title]
    assert len(grids) == 1, f"no grid titled {title!r}"
    return np.array(grids[0]["values"], dtype=float)


def _cell(at, f: int, i: int, j: int) -> dict:
    """The payload of output cell (i, j) of filter f (all 1-based)."""
    payload = _stepper(at)
    _, oh, ow = payload["shape"]
    return payload["cells"][((f - 1) * oh + i - 1) * ow + j - 1]


def _lines(cell: dict) -> list[str]:
    """S₁, S₂, S₃ and the total as plain text (the formula's aria-label)."""
    return cell["aria"].split("; ")


def _result(line: str) -> str:
    return line.rsplit("= ", 1)[1]


def _z(fig: dict, trace: int = 0) -> np.ndarray:
    return np.array(fig["data"][trace]["z"], dtype=float)


def _latex(at) -> list[str]:
    """Every display formula on the page as its LaTeX: the math boxes' lines (``ui.components.math_box``: MathML
    made in Python, #14 round 9); nothing is left to KaTeX (``st.latex``)."""
    assert not at.latex, [el.value for el in at.latex]
    return math_box_formulas(at, "conv_multi.")


def _texts(at) -> str:
    """Every text on the page (``all_text``) and the texts inside the math boxes (a filter's title, the rule)."""
    return all_text(at) + "\n" + "\n".join(math_box_texts(at, "conv_multi."))


def _latex_result(line: str) -> str:
    """The last '&= …' of an equation_lines block."""
    return line.split("&=")[-1].split("\\end{aligned}")[0].strip()


def _editor(at, key: str):
    """The text area of editor ``key`` (``conv_multi.x2``, ``conv_multi.w13``): only the open channel's and the
    open kernel's editor is drawn, so its tab is opened first (by position: either language) and the page rerun."""
    name = key.split(".")[1]
    if name[0] == "x":
        tabs, index = "x_tab", int(name[1]) - 1
    else:
        tabs, index = "w_tab", (int(name[1]) - 1) * 3 + int(name[2]) - 1
    if not [el for el in at.text_area if el.key == key]:
        at.session_state[f"conv_multi.{tabs}.index"] = index   # the tab strip's open position
        at.run()
    return at.text_area(key=key)


def _text(at, key: str) -> str:
    """Editor ``key``'s text, drawn or not."""
    return at.session_state[key]


def _written_kernels(at) -> dict[tuple[int, int], np.ndarray]:
    """The kernels the filters tab writes out, ``w^{(f,c)} = [...]`` (1-based f, c), read back from its LaTeX."""
    found = {}
    for line in _latex(at):
        for part in re.findall(r"w\^\{\((\d+),(\d+)\)\} &= \\begin\{bmatrix\}(.*?)\\end\{bmatrix\}", line):
            rows = [[float(v.strip().replace("−", "-")) for v in row.split("&")] for row in part[2].split("\\\\")]
            found[int(part[0]), int(part[1])] = np.array(rows)
    return found


def _number(value: float) -> str:
    """A value as the formulas print it (−, not -)."""
    return (str(int(value)) if float(value).is_integer() else str(value)).replace("-", "\u2212")


# --------------------------------------------------------------------------- both languages
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_runs_in_both_languages_with_translated_strings(lang):
    at = open_page("conv_multi", lang)
    no_exception(at)
    assert at.title[0].value == translate(lang, "conv_multi.title")
    text = all_text(at)
    for key in ("stride", "padding", "bias1", "section_steps", "cs_caption", "cell_intro"):
        assert translate(lang, f"conv_multi.{key}") in text
    assert note_title("s003_forward_printed", lang) in text   # the catalogue's verdict on the printed maps
    assert not at.error and not at.warning
    payload = _stepper(at)
    titles = [g["title"] for g in payload["grids"]]
    assert titles[:3] == [translate(lang, "conv_multi.cs_input", c=c) for c in (1, 2, 3)]
    assert translate(lang, "conv_multi.cs_kernel", f=2, c=3) in titles
    assert titles[-2:] == [translate(lang, "conv_multi.output_fig_title", f=f) for f in (1, 2)]
    assert payload["labels"]["hint"] == translate(lang, "conv_multi.stepper_hint")
    assert html.escape(translate(lang, "conv_multi.cs_partial", c=2)) in payload["cells"][0]["html"]
    _open_tab(at, "params", lang)
    no_exception(at)
    assert translate(lang, "conv_multi.section_params") in all_text(at)


# --------------------------------------------------------------------------- seed 003 defaults
def test_default_output_maps_are_the_printed_result():
    at = open_page("conv_multi")
    assert np.array_equal(_map(at, 1), PRINTED[0])   # [[6,7,5],[3,-1,-1],[2,-1,4]]
    assert np.array_equal(_map(at, 2), PRINTED[1])   # [[2,-5,-8],[1,-4,-4],[0,-5,-5]]
    # printed texts in the cells, too
    grid = [g for g in _stepper(at)["grids"] if g["title"] == translate("en", "conv_multi.output_fig_title", f=2)]
    assert grid[0]["text"][0] == ["2", "-5", "-8"]


def test_default_input_is_padded_and_marked():
    payload = _stepper(open_page("conv_multi"))
    assert payload["shape"] == [2, 3, 3]          # two filters, 3×3 output each
    for c in range(3):
        g = payload["grids"][c]
        z = np.array(g["values"], dtype=float)
        assert z.shape == (7, 7)
        assert np.array_equal(z[1:6, 1:6], X[0, c])
        assert not z[0].any() and not z[:, 0].any() and not z[-1].any() and not z[:, -1].any()
        # every padded zero of every channel is hatched, and nothing else
        greyed = {(r, q) for r in range(7) for q in range(7) if g["mask"][r][q]}
        assert greyed == {(r, q) for r in range(7) for q in range(7) if r in (0, 6) or q in (0, 6)}
        assert g["row_labels"] == ["·", "1", "2", "3", "4", "5", "·"]
    # the output maps are where a cell is picked: map 2 starts after the 9 cells of map 1
    assert [g["pick"] for g in payload["grids"][-2:]] == [0, 9]
    assert [c["label"] for c in payload["cells"][:2]] == ["Filter 1: z₁₁", "Filter 1: z₁₂"]


def test_default_cell_written_out_channel_by_channel():
    at = open_page("conv_multi")
    *partials, total = _lines(_cell(at, 1, 1, 1))
    assert total == "z⁽¹⁾₁₁ = S₁ + S₂ + S₃ + b₁ = 4 + 0 + 1 + 1 = 6"   # S1 + S2 + S3 + b1 with the numbers
    # per-channel partial sums: each channel alone through the loop reference
    refs = [correlate_channels(X[0, c:c + 1], W[:, c:c + 1], None, 2, 1)[0, 0, 0] for c in range(3)]
    assert [_result(p) for p in partials] == [_number(v) for v in refs]
    # the first channel's products: padded zeros on the top row and left column
    assert partials[0].startswith("S₁ = x̃⁽¹⁾₁₁·w⁽¹˒¹⁾₁₁ + ")
    assert "= 0×(−1) + 0×1 + 0×0 + " in partials[0]
    assert "<msubsup><mover accent=\"true\"><mi>x</mi><mo>~</mo></mover><mn>11</mn><mn>(1)</mn></msubsup>" in \
        _cell(at, 1, 1, 1)["html"]
    assert "\\tilde{x}^{(c)}_{(i-1)s+u" in _latex(at)[0]   # the general formula above the stepper


def test_partial_sum_maps_on_demand():
    at = open_page("conv_multi")
    title = translate("en", "conv_multi.partial_fig_title", f=1)
    assert title not in [(f["layout"].get("title") or {}).get("text") for f in plotly_figures(at)]
    _open_tab(at, "partials")
    no_exception(at)
    fig = _figure(at, "partial_fig_title", f=1)
    for c in range(3):                  # map c = channel c alone through the loop reference
        np.testing.assert_allclose(_z(fig, c), correlate_channels(X[0, c:c + 1], W[:1, c:c + 1], None, 2, 1)[0])
    at.radio(key="conv_multi.filter").set_value(2).run()
    no_exception(at)
    fig = _figure(at, "partial_fig_title", f=2)
    np.testing.assert_allclose(_z(fig, 0), correlate_channels(X[0, :1], W[1:, :1], None, 2, 1)[0])
    assert at.query_params["filter"] in (["2"], "2")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_filters_tab_writes_out_every_kernel_and_draws_no_chart(lang):
    """The two filters, written out: every kernel of the text's layer (and a typed one) as a matrix, so opening
    the tab redraws no chart (the stepper above already shades the same kernels)."""
    at = open_page("conv_multi", lang)
    at = _open_tab(at, "filters", lang)
    no_exception(at)
    assert plotly_figures(at) == []
    kernels = _written_kernels(at)
    assert sorted(kernels) == [(f, c) for f in (1, 2) for c in (1, 2, 3)]
    for (f, c), k in kernels.items():
        np.testing.assert_array_equal(k, W[f - 1, c - 1])
    for f in (1, 2):
        assert translate(lang, "conv_multi.filter_fig_title", f=f, kh=3, kw=3) in _texts(at)
    assert at.query_params["tab"] in (["filters"], "filters")
    _editor(at, "conv_multi.w22").input("1, 2\n-3.5, 4").run()        # every kernel of the layer 2×2
    at.button(key="conv_multi.kernel_resize").click().run()
    no_exception(at)
    kernels = _written_kernels(at)
    np.testing.assert_array_equal(kernels[2, 2], [[1, 2], [-3.5, 4]])
    np.testing.assert_array_equal(kernels[1, 3], W[0, 2, :2, :2])
    assert translate(lang, "conv_multi.filter_fig_title", f=1, kh=2, kw=2) in _texts(at)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_only_the_open_editors_are_drawn_and_hidden_ones_keep_their_text(lang):
    """One channel's and one kernel's editor are drawn (plus the paste box); a matrix typed in a tab that is then
    closed keeps its text through later runs, and the output uses it (loop reference)."""
    at = open_page("conv_multi", lang)
    drawn = sorted(el.key for el in at.text_area)
    assert drawn == ["conv_multi.paste.text", "conv_multi.w11", "conv_multi.x1"]
    assert len(preset_menus(at)) == 2
    _editor(at, "conv_multi.x2").input("1 1 1 1 1\n" * 4 + "2 2 2 2 2").run()
    _editor(at, "conv_multi.w23").input("0 0 0\n0 -2 0\n0 0 0").run()
    # the typed kernel reran the output, not its editor's part, whose box shows it already (#14 round 13); AppTest's
    # tree holds only the parts rerun: a plain run draws the toggle again, as the browser keeps it
    at.run()
    at.toggle(key="conv_multi.w23.grid_on").set_value(True).run()
    _editor(at, "conv_multi.x3")          # channel 3 open: channel 2's editor is not drawn any more
    _editor(at, "conv_multi.w11")
    at.slider(key="conv_multi.stride").set_value(1).run()      # more runs with both hidden
    at.run()
    no_exception(at)
    assert sorted(el.key for el in at.text_area) == ["conv_multi.paste.text", "conv_multi.w11", "conv_multi.x3"]
    x, w = X.copy(), W.copy()
    x[0, 1] = np.vstack([np.ones((4, 5)), 2 * np.ones((1, 5))])
    w[1, 2] = [[0, 0, 0], [0, -2, 0], [0, 0, 0]]
    ref = correlate_channels(x[0], w, B, 1, 1)
    np.testing.assert_allclose(_map(at, 1, lang), ref[0])
    np.testing.assert_allclose(_map(at, 2, lang), ref[1])
    again = open_page("conv_multi", lang, query=link_of(at))     # the link keeps both hidden matrices
    np.testing.assert_allclose(_map(again, 1, lang), ref[0])
    np.testing.assert_allclose(_map(again, 2, lang), ref[1])
    assert _editor(at, "conv_multi.x2").value == "1 1 1 1 1\n" * 4 + "2 2 2 2 2"      # shown again as typed
    assert _editor(at, "conv_multi.w23").value == "0 0 0\n0 -2 0\n0 0 0"
    assert at.toggle(key="conv_multi.w23.grid_on").value is True                        # its grid still open


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_bad_matrix_in_a_closed_tab_is_still_named(lang):
    at = open_page("conv_multi", lang)
    _editor(at, "conv_multi.w22").input("1 2 x").run()
    _editor(at, "conv_multi.w11")                                # its tab closed: its own message is not in view
    no_exception(at)
    name = translate(lang, "conv_multi.editor_kernel", f=2, c=2)
    assert translate(lang, "conv_multi.bad_matrix", what=name) in [e.value for e in at.error]
    assert not _has_stepper(at)
    _editor(at, "conv_multi.w22").input("1 2 3\n4 5 6\n7 8 9").run()     # fixed: the output is back
    assert _has_stepper(at) and not at.error


def test_parameter_count_and_seed_notes():
    at = open_page("conv_multi")
    _open_tab(at, "params")
    params = [v for v in _latex(at) if "N_{\\text{params}}" in v][0]
    assert "2 \\cdot 3 \\cdot 3 \\cdot 3 + 2" in params
    assert _latex_result(params) == str(W.size + B.size)          # 56 = 54 weights + 2 biases
    # the title and the rule above it, in the same box (one element: #14 round 13)
    assert math_box_texts(at, "conv_multi.") == [f"**{translate('en', 'conv_multi.section_params')}**",
                                                 translate("en", "conv_multi.params_text")]
    text = all_text(at)
    assert "28×28×1" in text and "28×28×3" in text
    for claim in ("s004_param_count", "s002_feature_map", "s003_test_4x4"):
        assert note_title(claim) in text, claim


# --------------------------------------------------------------------------- every cell, filter 2
def test_every_cell_of_both_filters_matches_the_loop_reference():
    at = open_page("conv_multi")
    ref = correlate_channels(X[0], W, B, 2, 1)
    for f in (1, 2):
        for i in (1, 2, 3):
            for j in (1, 2, 3):
                cell = _cell(at, f, i, j)
                *partials, total = _lines(cell)
                assert total.startswith(f"z⁽{'¹²'[f - 1]}⁾{'₁₂₃'[i - 1]}{'₁₂₃'[j - 1]} = S₁ + S₂ + S₃ + b{'₁₂'[f - 1]}")
                assert _result(total) == _number(ref[f - 1, i - 1, j - 1])
                parts = [correlate_channels(X[0, c:c + 1], W[f - 1:f, c:c + 1], None, 2, 1)[0, i - 1, j - 1]
                         for c in range(3)]
                assert [_result(p) for p in partials] == [_number(v) for v in parts]


def test_cell_2_3_of_filter_2_marks_its_window_on_every_channel():
    cell = _cell(open_page("conv_multi"), 2, 2, 3)
    # output (2,3) with stride 2 reads padded rows 3..5 and columns 5..7 (1-based): 0-based 2..4, 4..6
    ref = conv2d_trace(X[0], W, B, 2, 1).cell(1, 1, 2)
    assert ref.tap_rows.tolist() == [2, 3, 4] and ref.tap_cols.tolist() == [4, 5, 6]
    assert cell["marks"][:3] == [[c, 2, 4, 4, 6] for c in range(3)]
    # filter 2's three kernels (grids 6, 7, 8) and cell (2,3) of output map 2 (grid 10)
    assert cell["marks"][3:] == [[6, 0, 0, 2, 2], [7, 0, 0, 2, 2], [8, 0, 0, 2, 2], [10, 1, 2, 1, 2]]
    assert _result(_lines(cell)[-1]) == _number(PRINTED[1, 1, 2])     # -4


@pytest.mark.parametrize("stride, padding, shape", [(1, 0, (3, 3)), (1, 2, (7, 7)), (3, 1, (2, 2)), (4, 3, (3, 3))])
def test_stride_and_padding_change_the_maps(stride, padding, shape):
    at = open_page("conv_multi")
    at.slider(key="conv_multi.stride").set_value(stride).run()
    at.slider(key="conv_multi.padding").set_value(padding).run()
    no_exception(at)
    ref = correlate_channels(X[0], W, B, stride, padding)
    for f in (1, 2):
        z = _map(at, f)
        assert z.shape == shape
        np.testing.assert_allclose(z, ref[f - 1])
    assert len(_stepper(at)["cells"]) == 2 * shape[0] * shape[1]
    assert translate("en", "conv_multi.text_custom", text=translate("en", "words.text_003")) in all_text(at)
    assert note_title("s003_forward_printed") not in all_text(at)
    assert at.query_params["stride"] in ([str(stride)], str(stride))


def test_link_cell_beyond_a_smaller_output_is_kept_inside():
    at = open_page("conv_multi", query={"stride": "1", "row": "5", "col": "5"})
    no_exception(at)
    payload = _stepper(at)
    assert payload["cells"][payload["start"]]["label"] == "Filter 1: z₅₅"
    at.slider(key="conv_multi.stride").set_value(3).run()       # output 2x2
    no_exception(at)
    payload = _stepper(at)
    assert payload["cells"][payload["start"]]["label"] == "Filter 1: z₂₂"
    expected = correlate_channels(X[0], W, B, 3, 1)[0, 1, 1]
    assert _result(_lines(payload["cells"][payload["start"]])[-1]) == _number(expected)


def test_bias_is_added_once_per_cell():
    at = open_page("conv_multi")
    at.number_input(key="conv_multi.b1").set_value(-2.5).run()
    no_exception(at)
    ref = correlate_channels(X[0], W, [-2.5, 0], 2, 1)
    np.testing.assert_allclose(_map(at, 1), ref[0])
    total = _lines(_cell(at, 1, 1, 1))[-1]
    assert total == "z⁽¹⁾₁₁ = S₁ + S₂ + S₃ + b₁ = 4 + 0 + 1 + (−2.5) = 2.5"
    assert _result(total) == _number(ref[0, 0, 0])


def test_typed_kernels_change_the_parameter_count():
    at = open_page("conv_multi")
    for f in (1, 2):
        for c in (1, 2, 3):
            _editor(at, f"conv_multi.w{f}{c}").input("1 0\n0 -1").run()
    no_exception(at)
    _open_tab(at, "params")
    no_exception(at)
    params = [v for v in _latex(at) if "N_{\\text{params}}" in v][0]
    assert "2 \\cdot 3 \\cdot 2 \\cdot 2 + 2" in params and _latex_result(params) == "26"
    w = np.tile(np.array([[1.0, 0], [0, -1]]), (2, 3, 1, 1))
    np.testing.assert_allclose(_map(at, 1), correlate_channels(X[0], w, B, 2, 1)[0])


# --------------------------------------------------------------------------- bad input
BAD_TEXTS = ["1 2 a", "1 2\n3", "nan 1", "inf", "1e309", "", "\n".join([" ".join(["1"] * 13)] * 13),
             "__import__('os')", "<b>x</b>"]


@pytest.mark.parametrize("text", BAD_TEXTS)
def test_bad_input_channel_skips_only_what_needs_it(text):
    at = open_page("conv_multi")
    _editor(at, "conv_multi.x2").input(text).run()
    no_exception(at)
    assert at.error, "the editor shows why the text is not a matrix"
    assert all("<b>" not in e.value or "\\<b" in e.value for e in at.error)
    assert not _has_stepper(at)
    assert [e.value for e in at.error if translate("en", "conv_multi.editor_channel", c=2) in e.value] == [
        translate("en", "conv_multi.bad_matrix", what=translate("en", "conv_multi.editor_channel", c=2))]
    _open_tab(at, "filters")
    assert translate("en", "conv_multi.filter_fig_title", f=1, kh=3, kw=3) in _texts(at)   # filters still shown
    np.testing.assert_array_equal(_written_kernels(at)[1, 2], W[0, 1])
    _open_tab(at, "params")
    no_exception(at)
    assert any("N_{\\text{params}}" in v for v in _latex(at))                          # count still shown
    assert "28×28×1" in all_text(at)


@pytest.mark.parametrize("text", ["x", "1 2\n3", "nan", "1e309", "<b>x</b>", "__import__('os')"])
def test_bad_kernel_keeps_the_input_figure(text):
    at = open_page("conv_multi", "zh")
    _editor(at, "conv_multi.w23").input(text).run()
    no_exception(at)
    assert at.error
    titles = [(f["layout"].get("title") or {}).get("text") for f in plotly_figures(at)]
    assert translate("zh", "conv_multi.input_raw_fig_title", c=3) in titles
    assert any(translate("zh", "conv_multi.editor_kernel", f=2, c=3) in e.value for e in at.error)
    _open_tab(at, "params", "zh")
    no_exception(at)
    assert not any("N_{\\text{params}}" in v for v in _latex(at))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_one_channel_resized_gives_one_message_and_one_button(lang):
    at = open_page("conv_multi", lang)
    _editor(at, "conv_multi.x3").input("1 2\n3 4").run()
    no_exception(at)
    listed = translate(lang, "conv_multi.listed_item", name=translate(lang, "conv_multi.editor_channel", c=3),
                       size="2×2")
    assert [w.value for w in at.warning] == [translate(lang, "conv_multi.input_sizes", listed=listed, size="5×5")]
    assert not at.error and not _has_stepper(at)
    at.button(key="conv_multi.input_resize").click().run()
    no_exception(at)
    assert not at.warning
    # every channel is now 2×2: channels 1 and 2 keep their top-left values
    assert _text(at, "conv_multi.x1") == "\n".join(
        ", ".join(f"{v:g}" for v in row) for row in X[0, 0, :2, :2])
    assert _text(at, "conv_multi.x3") == "1 2\n3 4"  # already 2×2: left as typed
    assert (at.number_input(key="conv_multi.x_size.rows").value, at.number_input(key="conv_multi.x_size.cols").value) == (2, 2)
    x = np.stack([X[0, 0, :2, :2], X[0, 1, :2, :2], np.array([[1.0, 2], [3, 4]])])
    np.testing.assert_allclose(_map(at, 1, lang), correlate_channels(x, W, B, 2, 1)[0])


def test_size_control_resizes_every_channel_keeping_values():
    at = open_page("conv_multi")
    at.number_input(key="conv_multi.x_size.rows").set_value(6).run()
    no_exception(at)
    for c in (1, 2, 3):
        rows = _text(at, f"conv_multi.x{c}").splitlines()
        assert len(rows) == 6 and rows[-1] == "0, 0, 0, 0, 0"
        assert rows[0] == ", ".join(f"{v:g}" for v in X[0, c - 1, 0])
    x = np.concatenate([X[0], np.zeros((3, 1, 5))], axis=1)
    np.testing.assert_allclose(_map(at, 2), correlate_channels(x, W, B, 2, 1)[1])
    assert at.query_params["x1"]  # the resized channels go into the link


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_paste_all_three_channels_at_once(lang):
    at = open_page("conv_multi", lang)
    at.text_area(key="conv_multi.paste.text").input("1 2 3\n4 5 6\n7 8 9\n\n0 0 0\n0 1 0\n0 0 0\n\n1 1 1\n1 1 1\n1 1 1")
    at.button(key="conv_multi.paste.use").click().run()
    no_exception(at)
    assert _text(at, "conv_multi.x2") == "0, 0, 0\n0, 1, 0\n0, 0, 0"
    assert [s.value for s in at.success] == [translate(lang, "conv_multi.paste_done")]
    x = np.array([np.arange(1.0, 10).reshape(3, 3), np.eye(3)[1:2].T @ np.eye(3)[1:2], np.ones((3, 3))])
    np.testing.assert_allclose(_map(at, 1, lang), correlate_channels(x, W, B, 2, 1)[0])
    # two matrices only: a clear message, nothing overwritten
    at.text_area(key="conv_multi.paste.text").input("1 2\n3 4\n\n5 6\n7 8")
    at.button(key="conv_multi.paste.use").click().run()
    assert translate(lang, "errors.channels_count", expected=3, got=2) in [e.value for e in at.error]
    assert _text(at, "conv_multi.x1") == "1, 2, 3\n4, 5, 6\n7, 8, 9"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_kernel_larger_than_padded_input_is_explained(lang):
    at = open_page("conv_multi", lang)
    for c in (1, 2, 3):
        _editor(at, f"conv_multi.x{c}").input("1").run()
    _whole_page(at)
    at.slider(key="conv_multi.padding").set_value(0)
    at.run()
    no_exception(at)
    with pytest.raises(ValueError) as info:
        conv2d_trace(np.ones((3, 1, 1)), W, B, 2, 0)
    expected = explain_error(info.value, lang)
    assert expected in [e.value for e in at.error]
    assert translate(lang, "conv_multi.no_trace") in [i.value for i in at.info]
    assert len(plotly_figures(at)) == 1            # the raw input (the open tab, parameters, has no chart)
    _open_tab(at, "filters", lang)
    assert len(plotly_figures(at)) == 1            # the filters are written out, not drawn
    np.testing.assert_array_equal(_written_kernels(at)[2, 3], W[1, 2])


# --------------------------------------------------------------------------- bad links
@pytest.mark.parametrize("query", [
    {"stride": "abc"}, {"stride": "9"}, {"padding": "<b>x</b>"}, {"padding": "-1"}, {"filter": "3"},
    {"row": "0"}, {"b1": "nan"}, {"b2": "1e309"}, {"x1": "1,2;3"}, {"w11": "__import__('os')"},
])
def test_bad_link_values_warn_and_use_the_default(query):
    at = open_page("conv_multi", query=query)
    no_exception(at)
    assert len(at.warning) == 1
    assert "<b>" not in at.warning[0].value
    assert np.array_equal(_map(at, 1), PRINTED[0])
    assert _stepper(at)["start"] == 0
    assert note_title("s003_forward_printed") in all_text(at)


def test_bad_link_warning_is_translated():
    at = open_page("conv_multi", "zh", query={"stride": "abc"})
    assert at.warning[0].value.startswith(translate("zh", "input.url_invalid", name=translate(
        "zh", "conv_multi.stride"), raw="abc", default="2")[:10])


def test_good_link_sets_up_the_page():
    at = open_page("conv_multi", query={"stride": "1", "padding": "0", "filter": "2", "row": "3", "col": "1",
                                        "b2": "10", "x1": "1,1,1,1,1;1,1,1,1,1;1,1,1,1,1;1,1,1,1,1;1,1,1,1,1"})
    no_exception(at)
    assert not at.warning
    x = X.copy()
    x[0, 0] = 1
    ref = correlate_channels(x[0], W, [1, 10], 1, 0)
    np.testing.assert_allclose(_map(at, 2), ref[1])
    payload = _stepper(at)
    first = payload["cells"][payload["start"]]
    assert first["label"] == "Filter 2: z₃₁"
    total = _lines(first)[-1]
    assert total.startswith("z⁽²⁾₃₁ = S₁ + S₂ + S₃ + b₂ =") and _result(total) == _number(ref[1, 2, 0])


# --------------------------------------------------------------------------- round 2: digits, tabs, reset, links, code
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_digits_reach_the_cached_stepper(lang):
    # bias 1/3 is not a whole number: the total's last term shows it at the reader's digits
    at = open_page("conv_multi", lang, {"digits": "2", "b1": "0.333333"})
    no_exception(at)
    assert _lines(_cell(at, 1, 1, 1))[-1].endswith("+ 0.33 ≈ 5.3")  # 4 + 0 + 1 + 0.33 is 5.33, shown 5.3
    at.session_state["digits"] = 6
    at.run()
    assert "+ 0.333333 ≈ 5.33333" in _lines(_cell(at, 1, 1, 1))[-1]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_link_keeps_the_open_tab_and_reset_brings_the_text_back(lang):
    at = open_page("conv_multi", lang, {"tab": "params", "stride": "1", "b2": "5"})
    no_exception(at)
    assert any("N_{\\text{params}}" in v for v in _latex(at))     # the link's tab is open
    assert translate(lang, "conv_multi.text_custom", text=translate(lang, "words.text_003")) in all_text(at)
    at.button(key="conv_multi.reset").click().run()
    no_exception(at)
    assert at.slider(key="conv_multi.stride").value == 2 and at.number_input(key="conv_multi.b2").value == 0
    np.testing.assert_allclose(_map(at, 2, lang), PRINTED[1])
    assert note_title("s003_forward_printed", lang) in all_text(at)
    _open_tab(at, "partials", lang)
    assert at.query_params["tab"] in ("partials", ["partials"])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_check_by_hand_link_for_the_parameter_count(lang):
    from urllib.parse import parse_qs

    at = _open_tab(open_page("conv_multi", lang), "params", lang)
    links = [el.proto for el in at.get("page_link") if el.proto.page.endswith("check_work")]
    assert len(links) == 1
    query = {k: v[0] for k, v in parse_qs(links[0].query_string).items()}
    assert query == {"kind": "param_count", "filters": "2", "channels": "3", "kernel_h": "3", "kernel_w": "3"}
    check = open_page("check_work", lang, query)
    no_exception(check)
    assert not check.warning and check.session_state["check_work.kind"] == "param_count"


def test_library_code_has_the_pages_stride_padding_and_bias():
    at = open_page("conv_multi")
    at.session_state["conv_multi.code_open"] = True   # the library code panel is built only while open
    at.run()
    code = "\n".join(el.value for el in at.code)
    assert "F.conv2d(" in code and "stride=(2, 2)" in code and "padding=(1, 1)" in code
    ns: dict = {}
    numpy_code = [el.value for el in at.code if "import numpy" in el.value][0]
    exec(compile(numpy_code.replace("print(y)", ""), "snippet", "exec"), ns)  # our own generated snippet
    np.testing.assert_allclose(ns["y"], PRINTED)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_link_with_one_odd_kernel_names_only_that_kernel(lang):
    # the most common size (3×3) is the layer's; the one 2×2 kernel is named, in the language's list style
    at = open_page("conv_multi", lang, {"w11": "1,2;3,4"})
    no_exception(at)
    odd = translate(lang, "conv_multi.listed_item", name=translate(lang, "conv_multi.editor_kernel", f=1, c=1),
                    size="2×2")
    assert [w.value for w in at.warning if odd in w.value] == [
        translate(lang, "conv_multi.kernel_sizes", listed=odd, size="3×3")]
    assert at.button(key="conv_multi.kernel_resize").label == translate(lang, "conv_multi.kernel_resize", size="2×2")
    _editor(at, "conv_multi.x2").input("1 x").run()     # and a channel that is no matrix: one error names it
    bad = [e.value for e in at.error if translate(lang, "conv_multi.editor_channel", c=2) in e.value]
    assert bad == [translate(lang, "conv_multi.bad_matrix", what=translate(lang, "conv_multi.editor_channel", c=2))]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_kernel_preset_changes_only_its_kernel(lang):
    at = open_page("conv_multi", lang)
    _editor(at, "conv_multi.w12")                                   # open its tab: only the open kernel is drawn
    choose_preset(at, "conv_multi.w12", "identity")
    no_exception(at)
    w = W.copy()
    w[0, 1] = np.eye(3)[1:2].T @ np.eye(3)[1:2]          # the 3×3 identity kernel: a single 1 in the centre
    assert _text(at, "conv_multi.w12") == "0, 0, 0\n0, 1, 0\n0, 0, 0"
    np.testing.assert_allclose(_map(at, 1, lang), correlate_channels(X[0], w, B, 2, 1)[0])
    np.testing.assert_allclose(_map(at, 2, lang), PRINTED[1])   # filter 2 untouched
    assert note_title("s003_forward_printed", lang) not in all_text(at)   # no longer the text's example


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_typed_bias_beyond_the_range_says_what_is_used(lang):
    # #12 item 3: 500 typed into b₁ (range ±100) -> a message, and b₁ = 100 in every cell of map 1
    at = open_page("conv_multi", lang)
    at.number_input(key="conv_multi.b1").set_value(500.0).run()
    no_exception(at)
    assert [i.value for i in at.info] == [translate(lang, "conv_multi.bias_moved", name=translate(lang, "conv_multi.bias1"),
                                                    typed="500", used="100", max="100")]
    assert at.number_input(key="conv_multi.b1").value == 100
    np.testing.assert_allclose(_map(at, 1, lang), correlate_channels(X[0], W, [100, 0], 2, 1)[0])
    at.run()
    assert not at.info   # said once


# --------------------------------------------------------------------------- #14: the layer part reruns alone
# (AppTest always runs the whole script: that a slider reruns only the layer part and sends no editor is checked in
# the browser, tests/e2e/test_conv_multi_browser.py. Here: the part gets the values of the page's last run.)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_values_then_layer_then_output_and_reset_brings_every_box_back(lang):
    at = open_page("conv_multi", lang)
    # top to bottom (captions in page order): the values box, the layer box saying what it acts on, the output
    # the texts of the captions and the markdown in page order (the layer box's title and words are one markdown:
    # #14 round 13)
    texts = [str(node.value) for node in at.main if node.type in ("markdown", "caption")]
    # the stepper's caption is the first paragraph of one caption with the subscripts' note (one element, #14)
    stepper_caption = translate(lang, "conv_multi.cs_caption") + "\n\n" + translate(lang, "conv_multi.cell_subscripts")
    where = [texts.index(translate(lang, "conv_multi.input_tabs", max=8)),
             texts.index(translate(lang, "conv_multi.filter_tabs", max=5)),
             next(k for k, text in enumerate(texts) if translate(lang, "conv_multi.layer_caption") in text),
             texts.index(stepper_caption)]
    assert where == sorted(where)
    _editor(at, "conv_multi.x1").input("1 1 1 1 1\n" * 4 + "1 1 1 1 1").run()
    # a value reruns its editor and the output (the callback names them, #14): this run draws no title, no size
    # control, no layer slider and no tab bar, neither the editors' nor the sections' (the browser keeps them: round
    # 12, the editor is a part inside its column's tabs); a plain run draws the whole page again
    assert not at.title and not at.slider and not at.number_input, "a values control reran more than its parts"
    assert not at.tabs, "a values control sent its column's tab bar again"
    assert _text(at, "conv_multi.x1").startswith("1 1 1 1 1")
    _whole_page(at)
    at.slider(key="conv_multi.stride").set_value(1).run()                               # then the layer part
    at.number_input(key="conv_multi.b2").set_value(-4.0).run()
    no_exception(at)
    x = X.copy()
    x[0, 0] = 1.0
    ref = correlate_channels(x[0], W, [B[0], -4.0], 1, 1)
    np.testing.assert_allclose(_map(at, 1, lang), ref[0])
    np.testing.assert_allclose(_map(at, 2, lang), ref[1])
    assert at.query_params["stride"] in (["1"], "1") and at.query_params["b2"] in (["-4"], "-4", ["-4.0"], "-4.0")
    at.button(key="conv_multi.reset").click().run()
    no_exception(at)
    assert [_text(at, f"conv_multi.x{c}") for c in (1, 2, 3)] == [
        "\n".join(", ".join(f"{v:g}" for v in row) for row in X[0, c]) for c in range(3)]
    assert (at.slider(key="conv_multi.stride").value, at.slider(key="conv_multi.padding").value) == (2, 1)
    assert (at.number_input(key="conv_multi.b1").value, at.number_input(key="conv_multi.b2").value) == (1, 0)
    np.testing.assert_allclose(_map(at, 1, lang), PRINTED[0])
    np.testing.assert_allclose(_map(at, 2, lang), PRINTED[1])
    assert note_title("s003_forward_printed", lang) in all_text(at)


def test_a_typed_matrix_reruns_its_editor_only_when_the_editor_shows_more_than_the_text():
    """#14 round 13: a typed matrix is in its box already; the editor's part (preset menu, box, grid toggle) is rerun
    only when it shows something else new: a message under a text that does not parse (or no longer does), the grid
    (or the box's new height: a channel with a row more disagrees with the others, and the page reruns anyway). The
    output follows (loop reference)."""
    at = open_page("conv_multi")
    x = X.copy()
    x[0, 0, 0, 0] = 9.0
    _editor(at, "conv_multi.x1").input(format_matrix(x[0, 0])).run()       # one number changed: the same look
    assert not at.text_area and not preset_menus(at) and not at.toggle, "the editor's part was sent again"
    np.testing.assert_allclose(_map(at, 1), correlate_channels(x[0], W, B, 2, 1)[0])
    at.run()
    # a message under the box: its part (here the page: the output goes, and comes back, with the whole page)
    _editor(at, "conv_multi.x1").input("1 2 oops").run()
    assert "conv_multi.x1" in [el.key for el in at.text_area] and at.error
    at.run()
    _editor(at, "conv_multi.x1").input(format_matrix(x[0, 0])).run()       # and the message goes with it again
    assert "conv_multi.x1" in [el.key for el in at.text_area] and not at.error
    at.run()
    w = W.copy()
    w[0, 0, 2, 2] = -3.0
    at.toggle(key="conv_multi.w11.grid_on").set_value(True).run()
    at.run()
    _editor(at, "conv_multi.w11").input(format_matrix(w[0, 0])).run()      # the grid shows the cells: its part
    assert [el.key for el in at.text_area] == ["conv_multi.w11"]
    np.testing.assert_allclose(_map(at, 1), correlate_channels(x[0], w, B, 2, 1)[0])
    no_exception(at)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_tabs_read_the_layer_and_the_text_setup_note_sits_with_the_layer(lang):
    """#14: the section tabs are a part of their own beside the layer part and read its settings themselves (the
    partial-sum maps follow a stride, padding and bias); the note on the text's test setup, which depends on the
    layer, is drawn with the layer's output whichever tab is open."""
    at = open_page("conv_multi", lang)
    _open_tab(at, "filters", lang)
    assert note_title("s003_test_4x4", lang) in all_text(at)            # the text's setup, filters tab open
    _open_tab(at, "partials", lang)
    at.slider(key="conv_multi.stride").set_value(1).run()
    at.number_input(key="conv_multi.b1").set_value(5.0).run()
    no_exception(at)
    assert note_title("s003_test_4x4", lang) not in all_text(at)        # no longer the text's setup
    fig = _figure(at, "partial_fig_title", lang, f=1)
    for c in range(3):                  # stride 1, padding 1: 5×5 maps, channel c alone through the loop reference
        np.testing.assert_allclose(_z(fig, c), correlate_channels(X[0, c:c + 1], W[:1, c:c + 1], None, 1, 1)[0])
    assert translate(lang, "conv_multi.partial_caption", f=1, b="5") in all_text(at)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_first_view_has_no_chart_and_opens_on_the_parameter_count(lang):
    """#14: the first view is not held up by the chart library; the kernels are in the cell stepper already."""
    at = open_page("conv_multi", lang)
    no_exception(at)
    assert plotly_figures(at) == []
    assert translate(lang, "conv_multi.section_params") in all_text(at)
    assert at.session_state["conv_multi.tab"] == "params"
    assert [(tab["label"], tab["selected"]) for tab in tab_strip_tabs(at, "conv_multi", "section")][0] == (
        translate(lang, "conv_multi.tab_params"), True)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_loaded_setup_file_sets_the_editors_the_layer_and_the_output(lang, monkeypatch):
    """The export panel reruns on its own; a setup file loaded there reruns the whole page (editors included)."""
    import ui.export

    offered: dict[str, str] = {}
    real_json = ui.export.setup_json
    monkeypatch.setattr(ui.export, "setup_json", lambda *a, **k: offered.__setitem__("json", real_json(*a, **k))
                        or offered["json"])
    x = X.copy()
    x[0, 2] = np.arange(25.0).reshape(5, 5)
    exported = open_page("conv_multi", lang, query={"stride": "1", "b2": "-2"})
    _editor(exported, "conv_multi.x3").input("\n".join(" ".join(f"{v:g}" for v in row) for row in x[0, 2])).run()
    exported.session_state["conv_multi.export_open"] = True
    exported.run()
    no_exception(exported)
    setup = offered["json"]

    at = open_page("conv_multi", lang)
    at.session_state["conv_multi.export_open"] = True
    at.run()
    at.file_uploader(key="conv_multi.export.load").set_value(("conv_multi-setup.json", setup.encode(),
                                                              "application/json")).run()
    no_exception(at)
    assert at.slider(key="conv_multi.stride").value == 1 and at.number_input(key="conv_multi.b2").value == -2
    last_row = _editor(at, "conv_multi.x3").value.splitlines()[-1]
    assert last_row.replace(",", " ").split() == ["20", "21", "22", "23", "24"]
    ref = correlate_channels(x[0], W, [B[0], -2.0], 1, 1)
    np.testing.assert_allclose(_map(at, 1, lang), ref[0])
    np.testing.assert_allclose(_map(at, 2, lang), ref[1])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_formulas_are_mathml_in_math_boxes_with_the_latex_numbers(lang):
    """#14 round 9: the general formula, the parameter count and the filters are MathML made in Python in math boxes
    (one per group: the general formula, the count, the two filters side by side), not KaTeX typeset in the browser; at stride 1,
    padding 2 and 2×2 kernels the MathML writes the LaTeX's numbers, the kernels as the core reads them."""
    from ui.formulas.mathml import latex_numbers, mathml_numbers

    w = np.arange(24.0).reshape(2, 3, 2, 2) - 11.5                        # (F, C, 2, 2): signs and halves
    query = {"stride": "1", "padding": "2", **{f"w{f + 1}{c + 1}": ";".join(",".join(f"{v:g}" for v in row)
                                                                             for row in w[f, c])
                                               for f in range(2) for c in range(3)}}
    at = open_page("conv_multi", lang, query)
    no_exception(at)
    for tab, boxes in (("params", ["general_math", "params_math"]),
                       ("filters", ["general_math", "filters_math"])):
        _open_tab(at, tab, lang)
        no_exception(at)
        assert [el.key for el in at.main.get("bidi_component") if el.key.startswith("conv_multi.")
                and el.key.endswith("_math")] == [
            f"conv_multi.{name}" for name in boxes], tab
        sources = _latex(at)                                                 # asserts nothing left to KaTeX
        lines = [line for markup in math_box_markups(at, "conv_multi.")
                 for line in re.findall(r'<div class="math-line".*?(?=<div class="math-line"|<div class="math-panel|<p>|$)',
                                        markup, re.S)]
        assert len(lines) == len(sources) == {"params": 2, "filters": 3}[tab], tab   # the filters: one line each
        for line, source in zip(lines, sources):
            drawn = re.sub(r'"[^"]*"', '""', line)                               # the markup without its LaTeX
            assert "<math" in drawn and "\\" not in drawn, source              # converted, not the escaped source
            assert mathml_numbers(line) == latex_numbers(source), source
    assert "\\tilde{x}^{(c)}_{(i-1)s+u" in sources[0]
    kernels = _written_kernels(at)
    for (f, c), k in kernels.items():
        np.testing.assert_array_equal(k, w[f - 1, c - 1])
    assert [translate(lang, "conv_multi.filter_fig_title", f=f, kh=2, kw=2) for f in (1, 2)] == \
        [text.strip("*") for text in math_box_texts(at, "conv_multi.")]
