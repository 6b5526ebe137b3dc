"""Formulas of the fully connected page, built from the traces of :mod:`cnn_core.dense`.

Indices in are 0-based, symbols out 1-based. Symbols: x the layer input, z = W x + b, a the output,
y the target, δ = ∂L/∂z; the indicator 𝟙[i = j] (not a Kronecker δ, which would clash with δ).
"""

from __future__ import annotations

import math

import numpy as np

from cnn_core.dense import DenseBackwardTrace, DenseForwardTrace, SigmoidMSETrace, SoftmaxCETrace
from ui.formulas.equation import Equation, shown, sum_of_products_equation
from ui.latex import LINE_EM, equation_lines, fmt, fmt_latex, latex_matrix, latex_width_em, subscript

#: Terms per line in a written-out sum (a longer sum continues on the next, aligned line).
TERMS_PER_LINE = 4
#: What joins two lines of one sum inside ``aligned``.
LINE_BREAK = r" \\ &\qquad + "


def wrap_sum(parts: list[str], per_line: int = TERMS_PER_LINE, lead_em: float = 4.0) -> str:
    r"""``a + b + c + …`` with a line break (aligned, ``\qquad +``) after every ``per_line`` terms.

    >>> wrap_sum(["a", "b", "c"], 2)
    'a + b \\\\ &\\qquad + c'
    """
    # also narrower when the terms are wide (numbers), so every line fits a phone's column (#12 item 16);
    # ``lead_em``: what stands in front of the sum on its first line (left side, "=", a bracket)
    plus = latex_width_em("+")
    lines: list[list[str]] = [[]]
    room = LINE_EM - lead_em
    for part in parts:
        w = latex_width_em(part) + (plus if lines[-1] else 0.0)
        if lines[-1] and (len(lines[-1]) >= per_line or w > room):
            lines.append([])
            room, w = LINE_EM - lead_em - 2.0 - plus, w - plus
        lines[-1].append(part)
        room -= w
    return LINE_BREAK.join(" + ".join(line) for line in lines)


def shown_array(a) -> np.ndarray:
    """Every entry as the screen shows it (the reader's digits), as floats of the same shape."""
    arr = np.asarray(a, dtype=float)
    return np.array([shown(v) for v in arr.ravel()]).reshape(arr.shape)


def adds_up(recomputed, result) -> bool:
    """True when the numbers a reader gets from the shown ones print as the shown result, entry by entry."""
    return all(fmt(r) == fmt(v) for r, v in zip(np.ravel(recomputed), np.ravel(result)))


def matrix_equation(symbolic: str, numeric: str | None, result, recomputed=None, *, row: bool = False) -> str:
    """``lhs = symbolic = numeric = result`` for vectors and matrices, aligned; the last step says ``≈``
    when ``recomputed`` (the result worked out from the shown numbers) does not print as the shown result.

    ``symbolic`` may start with a left-hand side (``z = W x + b``): the lines align on its first ``=``.
    A 1-D ``result`` is written as a column, or as a row with ``row=True``.
    """
    res = np.asarray(result, dtype=float)
    res_tex = latex_matrix(res.reshape((1, -1) if row else (-1, 1)) if res.ndim == 1 else res)
    exact = recomputed is None or numeric is None or adds_up(recomputed, res)
    return equation_lines(symbolic, numeric, res_tex, approx=not exact)


def forward_row(trace: DenseForwardTrace, i: int) -> Equation:
    """zᵢ = Σⱼ wᵢⱼ xⱼ + bᵢ."""
    n = trace.W.shape[1]
    w, x, b = trace.W[i], trace.a_prev, float(trace.b[i])
    symbolic = [f"{subscript('w', i, j)}{subscript('x', j)}" for j in range(n)] + [subscript("b", i)]
    numeric = [f"{fmt_latex(w[j])}\\times{fmt_latex(x[j])}" for j in range(n)] + [fmt_latex(b)]
    factors = tuple((shown(w[j]), shown(x[j])) for j in range(n)) + ((shown(b),),)
    return Equation(subscript("z", i), wrap_sum(symbolic), wrap_sum(numeric), float(trace.z[i]), factors)


