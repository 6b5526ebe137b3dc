"""Pooling: max and average, forward (windows, winners, means) and backward (route / share of δ).

Thin: widgets and URL in -> cnn_core.pool / cnn_core.activations -> ui renderers out.
Every number shown comes from a core trace (PoolTrace, PoolBackwardTrace) or core function.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from cnn_core.activations import ACTIVATIONS, activate, activation_backward, activation_derivative
from cnn_core.pool import POOL_MODES, pool2d_backward, pool2d_backward_trace, pool2d_trace
from cnn_core.worked_examples import POOL_ROUTE
from ui.claims_view import claim_note
from ui.components.cell_stepper import cell_stepper
from ui.components.math_box import Panels, math_box
from ui.components.pool_steppers import backward_steps, forward_steps
from ui.exercise_view import render_check_link
from ui.export import ExportDoc, chart_config, export_panel
from ui.formulas import pool as fx
from ui.i18n import current_language, explain_error, t, translate, translator
from ui.latex import display_digits, fmt, latex_matrix, subscript_unicode
from ui.library_code import pool2d_code
from ui.matrix_input import format_matrix, matrix_editor, parse_matrix
from ui.page_kit import (activation_name, cached_figure, lazy_code_panel, lazy_expander, reset_button, show_chart,
                         url_tabs)
from ui.presets import preset_selector
from ui.url_state import BoolParam, ChoiceParam, IntParam, MatrixParam, init_from_url, sync_to_url, widget_key

PAGE = "pooling"
DEFAULT_X = np.array(POOL_ROUTE.inputs["x"][0, 0])
DEFAULT_DELTA = np.array(POOL_ROUTE.inputs["delta"][0, 0])
SEED_KERNEL = POOL_ROUTE.params["kernel"]
SEED_STRIDE = POOL_ROUTE.params["stride"]
MAX_INPUT = 12
# the pooled output (so δ) can be one larger than the input: 12×12, k = 6, s = 1, p = 3 gives 13×13
MAX_DELTA = MAX_INPUT + 1
SECTIONS = ("forward", "backward", "seed")
OUT_SHAPE_KEY = f"_{PAGE}.out_shape"
EXPORT_CELLS = 16   # formulas written into the Markdown export (the first cells in reading order)

SPECS = (
    ChoiceParam("mode", "max", POOL_MODES, label_key=widget_key(PAGE, "param_mode")),
    IntParam("kernel", SEED_KERNEL, 1, 6),
    IntParam("stride", SEED_STRIDE, 1, 6),
    IntParam("padding", 0, 0, 3),
    ChoiceParam("activation", "identity", ACTIVATIONS, label_key=widget_key(PAGE, "param_activation")),
    MatrixParam("input", DEFAULT_X, MAX_INPUT, MAX_INPUT, label_key=widget_key(PAGE, "param_input")),
    MatrixParam("delta", DEFAULT_DELTA, MAX_DELTA, MAX_DELTA, label_key=widget_key(PAGE, "param_delta")),
    ChoiceParam("tab", "forward", SECTIONS, label_key=widget_key(PAGE, "param_tab")),
    IntParam("cell", 1, 1, MAX_DELTA * MAX_DELTA, label_key=widget_key(PAGE, "param_cell")),
    IntParam("in_cell", 1, 1, MAX_INPUT * MAX_INPUT, label_key=widget_key(PAGE, "param_in_cell")),
    BoolParam("counts", False, label_key=widget_key(PAGE, "param_counts")),
)

# Pure core calls, cached: a rerun that changes nothing recomputes nothing.
_forward = st.cache_data(pool2d_trace, show_spinner=False, max_entries=64)
_backward = st.cache_data(pool2d_backward_trace, show_spinner=False, max_entries=64)
_activate = st.cache_data(activate, show_spinner=False, max_entries=64)
_derivative = st.cache_data(activation_derivative, show_spinner=False, max_entries=64)
_through_activation = st.cache_data(activation_backward, show_spinner=False, max_entries=64)


@st.cache_data(show_spinner=False, max_entries=1)
def _seed_routes() -> dict[str, np.ndarray]:
    """The worked example's δ through 2×2 max and average pooling, as the core computes them."""
    x, delta = POOL_ROUTE.inputs["x"], POOL_ROUTE.inputs["delta"]
    return {mode: pool2d_backward(delta, x, SEED_KERNEL, SEED_STRIDE, 0, mode)[0, 0] for mode in POOL_MODES}


