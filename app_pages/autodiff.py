"""Computational graph and automatic differentiation (Feedforward networks, "三. 自动微分").

f(x; w, b) = 1 / (exp(−(w x + b)) + 1) as the graph h₁ … h₆, its forward-mode and reverse-mode
tables, the chain product of eq. (3.3) and a finite-difference check. Thin page: every number
comes from cnn_core.autodiff / cnn_core.gradcheck; the page only arranges and draws them.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from cnn_core.autodiff import chain_paths, forward_mode, reverse_mode, sigmoid_graph
from cnn_core.gradcheck import check_gradient, relative_error
from cnn_core.worked_examples import AUTODIFF_SIGMOID
from ui.claims_view import claim_note
from ui.export import CHART_CONFIG, ExportDoc, export_panel
from ui.formulas.autodiff import chain_rule, clamp, frac, forward_row, label_offsets, pretty, reverse_row
from ui.i18n import current_language, explain_error, t, translate
from ui.latex import display_digits, fmt
from ui.library_code import sigmoid_neuron_code
from ui.page_kit import (clamp_on_change, clamped, figure_cache, lazy_code_panel, lazy_expander, show_chart,
                         url_fragment, url_tabs)
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

# How each op is written (presentation only): plain text and LaTeX, {0}/{1} = inputs, {c} = constant.
OP_TEXT = {"mul": "{0} · {1}", "add": "{0} + {1}", "sub": "{0} − {1}", "neg": "−{0}", "exp": "exp({0})",
           "log": "ln {0}", "add_const": "{0} + {c}", "mul_const": "{c} · {0}", "reciprocal": "1 / {0}",
           "square": "{0}²"}
OP_SYMBOL = {"mul": "×", "add": "+", "sub": "−", "neg": "−(·)", "exp": "exp", "log": "ln", "add_const": "+{c}",
             "mul_const": "×{c}", "reciprocal": "1/(·)", "square": "(·)²"}
# Where each node sits in the drawing (seed 004's figure: leaves on the left, the chain to the right).
POSITIONS = {"x": (0.0, 1.1), "w": (0.0, -0.1), "h1": (1.3, 0.5), "b": (1.3, -0.7), "h2": (2.6, 0.5),
             "h3": (3.9, 0.5), "h4": (5.2, 0.5), "h5": (6.5, 0.5), "h6": (7.8, 0.5), "f": (9.0, 0.5)}
# Approximate pixels per axis unit at the page's width (for the arrows' gap to the node circles).
PX_PER_X, PX_PER_Y, ARROW_GAP = 125.0, 100.0, 27.0
# static CSS (no user data): the graph's box scrolls sideways instead of squeezing the nodes together
GRAPH_CSS = """<style>
.st-key-autodiff-graph-box { overflow-x: auto; }
.st-key-autodiff-graph-box > * { min-width: 720px; }
</style>"""
LABEL_GAP = 9.0   # px between an edge and its two labels (value on one side, local derivative on the other)


def op_text(node) -> str:
    return OP_TEXT[node.op].format(*(pretty(u) for u in node.inputs), c=fmt(node.constant or 0))


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

def graph_figure(x: float, w: float, b: float, lang: str, digits: int) -> go.Figure:
    """Nodes as labelled circles, edges as arrows; red = forward value, blue = local derivative.

    Keyed by the point (cheap to hash) rather than the Graph; cache_resource reuses the Figure itself.
    ``digits`` (the reader's choice) is part of the key: the labels are formatted text.
    """
    graph = sigmoid_graph(x, w, b)
    nodes = [n for n in graph.nodes]
    fig = go.Figure()
    hover_x, hover_y, hover_text = [], [], []
    # Edges, arrows and labels are traces, not layout annotations: annotations are redrawn one by one.
    values, locals_, arrow_x, arrow_y = [], [], [], []
    edges = [(u, n.name, graph.node(u).value, loc) for n in nodes for u, loc in zip(n.inputs, n.local)]
    edges.append((graph.output, "f", graph.value, None))
    for src, dst, value, local in edges:
        (x0, y0), (x1, y1) = POSITIONS[src], POSITIONS[dst]
        # the edge stops ARROW_GAP px short of both node centres; an arrow marker at its end
        dx, dy = (x1 - x0) * PX_PER_X, (y1 - y0) * PX_PER_Y
        cut = ARROW_GAP / (dx * dx + dy * dy) ** 0.5
        arrow_x += [x0 + (x1 - x0) * cut, x1 - (x1 - x0) * cut, None]
        arrow_y += [y0 + (y1 - y0) * cut, y1 - (y1 - y0) * cut, None]
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        # the labels sit beside the edge, not on it: value on the upper side, local derivative on the lower
        (vx, vy, vpos), (lx, ly, lpos) = label_offsets(dx, dy, LABEL_GAP)
        values.append((mx + vx / PX_PER_X, my + vy / PX_PER_Y, f"<b>{fmt(value)}</b>", vpos))
        if local is not None:
            locals_.append((mx + lx / PX_PER_X, my + ly / PX_PER_Y, fmt(local), lpos))
            hover_text.append(translate(lang, "autodiff.edge_hover", src=pretty(src), dst=pretty(dst),
                                        value=fmt(value), local=fmt(local), frac=frac(dst, src)))
        else:
            hover_text.append(f"f = {pretty(src)} = {fmt(value)}")
        hover_x.append(mx)
        hover_y.append(my)
    sizes = [0, 14, 0] * (len(arrow_x) // 3)
    fig.add_trace(go.Scatter(x=arrow_x, y=arrow_y, mode="lines+markers", line=dict(color="#555", width=1.6),
                             marker=dict(symbol="arrow", size=sizes, angleref="previous", color="#555"),
                             hoverinfo="skip", showlegend=False, name="arrows"))
    fig.add_trace(go.Scatter(x=hover_x, y=hover_y, mode="markers", marker=dict(size=18, opacity=0),
                             hovertext=hover_text, hoverinfo="text", showlegend=False, name="edges"))
    for name, labels, font in (("values", values, dict(color="#d62728", size=15)),
                               ("locals", locals_, dict(color="#1f77b4", size=13))):
        fig.add_trace(go.Scatter(x=[v[0] for v in labels], y=[v[1] for v in labels], text=[v[2] for v in labels],
                                 mode="text", textposition=[v[3] for v in labels], textfont=font, hoverinfo="skip",
                                 showlegend=False, name=name))
    labels, colors, xs, ys, hovers = [], [], [], [], []
    for n in nodes:
        xs.append(POSITIONS[n.name][0])
        ys.append(POSITIONS[n.name][1])
        if n.op == "leaf":
            labels.append(f"<b>{n.name}</b>")
            colors.append("#d9f0d3")
            hovers.append(f"{n.name} = {fmt(n.value)}")
        else:
            symbol = OP_SYMBOL[n.op].format(c=fmt(n.constant or 0))
            labels.append(f"<b>{pretty(n.name)}</b><br>{symbol}")
            colors.append("#dbe9f6")
            hovers.append(f"{pretty(n.name)} = {op_text(n)} = {fmt(n.value)}")
    xs.append(POSITIONS["f"][0])
    ys.append(POSITIONS["f"][1])
    labels.append("<b>f</b>")
    colors.append("#fde0c5")
    hovers.append(f"f = {fmt(graph.value)}")
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="markers+text", text=labels, textposition="middle center",
                             textfont=dict(size=14, color="#222"), hovertext=hovers, hoverinfo="text",
                             marker=dict(size=52, color=colors, line=dict(color="#555", width=1.5)),
                             showlegend=False, name="nodes"))
    fig.update_layout(
        title=dict(text=translate(lang, "autodiff.graph_title"), x=0.5, xanchor="center"),
        height=330, margin=dict(l=10, r=10, t=50, b=10),
        xaxis=dict(visible=False, range=[-0.5, 9.5]), yaxis=dict(visible=False, range=[-1.15, 1.55]),
        plot_bgcolor="rgba(0,0,0,0)", dragmode=False,
    )
    return fig


graph_figure = figure_cache(graph_figure, max_entries=64)


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

WRT_CHOICE = "autodiff._wrt_choice"


def _remember_wrt() -> None:
    st.session_state[WRT_CHOICE] = st.session_state[widget_key(PAGE, "wrt")]


def _restore_wrt() -> None:
    """While the forward-mode tab is closed its selectbox is not drawn, and Streamlit falls back to the
    value the URL set at the start: bring back the last choice (before the URL is written)."""
    state = st.session_state
    if WRT_CHOICE in state and state.get(widget_key(PAGE, "wrt")) != state[WRT_CHOICE]:
        state[widget_key(PAGE, "wrt")] = state[WRT_CHOICE]


@st.fragment
def _forward_mode_view(x: float, w: float, b: float, graph) -> None:
    """Forward mode w.r.t. one leaf: choosing another leaf reruns only this view."""
    wrt = st.selectbox(t("autodiff.wrt_label"), LEAVES, key=widget_key(PAGE, "wrt"), help=t("autodiff.wrt_help"),
                       on_change=_remember_wrt)
    sync_to_url(PAGE, SPECS)
    forward = _forward_mode(x, w, b, wrt)
    st.markdown(t("autodiff.forward_text", wrt=wrt))
    st.table(forward_table(graph, forward, wrt), hide_index=True)
    st.caption(t("autodiff.forward_caption", wrt=wrt, result=fmt(forward.result)))


@url_fragment(PAGE, SPECS)   # its controls (lazy expanders, tabs) rerun only this part
def _chain_tab() -> None:
    st.subheader(t("autodiff.chain_section"))
    st.markdown(t("autodiff.chain_text"))
    st.latex(chain_latex(_paths["w"], "w", _reverse))
    st.latex(chain_latex(_paths["b"], "b", _reverse))
    exp = lazy_expander(PAGE, "chain_x", t("autodiff.chain_x"))
    if exp is not None:
        exp.latex(chain_latex(_paths["x"], "x", _reverse))


@url_fragment(PAGE, SPECS)   # its controls (lazy expanders, tabs) rerun only this part
def _forward_tab() -> None:
    _forward_mode_view(float(x), float(w), float(b), _graph)


@url_fragment(PAGE, SPECS)   # its controls (lazy expanders, tabs) rerun only this part
def _reverse_tab() -> None:
    st.markdown(t("autodiff.reverse_text"))
    st.table(reverse_table(_graph, _reverse), hide_index=True)
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
    st.table(rows, hide_index=True)
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
    st.table(rows, hide_index=True)
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
st.latex(r"f(x; w, b) = \frac{1}{\exp(-(w x + b)) + 1}")

init_from_url(PAGE, SPECS)
_restore_wrt()
with st.container(border=True):
    top = st.columns([3, 1], vertical_alignment="bottom")
    top[0].markdown(f"**{t('autodiff.controls')}**")
    top[1].button(t("autodiff.reset"), key=widget_key(PAGE, "reset"), on_click=_reset, help=t("autodiff.reset_help"),
                  icon=":material/restart_alt:")
    # no min/max on the inputs: the browser would refuse a typed −1e9 silently; clamp_on_change says what is used
    values = {}
    for column, name in zip(st.columns(3), LEAVES):
        values[name] = column.number_input(t(f"autodiff.{name}_label"), step=0.5, key=widget_key(PAGE, name),
                                           on_change=clamp_on_change, args=(PAGE, name, -BOUND, BOUND),
                                           help=t("autodiff.bound_help", bound=fmt(BOUND)))
    for name, note in clamped(PAGE).items():
        st.warning(t("autodiff.clamped", name=name, typed=fmt(note.typed), used=fmt(note.used), bound=fmt(BOUND)))
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
    st.html(GRAPH_CSS)
    with st.container(key="autodiff-graph-box"):
        show_chart(graph_figure(float(x), float(w), float(b), lang, digits), PAGE, "graph", config=CHART_CONFIG)
    st.caption(t("autodiff.graph_caption"))
    grads = dict(_reverse.gradients)
    m_f, m_x, m_w, m_b = st.columns(4)
    m_f.metric("f", fmt(_graph.value))
    m_x.metric("∂f/∂x", fmt(grads["x"]))
    m_w.metric("∂f/∂w", fmt(grads["w"]))
    m_b.metric("∂f/∂b", fmt(grads["b"]))

# One topic per tab: only the open tab is computed and sent (the texts' tab needs no valid point).
TABS = {"chain": _chain_tab, "forward": _forward_tab, "reverse": _reverse_tab, "check": _check_tab,
        "seed": _seed_tab}
tabs = url_tabs(PAGE, "section", "tab", tuple(TABS), [t(f"autodiff.tab_{name}") for name in TABS])
for (name, render), tab in zip(TABS.items(), tabs):
    if tab.open is not False:
        with tab:
            if analysis is None and name != "seed":
                st.info(t("autodiff.needs_point"))
            else:
                render()
sync_to_url(PAGE, SPECS)

# ---- take it away: the worked example, the setup file, the same numbers in PyTorch / NumPy
if analysis is not None:
    export_panel(PAGE, SPECS, lambda: ExportDoc(t("autodiff.title")).step(
        t("autodiff.chain_section"), text=f"x = {fmt(x)}, w = {fmt(w)}, b = {fmt(b)}; f = {fmt(_graph.value)}",
        latex=[chain_latex(_paths[leaf], leaf, _reverse) for leaf in ("w", "b", "x")]))
    lazy_code_panel(PAGE, lambda: sigmoid_neuron_code(x, w, b))