def dL_da_fractions(out: SoftmaxCETrace) -> str:
    """The column (−yₖ / aₖ)ₖ with the numbers (∂L/∂a of the cross-entropy)."""
    rows = r" \\ ".join(rf"-{fmt_latex(yk, factor=False)} / {fmt_latex(ak, factor=False)}"
                         for yk, ak in zip(out.y, out.a))
    return rf"\begin{{bmatrix}} {rows} \end{{bmatrix}}"


def shape_problem(w_shape: tuple[int, int], n_in: int, n_b: int, n_y: int | None) -> tuple[str, dict] | None:
    """Why the four inputs do not fit together, in the page's words: (locale key under ``dense.``, params).

    W has one row per output and one column per input: z⁽ˡ⁻¹⁾ needs as many numbers as W has columns,
    b and y as many as W has rows.
    """
    rows, cols = int(w_shape[0]), int(w_shape[1])
    if n_in != cols:
        return "shape_input", {"cols": cols, "got": int(n_in)}
    if n_b != rows:
        return "shape_bias", {"rows": rows, "got": int(n_b)}
    if n_y is not None and n_y != rows:
        return "shape_target", {"rows": rows, "got": int(n_y)}
    return None


def chain_row(out: SoftmaxCETrace, j: int) -> Equation:
    """∂L/∂zⱼ = Σᵢ ∂L/∂aᵢ · Jᵢⱼ (the chain rule through the softmax Jacobian)."""
    k = out.a.size
    terms = [(rf"\frac{{\partial L}}{{\partial a_{{{i + 1}}}}}", float(out.dL_da[i]), subscript("J", i, j),
              float(out.jacobian[i, j])) for i in range(k)]
    return sum_of_products_equation(rf"\frac{{\partial L}}{{\partial z_{{{j + 1}}}}}", terms,
                                    float(out.chain_product[j]))


def jacobian_entry(out: SoftmaxCETrace, i: int, j: int) -> Equation:
    """Jᵢⱼ = aᵢ(𝟙[i = j] − aⱼ): aᵢ(1 − aᵢ) on the diagonal, −aᵢaⱼ off it."""
    ai, aj = float(out.a[i]), float(out.a[j])
    lhs = subscript("J", i, j)
    if i == j:
        return Equation(lhs, rf"{subscript('a', i)}(1 - {subscript('a', i)})",
                        rf"{fmt_latex(ai)}\times(1 - {fmt_latex(ai)})", float(out.jacobian[i, j]),
                        ((shown(ai), 1 - shown(ai)),))
    return Equation(lhs, rf"-{subscript('a', i)}{subscript('a', j)}", rf"-{fmt_latex(ai)}\times{fmt_latex(aj)}",
                    float(out.jacobian[i, j]), ((-shown(ai), shown(aj)),))


def dx_row(back: DenseBackwardTrace, j: int) -> Equation:
    """∂L/∂xⱼ = Σᵢ wᵢⱼ δᵢ (a matrix–vector product Wᵀδ)."""
    m = back.W.shape[0]
    terms = [(subscript("w", i, j), float(back.W[i, j]), subscript(r"\delta", i), float(back.delta[i]))
             for i in range(m)]
    return sum_of_products_equation(rf"\frac{{\partial L}}{{\partial x_{{{j + 1}}}}}", terms, float(back.da_prev[j]))


def dw_entry(back: DenseBackwardTrace, i: int, j: int) -> Equation:
    """∂L/∂wᵢⱼ = δᵢ xⱼ."""
    d, x = float(back.delta[i]), float(back.a_prev[j])
    return Equation(rf"\frac{{\partial L}}{{\partial {subscript('w', i, j)}}}",
                    f"{subscript(chr(92) + 'delta', i)} {subscript('x', j)}", rf"{fmt_latex(d)}\times{fmt_latex(x)}",
                    float(back.dW[i, j]), ((shown(d), shown(x)),))


def mse_delta(out: SigmoidMSETrace, k: int) -> Equation:
    """δₖ = (aₖ − yₖ) σ'(zₖ), σ'(zₖ) = aₖ(1 − aₖ)."""
    lhs = subscript(r"\delta", k)
    sym = rf"({subscript('a', k)} - {subscript('y', k)})\,\sigma'({subscript('z', k)})"
    return Equation(lhs, sym, rf"{fmt_latex(out.dL_da[k])}\times{fmt_latex(out.sigma_prime[k])}",
                    float(out.dL_dz[k]), ((shown(out.dL_da[k]), shown(out.sigma_prime[k])),))