# The stepper payloads (every cell's window, numbers and formula, formatted text): cached per setup,
# language and digits shown (bounded).
@st.cache_data(show_spinner=False, max_entries=64)
def forward_payload(a: np.ndarray, kernel: int, stride: int, padding: int, mode: str, lang: str, digits: int,
                    start: int) -> dict:
    return forward_steps(_forward(a, kernel, stride, padding, mode), translator(lang), start=start)


@st.cache_data(show_spinner=False, max_entries=64)
def backward_payload(delta: np.ndarray, z: np.ndarray, a: np.ndarray, kernel: int, stride: int, padding: int,
                     mode: str, activation: str, lang: str, digits: int, start: int) -> dict:
    back = _backward(delta, a, kernel, stride, padding, mode)
    sigma_prime = delta_prev = None
    if activation != "identity":
        sigma_prime = _derivative(activation, z)
        delta_prev = _through_activation(activation, back.dx[0], z)
    return backward_steps(back, translator(lang), sigma_prime, delta_prev, activation_name(activation, lang), start=start)


def _chart(fig, name: str) -> None:
    """A figure with Plotly's PNG download button (made in the browser)."""
    show_chart(fig, PAGE, f"fig_{name}", config=chart_config(f"{PAGE}-{name}"))


def _heatmap(M: np.ndarray, **kwargs):
    return cached_figure("heat", M, **kwargs)


def _seed_view(z, kernel: int, stride: int, padding: int, activation: str, delta) -> None:
    st.subheader(t("pooling.seed_title"))
    routes = _seed_routes()
    seed_columns = st.columns(len(POOL_MODES))
    for column, seed_mode in zip(seed_columns, POOL_MODES):
        computed = routes[seed_mode]
        printed = np.array(POOL_ROUTE.printed[seed_mode][0, 0])
        with column:
            with st.container(border=True):
                st.markdown(f"**{t(f'pooling.mode_{seed_mode}')}**")
                # computed | printed side by side as MathML in one math box (not KaTeX typeset on every rerun:
                # #14 round 9); the same markup on every control's rerun, so the browser does not parse it again
                math_box([Panels(((t("pooling.seed_computed"), latex_matrix(computed)),
                                  (t("pooling.seed_printed"), latex_matrix(printed))))],
                         widget_key(PAGE, f"seed_{seed_mode}_math"))
            claim_note(f"s001_pool_{seed_mode}", LANG)
    if (z is not None and z.shape == DEFAULT_X.shape and np.array_equal(z, DEFAULT_X) and kernel == SEED_KERNEL
            and stride == SEED_STRIDE and padding == 0 and activation == "identity"
            and delta is not None and delta.shape == DEFAULT_DELTA.shape and np.array_equal(delta, DEFAULT_DELTA)):
        st.caption(t("pooling.seed_is_default"))
    else:
        st.caption(t("pooling.seed_not_default"))


# --------------------------------------------------------------------------- page

st.title(t("pooling.title"))
st.markdown(t("pooling.intro"))

init_from_url(PAGE, SPECS)

# format_func is also called outside the script run (AppTest), where t() cannot see the session language
LANG = current_language()
reset_button(PAGE, SPECS, t("pooling.reset"), help=t("pooling.reset_help"), keep=("tab",),
             extra=lambda: st.session_state.pop(OUT_SHAPE_KEY, None))   # the open section stays open

