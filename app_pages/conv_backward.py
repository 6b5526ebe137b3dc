"""Convolution backward: δˡ → ∂E/∂x three ways, ∂E/∂W, ∂E/∂b, the σ' step and the Hands-on CNN project's SGD step.

Thin: widgets and URL in -> cnn_core (conv2d_backward_trace, input_gradient_scatter,
input_gradient_full_conv, gradcheck, activations, sgd_step) -> ui.formulas.conv_backward and
ui.page_kit out. The page only selects and slices what the core returns; no index arithmetic.
Parts (#14): the setup part (the box with the example, the learning rate and the sliders) holds the values part
(the matrix editors, the δ-size message, and the results part); the results part holds the activation, filter and
channel selects and everything they change. Every control sits in the part that holds what it changes, so a change is
one script run of that part (round 11; no callback reruns parts by name); the sections, the layer expander and the
export / code panels rerun alone on their own controls.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from cnn_core.activations import ACTIVATIONS, activate, attainable, derivative_from_output, preimage
from cnn_core.arithmetic import conv_output_shape
from cnn_core.conv import (conv2d, conv2d_backward_trace, input_gradient_full_conv, input_gradient_scatter,
                           sgd_step)
from cnn_core.gradcheck import check_gradient, relative_error
from cnn_core.worked_examples import CONV_4X4, CONV_5X5X3
from ui.claims_view import claim_note
from ui.components import backward_steppers as steps
from ui.components.cell_stepper import cell_stepper
from ui.components.choice_menu import choice_menu
from ui.components.math_box import math_box
from ui.components.tab_strip import local_tabs
from ui.exercise_view import render_check_link
from ui.export import ExportDoc, export_panel, setup_just_loaded
from ui.formulas import conv_backward as fx
from ui.html_grid import cell_names, grids_html, matrix_table
from ui.i18n import current_language, explain_error, t, translate, translator
from ui.latex import display_digits, fmt, fmt_power, subscript_unicode
from ui.library_code import conv2d_backward_code
from ui.matrix_input import format_matrix, matrix_editor, parse_matrix
from ui.multi_editors import keep_editor_state
from ui.page_kit import (activation_name, agreement, error_phrase, keep_number, lazy_code_panel,
                         lazy_expander, reset_button, url_fragment, url_tabs)
from ui.presets import preset_selector
from ui.url_state import (BoolParam, ChoiceParam, FloatParam, IntParam, MatrixParam, init_from_url, sync_to_url,
                          widget_key)

PAGE = "conv_backward"
EXAMPLES = ("one", "multi")
SEED_DELTA = np.asarray(CONV_5X5X3.inputs["delta"][0, 0])          # the Hands-on CNN project's sensitivity map
ONE_X = np.asarray(CONV_4X4.inputs["x"][0, 0])
ONE_W = np.asarray(CONV_4X4.inputs["w"][0, 0])
CELLS = tuple(f"{r},{c}" for r in range(1, 13) for c in range(1, 13))   # 1-based "row,col"
MAX_X, MAX_W = 8, 5
EDITOR_HEIGHT = 150   # five rows visible without scrolling
# ε = 2⁻¹⁰ ≈ 0.001: a power of two, so x ± ε is exact for the examples' integers
EPS = 2.0 ** -10
PRINTED_LR = float(CONV_5X5X3.params["lr"])
REPRODUCED_TOL = 1e-9
OUT_SHAPE_KEY = f"_{PAGE}.out_shape"
LR_MIN, LR_MAX = 1e-6, 10.0
LR_MOVED_KEY = f"_{PAGE}.lr_moved"
EXPORT_CELLS = 16   # formulas written into the Markdown export (the first cells in reading order)
SECTION_NAMES = ("dx", "act", "dw", "sgd", "check")

SPECS = (
    ChoiceParam("example", "one", EXAMPLES),
    IntParam("stride", 1, 1, 3),
    IntParam("padding", 0, 0, 2),
    FloatParam("lr", PRINTED_LR, LR_MIN, LR_MAX),
    ChoiceParam("activation", "relu", ACTIVATIONS),
    ChoiceParam("cell", "1,2", CELLS),
    ChoiceParam("weight", "1,1", CELLS),
    IntParam("step", 1, 1, 1000),
    IntParam("filter", 1, 1, 2),
    IntParam("channel", 1, 1, 3),
    MatrixParam("delta", SEED_DELTA, MAX_X, MAX_X),
    MatrixParam("x", ONE_X, MAX_X, MAX_X),
    MatrixParam("w", ONE_W, MAX_W, MAX_W),
    ChoiceParam("tab", "dx", SECTION_NAMES),
    ChoiceParam("way", "way1", ("way1", "way2", "way3")),
    BoolParam("layer", False),
)


# --------------------------------------------------------------------------- cached core calls
# Few cached functions on purpose: the page script (and so every decorator) runs on each rerun.
@st.cache_data(max_entries=64, show_spinner=False)
def _forward(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int, padding: int):
    return conv2d(x[None], w, b, stride, padding)[0]


@st.cache_data(max_entries=64, show_spinner=False)
def _backward(dy: np.ndarray, x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int, padding: int):
    """The backward trace, dx by the core's two teaching paths, and the finite-difference checks.

    The checks use L = Σ δ ⊙ conv2d(x, W, b), so ∂L/∂y = δ; Σ δ ⊙ y is itself the correlation
    of y with δ as a one-filter kernel, so L is two core calls.
    """
    trace = conv2d_backward_trace(dy, x, w, stride, padding)
    x_shape = (1,) + x.shape
    scatter_dx = input_gradient_scatter(dy[None], x_shape, w, stride, padding)[0]
    full_dx = input_gradient_full_conv(dy[None], x_shape, w, stride, padding)[0]
    kernel = dy[None]                                            # (1, F, OH, OW)

    def loss(xv, wv, bv):
        return float(conv2d(conv2d(xv[None], wv, bv, stride, padding), kernel)[0, 0, 0, 0])

    checks = {
        "dx": check_gradient(lambda v: loss(v, w, b), x, trace.dx, eps=EPS),
        "dw": check_gradient(lambda v: loss(x, v, b), w, trace.dw, eps=EPS),
        "db": check_gradient(lambda v: loss(x, w, v), b, trace.db, eps=EPS),
    }
    return trace, scatter_dx, full_dx, checks


def _scatter_after(dy: np.ndarray, k: int, x_shape: tuple, w: np.ndarray, stride: int, padding: int):
    """dx after the first k δ cells (row-major over filter, row, column) have sent δ·W back."""
    sent_so_far = dy.copy()
    sent_so_far.reshape(-1)[k:] = 0.0          # the cells not yet stepped send nothing
    return input_gradient_scatter(sent_so_far[None], x_shape, w, stride, padding)[0]


# The stepper payloads (every cell's grids, window and formula, formatted text): cached per setup, view,
# language and digits shown (bounded). ``view``: "way1", "way2", "way3", "act", "dw".
@st.cache_data(max_entries=64, show_spinner=False)
def stepper_payload(view: str, dy: np.ndarray, x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int,
                    padding: int, f: int, c: int, multi: bool, activation: str, lang: str, digits: int,
                    start: int) -> dict:
    trace = _backward(dy, x, w, b, stride, padding)[0]
    tr = translator(lang)
    if view == "way1":
        return steps.input_cell_steps(trace, c, multi, tr, start=start)
    if view == "way2":
        after = [_scatter_after(dy, k + 1, (1,) + x.shape, w, stride, padding)[c] for k in range(dy.size)]
        return steps.scatter_steps(trace, c, multi, tr, after, start=start)
    if view == "way3":
        return steps.full_conv_steps(trace, c, multi, tr, start=start)
    if view == "act":
        sigma_prime = derivative_from_output(activation, trace.x)
        return steps.sigma_steps(trace, sigma_prime, trace.dx * sigma_prime, c, multi,
                                 activation_name(activation, lang), tr, start=start)
    return steps.weight_steps(trace, f, c, multi, tr, start=start)


@st.cache_data(max_entries=64, show_spinner=False)
def _act_check(x: np.ndarray, w: np.ndarray, b: np.ndarray, dy: np.ndarray, stride: int, padding: int,
               activation: str, delta_prev: np.ndarray):
    """δˡ⁻¹ = ∂E/∂zˡ⁻¹ by finite differences of E(z) = Σ δ ⊙ (σ(z) ⋆ W + b) at z = σ⁻¹(x)."""
    kernel = dy[None]

    def loss(z):
        return float(conv2d(conv2d(activate(activation, z)[None], w, b, stride, padding), kernel)[0, 0, 0, 0])

    return check_gradient(loss, preimage(activation, x), delta_prev, eps=EPS)


# --------------------------------------------------------------------------- small helpers (layout only)
def _check_line(name: str, check) -> None:
    mark = ":material/check_circle:" if check.passed else ":material/cancel:"
    text = t("conv_backward.check_line", name=name, result=error_phrase(check.max_rel_error), eps="2⁻¹⁰",
             verdict=t("conv_backward.passed") if check.passed else t("conv_backward.failed"))
    st.caption(f"{mark} {text}")


def _math(items: list, name: str) -> None:
    """Formulas as MathML in one element (#14: st.latex has KaTeX typeset each formula in the browser on every
    rerun that sends it; a box re-parses only when its formulas changed)."""
    math_box(items, widget_key(PAGE, name))


def _fit_delta(shape: tuple[int, int]) -> None:
    """Button callback: replace δ by the text's map, cut or repeated to the needed shape (data, no math)."""
    st.session_state[widget_key(PAGE, "delta")] = format_matrix(np.resize(SEED_DELTA, shape))


