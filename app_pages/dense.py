"""Fully connected layer, softmax and loss: forward, ∂L/∂z = a − y with numbers, back through the layer.

Thin page: widgets and URL in -> cnn_core.dense / activations / gradcheck -> ui renderers out.
Every number shown comes from a core result or trace; the page only arranges them.

The page is parts (``page_kit.url_fragment``, #14): the values part (the setup box: its editors, preset menus,
seeds and the size message) holds the study part (the loss and the activation, the tabs and the take-away panels),
which holds the tabs' part. Every control sits in the part that holds everything it changes, so a change is one
script run of that part (round 11; round 10's callbacks reran named parts, two runs each): a values control reruns
the values part, the loss or the activation the study part, a tab switch the tabs; never the title or the intro.
Every part reads the matrices, the loss and the activation from session state itself (``_read_setup``).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from cnn_core.activations import ACTIVATIONS, activate
from cnn_core.dense import (dense_backward_trace, dense_forward, dense_forward_trace, mse, sigmoid_mse_trace,
                            softmax_ce_trace, softmax_cross_entropy)
from cnn_core.gradcheck import check_gradient
from ui.claims_view import claim_note
from ui.components.cell_stepper import cell_stepper
from ui.components.choice_menu import choice_menu
from ui.components.dense_steppers import forward_steps
from ui.components.math_box import Text, math_box
from ui.exercise_view import render_check_link
from ui.export import CHART_CONFIG, ExportDoc, export_panel, setup_just_loaded
from ui.formulas import dense as fx
from ui.i18n import current_language, explain_error, t, translator
from ui.latex import display_digits, equation_lines, fmt, latex_matrix
from ui.library_code import dense_softmax_ce_code
from ui.matrix_input import matrix_editor
from ui.multi_editors import read_matrix
from ui.page_kit import (activation_name, agreement, cached_figure, follow_open_panels, lazy_code_panel, lazy_expander, show_chart,
                         url_fragment, url_tabs)
from ui.plain_table import table_html
from ui.presets import preset_selector
from ui.url_state import BoolParam, ChoiceParam, IntParam, MatrixParam, init_from_url, sync_to_url, widget_key

PAGE = "dense"
LOSSES = ("cross_entropy", "mse")
MAX_UNITS = 8

DEFAULT_ZPREV = np.array([[1.5, -1.0, 0.5]])
DEFAULT_W = np.array([[0.5, -0.2, 0.1], [0.3, 0.8, -0.5], [-0.5, 0.1, 0.9]])
DEFAULT_B = np.array([[0.1, 0.0, -0.2]])
DEFAULT_Y = np.array([[0.0, 1.0, 0.0]])

SPECS = (
    ChoiceParam("loss", "cross_entropy", LOSSES, label_key=widget_key(PAGE, "loss_label")),
    ChoiceParam("act", "relu", ACTIVATIONS, label_key=widget_key(PAGE, "act_label")),
    MatrixParam("zprev", DEFAULT_ZPREV, 1, MAX_UNITS, label_key=widget_key(PAGE, "zprev_name")),
    MatrixParam("W", DEFAULT_W, MAX_UNITS, MAX_UNITS, label_key="dense.W_name"),
    MatrixParam("b", DEFAULT_B, 1, MAX_UNITS, label_key=widget_key(PAGE, "b_name")),
    MatrixParam("y", DEFAULT_Y, 1, MAX_UNITS, label_key=widget_key(PAGE, "y_name")),
    # the output unit zᵢ the forward tab's cell stepper shows (1-based; the browser writes it into the link)
    IntParam("unit", 1, 1, MAX_UNITS, label_key=widget_key(PAGE, "param_unit")),
    ChoiceParam("tab", "forward", ("forward", "dz", "back", "check", "seeds"), label_key=widget_key(PAGE, "tab_label")),
)
TAB_NAMES = ("forward", "dz", "back", "check", "seeds")
# the lazily drawn expanders: a link reopens the ones that were open (their widget keys are "dense.<name>")
SPECS += tuple(BoolParam(name, False, label_key=widget_key(PAGE, "expander_label"))
               for name in ("forward_rows", "jacobian_map", "step3_rows", "dx_rows", "check_values"))
# How each activation is written in a formula (names, not math).
ACT_LATEX = {"identity": r"\mathrm{id}", "relu": r"\mathrm{ReLU}", "sigmoid": r"\sigma", "tanh": r"\tanh"}
BIG_FIGURE = 400  # px: room for 4-significant-digit numbers in every cell
# The setup box's editors: name -> (example, max rows); every one is at most MAX_UNITS wide. W is the only matrix.
EDITORS = {"zprev": (DEFAULT_ZPREV, 1), "W": (DEFAULT_W, MAX_UNITS), "b": (DEFAULT_B, 1), "y": (DEFAULT_Y, 1)}
# the setup box's one toggle: the four editors' grids shown or not (kept in the session, not in the link)
GRID_TOGGLE = widget_key(PAGE, "grid_on")
# the page's parts (keyed: a part's own rerun is one script run; nothing reruns them by name any more)
VALUES_PART, SECTIONS_PART, TAKE_AWAY_PART = (widget_key(PAGE, f"{name}_part")
                                              for name in ("values", "sections", "take_away"))
# each tab's content is a part of its own inside the tabs' part: a new setup reruns the open one, not the tab bar
TAB_PART = {name: widget_key(PAGE, f"tab_{name}_part") for name in ("forward", "dz", "back", "check", "seeds")}


# --------------------------------------------------------------------------- core calls (cached)

@st.cache_data(show_spinner=False, max_entries=64)
def _forward(zprev: np.ndarray, act: str, W: np.ndarray, b: np.ndarray):
    x = activate(act, zprev)
    return x, dense_forward_trace(x, W, b)


@st.cache_data(show_spinner=False, max_entries=64)
def _cross_entropy(z: np.ndarray, y: np.ndarray):
    return softmax_ce_trace(z, y)


@st.cache_data(show_spinner=False, max_entries=64)
def _mse(z: np.ndarray, y: np.ndarray):
    return sigmoid_mse_trace(z, y)


@st.cache_data(show_spinner=False, max_entries=64)
def _backward(delta: np.ndarray, x: np.ndarray, W: np.ndarray, zprev: np.ndarray, act: str):
    return dense_backward_trace(delta, x, W, z_prev=zprev, activation=act)


def _loss_of_logits(loss: str):
    """L as a function of the logits z, composed of core functions (for the finite differences)."""
    if loss == "cross_entropy":
        return softmax_cross_entropy
    return lambda z, y: mse(activate("sigmoid", z), y)


@st.cache_data(show_spinner=False, max_entries=64)
def _gradcheck(zprev: np.ndarray, act: str, W: np.ndarray, b: np.ndarray, y: np.ndarray, loss: str,
               dW: np.ndarray, db: np.ndarray, dx: np.ndarray, dprev: np.ndarray):
    L = _loss_of_logits(loss)
    x = activate(act, zprev)
    return {
        "W": check_gradient(lambda v: L(dense_forward(x, v, b), y), W, dW),
        "b": check_gradient(lambda v: L(dense_forward(x, W, v), y), b, db),
        "x": check_gradient(lambda v: L(dense_forward(v, W, b), y), x, dx),
        "zprev": check_gradient(lambda v: L(dense_forward(activate(act, v), W, b), y), zprev, dprev),
    }


# The forward tab's cell stepper payload (grids, every zᵢ's formula as MathML): cached per setup, language and
# digits shown (bounded).
@st.cache_data(show_spinner=False, max_entries=64)
def _forward_payload(zprev: np.ndarray, act: str, W: np.ndarray, b: np.ndarray, lang: str, digits: int,
                     start: int) -> dict:
    return forward_steps(_forward(zprev, act, W, b)[1], translator(lang),
                         start=start)


def _heatmap(M: np.ndarray, title: str, symbol: str, lang: str, row_labels: tuple | None = None,
             row_title: str | None = None, col_title: str | None = None, signed: bool | None = None,
             height: int | None = None):
    return cached_figure("heat", M, title=title, symbol=symbol, row_labels=row_labels, row_title=row_title,
                         col_title=col_title, signed=signed, lang=lang, height=height)


def _try(fn, *args):
    """(result, None) or (None, error) for a core call; the caller shows the error next to its section."""
    try:
        return fn(*args), None
    except ValueError as err:  # CoreValueError is a ValueError
        return None, err


# --------------------------------------------------------------------------- LaTeX helpers (layout only)

def _col(v: np.ndarray) -> str:
    return latex_matrix(np.asarray(v).reshape(-1, 1))


def _math(items: list, name: str) -> None:
    """Formulas (and the short texts between them) as MathML in one element (#14 round 8: no KaTeX in the
    browser)."""
    math_box(items, widget_key(PAGE, name))


def _plot(fig, name: str) -> None:
    show_chart(fig, PAGE, name, config=CHART_CONFIG)


def _table(columns: dict, **words) -> None:
    """A static table in the page's language as one plain HTML element (``ui.plain_table``; #14 round 13): not
    ``st.table``, which renders every cell as Markdown, ~190 React components that every pass of the page re-renders
    (the output table of the open forward tab: a fifth of the page), against ~16. Cells are escaped text; ``words``:
    the table's ``title`` and ``note`` (plain text) in the same element."""
    st.html(table_html(columns, **words))


