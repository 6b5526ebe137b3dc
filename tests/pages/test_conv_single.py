"""The "Convolution (one channel)" page through the real app: numbers, widgets, bad input, bad links.

Expected numbers come from seed 003's printed example (net_o11 = out_o11 = 1), from the
hand-worked 3×3 outputs below, from the loop reference ``conv2d_naive`` and from
``math.exp`` / ``math.tanh`` — never from the trace the page itself draws.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from cnn_core.conv import conv2d_naive
from cnn_core.worked_examples import CONV_4X4
from ui.i18n import translate

from .conftest import all_text, no_exception, open_page, plotly_figures

PAGE = "conv_single"
X = np.array(CONV_4X4.inputs["x"][0, 0])
H = np.array(CONV_4X4.inputs["w"][0, 0])
# worked by hand from the 4×4 input and h = [[1, -1], [1, -1]]: o_ij = i_ij - i_i,j+1 + i_i+1,j - i_i+1,j+1
CORR = [[1, 0, 0], [-1, 1, 0], [0, 0, 0]]
# true convolution uses rot180(h) = [[-1, 1], [-1, 1]] = -h here, so every cell flips sign
CONV = [[-1, 0, 0], [1, -1, 0], [0, 0, 0]]


def key(name: str) -> str:
    return f"{PAGE}.{name}"


def panels(at) -> list[tuple[str, dict]]:
    """(title, figure) of every figure and of every panel of a side-by-side figure (its own trace)."""
    found = []
    for fig in plotly_figures(at):
        found.append((fig["layout"].get("title", {}).get("text"), fig))
        heatmaps = [d for d in fig["data"] if d.get("type") == "heatmap" and "customdata" in d]
        for k, note in enumerate(fig["layout"].get("annotations", [])):
            if len(heatmaps) > 1 and k < len(heatmaps):  # panel titles of a multi-panel figure
                found.append((note["text"], dict(fig, data=[heatmaps[k]], panel=k)))
    return found


def figure(at, title: str) -> dict:
    for name, fig in panels(at):
        if name == title:
            return fig
    raise AssertionError(f"no figure titled {title!r}; have {titles(at)}")


def titles(at) -> list[str]:
    return [name for name, _ in panels(at)]


def open_tab(at, name: str, lang: str = "en"):
    """Open the tab whose label is ``conv_single.<name>`` (only the open tab is drawn)."""
    at.session_state[key("section")] = translate(lang, f"conv_single.{name}")
    return at.run()


def z(fig: dict) -> list[list[float]]:
    return fig["data"][0]["z"]


def latex(at) -> list[str]:
    return [el.value for el in at.latex]


def collapse(text: str) -> str:
    return "".join(text.split())


# --------------------------------------------------------------------------- both languages
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_in_both_languages(lang):
    at = open_page(PAGE, lang)
    no_exception(at)
    assert at.title[0].value == translate(lang, "conv_single.title")
    text = all_text(at) + "\n" + "\n".join(tab.label for tab in at.tabs)
    for name in ("intro", "stride_label", "padding_label", "activation_label", "cell_label", "input_label",
                 "kernel_label", "sec_inputs", "sec_step", "sec_compare", "sec_activation", "sec_table",
                 "cap_input_from_text", "seed_library_note"):
        if name == "cap_input_from_text":
            text += "\n" + all_text(open_tab(at, "sec_inputs", lang))
        if name == "seed_library_note":
            text += "\n" + all_text(open_tab(at, "sec_compare", lang))
        assert translate(lang, f"conv_single.{name}") in text, name
    assert not at.error and not at.warning
    # every figure title and axis title is in the page's language
    got = titles(at)
    for tab in ("sec_step", "sec_inputs", "sec_compare"):  # the figure checks below use the last one
        got += titles(open_tab(at, tab, lang))
    for name in ("fig_kernel_rot", "fig_windows", "fig_corr", "fig_conv", "fig_net"):
        assert translate(lang, f"conv_single.{name}") in got
    assert translate(lang, "conv_single.fig_input", rows=4, cols=4) in got
    fig = figure(at, translate(lang, "conv_single.fig_corr"))
    assert fig["layout"]["xaxis"]["title"]["text"] == translate(lang, "figure.col")
    assert fig["layout"]["yaxis"]["title"]["text"] == translate(lang, "figure.row")


def test_default_reproduces_seed_003_o11():
    at = open_page(PAGE, "en")
    no_exception(at)
    net, out = latex(at)[:2]
    seed_note_shown = translate("en", "conv_single.seed_o11_note") in all_text(at)
    conv = latex(open_tab(at, "sec_compare"))[0]
    # symbolic with 1-based subscripts, then numbers, then the printed result
    assert "net_{o_{11}} &= i_{11}h_{11} + i_{12}h_{12} + i_{21}h_{21} + i_{22}h_{22}" in net
    assert r"1\times1 + 0\times(-1) + 1\times1 + 1\times(-1)" in net
    assert net.rstrip("$\n ").endswith(f"&= {CONV_4X4.printed['net_o11']:g} \\end{{aligned}}")
    assert r"\max(0,\ 1)" in out
    assert out.rstrip("$\n ").endswith(f"&= {CONV_4X4.printed['out_o11']:g} \\end{{aligned}}")
    # true convolution of the same window pairs i11 with h22
    assert "(i * h)_{11} &= i_{11}h_{22} + i_{12}h_{21} + i_{21}h_{12} + i_{22}h_{11}" in conv
    assert conv.rstrip("$\n ").endswith("&= -1 \\end{aligned}")
    assert seed_note_shown


def test_outputs_match_hand_worked_and_loop_reference():
    at = open_page(PAGE, "en")
    relu = z(figure(at, translate("en", "conv_single.fig_out", name="ReLU")))
    net = z(figure(at, translate("en", "conv_single.fig_net")))
    open_tab(at, "sec_compare")
    corr = z(figure(at, translate("en", "conv_single.fig_corr")))
    conv = z(figure(at, translate("en", "conv_single.fig_conv")))
    assert corr == CORR
    assert conv == CONV
    assert np.array_equal(corr, conv2d_naive(X[None, None], H[None, None])[0, 0])
    assert np.array_equal(conv, conv2d_naive(X[None, None], H[::-1, ::-1][None, None])[0, 0])
    # ReLU after: negative cells become 0
    assert relu == [[1, 0, 0], [0, 1, 0], [0, 0, 0]]
    assert net == CORR
    # the rotated kernel is drawn
    open_tab(at, "sec_inputs")
    assert z(figure(at, translate("en", "conv_single.fig_kernel_rot"))) == [[-1, 1], [-1, 1]]


def test_input_outlines_the_cells_the_text_gives():
    at = open_tab(open_page(PAGE, "en"), "sec_inputs")
    fig = figure(at, translate("en", "conv_single.fig_input", rows=4, cols=4))
    assert z(fig) == X.tolist()
    outlined = {(round(s["y0"] + 0.5), round(s["x0"] + 0.5)) for s in fig["layout"]["shapes"]}
    assert outlined == set(CONV_4X4.inputs["from_text"]) == {(0, 0), (0, 1), (1, 0), (1, 1)}
    # once the input is edited, the outline and the seed caption go
    at.text_area(key=key("input")).input("1 2 3\n4 5 6\n7 8 9").run()
    no_exception(at)
    fig = figure(at, translate("en", "conv_single.fig_input", rows=3, cols=3))
    assert not fig["layout"].get("shapes")
    assert translate("en", "conv_single.cap_input_from_text") not in all_text(at)


def test_window_animation_has_one_frame_per_output_cell():
    at = open_page(PAGE, "en")
    fig = figure(at, translate("en", "conv_single.fig_windows"))
    assert len(fig["frames"]) == 9
    assert [s["label"] for s in fig["layout"]["sliders"][0]["steps"]][:3] == ["o₁₁", "o₁₂", "o₁₃"]
    # frame 5 (o₂₃) frames rows 2-3, columns 3-4 (1-based)
    last = fig["frames"][5]["layout"]["shapes"][-1]
    assert (last["y0"], last["y1"], last["x0"], last["x1"]) == (0.5, 2.5, 1.5, 3.5)


# --------------------------------------------------------------------------- driving widgets
def test_stepping_to_o13_writes_its_sum_and_corrects_the_seed_label():
    at = open_page(PAGE, "en")
    at.select_slider(key=key("cell")).set_value(3).run()
    no_exception(at)
    net = latex(at)[0]
    assert "net_{o_{13}} &= i_{13}h_{11} + i_{14}h_{12} + i_{23}h_{21} + i_{24}h_{22}" in net
    assert r"1\times1 + 0\times(-1) + 0\times1 + 1\times(-1)" in net
    assert net.rstrip("$\n ").endswith(f"&= {CORR[0][2]} \\end{{aligned}}")
    assert translate("en", "conv_single.seed_o13_note") in all_text(at)
    # the chosen cell is framed on both output heatmaps
    open_tab(at, "sec_compare")
    shapes = figure(at, translate("en", "conv_single.fig_corr"))["layout"]["shapes"]
    assert [(s["xref"], s["y0"], s["x0"]) for s in shapes] == [("x", -0.5, 1.5), ("x2", -0.5, 1.5)]
    assert at.query_params["cell"] in ("3", ["3"])


@pytest.mark.parametrize("name, expected", [
    ("sigmoid", 1 / (1 + math.exp(-1))),
    ("tanh", math.tanh(1)),
    ("identity", 1.0),
])
def test_activation_formula_and_value(name, expected):
    at = open_page(PAGE, "en")
    at.selectbox(key=key("activation")).set_value(name).run()
    no_exception(at)
    out = latex(at)[1]
    assert out.rstrip("$\n ").endswith(f"&= {expected:.4g} \\end{{aligned}}")
    if name == "sigmoid":
        assert r"\frac{1}{1+e^{-1}}" in out
    if name == "tanh":
        assert r"\tanh(1)" in out
    after = z(figure(at, translate("en", "conv_single.fig_out", name=translate("en", f"conv_single.act_{name}"))))
    ref = {"sigmoid": lambda v: 1 / (1 + math.exp(-v)), "tanh": math.tanh, "identity": lambda v: v}[name]
    assert np.allclose(after, [[ref(v) for v in row] for row in CORR])


def test_stride_two_keeps_every_other_window():
    at = open_page(PAGE, "en")
    at.slider(key=key("stride")).set_value(2).run()
    no_exception(at)
    assert z(figure(at, translate("en", "conv_single.fig_net"))) == [[CORR[0][0], CORR[0][2]],
                                                                      [CORR[2][0], CORR[2][2]]]
    assert len(at.select_slider(key=key("cell")).options) == 4
    at.select_slider(key=key("cell")).set_value(2).run()
    assert "net_{o_{12}} &= i_{13}h_{11} + i_{14}h_{12} + i_{23}h_{21} + i_{24}h_{22}" in latex(at)[0]
    assert at.query_params["stride"] in ("2", ["2"])


def test_padding_shows_padded_zeros_in_the_sum():
    at = open_page(PAGE, "en")
    at.slider(key=key("padding")).set_value(1).run()
    no_exception(at)
    corr = z(figure(at, translate("en", "conv_single.fig_net")))
    assert np.array_equal(corr, conv2d_naive(X[None, None], H[None, None], padding=1)[0, 0])
    assert len(corr) == 5
    net = latex(at)[0]
    # o11 sees three padding zeros and i11 under h22: 1 × (-1) = -1
    assert r"\mathbf{0}h_{11} + \mathbf{0}h_{12} + \mathbf{0}h_{21} + i_{11}h_{22}" in net
    assert net.rstrip("$\n ").endswith("&= -1 \\end{aligned}")
    assert translate("en", "conv_single.pad_note") in all_text(at)
    fig = figure(at, translate("en", "conv_single.fig_windows"))
    assert fig["layout"]["yaxis"]["ticktext"] == ["·", "1", "2", "3", "4", "·"]


def test_every_cell_formula_table():
    at = open_tab(open_page(PAGE, "en"), "sec_table")
    table = at.dataframe[0].value
    assert len(table) == 9
    assert list(table.iloc[:, 0]) == ["o₁₁", "o₁₂", "o₁₃", "o₂₁", "o₂₂", "o₂₃", "o₃₁", "o₃₂", "o₃₃"]
    assert [float(v) for v in table.iloc[:, 3]] == [v for row in CORR for v in row]
    assert table.iloc[2, 1] == "i₁₃·h₁₁ + i₁₄·h₁₂ + i₂₃·h₂₁ + i₂₄·h₂₂"
    assert table.iloc[0, 2] == "1×1 + 0×(-1) + 1×1 + 1×(-1)"
    assert translate("en", "conv_single.seed_eq5_note") in all_text(at)


def test_edited_kernel_changes_every_number():
    at = open_page(PAGE, "zh")
    at.text_area(key=key("kernel")).input("0 1\n2 0.5").run()
    no_exception(at)
    expected = conv2d_naive(X[None, None], np.array([[[[0, 1], [2, 0.5]]]]))[0, 0]
    assert np.array_equal(z(figure(at, translate("zh", "conv_single.fig_net"))), expected)
    net = latex(at)[0]
    assert r"1\times0 + 0\times1 + 1\times2 + 1\times0.5" in net
    assert net.rstrip("$\n ").endswith("&= 2.5 \\end{aligned}")


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
    open_tab(at, "sec_inputs")
    assert all(not re.search(r"(?<!\\)<", e.value) for e in at.error)  # shown escaped, never as HTML
    got = titles(at)
    assert translate("en", "conv_single.fig_kernel", rows=2, cols=2) in got
    assert translate("en", "conv_single.fig_kernel_rot") in got
    assert translate("en", "conv_single.fig_corr") not in got
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
    assert len(z(figure(open_tab(at, "sec_compare", lang), translate(lang, "conv_single.fig_corr")))) == 2


def test_one_by_one_output_needs_no_cell_slider():
    at = open_page(PAGE, "en", query={"kernel": "1,1,1,1;1,1,1,1;1,1,1,1;1,1,1,1"})
    no_exception(at)
    assert not at.select_slider
    assert latex(at)[0].rstrip("$\n ").endswith(f"&= {int(X.sum())} \\end{{aligned}}")


# --------------------------------------------------------------------------- links
def test_link_sets_every_parameter():
    at = open_page(PAGE, "en", query={"input": "1,2,3;4,5,6;7,8,9", "kernel": "1,0;0,-1", "stride": "1",
                                      "padding": "0", "activation": "tanh", "cell": "4"})
    no_exception(at)
    assert not at.warning
    assert at.selectbox(key=key("activation")).value == "tanh"
    assert at.select_slider(key=key("cell")).value == 4
    net = latex(at)[0]
    assert "net_{o_{22}} &= i_{22}h_{11} + i_{23}h_{12} + i_{32}h_{21} + i_{33}h_{22}" in net
    assert net.rstrip("$\n ").endswith("&= -4 \\end{aligned}")  # 5 - 9
    assert latex(at)[1].rstrip("$\n ").endswith(f"&= {math.tanh(-4):.4g} \\end{{aligned}}")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("query, widget, default", [
    ({"stride": "abc"}, ("slider", "stride"), 1),
    ({"stride": "9"}, ("slider", "stride"), 1),
    ({"padding": "-1"}, ("slider", "padding"), 0),
    ({"padding": "<b>2</b>"}, ("slider", "padding"), 0),
    ({"activation": "<script>alert(1)</script>"}, ("selectbox", "activation"), "relu"),
    ({"cell": "1e309"}, ("select_slider", "cell"), 1),
    ({"input": "1,2;x,4"}, ("text_area", "input"), "1, 0, 1, 0\n1, 1, 0, 1\n0, 1, 1, 0\n1, 0, 0, 1"),
    ({"kernel": "<img src=x onerror=alert(1)>"}, ("text_area", "kernel"), "1, -1\n1, -1"),
])
def test_bad_link_values_warn_and_use_the_default(lang, query, widget, default):
    at = open_page(PAGE, lang, query=query)
    no_exception(at)
    assert len(at.warning) == 1
    assert not re.search(r"(?<!\\)<", at.warning[0].value)  # any '<' of the link is markdown-escaped
    kind, name = widget
    assert getattr(at, kind)(key=key(name)).value == default
    assert at.title[0].value == translate(lang, "conv_single.title")


def test_selected_cell_beyond_the_output_is_clamped():
    at = open_page(PAGE, "en", query={"stride": "2", "cell": "9"})
    no_exception(at)
    assert not at.warning  # 9 is a valid link value; the 2×2 output simply ends at cell 4
    assert at.select_slider(key=key("cell")).value == 4
    assert "net_{o_{22}}" in latex(at)[0]


def test_shrinking_the_output_moves_the_chosen_cell_inside_it():
    at = open_page(PAGE, "en")
    at.select_slider(key=key("cell")).set_value(9).run()
    at.slider(key=key("stride")).set_value(2).run()
    no_exception(at)
    assert at.select_slider(key=key("cell")).value == 4
    assert "net_{o_{22}} &= i_{33}h_{11} + i_{34}h_{12} + i_{43}h_{21} + i_{44}h_{22}" in latex(at)[0]
