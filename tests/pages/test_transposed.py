"""The transposed / dilated / 1-D page through the real app, both languages: numbers shown against loop
references, the text's printed C and Cᵀ, conv_transpose2d_naive and bad input."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from cnn_core.transposed import conv_transpose2d_naive
from ui.i18n import explain_error, translate
from ui.math_html import parse_matrices
from ui.signal_plot import HIGHLIGHT
from cnn_core.errors import CoreValueError

from .conftest import (all_text, choose_preset, no_exception, open_page, plotly_figures, preset_menus, stepper,
                       stepper_grid)
from .conftest import pick_tab, tab_labels, tab_strip_tabs
from .math_boxes import math_box_formulas

SIGNAL = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 4, 1, 1, 1, 1, 0, 0]   # the page's default: step + spike


def latex(at) -> list[str]:
    """Every formula on the page as its LaTeX: the math boxes' lines (``ui.components.math_box``: MathML converted
    in Python from the builders' LaTeX, not ``st.latex``, #14 round 8) and any ``st.latex`` left."""
    return math_box_formulas(at, "transposed.") + [el.value for el in at.latex]


def open_section(at, name: str, lang: str) -> None:
    pick_tab(at, "transposed", "tab_label", name, translate(lang, f"transposed.tab_{name}"))
    no_exception(at)


def stem_svg(at) -> str:
    """The 1-D section's stem plot (an inline SVG, #14 round 7: no Plotly chart on the page's first two tabs)."""
    assert not [m for m in at.markdown if m.value.startswith("<svg")], "drawn by the SVG box component, not Markdown"
    (svg,) = [json.loads(el.proto.json) for el in at.main.get("bidi_component") if el.key == "transposed.signal_svg"]
    return svg


def panel_values(svg: str) -> list[list[float]]:
    """Each panel's numbers, top to bottom (the signal, then each filter's output)."""
    return [[float(v) for v in vals.split(",")] for vals in re.findall(r'<g data-series="[^"]*" data-values="([^"]*)"',
                                                                        svg)]


def marked(svg: str, panel: int) -> list[int]:
    """The 0-based samples drawn in orange on a panel (the chosen output and the signal samples it reads)."""
    group = re.findall(r'<g data-series="[^"]*" data-values="[^"]*">(.*?)</g>', svg, re.S)[panel]
    return [int(re.sub(r"\D", "", name)) - 1 for name in
            re.findall(rf'fill="{HIGHLIGHT}"><title>(\w+) = ', group)]


def shown_matrices(at) -> dict[str, list[list[str]]]:
    """Every matrix written out as HTML on the page (C, Cᵀ, their products, ...) by name, cells as text."""
    out: dict = {}
    for el in at.get("html"):
        out.update(parse_matrices(el.proto.body))
    return out


def figure(at, title: str) -> dict:
    return next(f for f in plotly_figures(at) if f["layout"].get("title", {}).get("text") == title)


def _loop_1d(signal, w, before, after, stride=1, dilation=1):
    padded = [0.0] * before + list(signal) + [0.0] * after
    span = dilation * (len(w) - 1) + 1
    return [sum(w[t] * padded[o + t * dilation] for t in range(len(w)))
            for o in range(0, len(padded) - span + 1, stride)]


def open_matrix_view(at, lang: str, view: str) -> None:
    """Open a tab of the matrix section (``numbers``: C and Cᵀ written out, ``pictures``: the coloured grids)."""
    pick_tab(at, "transposed", "matrix_view", view, translate(lang, f"transposed.mv_{view}"))
    no_exception(at)