def _reset() -> None:
    """Back to the page's example: every setting and matrix (a callback, so before the widgets are drawn)."""
    for spec in SPECS:
        if spec.name != "tab" and not isinstance(spec, BoolParam):
            st.session_state[widget_key(PAGE, spec.name)] = spec.to_state(spec.default)


def _vector(matrix: np.ndarray | None) -> np.ndarray | None:
    return None if matrix is None else matrix[0]


# --------------------------------------------------------------------------- the setup, read from session state
# The run's globals: every part sets them again from session state (``_read_setup``) before it draws, since a part's
# own rerun would otherwise see the values of the page's last full run.
zprev = W = b = y = shape_msg = None
loss = act = act_tex = ce = fwd = fwd_err = out = out_err = delta = None


def _read_setup() -> None:
    """The matrices (their editors' texts, drawn or not), the loss and the activation as session state holds them
    now, the size problem between them and the core results of every tab (cached), as the run's globals.

    Shapes: zprev, b, y (n,) / (m,) vectors, W (m, n); None where a text does not parse (its editor says why)."""
    global zprev, W, b, y, shape_msg, loss, act, act_tex, ce, fwd, fwd_err, out, out_err, delta
    state = st.session_state
    parsed = {name: read_matrix(widget_key(PAGE, name), example, max_rows=rows, max_cols=MAX_UNITS)
              for name, (example, rows) in EDITORS.items()}
    zprev, W, b, y = (parsed["W"] if name == "W" else _vector(parsed[name]) for name in EDITORS)
    # the four inputs must fit W: say which one does not, in the page's symbols
    shape_msg = None
    if zprev is not None and W is not None and b is not None:
        problem = fx.shape_problem(W.shape, zprev.size, b.size, None if y is None else y.size)
        if problem is not None:
            shape_msg = t(f"dense.{problem[0]}", **problem[1])
    loss = state.get(widget_key(PAGE, "loss"), LOSSES[0])
    act = state.get(widget_key(PAGE, "act"), "relu")
    act_tex = ACT_LATEX[act]
    ce = loss == "cross_entropy"
    fwd = fwd_err = out = out_err = None
    if zprev is not None and W is not None and b is not None:
        fwd, fwd_err = _try(_forward, zprev, act, W, b)
    if fwd is not None and y is not None:
        out, out_err = _try(_cross_entropy if ce else _mse, fwd[1].z, y)
    delta = None if out is None else (out.a_minus_y if ce else out.dL_dz)


