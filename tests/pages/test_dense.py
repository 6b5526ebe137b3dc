"""Fully connected, softmax and loss page: numbers shown against the core and closed-form values."""

from __future__ import annotations

import html
import math
import re

import numpy as np
import pytest

from cnn_core.activations import activate
from cnn_core.dense import cross_entropy_softmax_grad, dense_forward, softmax, softmax_cross_entropy
from ui.i18n import translate
from ui.latex import fmt, fmt_latex
from ui.plain_table import NOTE, TITLE

from ..ui.formula_numbers import _number, total
from .conftest import (PageSource, all_text, choice_markup, choice_values, choose, choose_preset, chosen, link_of,
                       no_exception, open_page, plotly_figures, preset_menus, stepper, stepper_grid)
from .conftest import pick_tab
from .math_boxes import math_box_formulas, math_box_markups, math_box_texts
from .plain_tables import plain_tables

DEFAULT_ZPREV = np.array([1.5, -1.0, 0.5])
DEFAULT_W = np.array([[0.5, -0.2, 0.1], [0.3, 0.8, -0.5], [-0.5, 0.1, 0.9]])
DEFAULT_B = np.array([0.1, 0.0, -0.2])
DEFAULT_Y = np.array([0.0, 1.0, 0.0])


def formula_lines(at) -> list[str]:
    """Every formula on the page as its LaTeX: the math boxes' lines (``ui.components.math_box``: MathML converted
    in Python from the builders' LaTeX, not ``st.latex``, #14 round 8) and any ``st.latex`` left."""
    return math_box_formulas(at, "dense.") + [el.value for el in at.latex]


def latex(at) -> str:
    return "\n".join(formula_lines(at))


def figure(at, title_key: str, lang: str = "en") -> dict:
    title = translate(lang, title_key)
    for fig in plotly_figures(at):
        if fig["layout"].get("title", {}).get("text") == title:
            return fig
    raise AssertionError(f"no figure titled {title!r}")


TABS = ("forward", "dz", "back", "check", "seeds")


def open_tab(at, which: str, lang: str = "en"):
    """Select one of the page's lazily rendered tabs (only the open one is computed and sent)."""
    return pick_tab(at, "dense", "section", which, translate(lang, f"dense.tab_{which}"))


def open_expander(at, name: str):
    at.session_state[f"dense.{name}"] = True
    return at.run()


def tables(at):
    """The page's tables in page order, as DataFrames of the shown texts: plain HTML (``ui.plain_table``), never
    ``st.table`` (#14 round 13: its cells are Markdown, ~190 React components a table that every pass re-renders)."""
    assert not at.table, "st.table renders every cell as Markdown: the page draws plain HTML tables"
    return plain_tables(at)


def set_inputs(at, **texts):
    """Type ``texts`` into the editors ``dense.<name>`` and run (a run of the keyed parts that show them)."""
    if not {f"dense.{name}" for name in texts} <= {area.key for area in at.text_area}:
        at.run()   # AppTest's tree holds the last run's elements only: after a keyed rerun the page is drawn whole
    for name, text in texts.items():
        at.text_area(key=f"dense.{name}").input(text)
    return at.run()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_renders_in_both_languages(lang):
    at = open_page("dense", lang)
    no_exception(at)
    assert at.title[0].value == translate(lang, "dense.title")
    # the default view: the controls, the forward pass (the products in a cell stepper) and the loss (a table);
    # no Plotly figure, so the first view does not wait for Plotly
    assert plotly_figures(at) == []
    step = stepper(at, "forward_stepper")
    assert [g["title"] for g in step["grids"]] == [translate(lang, "dense.products_title"), "b", "z"]
    assert step["labels"]["play"] == translate(lang, "dense.stepper_play")
    assert list(tables(at)[0].columns) == [translate(lang, "dense.axis_class"), "a", "y", "a − y"]
    # its title and caption are in the table's element (one element, not three: #14 round 13), escaped text
    (body,) = [el.proto.body for el in at.get("html") if 'class="pt-table"' in el.proto.body]
    assert f'class="pt-title" style="{TITLE}">{html.escape(translate(lang, "dense.output_title"))}</p>' in body
    assert f'class="pt-note" style="{NOTE}">{html.escape(translate(lang, "dense.output_caption_ce"))}</p>' in body
    assert not [el for el in at.markdown if translate(lang, "dense.output_title") in el.value]
    text, titles = all_text(at), set()
    assert translate(lang, "dense.forward_title") in text
    for which in TABS[1:]:
        open_tab(at, which, lang)
        no_exception(at)
        assert not at.error and not at.warning
        text += "\n" + all_text(at)
        titles |= {f["layout"]["title"]["text"] for f in plotly_figures(at)}
        assert len(plotly_figures(at)) <= 1, which  # a tab re-renders at most one figure
        if which == "dz":
            assert not plotly_figures(at)                # J's heatmap opens on demand (it repeats J's matrix)
            open_expander(at, "jacobian_map")
            titles |= {f["layout"]["title"]["text"] for f in plotly_figures(at)}
            # figure axes are translated too
            jacobian = figure(at, "dense.jacobian_title", lang)
            assert jacobian["layout"]["xaxis"]["title"]["text"] == translate(lang, "dense.axis_z")
    for key in ("dense.W_label", "dense.forward_title",
                "dense.dz_title", "dense.back_title", "dense.check_title", "dense.seeds_title"):
        assert translate(lang, key) in text, key
    assert titles == {translate(lang, k) for k in ("dense.jacobian_title", "dense.dW_title")}
    # the activation menu (ui.components.choice_menu): its label, help and every activation in the reader's language
    markup = choice_markup(at, "dense.act")
    assert f"<span>{html.escape(translate(lang, 'dense.act_label'))}</span>" in markup
    assert f'title="{html.escape(translate(lang, "dense.act_help"))}"' in markup
    assert chosen(at, "dense.act") == ("relu", [(a, translate(lang, f"words.act_{a}"))
                                                for a in ("identity", "relu", "sigmoid", "tanh")])
    # the loss is a choice menu too (#14 round 13: a radio was ~90 React components every pass of the page re-renders)
    assert not at.radio and not at.selectbox
    assert chosen(at, "dense.loss") == ("cross_entropy", [(k, translate(lang, f"dense.loss_{k}"))
                                                          for k in ("cross_entropy", "mse")])
    loss_markup = choice_markup(at, "dense.loss")
    assert f"<span>{html.escape(translate(lang, 'dense.loss_label'))}</span>" in loss_markup
    assert f'title="{html.escape(translate(lang, "dense.loss_help"))}"' in loss_markup