def open_plot(at, lang: str = "en", view: str = "plot") -> None:
    """Open a tab of the 1-D section's results (``numbers`` or ``plot``) and rerun."""
    pick_tab(at, "transposed", "signal_view", view, translate(lang, f"transposed.sv_{view}"))
    no_exception(at)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_one_dimensional_default_and_second_difference(lang):
    at = open_page("transposed", lang)
    no_exception(at)
    assert at.title[0].value == translate(lang, "transposed.title")
    assert not at.error and not at.warning
    text = all_text(at)
    for key in ("transposed.signal_label", "transposed.filter", "transposed.length_title"):
        assert translate(lang, key) in text
    shown = latex(at)
    # equal-width: O = M = 18; y₁₂ = (1 + 4 + 1)/3 = 2 written with exact thirds
    assert any("O = M = 18" in v for v in shown)
    ref = _loop_1d(SIGNAL, [1 / 3] * 3, 1, 1)
    assert ref[11] == pytest.approx(2)
    (sample,) = [v for v in shown if "y_{12}" in v]
    assert "\\tfrac{1}{3}\\times1 + \\tfrac{1}{3}\\times4 + \\tfrac{1}{3}\\times1" in sample and "&= 2 " in sample
    # no chart until the plot's tab is opened (#14: the first view and the section's controls draw no chart)
    assert not plotly_figures(at)
    labels = tab_labels(at, "transposed", "signal_view")
    assert translate(lang, "transposed.sv_numbers") in labels and translate(lang, "transposed.sv_plot") in labels
    open_plot(at, lang)
    assert at.query_params["sv"] in (["plot"], "plot")                         # the link keeps it open
    assert translate(lang, "transposed.length_title") not in all_text(at)      # only the open tab is drawn
    # the stem plot: signal + three filters' outputs, values equal to the loop reference; an SVG, no Plotly chart
    assert not plotly_figures(at)
    panels = panel_values(stem_svg(at))
    assert panels[0] == SIGNAL
    assert panels[1] == pytest.approx(ref)
    assert panels[2] == pytest.approx(_loop_1d(SIGNAL, [1, -2, 1], 1, 1))
    assert translate(lang, "transposed.fig_signal") in stem_svg(at)

    at.radio(key="transposed.filter").set_value("diff").run()
    at.radio(key="transposed.mode").set_value("valid").run()
    no_exception(at)
    # the chosen sample (12, kept while the plot was open) is marked on the plot: y₁₂ and its three taps
    assert marked(stem_svg(at), 0) == [11, 12, 13]
    assert marked(stem_svg(at), 2) == [11]                                         # y₁₂ on the chosen filter's panel
    open_plot(at, lang, "numbers")
    shown = latex(at)
    assert any("O = M - K + 1 = 18 - 3 + 1 = 16" in v for v in shown)
    # narrow: output 12 reads x₁₂ x₁₃ x₁₄ = 4, 1, 1 -> 4 - 2 + 1 = 3
    ref = _loop_1d(SIGNAL, [1, -2, 1], 0, 0)
    (sample,) = [v for v in shown if "y_{12}" in v]
    assert "w_{1}x_{12} + w_{2}x_{13} + w_{3}x_{14}" in sample and sample.rstrip().endswith(
        f"&= {int(ref[11])} \\end{{aligned}}")   # the formula's LaTeX as written (no st.latex "$$" around it)