def _bound(value: float) -> str:
    """A range end as a student writes it: ∞ rather than inf."""
    return ("−∞" if value < 0 else "∞") if np.isinf(value) else fmt(value)


def _keep_lr() -> None:
    """Number-input callback: a typed learning rate outside [LR_MIN, LR_MAX] is moved inside (and said)."""
    key = widget_key(PAGE, "lr")
    typed = st.session_state.get(key)
    if isinstance(typed, (int, float)) and not LR_MIN <= typed <= LR_MAX:
        used = LR_MIN if typed < LR_MIN else LR_MAX
        st.session_state[key] = used
        st.session_state[LR_MOVED_KEY] = (float(typed), used)


# --------------------------------------------------------------------------- the layer's numbers
@url_fragment(PAGE, SPECS)   # opening or closing the expander reruns and sends only this part (#14)
def _layer_part() -> None:
    layer = lazy_expander(PAGE, "layer", t("conv_backward.layer_title"))
    if layer is None:
        return
    with layer:
        st.caption(t("conv_backward.layer_caption"))
        # shaded HTML tables, not Plotly heatmaps nor a typeset y: opening the expander draws no chart (#14)
        tables = []
        if dy is not None:
            tables.append(matrix_table(dy[f], t("conv_backward.fig_delta", n=f + 1) if multi
                                       else t("conv_backward.fig_delta1"), cell_names("δ", dy[f].shape)))
        if x is not None:
            tables.append(matrix_table(x[c], t("conv_backward.fig_x", n=c + 1) if multi
                                       else t("conv_backward.fig_x1"), cell_names(X_SYM, x[c].shape)))
        if w is not None:
            tables.append(matrix_table(w[f, c], t("conv_backward.fig_w", f=f + 1, n=c + 1) if multi
                                       else t("conv_backward.fig_w1"), cell_names(W_SYM, w[f, c].shape)))
        if x is not None and w is not None and out_hw is not None:
            y = _forward(x, w, b if multi else np.zeros(1), stride, padding)
            tables.append(matrix_table(y[f], t("conv_backward.fig_y", n=f + 1) if multi
                                       else t("conv_backward.forward_title"), cell_names("y", y[f].shape)))
        if tables:
            st.html(grids_html(tables))
        for value, needs in ((dy, "needs_delta"), (x, "needs_x"), (w, "needs_w")):
            if value is None:
                st.info(t(f"conv_backward.{needs}"))