def test_default_numbers_match_the_core():
    at = open_page("dense", "en")
    x = activate("relu", DEFAULT_ZPREV)
    z = dense_forward(x, DEFAULT_W, DEFAULT_B)
    a = softmax(z)
    shown = latex(at)
    for value in (*z, *a, softmax_cross_entropy(z, DEFAULT_Y)):
        assert fmt_latex(value, factor=False) in shown
    # the output table's columns are k, a, y and a − y (the core's closed-form gradient), as the screen writes them
    table = tables(at)[0]
    assert list(table.iloc[:, 0]) == ["1", "2", "3"]
    assert list(table["a"]) == [fmt(v) for v in a]
    assert list(table["y"]) == ["0", "1", "0"]
    assert list(table["a − y"]) == [fmt(v) for v in cross_entropy_softmax_grad(z, DEFAULT_Y)]
    open_tab(at, "dz")
    # a − y and the chain product agree (exactly, or up to rounding; never "differ by at most 0")
    success = at.success[0].value
    before, after = translate("en", "dense.equal", agreement="@").split("@")
    assert success.startswith(before) and success.endswith(after)
    phrase = success[len(before):len(success) - len(after)]
    assert phrase == translate("en", "common.agree_exactly") or phrase.startswith("agree to machine precision")
    assert "at most 0 " not in success
    open_tab(at, "back")
    # ReLU cut the second input: a zero column in ∂L/∂W and a zero in δ⁽ˡ⁻¹⁾
    dW = np.array(figure(at, "dense.dW_title")["data"][0]["z"], dtype=float)
    assert np.all(dW[:, 1] == 0) and np.all(dW[:, 0] != 0)
    # every gradient agrees with finite differences
    open_tab(at, "check")
    table = tables(at)[0]
    assert list(table.iloc[:, -1]) == [translate("en", "dense.passed")] * 4


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_setup_change_updates_every_number_of_the_forward_tab(lang):
    """One chart (the products) and one table carry the forward tab's numbers: both follow every setup change."""
    at = open_page("dense", lang)
    choose(at, "dense.act", "identity")
    no_exception(at)
    x = DEFAULT_ZPREV                                                   # identity: x = z⁽ˡ⁻¹⁾, no ReLU cut
    z = dense_forward(x, DEFAULT_W, DEFAULT_B)
    step = stepper(at, "forward_stepper")
    products = stepper_grid(step, translate(lang, "dense.products_title"))
    np.testing.assert_allclose(products, [[DEFAULT_W[i, j] * x[j] for j in range(3)] for i in range(3)], rtol=1e-12)
    np.testing.assert_allclose(stepper_grid(step, "z").ravel(), z, rtol=1e-12)
    table = tables(at)[0]
    assert list(table["a"]) == [fmt(v) for v in softmax(z)]
    assert list(table["a − y"]) == [fmt(v) for v in softmax(z) - DEFAULT_Y]
    # the loss alone: the table's last column becomes δ = (a − y) σ'(z), the products stay (AppTest's tree holds the
    # last run's elements only: the activation reran the tabs alone, so the page is drawn whole before the menu)
    at.run()
    choose(at, "dense.loss", "mse")
    no_exception(at)
    sig = 1 / (1 + np.exp(-z))
    table = tables(at)[0]
    assert list(table.columns) == [translate(lang, "dense.axis_class"), "a", "y", "δ"]
    assert list(table["a"]) == [fmt(v) for v in sig]
    assert list(table["δ"]) == [fmt(v) for v in (sig - DEFAULT_Y) * sig * (1 - sig)]
    assert not plotly_figures(at)
    np.testing.assert_allclose(stepper_grid(stepper(at, "forward_stepper"), "z").ravel(), z, rtol=1e-12)
    # the target alone: the table follows
    set_inputs(at, y="1, 0, 0")
    assert list(tables(at)[0]["δ"]) == [fmt(v) for v in (sig - [1, 0, 0]) * sig * (1 - sig)]