def test_stride_and_dilation_use_the_general_formula():
    at = open_page("transposed", "en")
    at.slider(key="transposed.s").set_value(2).run()
    at.slider(key="transposed.d").set_value(2).run()
    no_exception(at)
    assert translate("en", "transposed.text_rule_general") in all_text(at)
    # SAME at stride 2, dilation 2: ⌈18/2⌉ = 9 outputs, 3 zeros (1 before, 2 after)
    shown = "\n".join(latex(at))
    assert "\\frac{18 + 1 + 2 - 2\\cdot(3 - 1) - 1}{2}" in shown and "&= 9 \\end{aligned}" in shown
    open_plot(at)
    assert panel_values(stem_svg(at))[1] == pytest.approx(_loop_1d(SIGNAL, [1 / 3] * 3, 1, 2, stride=2, dilation=2))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bad_signals_explained(lang):
    at = open_page("transposed", lang)
    at.text_area(key="transposed.signal").set_value("1, 2, x").run()
    no_exception(at)
    assert at.error and "x" in at.error[0].value
    assert translate(lang, "transposed.signal_needs_input") in all_text(at)
    at.text_area(key="transposed.signal").set_value("").run()
    assert at.error
    at.text_area(key="transposed.signal").set_value(", ".join(["1"] * 40)).run()
    no_exception(at)
    assert translate(lang, "transposed.signal_capped", n=40, max=32) in [w.value for w in at.warning]
    assert any("O = M = 32" in v for v in latex(at))
    at.text_area(key="transposed.signal").set_value("1 2\n3 4").run()
    assert translate(lang, "transposed.signal_one_row") in [e.value for e in at.error]
    # a 9-tap filter on 3 samples without padding: the kernel does not fit
    at.text_area(key="transposed.signal").set_value("1 2 3").run()
    at.run()   # a new signal reruns only its editor and the results (test_a_new_signal_reruns_...): the page again
    at.radio(key="transposed.filter").set_value("custom").run()
    at.text_area(key="transposed.custom").set_value("1 1 1 1 1 1 1 1 1").run()
    at.radio(key="transposed.mode").set_value("valid").run()
    no_exception(at)
    assert at.error and "9" in at.error[0].value and "3" in at.error[0].value


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_matrix_section_reproduces_the_texts_c_and_ct(lang):
    at = open_page("transposed", lang)
    open_section(at, "matrix", lang)
    w, x, z = [1.0, 2.0, -1.0], [1.0, 2.0, 3.0, 4.0, 5.0], [1.0, -1.0, 2.0]
    # C and Cᵀ open written out, with no chart (#14 round 6): the text's C of 4.5.1, symbol by symbol
    assert plotly_figures(at) == []
    shown = shown_matrices(at)   # written as HTML (#14 round 7), not typeset
    assert shown["C names"] == [["w_{1}", "w_{2}", "w_{3}", "0", "0"], ["0", "w_{1}", "w_{2}", "w_{3}", "0"],
                                ["0", "0", "w_{1}", "w_{2}", "w_{3}"]]
    assert shown["Cᵀ names"][:3] == [["w_{1}", "0", "0"], ["w_{2}", "w_{1}", "0"], ["w_{3}", "w_{2}", "w_{1}"]]
    cx = [sum(w[t] * x[o + t] for t in range(3)) for o in range(3)]          # 2, 4, 6
    printed_ct = np.array([[w[0], 0, 0], [w[1], w[0], 0], [w[2], w[1], w[0]], [0, w[2], w[1]], [0, 0, w[2]]])
    ctz = printed_ct @ z                                                      # 1, 1, -1, 5, -2
    assert shown["Cx"] == [[f"{v:g}"] for v in cx] and shown["w⋆x"] == [[f"{v:g}" for v in cx]]
    assert shown["C"] == [[f"{v:g}" for v in row] for row in printed_ct.T]
    assert shown["Cᵀz"] == [[f"{v:g}"] for v in ctz] and shown["z̃⋆rot180(w)"] == [[f"{v:g}" for v in ctz]]
    assert translate(lang, "transposed.ctz_equal") in [s.value for s in at.success]
    # the 2-D example's C, row 1: the kernel at the top-left window of the 4×4 input (flattened row by row)
    assert shown["C2 names"][0] == ["w_{11}", "w_{12}", "w_{13}", "0", "w_{21}", "w_{22}", "w_{23}", "0", "w_{31}",
                                    "w_{32}", "w_{33}", "0", "0", "0", "0", "0"]
    assert len(shown["C2 names"]) == 4
    # the same as coloured grids in the second tab, kept in the link
    open_matrix_view(at, lang, "pictures")
    assert at.query_params["mv"] in (["pictures"], "pictures")
    c_fig = figure(at, translate(lang, "transposed.fig_c", rows=3, cols=5))
    assert c_fig["data"][0]["text"] == [["w₁", "w₂", "w₃", "0", "0"], ["0", "w₁", "w₂", "w₃", "0"],
                                        ["0", "0", "w₁", "w₂", "w₃"]]
    ct_fig = figure(at, translate(lang, "transposed.fig_ct", rows=5, cols=3))
    assert ct_fig["data"][0]["text"][2] == ["w₃", "w₂", "w₁"]
    c2 = figure(at, translate(lang, "transposed.fig_c2"))
    assert len(c2["data"][0]["text"]) == 4 and len(c2["data"][0]["text"][0]) == 16
    assert c2["data"][0]["text"][0] == ["w₁₁", "w₁₂", "w₁₃", "0", "w₂₁", "w₂₂", "w₂₃", "0", "w₃₁", "w₃₂", "w₃₃",
                                        "0", "0", "0", "0", "0"]
    ct2 = figure(at, translate(lang, "transposed.fig_ct2"))
    assert [row[0] for row in ct2["data"][0]["text"]] == c2["data"][0]["text"][0]
    # z of the wrong length is explained (in either view)
    at.text_area(key="transposed.z1").set_value("1 2").run()
    no_exception(at)
    assert at.error
    # stride 2: C is 2×5 (rows [w1 w2 w3 0 0], [0 0 w1 w2 w3]); Cᵀz = zero-inserted full correlation
    at.slider(key="transposed.ms").set_value(2).run()
    at.text_area(key="transposed.z1").set_value("1 -1").run()
    no_exception(at)
    assert not at.error
    c_fig = figure(at, translate(lang, "transposed.fig_c", rows=2, cols=5))
    assert c_fig["data"][0]["text"] == [["w₁", "w₂", "w₃", "0", "0"], ["0", "0", "w₁", "w₂", "w₃"]]
    open_matrix_view(at, lang, "numbers")
    assert plotly_figures(at) == []
    ctz = [w[0] * 1, w[1] * 1, w[2] * 1 + w[0] * -1, w[1] * -1, w[2] * -1]       # 1, 2, -2, -2, 1
    shown = shown_matrices(at)
    assert shown["C names"] == [["w_{1}", "w_{2}", "w_{3}", "0", "0"], ["0", "0", "w_{1}", "w_{2}", "w_{3}"]]
    assert shown["z̃⋆rot180(w)"] == [[f"{v:g}" for v in ctz]]
    assert shown["z̃"] == [["0", "0", "1", "0", "-1", "0", "0"]]
    assert translate(lang, "transposed.ctz_equal") in [s.value for s in at.success]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_link_opens_the_matrix_pictures_and_a_tampered_view_falls_back(lang):
    at = open_page("transposed", lang, {"tab": "matrix", "mv": "pictures"})
    no_exception(at)
    assert len(plotly_figures(at)) == 4                                       # C, Cᵀ, and the 2-D example's two
    at = open_page("transposed", lang, {"tab": "matrix", "mv": "<script>"})
    no_exception(at)
    assert at.warning and plotly_figures(at) == []                            # a translated warning, the numbers view
    assert "C names" in shown_matrices(at)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_transposed_section_numbers_and_link(lang):
    at = open_page("transposed", lang)
    open_section(at, "transposed", lang)
    z = np.array([[1.0, 2.0], [3.0, 4.0]])
    w = np.array([[1.0, 2.0, 0.0], [0.0, 1.0, -1.0], [1.0, 0.0, 2.0]])
    ref = conv_transpose2d_naive(z[None, None], w[None, None], None, 2)[0, 0]
    out = figure(at, translate(lang, "transposed.fig_out", oh=5, ow=5))
    assert out["data"][0]["z"] == ref.tolist()
    shown = "\n".join(latex(at))
    # (continued on a second line after the dilation term: it fits a phone's column)
    assert "(2 - 1)\\cdot 2 - 2\\cdot 0 + 1\\cdot(3 - 1) \\\\ &\\qquad + 0 + 1 \\\\ &= 5" in shown
    assert "(D + 1)(M - 1) + K = (1 + 1)(2 - 1) + 3 = 5" in shown          # the text's form, D = S - 1
    # the default cell x₃₃ = z₁₁w₃₃ + z₁₂w₃₁ + z₂₁w₁₃ + z₂₂w₁₁ = 1·2 + 2·1 + 3·0 + 4·1 = 8
    assert ref[2, 2] == 8
    assert "x_{33} &= z_{11}w_{33} + z_{12}w_{31} + z_{21}w_{13} + z_{22}w_{11}" in shown and "&= 8 " in shown
    counts = figure(at, translate(lang, "transposed.fig_counts"))
    assert counts["data"][0]["z"][2] == [2, 2, 4, 2, 2]
    assert any("5, 6" in m.value for m in at.markdown)                     # sizes mapping to 2 rows at stride 2
    link = [m.value for m in at.markdown if "conv_backward?" in m.value]
    assert link and "stride=2&padding=0&delta=1,2;3,4&w=1,2,0;0,1,-1;1,0,2" in link[0]
    assert translate(lang, "transposed.ctz_check", agreement=translate(lang, "common.agree_exactly"), rows=25,
                     cols=4) in [s.value for s in at.success]
    # output_padding must be smaller than the stride
    at.slider(key="transposed.top").set_value(2).run()
    no_exception(at)
    expected = explain_error(CoreValueError("bad_output_padding", "", axis="height", value=2, stride=2), lang)
    assert at.error and at.error[0].value == expected


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_dilation_section(lang):
    at = open_page("transposed", lang)
    open_section(at, "dilation", lang)
    shown = "\n".join(latex(at))
    assert "&= 3 + (3 - 1)(2 - 1) \\\\ &= 5" in shown
    table = at.table[0].value
    assert list(table.iloc[:, 1]) == [1 + L * 2 for L in range(1, 7)]          # 1 + L(K - 1)
    assert list(table.iloc[:, 2]) == [1 + L * 2 * 2 for L in range(1, 7)]      # 1 + L·D(K - 1)
    assert list(table.iloc[:, 3]) == [2 ** (L + 1) - 1 for L in range(1, 7)]   # 1 + (K - 1)(2^L - 1)
    dilated = plotly_figures(at)[0]
    assert dilated["data"][0]["z"][0] == [1, 0, 1, 0, 1]


