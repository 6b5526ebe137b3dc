"""Convolution (one channel): seed 003's 4×4 input and 2×2 kernel, every output cell written out.

Widgets and URL in -> cnn_core (conv2d_trace, rot180, activate) -> ui renderers out.
Every number on screen comes from a ConvTrace or from ``activate``; this script only
picks, labels and lays them out. The output cells are explained by the browser-side cell
stepper (``ui.components``): every cell's window and formula is sent once, and choosing a
cell never reruns this script.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from cnn_core.activations import ACTIVATIONS, activate
from cnn_core.conv import conv2d_trace, rot180
from cnn_core.worked_examples import CONV_4X4
from ui.components.cell_stepper import cell_stepper
from ui.components.conv_steppers import single_channel_compare, single_channel_steps
from ui.formulas.conv_forward import Sym, flipped_kernel_index, single_net_equation, to_text
from ui.heatmap import channels_heatmap, matrix_heatmap
from ui.i18n import current_language, explain_error, t, translate
from ui.latex import fmt, subscript_unicode
from ui.matrix_input import matrix_editor
from ui.url_state import ChoiceParam, IntParam, MatrixParam, init_from_url, sync_to_url

PAGE = "conv_single"
DEFAULT_INPUT = np.array(CONV_4X4.inputs["x"][0, 0])
DEFAULT_KERNEL = np.array(CONV_4X4.inputs["w"][0, 0])
FROM_TEXT = tuple(CONV_4X4.inputs["from_text"])  # input cells the text prints (0-based)
MAX_INPUT, MAX_KERNEL, MAX_CELLS = 12, 6, 144

SPECS = (
    MatrixParam("input", DEFAULT_INPUT, MAX_INPUT, MAX_INPUT, label_key="conv_single.url_input"),
    MatrixParam("kernel", DEFAULT_KERNEL, MAX_KERNEL, MAX_KERNEL, label_key="conv_single.url_kernel"),
    IntParam("stride", int(CONV_4X4.params["stride"]), 1, 3),
    IntParam("padding", int(CONV_4X4.params["padding"]), 0, 2),
    ChoiceParam("activation", CONV_4X4.params["activation"], ACTIVATIONS,
                label_key="conv_single.activation_label"),
    IntParam("cell", 1, 1, MAX_CELLS, label_key="conv_single.url_cell"),
)
CHART = {"displayModeBar": False}

_trace = st.cache_data(conv2d_trace, max_entries=256, show_spinner=False)
# rot180 and activate on at most 12×12 numbers take microseconds: calling them costs less than
# hashing their arguments for a cache (and than building the cache wrapper on every rerun).
_rot180 = rot180
_activate = activate


def key(name: str) -> str:
    return f"{PAGE}.{name}"


def act_name(name: str) -> str:
    return t(f"conv_single.act_{name}")


def cell_names(symbol: str, shape: tuple[int, int]) -> tuple[tuple[str, ...], ...]:
    """Hover names symbol_rc (1-based) of a matrix of ``shape``."""
    return tuple(tuple(subscript_unicode(symbol, r, c) for c in range(shape[1])) for r in range(shape[0]))


# Figures are cached as objects (st.plotly_chart only reads them): building a Plotly figure
# costs ~20 ms. Every input of a figure, the language included, is an argument.
@st.cache_resource(show_spinner=False, max_entries=512)
def heatmap_figure(M: np.ndarray, title: str, symbol: str, lang: str, highlight=None, cells=None,
                   hover_names=None):
    # every value is printed in its cell, so the colour bar only takes width from the matrix
    return matrix_heatmap(M, title=title, symbol=symbol, highlight=highlight, cells=cells,
                          hover_names=hover_names, showscale=False, lang=lang)


@st.cache_resource(show_spinner=False, max_entries=512)
def panels_figure(T: np.ndarray, titles: tuple[str, ...], names: tuple, lang: str, highlight=None):
    """Matrices of one shape side by side (one figure, one colour scale); ``names`` are the hover names."""
    fig = channels_heatmap(T, titles=list(titles), highlight=highlight, lang=lang)
    for trace, panel_names in zip(fig.data, names):
        trace.customdata = [list(row) for row in panel_names]
    # every value is printed in its cell (no colour bar); lift the panel titles above the column-axis title
    fig.update_annotations(yshift=68)
    fig.update_layout(coloraxis_showscale=False, margin=dict(t=fig.layout.margin.t + 24))
    return fig


def seed_notes(x: np.ndarray, w: np.ndarray, stride: int, padding: int, activation: str,
               lang: str) -> dict[tuple[int, int], list[str]]:
    """The notes about the text that belong to one output cell (o₁₁ and o₁₃ of its example)."""
    notes: dict[tuple[int, int], list[str]] = {}
    if w.shape == (2, 2) and stride == 1 and padding == 0:
        notes[(0, 2)] = [translate(lang, "conv_single.seed_o13_note")]
    if x.shape == DEFAULT_INPUT.shape and np.array_equal(x, DEFAULT_INPUT) and np.array_equal(w, DEFAULT_KERNEL) \
            and padding == 0 and activation == "relu":
        notes[(0, 0)] = [translate(lang, "conv_single.seed_o11_note")]
    return notes


# The whole stepper payload (every cell's window and formulas) for one setup: a few ms for the
# 4×4 example, more for 12×12 inputs, so it is cached (bounded).
@st.cache_data(show_spinner=False, max_entries=64)
def step_payload(x: np.ndarray, w: np.ndarray, stride: int, padding: int, activation: str, lang: str,
                 start: int) -> dict:
    trace = _trace(x[None], w[None, None], None, stride, padding)
    out = _activate(activation, trace.output)
    return single_channel_steps(trace, out, activation, translate(lang, f"conv_single.act_{activation}"),
                                lambda k, **kw: translate(lang, k, **kw),
                                seed_notes(x, w, stride, padding, activation, lang), start=start)


@st.cache_data(show_spinner=False, max_entries=64)
def compare_payload(x: np.ndarray, w: np.ndarray, stride: int, padding: int, lang: str, start: int) -> dict:
    trace = _trace(x[None], w[None, None], None, stride, padding)
    conv_trace = _trace(x[None], _rot180(w)[None, None], None, stride, padding)
    return single_channel_compare(trace, conv_trace, lambda k, **kw: translate(lang, k, **kw), start=start)


@st.cache_data(show_spinner=False, max_entries=64)
def formula_table(x: np.ndarray, w: np.ndarray, stride: int, padding: int, activation: str,
                  columns: tuple[str, ...]) -> pd.DataFrame:
    """One row per output cell: name, Σ products with symbols and numbers, net, out."""
    trace = _trace(x[None], w[None, None], None, stride, padding)
    out = _activate(activation, trace.output)
    rows = []
    oh, ow = trace.output.shape[1:]
    for i in range(oh):
        for j in range(ow):
            eq = single_net_equation(trace, i, j, (Sym("net"),))
            symbolic, numeric = (" ".join(to_text(chunk) for chunk in line) for line in eq.lines)
            rows.append((subscript_unicode("o", i, j), symbolic, numeric, fmt(trace.output[0, i, j]),
                         fmt(out[0, i, j])))
    return pd.DataFrame(rows, columns=list(columns))


def editor_height(name: str) -> int:
    """Tall enough to show every typed row (the widget's own default cuts the last one)."""
    lines = str(st.session_state.get(key(name), "")).count("\n") + 1
    return int(min(max(90, 26 * lines + 30), 340))


def show_chart(fig, name: str) -> None:
    st.plotly_chart(fig, key=key(f"fig_{name}"), config=CHART, width="stretch")


# --------------------------------------------------------------------------- page
st.title(t("conv_single.title"))
st.markdown(t("conv_single.intro"))

init_from_url(PAGE, SPECS)
with st.container(border=True):
    st.markdown(f"**{t('conv_single.controls')}**")
    col_x, col_w, col_p = st.columns([3, 2, 2])
    with col_x:
        x = matrix_editor(t("conv_single.input_label"), key=key("input"), default=DEFAULT_INPUT,
                          max_rows=MAX_INPUT, max_cols=MAX_INPUT, height=editor_height("input"))
    with col_w:
        w = matrix_editor(t("conv_single.kernel_label"), key=key("kernel"), default=DEFAULT_KERNEL,
                          max_rows=MAX_KERNEL, max_cols=MAX_KERNEL, height=editor_height("kernel"))
    with col_p:
        stride = st.slider(t("conv_single.stride_label"), 1, 3, key=key("stride"))
        padding = st.slider(t("conv_single.padding_label"), 0, 2, key=key("padding"))
        activation = st.selectbox(t("conv_single.activation_label"), ACTIVATIONS, key=key("activation"),
                                  format_func=act_name)
st.caption(t("conv_single.conventions"))

trace = error = None
if x is not None and w is not None:
    try:
        trace = _trace(x[None], w[None, None], None, stride, padding)
    except ValueError as err:  # e.g. kernel larger than the padded input
        error = err


def section_guard() -> bool:
    """True when the trace exists; otherwise say why (next to the section) and skip it."""
    if x is None:
        st.info(t("conv_single.needs_input"))
    elif w is None:
        st.info(t("conv_single.needs_kernel"))
    elif error is not None:
        st.error(explain_error(error))
    return trace is not None


lang = current_language()
SECTIONS = ("sec_step", "sec_inputs", "sec_compare", "sec_table")


def inputs_tab() -> None:
    """The input (seed cells outlined) and the kernel beside its 180° rotation, as two panels."""
    col_x, col_w = st.columns([3, 4])
    with col_x:
        if x is None:
            st.info(t("conv_single.needs_input"))
        else:
            is_seed = x.shape == DEFAULT_INPUT.shape and bool(np.array_equal(x, DEFAULT_INPUT))
            show_chart(heatmap_figure(x, t("conv_single.fig_input", rows=x.shape[0], cols=x.shape[1]), "i", lang,
                                      cells=FROM_TEXT if is_seed else None), "input")
            st.caption(t("conv_single.cap_input_from_text") if is_seed else t("conv_single.cap_input_user"))
    with col_w:
        if w is None:
            st.info(t("conv_single.needs_kernel"))
        else:
            flipped = flipped_kernel_index(w.shape)
            rot_names = tuple(tuple(subscript_unicode("h", *flipped[a, b]) for b in range(w.shape[1]))
                              for a in range(w.shape[0]))
            show_chart(panels_figure(np.stack([w, _rot180(w)]),
                                     (t("conv_single.fig_kernel", rows=w.shape[0], cols=w.shape[1]),
                                      t("conv_single.fig_kernel_rot")),
                                     (cell_names("h", w.shape), rot_names), lang), "kernels")
            st.caption(t("conv_single.cap_kernel"))
            st.caption(t("conv_single.cap_kernel_rot"))


tabs = st.tabs([t(f"conv_single.{name}") for name in SECTIONS], key=key("section"), on_change="rerun")
step_tab, inputs_tab_, compare_tab, table_tab = tabs
# the first cell shown comes from the link (?cell=k, reading order); choosing cells stays in the browser
start = int(st.session_state.get(key("cell"), 1)) - 1

if step_tab.open is not False:
    with step_tab:
        if section_guard():
            cell_stepper(step_payload(x, w, stride, padding, activation, lang, start), key=key("stepper"))
            st.caption(t("conv_single.cap_step"))
            st.caption(t("conv_single.cap_activation"))

if inputs_tab_.open is not False:
    with inputs_tab_:
        inputs_tab()

if compare_tab.open is not False:
    with compare_tab:
        if section_guard():
            cell_stepper(compare_payload(x, w, stride, padding, lang, start), key=key("compare"))
            st.caption(t("conv_single.cap_compare"))
            st.info(t("conv_single.seed_library_note"))

if table_tab.open is not False:
    with table_tab:
        if section_guard():
            columns = tuple(t(f"conv_single.{c}")
                            for c in ("col_cell", "col_symbolic", "col_numbers", "col_net", "col_out"))
            st.caption(t("conv_single.table_expander", count=trace.output[0].size))
            st.dataframe(formula_table(x, w, stride, padding, activation, columns), hide_index=True,
                         width="stretch")
            st.caption(t("conv_single.table_caption"))
            if w.shape == (2, 2) and stride == 1 and padding == 0:
                st.caption(t("conv_single.seed_eq5_note"))

sync_to_url(PAGE, SPECS)
