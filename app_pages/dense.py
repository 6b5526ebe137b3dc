"""Fully connected layer, softmax and loss: forward, ∂L/∂z = a − y with numbers, back through the layer.

Thin page: widgets and URL in -> cnn_core.dense / activations / gradcheck -> ui renderers out.
Every number shown comes from a core result or trace; the page only arranges them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import streamlit as st

from cnn_core.activations import ACTIVATIONS, activate, activation_backward, activation_derivative
from cnn_core.dense import (dense_backward_trace, dense_forward, dense_forward_trace, mse, mse_grad,
                            softmax_ce_trace, softmax_cross_entropy)
from cnn_core.gradcheck import check_gradient
from ui.heatmap import matrix_heatmap
from ui.i18n import current_language, explain_error, t
from ui.latex import equation_lines, fmt, fmt_latex, latex_matrix, subscript, sum_of_products
from ui.matrix_input import matrix_editor
from ui.url_state import ChoiceParam, MatrixParam, init_from_url, sync_to_url

PAGE = "dense"
LOSSES = ("cross_entropy", "mse")
MAX_UNITS = 8

DEFAULT_ZPREV = np.array([[1.5, -1.0, 0.5]])
DEFAULT_W = np.array([[0.5, -0.2, 0.1], [0.3, 0.8, -0.5], [-0.5, 0.1, 0.9]])
DEFAULT_B = np.array([[0.1, 0.0, -0.2]])
DEFAULT_Y = np.array([[0.0, 1.0, 0.0]])

SPECS = (
    ChoiceParam("loss", "cross_entropy", LOSSES, label_key="dense.loss_label"),
    ChoiceParam("act", "relu", ACTIVATIONS, label_key="dense.act_label"),
    MatrixParam("zprev", DEFAULT_ZPREV, 1, MAX_UNITS, label_key="dense.zprev_name"),
    MatrixParam("W", DEFAULT_W, MAX_UNITS, MAX_UNITS, label_key="dense.W_name"),
    MatrixParam("b", DEFAULT_B, 1, MAX_UNITS, label_key="dense.b_name"),
    MatrixParam("y", DEFAULT_Y, 1, MAX_UNITS, label_key="dense.y_name"),
)
# How each activation is written in a formula (names, not math).
ACT_LATEX = {"identity": r"\mathrm{id}", "relu": r"\mathrm{ReLU}", "sigmoid": r"\sigma", "tanh": r"\tanh"}
PLOT_CONFIG = {"displayModeBar": False}
BIG_FIGURE = 400  # px: room for 4-significant-digit numbers in every cell


# --------------------------------------------------------------------------- core calls (cached)

@dataclass(frozen=True)
class MseSteps:
    """The MSE branch (seed 000): a = σ(z), L = ½Σ(a − y)², δ = (a − y) ⊙ σ'(z); all from the core."""

    a: np.ndarray
    loss: float
    dL_da: np.ndarray
    f_prime: np.ndarray
    delta: np.ndarray


@st.cache_data(max_entries=256, show_spinner=False)
def _forward(zprev: np.ndarray, act: str, W: np.ndarray, b: np.ndarray):
    x = activate(act, zprev)
    return x, dense_forward_trace(x, W, b)


@st.cache_data(max_entries=256, show_spinner=False)
def _cross_entropy(z: np.ndarray, y: np.ndarray):
    return softmax_ce_trace(z, y)


@st.cache_data(max_entries=256, show_spinner=False)
def _mse_values(z: np.ndarray, y: np.ndarray) -> dict:
    a = activate("sigmoid", z)
    grad = mse_grad(a, y)
    return dict(a=a, loss=mse(a, y), dL_da=grad, f_prime=activation_derivative("sigmoid", z),
                delta=activation_backward("sigmoid", grad, z))


def _mse(z: np.ndarray, y: np.ndarray) -> MseSteps:
    return MseSteps(**_mse_values(z, y))  # the page's class cannot be pickled by the cache: a dict is