def parts_drawn(at) -> dict:
    """What the last run drew (AppTest's tree holds that run's elements only): the title, the editors, the preset
    menus and the loss / activation controls (keys), and whether the tabs' part ran (its tab bar's forward title)."""
    return {"title": [el.value for el in at.title], "editors": [el.key for el in at.text_area],
            "selects": [f"{k}.preset" for k in preset_menus(at)] + [el.key.removesuffix("_menu") for el in
                                                                     at.get("bidi_component") if el.key.endswith("_menu")],
            "radios": [el.key for el in at.radio],   # none: the loss is a choice menu (#14 round 13)
            "tabs": bool(at.subheader)}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_values_control_changes_its_editor_and_the_parts_that_show_the_values(lang):
    """A typed matrix, a preset or the activation: the editor and the tabs show the new numbers. (#14 round 11: in the
    browser each is one run of the part that holds it, tests/e2e/test_dense_browser.py; AppTest runs the whole
    script.)"""
    at = open_page("dense", lang)
    full = parts_drawn(at)
    assert full["title"] == [translate(lang, "dense.title")] and len(full["editors"]) == 4 and full["tabs"]
    assert {"dense.zprev.preset", "dense.W.preset", "dense.act"} <= set(full["selects"]), full
    # a typed input: its column (menu, editor), the size check and the tabs
    set_inputs(at, zprev="2, -1, 0.5")
    no_exception(at)
    z = dense_forward(np.array([2.0, 0.0, 0.5]), DEFAULT_W, DEFAULT_B)            # ReLU cuts the −1
    np.testing.assert_allclose(stepper_grid(stepper(at, "forward_stepper"), "z").ravel(), z, rtol=1e-12)
    # the weights' preset menu
    choose_preset(at, "dense.W", "identity")
    no_exception(at)
    assert at.text_area(key="dense.W").value == "1, 0, 0\n0, 1, 0\n0, 0, 1"
    np.testing.assert_allclose(stepper_grid(stepper(at, "forward_stepper"), "z").ravel(),
                               np.array([2.0, 0.0, 0.5]) + DEFAULT_B, rtol=1e-12)
    # the bias that does not fit W: its column, and the size message under the setup box
    set_inputs(at, b="1 2")
    assert [el.value for el in at.error] == [translate(lang, "dense.shape_bias", rows=3, got=2)]
    assert translate(lang, "dense.needs_inputs") in [el.value for el in at.info]
    set_inputs(at, b="0.1, 0, -0.2")
    assert not at.error and not at.info, "the size message goes with the fix"
    # the activation
    choose(at, "dense.act", "identity")
    no_exception(at)
    assert "\\mathrm{id}" in latex(at)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_one_toggle_shows_the_four_editors_grids(lang):
    """#14 round 13: the setup box has one grid toggle for its four editors (a toggle each was ~180 React components
    that every pass of the page re-renders); on, every editor shows its matrix as a grid under its text."""
    import json

    from ui.components.grid_editor import component_key

    def grids():
        return {el.key: json.loads(el.proto.json)["cells"] for el in at.main.get("bidi_component")
                if el.key.endswith(".grid")}

    at = open_page("dense", lang)
    assert [(el.key, el.label) for el in at.toggle] == [("dense.grid_on", translate(lang, "dense.grid_toggle"))]
    assert grids() == {}
    at.toggle(key="dense.grid_on").set_value(True).run()
    no_exception(at)
    assert [el.key for el in at.toggle] == ["dense.grid_on"] and at.toggle(key="dense.grid_on").value is True
    assert grids() == {component_key("dense.zprev"): [["1.5", "-1", "0.5"]],
                       component_key("dense.W"): [["0.5", "-0.2", "0.1"], ["0.3", "0.8", "-0.5"], ["-0.5", "0.1", "0.9"]],
                       component_key("dense.b"): [["0.1", "0", "-0.2"]],
                       component_key("dense.y"): [["0", "1", "0"]]}
    # a typed vector: its grid follows it, and the numbers below use it
    set_inputs(at, b="1, 0, 0")
    assert grids()[component_key("dense.b")] == [["1", "0", "0"]]
    x = activate("relu", DEFAULT_ZPREV)
    np.testing.assert_allclose(stepper_grid(stepper(at, "forward_stepper"), "z").ravel(),
                               DEFAULT_W @ x + [1, 0, 0], rtol=1e-12)
    at.toggle(key="dense.grid_on").set_value(False).run()
    assert grids() == {}


