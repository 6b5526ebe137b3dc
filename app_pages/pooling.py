"""Pooling: max and average, forward (windows, winners, means) and backward (route / share of δ).

Thin: widgets and URL in -> cnn_core.pool / cnn_core.activations -> ui renderers out.
Every number shown comes from a core trace (PoolTrace, PoolBackwardTrace) or core function.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from cnn_core.activations import ACTIVATIONS, activate, activation_backward, activation_derivative
from cnn_core.pool import POOL_MODES, pool2d_backward, pool2d_backward_trace, pool2d_trace
from cnn_core.worked_examples import POOL_ROUTE
from ui.heatmap import CELL_COLOR, matrix_heatmap, window_animation, window_shape
from ui.i18n import current_language, explain_error, t, translate
from ui.latex import equation_lines, fmt, fmt_latex, latex_matrix, subscript, subscript_unicode
from ui.matrix_input import format_matrix, matrix_editor
from ui.url_state import ChoiceParam, IntParam, MatrixParam, init_from_url, sync_to_url

PAGE = "pooling"
DEFAULT_X = np.array(POOL_ROUTE.inputs["x"][0, 0])
DEFAULT_DELTA = np.array(POOL_ROUTE.inputs["delta"][0, 0])
SEED_KERNEL = POOL_ROUTE.params["kernel"]
SEED_STRIDE = POOL_ROUTE.params["stride"]
CHART = {"displayModeBar": False}
UPSAMPLE = r"\operatorname{upsample}(\delta^l)"
DELTA_PREV = r"\delta^{l-1}"

SPECS = (
    ChoiceParam("mode", "max", POOL_MODES, label_key="pooling.param_mode"),
    IntParam("kernel", SEED_KERNEL, 1, 6),
    IntParam("stride", SEED_STRIDE, 1, 6),
    IntParam("padding", 0, 0, 3),
    ChoiceParam("activation", "identity", ACTIVATIONS, label_key="pooling.param_activation"),
    MatrixParam("input", DEFAULT_X, 12, 12, label_key="pooling.param_input"),
    MatrixParam("delta", DEFAULT_DELTA, 12, 12, label_key="pooling.param_delta"),
)

# Pure core calls, cached: a rerun that changes nothing recomputes nothing.
_forward = st.cache_data(pool2d_trace, max_entries=256, show_spinner=False)
_backward = st.cache_data(pool2d_backward_trace, max_entries=256, show_spinner=False)
_activate = st.cache_data(activate, max_entries=256, show_spinner=False)
_derivative = st.cache_data(activation_derivative, max_entries=256, show_spinner=False)
_through_activation = st.cache_data(activation_backward, max_entries=256, show_spinner=False)


@st.cache_data(max_entries=1, show_spinner=False)
def _seed_routes() -> dict[str, np.ndarray]:
    """Seed 001's δ through 2×2 max and average pooling, as the core computes them."""
    x, delta = POOL_ROUTE.inputs["x"], POOL_ROUTE.inputs["delta"]
    return {mode: pool2d_backward(delta, x, SEED_KERNEL, SEED_STRIDE, 0, mode)[0, 0] for mode in POOL_MODES}


def _chart(fig, name: str) -> None:
    st.plotly_chart(fig, key=f"{PAGE}.fig_{name}", config=CHART)


def _cell_select(name: str, label: str, shape: tuple[int, int], symbol: str) -> tuple[int, int]:
    """A selectbox over the cells of a matrix (0-based tuples shown 1-based); keeps a valid choice.

    The choice is also kept under a private key: Streamlit drops a widget's state while its tab is
    closed, and the student finds the same cell chosen when coming back.
    """
    options = [(r, c) for r in range(shape[0]) for c in range(shape[1])]
    key, kept = f"{PAGE}.{name}", f"_{PAGE}.{name}.kept"
    if st.session_state.get(key) not in options:
        st.session_state[key] = st.session_state.get(kept) if st.session_state.get(kept) in options else options[0]
    choice = st.selectbox(label, options, key=key, format_func=lambda rc: subscript_unicode(symbol, *rc))
    st.session_state[kept] = choice
    return choice


def _input_cell(trace, pr: int, pc: int) -> tuple[int, int] | None:
    """Padded-grid (row, col) -> input (row, col), or None for a padding cell."""
    r, c = pr - trace.padding.top, pc - trace.padding.left
    h, w = trace.x.shape[1:]
    return (r, c) if 0 <= r < h and 0 <= c < w else None