def _stepper(view: str, start: int) -> None:
    cell_stepper(stepper_payload(view, dy, x, w, b, stride, padding, f, c, multi, activation, lang, digits, start),
                 key=widget_key(PAGE, f"{view}_stepper"))


def _in_start() -> int:
    """The first input cell shown (the link's ``cell=row,col``), kept inside the input."""
    return steps.start_index(st.session_state.get(widget_key(PAGE, "cell"), "1,1"), (H, W))


# --------------------------------------------------------------------------- ∂E/∂x three ways
def _way1() -> None:
    """(1) the chain rule, per input cell: the δ cells whose window covered it, times the weights."""
    st.markdown(f"**{t('conv_backward.way1')}**")
    _stepper("way1", _in_start())
    st.caption(t("conv_backward.way1_figs"))
    if TEXT_EXAMPLE:
        claim_note("s003_eq8", lang)


def _way2() -> None:
    """(2) the scatter view: δ cell by δ cell, each sends δ·W back onto its window."""
    st.markdown(f"**{t('conv_backward.way2')}**")
    st.caption(t("conv_backward.way2_caption"))
    _stepper("way2", int(st.session_state.get(widget_key(PAGE, "step"), 1)) - 1)
    if padding:
        st.caption(t("conv_backward.scatter_padding_note"))


