"""Computational graph page: the seed's printed numbers, closed-form sigmoid derivatives, bad input."""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET

import pytest

from cnn_core.worked_examples import AUTODIFF_SIGMOID
from ui.i18n import translate
from ui.latex import fmt, fmt_latex

from .conftest import all_text, choice_markup, chosen, latex_lines, no_exception, open_page, pick_in_menu
from .conftest import pick_tab, tab_labels
from .math_boxes import math_box_formulas, math_box_texts
from .metric_rows import metric_rows
from .plain_tables import plain_tables




def metrics(at) -> dict:
    """f and its gradient as the page shows them: one row of named numbers (``ui.metric_row``, #14 round 13), not
    st.metric columns (~216 React components that every pass of the page re-renders)."""
    assert not at.metric, "st.metric in columns: the page draws one row of named numbers"
    (row,) = metric_rows(at)
    return row


def graphs(at) -> list[ET.Element]:
    """The computational graph drawings on the page: inline SVGs (``ui.autodiff_graph``) parsed as XML, drawn by
    the SVG box component (``ui.components.svg_box``: not Markdown, #14)."""
    assert not [el for el in at.markdown if 'class="ag-graph"' in el.value], "the graph is not Markdown any more"
    boxes = [json.loads(el.proto.json) for el in at.main.get("bidi_component") if el.key == "autodiff.graph"]
    return [ET.fromstring(markup) for markup in boxes if 'class="ag-graph"' in markup]


def graph(at) -> ET.Element:
    (drawing,) = graphs(at)
    return drawing


def _of_class(drawing: ET.Element, cls: str) -> list[ET.Element]:
    return [el for el in drawing.iter() if el.get("class") == cls]


def edge_values(drawing: ET.Element) -> list[str]:
    """The red forward values beside the edges, in the edges' order."""
    return [el.text for el in _of_class(drawing, "ag-value")]


def table(at, column: str):
    """The table with ``column``: plain HTML tables (``ui.plain_table``), not ``st.table`` (#14: its cells are
    Markdown, a parse each in the browser)."""
    assert not at.table, "st.table renders every cell as Markdown: the page draws plain HTML tables"
    for df in plain_tables(at):
        if column in df.columns:
            return df
    raise AssertionError(f"no table with column {column!r}")


TABS = ("chain", "forward", "reverse", "check", "seed")


def open_tab(at, which: str, lang: str = "en"):
    """Select one of the page's lazily rendered tabs (only the open one is computed and sent)."""
    return pick_tab(at, "autodiff", "section", which, translate(lang, f"autodiff.tab_{which}"))


def sigmoid(v: float) -> float:
    return 1.0 / (1.0 + math.exp(-v))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_renders_in_both_languages(lang):
    at = open_page("autodiff", lang)
    no_exception(at)
    assert at.title[0].value == translate(lang, "autodiff.title")
    drawing = graph(at)
    assert drawing[0].text == translate(lang, "autodiff.graph_title")
    assert drawing[1].tag == "svg"
    assert len(at.get("plotly_chart")) == 0                  # no Plotly on this page (#14)
    assert tab_labels(at, "autodiff", "section") == [translate(lang, f"autodiff.tab_{which}") for which in TABS]
    text = all_text(at)
    for which in TABS[1:]:
        open_tab(at, which, lang)
        no_exception(at)
        assert not at.error and not at.warning
        assert len(graphs(at)) == 1 and len(at.get("plotly_chart")) == 0    # the graph only
        text += "\n" + all_text(at)
        if which == "forward":                      # the leaf's menu (a component: its label is in its markup)
            text += "\n" + choice_markup(at, "autodiff.wrt")
    for key in ("autodiff.x_label", "autodiff.w_label", "autodiff.b_label", "autodiff.wrt_label",
                "autodiff.graph_section", "autodiff.chain_section", "autodiff.check_section",
                "autodiff.seed_section", "autodiff.graph_caption"):
        assert translate(lang, key) in text, key
    assert not at.error and not at.warning


