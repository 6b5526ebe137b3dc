"""Multi-channel convolution page (AppTest): seed 003's numbers, widgets, bad input, bad links.

References: the text's printed result (``CONV_5X5X3.printed``) and the core's per-cell loop
``conv2d_naive`` — never the vectorised trace the page itself draws.
"""

from __future__ import annotations

import numpy as np
import pytest

from cnn_core.conv import conv2d_naive, conv2d_trace
from cnn_core.worked_examples import CONV_5X5X3
from ui.i18n import explain_error, translate

from .conftest import all_text, no_exception, open_page, plotly_figures

X = np.asarray(CONV_5X5X3.inputs["x"])          # (1, 3, 5, 5)
W = np.asarray(CONV_5X5X3.inputs["w"])          # (2, 3, 3, 3)
B = np.asarray(CONV_5X5X3.inputs["b"])          # (2,)
PRINTED = np.asarray(CONV_5X5X3.printed["y"])[0]  # (2, 3, 3)


def _figure(at, key: str, lang: str = "en", **params) -> dict:
    title = translate(lang, f"conv_multi.{key}", **params)
    figs = [f for f in plotly_figures(at) if (f["layout"].get("title") or {}).get("text") == title]
    assert figs, f"no figure titled {title!r}"
    return figs[0]


def _open_tab(at, which: str, lang: str = "en"):
    """Open one of the lazily drawn tabs (filters, cell, partials, params) and rerun."""
    at.session_state["conv_multi.section"] = translate(lang, f"conv_multi.tab_{which}")
    return at.run()


def _map(at, f: int, lang: str = "en") -> dict:
    """Panel of output map ``f`` (1-based) in the one output-maps figure: z, printed texts, outlines."""
    fig = _figure(at, "output_maps_fig_title", lang)
    panels = [a["text"] for a in fig["layout"]["annotations"]]
    p = panels.index(translate(lang, "conv_multi.output_fig_title", f=f))
    xref = "x" if p == 0 else f"x{p + 1}"
    heat = [d for d in fig["data"] if d["type"] == "heatmap" and d.get("xaxis", "x") == xref][0]
    return {"z": np.array(heat["z"], dtype=float), "text": heat["text"],
            "shapes": [sh for sh in fig["layout"].get("shapes", []) if sh.get("xref") == xref]}


def _z(fig: dict, trace: int = 0) -> np.ndarray:
    return np.array(fig["data"][trace]["z"], dtype=float)


def _latex(at) -> list[str]:
    return [el.value for el in at.latex]


def _total_line(at) -> str:
    lines = [v for v in _latex(at) if "S_{1} + S_{2} + S_{3}" in v]
    assert len(lines) == 1
    return lines[0]


def _result(line: str) -> str:
    """The last '&= …' of an equation_lines block."""
    return line.split("&=")[-1].split("\\end{aligned}")[0].strip()


def _partial_results(at) -> list[str]:
    return [_result(v) for c in (1, 2, 3) for v in _latex(at) if f"S_{{{c}}} &=" in v]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# --------------------------------------------------------------------------- both languages
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_runs_in_both_languages_with_translated_strings(lang):
    at = open_page("conv_multi", lang)
    no_exception(at)
    assert at.title[0].value == translate(lang, "conv_multi.title")
    text = all_text(at)
    for key in ("stride", "padding", "bias1", "filter", "row", "section_output"):
        assert translate(lang, f"conv_multi.{key}") in text
    assert translate(lang, "conv_multi.seed_reproduced") in [s.value for s in at.success]
    assert not at.error and not at.warning
    # figure titles, panel titles and axis titles are translated
    fig = _figure(at, "output_maps_fig_title", lang)
    # (no column axis title: the panel titles sit where it would, as on the input figure)
    assert fig["layout"]["yaxis"]["title"]["text"] == translate(lang, "figure.row")
    assert [a["text"] for a in fig["layout"]["annotations"]] == [
        translate(lang, "conv_multi.output_fig_title", f=f) for f in (1, 2)]
    assert _figure(at, "input_fig_title", lang, p=1)["layout"]["annotations"][0]["text"] == translate(
        lang, "figure.channel", index=1)
    _open_tab(at, "params", lang)
    no_exception(at)
    assert translate(lang, "conv_multi.section_params") in all_text(at)


