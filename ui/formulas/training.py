"""Formulas of the training page, built from :class:`cnn_core.tiny_cnn.StepTrace` arrays.

Symbols: x the image, h the kernel, net = x ⋆ h + b, o = ReLU(net), p the pooled map, v = flatten(p),
z = W v + c, a = softmax(z); t is the true class (an index) and y its one-hot vector; ℓₙ is one
sample's loss and L = (1/N) Σₙ ℓₙ the batch loss. Indices in are 0-based, shown 1-based.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from cnn_core import tiny_cnn
from ui.formulas.dense import LINE_BREAK, matrix_equation, shown_array, wrap_sum
from ui.formulas.equation import Equation, shown, sum_of_products_equation
from ui.latex import display_digits, fmt_latex, latex_matrix, subscript

SIG = None   # the reader's digits (2 / 4 / 6): one kernel row per line keeps even 6 digits inside the column
LOSSES_PER_LINE = 6


def filter_columns(pool_shape: tuple[int, int, int], f: int) -> range:
    """The entries j of v = flatten(p) (0-based) that come from filter ``f``'s pooled map (row by row)."""
    per_filter = int(pool_shape[1]) * int(pool_shape[2])
    return range(f * per_filter, (f + 1) * per_filter)


def pool_position(pool_shape: tuple[int, int, int], f: int, r: int, c: int) -> tuple[int, int, int]:
    """Conv-output cell (f, r, c) -> its max-pool window (pr, pc) and that window's entry j of v = flatten(p).

    ``pool_shape`` is (F, PH, PW); v lists p of filter 1 row by row, then filters 2, 3, …
    """
    pr, pc = r // tiny_cnn.POOL_KERNEL, c // tiny_cnn.POOL_KERNEL
    return pr, pc, int(np.ravel_multi_index((f, pr, pc), pool_shape))


def conv_cell(window: np.ndarray, kernel: np.ndarray, bias: float, r: int, c: int, result: float) -> Equation:
    """net_rc = Σ_ab x_{r+a, c+b} h_ab + b, one kernel row per line, the bias on its own line."""
    k = kernel.shape[0]
    rows_sym, rows_num, factors = [], [], []
    for a in range(k):
        rows_sym.append(" + ".join(f"{subscript('x', r + a, c + b)}{subscript('h', a, b)}" for b in range(k)))
        # a row of numbers wider than a phone's column continues on the next line (wrap_sum)
        rows_num.append(wrap_sum([f"{fmt_latex(window[a, b], sig=SIG)}\\times{fmt_latex(kernel[a, b], sig=SIG)}"
                                  for b in range(k)], per_line=k))
        factors += [(shown(window[a, b], SIG), shown(kernel[a, b], SIG)) for b in range(k)]
    return Equation(subscript("net", r, c), LINE_BREAK.join(rows_sym + ["b"]),
                    LINE_BREAK.join(rows_num + [fmt_latex(bias)]), float(result),
                    tuple(factors) + ((shown(bias),),))


def softmax_entry(z: np.ndarray, t: int, a_t: float) -> Equation:
    """a_t = e^{z_t} / Σ_k e^{z_k} for the true class t."""
    exps = " + ".join(f"e^{{{fmt_latex(zk, factor=False)}}}" for zk in z)
    again = math.exp(shown(z[t])) / sum(math.exp(shown(zk)) for zk in z)
    return Equation(subscript("a", t), rf"\frac{{e^{{{subscript('z', t)}}}}}{{\sum_k e^{{z_k}}}}",
                    rf"\frac{{e^{{{fmt_latex(z[t], factor=False)}}}}}{{{exps}}}", float(a_t), recomputed=again)


def sample_loss(n: int, t: int, a_t: float, loss: float) -> Equation:
    """ℓₙ = −ln a_t: a one-hot target keeps only the true class t."""
    return Equation(subscript(r"\ell", n), rf"-\ln {subscript('a', t)}", rf"-\ln {fmt_latex(a_t)}", float(loss),
                    recomputed=-math.log(shown(a_t)) if shown(a_t) > 0 else None)