def _way3() -> None:
    """(3) the full convolution of the padded δ with rot180(W), at the chosen input cell."""
    st.markdown(f"**{t('conv_backward.way3')}**")
    st.caption(t("conv_backward.way3_caption", **fx.full_conv_setup(trace)))
    _stepper("way3", _in_start())
    st.caption(t("conv_backward.way3_figs"))


WAYS = ("way1", "way2", "way3")


@url_fragment(PAGE, SPECS)   # its controls (lazy expanders, tabs) rerun only this part
def _dx_section() -> None:
    st.subheader(t("conv_backward.dx_title"))
    st.markdown(t("conv_backward.dx_intro"))
    tabs = url_tabs(PAGE, "way_label", "way", WAYS, [t(f"conv_backward.tab_{name}") for name in WAYS])
    for tab, render in zip(tabs, (_way1, _way2, _way3)):
        if tab.open is not False:
            with tab:
                render()
    d_scatter = relative_error(scatter_dx, full_dx)
    d_vector = relative_error(trace.dx, full_dx)
    agree = max(d_scatter, d_vector) <= REPRODUCED_TOL
    if agree:
        st.success(t("conv_backward.agree", agreement=agreement(max(d_scatter, d_vector))))
    else:
        st.error(t("conv_backward.disagree", a=fmt_power(d_scatter, 2), b=fmt_power(d_vector, 2)))
    if not multi:
        render_check_link("conv_input_grad", dy=trace.dy[0], w=trace.w[0, 0], stride=stride, padding=padding,
                          x_shape=(H, W))


# --------------------------------------------------------------------------- σ' step
@url_fragment(PAGE, SPECS)   # its controls (lazy expanders, tabs) rerun only this part
def _act_section() -> None:
    st.subheader(t("conv_backward.act_title"))
    factor = t(f"conv_backward.act_factor_{activation}")
    act = activation_name(activation)
    st.markdown(t("conv_backward.act_intro", act=act, factor=factor))
    # the whole maps as grids, one cell's product written out (no matrix equation to clip on a narrow screen)
    _stepper("act", _in_start())
    st.caption(t("conv_backward.act_figs"))
    if activation == "relu":
        st.caption(t("conv_backward.act_caption"))
    ok = attainable(activation, trace.x)
    if not ok.all():
        where = tuple(int(v) for v in np.argwhere(~ok)[0])
        try:
            preimage(activation, trace.x)
        except ValueError as err:
            params = err.params
        st.warning(t("conv_backward.act_unattainable", act=act, factor=factor, value=fmt(trace.x[where]),
                     cell=subscript_unicode(X_SYM, *(where if multi else where[1:])),
                     low=_bound(params["low"]), high=_bound(params["high"])))
        return
    sigma_prime = derivative_from_output(activation, trace.x)
    check = _act_check(trace.x, w, b, dy, stride, padding, activation, trace.dx * sigma_prime)
    mark = ":material/check_circle:" if check.passed else ":material/cancel:"
    st.caption(f"{mark} " + t("conv_backward.act_check", eps="2⁻¹⁰", result=error_phrase(check.max_rel_error),
                                verdict=t("conv_backward.passed") if check.passed else t("conv_backward.failed")))


# --------------------------------------------------------------------------- ∂E/∂W, ∂E/∂b
@url_fragment(PAGE, SPECS)   # its controls (lazy expanders, tabs) rerun only this part
def _dw_db_section() -> None:
    st.subheader(t("conv_backward.dw_title"))
    st.markdown(t("conv_backward.dw_intro"))
    _stepper("dw", steps.start_index(st.session_state.get(widget_key(PAGE, "weight"), "1,1"), (KH, KW)))
    st.caption(t("conv_backward.dw_caption"))
    if not multi:
        render_check_link("conv_weight_grad", x=trace.x[0], dy=trace.dy[0], w=trace.w[0, 0], stride=stride,
                          padding=padding)
    if TEXT_EXAMPLE:
        claim_note("s003_eq13", lang)
        claim_note("s003_eq14", lang)
    st.subheader(t("conv_backward.db_title"))
    st.markdown(t("conv_backward.db_intro"))
    _math([fx.db_sum(trace, ff, multi).latex() for ff in range(F)], "db_math")
    if TEXT_EXAMPLE:
        claim_note("s003_eq15", lang)