def test_every_values_control_is_drawn_in_the_part_that_holds_what_it_changes():
    """#14 round 11: the editors, preset menus and reset in the values part (with the study part inside it), the loss
    and the activation in the study part (with the tabs and panels); no callback reruns parts by name (two runs)."""
    page = PageSource("dense")
    assert {"_zprev_column", "_w_column", "_b_column", "_y_column"} <= page.names("_values_part")
    assert {"_study", "button"} <= page.calls("_values_part")
    assert {"_choices", "_sections", "_take_away"} <= page.calls("_study")
    # both settings are choice menus (round 12 the activation, round 13 the loss): no Streamlit select or radio
    assert "choice_menu" in page.calls("_choices") and not {"radio", "selectbox"} & page.calls("_choices")
    assert not page.reruns_by_name(), "a callback reruns parts by name: two script runs"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_link_opens_the_stepper_on_its_output_unit(lang):
    at = open_page("dense", lang, query={"unit": "3"})
    no_exception(at)
    step = stepper(at, "forward_stepper")
    assert step["start"] == 2 and not step["clamped"] and step["url"] == {"unit": "k"}
    z3 = DEFAULT_W[2] @ activate("relu", DEFAULT_ZPREV) + DEFAULT_B[2]                 # −0.5·1.5 + 0.9·0.5 − 0.2
    assert step["cells"][2]["aria"].endswith(" = " + fmt(z3).replace("-", "−"))
    # a unit the layer does not have (2 outputs here): the last one, and the stepper says so
    at = open_page("dense", lang, query={"unit": "3", "W": "1,0,0;0,1,0", "b": "0,0", "y": "0,1"})
    no_exception(at)
    step = stepper(at, "forward_stepper")
    assert step["start"] == 1 and step["clamped"]
    # a tampered link: a translated warning and the first unit
    at = open_page("dense", lang, query={"unit": "<b>9</b>"})
    no_exception(at)
    assert len(at.warning) == 1 and "<b>" not in at.warning[0].value
    assert stepper(at, "forward_stepper")["start"] == 0


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_jacobian_map_opens_on_demand_and_from_a_link(lang):
    at = open_page("dense", lang, query={"tab": "dz"})
    assert not plotly_figures(at) and at.expander            # the matrix is written out; its heatmap waits
    open_expander(at, "jacobian_map")
    assert at.query_params["jacobian_map"] in ("1", ["1"], "true", ["true"])
    link = link_of(at)
    again = open_page("dense", lang, query=link)
    no_exception(again)
    assert not again.warning
    z = dense_forward(activate("relu", DEFAULT_ZPREV), DEFAULT_W, DEFAULT_B)
    a = softmax(z)
    jac = np.array(figure(again, "dense.jacobian_title", lang)["data"][0]["z"], dtype=float)
    np.testing.assert_allclose(jac, np.diag(a) - np.outer(a, a), rtol=1e-12)


def _ends_with_result(line: str, value: float) -> bool:
    """The last step shows the value, with = or (when the rounded terms miss it) ≈."""
    last = line.rstrip().removesuffix("$$").rstrip().removesuffix(r"\end{aligned}").rstrip()
    shown = fmt_latex(value, factor=False)
    return last.endswith(rf"&= {shown}") or last.endswith(rf"&\approx {shown}")