@st.cache_data(max_entries=256, show_spinner=False)
def _backward(delta: np.ndarray, x: np.ndarray, W: np.ndarray, zprev: np.ndarray, act: str):
    return dense_backward_trace(delta, x, W, z_prev=zprev, activation=act)


def _loss_of_logits(loss: str):
    """L as a function of the logits z, composed of core functions (for the finite differences)."""
    if loss == "cross_entropy":
        return softmax_cross_entropy
    return lambda z, y: mse(activate("sigmoid", z), y)


@st.cache_data(max_entries=256, show_spinner=False)
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


# cache_resource: the same Figure object is reused (unpickling a cached Figure costs more than building it)
@st.cache_resource(show_spinner=False, max_entries=64)
def _heatmap(M: np.ndarray, title: str, symbol: str, lang: str, row_labels: tuple | None = None,
             row_title: str | None = None, col_title: str | None = None, signed: bool | None = None,
             height: int | None = None):
    return matrix_heatmap(M, title=title, symbol=symbol, row_labels=row_labels, row_title=row_title,
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


def _row(v: np.ndarray) -> str:
    return latex_matrix(np.asarray(v).reshape(1, -1))


def _plot(fig, name: str) -> None:
    st.plotly_chart(fig, key=f"{PAGE}.{name}", config=PLOT_CONFIG, width="stretch")


def _vector(matrix: np.ndarray | None) -> np.ndarray | None:
    return None if matrix is None else matrix[0]


# --------------------------------------------------------------------------- page

lang = current_language()
st.title(t("dense.title"))
st.markdown(t("dense.intro"))
st.caption(t("dense.conventions"))

init_from_url(PAGE, SPECS)
with st.container(border=True):
    st.markdown(f"**{t('dense.controls')}**")
    c_loss, c_act = st.columns(2)
    with c_loss:
        loss_names = {k: t(f"dense.loss_{k}") for k in LOSSES}  # bound now: format_func may run outside the script
        loss = st.radio(t("dense.loss_label"), LOSSES, key="dense.loss", horizontal=True, format_func=loss_names.get)
    with c_act:
        act_names = {k: t(f"dense.act_{k}") for k in ACTIVATIONS}
        act = st.selectbox(t("dense.act_label"), ACTIVATIONS, key="dense.act", format_func=act_names.get,
                           help=t("dense.act_help"))
    c1, c2, c3, c4 = st.columns([1.2, 1.6, 1, 1])
    with c1:
        zprev = _vector(matrix_editor(t("dense.zprev_label"), key="dense.zprev", default=DEFAULT_ZPREV,
                                      max_rows=1, max_cols=MAX_UNITS, help=t("dense.vector_help", n=MAX_UNITS)))
    with c2:
        W = matrix_editor(t("dense.W_label"), key="dense.W", default=DEFAULT_W, max_rows=MAX_UNITS,
                          max_cols=MAX_UNITS, height=112)
    with c3:
        b = _vector(matrix_editor(t("dense.b_label"), key="dense.b", default=DEFAULT_B, max_rows=1,
                                  max_cols=MAX_UNITS, help=t("dense.vector_help", n=MAX_UNITS)))
    with c4:
        y = _vector(matrix_editor(t("dense.y_label"), key="dense.y", default=DEFAULT_Y, max_rows=1,
                                  max_cols=MAX_UNITS, help=t("dense.y_help")))
sync_to_url(PAGE, SPECS)
act_tex = ACT_LATEX[act]
ce = loss == "cross_entropy"

# ---- core results for every tab (cached; drawing happens only in the open tab)
fwd = fwd_err = out = out_err = None
if zprev is not None and W is not None and b is not None:
    fwd, fwd_err = _try(_forward, zprev, act, W, b)
if fwd is not None and y is not None:
    out, out_err = _try(_cross_entropy if ce else _mse, fwd[1].z, y)
delta = None if out is None else (out.a_minus_y if ce else out.delta)


def _lazy_expander(label: str, name: str):
    """A collapsed expander whose content is computed and sent only while it is open."""
    exp = st.expander(label, key=f"{PAGE}.{name}", on_change="rerun")
    return exp if exp.open else None


def _forward_tab() -> None:
    # ---- 1. forward
    st.subheader(t("dense.forward_title"))
    if zprev is None or W is None or b is None:
        st.info(t("dense.needs_inputs"))
    elif fwd_err is not None:
        st.error(explain_error(fwd_err))
    else:
        x, tr = fwd
        left, right = st.columns([3, 2])
        with left:
            st.latex(equation_lines(f"x = f(z^{{(l-1)}}) = {act_tex}(z^{{(l-1)}})",
                                    f"{act_tex}\\left({_col(zprev)}\\right)", _col(x)))
            st.latex(equation_lines("z = W x + b", f"{latex_matrix(tr.W)}{_col(x)} + {_col(tr.b)}", _col(tr.z)))
            exp = _lazy_expander(t("dense.forward_rows"), "forward_rows")
            if exp is not None:
                with exp:
                    for i in range(tr.W.shape[0]):
                        sym, num = sum_of_products([subscript("w", i, j) for j in range(tr.W.shape[1])], tr.W[i],
                                                   [subscript("x", j) for j in range(tr.W.shape[1])], tr.a_prev)
                        st.latex(equation_lines(f"{subscript('z', i)} = {sym} + {subscript('b', i)}",
                                                f"{num} + {fmt_latex(tr.b[i])}", tr.z[i]))
        with right:
            _plot(_heatmap(tr.products, t("dense.products_title"), "w·x", lang,
                           row_title=t("dense.axis_output"), col_title=t("dense.axis_input")), "products")
            st.caption(t("dense.products_caption"))

    # ---- 2. output and loss
    st.subheader(t("dense.loss_title_ce") if ce else t("dense.loss_title_mse"))
    if fwd is None or y is None:
        st.info(t("dense.needs_forward"))
    elif out_err is not None:
        st.error(explain_error(out_err))
        if ce:
            st.caption(t("dense.y_distribution_hint"))
    if out is None:
        return
    z = fwd[1].z
    left, right = st.columns([3, 2])
    with left:
        if ce:
            st.latex(equation_lines(r"a = \mathrm{softmax}(z),\quad a_k = \frac{e^{z_k}}{\sum_j e^{z_j}}",
                                    rf"\mathrm{{softmax}}\left({_col(z)}\right)", _col(out.a)))
            terms = " + ".join(f"{fmt_latex(yk)}\\ln {fmt_latex(ak)}" for yk, ak in zip(out.y, out.a))
            st.latex(equation_lines(r"L = -\sum_k y_k \ln a_k", rf"-\left({terms}\right)", out.loss))
        else:
            st.latex(equation_lines(r"a = \sigma(z) = \frac{1}{1 + e^{-z}}",
                                    rf"\sigma\left({_col(z)}\right)", _col(out.a)))
            terms = " + ".join(f"({fmt_latex(ak, factor=False)} - {fmt_latex(yk)})^2" for ak, yk in zip(out.a, y))
            st.latex(equation_lines(r"L = \tfrac{1}{2}\sum_k (a_k - y_k)^2", rf"\tfrac{{1}}{{2}}\left[{terms}\right]",
                                    out.loss))
            st.caption(t("dense.mse_output_note"))
    with right:
        rows = np.vstack([out.a, y, out.a_minus_y if ce else out.delta])
        labels = ("a", "y", "a − y") if ce else ("a", "y", "δ")
        _plot(_heatmap(rows, t("dense.output_title"), "v", lang, row_labels=labels, row_title="",
                       col_title=t("dense.axis_class"), signed=True), "output")
        st.caption(t("dense.output_caption_ce") if ce else t("dense.output_caption_mse"))


def _dz_tab() -> None:
    # ---- 3. dL/dz step by step
    st.subheader(t("dense.dz_title"))
    if out is None:
        st.info(t("dense.needs_loss"))
    elif ce:
        st.markdown(t("dense.step1"))
        fracs = r" \\ ".join(rf"-{fmt_latex(yk, factor=False)} / {fmt_latex(ak, factor=False)}"
                             for yk, ak in zip(out.y, out.a))
        st.latex(equation_lines(r"\frac{\partial L}{\partial a} = -\frac{y}{a}",
                                rf"\begin{{bmatrix}} {fracs} \end{{bmatrix}}", _col(out.dL_da)))
        st.markdown(t("dense.step2"))
        left, right = st.columns([3, 2])
        with left:
            st.latex(equation_lines(r"J = \frac{\partial a}{\partial z} = \operatorname{diag}(a) - a\,a^{\top}",
                                    None, latex_matrix(out.jacobian)))
            if out.a.size >= 2:
                a1, a2 = fmt_latex(out.a[0], factor=False), fmt_latex(out.a[1], factor=False)
                st.latex(equation_lines(r"J_{11} = a_1(1 - a_1)", rf"{a1}\times(1 - {a1})", out.jacobian[0, 0]))
                st.latex(equation_lines(r"J_{12} = -a_1 a_2", rf"-{a1}\times{a2}", out.jacobian[0, 1]))
        with right:
            _plot(_heatmap(out.jacobian, t("dense.jacobian_title"), "J", lang,
                           row_title=t("dense.axis_a"), col_title=t("dense.axis_z"), height=BIG_FIGURE), "jacobian")
            st.caption(t("dense.jacobian_caption"))
        st.markdown(t("dense.step3"))
        st.latex(equation_lines(r"\frac{\partial L}{\partial z} = J^{\top}\frac{\partial L}{\partial a}",
                                f"{latex_matrix(out.jacobian.T)}{_col(out.dL_da)}", _col(out.chain_product)))
        exp = _lazy_expander(t("dense.step3_rows"), "step3_rows")
        if exp is not None:
            with exp:
                k = out.a.size
                for j in range(k):
                    sym, num = sum_of_products([rf"\frac{{\partial L}}{{\partial a_{{{i + 1}}}}}" for i in range(k)],
                                               out.dL_da, [subscript("J", i, j) for i in range(k)], out.jacobian[:, j])
                    st.latex(equation_lines(rf"\frac{{\partial L}}{{\partial z_{{{j + 1}}}}} = {sym}", num,
                                            out.chain_product[j]))
        st.markdown(t("dense.step4"))
        st.latex(equation_lines(r"\frac{\partial L}{\partial z} = a - y", f"{_col(out.a)} - {_col(out.y)}",
                                _col(out.a_minus_y)))
        st.success(t("dense.equal", diff=fmt(out.max_abs_difference)))
    else:
        st.markdown(t("dense.mse_step1"))
        st.latex(equation_lines(r"\frac{\partial L}{\partial a} = a - y", f"{_col(out.a)} - {_col(y)}",
                                _col(out.dL_da)))
        st.markdown(t("dense.mse_step2"))
        st.latex(equation_lines(r"\sigma'(z) = \sigma(z)\,(1 - \sigma(z))", None, _col(out.f_prime)))
        st.markdown(t("dense.mse_step3"))
        for k in range(out.a.size):
            st.latex(equation_lines(rf"\delta_{{{k + 1}}} = (a_{{{k + 1}}} - y_{{{k + 1}}})\,\sigma'(z_{{{k + 1}}})",
                                    rf"{fmt_latex(out.dL_da[k])}\times{fmt_latex(out.f_prime[k])}", out.delta[k]))
        st.info(t("dense.mse_not_a_minus_y"))


def _backward_result():
    """The core's backward trace, or None after showing why there is none."""
    if delta is None:
        st.info(t("dense.needs_loss"))
        return None
    x, tr = fwd
    back, err = _try(_backward, delta, x, tr.W, zprev, act)
    if err is not None:
        st.error(explain_error(err))
    return back


def _back_tab() -> None:
    # ---- 4. back through the layer
    st.subheader(t("dense.back_title"))
    back = _backward_result()
    if back is None:
        return
    st.markdown(t("dense.db_text"))
    st.latex(equation_lines(r"\frac{\partial L}{\partial b} = \delta", None, _col(back.db)))
    st.markdown(t("dense.dW_text"))
    left, right = st.columns([3, 2])
    with left:
        st.latex(equation_lines(r"\frac{\partial L}{\partial W} = \delta\,x^{\top}",
                                f"{_col(back.delta)}{_row(back.a_prev)}", latex_matrix(back.dW)))
        st.latex(equation_lines(r"\frac{\partial L}{\partial w_{11}} = \delta_1 x_1",
                                rf"{fmt_latex(back.delta[0])}\times{fmt_latex(back.a_prev[0])}", back.dW[0, 0]))
    with right:
        _plot(_heatmap(back.dW, t("dense.dW_title"), "∂L/∂w", lang, row_title=t("dense.axis_output"),
                       col_title=t("dense.axis_input"), height=BIG_FIGURE), "dW")
        st.caption(t("dense.dW_caption"))
    st.markdown(t("dense.dx_text"))
    st.latex(equation_lines(r"\frac{\partial L}{\partial x} = W^{\top}\delta",
                            f"{latex_matrix(back.W.T)}{_col(back.delta)}", _col(back.da_prev)))
    exp = _lazy_expander(t("dense.dx_rows"), "dx_rows")
    if exp is not None:
        with exp:
            m = back.W.shape[0]
            for j in range(back.W.shape[1]):
                sym, num = sum_of_products([subscript("w", i, j) for i in range(m)], back.W[:, j],
                                           [subscript(r"\delta", i) for i in range(m)], back.delta)
                st.latex(equation_lines(rf"\frac{{\partial L}}{{\partial x_{{{j + 1}}}}} = {sym}", num,
                                        back.da_prev[j]))
    st.markdown(t("dense.dprev_text", f=t(f"dense.act_{act}")))
    st.latex(equation_lines(rf"\delta^{{(l-1)}} = f'(z^{{(l-1)}}) \odot W^{{\top}}\delta",
                            rf"{_col(back.f_prime)} \odot {_col(back.da_prev)}", _col(back.delta_prev)))


def _check_tab() -> None:
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
    values = {col_name: [], col_an: [], col_num: []}
    for key, check in checks.items():
        for table in (summary, values):
            table[col_name].append(names[key])
        values[col_an].append(", ".join(fmt(v, 6) for v in np.ravel(check.analytic)))
        values[col_num].append(", ".join(fmt(v, 6) for v in np.ravel(check.numeric)))
        summary[col_err].append(fmt(check.max_rel_error, 2))
        summary[col_ok].append(t("dense.passed") if check.passed else t("dense.failed"))
    st.dataframe(pa.table(summary), hide_index=True)
    exp = _lazy_expander(t("dense.check_values"), "check_values")
    if exp is not None:
        with exp:
            st.dataframe(pa.table(values), hide_index=True)
    st.caption(t("dense.check_caption"))


def _seeds_tab() -> None:
    # ---- 6. what the source texts write
    st.subheader(t("dense.seeds_title"))
    st.markdown(t("dense.seed001"))
    st.markdown(t("dense.seed004"))
    if out is not None and ce:
        st.markdown(t("dense.seed000_checked", diff=fmt(out.max_abs_difference)))
    else:
        st.markdown(t("dense.seed000"))
    st.markdown(t("dense.seed000_convention"))


# One topic per tab: only the open tab is computed and sent, so an edit re-renders at most 2 figures.
TABS = {"forward": _forward_tab, "dz": _dz_tab, "back": _back_tab, "check": _check_tab, "seeds": _seeds_tab}
tabs = st.tabs([t(f"dense.tab_{name}") for name in TABS], key="dense.section", on_change="rerun")
for tab, render in zip(tabs, TABS.values()):
    if tab.open is not False:
        with tab:
            render()