# --------------------------------------------------------------------------- SGD step
@url_fragment(PAGE, SPECS)   # its controls (lazy expanders, tabs) rerun only this part
def _sgd_section() -> None:
    st.subheader(t("conv_backward.sgd_title"))
    st.markdown(t("conv_backward.sgd_intro", lr=fmt(lr)))
    try:
        new = sgd_step({"w": trace.w, "b": b}, {"w": trace.dw, "b": trace.db}, float(lr))
    except ValueError as err:
        st.error(explain_error(err))
        return
    tabs = local_tabs(f"{PAGE}.sgd_filter", [t("conv_backward.filter_n", n=ff + 1) for ff in range(F)])   # not st.tabs (#14)
    for ff, tab in enumerate(tabs):
        with tab:
            lines = [fx.sgd_kernel_line(trace, new["w"][ff, cc], lr, ff, cc, multi) for cc in range(C)]
            lines.append(fx.sgd_bias_line(trace, b[ff], new["b"][ff], lr, ff, multi))
            _math(lines, f"sgd_{ff + 1}_math")   # one box per filter's tab: its kernels' and its bias's steps
    if multi:
        printed_w = np.asarray(CONV_5X5X3.printed["w_after"])
        printed_b = np.asarray(CONV_5X5X3.printed["b_after"], dtype=float)
        err = max(relative_error(new["w"], printed_w), relative_error(new["b"], printed_b))
        if err <= REPRODUCED_TOL:
            st.success(t("conv_backward.sgd_reproduced", agreement=agreement(err)))
        elif lr != PRINTED_LR:
            st.info(t("conv_backward.sgd_other_lr", printed=fmt(PRINTED_LR), lr=fmt(lr)))
        claim_note("s003_sgd_printed", lang)


# --------------------------------------------------------------------------- gradient checks
@url_fragment(PAGE, SPECS)   # its controls (lazy expanders, tabs) rerun only this part
def _check_section() -> None:
    st.subheader(t("conv_backward.check_title"))
    st.markdown(t("conv_backward.check_intro"))
    _check_line("∂E/∂x", checks["dx"])
    _check_line("∂E/∂W", checks["dw"])
    _check_line("∂E/∂b", checks["db"])


SECTIONS = (("dx", _dx_section), ("act", _act_section), ("dw", _dw_db_section), ("sgd", _sgd_section),
            ("check", _check_section))


# --------------------------------------------------------------------------- take it away
def _export_doc() -> ExportDoc:
    doc = ExportDoc(t("conv_backward.title"))
    doc.step(t("conv_backward.export_layer"), matrices={"δ": trace.dy[f], X_SYM: trace.x[c], W_SYM: trace.w[f, c]})
    doc.step(t("conv_backward.export_dx"), matrices={f"∂E/∂{X_SYM}": trace.dx[c]},
             latex=[fx.dx_chain(trace, c, r, s, multi).latex() for r in range(H) for s in range(W)][:EXPORT_CELLS])
    return doc.step(t("conv_backward.export_dw"), matrices={f"∂E/∂{W_SYM}": trace.dw[f, c]},
                    latex=[fx.dw_sum(trace, f, c, a, q, multi).latex() for a in range(KH) for q in range(KW)]
                    [:EXPORT_CELLS] + [fx.db_sum(trace, ff, multi).latex() for ff in range(F)])


@url_fragment(PAGE, SPECS)   # opening or closing the export panel reruns and sends only this part (#14)
def _export_part() -> None:
    if setup_just_loaded(PAGE):   # a loaded setup file changed the widgets and the editors: the whole page again
        st.rerun()
    export_panel(PAGE, SPECS, _export_doc)


@url_fragment(PAGE, SPECS)   # opening or closing the code panel reruns and sends only this part (#14)
def _code_part() -> None:
    lazy_code_panel(PAGE, lambda: conv2d_backward_code(trace.x, trace.w, trace.dy, b if multi else None,
                                                       stride=stride, padding=padding))