def _brackets(body: str, opening: str, closing: str) -> tuple[str, str]:
    r"""``\left( … \right)`` around a one-line sum; ``\Big( … \Big)`` when it wraps (\left cannot span lines)."""
    if LINE_BREAK in body:
        return rf"\Big{opening}", rf"\Big{closing}"
    return rf"\left{opening}", rf"\right{closing}"


def cross_entropy_loss(out: SoftmaxCETrace) -> Equation:
    """L = −Σₖ yₖ ln aₖ, the numbers as shown (ln of the shown aₖ)."""
    parts = wrap_sum([f"{fmt_latex(yk)}\\ln {fmt_latex(ak)}" for yk, ak in zip(out.y, out.a)])
    factors = tuple((-shown(yk), math.log(shown(ak)) if shown(ak) > 0 else 0.0)
                    for yk, ak in zip(out.y, out.a) if shown(yk) != 0)
    left, right = _brackets(parts, "(", ")")
    return Equation("L", r"-\sum_k y_k \ln a_k", rf"-{left}{parts}{right}", float(out.loss), factors)


def mse_loss(out: SigmoidMSETrace) -> Equation:
    """L = ½ Σₖ (aₖ − yₖ)²."""
    parts = wrap_sum([f"({fmt_latex(ak, factor=False)} - {fmt_latex(yk)})^2" for ak, yk in zip(out.a, out.y)])
    factors = tuple((0.5, shown(ak) - shown(yk), shown(ak) - shown(yk)) for ak, yk in zip(out.a, out.y))
    return Equation("L", r"\tfrac{1}{2}\sum_k (a_k - y_k)^2", rf"\tfrac{{1}}{{2}}{_brackets(parts, '[', ']')[0]}{parts}{_brackets(parts, '[', ']')[1]}",
                    float(out.loss), factors)


# --------------------------------------------------------------------------- whole vector / matrix lines
# Each line is ``symbolic = numbers = result``; the result is recomputed from the numbers as shown, and
# the last step says ≈ when that does not print as the shown result.

def _col(v) -> str:
    return latex_matrix(np.asarray(v, dtype=float).reshape(-1, 1))


def _row(v) -> str:
    return latex_matrix(np.asarray(v, dtype=float).reshape(1, -1))


def activation_line(act_tex: str, act: str, z_prev, x) -> str:
    """x = f(z⁽ˡ⁻¹⁾), element by element."""
    from cnn_core.activations import activate

    return matrix_equation(f"x = f(z^{{(l-1)}}) = {act_tex}(z^{{(l-1)}})", rf"{act_tex}\left({_col(z_prev)}\right)",
                           x, activate(act, shown_array(z_prev)))


def forward_line(trace: DenseForwardTrace) -> str:
    """z = W x + b with the matrices."""
    W, x, b = shown_array(trace.W), shown_array(trace.a_prev), shown_array(trace.b)
    return matrix_equation("z = W x + b", f"{latex_matrix(trace.W)}{_col(trace.a_prev)} + {_col(trace.b)}",
                           trace.z, W @ x + b)


def softmax_line(z, a) -> str:
    """a = softmax(z)."""
    from cnn_core.dense import softmax

    return matrix_equation(r"a = \mathrm{softmax}(z),\quad a_k = \frac{e^{z_k}}{\sum_j e^{z_j}}",
                           rf"\mathrm{{softmax}}\left({_col(z)}\right)", a, softmax(shown_array(z)))


def sigmoid_line(z, a) -> str:
    """a = σ(z), element by element."""
    from cnn_core.activations import activate

    return matrix_equation(r"a = \sigma(z) = \frac{1}{1 + e^{-z}}", rf"\sigma\left({_col(z)}\right)", a,
                           activate("sigmoid", shown_array(z)))


def dL_da_line(out: SoftmaxCETrace) -> str:
    """∂L/∂a = −y / a, entry by entry (0 where yₖ = 0)."""
    y, a = shown_array(out.y), shown_array(out.a)
    again = np.array([0.0 if yk == 0 else -yk / ak for yk, ak in zip(y, a)])
    return matrix_equation(r"\frac{\partial L}{\partial a} = -\frac{y}{a}", dL_da_fractions(out), out.dL_da, again)