def test_seed_point_reproduces_the_printed_chain_and_result():
    at = open_page("autodiff", "en")
    printed = AUTODIFF_SIGMOID.printed
    chain = r" \times ".join(fmt_latex(v) for v in printed["chain"])
    assert chain == r"1 \times (-0.25) \times 1 \times 1 \times (-1) \times 1 \times 1"
    w_line = next(f for f in math_box_formulas(at, "autodiff.") if r"\frac{\partial f}{\partial w} &=" in f)
    assert f"&= {chain} \\\\ &= {fmt_latex(printed['df_dw'])}" in w_line
    # ∂f/∂b: the same path without the last factor
    b_line = next(f for f in math_box_formulas(at, "autodiff.") if r"\frac{\partial f}{\partial b} &=" in f)
    assert r"&= 1 \times (-0.25) \times 1 \times 1 \times (-1) \times 1 \\ &= 0.25" in b_line
    assert metrics(at) == {"f": "0.5", "∂f/∂x": "0", "∂f/∂w": "0.25", "∂f/∂b": "0.25"}
    # ∂f/∂x sits in a lazy expander: sent only once it is opened
    assert not any(r"\frac{\partial f}{\partial x} &=" in f for f in math_box_formulas(at, "autodiff."))
    at.session_state["autodiff.chain_x"] = True
    at.run()
    x_line = next(f for f in math_box_formulas(at, "autodiff.") if r"\frac{\partial f}{\partial x} &=" in f)
    assert x_line.rstrip().endswith(r"\\ &= 0 \end{aligned}"), x_line     # ∂f/∂x = w σ'(0) = 0
    open_tab(at, "seed")
    seed = table(at, translate("en", "autodiff.col_printed"))
    assert list(seed[translate("en", "autodiff.col_status")]) == [translate("en", "autodiff.reproduced")] * 8
    assert list(seed[translate("en", "autodiff.col_printed")]) == [fmt(v) for v in (*printed["chain"], 0.25)]


def test_graph_carries_the_forward_values_and_local_derivatives():
    # seed 004's figure at x=1, w=0, b=0: h1=0, h2=0, h3=0, h4=1, h5=2, h6=f=0.5
    at = open_page("autodiff", "en")
    drawing = graph(at)
    values = edge_values(drawing)
    # edges w→h1, x→h1, h1→h2, b→h2, h2→h3, h3→h4, h4→h5, h5→h6, h6→f carry the tail's value
    assert values == ["0", "1", "0", "0", "0", "0", "1", "2", "0.5"]
    edges = [(g.get("data-src"), g.get("data-dst")) for g in _of_class(drawing, "ag-edge")]
    assert edges == [("w", "h1"), ("x", "h1"), ("h1", "h2"), ("b", "h2"), ("h2", "h3"), ("h3", "h4"), ("h4", "h5"),
                     ("h5", "h6"), ("h6", "f")]
    locals_ = _of_class(drawing, "ag-local")
    assert all(el.get("fill") == "#1f77b4" for el in locals_)
    assert "-0.25" in [el.text for el in locals_] and "-1" in [el.text for el in locals_]   # −1/h5², ∂h3/∂h2
    nodes = _of_class(drawing, "ag-node")
    assert len(nodes) == 10 and any("h₆" in "".join(n.itertext()) for n in nodes)
    # hovering shows what a node computes and what an edge carries
    hovers = {n.get("data-name"): n.find("title").text for n in nodes}
    assert hovers["h6"] == "h₆ = 1 / h₅ = 0.5" and hovers["x"] == "x = 1"
    edge_hover = _of_class(drawing, "ag-edge")[7].find("title").text
    assert edge_hover == translate("en", "autodiff.edge_hover", src="h₅", dst="h₆", value="2", local="-0.25",
                                   frac="∂h₆/∂h₅")


def test_forward_and_reverse_tables():
    at = open_page("autodiff", "en")
    open_tab(at, "forward")
    fwd = table(at, "∂node/∂w")
    assert list(fwd["∂node/∂w"]) == ["0", "1", "0", "1", "1", "-1", "-1", "-1", "0.25"]
    h3 = fwd[fwd[translate("en", "autodiff.col_node")] == "h₃"].iloc[0]
    assert h3[translate("en", "autodiff.col_numbers")] == "(-1) × 1"          # seed (3.4): −1 × 1
    open_tab(at, "reverse")
    rev = table(at, translate("en", "autodiff.col_adjoint"))
    assert list(rev[translate("en", "autodiff.col_adjoint")])[:3] == ["1", "-0.25", "-0.25"]   # seed (3.5)
    open_tab(at, "forward")
    pick_in_menu(at, "autodiff.wrt", "b")                                # reruns the fragment only
    no_exception(at)
    assert list(table(at, "∂node/∂b")["∂node/∂b"])[-1] == "0.25"
    assert translate("en", "autodiff.forward_caption", wrt="b", result="0.25") in [c.value for c in at.caption]
    assert at.query_params["wrt"] in ("b", ["b"])
    open_tab(at, "reverse")                                              # the choice survives the closed tab
    assert at.query_params["wrt"] in ("b", ["b"])
    at.number_input(key="autodiff.w").set_value(0.5).run()
    assert at.query_params["wrt"] in ("b", ["b"])
    at.number_input(key="autodiff.w").set_value(0.0).run()
    open_tab(at, "forward")
    assert chosen(at, "autodiff.wrt")[0] == "b"                         # shown again in the menu