# Figures are cached as objects (cache_resource: no pickling; they are never mutated after building).
# Building one costs ~15 ms, and st.plotly_chart re-validates a dict (~14 ms) but not a Figure.
@st.cache_resource(show_spinner=False, max_entries=512)
def _heatmap(M: np.ndarray, **kwargs) -> go.Figure:
    """ui.heatmap.matrix_heatmap, cached."""
    return matrix_heatmap(M, **kwargs)


@st.cache_resource(show_spinner=False, max_entries=256)
def _window_figure(a: np.ndarray, kernel: int, stride: int, padding: int, mode: str, active: int,
                   lang: str) -> go.Figure:
    """The padded input with the window stepping in the browser; winners outlined per frame (max)."""
    trace = pool2d_trace(a, kernel, stride, padding, mode)
    pad = trace.padding
    h, w = trace.x.shape[1:]
    grid = trace.padded[0]
    mask = np.ones(grid.shape, dtype=bool)
    mask[pad.top: pad.top + h, pad.left: pad.left + w] = False
    pad_label = translate(lang, "pooling.pad_label")
    boxes = [(win.rows[0], win.cols[0], win.rows[-1], win.cols[-1]) for win in trace.windows]
    labels = [subscript_unicode("y", win.out_row, win.out_col) for win in trace.windows]
    fig = window_animation(grid, boxes, title=translate(lang, "pooling.fig_windows"), symbol="a",
                           frame_labels=labels, padded_mask=mask if mask.any() else None, mask_label=pad_label,
                           active=active, lang=lang)
    # hover names and ticks in INPUT coordinates (1-based), padding named as such
    names = [[subscript_unicode("a", *cell) if (cell := _input_cell(trace, pr, pc)) else pad_label
              for pc in range(grid.shape[1])] for pr in range(grid.shape[0])]
    fig.update_traces(customdata=names)
    fig.update_xaxes(ticktext=[str(c - pad.left + 1) if 0 <= c - pad.left < w else "" for c in range(grid.shape[1])])
    fig.update_yaxes(ticktext=[str(r - pad.top + 1) if 0 <= r - pad.top < h else "" for r in range(grid.shape[0])])
    # the two buttons need ~130 px; in a half-width column the slider's default x = 0.22 runs under them
    fig.update_layout(sliders=[dict(fig.layout.sliders[0].to_plotly_json(), x=0.32, len=0.68)])
    if trace.mode == "max":
        def winner_box(win):
            r, c = win.winner
            return window_shape((r + pad.top, c + pad.left, r + pad.top, c + pad.left), color=CELL_COLOR, width=3)

        fig.layout.shapes = tuple(fig.layout.shapes) + (winner_box(trace.windows[active]),)
        for frame, win in zip(fig.frames, trace.windows):
            frame.layout.shapes = tuple(frame.layout.shapes) + (winner_box(win),)
    return fig


def _bmatrix(rows: list[list[str]]) -> str:
    return r"\begin{bmatrix} " + r" \\ ".join(" & ".join(row) for row in rows) + r" \end{bmatrix}"


def _forward_formula(trace, win, pad_label: str) -> str:
    """max(...) = value, or (Σ window)/(k_h×k_w) = value, with symbols and numbers.

    Up to 4 taps the window is written as a list (like seed 003's max(o11, o12, o21, o22));
    larger windows are written as a k_h×k_w matrix so the line stays readable.
    """
    kh, kw = trace.kernel
    symbols, numbers = [], []
    for i, pr in enumerate(win.rows):
        sym_row, num_row = [], []
        for j, pc in enumerate(win.cols):
            cell = _input_cell(trace, pr, pc)
            sym_row.append(subscript("a", *cell) if cell else rf"\text{{{pad_label}}}")
            value = fmt_latex(win.values[i, j], factor=False)
            num_row.append(rf"\boxed{{{value}}}" if trace.mode == "max" and cell == win.winner else value)
        symbols.append(sym_row)
        numbers.append(num_row)
    lhs = subscript("y", win.out_row, win.out_col)
    as_list = kh * kw <= 4
    if trace.mode == "max":
        if as_list:
            return equation_lines(rf"{lhs} = \max({', '.join(sum(symbols, []))})",
                                  rf"\max({', '.join(sum(numbers, []))})", win.output)
        return equation_lines(rf"{lhs} = \max {_bmatrix(symbols)}", rf"\max {_bmatrix(numbers)}", win.output)
    denominator = rf"{kh} \times {kw}"
    if as_list:
        signed = [[fmt_latex(win.values[i, j]) for j in range(kw)] for i in range(kh)]
        return equation_lines(rf"{lhs} = \frac{{{' + '.join(sum(symbols, []))}}}{{{denominator}}}",
                              rf"\frac{{{' + '.join(sum(signed, []))}}}{{{denominator}}}", win.output)
    return equation_lines(rf"{lhs} = \frac{{1}}{{{denominator}}} \sum {_bmatrix(symbols)}",
                          rf"\frac{{1}}{{{denominator}}} \sum {_bmatrix(numbers)}", win.output)


