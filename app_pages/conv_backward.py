"""Convolution backward: δˡ → ∂E/∂x three ways, ∂E/∂W, ∂E/∂b, the σ' step and the Hands-on CNN project's SGD step.

Thin: widgets and URL in -> cnn_core (conv2d_backward_trace, input_gradient_scatter,
input_gradient_full_conv, gradcheck, activations, sgd_step) -> ui.formulas.conv_backward and
ui.page_kit out. The page only selects and slices what the core returns; no index arithmetic.
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
from ui.formulas import conv_backward as fx
from ui.i18n import current_language, explain_error, t, translate
from ui.latex import equation_lines, fmt, fmt_latex, latex_matrix, subscript, subscript_unicode
from ui.matrix_input import format_matrix, matrix_editor
from ui.page_kit import activation_name, cached_figure, keep_choice, lazy_tabs, show_chart
from ui.url_state import ChoiceParam, FloatParam, IntParam, MatrixParam, init_from_url, sync_to_url, widget_key

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

SPECS = (
    ChoiceParam("example", "one", EXAMPLES),
    IntParam("stride", 1, 1, 3),
    IntParam("padding", 0, 0, 2),
    FloatParam("lr", PRINTED_LR, 1e-6, 10.0),
    ChoiceParam("activation", "relu", ACTIVATIONS),
    ChoiceParam("cell", "1,2", CELLS),
    ChoiceParam("weight", "1,1", CELLS),
    IntParam("step", 1, 1, 1000),
    IntParam("filter", 1, 1, 2),
    IntParam("channel", 1, 1, 3),
    MatrixParam("delta", SEED_DELTA, MAX_X, MAX_X),
    MatrixParam("x", ONE_X, MAX_X, MAX_X),
    MatrixParam("w", ONE_W, MAX_W, MAX_W),
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


@st.cache_data(max_entries=256, show_spinner=False)
def _scatter_after(dy: np.ndarray, k: int, x_shape: tuple, w: np.ndarray, stride: int, padding: int):
    """dx after the first k δ cells (row-major over filter, row, column) have sent δ·W back."""
    sent_so_far = dy.copy()
    sent_so_far.reshape(-1)[k:] = 0.0          # the cells not yet stepped send nothing
    return input_gradient_scatter(sent_so_far[None], x_shape, w, stride, padding)[0]


@st.cache_data(max_entries=64, show_spinner=False)
def _act_check(x: np.ndarray, w: np.ndarray, b: np.ndarray, dy: np.ndarray, stride: int, padding: int,
               activation: str, delta_prev: np.ndarray):
    """δˡ⁻¹ = ∂E/∂zˡ⁻¹ by finite differences of E(z) = Σ δ ⊙ (σ(z) ⋆ W + b) at z = σ⁻¹(x)."""
    kernel = dy[None]

    def loss(z):
        return float(conv2d(conv2d(activate(activation, z)[None], w, b, stride, padding), kernel)[0, 0, 0, 0])

    return check_gradient(loss, preimage(activation, x), delta_prev, eps=EPS)


def _heat(*args, **kwargs):
    return cached_figure("heat", *args, **kwargs)


def _animation(*args, **kwargs):
    return cached_figure("animation", *args, **kwargs)


# --------------------------------------------------------------------------- small helpers (layout only)
def _cell(value: str) -> tuple[int, int]:
    r, c = value.split(",")
    return int(r) - 1, int(c) - 1


def _check_line(name: str, check) -> None:
    mark = ":material/check_circle:" if check.passed else ":material/cancel:"
    text = t("conv_backward.check_line", name=name, err=fmt(check.max_rel_error, 2), eps="2⁻¹⁰",
             verdict=t("conv_backward.passed") if check.passed else t("conv_backward.failed"))
    st.caption(f"{mark} {text}")


def _chart(fig, name: str) -> None:
    show_chart(fig, PAGE, f"fig_{name}")


def _fit_delta(shape: tuple[int, int]) -> None:
    """Button callback: replace δ by the text's map, cut or repeated to the needed shape (data, no math)."""
    st.session_state[widget_key(PAGE, "delta")] = format_matrix(np.resize(SEED_DELTA, shape))