def test_editing_w_changes_the_numbers_to_the_closed_form():
    at = open_page("autodiff", "en")
    at.number_input(key="autodiff.w").set_value(1.0).run()
    no_exception(at)
    s = sigmoid(1.0)                                        # f = σ(w x + b), ∂f/∂w = σ(1 − σ) x
    m = metrics(at)
    assert m["f"] == fmt(s) == "0.7311"
    assert m["∂f/∂w"] == fmt(s * (1 - s)) == "0.1966"
    assert edge_values(graph(at))[-1] == "0.7311"
    open_tab(at, "check")
    check = table(at, translate("en", "autodiff.col_rel"))
    assert all(float(v) < 1e-7 for v in check[translate("en", "autodiff.col_rel")])
    # the seed's table does not move with the inputs
    open_tab(at, "seed")
    seed = table(at, translate("en", "autodiff.col_printed"))
    assert list(seed[translate("en", "autodiff.col_computed")])[-1] == "0.25"


def test_url_point():
    at = open_page("autodiff", "en", query={"x": "2", "w": "0.5", "b": "-1"})
    no_exception(at)
    assert not at.warning
    # w x + b = 0: f = 1/2, ∂f/∂w = x/4 = 0.5, ∂f/∂b = 1/4, ∂f/∂x = w/4 = 0.125
    assert metrics(at) == {"f": "0.5", "∂f/∂x": "0.125", "∂f/∂w": "0.5", "∂f/∂b": "0.25"}


def test_overflowing_point_gets_a_translated_message():
    at = open_page("autodiff", "zh", query={"x": "20", "w": "-20", "b": "-20"})
    no_exception(at)
    assert [e.value for e in at.error] == [translate("zh", "autodiff.overflow", node="h₆")]
    assert translate("zh", "autodiff.overflow_hint") in [c.value for c in at.caption]
    assert not graphs(at)
    assert translate("zh", "autodiff.needs_point") in [i.value for i in at.info]
    open_tab(at, "seed", "zh")
    assert translate("zh", "autodiff.seed_section") in [s.value for s in at.subheader]   # still there


@pytest.mark.parametrize("query", [{"x": "abc"}, {"w": "999"}, {"b": "nan"}, {"x": "<b>1</b>"},
                                   {"wrt": "<script>alert(1)</script>"}, {"w": "1e309"}])
def test_bad_url_values_warn_and_use_the_default(query):
    at = open_page("autodiff", "en", query=query)
    no_exception(at)
    assert len(at.warning) == 1
    assert "<script>" not in at.warning[0].value and "<b>" not in at.warning[0].value
    assert (at.number_input(key="autodiff.x").value, at.number_input(key="autodiff.w").value,
            at.number_input(key="autodiff.b").value) == (1.0, 0.0, 0.0)
    assert metrics(at)["∂f/∂w"] == "0.25"
    open_tab(at, "forward")
    assert chosen(at, "autodiff.wrt")[0] == "w"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_values_typed_beyond_the_range_say_what_is_used(lang):
    at = open_page("autodiff", lang)
    at.number_input(key="autodiff.x").set_value(-1e9).run()
    no_exception(at)
    assert [el.value for el in at.warning] == [translate(lang, "autodiff.clamped", name="x", typed=fmt(-1e9),
                                                         used="-20", bound="20")]
    assert at.number_input(key="autodiff.x").value == -20
    # w = 0, b = 0: f = σ(0) = 1/2 whatever x, and ∂f/∂w = σ'(0)·x = x/4 = −5 at the x used
    assert metrics(at)["∂f/∂w"] == "-5"
    at.number_input(key="autodiff.w").set_value(500.0).run()
    assert translate(lang, "autodiff.clamped", name="w", typed="500", used="20", bound="20") in \
        [el.value for el in at.warning]
    assert at.number_input(key="autodiff.w").value == 20
    assert at.query_params["w"] in ("20", ["20"])
    at.number_input(key="autodiff.x").set_value(1.0).run()                  # a value inside: its note goes
    assert [el.value for el in at.warning] == [translate(lang, "autodiff.clamped", name="w", typed="500",
                                                         used="20", bound="20")]
    # reset: the text's point, no notes
    at.button(key="autodiff.reset").click().run()
    assert not at.warning
    assert metrics(at) == {"f": "0.5", "∂f/∂x": "0", "∂f/∂w": "0.25", "∂f/∂b": "0.25"}