trace = a = delta = back = None
forward_error = None
delta_reset = False
with st.container(border=True):
    st.markdown(f"**{t('pooling.controls')}**")
    c_mode, c_kernel, c_stride, c_pad, c_act = st.columns([1, 1.2, 1.2, 1.2, 1.4])
    with c_mode:
        mode = st.radio(t("pooling.mode_label"), POOL_MODES, key=widget_key(PAGE, "mode"), horizontal=True,
                        format_func=lambda m: translate(LANG, f"pooling.mode_{m}"))
    with c_kernel:
        kernel = st.slider(t("pooling.kernel_label"), 1, 6, key=widget_key(PAGE, "kernel"))
    with c_stride:
        stride = st.slider(t("pooling.stride_label"), 1, 6, key=widget_key(PAGE, "stride"), help=t("pooling.stride_help"))
    with c_pad:
        padding = st.slider(t("pooling.padding_label"), 0, 3, key=widget_key(PAGE, "padding"), help=t("pooling.padding_help"))
    with c_act:
        activation = st.selectbox(t("pooling.activation_label"), ACTIVATIONS, key=widget_key(PAGE, "activation"),
                                  format_func=lambda a: activation_name(a, LANG), help=t("pooling.activation_help"))
    c_input, c_delta, c_conventions = st.columns([1, 1, 1.6])
    with c_input:
        label = t("pooling.input_label_identity") if activation == "identity" else t("pooling.input_label")
        preset_selector(widget_key(PAGE, "input"), kind="input", example=DEFAULT_X, max_rows=MAX_INPUT,
                        max_cols=MAX_INPUT)
        # tall enough to show every row (the editor's default height cuts the last row of a 4×4 in half)
        rows_typed = str(st.session_state.get(widget_key(PAGE, "input"), "")).count("\n") + 1
        z = matrix_editor(label, key=widget_key(PAGE, "input"), default=DEFAULT_X, max_rows=MAX_INPUT,
                          max_cols=MAX_INPUT, height=min(30 * rows_typed + 40, 340))
    if z is not None:
        a = z if activation == "identity" else _activate(activation, z)
        try:
            trace = _forward(a, kernel, stride, padding, mode)
        except ValueError as err:
            forward_error = err
    if trace is not None:
        # δ, the error arriving at the pooled output, is the second input of the page: its size follows the
        # output, on a slider move as on a link that changes the output size (?kernel=3&stride=1&padding=1)
        out_shape = tuple(trace.output.shape[1:])
        delta_key = widget_key(PAGE, "delta")
        last_shape = st.session_state.get(OUT_SHAPE_KEY)
        typed = parse_matrix(str(st.session_state.get(delta_key, "")), max_rows=MAX_DELTA, max_cols=MAX_DELTA)
        if (last_shape is not None and tuple(last_shape) != out_shape) or (
                last_shape is None and typed.ok and tuple(typed.matrix.shape) != out_shape):
            # the pooled output changed size: give δ an example of the new size instead of an error
            st.session_state[delta_key] = format_matrix(fx.example_delta(out_shape))
            delta_reset = True
        st.session_state[OUT_SHAPE_KEY] = out_shape
        with c_delta:
            delta = matrix_editor(t("pooling.delta_label", rows=out_shape[0], cols=out_shape[1]), key=delta_key,
                                  default=DEFAULT_DELTA, shape=out_shape, max_rows=MAX_DELTA, max_cols=MAX_DELTA)
            if delta_reset:
                st.caption(t("pooling.delta_reset", rows=out_shape[0], cols=out_shape[1]))
    with c_conventions:
        st.markdown(f"**{t('pooling.conventions_title')}**")
        st.markdown(t("pooling.conventions"))
if forward_error is not None:
    st.error(explain_error(forward_error))   # above the tabs: whichever tab is open, the reason is seen

tab_forward, tab_backward, tab_seed = url_tabs(PAGE, "section", "tab", SECTIONS,
                                               [t(f"pooling.tab_{name}") for name in SECTIONS])
digits = display_digits()

# ----- forward
if tab_forward.open is not False:  # only the open tab is computed and drawn
    with tab_forward:
        st.subheader(t("pooling.forward_title"))
        if z is None:
            st.info(t("pooling.forward_needs_input"))
        elif trace is not None:
            if activation != "identity":
                st.caption(t("pooling.pooled_input", activation=activation_name(activation)))
            start = int(st.session_state.get(widget_key(PAGE, "cell"), 1)) - 1
            cell_stepper(forward_payload(a, kernel, stride, padding, mode, LANG, digits, start),
                         key=widget_key(PAGE, "forward_stepper"))
            st.caption(t("pooling.cs_forward_caption_max") if mode == "max" else t("pooling.cs_forward_caption_avg"))
            render_check_link("pool_forward", x=a, kernel=kernel, stride=stride, padding=padding, mode=mode)