# --------------------------------------------------------------------------- seed 003 defaults
def test_default_output_maps_are_the_printed_result():
    at = open_page("conv_multi")
    assert np.array_equal(_map(at, 1)["z"], PRINTED[0])   # [[6,7,5],[3,-1,-1],[2,-1,4]]
    assert np.array_equal(_map(at, 2)["z"], PRINTED[1])   # [[2,-5,-8],[1,-4,-4],[0,-5,-5]]
    # printed texts in the cells, too
    assert _map(at, 2)["text"][0] == ["2", "-5", "-8"]


def test_default_input_is_padded_and_marked():
    at = open_page("conv_multi")
    fig = _figure(at, "input_fig_title", p=1)
    values = [d for d in fig["data"] if d.get("coloraxis")]            # one value heatmap per channel
    overlays = [d for d in fig["data"] if d.get("hoverinfo") == "skip"]  # one padding overlay per channel
    assert len(values) == 3 and len(overlays) == 3
    for c in range(3):
        z = np.array(values[c]["z"], dtype=float)
        assert z.shape == (7, 7)
        assert np.array_equal(z[1:6, 1:6], X[0, c])
        assert not z[0].any() and not z[:, 0].any() and not z[-1].any() and not z[:, -1].any()
        # every padded zero of every channel is greyed, and nothing else
        greyed = {(r, q) for r in range(7) for q in range(7) if overlays[c]["z"][r][q] is not None}
        assert greyed == {(r, q) for r in range(7) for q in range(7) if r in (0, 6) or q in (0, 6)}
        assert (values[c]["xaxis"], overlays[c]["xaxis"]) == (("x", "x2", "x3")[c],) * 2
    # one animation frame per output cell, labelled (i,j) 1-based
    assert len(fig["frames"]) == 9
    assert [s["label"] for s in fig["layout"]["sliders"][0]["steps"]][:2] == ["(1,1)", "(1,2)"]


def test_default_cell_written_out_channel_by_channel():
    at = open_page("conv_multi")
    assert _partial_results(at) == []          # the terms are in their own tab, drawn when opened
    _open_tab(at, "cell")
    no_exception(at)
    line = _total_line(at)
    assert "z^{(1)}_{11}" in line and _result(line) == "6"
    # per-channel partial sums: each channel alone through the loop reference
    refs = [conv2d_naive(X[:, c:c + 1], W[:, c:c + 1], None, 2, 1)[0, 0, 0, 0] for c in range(3)]
    assert _partial_results(at) == [_number(v) for v in refs]
    assert "4 + 0 + 1 + 1" in line                  # S1 + S2 + S3 + b1 with the numbers
    # the first channel's products: padded zeros on the top row and left column
    s1 = [v for v in _latex(at) if "S_{1} &=" in v][0]
    assert "\\tilde{x}^{(1)}_{11}w^{(1,1)}_{11}" in s1
    assert "0\\times(-1)" in s1


def test_partial_sum_maps_on_demand():
    at = open_page("conv_multi")
    title = translate("en", "conv_multi.partial_fig_title", f=1)
    assert title not in [(f["layout"].get("title") or {}).get("text") for f in plotly_figures(at)]
    _open_tab(at, "partials")
    no_exception(at)
    fig = _figure(at, "partial_fig_title", f=1)
    for c in range(3):                  # map c = channel c alone through the loop reference
        np.testing.assert_allclose(_z(fig, c), conv2d_naive(X[:, c:c + 1], W[:1, c:c + 1], None, 2, 1)[0, 0])


def test_parameter_count_and_seed_notes():
    at = open_page("conv_multi")
    _open_tab(at, "params")
    params = [v for v in _latex(at) if "N_{\\text{params}}" in v][0]
    assert "2 \\cdot 3 \\cdot 3 \\cdot 3 + 2" in params
    assert _result(params) == str(W.size + B.size)          # 56 = 54 weights + 2 biases
    text = all_text(at)
    assert "28×28×1" in text and "28×28×3" in text and "76" in text   # one 5x5x3 filter: 75 + 1