def chain_line(out: SoftmaxCETrace) -> str:
    """∂L/∂z = Jᵀ ∂L/∂a."""
    return matrix_equation(r"\frac{\partial L}{\partial z} = J^{\top}\frac{\partial L}{\partial a}",
                           f"{latex_matrix(out.jacobian.T)}{_col(out.dL_da)}", out.chain_product,
                           shown_array(out.jacobian).T @ shown_array(out.dL_da))


def difference_line(symbolic: str, a, y, result) -> str:
    """``lhs = a − y`` with the two columns."""
    return matrix_equation(symbolic, f"{_col(a)} - {_col(y)}", result, shown_array(a) - shown_array(y))


def dW_line(back: DenseBackwardTrace) -> str:
    """∂L/∂W = δ xᵀ (an outer product)."""
    return matrix_equation(r"\frac{\partial L}{\partial W} = \delta\,x^{\top}",
                           f"{_col(back.delta)}{_row(back.a_prev)}", back.dW,
                           np.outer(shown_array(back.delta), shown_array(back.a_prev)))


def dx_line(back: DenseBackwardTrace) -> str:
    """∂L/∂x = Wᵀ δ."""
    return matrix_equation(r"\frac{\partial L}{\partial x} = W^{\top}\delta",
                           f"{latex_matrix(back.W.T)}{_col(back.delta)}", back.da_prev,
                           shown_array(back.W).T @ shown_array(back.delta))


def dprev_line(back: DenseBackwardTrace) -> str:
    """δ⁽ˡ⁻¹⁾ = f'(z⁽ˡ⁻¹⁾) ⊙ Wᵀδ."""
    return matrix_equation(r"\delta^{(l-1)} = f'(z^{(l-1)}) \odot W^{\top}\delta",
                           rf"{_col(back.f_prime)} \odot {_col(back.da_prev)}", back.delta_prev,
                           shown_array(back.f_prime) * shown_array(back.da_prev))


def output_columns(a, y, delta, class_title: str, delta_title: str) -> dict[str, list[str]]:
    """The forward tab's output table, one row per class k (1-based): k, aₖ, yₖ and δₖ = ∂L/∂zₖ as the screen
    writes numbers (the reader's digits). ``delta_title`` is "a − y" (cross-entropy) or "δ" (MSE)."""
    a, y, delta = (np.ravel(np.asarray(v, dtype=float)) for v in (a, y, delta))
    return {class_title: [str(k) for k in range(1, a.size + 1)],
            "a": [fmt(v) for v in a], "y": [fmt(v) for v in y], delta_title: [fmt(v) for v in delta]}


#: Below this absolute difference two gradients agree whatever their relative error: centred differences
#: with ε = 10⁻⁶ carry rounding noise of about 10⁻¹⁰, so a gradient that is 0 (7·10⁻¹⁸ analytically,
#: 0 numerically) must not be called different.
GRADCHECK_ATOL = 1e-9


def agrees(check) -> bool:
    """A finite-difference check passed: small relative error, or both values (near) zero."""
    diff = float(np.max(np.abs(np.asarray(check.analytic) - np.asarray(check.numeric)))) if np.size(check.analytic) else 0.0
    return bool(check.passed or diff <= GRADCHECK_ATOL)


def forward_row_tree(trace: DenseForwardTrace, i: int):
    """zᵢ = Σⱼ wᵢⱼ·xⱼ + bᵢ = the numbers = zᵢ as an expression tree (``ui.formulas.conv_forward.Equation``), for the
    cell stepper's MathML; ≈ exactly where :func:`forward_row` says ≈ (the same shown numbers)."""
    from ui.formulas.conv_forward import Equation as Tree, Num, Op, Sym

    n = trace.W.shape[1]
    lead = [(Op("+"),) if j else () for j in range(n)]
    sym = tuple(lead[j] + (Sym("w", (i, j)), Op("·"), Sym("x", (j,))) for j in range(n)) + ((Op("+"), Sym("b", (i,))),)
    num = tuple(lead[j] + (Num(float(trace.W[i, j])), Op("×"), Num(float(trace.a_prev[j]))) for j in range(n)) \
        + ((Op("+"), Num(float(trace.b[i]))),)
    return Tree((Sym("z", (i,)),), (sym, num), float(trace.z[i]), approx=not forward_row(trace, i).exact)