def test_tampered_url_gives_warnings_not_tracebacks():
    at = open_page("transposed", "en", {"s": "0", "signal": "<b>1</b>", "ts": "abc", "top": "9"})
    no_exception(at)
    assert len(at.warning) >= 3


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_link_opens_conv_backward_where_dx_equals_this_output(lang):
    """Follow the page's link: the convolution-backward page's full-convolution ∂E/∂x is this page's output."""
    at = open_page("transposed", lang)
    open_section(at, "transposed", lang)
    at.slider(key="transposed.tp").set_value(1).run()          # stride 2, padding 1: a 3×3 output
    at.slider(key="transposed.top").set_value(1).run()         # output_padding 1: 4×4
    no_exception(at)
    out = figure(at, translate(lang, "transposed.fig_out", oh=4, ow=4))["data"][0]["z"]
    (link,) = [m.value for m in at.markdown if "conv_backward?" in m.value]
    query = dict(part.split("=", 1) for part in link.split("conv_backward?", 1)[1].split(")", 1)[0].split("&"))
    assert query["tab"] == "dx" and query["way"] == "way3"
    back = open_page("conv_backward", lang, query)
    no_exception(back)
    assert not back.error
    dx = stepper_grid(stepper(back, "way3_stepper"), translate(lang, "conv_backward.cs_dx1"))
    # the backward page's ∂E/∂x (the full correlation with rot180(W), cropped by the padding) is this output
    assert dx.shape == (4, 4)
    np.testing.assert_allclose(dx, np.array(out))