# --------------------------------------------------------------------------- page
st.title(t("conv_backward.title"))
st.markdown(t("conv_backward.intro"))
with st.expander(t("conv_backward.conventions_title")):
    st.markdown(t("conv_backward.conventions"))

init_from_url(PAGE, SPECS)
lang = current_language()   # captured for format_func: Streamlit may call it outside the script run

with st.container(border=True):
    top = st.columns([2, 1, 1])
    with top[0]:
        example = st.radio(t("conv_backward.example"), EXAMPLES, key=widget_key(PAGE, "example"), horizontal=True,
                           format_func=lambda e: translate(lang, f"conv_backward.example_{e}"))
    with top[1]:
        activation = st.selectbox(t("conv_backward.activation"), ACTIVATIONS, key=widget_key(PAGE, "activation"),
                                  format_func=lambda a: activation_name(a, lang))
    with top[2]:
        lr = st.number_input(t("conv_backward.lr"), min_value=1e-6, max_value=10.0, step=0.001, format="%g",
                             key=widget_key(PAGE, "lr"))
    multi = example == "multi"
    if multi:
        ex = CONV_5X5X3
        x = np.asarray(ex.inputs["x"][0])
        w = np.asarray(ex.inputs["w"])
        b = np.asarray(ex.inputs["b"])
        dy = np.asarray(ex.inputs["delta"][0])
        stride, padding = int(ex.params["stride"]), int(ex.params["padding"])
        st.caption(t("conv_backward.multi_fixed", stride=stride, padding=padding))
        sel = st.columns(2)
        with sel[0]:
            f = st.selectbox(t("conv_backward.filter"), [1, 2], key=widget_key(PAGE, "filter"),
                             format_func=lambda v: translate(lang, "conv_backward.filter_n", n=v)) - 1
        with sel[1]:
            c = st.selectbox(t("conv_backward.channel"), [1, 2, 3], key=widget_key(PAGE, "channel"),
                             format_func=lambda v: translate(lang, "conv_backward.channel_n", n=v)) - 1
    else:
        f = c = 0
        b = np.zeros(1)
        sliders = st.columns(2)
        with sliders[0]:
            stride = st.slider(t("conv_backward.stride"), 1, 3, key=widget_key(PAGE, "stride"))
        with sliders[1]:
            padding = st.slider(t("conv_backward.padding"), 0, 2, key=widget_key(PAGE, "padding"))
        eds = st.columns(3)
        with eds[0]:
            d_text = matrix_editor(t("conv_backward.delta_label"), key=widget_key(PAGE, "delta"), default=SEED_DELTA,
                                   max_rows=MAX_X, max_cols=MAX_X, height=EDITOR_HEIGHT)
        with eds[1]:
            x_text = matrix_editor(t("conv_backward.x_label"), key=widget_key(PAGE, "x"), default=ONE_X,
                                   max_rows=MAX_X, max_cols=MAX_X, height=EDITOR_HEIGHT)
        with eds[2]:
            w_text = matrix_editor(t("conv_backward.w_label"), key=widget_key(PAGE, "w"), default=ONE_W,
                                   max_rows=MAX_W, max_cols=MAX_W, height=EDITOR_HEIGHT)
        x = None if x_text is None else x_text[None]
        w = None if w_text is None else w_text[None, None]
        dy = None if d_text is None else d_text[None]

X_SYM, W_SYM = ("x", "w") if multi else ("i", "h")

# --- the forward shape: δ must be the output's size -------------------------------------------
out_hw = None
if x is not None and w is not None:
    try:
        out_hw = conv_output_shape(x.shape[1:], w.shape[2:], stride, padding)
    except ValueError as err:
        st.error(explain_error(err))
if dy is not None and out_hw is not None and tuple(dy.shape[1:]) != tuple(out_hw):
    st.error(t("conv_backward.delta_shape", oh=out_hw[0], ow=out_hw[1], rows=dy.shape[1], cols=dy.shape[2]))
    st.button(t("conv_backward.fit_delta", oh=out_hw[0], ow=out_hw[1]), key=widget_key(PAGE, "fit"),
              on_click=_fit_delta, args=(tuple(out_hw),))
    dy = None