def _editor(name: str, label: str, **options) -> None:
    """One matrix editor of the setup box, its text under ``dense.<name>`` (a change reruns the values part); its grid
    shown while the setup box's one grid toggle (``dense.grid_on``) is on."""
    example, rows = EDITORS[name]
    matrix_editor(label, key=widget_key(PAGE, name), default=example, max_rows=rows, max_cols=MAX_UNITS,
                  grid_shown=bool(st.session_state.get(GRID_TOGGLE, False)), **options)


# The columns of the setup box: drawn in the values part, so a preset, a seed or an edit reruns it (one run).
def _zprev_column() -> None:
    preset_selector(widget_key(PAGE, "zprev"), kind="input", example=DEFAULT_ZPREV, max_rows=1, max_cols=MAX_UNITS)
    _editor("zprev", t("dense.zprev_label"), help=t("dense.vector_help", n=MAX_UNITS))


def _w_column() -> None:
    preset_selector(widget_key(PAGE, "W"), kind="weights", example=DEFAULT_W, max_rows=MAX_UNITS, max_cols=MAX_UNITS)
    _editor("W", t("dense.W_label"), height=112)


def _b_column() -> None:
    _editor("b", t("dense.b_label"), help=t("dense.vector_help", n=MAX_UNITS))


def _y_column() -> None:
    _editor("y", t("dense.y_label"), help=t("dense.y_help"))