# --------------------------------------------------------------------------- the setup, read from the widgets
# #14 round 11: every control sits in the part that holds everything it changes, so a change is ONE script run of that
# part (its own default rerun), never a callback that reruns parts by name (``st.rerun([keys])`` costs an announced
# run that ends early, then the targeted one: two runs and their whole-page React passes).
# - the setup part (below the title, the introduction and the conventions): the example radio, the learning rate and
#   the sliders, which change what the box shows; it holds the values part.
# - the values part: the matrix editors (δ, x, W with their preset menus, seeds and grids), the δ-size message and its
#   resize button, and the results; a matrix control reruns this part (the editors and the results), not the box
#   above it nor the title.
# - the results part: the activation (and, for the 5×5×3 example, the filter and channel) selects, which change
#   only the results, and the results (the layer, the sections, the panels).
# Parts read the setup from the widgets' state (``_read_setup``): a part's own rerun gets the arguments of the page's
# last full run, not the new values.
VALUES_PART, RESULTS_PART = (f"{PAGE}.{name}_part" for name in ("values", "results"))
FITTED_KEY = f"_{PAGE}.delta_fitted"
EDITOR_KEYS = tuple(widget_key(PAGE, name) for name in ("delta", "x", "w"))
EDITORS_SHOWN_KEY = f"_{PAGE}.editors_shown"
# the editors box's one toggle: the three editors' grids shown or not (kept in the session, not in the link); a toggle
# per editor was three toggles, ~135 React components that every pass of the page re-renders (#14 round 13, as dense)
GRID_TOGGLE = widget_key(PAGE, "grid_on")


def _state(name: str, default=None):
    return st.session_state.get(widget_key(PAGE, name), default)


def _text_matrix(name: str, cap: int) -> np.ndarray | None:
    """The matrix in editor ``name``'s text (session state), or None when it does not parse (the editor says why)."""
    return parse_matrix(str(_state(name, "") or ""), max_rows=cap, max_cols=cap).matrix


def _follow_output_shape(stride: int, padding: int) -> bool:
    """δ follows the output's size when a slider, a link or a new x or W changes it (as the resize button does).

    Writes δ's text (before its editor is drawn) and remembers the output's size; True when δ was refitted."""
    x_now, w_now = _text_matrix("x", MAX_X), _text_matrix("w", MAX_W)
    if x_now is None or w_now is None:
        return False
    try:
        out_now = tuple(conv_output_shape(x_now.shape, w_now.shape, stride, padding))
    except ValueError:
        return False
    d_now = _text_matrix("delta", MAX_X)
    last = st.session_state.get(OUT_SHAPE_KEY)
    fitted = d_now is not None and tuple(d_now.shape) != out_now and (last is None or tuple(last) != out_now)
    if fitted:
        _fit_delta(out_now)
        st.session_state[FITTED_KEY] = True   # δ's column says so under its editor
    st.session_state[OUT_SHAPE_KEY] = out_now
    return fitted


def _read_setup() -> None:
    """The setup as the widgets' state holds it now: the run's globals the results and their sections read."""
    global activation, lr, multi, x, w, b, dy, stride, padding, f, c, X_SYM, W_SYM
    activation = _state("activation", "relu")
    lr = _state("lr", PRINTED_LR)
    multi = _state("example", "one") == "multi"
    if multi:
        ex = CONV_5X5X3
        x = np.asarray(ex.inputs["x"][0])
        w = np.asarray(ex.inputs["w"])
        b = np.asarray(ex.inputs["b"])
        dy = np.asarray(ex.inputs["delta"][0])
        stride, padding = int(ex.params["stride"]), int(ex.params["padding"])
        f, c = int(_state("filter", 1)) - 1, int(_state("channel", 1)) - 1
    else:
        f = c = 0
        b = np.zeros(1)
        stride, padding = int(_state("stride", 1)), int(_state("padding", 0))
        x_m, w_m, d_m = _text_matrix("x", MAX_X), _text_matrix("w", MAX_W), _text_matrix("delta", MAX_X)
        x = None if x_m is None else x_m[None]
        w = None if w_m is None else w_m[None, None]
        dy = None if d_m is None else d_m[None]
    X_SYM, W_SYM = ("x", "w") if multi else ("i", "h")


def _output_hw():
    """``((rows, cols), None)``: the forward output's size for the setup read (``_read_setup``); ``(None, None)`` when
    x or W did not parse (its editor says why), ``(None, error)`` when the core refused the sizes (to be shown)."""
    if x is None or w is None:
        return None, None
    try:
        return conv_output_shape(x.shape[1:], w.shape[2:], stride, padding), None
    except ValueError as err:
        return None, err


# --------------------------------------------------------------------------- page
st.title(t("conv_backward.title"))
st.markdown(t("conv_backward.intro"))
with st.expander(t("conv_backward.conventions_title")):
    st.markdown(t("conv_backward.conventions"))

init_from_url(PAGE, SPECS)
lang = current_language()   # captured for format_func: Streamlit may call it outside the script run
reset_button(PAGE, SPECS, t("conv_backward.reset"), help=t("conv_backward.reset_help"), keep=("tab", "way"),
             extra=lambda: st.session_state.pop(OUT_SHAPE_KEY, None))   # the open sections stay open