# --------------------------------------------------------------------------- review: non-default settings
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_padding_kinds_hold_under_dilation(lang):
    """At D = 2 the wide convolution pads D(K − 1) = 4 per side: the option and the formula agree."""
    at = open_page("transposed", lang, {"mode": "full", "d": "2", "filter": "diff"})
    no_exception(at)
    (radio,) = [r for r in at.radio if r.label == translate(lang, "transposed.mode")]
    assert "D(K − 1)" in radio.options[1] and "D(K − 1)" in radio.options[2]
    assert any(r"+ 4 + 4 - 2\cdot(3-1)" in v.replace(" ", " ") for v in latex(at)) or any(
        "+ 4 + 4" in v for v in latex(at))
    assert "on the right" not in translate(lang, "transposed.mode_help")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_matrix_stride_with_too_many_z_says_what_z_needs(lang):
    """Stride 3 on the text's 5 inputs and 3 taps: C has 1 row, the text's z has 3 numbers."""
    at = open_page("transposed", lang, {"ms": "3"})
    open_section(at, "matrix", lang)
    errors = [e.value for e in at.error]
    assert translate(lang, "errors.z_length", rows=1, stride=3, got=3) in errors
    assert not any("(1,)" in e for e in errors)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_steps_text_names_output_padding_and_the_crop(lang):
    """P = 2 and output_padding = 2: the grid has 6 zero rows at the bottom and the result loses 2 per side."""
    at = open_page("transposed", lang, {"ts": "3", "tp": "2", "top": "2", "td": "2", "ti": "4", "tj": "2"})
    open_section(at, "transposed", lang)
    text = all_text(at)
    assert "output_padding = 2" in text and "P = 2" in text and "i + 2" in text
    # the window of x₄₂ starts at row 4 + 2 of the padded grid: the highlighted frame says the same
    (fig,) = [f for f in plotly_figures(at) if "x₄₂" in f["layout"].get("title", {}).get("text", "")]
    frame = [s for s in fig["layout"]["shapes"] if s.get("line", {}).get("width", 0) >= 3][0]
    assert (frame["y0"] + 0.5, frame["x0"] + 0.5) == (3 + 2, 1 + 2)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_window_counts_even_and_uneven_read_naturally(lang):
    at = open_page("transposed", lang, {"ts": "3"})   # 3×3 kernel at stride 3: every cell one product
    open_section(at, "transposed", lang)
    text = all_text(at)
    assert translate(lang, "transposed.counts_even", n=1) in text
    assert translate(lang, "transposed.counts_text", lo=1, hi=1) not in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_dilation_title_fits_and_receptive_field_is_general(lang):
    at = open_page("transposed", lang, {"k": "5", "dd": "3"})
    open_section(at, "dilation", lang)
    (fig,) = [f for f in plotly_figures(at)]
    assert len(fig["layout"]["title"]["text"]) <= 48
    (line,) = [v for v in latex(at) if "r_L" in v]
    assert "r_L &= 1 + L" in line and "6\\cdot 3\\cdot(5 - 1) \\\\ &= 73" in line   # 1 + 6·3·4 = 73
    assert "r_l" not in all_text(at).replace(line, "")   # no ASCII formula left in the caption


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_signal_section_symbols_are_latex_and_panel_titles_fit_a_phone(lang):
    at = open_page("transposed", lang, {"filter": "decay", "sv": "plot"})   # a link opens the plot's tab
    no_exception(at)
    text = all_text(at)
    # no raw "x_M" / "y_t" for a student to read: the introduction's symbols are inline MathML in the rule's box
    # (round 9, no KaTeX), the decay note writes Unicode subscripts
    assert "x_M" not in text.replace("$x_1 \\dots x_M$", "") and "y_t = w" not in text
    (rule,) = [json.loads(el.proto.json) for el in at.main.get("bidi_component") if el.key == "transposed.rule_math"]
    assert 'class="math-inline"' in rule and 'data-latex="x_1 \\dots x_M"' in rule and "<msub>" in rule
    assert "yₜ = w₁xₜ + w₂xₜ₋₁ + w₃xₜ₋₂" in text
    titles = re.findall(r'<g data-series="([^"]*)"', stem_svg(at))
    assert len(titles) == 4 and max(len(title) for title in titles) <= 42, titles


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_link_keeps_the_open_tab_and_reset_brings_back_the_texts_examples(lang):
    at = open_page("transposed", lang, {"tab": "matrix", "ms": "2"})
    no_exception(at)
    assert at.session_state["transposed.tab"] == "matrix"
    assert [tab["label"] for tab in tab_strip_tabs(at, "transposed", "tab_label") if tab["selected"]] == [
        translate(lang, "transposed.tab_matrix")]
    assert at.query_params["tab"] in (["matrix"], "matrix")
    open_section(at, "dilation", lang)
    assert at.query_params["tab"] in (["dilation"], "dilation")
    at.slider(key="transposed.k").set_value(5).run()
    assert at.slider(key="transposed.k").value == 5
    at.button(key="transposed.reset").click().run()
    no_exception(at)
    assert at.slider(key="transposed.k").value == 3          # the text's example again
    assert at.session_state["transposed.ms"] == 1
    assert at.session_state["transposed.tab"] == "dilation"  # the open tab stays open