def _backward_formula(trace, cell) -> str:
    """∂L/∂a_rc = Σ of what the windows sent it, with symbols and numbers."""
    kh, kw = trace.forward.kernel
    lhs = rf"\frac{{\partial L}}{{\partial {subscript('a', cell.row, cell.col)}}}"
    if not cell.terms:
        return equation_lines(f"{lhs} = 0", None, cell.total)
    deltas = [subscript(r"\delta", term.out_row, term.out_col) for term in cell.terms]
    if trace.forward.mode == "max":
        numeric = " + ".join(fmt_latex(term.dy) for term in cell.terms) if len(cell.terms) > 1 else None
        return equation_lines(f"{lhs} = {' + '.join(deltas)}", numeric, cell.total)
    denominator = rf"{kh} \times {kw}"
    return equation_lines(rf"{lhs} = \frac{{{' + '.join(deltas)}}}{{{denominator}}}",
                          rf"\frac{{{' + '.join(fmt_latex(term.dy) for term in cell.terms)}}}{{{denominator}}}",
                          cell.total)


# --------------------------------------------------------------------------- views
# Each view is a fragment: choosing another output/input cell reruns only that view (its selector,
# the formula and the figures that highlight the cell), not the whole page.

@st.fragment
def _forward_view(trace, a: np.ndarray, kernel: int, stride: int, padding: int, mode: str) -> None:
    out_shape = tuple(trace.output.shape[1:])
    left, right = st.columns([3, 2])
    with right:
        out_cell = _cell_select("out_cell", t("pooling.out_cell_label"), out_shape, "y")
        win = trace.window(*out_cell)
        title = t("pooling.fig_output_max") if mode == "max" else t("pooling.fig_output_avg")
        _chart(_heatmap(trace.output[0], title=title, symbol="y", lang=LANG,
                        highlight=(out_cell[0], out_cell[1], out_cell[0], out_cell[1])), "output")
        st.caption(t("pooling.fig_output_caption"))
    with left:
        _chart(_window_figure(a, kernel, stride, padding, mode, trace.windows.index(win), LANG), "windows")
        st.caption(t("pooling.fig_windows_caption_max") if mode == "max" else t("pooling.fig_windows_caption_avg"))
    with right:
        st.latex(_forward_formula(trace, win, t("pooling.pad_label")))
        if mode == "max":
            st.caption(t("pooling.formula_caption_max") + " "
                       + t("pooling.winner_caption", cell=subscript_unicode("a", *win.winner)))
            ties = int(np.count_nonzero(win.values == win.output))
            if ties > 1:
                st.caption(t("pooling.tie_note", count=ties, value=fmt(win.output),
                             cell=subscript_unicode("a", *win.winner)))
        else:
            st.caption(t("pooling.formula_caption_avg"))


