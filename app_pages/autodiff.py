"""Computational graph and automatic differentiation (Feedforward networks, "三. 自动微分").

f(x; w, b) = 1 / (exp(−(w x + b)) + 1) as the graph h₁ … h₆, its forward-mode and reverse-mode
tables, the chain product of eq. (3.3) and a finite-difference check. Thin page: every number
comes from cnn_core.autodiff / cnn_core.gradcheck; the page only arranges and draws them.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from cnn_core.autodiff import chain_paths, forward_mode, reverse_mode, sigmoid_graph
from cnn_core.gradcheck import check_gradient, relative_error
from cnn_core.worked_examples import AUTODIFF_SIGMOID
from ui.claims_view import claim_note
from ui.components.choice_menu import choice_menu
from ui.components.math_box import Text, math_box
from ui.components.svg_box import svg_box
from ui.autodiff_graph import graph_svg, op_text
from ui.export import ExportDoc, export_panel, setup_just_loaded
from ui.formulas.autodiff import chain_rule, clamp, frac, forward_row, pretty, reverse_row
from ui.i18n import current_language, explain_error, t, translator
from ui.latex import display_digits, fmt
from ui.library_code import sigmoid_neuron_code
from ui.metric_row import metric_row_html
from ui.page_kit import clamp_on_change, clamped, follow_open_panels, lazy_code_panel, lazy_expander, url_fragment, url_tabs
from ui.plain_table import table_html
from ui.url_state import BoolParam, ChoiceParam, FloatParam, init_from_url, sync_to_url, widget_key

PAGE = "autodiff"
LEAVES = ("x", "w", "b")
BOUND = 20.0
SPECS = (
    FloatParam("x", 1.0, -BOUND, BOUND),
    FloatParam("w", 0.0, -BOUND, BOUND),
    FloatParam("b", 0.0, -BOUND, BOUND),
    ChoiceParam("wrt", "w", LEAVES, label_key=widget_key(PAGE, "wrt_label")),
    ChoiceParam("tab", "chain", ("chain", "forward", "reverse", "check", "seed"), label_key=widget_key(PAGE, "tab_label")),
)
SPECS += (BoolParam("chain_x", False, label_key=widget_key(PAGE, "expander_label")),)   # the open expander
#: The text's point (Feedforward networks, 三. 自动微分): the reset button goes back to it.
TEXT_POINT = {name: float(AUTODIFF_SIGMOID.inputs[name]) for name in LEAVES}
#: Agreement needed to call a printed number "reproduced" (the text prints exact values here).
REPRODUCED_TOL = 1e-9

# --------------------------------------------------------------------------- core calls (cached)

@st.cache_data(show_spinner=False, max_entries=64)
def _analyse(x: float, w: float, b: float):
    graph = sigmoid_graph(x, w, b)
    return graph, reverse_mode(graph), {leaf: chain_paths(graph, leaf) for leaf in LEAVES}


@st.cache_data(show_spinner=False, max_entries=64)
def _forward_mode(x: float, w: float, b: float, wrt: str):
    return forward_mode(sigmoid_graph(x, w, b), wrt)


@st.cache_data(show_spinner=False, max_entries=64)
def _finite_differences(x: float, w: float, b: float, analytic: tuple[float, ...]):
    check = check_gradient(lambda v: sigmoid_graph(*(float(e) for e in v)).value, np.array([x, w, b]),
                           np.array(analytic))
    errors = tuple(relative_error([n], [a]) for n, a in zip(check.numeric, check.analytic))
    return check, errors


@st.cache_data(show_spinner=False, max_entries=1)
def _seed_check():
    inputs = AUTODIFF_SIGMOID.inputs
    graph = sigmoid_graph(inputs["x"], inputs["w"], inputs["b"])
    path = chain_paths(graph, "w")[0]
    printed = AUTODIFF_SIGMOID.printed
    factor_errors = tuple(relative_error([p], [f.value]) for p, f in zip(printed["chain"], path.factors))
    df_dw = reverse_mode(graph).gradient("w")
    return graph, path, factor_errors, df_dw, relative_error([printed["df_dw"]], [df_dw]), forward_mode(graph, "w"), \
        reverse_mode(graph)


# --------------------------------------------------------------------------- the drawing

@st.cache_data(show_spinner=False, max_entries=64)
def graph_html(x: float, w: float, b: float, lang: str, digits: int) -> str:
    """The graph as an inline SVG (``ui.autodiff_graph``, no Plotly chart: #14). Keyed by the point, the
    language and the reader's digits (the labels are formatted text)."""
    return graph_svg(sigmoid_graph(x, w, b), translator(lang))


# --------------------------------------------------------------------------- tables (layout only)

def forward_table(graph, table, wrt: str) -> dict:
    cols = [t("autodiff.col_node"), t("autodiff.col_op"), t("autodiff.col_value"), t("autodiff.col_chain"),
            t("autodiff.col_numbers"), t("autodiff.col_forward", wrt=wrt)]
    rows = {c: [] for c in cols}
    for r in table.rows:
        node = graph.node(r.name)
        if r.op == "leaf":
            chain, numbers = t("autodiff.leaf_seed", leaf=r.name, wrt=wrt), "—"
        else:
            chain, numbers = forward_row(r, wrt)
        for c, v in zip(cols, (pretty(r.name), t("autodiff.leaf") if r.op == "leaf" else op_text(node),
                               fmt(r.value), chain, numbers, fmt(r.derivative))):
            rows[c].append(v)
    return rows


def reverse_table(graph, table) -> dict:
    cols = [t("autodiff.col_node"), t("autodiff.col_op"), t("autodiff.col_value"), t("autodiff.col_chain"),
            t("autodiff.col_numbers"), t("autodiff.col_adjoint")]
    rows = {c: [] for c in cols}
    for r in table.rows:
        node = graph.node(r.name)
        if not r.terms:
            chain, numbers = t("autodiff.output_seed"), "—"
        else:
            chain, numbers = reverse_row(r)
        for c, v in zip(cols, (pretty(r.name), t("autodiff.leaf") if r.op == "leaf" else op_text(node),
                               fmt(r.value), chain, numbers, fmt(r.adjoint))):
            rows[c].append(v)
    return rows


def chain_latex(paths, leaf: str, reverse) -> str:
    # one path: its product (eq. 3.3); several: their sum, which is the reverse-mode gradient
    total = paths[0].product if len(paths) == 1 else reverse.gradient(leaf)
    return chain_rule(paths, leaf, total).latex()


# --------------------------------------------------------------------------- views

@st.fragment
def _forward_mode_view(x: float, w: float, b: float, graph) -> None:
    """Forward mode w.r.t. one leaf: choosing another leaf reruns only this view. The leaf is a choice menu, the
    browser's own ``<select>`` (``ui.components.choice_menu``, #14 round 12: a Streamlit select is ~140 React
    components that every pass of the page re-renders). Its choice is plain session state under "autodiff.wrt"
    (what the link reads and writes), so it stays while the tab is closed and the menu is not drawn."""
    wrt = choice_menu(t("autodiff.wrt_label"), [(leaf, leaf) for leaf in LEAVES], widget_key(PAGE, "wrt"),
                      help=t("autodiff.wrt_help"))
    sync_to_url(PAGE, SPECS)
    forward = _forward_mode(x, w, b, wrt)
    st.markdown(t("autodiff.forward_text", wrt=wrt))
    st.html(table_html(forward_table(graph, forward, wrt)))
    st.caption(t("autodiff.forward_caption", wrt=wrt, result=fmt(forward.result)))


@url_fragment(PAGE, SPECS)   # its controls (lazy expanders, tabs) rerun only this part
def _chain_tab() -> None:
    st.subheader(t("autodiff.chain_section"))
    # MathML in one math box, not two KaTeX blocks typeset on every point change (#14 round 8); the sentence before
    # the formulas in the same box (round 13: a Markdown element is ~23 React components every pass re-renders)
    math_box([Text(t("autodiff.chain_text"))] + [chain_latex(_paths[leaf], leaf, _reverse) for leaf in ("w", "b")],
             widget_key(PAGE, "chain_math"))
    exp = lazy_expander(PAGE, "chain_x", t("autodiff.chain_x"))
    if exp is not None:
        with exp:
            math_box([chain_latex(_paths["x"], "x", _reverse)], widget_key(PAGE, "chain_x_math"))


@url_fragment(PAGE, SPECS)   # its controls (lazy expanders, tabs) rerun only this part
def _forward_tab() -> None:
    _forward_mode_view(float(x), float(w), float(b), _graph)


@url_fragment(PAGE, SPECS)   # its controls (lazy expanders, tabs) rerun only this part
def _reverse_tab() -> None:
    st.markdown(t("autodiff.reverse_text"))
    st.html(table_html(reverse_table(_graph, _reverse)))
    st.caption(t("autodiff.reverse_caption"))


@url_fragment(PAGE, SPECS)   # its controls (lazy expanders, tabs) rerun only this part
def _check_tab() -> None:
    st.subheader(t("autodiff.check_section"))
    st.markdown(t("autodiff.check_text"))
    try:
        check, errors = _finite_differences(float(x), float(w), float(b), tuple(grads[leaf] for leaf in LEAVES))
    except ValueError as err:
        st.error(explain_error(err))
        return
    cols = [t("autodiff.col_param"), t("autodiff.col_reverse"), t("autodiff.col_numeric"), t("autodiff.col_rel")]
    rows = {c: [] for c in cols}
    for i, leaf in enumerate(LEAVES):
        for c, v in zip(cols, (f"∂f/∂{leaf}", fmt(check.analytic[i], 8), fmt(check.numeric[i], 8),
                               fmt(errors[i], 2))):
            rows[c].append(v)
    st.html(table_html(rows))
    st.caption(t("autodiff.check_caption"))


def _seed_tab() -> None:
    # The text's own numbers, always at its point x = 1, w = 0, b = 0 (independent of the inputs above).
    st.subheader(t("autodiff.seed_section"))
    s_graph, s_path, s_errors, s_df_dw, s_err, s_forward, s_reverse = _seed_check()
    st.markdown(t("autodiff.seed_text"))
    ok, bad = t("autodiff.reproduced"), t("autodiff.differs")
    cols = [t("autodiff.col_factor"), t("autodiff.col_printed"), t("autodiff.col_computed"),
            t("autodiff.col_status")]
    rows = {c: [] for c in cols}
    for fc, printed, err in zip(s_path.factors, AUTODIFF_SIGMOID.printed["chain"], s_errors):
        for c, v in zip(cols, (frac(fc.numerator, fc.denominator), fmt(printed), fmt(fc.value),
                               ok if err <= REPRODUCED_TOL else bad)):
            rows[c].append(v)
    for c, v in zip(cols, ("∂f/∂w", fmt(AUTODIFF_SIGMOID.printed["df_dw"]), fmt(s_df_dw),
                           ok if s_err <= REPRODUCED_TOL else bad)):
        rows[c].append(v)
    st.html(table_html(rows))
    claim_note("s004_autodiff")
    claim_note("s004_modes")


# --------------------------------------------------------------------------- controls

def _reset() -> None:
    for name, value in TEXT_POINT.items():
        st.session_state[widget_key(PAGE, name)] = value
    clamped(PAGE).clear()


def _point_error(err) -> str:
    """A node that overflowed, said with the graph's names (not the core's wording)."""
    if getattr(err, "code", None) == "not_finite":
        return t("autodiff.overflow", node=pretty(str(err.params.get("name", "f"))))
    return explain_error(err)


# --------------------------------------------------------------------------- page

lang = current_language()
digits = display_digits()
st.title(t("autodiff.title"))
st.markdown(t("autodiff.intro"))
math_box([r"f(x; w, b) = \frac{1}{\exp(-(w x + b)) + 1}"], widget_key(PAGE, "f_math"))   # MathML, as below

init_from_url(PAGE, SPECS)

# One topic per tab: only the open tab is computed and sent (the texts' tab needs no valid point).
TABS = {"chain": _chain_tab, "forward": _forward_tab, "reverse": _reverse_tab, "check": _check_tab,
        "seed": _seed_tab}


@url_fragment(PAGE, SPECS)
def _sections() -> None:
    """The tab bar and the open tab, a part of its own (#14): switching tabs reruns and sends only this part,
    not the title, the inputs, the graph and the panels below. A change of the point still reruns the point's
    part, and this part with it, on the new numbers (they are the run's globals)."""
    tabs = url_tabs(PAGE, "section", "tab", tuple(TABS), [t(f"autodiff.tab_{name}") for name in TABS])
    follow_open_panels(PAGE, ("tab",))   # the export panel below writes the open tab into its link and file
    for (name, render), tab in zip(TABS.items(), tabs):
        if tab.open is not False:
            with tab:
                if analysis is None and name != "seed":
                    st.info(t("autodiff.needs_point"))
                else:
                    render()


@url_fragment(PAGE, SPECS)   # opening or closing the code panel reruns and sends only this part (#14)
def _code_part() -> None:
    lazy_code_panel(PAGE, lambda: sigmoid_neuron_code(x, w, b))


@url_fragment(PAGE, SPECS)   # opening or closing the export panel reruns and sends only this part (#14)
def _export_part() -> None:
    """The export panel, a part of its own: opening it used to rerun the point's part (inputs, graph, metrics,
    tabs), the browser redrawing all of it (#14 round 10: 1.6x the bare page's slider). It reads the point's
    numbers from the run's globals, which a change of the point (a rerun of the point's part) sets again."""
    if setup_just_loaded(PAGE):   # a loaded setup file changed the inputs: the whole page again
        st.rerun()
    export_panel(PAGE, SPECS, lambda: ExportDoc(t("autodiff.title")).step(
        t("autodiff.chain_section"), text=f"x = {fmt(x)}, w = {fmt(w)}, b = {fmt(b)}; f = {fmt(_graph.value)}",
        latex=[chain_latex(_paths[leaf], leaf, _reverse) for leaf in ("w", "b", "x")]))


@url_fragment(PAGE, SPECS)
def _point_part() -> None:
    """Everything that depends on the point (#14): the inputs, the graph, the numbers, the tabs and the panels. A
    change of x, w or b reruns and sends only this part, not the title, the introduction and f's formula above.
    Its results are the run's globals: the tabs (parts of their own) read them when they rerun alone."""
    global x, w, b, analysis, _graph, _reverse, _paths, grads
    with st.container(border=True):
        top = st.columns([3, 1], vertical_alignment="bottom")
        top[0].markdown(f"**{t('autodiff.controls')}**")
        top[1].button(t("autodiff.reset"), key=widget_key(PAGE, "reset"), on_click=_reset,
                      help=t("autodiff.reset_help"), icon=":material/restart_alt:")
        # no min/max on the inputs: the browser would refuse a typed −1e9 silently; clamp_on_change says what is used
        values = {}
        for column, name in zip(st.columns(3), LEAVES):
            values[name] = column.number_input(t(f"autodiff.{name}_label"), step=0.5, key=widget_key(PAGE, name),
                                               on_change=clamp_on_change, args=(PAGE, name, -BOUND, BOUND),
                                               help=t("autodiff.bound_help", bound=fmt(BOUND)))
        for name, note in clamped(PAGE).items():
            st.warning(t("autodiff.clamped", name=name, typed=fmt(note.typed), used=fmt(note.used),
                         bound=fmt(BOUND)))
    # a value that reached the state another way (a test, an old session) is brought inside the range too
    x, w, b = (clamp(float(values[name]), BOUND) for name in LEAVES)
    sync_to_url(PAGE, SPECS)

    analysis = None
    try:
        analysis = _analyse(float(x), float(w), float(b))
    except ValueError as err:  # CoreValueError: a node overflowed for these inputs
        st.error(_point_error(err))
        st.caption(t("autodiff.overflow_hint"))

    if analysis is not None:
        _graph, _reverse, _paths = analysis
        st.subheader(t("autodiff.graph_section"))
        # ten nodes need ~700 px: on a narrower screen (a phone) the graph keeps its size and scrolls sideways
        with st.container(key="autodiff-graph-box"):
            # a tiny component, not markdown (parsed in JavaScript, a React element per SVG node) nor st.html (its
            # sanitiser drops SVG): the browser parses it natively (#14). Our own markup: numbers and labels, escaped
            svg_box(graph_html(float(x), float(w), float(b), lang, digits), key=widget_key(PAGE, "graph"))
        st.caption(t("autodiff.graph_caption"))
        grads = dict(_reverse.gradients)
        # f and its gradient as one element (ui.metric_row, #14 round 13): four st.metric columns were ~216 React
        # components that every pass of the page re-renders, on every change of the point and every tab switch
        st.html(metric_row_html([("f", fmt(_graph.value))] + [(f"∂f/∂{leaf}", fmt(grads[leaf])) for leaf in LEAVES]))

    _sections()
    sync_to_url(PAGE, SPECS)

    # ---- take it away: the worked example, the setup file, the same numbers in PyTorch / NumPy
    if analysis is not None:
        _export_part()
        _code_part()


_point_part()