def test_a_tampered_tab_in_the_link_gets_a_message():
    at = open_page("transposed", "zh", {"tab": "<b>x</b>"})
    no_exception(at)
    assert at.session_state["transposed.tab"] == "signal"
    assert any("<b>x</b>" not in w.value for w in at.warning) and at.warning


# --------------------------------------------------------------------------- #13: presets, export, library code

def _exported(monkeypatch) -> dict:
    """Record what the export panel offers (the Markdown) on every run."""
    import ui.export

    offered: dict = {}
    real = ui.export.to_markdown
    monkeypatch.setattr(ui.export, "to_markdown", lambda *a, **k: offered.__setitem__("md", real(*a, **k))
                        or offered["md"])
    return offered


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_transposed_section_presets_export_and_library_code(lang, monkeypatch):
    offered = _exported(monkeypatch)
    at = open_page("transposed", lang, query={"tab": "transposed", "ts": "3", "tp": "1"})
    no_exception(at)
    at.session_state["transposed.export_open"] = True   # the export panel is drawn only while open
    at.session_state["transposed.code_open"] = True     # so is the library code panel
    # presets next to the kernel and the input: the identity kernel in a 3×3 (the example's size)
    assert {"transposed.w", "transposed.z"} <= set(preset_menus(at))
    choose_preset(at, "transposed.w", "identity")
    no_exception(at)
    assert at.text_area(key="transposed.w").value == "0, 0, 0\n0, 1, 0\n0, 0, 0"
    z = np.array([[1.0, 2.0], [3.0, 4.0]])
    identity = np.array([[0.0, 0, 0], [0, 1, 0], [0, 0, 0]])
    want = conv_transpose2d_naive(z[None, None], identity[None, None], None, 3, 1)[0, 0]
    # the Markdown export carries the setting and the output the page computes (the loop reference's numbers)
    md = offered["md"]
    assert md.startswith(f"# {translate(lang, 'transposed.title')}")
    assert f"## {translate(lang, 'transposed.tab_transposed')}" in md
    from ui.latex import latex_matrix

    assert "y = " + latex_matrix(want) in md, md
    assert "ts=3" in md and "tp=1" in md                                # the link that reloads it
    assert len(at.get("download_button")) == 2
    # every figure offers Plotly's PNG download and nothing else
    import json

    charts = at.get("plotly_chart")
    assert charts and all(json.loads(c.proto.config)["modeBarButtons"] == [["toImage"]] for c in charts)
    # the library code: the PyTorch layer, and a NumPy version that gives the same numbers
    torch_code, numpy_code = (el.value for el in at.code if "import" in el.value)
    assert "nn.ConvTranspose2d(1, 1, kernel_size=(3, 3), stride=(3, 3)" in torch_code
    scope: dict = {}
    exec(numpy_code, scope)  # noqa: S102 - the app's own snippet, run here only to check its numbers
    np.testing.assert_allclose(np.asarray(scope["y"]).reshape(want.shape), want)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_signal_section_export_and_library_code(lang, monkeypatch):
    offered = _exported(monkeypatch)
    at = open_page("transposed", lang, query={"tab": "signal", "filter": "diff", "mode": "valid"})
    no_exception(at)
    assert "md" not in offered                           # closed: the worked example is not even built
    assert not [el for el in at.code if "import numpy" in el.value]   # nor the code panel's snippets
    at.session_state["transposed.export_open"] = True
    at.session_state["transposed.code_open"] = True
    at.run()
    signal = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 4, 1, 1, 1, 1, 0, 0], dtype=float)
    want = np.array([signal[i] - 2 * signal[i + 1] + signal[i + 2] for i in range(signal.size - 2)])
    from ui.latex import latex_matrix

    assert "y = " + latex_matrix(want.reshape(1, -1)) in offered["md"]
    numpy_code = [el.value for el in at.code if "import numpy" in el.value][-1]
    scope: dict = {}
    exec(numpy_code, scope)  # noqa: S102 - the app's own snippet, run here only to check its numbers
    np.testing.assert_allclose(np.asarray(scope["y"]).ravel(), want)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_typeset_formulas_are_mathml_in_math_boxes_not_katex(lang):
    """#14 round 8: the sections' formulas are MathML made in Python (the browser typesets nothing), each line
    writing the numbers of its LaTeX; the size lines of the transposed section are one element."""
    from ui.formulas.mathml import latex_numbers, latex_sources, mathml_numbers

    at = open_page("transposed", lang, {"filter": "decay"})
    seen = {}
    for section in ("signal", "transposed", "dilation"):
        if section != "signal":
            open_section(at, section, lang)
        assert not at.latex, section                                          # no KaTeX
        # nor inline: no $…$ left in a Markdown text or caption (round 9: the introduction's symbols are MathML)
        assert not [el.value for el in list(at.markdown) + list(at.caption) if re.search(r"\$[^$\n]+\$", el.value)]
        boxes = {el.key: json.loads(el.proto.json) for el in at.main.get("bidi_component") if el.key.endswith("_math")}
        assert boxes and all("<math" in markup for markup in boxes.values()), section
        for markup in boxes.values():
            for line in re.findall(r'<div class="math-line".*?(?=<div class="math-line"|$)', markup, re.S):
                (source,) = latex_sources(line)
                assert mathml_numbers(line) == latex_numbers(source), source
        seen.update(boxes)
    assert {"transposed.rule_math", "transposed.length_math", "transposed.sample_math", "transposed.size_math",
            "transposed.cell_math", "transposed.dilation_math", "transposed.rf_math"} <= set(seen)
    assert [s.split(" &=")[0] for s in latex_sources(seen["transposed.size_math"])] == [r"\begin{aligned} O_{h}",
                                                                                     r"\begin{aligned} O_{w}"]
    # the signal section's introduction: its symbols inline (x_1 … x_M), before the rule
    assert 'data-latex="x_1 \\dots x_M"' in seen["transposed.rule_math"].replace("&#x27;", "'")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_section_once_opened_stays_drawn_and_the_export_follows_the_open_one(lang, monkeypatch):
    """#14 round 9: the first view draws the open section only; a section opened once stays drawn while closed
    (switching back is the browser's own tab switch), and the export still holds the open section's example."""
    offered = _exported(monkeypatch)
    at = open_page("transposed", lang)
    at.session_state["transposed.export_open"] = True
    at.run()
    assert not [s for s in at.slider if s.key == "transposed.k"]          # dilation never opened: not drawn
    assert "## " + translate(lang, "transposed.tab_signal") in offered["md"]
    open_section(at, "dilation", lang)
    open_section(at, "signal", lang)
    no_exception(at)
    assert at.slider(key="transposed.k").value == 3                       # still drawn, closed
    assert not [s for s in at.slider if s.key == "transposed.ts"]        # the transposed section: never opened
    assert "## " + translate(lang, "transposed.tab_signal") in offered["md"]
    open_section(at, "transposed", lang)
    assert "## " + translate(lang, "transposed.tab_transposed") in offered["md"]
    assert "## " + translate(lang, "transposed.tab_signal") not in offered["md"]   # only the open section's example
    at.slider(key="transposed.k").set_value(5).run()                      # a closed section's control still works
    no_exception(at)
    assert at.slider(key="transposed.k").value == 5