def test_edge_labels_sit_beside_their_edges():
    """Every value and local-derivative label is off its edge, on opposite sides (the diagonal edges too)."""
    drawing = graph(open_page("autodiff", "en"))
    edges = _of_class(drawing, "ag-edge")
    assert len(edges) == 9

    def side(text, line):
        x0, y0, x1, y1 = (float(line.get(k)) for k in ("x1", "y1", "x2", "y2"))
        px, py = float(text.get("x")), float(text.get("y"))
        cross = (x1 - x0) * (py - y0) - (y1 - y0) * (px - x0)
        return cross / math.hypot(x1 - x0, y1 - y0)          # signed distance in px

    diagonal = []
    for k, edge in enumerate(edges):
        line = edge.find("line")
        value = [el for el in edge if el.get("class") == "ag-value"][0]
        v = side(value, line)
        assert abs(v) >= 8, (k, v)
        local = [el for el in edge if el.get("class") == "ag-local"]
        if local:
            loc = side(local[0], line)
            assert abs(loc) >= 8 and v * loc < 0, (k, v, loc)
        if abs(float(line.get("y1")) - float(line.get("y2"))) > 1e-6:
            diagonal.append(value)
    assert len(diagonal) == 3                                               # x→h₁, w→h₁, b→h₂
    # a diagonal edge's value grows away from the edge, not centred over it
    assert all((v.get("text-anchor"), v.get("dominant-baseline")) != ("middle", "auto") for v in diagonal)


def test_digits_follow_the_readers_choice_in_the_graph():
    at = open_page("autodiff", "en", query={"w": "1", "digits": "2"})
    assert edge_values(graph(at))[-1] == "0.73"
    at = open_page("autodiff", "en", query={"w": "1", "digits": "6"})
    assert edge_values(graph(at))[-1] == "0.731059"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_open_tab_in_the_link_and_the_library_code(lang):
    at = open_page("autodiff", lang, query={"tab": "reverse", "x": "2"})
    no_exception(at)
    assert table(at, translate(lang, "autodiff.col_adjoint")) is not None
    open_tab(at, "check", lang)
    assert at.query_params["tab"] in ("check", ["check"])
    at.session_state["autodiff.code_open"] = True   # the library code panel is built only while open
    at.run()
    code = "\n".join(el.value for el in at.code)
    assert "x = torch.tensor(2" in code and "f = torch.sigmoid(w * x + b)" in code
    assert not at.dataframe                                                 # static tables, no English toolbar
    open_tab(at, "seed", lang)
    assert translate(lang, "claims.s004_modes_title") in all_text(at)


def test_open_expander_is_kept_in_the_link():
    at = open_page("autodiff", "en", query={"chain_x": "1"})
    no_exception(at)
    assert not at.warning
    assert any(r"\frac{\partial f}{\partial x}" in f for f in math_box_formulas(at, "autodiff."))
    at.session_state["autodiff.chain_x"] = False
    at.run()
    assert "chain_x" not in at.query_params


@pytest.mark.parametrize("digits", [2, 4, 6])
def test_chain_products_multiply_out_as_written(digits):
    """Re-multiply the local derivatives the screen writes: '=' exactly when they give the written ∂f/∂θ."""
    import re

    from ..ui.formula_numbers import _number, total

    at = open_page("autodiff", "en", query={"digits": str(digits), "x": "1.3", "w": "0.7", "b": "-0.2"})
    no_exception(at)
    lines = [f for f in math_box_formulas(at, "autodiff.") if r"\frac{\partial f}{\partial w} &=" in f or
             r"\frac{\partial f}{\partial b} &=" in f]
    assert len(lines) == 2
    for line in lines:
        body = line.strip().strip("$").strip().removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}")
        steps = [s.strip() for s in re.split(r"\\\\ (?=&(?:=|\\approx))", body)]
        relation, written = steps[-1].split(" ", 1)
        same = fmt(total(steps[1].removeprefix("&= ")), digits) == fmt(_number(written), digits)
        assert same == (relation == "&="), line


