"""Pooling: max and average, forward (windows, winners, means) and backward (route / share of δ).

Thin: widgets and URL in -> cnn_core.pool / cnn_core.activations -> ui renderers out.
Every number shown comes from a core trace (PoolTrace, PoolBackwardTrace) or core function.

Parts (#14 round 10): the sections (tabs) and the take-away panels are keyed fragments (``page_kit.url_fragment``)
that read the setup from session state (``_setup``); so is the input's column. A tab switch, the counts expander or
opening the export / code panel reruns its own part; the activation menu reruns the input's column (its label
names z or a) and the sections, never the title and the other controls. The other controls rerun the page.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import streamlit as st

from cnn_core.activations import ACTIVATIONS, activate, activation_backward, activation_derivative
from cnn_core.pool import POOL_MODES, pool2d_backward, pool2d_backward_trace, pool2d_trace
from cnn_core.worked_examples import POOL_ROUTE
from ui.claims_view import claim_note
from ui.components.cell_stepper import cell_stepper
from ui.components.choice_menu import choice_menu
from ui.components.math_box import Panels, math_box
from ui.components.pool_steppers import backward_steps, forward_steps
from ui.exercise_view import render_check_link
from ui.export import ExportDoc, chart_config, export_panel, setup_just_loaded
from ui.formulas import pool as fx
from ui.frame import PAGE_PART
from ui.i18n import current_language, explain_error, t, translate, translator
from ui.latex import display_digits, fmt, latex_matrix, subscript_unicode
from ui.library_code import pool2d_code
from ui.matrix_input import format_matrix, matrix_editor, parse_matrix
from ui.page_kit import (activation_name, cached_figure, follow_open_panels, lazy_code_panel, lazy_expander, page_body,
                         reset_button, show_chart, url_fragment, url_tabs)
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
# the page's parts rerun by name (``st.rerun([...])`` in the activation menu's follow-up), in page order
INPUT_PART, SECTIONS_PART, TAKE_AWAY_PART = (f"{PAGE}.{name}_part" for name in ("input", "sections", "take_away"))

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


class Setup(NamedTuple):
    """What the page's parts show, read from session state (``_setup``): the settings, the typed input z, the pooled
    input a = σ(z) (None when z does not parse), the forward trace and its error (None, or why the window does not
    fit), and δ (None unless it parses with the pooled output's shape)."""
    mode: str
    kernel: int
    stride: int
    padding: int
    activation: str
    z: np.ndarray | None
    a: np.ndarray | None
    trace: object
    forward_error: Exception | None
    delta: np.ndarray | None


def _setup() -> Setup:
    """The setup as the widgets hold it now. A part rerun by name from a callback gets the arguments of the page's
    last full run, so every part reads it here (parsing two small texts; the core calls are cached)."""
    state = st.session_state
    get = lambda name, default: state.get(widget_key(PAGE, name), default)  # noqa: E731
    mode, activation = get("mode", "max"), get("activation", "identity")
    kernel, stride, padding = int(get("kernel", SEED_KERNEL)), int(get("stride", SEED_STRIDE)), int(get("padding", 0))
    z = parse_matrix(str(get("input", "")), max_rows=MAX_INPUT, max_cols=MAX_INPUT).matrix
    a = trace = forward_error = delta = None
    if z is not None:
        a = z if activation == "identity" else _activate(activation, z)
        try:
            trace = _forward(a, kernel, stride, padding, mode)
        except ValueError as err:
            forward_error = err
    if trace is not None:
        typed = parse_matrix(str(get("delta", "")), max_rows=MAX_DELTA, max_cols=MAX_DELTA).matrix
        if typed is not None and tuple(typed.shape) == tuple(trace.output.shape[1:]):
            delta = typed
    return Setup(mode, kernel, stride, padding, activation, z, a, trace, forward_error, delta)


def _chart(fig, name: str) -> None:
    """A figure with Plotly's PNG download button (made in the browser)."""
    show_chart(fig, PAGE, f"fig_{name}", config=chart_config(f"{PAGE}-{name}"))


def _heatmap(M: np.ndarray, **kwargs):
    return cached_figure("heat", M, **kwargs)


def _seed_view(z, kernel: int, stride: int, padding: int, activation: str, delta, lang: str) -> None:
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
            claim_note(f"s001_pool_{seed_mode}", lang)
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

def _activation_changed() -> None:
    """The activation menu's follow-up (its ``on_change``, a callback): it changes the input's label (z or a) and
    what the sections (and an open export / code panel) show, not the other controls: rerun those parts by name
    (#14 round 10: it reran the page)."""
    state = st.session_state
    parts = [INPUT_PART, SECTIONS_PART]
    if state.get(widget_key(PAGE, "export_open")) or state.get(widget_key(PAGE, "code_open")):
        parts.append(TAKE_AWAY_PART)
    st.rerun(parts)


def _input_changed() -> None:
    """A new input (typed, a grid cell) may change the pooled output's size, so δ: the page reruns
    as for a control outside the parts (a control inside the input's part would rerun only that part), not the
    frame around it (``st.rerun()`` would: the sidebar, the navigation)."""
    st.rerun([PAGE_PART])


@st.fragment(key=INPUT_PART)
def _input_editor() -> None:
    """The input's editor; its label says whether the windows slide over z itself or over σ(z). (Its preset menu is
    outside this part: a preset reruns the page in one run, a callback's rerun by name takes two.)"""
    identity = st.session_state.get(widget_key(PAGE, "activation"), "identity") == "identity"
    label = t("pooling.input_label_identity") if identity else t("pooling.input_label")
    # tall enough to show every row (the editor's default height cuts the last row of a 4×4 in half)
    rows_typed = str(st.session_state.get(widget_key(PAGE, "input"), "")).count("\n") + 1
    matrix_editor(label, key=widget_key(PAGE, "input"), default=DEFAULT_X, max_rows=MAX_INPUT, max_cols=MAX_INPUT,
                  height=min(30 * rows_typed + 40, 340), on_change=_input_changed)


@url_fragment(PAGE, SPECS, key=SECTIONS_PART)
def _sections(lang: str) -> None:
    """The forward, backward and source-text tabs: a tab switch or the counts expander reruns this part alone."""
    setup = _setup()
    mode, kernel, stride, padding, activation = setup.mode, setup.kernel, setup.stride, setup.padding, setup.activation
    z, a, trace, delta = setup.z, setup.a, setup.trace, setup.delta
    tab_forward, tab_backward, tab_seed = url_tabs(PAGE, "section", "tab", SECTIONS,
                                                   [t(f"pooling.tab_{name}") for name in SECTIONS])
    # an open export panel writes the open tab and the counts panel into its link and file
    follow_open_panels(PAGE, ("tab", "counts"))
    digits = display_digits()
    back = None

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
                cell_stepper(forward_payload(a, kernel, stride, padding, mode, lang, digits, start),
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
                    cell_stepper(backward_payload(delta, z, a, kernel, stride, padding, mode, activation, lang, digits,
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
                                _chart(_heatmap(back.counts[0], title=t("pooling.fig_counts"), symbol="n",
                                                signed=False, lang=lang), "counts")
                                st.caption(t("pooling.fig_counts_caption"))
                        if mode == "max":
                            claim_note("s003_code_maxpool_overwrite", lang)
                            shared = next((c for c in back.cells if len(c.terms) > 1), None)
                            if shared is not None:
                                st.warning(t("pooling.seed003_example",
                                             cell=subscript_unicode("a", shared.row, shared.col),
                                             count=len(shared.terms), total=fmt(shared.total),
                                             last=fmt(shared.terms[-1].dy)))
                    claim_note("s001_upsample_sigma", lang)

    # ----- the source texts
    if tab_seed.open is not False:
        with tab_seed:
            _seed_view(z, kernel, stride, padding, activation, delta, lang)


@url_fragment(PAGE, SPECS, key=TAKE_AWAY_PART)
def _take_away() -> None:
    """Take it away: the worked example and the library code (nothing without a forward trace). Opening or closing a
    panel reruns this part alone."""
    if setup_just_loaded(PAGE):   # a loaded setup file changed the controls: the whole page again
        st.rerun()
    setup = _setup()
    mode, kernel, stride, padding = setup.mode, setup.kernel, setup.stride, setup.padding
    a, trace, delta = setup.a, setup.trace, setup.delta
    if trace is None:
        return

    def _full_backward():
        """The backward trace for the take-away panels (cached: the backward section computed it when drawn)."""
        if delta is None:
            return None
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
    lazy_code_panel(PAGE, _library_code, open_tab_only=True)   # a part of its own: a tab switch reruns it


delta_reset = False
with st.container(border=True):
    st.markdown(f"**{t('pooling.controls')}**")
    c_mode, c_kernel, c_stride, c_pad, c_act = st.columns([1, 1.2, 1.2, 1.2, 1.4])
    with c_mode:
        st.radio(t("pooling.mode_label"), POOL_MODES, key=widget_key(PAGE, "mode"), horizontal=True,
                 format_func=lambda m: translate(LANG, f"pooling.mode_{m}"))
    with c_kernel:
        st.slider(t("pooling.kernel_label"), 1, 6, key=widget_key(PAGE, "kernel"))
    with c_stride:
        st.slider(t("pooling.stride_label"), 1, 6, key=widget_key(PAGE, "stride"), help=t("pooling.stride_help"))
    with c_pad:
        st.slider(t("pooling.padding_label"), 0, 3, key=widget_key(PAGE, "padding"), help=t("pooling.padding_help"))
    with c_act:
        # the browser's own <select> (ui.components.choice_menu, #14 round 12): ~20 React components in the page's
        # tree, not a Streamlit select's ~110, and no popover per pick; its follow-up reruns the parts it changes
        choice_menu(t("pooling.activation_label"), [(a, activation_name(a, LANG)) for a in ACTIVATIONS],
                    widget_key(PAGE, "activation"), help=t("pooling.activation_help"), on_change=_activation_changed)
    c_input, c_delta, c_conventions = st.columns([1, 1, 1.6])
    with c_input:
        preset_selector(widget_key(PAGE, "input"), kind="input", example=DEFAULT_X, max_rows=MAX_INPUT,
                        max_cols=MAX_INPUT)
        _input_editor()
    trace = _setup().trace
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
            matrix_editor(t("pooling.delta_label", rows=out_shape[0], cols=out_shape[1]), key=delta_key,
                          default=DEFAULT_DELTA, shape=out_shape, max_rows=MAX_DELTA, max_cols=MAX_DELTA)
            if delta_reset:
                st.caption(t("pooling.delta_reset", rows=out_shape[0], cols=out_shape[1]))
    with c_conventions:
        st.markdown(f"**{t('pooling.conventions_title')}**")
        st.markdown(t("pooling.conventions"))
setup = _setup()
if setup.forward_error is not None:
    st.error(explain_error(setup.forward_error))   # above the tabs: whichever tab is open, the reason is seen

with page_body(PAGE):   # the parts' follow_open_panels only note the values in the page's own run
    _sections(LANG)
    _take_away()

sync_to_url(PAGE, SPECS)