def batch_loss(losses: np.ndarray, loss: float) -> Equation:
    """L = (1/N) Σₙ ℓₙ, the mean over the batch."""
    n = len(losses)
    # \left( … \right) cannot span lines of an aligned block: plain brackets around a wrapped sum
    numeric = rf"\frac{{1}}{{{n}}}\Big(" + wrap_sum([fmt_latex(v, sig=SIG) for v in losses], LOSSES_PER_LINE) + r"\Big)"
    return Equation("L", r"\frac{1}{N}\sum_{n=1}^{N} \ell_n", numeric, float(loss),
                    recomputed=sum(shown(v, SIG) for v in losses) / n)


def flat_gradient(W: np.ndarray, dz: np.ndarray, j: int, result: float) -> Equation:
    """∂L/∂v_j = Σ_k W_kj ∂L/∂z_k (column j of W)."""
    terms = [(subscript("W", k, j), float(W[k, j]), rf"\frac{{\partial L}}{{\partial {subscript('z', k)}}}",
              float(dz[k])) for k in range(W.shape[0])]
    return sum_of_products_equation(rf"\frac{{\partial L}}{{\partial {subscript('v', j)}}}", terms, float(result))


def relu_step(d_o: float, relu_prime: float, net: float, r: int, c: int, result: float) -> Equation:
    """∂L/∂net_rc = ∂L/∂o_rc · ReLU'(net_rc)."""
    net_rc = subscript("net", r, c)
    d_o_sym = rf"\frac{{\partial L}}{{\partial {subscript('o', r, c)}}}"
    return Equation(rf"\frac{{\partial L}}{{\partial {net_rc}}}",
                    rf"{d_o_sym}\cdot \mathrm{{ReLU}}'({net_rc} = {fmt_latex(net, factor=False)})",
                    rf"{fmt_latex(d_o)}\times{fmt_latex(relu_prime)}", float(result),
                    ((shown(d_o), shown(relu_prime)),))


def update_step(sym: str, before: float, lr: float, grad: float, after: float) -> Equation:
    """θ' = θ − η ∂L/∂θ for one entry (``sym`` its LaTeX name)."""
    # braces: h^{(1)}_{11}' would be a double superscript for KaTeX
    return Equation(f"{{{sym}}}'", rf"{sym} - \eta\,\frac{{\partial L}}{{\partial {sym}}}",
                    rf"{fmt_latex(before, factor=False)} - {fmt_latex(lr)}\times{fmt_latex(grad)}", float(after),
                    recomputed=shown(before) - shown(lr) * shown(grad))


def fc_delta(probs: np.ndarray, targets: np.ndarray, n: int, result: np.ndarray) -> str:
    """∂L/∂z = (a − y)/N for one sample (rows); ≈ when the shown a and y do not give the shown result."""
    return matrix_equation(r"\frac{\partial L}{\partial z} = \frac{a - y}{N}",
                           rf"\frac{{1}}{{{n}}}\left({latex_matrix(probs)} - {latex_matrix(targets)}\right)", result,
                           (shown_array(probs) - shown_array(targets)) / n, row=True)


@lru_cache(maxsize=4096)   # a stepper's 36 cells read the same 9 weights and 64 pixels 324 times each step: bounded
def _shown_at(value: float, digits: int) -> float:
    """``shown(value, digits)``, remembered: the printed value of a number at the given digits."""
    return shown(value, digits)


def conv_cell_tree(window: np.ndarray, kernel: np.ndarray, bias: float, r: int, c: int, result: float):
    """:func:`conv_cell` as an expression tree for the browser's cell stepper (drawn as MathML there):
    ``net_rc = Σ_ab x_{r+a, c+b}·h_ab + b = Σ numbers + bias = result``; ≈ when the printed numbers, re-added,
    do not give the printed result (the rule of :attr:`Equation.exact`, as the LaTeX version)."""
    from ui.formulas.conv_forward import Equation as TreeEquation, Num, Op, Sym
    from ui.latex import fmt

    k = kernel.shape[0]
    taps = [(a, b) for a in range(k) for b in range(k)]
    lead = [(Op("+"),) if i else () for i in range(len(taps))]
    sym = tuple(lead[i] + (Sym("x", (r + a, c + b)), Op("·"), Sym("h", (a, b))) for i, (a, b) in enumerate(taps))
    num = tuple(lead[i] + (Num(float(window[a, b])), Op("×"), Num(float(kernel[a, b]))) for i, (a, b) in enumerate(taps))
    digits = display_digits() if SIG is None else SIG
    printed = sum(_shown_at(float(window[a, b]), digits) * _shown_at(float(kernel[a, b]), digits)
                  for a, b in taps) + shown(bias)
    return TreeEquation((Sym("net", (r, c)),), (sym + ((Op("+"), Sym("b")),), num + ((Op("+"), Num(float(bias))),)),
                        float(result), approx=fmt(printed) != fmt(result))