def test_export_panel_carries_the_point():
    at = open_page("autodiff", "en", query={"x": "2", "w": "0.5"})
    assert [exp.label for exp in at.expander].count(translate("en", "owndata.export_title")) == 1
    assert not at.get("download_button")                         # closed: drawn (and built) only when opened
    at.session_state["autodiff.export_open"] = True
    at.run()
    downloads = at.get("download_button")
    assert len(downloads) == 2                                   # Markdown worked example + JSON setup
    assert translate("en", "owndata.export_title") in [exp.label for exp in at.expander]
    assert any("?x=2&w=0.5" in el.value for el in at.code)       # the link of this setup


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_chain_formulas_are_mathml_with_the_latex_numbers(lang):
    """#14 round 8: f's definition and the chain tab's formulas (∂f/∂w, ∂f/∂b, and ∂f/∂x once its expander is open)
    are MathML made in Python in math boxes, not KaTeX typeset on every point change; the MathML writes the LaTeX's numbers."""
    import re

    from ui.formulas.mathml import latex_numbers, mathml_numbers

    from .math_boxes import math_box_markups

    at = open_page("autodiff", lang, query={"x": "1.3", "w": "0.7", "b": "-0.2", "chain_x": "1"})
    no_exception(at)
    assert not latex_lines(at)                                               # nothing left to KaTeX
    lines = [line for markup in math_box_markups(at, "autodiff.")
             for line in re.findall(r'<div class="math-line".*?(?=<div class="math-line"|$)', markup, re.S)]
    sources = math_box_formulas(at, "autodiff.")
    assert len(lines) == len(sources) == 4                                  # f's definition and the three chains
    assert sum(r"\partial f" in source for source in sources) == 3
    for line, source in zip(lines, sources):
        assert "<math" in line
        assert mathml_numbers(line) == latex_numbers(source), source


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_leaf_menu_shows_the_links_choice_and_refuses_a_made_up_one(lang):
    """The forward-mode leaf is a choice menu (ui.components.choice_menu, #14 round 12): x, w, b under its label and
    help in the reader's language, the link's leaf marked; a value the menu did not offer changes nothing."""
    at = open_page("autodiff", lang, query={"wrt": "x", "tab": "forward"})
    no_exception(at)
    assert chosen(at, "autodiff.wrt") == ("x", [("x", "x"), ("w", "w"), ("b", "b")])
    markup = choice_markup(at, "autodiff.wrt")
    assert f"<span>{translate(lang, 'autodiff.wrt_label')}</span>" in markup
    assert f'title="{translate(lang, "autodiff.wrt_help")}"' in markup
    assert not at.selectbox
    for sent in ("y", "X", "<b>w</b>", "", 1, None):
        pick_in_menu(at, "autodiff.wrt", sent)
        no_exception(at)
        assert at.session_state["autodiff.wrt"] == "x", sent
    at.run()
    assert chosen(at, "autodiff.wrt")[0] == "x" and at.query_params["wrt"] in ("x", ["x"])
    column = translate(lang, "autodiff.col_forward", wrt="x")
    assert list(table(at, column)[column])[-1] == "0"                  # the link's leaf: ∂f/∂x = w σ' = 0 at w = 0


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_chain_tab_is_its_heading_and_one_math_box(lang):
    """#14 round 13: the sentence before the chain products is in their math box, not a Markdown element of its own
    (~23 React components that every pass of the page re-renders)."""
    at = open_page("autodiff", lang)
    no_exception(at)
    assert [el.value for el in at.subheader] == [translate(lang, f"autodiff.{name}")
                                                 for name in ("graph_section", "chain_section")]
    assert math_box_texts(at, "autodiff.chain_math")[0] == translate(lang, "autodiff.chain_text")
    assert not [el for el in at.markdown if el.value == translate(lang, "autodiff.chain_text")]