# --- the numbers of the layer (each drawn if it parsed), lazily: the editors show them as text ------
if x is not None and w is not None and out_hw is not None:
    st.caption(t("conv_backward.forward_caption", oh=out_hw[0], ow=out_hw[1], stride=stride, padding=padding))
layer = st.expander(t("conv_backward.layer_title"), key=widget_key(PAGE, "layer"), on_change="rerun")
with layer:
    if layer.open:
        st.caption(t("conv_backward.layer_caption"))
        cols = st.columns(3)
        with cols[0]:
            if dy is not None:
                _chart(_heat(dy[f], title=t("conv_backward.fig_delta", n=f + 1) if multi
                             else t("conv_backward.fig_delta1"), symbol="δ", lang=lang), "delta")
            else:
                st.info(t("conv_backward.needs_delta"))
        with cols[1]:
            if x is not None:
                _chart(_heat(x[c], title=t("conv_backward.fig_x", n=c + 1) if multi
                             else t("conv_backward.fig_x1"), symbol=X_SYM, lang=lang), "x")
            else:
                st.info(t("conv_backward.needs_x"))
        with cols[2]:
            if w is not None:
                _chart(_heat(w[f, c], title=t("conv_backward.fig_w", f=f + 1, n=c + 1) if multi
                             else t("conv_backward.fig_w1"), symbol=W_SYM, lang=lang), "w")
            else:
                st.info(t("conv_backward.needs_w"))
        if x is not None and w is not None and out_hw is not None:
            y = _forward(x, w, b if multi else np.zeros(1), stride, padding)
            st.markdown(f"**{t('conv_backward.forward_title')}**")
            st.latex(rf"y{'^{(' + str(f + 1) + ')}' if multi else ''} = {latex_matrix(y[f])}")

trace = None
if x is not None and w is not None and dy is not None and out_hw is not None:
    try:
        trace, scatter_dx, full_dx, checks = _backward(dy, x, w, b, stride, padding)
    except ValueError as err:
        st.error(explain_error(err))
if trace is None:
    st.info(t("conv_backward.skipped"))
    sync_to_url(PAGE, SPECS)
    st.stop()

F, C, KH, KW = trace.w.shape
H, W = trace.dx.shape[1:]
OH, OW = trace.dy.shape[1:]


def _choose_cell() -> tuple[int, int]:
    """The input-cell selector (the same widget key in every section that explains one input cell)."""
    options = [f"{rr},{qq}" for rr in range(1, H + 1) for qq in range(1, W + 1)]
    keep_choice(widget_key(PAGE, "cell"), options)
    chosen = st.selectbox(t("conv_backward.cell"), options, key=widget_key(PAGE, "cell"),
                          format_func=lambda v: subscript_unicode(X_SYM, *((c,) if multi else ()), *_cell(v)))
    sync_to_url(PAGE, SPECS)
    return _cell(chosen)


# --------------------------------------------------------------------------- ∂E/∂x three ways
# Fragments: moving a selector that only changes which cell/step is explained reruns just its part.
@st.fragment
def _way1(trace) -> None:
    """(1) the chain rule, per input cell: the δ cells whose window covered it, times the weights."""
    st.markdown(f"**{t('conv_backward.way1')}**")
    r, s = _choose_cell()
    terms = trace.dx_terms(c, r, s)
    st.latex(fx.dx_chain(trace, c, r, s, multi).latex())
    st.caption(t("conv_backward.way1_caption", n=len(terms)) if terms else t("conv_backward.way1_none"))
    covered = sorted({(tm.oi, tm.oj) for tm in terms})
    name = subscript_unicode(X_SYM, *((c,) if multi else ()), r, s)
    if F > 1:
        fig = cached_figure("channels", trace.dy, titles=[t("conv_backward.filter_n", n=ff + 1) for ff in range(F)],
                            title=t("conv_backward.fig_way1", cell=name), symbol="δ", cells=covered,
                            col_title="", lang=lang)   # the panel titles sit where the column title would
    else:
        fig = _heat(trace.dy[0], title=t("conv_backward.fig_way1", cell=name), symbol="δ", cells=covered, lang=lang)
    _chart(fig, "way1")
    if not multi and W >= 3:
        st.warning(t("conv_backward.seed_eq8", right=fx.dx_terms_text(trace, 0, 0, 2)))