# --------------------------------------------------------------------------- backward, as expression trees
# The backward tab's cell stepper draws these as MathML in the browser (same terms as the LaTeX builders above).
def flat_gradient_tree(W: np.ndarray, dz: np.ndarray, j: int, result: float):
    """∂L/∂v_j = Σ_k W_kj ∂L/∂z_k (column j of W); ≈ when the printed numbers do not give the printed result."""
    from ui.formulas.conv_forward import Equation as TreeEquation, Num, Op, Sym
    from ui.formulas.pool import grad_symbol
    from ui.latex import fmt

    ks = range(W.shape[0])
    sym = tuple(((Op("+"),) if k else ()) + (Sym("W", (k, j)), Op("·"), grad_symbol("L", Sym("z", (k,)))) for k in ks)
    num = tuple(((Op("+"),) if k else ()) + (Num(float(W[k, j]), factor=k > 0), Op("×"), Num(float(dz[k])))
                for k in ks)
    printed = sum(shown(W[k, j], SIG) * shown(dz[k], SIG) for k in ks)
    return TreeEquation((grad_symbol("L", Sym("v", (j,))),), (sym, num), float(result),
                        approx=fmt(printed) != fmt(result))


def route_tree(won: bool, r: int, c: int, pr: int, pc: int, result: float):
    """∂L/∂o_rc = ∂L/∂p_{pr pc} when o_rc won its pool window, else 0."""
    from ui.formulas.conv_forward import Equation as TreeEquation, Num, Sym
    from ui.formulas.pool import grad_symbol

    lhs = (grad_symbol("L", Sym("o", (r, c))),)
    if not won:
        return TreeEquation(lhs, (((Num(0),),),))
    return TreeEquation(lhs, (((grad_symbol("L", Sym("p", (pr, pc))),),),), float(result))


def relu_step_tree(d_o: float, relu_prime: float, net: float, r: int, c: int, result: float):
    """∂L/∂net_rc = ∂L/∂o_rc · ReLU′(net_rc) = d_o × ReLU′(net) = d_o × (0 or 1) = result."""
    from ui.formulas.conv_forward import Equation as TreeEquation, Fn, Num, Op, Sym
    from ui.formulas.pool import grad_symbol
    from ui.latex import fmt

    net_rc = Sym("net", (r, c))
    sym = (grad_symbol("L", Sym("o", (r, c))), Op("·"), Fn("ReLU′"), Op("("), net_rc, Op(")"))
    mid = (Num(float(d_o), factor=False), Op("×"), Fn("ReLU′"), Op("("), Num(float(net), factor=False), Op(")"))
    num = (Num(float(d_o), factor=False), Op("×"), Num(float(relu_prime)))
    return TreeEquation((grad_symbol("L", net_rc),), ((sym,), (mid,), (num,)), float(result),
                        approx=fmt(shown(d_o) * shown(relu_prime)) != fmt(result))


def pool_max_tree(cells: list[tuple[int, int]], values: list[float], pr: int, pc: int, result: float):
    """p_{pr pc} = max(o …) = max(numbers) = result over the window's cells of o (0-based (row, col))."""
    from ui.formulas.conv_forward import Equation as TreeEquation, Fn, Num, Op, Sym

    last = len(cells) - 1
    def chunks(nodes):
        return tuple(((Fn("max"), Op("(")) if k == 0 else ()) + (node, Op(")" if k == last else ","))
                     for k, node in enumerate(nodes))
    return TreeEquation((Sym("p", (pr, pc)),), (chunks([Sym("o", rc) for rc in cells]),
                                                chunks([Num(float(v), factor=False) for v in values])), float(result))