# --------------------------------------------------------------------------- widgets
def test_choosing_filter_and_cell_updates_formulas_and_window():
    at = open_page("conv_multi")
    at.radio(key="conv_multi.filter").set_value(2).run()
    at.number_input(key="conv_multi.row").set_value(2).run()
    at.number_input(key="conv_multi.col").set_value(3).run()
    no_exception(at)
    _open_tab(at, "cell")
    no_exception(at)
    line = _total_line(at)
    assert "z^{(2)}_{23}" in line and _result(line) == _number(PRINTED[1, 1, 2])     # -4
    refs = [conv2d_naive(X[:, c:c + 1], W[1:, c:c + 1], None, 2, 1)[0, 0, 1, 2] for c in range(3)]
    assert _partial_results(at) == [_number(v) for v in refs]
    fig = _figure(at, "input_fig_title", p=1)
    outlines = [sh for sh in fig["layout"]["shapes"] if sh["line"]["color"] == "#ff7f0e"]
    assert len(outlines) == 3                                    # the window on every channel
    assert [sh["xref"] for sh in outlines] == ["x", "x2", "x3"]
    # output (2,3) with stride 2 reads padded rows 3..5 and columns 5..7 (1-based): 0-based 2..4, 4..6
    cell = conv2d_trace(X[0], W, B, 2, 1).cell(1, 1, 2)
    assert cell.tap_rows.tolist() == [2, 3, 4] and cell.tap_cols.tolist() == [4, 5, 6]
    for sh in outlines:
        assert (sh["x0"], sh["x1"], sh["y0"], sh["y1"]) == (3.5, 6.5, 1.5, 4.5)
    # the browser-side frames move the same outlines through all 9 cells, frame 5 = cell (2,3)
    frame5 = fig["frames"][5]
    assert [sh["xref"] for sh in frame5["layout"]["shapes"]] == ["x", "x2", "x3"]
    assert frame5["layout"]["shapes"][0]["x0"] == 3.5
    assert fig["layout"]["sliders"][0]["active"] == 5
    # the chosen cell is outlined on output map 2 only
    green2 = [s for s in _map(at, 2)["shapes"] if s["line"]["color"] == "#2ca02c"]
    assert [(s["x0"], s["y0"]) for s in green2] == [(1.5, 0.5)]
    assert not [s for s in _map(at, 1)["shapes"] if s["line"]["color"] == "#2ca02c"]
    assert at.query_params["filter"] in (["2"], "2") and at.query_params["col"] in (["3"], "3")


@pytest.mark.parametrize("stride, padding, shape", [(1, 0, (3, 3)), (1, 2, (7, 7)), (3, 1, (2, 2)), (4, 3, (3, 3))])
def test_stride_and_padding_change_the_maps(stride, padding, shape):
    at = open_page("conv_multi")
    at.slider(key="conv_multi.stride").set_value(stride).run()
    at.slider(key="conv_multi.padding").set_value(padding).run()
    no_exception(at)
    ref = conv2d_naive(X, W, B, stride, padding)[0]
    for f in (1, 2):
        z = _map(at, f)["z"]
        assert z.shape == shape
        np.testing.assert_allclose(z, ref[f - 1])
    assert translate("en", "conv_multi.seed_custom") in [i.value for i in at.info]
    assert at.query_params["stride"] in ([str(stride)], str(stride))


def test_smaller_output_keeps_the_chosen_cell_inside():
    at = open_page("conv_multi", query={"stride": "1", "row": "5", "col": "5"})
    no_exception(at)
    assert "z^{(1)}_{55}" in _total_line(at)
    at.slider(key="conv_multi.stride").set_value(3).run()       # output 2x2
    no_exception(at)
    assert at.number_input(key="conv_multi.row").value == 2
    assert "z^{(1)}_{22}" in _total_line(at)
    assert _result(_total_line(at)) == _number(conv2d_naive(X, W, B, 3, 1)[0, 0, 1, 1])


def test_bias_is_added_once_per_cell():
    at = open_page("conv_multi")
    at.number_input(key="conv_multi.b1").set_value(-2.5).run()
    no_exception(at)
    ref = conv2d_naive(X, W, [-2.5, 0], 2, 1)[0]
    np.testing.assert_allclose(_map(at, 1)["z"], ref[0])
    line = _total_line(at)
    assert "+ (-2.5)" in line and _result(line) == _number(ref[0, 0, 0])   # 3.5