@st.fragment
def _way2(trace, dy, x, w) -> None:
    """(2) the scatter view: δ cell by δ cell, each sends δ·W back onto its window."""
    st.markdown(f"**{t('conv_backward.way2')}**")
    st.caption(t("conv_backward.way2_caption"))
    total_steps = fx.scatter_steps(trace)
    if st.session_state.get(widget_key(PAGE, "step"), 1) > total_steps:
        st.session_state[widget_key(PAGE, "step")] = 1
    step = st.slider(t("conv_backward.step"), 1, total_steps, key=widget_key(PAGE, "step")) if total_steps > 1 else 1
    sync_to_url(PAGE, SPECS)
    fk, oi, oj, window = fx.scatter_step(trace, step)
    sent = trace.contributions[fk, oi, oj, c]
    after = _scatter_after(dy, step, (1,) + x.shape, w, stride, padding)
    st.latex(rf"{fx.sym_d(multi, fk, oi, oj)} \cdot {fx.kernel_name(multi, fk, c)}"
             rf" = {fmt_latex(trace.dy[fk, oi, oj])} \times {latex_matrix(trace.w[fk, c])}"
             rf" = {latex_matrix(sent)}")
    sc = st.columns(2)
    with sc[0]:
        _chart(_heat(trace.dy[fk], title=t("conv_backward.fig_scatter_delta", n=fk + 1) if multi
                     else t("conv_backward.fig_delta1"), symbol="δ", cells=[(oi, oj)], lang=lang), "scatter_delta")
    with sc[1]:
        _chart(_heat(after[c], title=t("conv_backward.fig_after", k=step, total=total_steps),
                     symbol="∂E/∂" + X_SYM, highlight=window, signed=True, lang=lang), "scatter_after")
    st.caption(t("conv_backward.scatter_where", k=step, total=total_steps,
                 symbol=subscript_unicode("δ", oi, oj) + (f" ({t('conv_backward.filter_n', n=fk + 1)})" if multi else "")))
    if window is None:
        st.caption(t("conv_backward.scatter_on_padding"))
    if padding:
        st.caption(t("conv_backward.scatter_padding_note"))


@st.fragment
def _way3(trace) -> None:
    """(3) the full convolution of the padded δ with rot180(W), at the chosen input cell."""
    st.markdown(f"**{t('conv_backward.way3')}**")
    st.caption(t("conv_backward.way3_caption", **fx.full_conv_setup(trace)))
    r, s = _choose_cell()
    R, S = fx.padded_position(trace, r, s)
    Wp = trace.dx_padded.shape[2]
    windows, labels = fx.full_conv_frames(trace, X_SYM, t("conv_backward.pad_label"))
    row_labels, col_labels = fx.padded_axis_labels(trace)
    st.latex(rf"{fx.rotated_kernel_name(multi, f, c)} = \mathrm{{rot180}}({fx.kernel_name(multi, f, c)})"
             rf" = {latex_matrix(trace.w_rot180[f, c])}")
    fc = st.columns(2)
    with fc[0]:
        _chart(_animation(trace.dy_padded[f], windows,
                          title=t("conv_backward.fig_padded", n=f + 1) if multi else t("conv_backward.fig_padded1"),
                          symbol="δ̃", frame_labels=labels, active=R * Wp + S, lang=lang), "full_padded")
    with fc[1]:
        names = fx.padded_names(trace, "∂E/∂" + X_SYM, t("conv_backward.pad_label"), c if multi else None)
        _chart(_heat(trace.dx_padded[c], title=t("conv_backward.fig_dx_padded"), symbol="∂E/∂" + X_SYM,
                     highlight=(R, S, R, S), mask=trace.pad_mask, mask_label=t("conv_backward.cropped"),
                     signed=True, row_labels=row_labels, col_labels=col_labels,
                     hover_names=tuple(map(tuple, names)), lang=lang), "full_dx")
    st.caption(t("conv_backward.way3_figs"))
    st.latex(fx.dx_full(trace, c, r, s, multi).latex())