# --------------------------------------------------------------------------- #14: the parts that rerun alone
# (what the browser receives is checked in tests/e2e/test_transposed_browser.py; AppTest keeps in its tree only the
# elements of the parts a run drew, so "not drawn again" is seen here as "not in the tree")

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_new_signal_reaches_the_results(lang):
    """A typed signal and a preset update the results (in the browser each is one run of the 1-D section's part,
    the title not sent again: tests/e2e/test_transposed_browser.py)."""
    at = open_page("transposed", lang)
    at.text_area(key="transposed.signal").set_value("1 2 3 4").run()
    no_exception(at)
    assert any("O = M = 4" in v for v in latex(at))         # the results follow the new signal
    assert at.number_input(key="transposed.o").value <= 4    # the chosen sample is kept inside the output
    # the preset menu (a component: AppTest runs the whole script for it; which part a pick reruns in the browser is
    # tests/e2e/test_transposed_browser.py's)
    choose_preset(at, "transposed.signal", "example")
    no_exception(at)
    assert at.text_area(key="transposed.signal").value == ", ".join(str(v) for v in SIGNAL)
    assert any("O = M = 18" in v for v in latex(at))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_transposed_sections_one_cell_and_all_cells_views_are_a_tab_strip(lang):
    """#14 round 13: the transposed section's "one cell / every cell" switch is a url_tabs strip (not st.tabs): the
    one-cell view first; a pick draws the animation of every window instead, and keeps the view by name."""
    at = open_page("transposed", lang, {"tab": "transposed"})
    no_exception(at)
    assert tab_labels(at, "transposed", "view") == [translate(lang, "transposed.view_cell"),
                                                    translate(lang, "transposed.view_all")]
    assert at.number_input(key="transposed.ti") and not [f for f in plotly_figures(at) if f.get("frames")]
    pick_tab(at, "transposed", "view", "all", translate(lang, "transposed.view_all"))
    no_exception(at)
    assert at.session_state["transposed.view_open"] == "all"
    assert [f for f in plotly_figures(at) if f.get("frames")]                # the animation of every window
    assert not [el for el in at.number_input if el.key == "transposed.ti"]   # the one-cell view is not drawn