def test_lazy_expanders_write_out_every_sum_with_the_core_numbers():
    at = open_page("dense", "en")
    x = activate("relu", DEFAULT_ZPREV)
    z = dense_forward(x, DEFAULT_W, DEFAULT_B)
    a = softmax(z)
    assert not any(r"z_{1} &=" in line for line in formula_lines(at))              # closed: nothing computed or sent
    open_expander(at, "forward_rows")
    for i in range(3):
        line = next(line for line in formula_lines(at) if rf"z_{{{i + 1}}} &=" in line)
        assert _ends_with_result(line, z[i]), line
    open_tab(at, "dz")
    open_expander(at, "step3_rows")
    grad = cross_entropy_softmax_grad(z, DEFAULT_Y)
    for j in range(3):
        line = next(line for line in formula_lines(at) if rf"\partial z_{{{j + 1}}}}} &=" in line)
        assert _ends_with_result(line, grad[j]), line
    np.testing.assert_allclose(grad, a - DEFAULT_Y)
    open_tab(at, "back")
    open_expander(at, "dx_rows")
    dx = DEFAULT_W.T @ grad
    for j in range(3):
        line = next(line for line in formula_lines(at) if rf"\partial x_{{{j + 1}}}}} &=" in line)
        assert _ends_with_result(line, dx[j]), line
    open_tab(at, "check")
    assert len(tables(at)) == 1 and not at.dataframe                 # static tables: no English toolbar
    open_expander(at, "check_values")
    values = tables(at)[1]
    rows = [i for i, name in enumerate(values.iloc[:, 0]) if name.startswith("∂L/∂b ·")]
    analytic = [float(values.iloc[i, 1]) for i in rows]                          # ∂L/∂b = δ = a − y
    numeric = [float(values.iloc[i, 2]) for i in rows]
    np.testing.assert_allclose(analytic, grad, rtol=1e-5)
    np.testing.assert_allclose(numeric, grad, rtol=1e-5)
    assert len(values) == 9 + 3 + 3 + 3                                          # one row per entry


def test_two_classes_with_zero_logits_give_the_textbook_numbers():
    # z = 0: a = (1/2, 1/2), L = ln 2, J = [[1/4, -1/4], [-1/4, 1/4]], ∂L/∂a = (-2, 0), a − y = (-1/2, 1/2)
    at = open_page("dense", "en")
    choose(at, "dense.act", "identity")
    set_inputs(at, zprev="1, 2", W="0 0\n0 0", b="0 0", y="1 0")
    no_exception(at)
    assert not at.error
    shown = latex(at)
    assert fmt_latex(math.log(2), factor=False) == "0.6931" and "&= 0.6931" in shown
    open_tab(at, "dz")
    open_expander(at, "jacobian_map")
    shown = latex(at)
    jac = np.array(figure(at, "dense.jacobian_title")["data"][0]["z"], dtype=float)
    np.testing.assert_allclose(jac, [[0.25, -0.25], [-0.25, 0.25]])
    assert r"\begin{bmatrix} -2 \\ 0 \end{bmatrix}" in shown                 # ∂L/∂a
    assert r"\begin{bmatrix} -0.5 \\ 0.5 \end{bmatrix}" in shown             # a − y and Jᵀ ∂L/∂a
    open_tab(at, "back")
    shown = latex(at)
    dW = np.array(figure(at, "dense.dW_title")["data"][0]["z"], dtype=float)
    np.testing.assert_allclose(dW, [[-0.5, -1.0], [0.5, 1.0]])               # δ xᵀ, x = (1, 2)
    assert r"\frac{\partial L}{\partial w_{11}} &= \delta_{1} x_{1} \\ &= (-0.5)\times1 \\ &= -0.5" in shown


def test_mse_keeps_the_sigmoid_factor():
    # z = 0: a = σ(0) = 1/2, σ'(0) = 1/4, y = (1, 0): δ = (−1/2·1/4, 1/2·1/4) = (−0.125, 0.125), L = 0.25
    at = open_page("dense", "en")
    choose(at, "dense.loss", "mse")
    set_inputs(at, zprev="1, 2", W="0 0\n0 0", b="0 0", y="1 0")
    no_exception(at)
    assert r"\tfrac{1}{2}\left[(0.5 - 1)^2 + (0.5 - 0)^2\right] \\ &= 0.25" in latex(at)
    open_tab(at, "dz")
    assert translate("en", "claims.s000_mse_grad_title") in all_text(at)  # the catalogue
    shown = latex(at)
    assert r"\delta_{1} &= (a_{1} - y_{1})\,\sigma'(z_{1}) \\ &= (-0.5)\times0.25 \\ &= -0.125" in shown
    titles = {f["layout"]["title"]["text"] for f in plotly_figures(at)}
    assert translate("en", "dense.jacobian_title") not in titles
    open_tab(at, "check")
    assert list(tables(at)[0].iloc[:, -1]) == [translate("en", "dense.passed")] * 4
    assert at.query_params["loss"] in ("mse", ["mse"])


@pytest.mark.parametrize("act, f_prime", [("relu", "1 \\\\ 0 \\\\ 1"), ("identity", "1 \\\\ 1 \\\\ 1")])
def test_previous_activation_decides_f_prime(act, f_prime):
    at = open_page("dense", "en")
    choose(at, "dense.act", act)
    open_tab(at, "back")
    no_exception(at)
    line = next(line for line in formula_lines(at) if r"\delta^{(l-1)}" in line)
    assert rf"\begin{{bmatrix}} {f_prime} \end{{bmatrix}} \odot" in line