def _dx_section() -> None:
    st.subheader(t("conv_backward.dx_title"))
    st.markdown(t("conv_backward.dx_intro"))
    lazy_tabs(PAGE, "way", [(t("conv_backward.tab_way1"), lambda: _way1(trace)),
                            (t("conv_backward.tab_way2"), lambda: _way2(trace, dy, x, w)),
                            (t("conv_backward.tab_way3"), lambda: _way3(trace))])
    d_scatter = relative_error(scatter_dx, full_dx)
    d_vector = relative_error(trace.dx, full_dx)
    agree = max(d_scatter, d_vector) <= REPRODUCED_TOL
    (st.success if agree else st.error)(t("conv_backward.agree" if agree else "conv_backward.disagree",
                                          a=fmt(d_scatter, 2), b=fmt(d_vector, 2)))


# --------------------------------------------------------------------------- σ' step
@st.fragment
def _act_cell(trace, sigma_prime, delta_prev) -> None:
    r, s = _choose_cell()
    # the whole maps, the chosen cell boxed: ∂E/∂x ⊙ σ'(zˡ⁻¹) = δˡ⁻¹
    st.latex(rf"\frac{{\partial E}}{{\partial x}} \odot \sigma'(z^{{l-1}}) = "
             rf"{latex_matrix(trace.dx[c], highlight=[(r, s)])} \odot {latex_matrix(sigma_prime[c], highlight=[(r, s)])}"
             rf" = {latex_matrix(delta_prev[c], highlight=[(r, s)])} = \delta^{{l-1}}")
    st.latex(fx.sigma_step(float(trace.dx[c, r, s]), float(sigma_prime[c, r, s]), float(delta_prev[c, r, s]),
                           c, r, s, multi).latex())


def _act_section() -> None:
    st.subheader(t("conv_backward.act_title"))
    factor = t(f"conv_backward.act_factor_{activation}")
    act = activation_name(activation)
    st.markdown(t("conv_backward.act_intro", act=act, factor=factor))
    sigma_prime = derivative_from_output(activation, trace.x)
    delta_prev = trace.dx * sigma_prime
    _act_cell(trace, sigma_prime, delta_prev)
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
                     low=fmt(params["low"]), high=fmt(params["high"])))
        return
    check = _act_check(trace.x, w, b, dy, stride, padding, activation, delta_prev)
    mark = ":material/check_circle:" if check.passed else ":material/cancel:"
    st.caption(f"{mark} " + t("conv_backward.act_check", eps="2⁻¹⁰", err=fmt(check.max_rel_error, 2),
                                verdict=t("conv_backward.passed") if check.passed else t("conv_backward.failed")))


# --------------------------------------------------------------------------- ∂E/∂W, ∂E/∂b
@st.fragment
def _dw_weight(trace) -> None:
    w_options = [f"{a},{q}" for a in range(1, KH + 1) for q in range(1, KW + 1)]
    keep_choice(widget_key(PAGE, "weight"), w_options)
    ka, kb = _cell(st.selectbox(t("conv_backward.weight"), w_options, key=widget_key(PAGE, "weight"),
                                format_func=lambda v: subscript_unicode(W_SYM, *_cell(v))))
    sync_to_url(PAGE, SPECS)
    st.latex(fx.dw_sum(trace, f, c, ka, kb, multi).latex())
    if padding:
        st.caption(t("conv_backward.dw_padding_note"))
    wc = st.columns(2)
    with wc[0]:
        _chart(_heat(trace.x_padded[c], title=t("conv_backward.fig_dw_cells", w=subscript_unicode(W_SYM, ka, kb)),
                     symbol=X_SYM, cells=fx.dw_cells(trace, f, c, ka, kb), mask=trace.pad_mask, mask_label="0",
                     hover_names=tuple(map(tuple, fx.padded_names(trace, X_SYM, t("conv_backward.pad_label"),
                                                                  c if multi else None))),
                     row_labels=fx.padded_axis_labels(trace)[0], col_labels=fx.padded_axis_labels(trace)[1],
                     lang=lang), "dw_cells")
    with wc[1]:
        st.latex(rf"\frac{{\partial E}}{{\partial {fx.kernel_name(multi, f, c)}}} = {latex_matrix(trace.dw[f, c], highlight=[(ka, kb)])}")


