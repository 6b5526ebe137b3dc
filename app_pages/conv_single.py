"""Convolution (one channel): seed 003's 4×4 input and 2×2 kernel, every output cell written out.

Widgets and URL in -> cnn_core (conv2d_trace, rot180, activate) -> ui renderers out.
Every number on screen comes from a ConvTrace or from ``activate``; this script only
picks, labels and lays them out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from cnn_core.activations import ACTIVATIONS, activate
from cnn_core.conv import conv2d_trace, rot180
from cnn_core.worked_examples import CONV_4X4
from ui.heatmap import channels_heatmap, matrix_heatmap, window_animation
from ui.i18n import current_language, explain_error, t, translate
from ui.latex import equation_lines, fmt, fmt_latex, subscript, subscript_unicode, sum_of_products
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


# --------------------------------------------------------------------------- labelling helpers
# (index bookkeeping for subscripts and tick labels; no arithmetic on the data)

def input_symbol(trace, r: int, q: int, on_padding: bool) -> str:
    """LaTeX name of the padded-grid cell (r, q): i with the 1-based input subscript, or a bold 0."""
    if on_padding:
        return r"\mathbf{0}"
    return subscript("i", r - trace.padding.top, q - trace.padding.left)


def input_symbol_text(trace, r: int, q: int, on_padding: bool) -> str:
    if on_padding:
        return "0"
    return subscript_unicode("i", r - trace.padding.top, q - trace.padding.left)


def flipped_kernel_index(kernel_shape: tuple[int, int]) -> np.ndarray:
    """(KH, KW, 2): which h_ab sits at each place of rot180(h) (rot180 of an index grid)."""
    kh, kw = kernel_shape
    flat = _rot180(np.arange(kh * kw, dtype=float).reshape(kh, kw)).astype(int)
    return np.stack(np.divmod(flat, kw), axis=-1)


def cell_terms(trace, i: int, j: int, flipped: np.ndarray | None = None):
    """Symbols and values of every product of output cell (i, j), row-major over the kernel."""
    cell = trace.cell(0, i, j)
    a_sym, a_val, b_sym, b_val = [], [], [], []
    for a, r in enumerate(cell.tap_rows):
        for b, q in enumerate(cell.tap_cols):
            a_sym.append(input_symbol(trace, int(r), int(q), bool(cell.on_padding[a, b])))
            a_val.append(cell.window[0, a, b])
            hb = (a, b) if flipped is None else tuple(int(v) for v in flipped[a, b])
            b_sym.append(subscript("h", *hb))
            b_val.append(cell.weights[0, a, b])
    return cell, a_sym, a_val, b_sym, b_val


def padded_labels(trace, lang: str) -> tuple[list[str], list[str], list[list[str]]]:
    """Tick labels and hover names of the padded grid: input cells keep their 1-based i indices."""
    pad = trace.padding
    hp, wp = trace.pad_mask.shape
    rows = ["·" if trace.pad_mask[r].all() else str(r - pad.top + 1) for r in range(hp)]
    cols = ["·" if trace.pad_mask[:, q].all() else str(q - pad.left + 1) for q in range(wp)]
    names = [[translate(lang, "figure.padded") if trace.pad_mask[r, q] else input_symbol_text(trace, r, q, False)
              for q in range(wp)] for r in range(hp)]
    return rows, cols, names


# Figures are cached as objects (st.plotly_chart only reads them): building a Plotly figure
# costs ~20 ms, which eight times over would break the 80 ms rerun budget. Every input of a
# figure, the language included, is an argument.
@st.cache_resource(show_spinner=False, max_entries=512)
def heatmap_figure(M: np.ndarray, title: str, symbol: str, lang: str, highlight=None, cells=None,
                   hover_names=None):
    # every value is printed in its cell, so the colour bar only takes width from the matrix
    return matrix_heatmap(M, title=title, symbol=symbol, highlight=highlight, cells=cells,
                          hover_names=hover_names, showscale=False, lang=lang)


def cell_names(symbol: str, shape: tuple[int, int]) -> tuple[tuple[str, ...], ...]:
    """Hover names symbol_rc (1-based) of a matrix of ``shape``."""
    return tuple(tuple(subscript_unicode(symbol, r, c) for c in range(shape[1])) for r in range(shape[0]))


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


@st.cache_resource(show_spinner=False, max_entries=128)
def windows_figure(x: np.ndarray, w: np.ndarray, stride: int, padding: int, active: int, title: str,
                   lang: str):
    """The padded input with the kernel window of every output cell as browser-side frames."""
    trace = _trace(x[None], w[None, None], None, stride, padding)
    oh, ow = trace.output.shape[1:]
    windows = [(int(r[0]), int(c[0]), int(r[-1]), int(c[-1])) for r in trace.rows for c in trace.cols]
    labels = [subscript_unicode("o", i, j) for i in range(oh) for j in range(ow)]
    fig = window_animation(trace.x_padded[0], windows, title=title, symbol="i", frame_labels=labels,
                           padded_mask=trace.pad_mask, mask_label="0", active=active, lang=lang)
    rows, cols, names = padded_labels(trace, lang)
    fig.update_xaxes(ticktext=cols)
    fig.update_yaxes(ticktext=rows)
    fig.update_traces(customdata=names, showscale=False)
    # in a half-width column the play/pause buttons would cover the start of the step slider:
    # put the slider on its own line under the buttons
    fig.layout.sliders[0].update(x=0, len=1, y=-0.13)
    fig.update_layout(height=fig.layout.height + 40, margin=dict(b=fig.layout.margin.b + 40))
    return fig


def activation_latex(name: str, lhs: str, net_sym: str, net: float, out: float) -> str:
    """out = σ(net): the symbolic line, with the number, the result (value from ``activate``)."""
    n = fmt_latex(net, factor=False)
    if name == "relu":
        return equation_lines(rf"{lhs} = \max(0,\ {net_sym})", rf"\max(0,\ {n})", out)
    if name == "sigmoid":
        return equation_lines(rf"{lhs} = \frac{{1}}{{1+e^{{-{net_sym}}}}}",
                              rf"\frac{{1}}{{1+e^{{-{fmt_latex(net)}}}}}", out)
    if name == "tanh":
        return equation_lines(rf"{lhs} = \tanh({net_sym})", rf"\tanh({n})", out)
    return equation_lines(rf"{lhs} = {net_sym}", None, out)


@st.cache_data(max_entries=256, show_spinner=False)
def formula_table(x: np.ndarray, w: np.ndarray, stride: int, padding: int, activation: str,
                  columns: tuple[str, ...]) -> pd.DataFrame:
    """One row per output cell: name, Σ products with symbols and numbers, net, out."""
    trace = _trace(x[None], w[None, None], None, stride, padding)
    out = _activate(activation, trace.output)
    rows = []
    oh, ow = trace.output.shape[1:]
    for i in range(oh):
        for j in range(ow):
            cell = trace.cell(0, i, j)
            sym, num = [], []
            for a, r in enumerate(cell.tap_rows):
                for b, q in enumerate(cell.tap_cols):
                    pad = bool(cell.on_padding[a, b])
                    sym.append(f"{input_symbol_text(trace, int(r), int(q), pad)}·{subscript_unicode('h', a, b)}")
                    wv = fmt(cell.weights[0, a, b])
                    num.append(f"{fmt(cell.window[0, a, b])}×{wv if not wv.startswith('-') else f'({wv})'}")
            rows.append((subscript_unicode("o", i, j), " + ".join(sym), " + ".join(num),
                         fmt(cell.total), fmt(out[0, i, j])))
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

trace = conv_trace = error = None
if x is not None and w is not None:
    try:
        trace = _trace(x[None], w[None, None], None, stride, padding)
        conv_trace = _trace(x[None], _rot180(w)[None, None], None, stride, padding)
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


@st.fragment
def cell_view(trace, conv_trace, x, w, stride: int, padding: int, activation: str, lang: str) -> None:
    """The output-cell selector and the tabs: moving the selector reruns only this fragment."""
    ci = cj = 0
    chosen = 1
    if trace is not None:
        oh, ow = trace.output.shape[1:]
        count = oh * ow
        state = st.session_state.get(key("cell"))
        if not isinstance(state, int) or not 1 <= state <= count:
            st.session_state[key("cell")] = min(max(state if isinstance(state, int) else 1, 1), count)
        if count > 1:
            chosen = st.select_slider(
                t("conv_single.cell_label"), options=list(range(1, count + 1)), key=key("cell"),
                help=t("conv_single.cell_help"),
                format_func=lambda k: subscript_unicode("o", *divmod(k - 1, ow)))
        else:
            chosen = st.session_state[key("cell")]
        sync_to_url(PAGE, SPECS)
        ci, cj = divmod(int(chosen) - 1, ow)
    mark = (ci, cj, ci, cj)
    o_sym = subscript("o", ci, cj)

    tabs = st.tabs([t(f"conv_single.{name}") for name in SECTIONS], key=key("section"), on_change="rerun")
    step_tab, inputs_tab_, compare_tab, table_tab = tabs

    if step_tab.open is not False:
        with step_tab:
            if section_guard():
                fig_col, eq_col = st.columns([2, 3])
                with fig_col:
                    show_chart(windows_figure(x, w, stride, padding, int(chosen) - 1, t("conv_single.fig_windows"),
                                              lang), "windows")
                    st.caption(t("conv_single.cap_windows"))
                with eq_col:
                    cell, a_sym, a_val, b_sym, b_val = cell_terms(trace, ci, cj)
                    symbolic, numeric = sum_of_products(a_sym, a_val, b_sym, b_val)
                    st.markdown(t("conv_single.net_heading"))
                    st.latex(equation_lines(f"net_{{{o_sym}}} = {symbolic}", numeric, cell.total))
                    if bool(cell.on_padding.any()):
                        st.caption(t("conv_single.pad_note"))
                    if (ci, cj) == (0, 2) and w.shape == (2, 2) and stride == 1 and padding == 0:
                        st.caption(t("conv_single.seed_o13_note"))
                    out = _activate(activation, trace.output)
                    st.markdown(t("conv_single.act_heading", name=act_name(activation)))
                    st.latex(activation_latex(activation, f"out_{{{o_sym}}}", f"net_{{{o_sym}}}", cell.total,
                                              out[0, ci, cj]))
                    if (ci, cj) == (0, 0) and x.shape == DEFAULT_INPUT.shape and np.array_equal(x, DEFAULT_INPUT) \
                            and np.array_equal(w, DEFAULT_KERNEL) and padding == 0 and activation == "relu":
                        st.caption(t("conv_single.seed_o11_note"))
                    # the whole output, net and out as two panels of one figure (one chart to redraw)
                    st.markdown(f"**{t('conv_single.sec_activation')}**")
                    oh, ow = trace.output.shape[1:]
                    show_chart(panels_figure(np.stack([trace.output[0], out[0]]),
                                             (t("conv_single.fig_net"),
                                              t("conv_single.fig_out", name=act_name(activation))),
                                             (cell_names("net", (oh, ow)), cell_names("out", (oh, ow))), lang,
                                             highlight=mark), "net_out")
                    st.caption(t("conv_single.cap_activation"))

    if inputs_tab_.open is not False:
        with inputs_tab_:
            inputs_tab()

    if compare_tab.open is not False:
        with compare_tab:
            if section_guard():
                ccell, a_sym, a_val, b_sym, b_val = cell_terms(conv_trace, ci, cj, flipped_kernel_index(w.shape))
                symbolic, numeric = sum_of_products(a_sym, a_val, b_sym, b_val)
                st.markdown(t("conv_single.conv_heading"))
                st.latex(equation_lines(f"{subscript('(i * h)', ci, cj)} = {symbolic}", numeric, ccell.total))
                oh, ow = trace.output.shape[1:]
                show_chart(panels_figure(np.stack([trace.output[0], conv_trace.output[0]]),
                                         (t("conv_single.fig_corr"), t("conv_single.fig_conv")),
                                         (cell_names("o", (oh, ow)), cell_names("o", (oh, ow))), lang,
                                         highlight=mark), "corr_conv")
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


cell_view(trace, conv_trace, x, w, stride, padding, activation, lang)
sync_to_url(PAGE, SPECS)