def test_typed_kernels_change_the_parameter_count():
    at = open_page("conv_multi")
    for f in (1, 2):
        for c in (1, 2, 3):
            at.text_area(key=f"conv_multi.w{f}{c}").input("1 0\n0 -1")
    at.run()
    no_exception(at)
    _open_tab(at, "params")
    no_exception(at)
    params = [v for v in _latex(at) if "N_{\\text{params}}" in v][0]
    assert "2 \\cdot 3 \\cdot 2 \\cdot 2 + 2" in params and _result(params) == "26"
    w = np.tile(np.array([[1.0, 0], [0, -1]]), (2, 3, 1, 1))
    np.testing.assert_allclose(_map(at, 1)["z"], conv2d_naive(X, w, B, 2, 1)[0, 0])


# --------------------------------------------------------------------------- bad input
BAD_TEXTS = ["1 2 a", "1 2\n3", "nan 1", "inf", "1e309", "", "\n".join([" ".join(["1"] * 13)] * 13),
             "__import__('os')", "<b>x</b>"]


@pytest.mark.parametrize("text", BAD_TEXTS)
def test_bad_input_channel_skips_only_what_needs_it(text):
    at = open_page("conv_multi")
    at.text_area(key="conv_multi.x2").input(text).run()
    no_exception(at)
    assert at.error, "the editor shows why the text is not a matrix"
    assert all("<b>" not in e.value or "\\<b" in e.value for e in at.error)
    figs = plotly_figures(at)
    titles = [(f["layout"].get("title") or {}).get("text") for f in figs]
    assert translate("en", "conv_multi.filter_fig_title", f=1, kh=3, kw=3) in titles   # filters still drawn
    assert translate("en", "conv_multi.output_maps_fig_title") not in titles
    assert any(translate("en", "conv_multi.editor_channel", c=2) in w.value for w in at.warning)
    _open_tab(at, "params")
    no_exception(at)
    assert any("N_{\\text{params}}" in v for v in _latex(at))                          # count still shown
    assert "28×28×1" in all_text(at)


@pytest.mark.parametrize("text", ["x", "1 2\n3", "nan", "1e309", "<b>x</b>", "__import__('os')"])
def test_bad_kernel_keeps_the_input_figure(text):
    at = open_page("conv_multi", "zh")
    at.text_area(key="conv_multi.w23").input(text).run()
    no_exception(at)
    assert at.error
    titles = [(f["layout"].get("title") or {}).get("text") for f in plotly_figures(at)]
    assert translate("zh", "conv_multi.input_raw_fig_title") in titles
    _open_tab(at, "params", "zh")
    no_exception(at)
    assert not any("N_{\\text{params}}" in v for v in _latex(at))
    assert any(translate("zh", "conv_multi.editor_kernel", f=2, c=3) in w.value for w in at.warning)


def test_channels_of_different_shapes_are_refused():
    at = open_page("conv_multi")
    at.text_area(key="conv_multi.x3").input("1 2\n3 4").run()
    no_exception(at)
    assert translate("en", "errors.matrix_wrong_shape", rows=5, cols=5, got_rows=2, got_cols=2) in [
        e.value for e in at.error]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_kernel_larger_than_padded_input_is_explained(lang):
    at = open_page("conv_multi", lang)
    for c in (1, 2, 3):
        at.text_area(key=f"conv_multi.x{c}").input("1")
    at.slider(key="conv_multi.padding").set_value(0)
    at.run()
    no_exception(at)
    with pytest.raises(ValueError) as info:
        conv2d_trace(np.ones((3, 1, 1)), W, B, 2, 0)
    expected = explain_error(info.value, lang)
    assert expected in [e.value for e in at.error]
    assert translate(lang, "conv_multi.no_trace") in [i.value for i in at.info]
    assert len([f for f in plotly_figures(at)]) == 3            # raw input + two filters


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
    assert np.array_equal(_map(at, 1)["z"], PRINTED[0])
    assert translate("en", "conv_multi.seed_reproduced") in [s.value for s in at.success]


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
    ref = conv2d_naive(x, W, [1, 10], 1, 0)[0]
    np.testing.assert_allclose(_map(at, 2)["z"], ref[1])
    line = _total_line(at)
    assert "z^{(2)}_{31}" in line and _result(line) == _number(ref[1, 2, 0])