BAD_TEXTS = ["a b c", "1 2\n3", "nan 1", "inf 1", "1e309 1", "", "\n".join([" ".join(["1"] * 13)] * 13),
             "__import__('os')", "<b>x</b>"]


@pytest.mark.parametrize("text", BAD_TEXTS)
def test_bad_matrix_text_shows_an_error_and_the_rest_still_renders(text):
    at = open_page("dense", "en")
    set_inputs(at, W=text)
    no_exception(at)
    assert at.error, text
    assert translate("en", "dense.needs_inputs") in [el.value for el in at.info]
    assert "<b>" not in "".join(el.value for el in at.error)           # never rendered as HTML
    assert not formula_lines(at) and not plotly_figures(at)
    for which in TABS[1:]:
        open_tab(at, which)
        no_exception(at)
        assert not formula_lines(at) and not plotly_figures(at), which
        if which in ("dz", "back", "check"):
            assert translate("en", "dense.needs_loss") in [el.value for el in at.info], which
    assert translate("en", "dense.seeds_title") in [el.value for el in at.subheader]


def test_bad_target_keeps_the_forward_pass():
    at = open_page("dense", "en")
    set_inputs(at, y="0.5 0.7 0")                      # not a distribution: cross-entropy refuses
    no_exception(at)
    assert "probability distribution" in at.error[0].value
    assert r"z &= W x + b" in latex(at)
    open_tab(at, "back")
    assert translate("en", "dense.needs_loss") in [el.value for el in at.info]


def test_impossible_shapes_get_a_translated_message():
    at = open_page("dense", "zh")
    set_inputs(at, b="1 2")                             # W has 3 rows, b only 2 entries
    no_exception(at)
    assert [el.value for el in at.error] == [translate("zh", "dense.shape_bias", rows=3, got=2)]
    assert "b_prev" not in at.error[0].value and "(3,)" not in at.error[0].value


@pytest.mark.parametrize("query, name", [({"loss": "abc"}, "loss"), ({"act": "<script>x</script>"}, "act"),
                                         ({"W": "<b>1</b>"}, "W"), ({"zprev": "1,2;3,4"}, "zprev")])
def test_bad_url_values_warn_and_use_the_default(query, name):
    at = open_page("dense", "en", query=query)
    no_exception(at)
    assert len(at.warning) == 1
    assert "<script>" not in at.warning[0].value and "<b>" not in at.warning[0].value
    assert chosen(at, "dense.loss")[0] == "cross_entropy"
    assert chosen(at, "dense.act")[0] == "relu"
    assert at.text_area(key="dense.W").value == "0.5, -0.2, 0.1\n0.3, 0.8, -0.5\n-0.5, 0.1, 0.9"
    assert formula_lines(at)


def test_url_sets_up_the_layer():
    at = open_page("dense", "en", query={"loss": "mse", "act": "tanh", "W": "1,0;0,1", "b": "0,0",
                                          "zprev": "0,0", "y": "0,1"})
    no_exception(at)
    assert not at.warning
    assert chosen(at, "dense.loss")[0] == "mse" and chosen(at, "dense.act")[0] == "tanh"
    assert at.text_area(key="dense.W").value == "1, 0\n0, 1"
    # tanh(0) = 0 feeds z = 0, a = σ(0) = 0.5
    assert r"\begin{bmatrix} 0.5 \\ 0.5 \end{bmatrix}" in latex(at)


def test_an_activation_the_menu_did_not_offer_changes_nothing():
    """The activation menu's value comes from the browser: a made-up one is refused, the link's activation stays."""
    from ui.components.choice_menu import apply_choice

    at = open_page("dense", "en", query={"act": "tanh"})
    assert choice_values(at, "dense.act") == ("identity", "relu", "sigmoid", "tanh")
    for sent in ("softmax", "Tanh", "<b>relu</b>", "", 0, None):
        assert not apply_choice(at.session_state, "dense.act", sent), sent
    at.run()
    no_exception(at)
    assert at.session_state["dense.act"] == "tanh" and chosen(at, "dense.act")[0] == "tanh"
    assert link_of(at)["act"] == "tanh"


# --------------------------------------------------------------------------- #12 item 1: the screen adds up
_BMATRIX = re.compile(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}")


def _matrices(text: str) -> list[np.ndarray]:
    """Every bmatrix of a LaTeX line, as numbers (rows split on \\\\, cells on &)."""
    out = []
    for body in _BMATRIX.findall(text):
        rows = [r for r in body.split(r"\\") if r.strip()]
        out.append(np.array([[_number(c) for c in r.split("&")] for r in rows]))
    return out