# ----- backward
if tab_backward.open is not False:
    with tab_backward:
        st.subheader(t("pooling.backward_title"))
        if trace is None:
            st.info(t("pooling.backward_needs_forward"))
        else:
            st.markdown(t("pooling.backward_intro_max") if mode == "max" else t("pooling.backward_intro_avg"))
            if delta is None:
                st.info(t("pooling.backward_needs_delta"))
            else:
                try:
                    back = _backward(delta, a, kernel, stride, padding, mode)
                except ValueError as err:
                    st.error(explain_error(err))
            if back is not None:
                if stride < kernel:
                    st.info(t("pooling.overlap_note", stride=stride, kernel=kernel))
                start = int(st.session_state.get(widget_key(PAGE, "in_cell"), 1)) - 1
                cell_stepper(backward_payload(delta, z, a, kernel, stride, padding, mode, activation, LANG, digits,
                                              start), key=widget_key(PAGE, "backward_stepper"))
                st.caption(t("pooling.fig_upsample_caption_max") if mode == "max"
                           else t("pooling.fig_upsample_caption_avg"))
                if activation == "identity":
                    st.caption(t("pooling.sigma_identity"))
                else:
                    st.caption(t("pooling.fig_sigma_caption_relu") if activation == "relu"
                               else t("pooling.fig_sigma_caption_other"))
                if padding == 0:   # the checker's pooling backward takes no padding
                    render_check_link("pool_backward", x=a, dy=delta, kernel=kernel, stride=stride, mode=mode)
                if stride < kernel:
                    counts = lazy_expander(PAGE, "counts", t("pooling.fig_counts"))
                    if counts is not None:
                        with counts:
                            _chart(_heatmap(back.counts[0], title=t("pooling.fig_counts"), symbol="n", signed=False,
                                            lang=LANG), "counts")
                            st.caption(t("pooling.fig_counts_caption"))
                    if mode == "max":
                        claim_note("s003_code_maxpool_overwrite", LANG)
                        shared = next((c for c in back.cells if len(c.terms) > 1), None)
                        if shared is not None:
                            st.warning(t("pooling.seed003_example",
                                         cell=subscript_unicode("a", shared.row, shared.col),
                                         count=len(shared.terms), total=fmt(shared.total),
                                         last=fmt(shared.terms[-1].dy)))
                claim_note("s001_upsample_sigma", LANG)

# ----- the source texts
if tab_seed.open is not False:
    with tab_seed:
        _seed_view(z, kernel, stride, padding, activation, delta)

# ----- take it away: the worked example, the library code
if trace is not None:
    def _full_backward():
        """The backward trace for the take-away panels (computed here, cached, when its section was not drawn)."""
        if back is not None or delta is None:
            return back
        try:
            return _backward(delta, a, kernel, stride, padding, mode)
        except ValueError:
            return None

    def _export_doc() -> ExportDoc:
        doc = ExportDoc(t("pooling.title"))
        doc.step(t("pooling.export_input"), matrices={"a": a})
        doc.step(t("pooling.export_forward"), matrices={"y": trace.output[0]},
                 latex=[fx.forward(trace, win, t("pooling.pad_label")).latex() for win in trace.windows[:EXPORT_CELLS]])
        full = _full_backward()
        if full is not None:
            doc.step(t("pooling.export_backward"), matrices={"δ": full.dy[0], "∂L/∂a": full.dx[0]},
                     latex=[fx.backward(full, cell).latex() for cell in full.cells[:EXPORT_CELLS]])
        return doc

    def _library_code():
        full = _full_backward()
        return pool2d_code(a, kernel, stride, padding, mode, dy=None if full is None else full.dy[0])

    export_panel(PAGE, SPECS, _export_doc)
    lazy_code_panel(PAGE, _library_code)

sync_to_url(PAGE, SPECS)