def _shape_check() -> None:
    """Which input does not fit W."""
    _read_setup()
    if shape_msg is not None:
        st.error(shape_msg)


def _choices() -> None:
    """The loss and the activation (their values are read by every part from session state: ``_read_setup``).

    Drawn in the study part with everything they change (the tabs, the take-away panels): a change of either is one
    run of that part, not of the setup box above it (#14 round 11; round 10 reran named parts from a callback)."""
    with st.container(border=True):
        c_loss, c_act = st.columns(2)
        # both are the browser's own <select> (ui.components.choice_menu, #14 round 12): ~20 React components each in
        # the page's tree, not a Streamlit select's ~110 or a radio's ~90 (round 13: the loss was a radio, re-rendered
        # by every pass of every control of the page), and no popover per pick; the choices stay under "dense.loss"
        # and "dense.act", where the link reads and writes them
        with c_loss:
            choice_menu(t("dense.loss_label"), [(k, t(f"dense.loss_{k}")) for k in LOSSES], widget_key(PAGE, "loss"),
                        help=t("dense.loss_help"))
        with c_act:
            choice_menu(t("dense.act_label"), [(k, activation_name(k)) for k in ACTIVATIONS], widget_key(PAGE, "act"),
                        help=t("dense.act_help"))


WIDE = 4   # more units than this: formulas take the full width, the figure goes below them


def _split():
    """(formulas, figure) areas: side by side for small layers, stacked for wide ones (formulas never squeezed)."""
    if W is not None and max(W.shape) > WIDE:
        return st.container(), st.container()
    return st.columns([3, 2])


def _lazy_expander(label: str, name: str):
    return lazy_expander(PAGE, name, label)


def _error(err) -> None:
    """A core error in the page's words: a size that does not fit is already said next to the inputs."""
    if shape_msg is not None and getattr(err, "code", None) == "bad_shape":
        st.info(t("dense.needs_inputs"))
    else:
        st.error(explain_error(err))


@url_fragment(PAGE, SPECS, key=TAB_PART["forward"])   # its controls (lazy expanders) rerun only this part
def _forward_tab() -> None:
    _read_setup()   # rerun alone by an expander: the setup as it is now, not as the page's last full run had it
    # ---- 1. forward
    st.subheader(t("dense.forward_title"))
    if zprev is None or W is None or b is None:
        st.info(t("dense.needs_inputs"))
    elif fwd_err is not None:
        _error(fwd_err)
    else:
        x, tr = fwd
        left, right = _split()
        with left:
            _math([fx.activation_line(act_tex, act, zprev, x), fx.forward_line(tr)], "forward_math")
            exp = _lazy_expander(t("dense.forward_rows"), "forward_rows")
            if exp is not None:
                with exp:
                    _math([fx.forward_row(tr, i).latex() for i in range(tr.W.shape[0])], "forward_rows_math")
        with right:
            # The products wᵢⱼxⱼ as a cell stepper, not a Plotly heatmap (#14 round 5): the same shaded numbers
            # drawn in the browser, and pointing at a zᵢ outlines its row and bias and writes its sum, with no
            # rerun. This tab then has no Plotly chart at all: the first view does not wait for Plotly, and a
            # setup change redraws a small component instead of a chart (~85 ms each).
            start = int(st.session_state.get(widget_key(PAGE, "unit"), 1)) - 1
            cell_stepper(_forward_payload(zprev, act, W, b, lang, display_digits(), start),
                         key=widget_key(PAGE, "forward_stepper"))
            st.caption(t("dense.products_caption"))

    # ---- 2. output and loss
    st.subheader(t("dense.loss_title_ce") if ce else t("dense.loss_title_mse"))
    if fwd is None or y is None:
        st.info(t("dense.needs_forward"))
    elif out_err is not None:
        _error(out_err)
        if ce and getattr(out_err, "code", None) != "bad_shape":
            st.caption(t("dense.y_distribution_hint"))
    if out is None:
        return
    z = fwd[1].z
    left, right = _split()
    with left:
        if ce:
            _math([fx.softmax_line(z, out.a), fx.cross_entropy_loss(out).latex()], "loss_math")
        else:
            _math([fx.sigmoid_line(z, out.a), fx.mse_loss(out).latex()], "loss_math")
            st.caption(t("dense.mse_output_note"))
    with right:
        # A table, not a heatmap (#14 round 5): a, y and δ are a few numbers per class that the formulas beside
        # it already write out; as a second Plotly chart in this tab it made every setup change wait for two
        # charts (~85 ms each). With the products in the cell stepper above, no setup change redraws a chart.
        # its title and caption in the table's element: one element, not three (#14 round 13)
        _table(fx.output_columns(out.a, y, out.a_minus_y if ce else out.dL_dz, t("dense.axis_class"),
                                 "a − y" if ce else "δ"),
               title=t("dense.output_title"), note=t("dense.output_caption_ce") if ce else t("dense.output_caption_mse"))
    if ce:
        render_check_link("softmax_ce_grad", z=z, y=y)