@st.fragment
def _backward_view(trace, back, z: np.ndarray, activation: str, kernel: int, stride: int, mode: str) -> None:
    c_up, c_cell = st.columns([1.4, 1.2])
    with c_cell:
        in_cell = _cell_select("in_cell", t("pooling.in_cell_label"), tuple(back.dx.shape[1:]), "a")
        cell = back.cell(*in_cell)
        st.latex(_backward_formula(back, cell))
        st.caption(t("pooling.cell_terms", cell=subscript_unicode("a", *in_cell),
                     touching=cell.windows_touching, terms=len(cell.terms)))
        if not cell.terms:
            st.caption(t("pooling.cell_no_terms_max") if mode == "max" else t("pooling.cell_no_terms_avg"))
    highlight = (in_cell[0], in_cell[1], in_cell[0], in_cell[1])
    with c_up:
        winners = [w.winner for w in trace.windows] if mode == "max" else None
        title = t("pooling.fig_upsample_max") if mode == "max" else t("pooling.fig_upsample_avg")
        upsample_caption = (t("pooling.fig_upsample_caption_max") if mode == "max"
                            else t("pooling.fig_upsample_caption_avg"))
        views = [(None, None)]
        if stride < kernel:  # windows overlap: how many touch each cell matters (only the open tab is drawn)
            views = st.tabs([t("pooling.tab_gradient"), t("pooling.tab_counts")], key=f"{PAGE}.upsample_view",
                            on_change="rerun")
        grad_tab = views[0] if stride < kernel else st.container()
        with grad_tab:
            if getattr(grad_tab, "open", None) is not False:
                _chart(_heatmap(back.dx[0], title=title, symbol="∂L/∂a", cells=winners, lang=LANG,
                                highlight=highlight), "upsample")
                st.caption(upsample_caption)
        if stride < kernel:
            with views[1]:
                if views[1].open is not False:
                    _chart(_heatmap(back.counts[0], title=t("pooling.fig_counts"), symbol="n", signed=False,
                                    lang=LANG, highlight=highlight), "counts")
                    st.caption(t("pooling.fig_counts_caption"))

    # ----- through the activation (drawn only while the expander is open)
    sigma = st.expander(t("pooling.sigma_title"), key=f"{PAGE}.sigma", on_change="rerun")
    with sigma:
        if not sigma.open:
            return
        st.caption(t("pooling.sigma_intro"))
        if activation == "identity":
            st.info(t("pooling.sigma_identity"))
            return
        try:
            sigma_prime = _derivative(activation, z)
            delta_prev = _through_activation(activation, back.dx[0], z)
        except ValueError as err:
            st.error(explain_error(err))
            return
        act_name = t(f"pooling.act_{activation}")
        c_sp, c_prev = st.columns(2)
        # σ' is often tiny (0.000123): taller figures give the cells room for their numbers
        tall = min(78 * z.shape[0] + 120, 640)
        with c_sp:
            _chart(_heatmap(sigma_prime, title=t("pooling.fig_sigma_prime", activation=act_name),
                            symbol="σ'(z)", highlight=highlight, signed=False, lang=LANG,
                            height=tall), "sigma_prime")
        with c_prev:
            _chart(_heatmap(delta_prev, title=t("pooling.fig_delta_prev"), symbol="δˡ⁻¹", lang=LANG,
                            highlight=highlight, height=tall), "delta_prev")
        r, c = in_cell
        st.latex(equation_lines(
            rf"{subscript(DELTA_PREV, r, c)} = {subscript(UPSAMPLE, r, c)} "
            rf"\cdot \sigma'({subscript('z', r, c)})",
            rf"{fmt_latex(back.dx[0, r, c])} \times {fmt_latex(sigma_prime[r, c])}",
            delta_prev[r, c]))
        st.caption(t("pooling.fig_sigma_caption"))


def _seed_view(z, kernel: int, stride: int, padding: int, activation: str, delta) -> None:
    st.subheader(t("pooling.seed_title"))
    st.markdown(t("pooling.seed_intro"))
    routes = _seed_routes()
    seed_columns = st.columns(len(POOL_MODES))
    for column, seed_mode in zip(seed_columns, POOL_MODES):
        computed = routes[seed_mode]
        printed = np.array(POOL_ROUTE.printed[seed_mode][0, 0])
        with column:
            with st.container(border=True):
                st.markdown(f"**{t(f'pooling.mode_{seed_mode}')}**")
                c_left, c_right = st.columns(2)
                with c_left:
                    st.caption(t("pooling.seed_computed"))
                    st.latex(latex_matrix(computed))
                with c_right:
                    st.caption(t("pooling.seed_printed"))
                    st.latex(latex_matrix(printed))
                matches = computed.shape == printed.shape and bool(np.allclose(computed, printed))
                if matches:
                    st.success(t("pooling.seed_matches"))
                else:
                    st.error(t("pooling.seed_differs"))
    st.caption(t("pooling.seed_restore_note"))
    if (z is not None and z.shape == DEFAULT_X.shape and np.array_equal(z, DEFAULT_X) and kernel == SEED_KERNEL
            and stride == SEED_STRIDE and padding == 0 and activation == "identity"
            and delta is not None and delta.shape == DEFAULT_DELTA.shape and np.array_equal(delta, DEFAULT_DELTA)):
        st.caption(t("pooling.seed_is_default"))


# --------------------------------------------------------------------------- page

st.title(t("pooling.title"))
st.markdown(t("pooling.intro"))

init_from_url(PAGE, SPECS)

# format_func is also called outside the script run (AppTest), where t() cannot see the session language
LANG = current_language()