def _dw_db_section() -> None:
    st.subheader(t("conv_backward.dw_title"))
    st.markdown(t("conv_backward.dw_intro"))
    _dw_weight(trace)
    st.caption(t("conv_backward.dw_caption"))
    if not multi:
        st.warning(t("conv_backward.seed_eq13"))
        st.warning(t("conv_backward.seed_eq14", s=stride, p=padding))
    st.subheader(t("conv_backward.db_title"))
    st.markdown(t("conv_backward.db_intro"))
    for ff in range(F):
        st.latex(fx.db_sum(trace, ff, multi).latex())
    if not multi:
        st.warning(t("conv_backward.seed_eq15", n=OH * OW))


# --------------------------------------------------------------------------- SGD step
def _sgd_section() -> None:
    st.subheader(t("conv_backward.sgd_title"))
    st.markdown(t("conv_backward.sgd_intro", lr=fmt(lr)))
    try:
        new = sgd_step({"w": trace.w, "b": b}, {"w": trace.dw, "b": trace.db}, float(lr))
    except ValueError as err:
        st.error(explain_error(err))
        return
    lr_tex = fmt_latex(lr)
    if multi and lr != PRINTED_LR:
        st.info(t("conv_backward.sgd_other_lr", printed=fmt(PRINTED_LR), lr=fmt(lr)))
    tabs = st.tabs([t("conv_backward.filter_n", n=ff + 1) for ff in range(F)])
    for ff, tab in enumerate(tabs):
        with tab:
            for cc in range(C):
                name = fx.kernel_name(multi, ff, cc)
                st.latex(rf"{name} - {lr_tex}\,\frac{{\partial E}}{{\partial {name}}} = {latex_matrix(trace.w[ff, cc])}"
                         rf" - {lr_tex} \times {latex_matrix(trace.dw[ff, cc])} = {latex_matrix(new['w'][ff, cc])}")
            b_sym = subscript("b", ff) if multi else "b"
            st.latex(equation_lines(rf"{b_sym} - {lr_tex}\,\frac{{\partial E}}{{\partial {b_sym}}}",
                                    rf"{fmt_latex(b[ff], factor=False)} - {lr_tex} \times {fmt_latex(trace.db[ff])}",
                                    float(new["b"][ff])))
            if multi:
                printed_w = np.asarray(CONV_5X5X3.printed["w_after"][ff])
                printed_b = float(CONV_5X5X3.printed["b_after"][ff])
                err_w = relative_error(new["w"][ff], printed_w)
                err_b = relative_error(new["b"][ff:ff + 1], [printed_b])
                ok = max(err_w, err_b) <= REPRODUCED_TOL
                with st.expander(t("conv_backward.printed_title", n=ff + 1), expanded=False):
                    for cc in range(C):
                        st.latex(rf"\text{{{t('conv_backward.printed_word')}}}\; W^{{({ff + 1},{cc + 1})}} = "
                                 rf"{latex_matrix(printed_w[cc])}")
                    st.latex(rf"\text{{{t('conv_backward.printed_word')}}}\; {b_sym} = {fmt_latex(printed_b, factor=False)}")
                (st.success if ok else st.warning)(
                    t("conv_backward.reproduced" if ok else "conv_backward.not_reproduced", n=ff + 1,
                      err=fmt(max(err_w, err_b), 2), b_printed=fmt(printed_b), b_new=fmt(new["b"][ff])))


# --------------------------------------------------------------------------- gradient checks
def _check_section() -> None:
    st.subheader(t("conv_backward.check_title"))
    st.markdown(t("conv_backward.check_intro"))
    _check_line("∂E/∂x", checks["dx"])
    _check_line("∂E/∂W", checks["dw"])
    _check_line("∂E/∂b", checks["db"])


# Only the open tab is computed and sent: a slider move re-renders that tab's figures, not the page's.
SECTIONS = (("dx", _dx_section), ("act", _act_section), ("dw", _dw_db_section), ("sgd", _sgd_section),
            ("check", _check_section))
lazy_tabs(PAGE, "section", [(t(f"conv_backward.tab_{name}"), render) for name, render in SECTIONS])

sync_to_url(PAGE, SPECS)