@url_fragment(PAGE, SPECS, key=TAB_PART["dz"])   # its controls (lazy expanders) rerun only this part
def _dz_tab() -> None:
    _read_setup()   # rerun alone by an expander: the setup as it is now, not as the page's last full run had it
    # ---- 3. dL/dz step by step
    st.subheader(t("dense.dz_title"))
    if out is None:
        st.info(t("dense.needs_loss"))
    elif ce:
        entries = [fx.jacobian_entry(out, 0, 0).latex(), fx.jacobian_entry(out, 0, 1).latex()] if out.a.size >= 2 else []
        _math([Text(t("dense.step1")), fx.dL_da_line(out), Text(t("dense.step2")),
               equation_lines(r"J = \frac{\partial a}{\partial z} = \operatorname{diag}(a) - a\,a^{\top}", None,
                              latex_matrix(out.jacobian))] + entries, "dz_math")
        st.caption(t("dense.jacobian_caption"))
        # J's heatmap repeats the matrix written just above, so it opens on demand (#14 round 5): drawn with the
        # tab, it made every switch to this tab wait for a Plotly chart. The link keeps it open (jacobian_map).
        exp = _lazy_expander(t("dense.jacobian_map"), "jacobian_map")
        if exp is not None:
            with exp:
                _plot(_heatmap(out.jacobian, t("dense.jacobian_title"), "J", lang, row_title=t("dense.axis_a"),
                               col_title=t("dense.axis_z"), height=BIG_FIGURE), "jacobian")
        _math([Text(t("dense.step3")), fx.chain_line(out)], "chain_math")
        exp = _lazy_expander(t("dense.step3_rows"), "step3_rows")
        if exp is not None:
            with exp:
                _math([fx.chain_row(out, j).latex() for j in range(out.a.size)], "step3_rows_math")
        _math([Text(t("dense.step4")),
               fx.difference_line(r"\frac{\partial L}{\partial z} = a - y", out.a, out.y, out.a_minus_y)], "step4_math")
        st.success(t("dense.equal", agreement=agreement(out.max_abs_difference, relative=False)))
        render_check_link("softmax_ce_grad", z=fwd[1].z, y=y)
    else:
        _math([Text(t("dense.mse_step1")),
               fx.difference_line(r"\frac{\partial L}{\partial a} = a - y", out.a, y, out.dL_da),
               Text(t("dense.mse_step2")),
               equation_lines(r"\sigma'(z) = \sigma(z)\,(1 - \sigma(z)) = a \odot (1 - a)", None,
                              _col(out.sigma_prime)),
               Text(t("dense.mse_step3"))] + [fx.mse_delta(out, k).latex() for k in range(out.a.size)], "dz_math")
        claim_note("s000_mse_grad", where="backward")   # the texts' tab lists it too


def _backward_result():
    """The core's backward trace, or None after showing why there is none."""
    if delta is None:
        st.info(t("dense.needs_loss"))
        return None
    x, tr = fwd
    back, err = _try(_backward, delta, x, tr.W, zprev, act)
    if err is not None:
        _error(err)
    return back