def _delta_column() -> None:
    matrix_editor(t("conv_backward.delta_label"), key=widget_key(PAGE, "delta"), default=SEED_DELTA,
                  max_rows=MAX_X, max_cols=MAX_X, height=EDITOR_HEIGHT, grid_shown=_grids_shown())
    if st.session_state.pop(FITTED_KEY, False):
        st.caption(t("conv_backward.delta_fitted"))


def _matrix_column(name: str, kind: str, example: np.ndarray, cap: int) -> None:
    """x's or W's editor column: its preset menu and its editor (their changes rerun the values part)."""
    preset_selector(widget_key(PAGE, name), kind=kind, example=example, max_rows=cap, max_cols=cap)
    matrix_editor(t(f"conv_backward.{name}_label"), key=widget_key(PAGE, name), default=example,
                  max_rows=cap, max_cols=cap, height=EDITOR_HEIGHT, grid_shown=_grids_shown())


def _grids_shown() -> bool:
    """Whether the editors box's grid toggle (``conv_backward.grid_on``) is on: every editor shows its grid then."""
    return bool(st.session_state.get(GRID_TOGGLE, False))


@url_fragment(PAGE, SPECS)
def _setup_part() -> None:
    """The example, the learning rate and the sliders in the setup box, and the values part below them (#14): one of
    these controls reruns and sends only this part, not the title, the introduction and the conventions above."""
    with st.container(border=True):
        top = st.columns([3, 1])
        with top[0]:
            example = st.radio(t("conv_backward.example"), EXAMPLES, key=widget_key(PAGE, "example"), horizontal=True,
                               format_func=lambda e: translate(lang, f"conv_backward.example_{e}"))
        with top[1]:
            # no min/max on the widget: the browser would silently refuse a typed 50; the callback moves it inside
            # [LR_MIN, LR_MAX] and the page says what happened and what is used
            keep_number(widget_key(PAGE, "lr"), LR_MIN, LR_MAX)
            st.number_input(t("conv_backward.lr"), step=0.001, format="%g", key=widget_key(PAGE, "lr"),
                            on_change=_keep_lr)
            moved = st.session_state.pop(LR_MOVED_KEY, None)
            if moved is not None:
                st.warning(t("conv_backward.lr_moved", typed=fmt(moved[0]), used=fmt(moved[1]), low=fmt(LR_MIN),
                             high=fmt(LR_MAX)))
        if example == "multi":
            # the editors are not drawn: their texts (and grid toggles, seeds) outlive their widgets
            for key in (*EDITOR_KEYS, GRID_TOGGLE):
                keep_editor_state(key)
            st.session_state[EDITORS_SHOWN_KEY] = False
            ex = CONV_5X5X3
            st.caption(t("conv_backward.multi_fixed", stride=int(ex.params["stride"]),
                         padding=int(ex.params["padding"])))
        else:
            sliders = st.columns(2)
            with sliders[0]:
                st.slider(t("conv_backward.stride"), 1, 3, key=widget_key(PAGE, "stride"))
            with sliders[1]:
                st.slider(t("conv_backward.padding"), 0, 2, key=widget_key(PAGE, "padding"))
            if not st.session_state.get(EDITORS_SHOWN_KEY, True):
                # drawn again after the 5×5×3 example: written this run, so each is sent with its text (the browser
                # forgot it with the widget and would show an empty box while the page computes with the text)
                for key in (*EDITOR_KEYS, GRID_TOGGLE):
                    keep_editor_state(key)
            st.session_state[EDITORS_SHOWN_KEY] = True
    _values_part()


