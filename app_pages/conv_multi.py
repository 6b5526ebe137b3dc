"""Multi-channel convolution: seed 003's 5×5×3 input, two 3×3×3 filters, pad 1, stride 2.

Widgets and URL in -> ``cnn_core.conv.conv2d_trace`` -> the cell stepper, heatmaps and LaTeX out.
Every number shown comes from the trace (or ``conv_output_size`` / ``conv_parameter_count``).
Every output cell of both filters (windows on every channel, partial sums, bias) is explained by
the browser-side cell stepper (``ui.components``): choosing a cell never reruns this script.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from cnn_core.arithmetic import conv_output_size
from cnn_core.conv import conv2d_trace, conv_parameter_count
from cnn_core.worked_examples import CONV_5X5X3
from ui.components.cell_stepper import cell_stepper
from ui.components.conv_steppers import multi_channel_steps
from ui.heatmap import channels_heatmap
from ui.i18n import current_language, explain_error, t, translate
from ui.latex import equation_lines, fmt
from ui.matrix_input import matrix_editor
from ui.url_state import ChoiceParam, FloatParam, IntParam, MatrixParam, init_from_url, sync_to_url

PAGE = "conv_multi"
CHANNELS = 3            # D: the editors offer one matrix per input channel
FILTERS = 2             # P: and one kernel per (filter, channel)
MAX_INPUT = 8           # input matrices up to 8×8 (padded up to 14×14: values still printed)
MAX_KERNEL = 5
MAX_OUT = 14            # largest output side the setup allows (8 + 2·3, kernel 1, stride 1)

X0 = CONV_5X5X3.inputs["x"][0]          # (3, 5, 5)
W0 = CONV_5X5X3.inputs["w"]             # (2, 3, 3, 3)
B0 = CONV_5X5X3.inputs["b"]             # (2,)
PRINTED_Y = CONV_5X5X3.printed["y"][0]  # (2, 3, 3)
SEED_STRIDE = int(CONV_5X5X3.params["stride"])
SEED_PADDING = int(CONV_5X5X3.params["padding"])

SPECS = (
    IntParam("stride", SEED_STRIDE, 1, 4, label_key="conv_multi.stride"),
    IntParam("padding", SEED_PADDING, 0, 3, label_key="conv_multi.padding"),
    FloatParam("b1", float(B0[0]), -100.0, 100.0, label_key="conv_multi.bias1"),
    FloatParam("b2", float(B0[1]), -100.0, 100.0, label_key="conv_multi.bias2"),
    ChoiceParam("filter", 1, (1, 2), label_key="conv_multi.filter"),
    IntParam("row", 1, 1, MAX_OUT, label_key="conv_multi.row"),
    IntParam("col", 1, 1, MAX_OUT, label_key="conv_multi.col"),
    *(MatrixParam(f"x{c + 1}", X0[c], MAX_INPUT, MAX_INPUT) for c in range(CHANNELS)),
    *(MatrixParam(f"w{f + 1}{c + 1}", W0[f, c], MAX_KERNEL, MAX_KERNEL)
      for f in range(FILTERS) for c in range(CHANNELS)),
)
PLOT_CONFIG = {"displayModeBar": False}
SUPERSCRIPT = str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")


def _key(name: str) -> str:
    return f"{PAGE}.{name}"


# the trace is frozen with read-only arrays, so one shared object per input is safe (no pickling)
_trace = st.cache_resource(show_spinner=False, max_entries=256)(conv2d_trace)
_output_size = st.cache_data(max_entries=256, show_spinner=False)(conv_output_size)
_parameter_count = st.cache_data(max_entries=256, show_spinner=False)(conv_parameter_count)


# --------------------------------------------------------------------------- figures (cached, pure)
# Figures are cached as objects (cache_resource: no pickling, never mutated after building): a
# pickled go.Figure is re-validated on load, which alone costs far more than the 80 ms budget.
@st.cache_resource(show_spinner=False, max_entries=128)
def _channels_figure(values: np.ndarray, lang: str, title: str, titles: tuple, symbol: str,
                     signed: bool | None = None) -> go.Figure:
    return channels_heatmap(values, titles=list(titles), title=title, symbol=symbol, signed=signed, lang=lang,
                            col_title="", height=300)


def _chart(fig: go.Figure, name: str) -> None:
    st.plotly_chart(fig, key=_key(name), config=PLOT_CONFIG, width="stretch")


def _sup(f: int) -> str:
    """'⁽¹⁾' for filter index 0: the filter number as a plain-text superscript."""
    return f"({f + 1})".translate(SUPERSCRIPT)


def _channel_titles() -> tuple[str, ...]:
    return tuple(t("figure.channel", index=c + 1) for c in range(CHANNELS))


# --------------------------------------------------------------------------- URL + title
init_from_url(PAGE, SPECS)
lang = current_language()

st.title(t("conv_multi.title"))
st.markdown(t("conv_multi.intro"))

with st.container(border=True):
    st.markdown(f"**{t('conv_multi.layer_box')}**")
    c1, c2, c3, c4 = st.columns(4)
    stride = c1.slider(t("conv_multi.stride"), 1, 4, key=_key("stride"))
    padding = c2.slider(t("conv_multi.padding"), 0, 3, key=_key("padding"))
    b1 = c3.number_input(t("conv_multi.bias1"), -100.0, 100.0, step=1.0, key=_key("b1"))
    b2 = c4.number_input(t("conv_multi.bias2"), -100.0, 100.0, step=1.0, key=_key("b2"))

# --------------------------------------------------------------------------- matrices
x_parts: list[np.ndarray | None] = []
w_parts: dict[tuple[int, int], np.ndarray | None] = {}
with st.container(border=True):
    st.markdown(f"**{t('conv_multi.values_box')}**")
    x_col, w_col = st.columns([2, 3])
    with x_col:
        st.caption(t("conv_multi.input_tabs"))
        for c, tab in enumerate(st.tabs([t("conv_multi.tab_channel", c=c + 1) for c in range(CHANNELS)])):
            with tab:
                first = x_parts[0] if x_parts else None
                x_parts.append(matrix_editor(
                    t("conv_multi.editor_channel", c=c + 1), key=_key(f"x{c + 1}"), default=X0[c],
                    max_rows=MAX_INPUT, max_cols=MAX_INPUT,
                    shape=None if c == 0 or first is None else first.shape))
    with w_col:
        st.caption(t("conv_multi.filter_tabs"))
        pairs = [(f, c) for f in range(FILTERS) for c in range(CHANNELS)]
        tabs = st.tabs([t("conv_multi.tab_kernel", f=f + 1, c=c + 1) for f, c in pairs])
        for (f, c), tab in zip(pairs, tabs):
            with tab:
                first = w_parts.get((0, 0))
                w_parts[(f, c)] = matrix_editor(
                    t("conv_multi.editor_kernel", f=f + 1, c=c + 1), key=_key(f"w{f + 1}{c + 1}"),
                    default=W0[f, c], max_rows=MAX_KERNEL, max_cols=MAX_KERNEL, height=150,
                    shape=None if (f, c) == (0, 0) or first is None else first.shape)

bad_x = [t("conv_multi.editor_channel", c=c + 1) for c, m in enumerate(x_parts) if m is None]
bad_w = [t("conv_multi.editor_kernel", f=f + 1, c=c + 1) for (f, c), m in w_parts.items() if m is None]
x = np.stack(x_parts) if not bad_x else None                                       # (C, H, W)
w = (np.stack([np.stack([w_parts[(f, c)] for c in range(CHANNELS)]) for f in range(FILTERS)])
     if not bad_w else None)                                                        # (F, C, KH, KW)
b = np.array([b1, b2], dtype=float)

trace, trace_error = None, None
if x is not None and w is not None:
    try:
        trace = _trace(x, w, b, stride, padding)
    except ValueError as err:  # CoreValueError: e.g. kernel larger than the padded input
        trace_error = err
is_seed_setup = (stride == SEED_STRIDE and padding == SEED_PADDING and x is not None and w is not None
                 and np.array_equal(x, X0) and np.array_equal(w, W0) and np.array_equal(b, B0))
sync_to_url(PAGE, SPECS)


def _explain_missing(bad: list[str]) -> None:
    st.warning(t("conv_multi.bad_matrix", what=", ".join(bad)))


# --------------------------------------------------------------------------- every output cell (in the browser)
# Every cell's windows and formulas for one setup, sent once: choosing a cell never reruns the script.
@st.cache_data(show_spinner=False, max_entries=64)
def _steps_payload(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int, padding: int, lang: str,
                   start: tuple[int, int, int]) -> dict:
    return multi_channel_steps(_trace(x, w, b, stride, padding), lambda k, **kw: translate(lang, k, **kw),
                               start=start)


def _general_formula() -> str:
    """z⁽ᶠ⁾ᵢⱼ = Σ_c S_c + b_f with S_c written as the double sum over the kernel (no numbers)."""
    return (f"z^{{(f)}}_{{ij}} = \\sum_{{c=1}}^{{{CHANNELS}}} \\underbrace{{\\sum_{{u=1}}^{{U}} \\sum_{{v=1}}^{{V}} "
            "\\tilde{x}^{(c)}_{(i-1)s+u,\\,(j-1)s+v}\\, w^{(f,c)}_{uv}}_{S_c} + b_{f}")


def _filters(w) -> None:
    """Tab 'the two filters'."""
    if w is None:
        _explain_missing(bad_w)
        return
    columns = st.columns(FILTERS)
    for f in range(FILTERS):
        with columns[f]:
            title = t("conv_multi.filter_fig_title", f=f + 1, kh=w.shape[2], kw=w.shape[3])
            _chart(_channels_figure(w[f], lang, title, _channel_titles(), "w" + _sup(f), True), f"filter{f + 1}")
    st.caption(t("conv_multi.filters_caption"))


def _partial_maps(trace) -> None:
    """Tab 'partial-sum maps' of the filter chosen here."""
    f_sel = st.radio(t("conv_multi.filter"), (1, 2), key=_key("filter"), horizontal=True,
                     format_func=lambda n, lang=lang: translate(lang, "conv_multi.filter_option", n=n))
    sync_to_url(PAGE, SPECS)
    f_idx = int(f_sel) - 1
    st.markdown(f"**{t('conv_multi.partial_maps_title', f=f_idx + 1)}**")
    maps = np.moveaxis(trace.partial_sums[f_idx], -1, 0)   # (OH, OW, C) -> (C, OH, OW): a view, no math
    _chart(_channels_figure(maps, lang, t("conv_multi.partial_fig_title", f=f_idx + 1), _channel_titles(), "S",
                            True), "partials_fig")
    st.caption(t("conv_multi.partial_caption", f=f_idx + 1, b=fmt(float(trace.bias[f_idx]))))


def _params_and_notes(w) -> None:
    """Tab 'parameters and notes'."""
    st.markdown(f"**{t('conv_multi.section_params')}**")
    st.markdown(t("conv_multi.params_text"))
    if w is not None:
        P, D, U, V = w.shape
        st.latex(equation_lines("N_{\\text{params}} = P \\cdot D \\cdot U \\cdot V + P",
                                f"{P} \\cdot {D} \\cdot {U} \\cdot {V} + {P}", _parameter_count(P, D, U, V)))
    else:
        _explain_missing(bad_w)
    st.markdown(f"**{t('conv_multi.section_notes')}**")
    st.markdown("- " + t("conv_multi.seed002_note", o=_output_size(32, 5), params=_parameter_count(1, 3, 5, 5)))
    st.markdown("- " + t("conv_multi.seed003_note"))
    st.caption(t("conv_multi.conventions"))


# --------------------------------------------------------------------------- the output cells
st.subheader(t("conv_multi.section_steps"))
if trace is not None:
    st.markdown(t("conv_multi.cell_intro"))
    st.caption(t("conv_multi.cell_general"))
    st.latex(_general_formula())
    # the first cell shown comes from the link (?filter=&row=&col=, 1-based); the payload keeps it inside
    start = tuple(int(st.session_state.get(_key(name), 1)) - 1 for name in ("filter", "row", "col"))
    cell_stepper(_steps_payload(x, w, b, stride, padding, lang, start), key=_key("stepper"))
    st.caption(t("conv_multi.cs_caption"))
    st.caption(t("conv_multi.cell_subscripts"))
    oh, ow = trace.output.shape[1:]
    st.caption(t("conv_multi.output_size", oh=oh, ow=ow))
    if not is_seed_setup:
        st.info(t("conv_multi.seed_custom"))
    elif np.array_equal(trace.output, PRINTED_Y):
        st.success(t("conv_multi.seed_reproduced"))
    else:
        st.error(t("conv_multi.seed_differs"))
elif trace_error is not None:
    st.error(explain_error(trace_error))
    st.info(t("conv_multi.no_trace"))
else:
    _explain_missing(bad_x + bad_w)
if trace is None and x is not None:
    _chart(_channels_figure(x, lang, t("conv_multi.input_raw_fig_title"), _channel_titles(), "x"), "input")

SECTIONS = ("filters", "partials", "params")
tabs = st.tabs([t(f"conv_multi.tab_{name}") for name in SECTIONS], key=_key("section"), on_change="rerun")
for name, tab in zip(SECTIONS, tabs):
    if tab.open is False:   # only the open tab is computed and sent
        continue
    with tab:
        if name == "filters":
            _filters(w)
        elif name == "params":
            _params_and_notes(w)
        elif trace is None and trace_error is not None:
            st.info(t("conv_multi.no_trace"))
        elif trace is None:
            _explain_missing(bad_x + bad_w)
        else:
            _partial_maps(trace)