@url_fragment(PAGE, SPECS, key=TAB_PART["back"])   # its controls (lazy expanders) rerun only this part
def _back_tab() -> None:
    _read_setup()   # rerun alone by an expander: the setup as it is now, not as the page's last full run had it
    # ---- 4. back through the layer
    st.subheader(t("dense.back_title"))
    back = _backward_result()
    if back is None:
        return
    _math([Text(t("dense.db_text")), equation_lines(r"\frac{\partial L}{\partial b} = \delta", None, _col(back.db)),
           Text(t("dense.dW_text"))], "db_math")
    left, right = _split()
    with left:
        _math([fx.dW_line(back), fx.dw_entry(back, 0, 0).latex()], "dW_math")
    with right:
        _plot(_heatmap(back.dW, t("dense.dW_title"), "∂L/∂w", lang, row_title=t("dense.axis_output"),
                       col_title=t("dense.axis_input"), height=BIG_FIGURE), "dW")
        st.caption(t("dense.dW_caption"))
    _math([Text(t("dense.dx_text")), fx.dx_line(back)], "dx_math")
    exp = _lazy_expander(t("dense.dx_rows"), "dx_rows")
    if exp is not None:
        with exp:
            _math([fx.dx_row(back, j).latex() for j in range(back.W.shape[1])], "dx_rows_math")
    _math([Text(t("dense.dprev_text", f=activation_name(act))), fx.dprev_line(back)], "dprev_math")


@url_fragment(PAGE, SPECS, key=TAB_PART["check"])   # its controls (lazy expanders) rerun only this part
def _check_tab() -> None:
    _read_setup()   # rerun alone by an expander: the setup as it is now, not as the page's last full run had it
    # ---- 5. finite differences
    st.subheader(t("dense.check_title"))
    back = _backward_result()
    if back is None:
        return
    st.markdown(t("dense.check_intro"))
    checks = _gradcheck(zprev, act, back.W, fwd[1].b, y, loss, back.dW, back.db, back.da_prev, back.delta_prev)
    names = {"W": "∂L/∂W", "b": "∂L/∂b", "x": "∂L/∂x", "zprev": "δ⁽ˡ⁻¹⁾ = ∂L/∂z⁽ˡ⁻¹⁾"}
    col_name, col_an, col_num, col_err, col_ok = (t("dense.col_gradient"), t("dense.col_analytic"),
                                                  t("dense.col_numeric"), t("dense.col_error"), t("dense.col_ok"))
    summary = {col_name: [], col_err: [], col_ok: []}
    for key, check in checks.items():
        summary[col_name].append(names[key])
        summary[col_err].append(fmt(check.max_rel_error, 2))
        summary[col_ok].append(t("dense.passed") if fx.agrees(check) else t("dense.failed"))
    _table(summary)
    exp = _lazy_expander(t("dense.check_values"), "check_values")
    if exp is not None:
        with exp:
            # one row per entry: every column stays narrow enough to read on a phone
            values = {col_name: [], col_an: [], col_num: []}
            for key, check in checks.items():
                for index, (an, num) in enumerate(zip(np.ravel(check.analytic), np.ravel(check.numeric)), start=1):
                    values[col_name].append(f"{names[key].split(' = ')[0]} · {index}")
                    values[col_an].append(fmt(an, 6))
                    values[col_num].append(fmt(num, 6))
            _table(values)
            st.caption(t("dense.check_values_caption"))
    st.caption(t("dense.check_caption"))


@url_fragment(PAGE, SPECS, key=TAB_PART["seeds"])
def _seeds_tab() -> None:
    _read_setup()
    # ---- 6. what the source texts write: the catalogue's verdicts, and what they mean for this setup
    st.subheader(t("dense.seeds_title"))
    for key in ("s001_eq2", "s001_eq4", "s004_dot_naming", "s004_delta"):
        claim_note(key)
    claim_note("s000_ce_grad")
    if out is not None and ce:
        st.caption(t("dense.ce_here", agreement=agreement(out.max_abs_difference, relative=False)))
    claim_note("s000_softmax_typo")
    claim_note("s000_dense_forward")
    claim_note("s000_mse_grad")


# One topic per tab: only the open tab is computed and sent. The first two tabs draw no Plotly figure (the products
# are a cell stepper, the output a table, J's heatmap waits in an expander); "back" draws one (∂L/∂W).
TABS = {"forward": _forward_tab, "dz": _dz_tab, "back": _back_tab, "check": _check_tab, "seeds": _seeds_tab}