def _steps(line: str) -> list[str]:
    body = line.strip().strip("$").strip().removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}").strip()
    steps: list[str] = []
    for s in (s.strip() for s in re.split(r"\\\\ (?=&)", body)):
        if s.startswith(r"&\qquad +") and steps:     # a long sum continued on the next line
            steps[-1] += " " + s.removeprefix(r"&\qquad ")
        else:
            steps.append(s)
    return steps


def _relation(last_step: str) -> str:
    return "approx" if last_step.startswith(r"&\approx") else "="


@pytest.mark.parametrize("digits", [2, 4, 6])
def test_the_numbers_on_screen_add_up_to_the_shown_results(digits):
    """Re-add what the screen writes: '=' only where the written numbers give the written result."""
    at = open_page("dense", "en", query={"digits": str(digits), "zprev": "1.234567,-0.987654,0.333333",
                                         "W": "0.123457,-0.2,0.765432;0.3,0.812345,-0.5;-0.55555,0.1,0.9"})
    no_exception(at)
    open_expander(at, "forward_rows")
    lines = formula_lines(at)
    # zᵢ = Σⱼ wᵢⱼxⱼ + bᵢ, one row at a time
    rows = [line for line in lines if re.search(r"z_\{\d\} &=", line)]
    assert len(rows) == 3
    for line in rows:
        numeric, result = _steps(line)[1], _steps(line)[-1]
        value = _number(result.split(" ", 1)[1])
        same = fmt(total(numeric.removeprefix("&= ")), digits) == fmt(value, digits)
        assert same == (_relation(result) == "="), line
    # z = W x + b with the matrices as written
    line = next(line for line in lines if "z &= W x + b" in line)
    W, x, b, z = _matrices(line)
    again = (W @ x + b).ravel()
    same = all(fmt(r, digits) == fmt(v, digits) for r, v in zip(again, z.ravel()))
    assert same == (_relation(_steps(line)[-1]) == "="), line
    # ∂L/∂a = −y/a and Jᵀ ∂L/∂a
    open_tab(at, "dz")
    lines = formula_lines(at)
    line = next(line for line in lines if r"-\frac{y}{a}" in line)
    fractions = re.findall(r"-(\S+) / (\S+?) (?:\\\\|\\end)", _steps(line)[1])
    shown_result = _matrices(_steps(line)[-1])[0].ravel()
    again = [0.0 if float(yk) == 0 else -float(yk) / _number(ak) for yk, ak in fractions]
    same = all(fmt(r, digits) == fmt(v, digits) for r, v in zip(again, shown_result))
    assert same == (_relation(_steps(line)[-1]) == "="), line
    line = next(line for line in lines if r"J^{\top}\frac{\partial L}{\partial a}" in line)
    JT, dLda, dLdz = _matrices(line)
    same = all(fmt(r, digits) == fmt(v, digits) for r, v in zip((JT @ dLda).ravel(), dLdz.ravel()))
    assert same == (_relation(_steps(line)[-1]) == "="), line


def _query(link_proto) -> dict[str, str]:
    from urllib.parse import parse_qs

    return {k: v[0] for k, v in parse_qs(link_proto.query_string).items()}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_check_by_hand_link_opens_check_my_work_with_this_layer(lang):
    at = open_page("dense", lang, query={"W": "1,0,0;0,1,0;0,0,1"})
    links = [el.proto for el in at.get("page_link") if el.proto.label == translate(lang, "exercises.check_by_hand")]
    assert len(links) == 1
    query = _query(links[0])
    assert query["kind"] == "softmax_ce_grad"
    checker = open_page("check_work", lang, query=query)
    no_exception(checker)
    assert checker.session_state["check_work.kind"] == "softmax_ce_grad"
    # W = I and x = ReLU(1.5, −1, 0.5): z = x + b = (1.6, 0, 0.3); the right answer is softmax(z) − y
    z = np.array([1.6, 0.0, 0.3])
    answer = softmax(z) - DEFAULT_Y
    checker.text_area(key="check_work.answer").input(", ".join(repr(float(v)) for v in answer))
    checker.button(key="check_work.check").click().run()
    assert [s.value for s in checker.success] == [translate(lang, "exercises.verdict_correct")]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_reset_restores_the_example_and_the_open_tab_is_in_the_link(lang):
    at = open_page("dense", lang, query={"loss": "mse", "W": "1,0;0,1", "b": "0,0", "y": "0,1", "zprev": "1,2"})
    assert chosen(at, "dense.loss")[0] == "mse"
    open_tab(at, "back", lang)
    assert at.query_params["tab"] in ("back", ["back"])
    at.button(key="dense.reset").click().run()
    no_exception(at)
    assert not at.error
    assert chosen(at, "dense.loss")[0] == "cross_entropy"
    assert at.text_area(key="dense.W").value == "0.5, -0.2, 0.1\n0.3, 0.8, -0.5\n-0.5, 0.1, 0.9"
    assert "W" not in at.query_params and "loss" not in at.query_params
    # a link with the tab opens on it
    at = open_page("dense", lang, query={"tab": "check"})
    no_exception(at)
    assert translate(lang, "dense.check_title") in [el.value for el in at.subheader]
    assert translate(lang, "dense.forward_title") not in [el.value for el in at.subheader]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_tab_switch_with_the_export_panel_open_keeps_its_link_current(lang):
    # the tabs rerun on their own in the browser; with the export panel open the switch reruns the page once
    at = open_page("dense", lang)
    at.session_state["dense.export_open"] = True
    at.run()
    open_tab(at, "back", lang)
    no_exception(at)
    assert translate(lang, "dense.back_title") in [el.value for el in at.subheader]
    assert [el.value for el in at.code] == ["?tab=back"]
    assert at.query_params["tab"] in ("back", ["back"])