trace = a = delta = back = None
forward_error = backward_error = None
delta_reset = False
with st.container(border=True):
    st.markdown(f"**{t('pooling.controls')}**")
    c_mode, c_kernel, c_stride, c_pad, c_act = st.columns([1, 1.2, 1.2, 1.2, 1.4])
    with c_mode:
        mode = st.radio(t("pooling.mode_label"), POOL_MODES, key=f"{PAGE}.mode", horizontal=True,
                        format_func=lambda m: translate(LANG, f"pooling.mode_{m}"))
    with c_kernel:
        kernel = st.slider(t("pooling.kernel_label"), 1, 6, key=f"{PAGE}.kernel")
    with c_stride:
        stride = st.slider(t("pooling.stride_label"), 1, 6, key=f"{PAGE}.stride", help=t("pooling.stride_help"))
    with c_pad:
        padding = st.slider(t("pooling.padding_label"), 0, 3, key=f"{PAGE}.padding", help=t("pooling.padding_help"))
    with c_act:
        activation = st.selectbox(t("pooling.activation_label"), ACTIVATIONS, key=f"{PAGE}.activation",
                                  format_func=lambda a: translate(LANG, f"pooling.act_{a}"), help=t("pooling.activation_help"))
    c_input, c_delta, c_conventions = st.columns([1, 1, 1.6])
    with c_input:
        label = t("pooling.input_label_identity") if activation == "identity" else t("pooling.input_label")
        # tall enough to show every row (the editor's default height cuts the last row of a 4×4 in half)
        rows_typed = str(st.session_state.get(f"{PAGE}.input", "")).count("\n") + 1
        z = matrix_editor(label, key=f"{PAGE}.input", default=DEFAULT_X, height=min(30 * rows_typed + 40, 340))
    if z is not None:
        a = z if activation == "identity" else _activate(activation, z)
        try:
            trace = _forward(a, kernel, stride, padding, mode)
        except ValueError as err:
            forward_error = err
    if trace is not None:
        # δ, the error arriving at the pooled output, is the second input of the page: its size follows the output
        out_shape = tuple(trace.output.shape[1:])
        delta_key, last_shape_key = f"{PAGE}.delta", f"_{PAGE}.out_shape"
        last_shape = st.session_state.get(last_shape_key)
        if last_shape is not None and tuple(last_shape) != out_shape:
            # the pooled output changed size: give δ an example of the new size instead of an error
            st.session_state[delta_key] = format_matrix(np.arange(1, out_shape[0] * out_shape[1] + 1)
                                                        .reshape(out_shape))
            delta_reset = True
        st.session_state[last_shape_key] = out_shape
        with c_delta:
            delta = matrix_editor(t("pooling.delta_label", rows=out_shape[0], cols=out_shape[1]), key=delta_key,
                                  default=DEFAULT_DELTA, shape=out_shape)
            if delta_reset:
                st.caption(t("pooling.delta_reset", rows=out_shape[0], cols=out_shape[1]))
    with c_conventions:
        st.markdown(f"**{t('pooling.conventions_title')}**")
        st.markdown(t("pooling.conventions"))
if forward_error is not None:
    st.error(explain_error(forward_error))   # above the tabs: whichever tab is open, the reason is seen

tab_forward, tab_backward, tab_seed = st.tabs(
    [t("pooling.tab_forward"), t("pooling.tab_backward"), t("pooling.tab_seed")],
    key=f"{PAGE}.section", on_change="rerun")

# ----- forward
if tab_forward.open is not False:  # only the open tab is computed and drawn
    with tab_forward:
        st.subheader(t("pooling.forward_title"))
        if z is None:
            st.info(t("pooling.forward_needs_input"))
        elif trace is not None:
            if activation != "identity":
                st.caption(t("pooling.pooled_input", activation=t(f"pooling.act_{activation}")))
            _forward_view(trace, a, kernel, stride, padding, mode)

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
                    if mode == "max":
                        note = t("pooling.seed003_overwrite")
                        shared = next((c for c in back.cells if len(c.terms) > 1), None)
                        if shared is not None:
                            note += " " + t("pooling.seed003_example",
                                            cell=subscript_unicode("a", shared.row, shared.col),
                                            count=len(shared.terms), total=fmt(shared.total),
                                            last=fmt(shared.terms[-1].dy))
                        st.warning(note)
                _backward_view(trace, back, z, activation, kernel, stride, mode)

# ----- seed 001
if tab_seed.open is not False:
    with tab_seed:
        _seed_view(z, kernel, stride, padding, activation, delta)

sync_to_url(PAGE, SPECS)