@url_fragment(PAGE, SPECS, key=VALUES_PART)
def _values_part() -> None:
    """The matrix editors (one-channel example), the δ-size message with its resize button, and the results part.

    A preset, a seed, a typed or grid-edited matrix, or the resize button reruns this part alone, in one script run
    (#14 round 11: round 10 reran named parts from the control's callback, two runs). δ follows a new output size
    before its editor is drawn (``_follow_output_shape``). The results part keeps its place in both examples (the
    5×5×3 example holds the editors' place with an empty element), so switching the example updates it in place."""
    if _state("example", "one") != "multi":
        with st.container(border=True):
            _follow_output_shape(int(_state("stride", 1)), int(_state("padding", 0)))   # before δ's editor is drawn
            st.toggle(t("conv_backward.grid_toggle"), key=GRID_TOGGLE)   # no help: its tooltip is ~14 components more
            eds = st.columns(3)
            with eds[0]:
                _delta_column()
            with eds[1]:
                _matrix_column("x", "input", ONE_X, MAX_X)
            with eds[2]:
                _matrix_column("w", "kernel", ONE_W, MAX_W)
    else:
        # the editors' place, held: the browser keys a block by its place among its siblings, so without this the
        # results part moved up one place and React mounted all of it anew (steppers, tabs, selects: ~1,000
        # components) on every switch of the example instead of updating it (#14 round 12: 155 -> 118 ms)
        st.empty()
    # --- the forward shape: δ must be the output's size (said here: the resize button changes δ's editor above)
    _read_setup()
    out_now, err = _output_hw()
    if err is not None:
        st.error(explain_error(err))
    if dy is not None and out_now is not None and tuple(dy.shape[1:]) != tuple(out_now):
        st.error(t("conv_backward.delta_shape", oh=out_now[0], ow=out_now[1], rows=dy.shape[1], cols=dy.shape[2]))
        st.button(t("conv_backward.fit_delta", oh=out_now[0], ow=out_now[1]), key=widget_key(PAGE, "fit"),
                  on_click=_fit_delta, args=(tuple(out_now),))
    _results()


def _result_selects() -> None:
    """The menus that change only the results (drawn in the results part: a change is its one run): the activation
    and the 5×5×3 example's filter and channel, choice menus (``ui.components.choice_menu``)."""
    # the browser's own <select> (#14 round 12): ~20 React components each in the page's tree (and mounted when the
    # filter and channel appear with the 5×5×3 example), not a selectbox's ~110, and no popover mounted per pick; the
    # choice is kept under the same keys (the link, the reset)
    cols = st.columns(3)
    with cols[0]:
        choice_menu(t("conv_backward.activation"), [(a, activation_name(a, lang)) for a in ACTIVATIONS],
                    widget_key(PAGE, "activation"))
    if _state("example", "one") == "multi":
        with cols[1]:
            choice_menu(t("conv_backward.filter"), [(v, t("conv_backward.filter_n", n=v)) for v in (1, 2)],
                        widget_key(PAGE, "filter"))
        with cols[2]:
            choice_menu(t("conv_backward.channel"), [(v, t("conv_backward.channel_n", n=v)) for v in (1, 2, 3)],
                        widget_key(PAGE, "channel"))


@url_fragment(PAGE, SPECS, key=RESULTS_PART)
def _results() -> None:
    """The activation (filter, channel) selects and everything below them, from the setup as the widgets hold it
    (``_read_setup``). Its results are the run's globals: the sections, the layer expander and the panels (parts of
    their own) read them when they rerun alone."""
    global TEXT_EXAMPLE, out_hw, trace, scatter_dx, full_dx, checks, F, C, KH, KW, H, W, digits, dy
    _result_selects()
    _read_setup()
    # the text's own one-channel example is on screen (its notes about eq. (8), (13)–(15) belong to it)
    TEXT_EXAMPLE = (not multi and x is not None and w is not None and x.shape[1:] == ONE_X.shape
                    and w.shape[2:] == ONE_W.shape and stride == 1 and padding == 0)
    out_hw = _output_hw()[0]   # a size the core refuses, or δ of another size: said above, in the values part
    if dy is not None and out_hw is not None and tuple(dy.shape[1:]) != tuple(out_hw):
        dy = None

    # --- the numbers of the layer (each drawn if it parsed), lazily: the editors show them as text ------
    if x is not None and w is not None and out_hw is not None:
        st.caption(t("conv_backward.forward_caption", oh=out_hw[0], ow=out_hw[1], stride=stride, padding=padding))
    _layer_part()

    trace = None
    if x is not None and w is not None and dy is not None and out_hw is not None:
        try:
            trace, scatter_dx, full_dx, checks = _backward(dy, x, w, b, stride, padding)
        except ValueError as err:
            st.error(explain_error(err))
    if trace is None:
        st.info(t("conv_backward.skipped"))
        return   # the part's wrapper writes the link

    F, C, KH, KW = trace.w.shape
    H, W = trace.dx.shape[1:]
    digits = display_digits()

    # Only the open tab is computed and sent; the link keeps it (``?tab=dw``).
    section_tabs = url_tabs(PAGE, "tab_label", "tab", SECTION_NAMES,
                            [t(f"conv_backward.tab_{name}") for name in SECTION_NAMES])
    for section_tab, (_, render) in zip(section_tabs, SECTIONS):
        if section_tab.open is not False:
            with section_tab:
                render()

    _export_part()
    _code_part()


_setup_part()
sync_to_url(PAGE, SPECS)