def test_export_and_library_code_carry_the_layer():
    at = open_page("dense", "en", query={"W": "1,0,0;0,1,0;0,0,1"})
    at.session_state["dense.code_open"] = True   # the library code panel is built only while open
    at.session_state["dense.export_open"] = True  # so is the export panel
    at.run()
    code = "\n".join(el.value for el in at.code)
    assert "W = np.array([[1, 0, 0]," in code and "F.linear(a, W, b)" in code
    md = [el for el in at.get("download_button")]
    assert md, "the export panel's downloads"
    # a typed W: the open panels follow (they are in the values part: #14 round 11)
    set_inputs(at, W="2, 0, 0\n0, 1, 0\n0, 0, 1")
    code = "\n".join(el.value for el in at.code)
    assert "W = np.array([[2, 0, 0]," in code and "W=" in code and at.get("download_button")
    # closed, they send no code and no downloads with a new setup
    at.session_state["dense.code_open"] = False
    at.session_state["dense.export_open"] = False
    at.run()
    set_inputs(at, W="1, 0, 0\n0, 1, 0\n0, 0, 1")
    assert not at.code and not at.get("download_button")
    at = open_page("dense", "en", query={"loss": "mse"})
    assert translate("en", "dense.code_ce_only") in [el.value for el in at.caption]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_open_expanders_are_kept_in_the_link(lang):
    at = open_page("dense", lang, query={"tab": "dz"})
    open_expander(at, "step3_rows")
    assert at.query_params["step3_rows"] in ("1", ["1"], "true", ["true"])
    link = link_of(at)
    again = open_page("dense", lang, query=link)
    no_exception(again)
    assert not again.warning
    assert any(r"\partial z_{1}} &=" in line for line in formula_lines(again))          # the rows are written out


def test_zero_gradients_are_not_called_different():
    # W's columns all equal: ∂L/∂x = Wᵀ(a − y) = 0 exactly in theory (10⁻¹⁸ in floating point), 0 numerically
    query = {"W": ";".join([",".join(["0.123456"] * 8)] * 8), "zprev": ",".join(["1.5"] * 8),
             "b": ",".join(["0.1"] * 8), "y": "0,1,0,0,0,0,0,0", "tab": "check"}
    at = open_page("dense", "en", query=query)
    no_exception(at)
    assert list(tables(at)[0].iloc[:, -1]) == [translate("en", "dense.passed")] * 4


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_formulas_are_mathml_in_math_boxes_not_katex(lang):
    """#14 round 8: every formula is MathML made in Python (the browser typesets nothing), drawn by math boxes;
    the texts between them are in the boxes too, in the page's language; the MathML writes the LaTeX's numbers."""
    from ui.formulas.mathml import latex_numbers, mathml_numbers

    at = open_page("dense", lang, query={"act": "tanh"})
    for which in ("forward", "dz", "back"):
        if which != "forward":
            open_tab(at, which, lang)
        no_exception(at)
        assert not at.latex, which                                           # no KaTeX
        markups = math_box_markups(at, "dense.")
        assert markups and all("<math" in m for m in markups), which
        for markup in markups:
            for line in re.findall(r'<div class="math-line".*?(?=<div class="math-line"|<p>|$)', markup, re.S):
                source = formula_lines_of(line)
                assert mathml_numbers(line) == latex_numbers(source), source
    texts = math_box_texts(at, "dense.")
    for key in ("dense.db_text", "dense.dW_text", "dense.dx_text"):
        assert translate(lang, key) in texts, key
    open_tab(at, "dz", lang)
    assert translate(lang, "dense.step1") in math_box_texts(at, "dense.")


def formula_lines_of(line: str) -> str:
    from ui.formulas.mathml import latex_sources

    (source,) = latex_sources(line)
    return source