@url_fragment(PAGE, SPECS, key=SECTIONS_PART)
def _sections() -> None:
    """The tab bar and the open tab, a part of its own (#14 round 5): switching tabs reruns and sends only this
    part (~30 messages, measured), not the title, the setup box's editors and preset menus and the panels below
    (~74 for the whole page).
    Each part reads the setup from session state itself."""
    _read_setup()
    tabs = url_tabs(PAGE, "section", "tab", tuple(TABS), [t(f"dense.tab_{name}") for name in TABS])
    follow_open_panels(PAGE, ("tab",))   # the export panel below writes the open tab into its link and file
    for name, tab, render in zip(TABS, tabs, TABS.values()):
        if tab.open is not False:
            with tab:
                render()


@url_fragment(PAGE, SPECS, key=TAKE_AWAY_PART)
def _take_away() -> None:
    """The worked example, the setup file, the same numbers in PyTorch / NumPy (they follow the loss and activation).

    A part of its own: opening a panel reruns it alone. A setup file loaded here changes the editors above: the page
    reruns."""
    if setup_just_loaded(PAGE):
        st.rerun(scope="app")
    _read_setup()
    if fwd is None or out is None:
        return
    x, tr = fwd

    def _export_doc() -> ExportDoc:
        doc = ExportDoc(t("dense.title"))
        doc.step(t("dense.forward_title"), matrices={"z^{(l-1)}": zprev.reshape(-1, 1), "W": tr.W,
                                                     "b": tr.b.reshape(-1, 1), "y": y.reshape(-1, 1)},
                 latex=[fx.activation_line(act_tex, act, zprev, x), fx.forward_line(tr)])
        doc.step(t("dense.loss_title_ce") if ce else t("dense.loss_title_mse"),
                 latex=[fx.softmax_line(tr.z, out.a) if ce else fx.sigmoid_line(tr.z, out.a),
                        (fx.cross_entropy_loss(out) if ce else fx.mse_loss(out)).latex()])
        if ce:
            doc.step(t("dense.dz_title"), latex=[fx.dL_da_line(out), fx.chain_line(out),
                                                 fx.difference_line(r"\frac{\partial L}{\partial z} = a - y", out.a,
                                                                    out.y, out.a_minus_y)])
        return doc

    export_panel(PAGE, SPECS, _export_doc)
    if ce:
        lazy_code_panel(PAGE, lambda: dense_softmax_ce_code(x, tr.W, tr.b, y))
    else:
        st.caption(t("dense.code_ce_only"))


@url_fragment(PAGE, SPECS)
def _study() -> None:
    """The loss and activation controls, the tabs and the take-away panels: a part of its own (#14 round 6).

    The loss or the activation changes no input editor: a change of either is one run of this part, not of the setup
    box's editors and preset menus, nor the title. Each part inside reads the setup from session state
    (``_read_setup``)."""
    _choices()
    _sections()
    _take_away()


@url_fragment(PAGE, SPECS, key=VALUES_PART)
def _values_part() -> None:
    """The setup box (reset, the four editors' columns, the size message) and the study part below it (#14 round 11).

    A values control (a preset, a seed, a typed or grid-edited matrix, reset) changes what the box and the study part
    show, so it is drawn in this part: its change is one script run of it, never the title and the intro."""
    with st.container(border=True):
        top = st.columns([2, 1, 1], vertical_alignment="bottom")
        top[0].markdown(f"**{t('dense.controls')}**")
        # one toggle shows the four editors' grids (#14 round 13): a toggle per editor was four toggles, ~180 React
        # components that every pass of the page re-renders, on every action of every control of the page
        top[1].toggle(t("dense.grid_toggle"), key=GRID_TOGGLE)   # no help: its tooltip is ~14 components more
        # every editor is in this part: a click reruns it, so every editor shows the example again
        top[2].button(t("dense.reset"), key=widget_key(PAGE, "reset"), on_click=_reset, help=t("dense.reset_help"),
                      icon=":material/restart_alt:")
        columns = st.columns([1.2, 1.6, 1, 1])
        for column, part in zip(columns, (_zprev_column, _w_column, _b_column, _y_column)):
            with column:
                part()
        _shape_check()
    _study()


# --------------------------------------------------------------------------- page

lang = current_language()
st.title(t("dense.title"))
st.markdown(t("dense.intro"))
st.caption(t("dense.conventions"))

init_from_url(PAGE, SPECS)
_values_part()
sync_to_url(PAGE, SPECS)
