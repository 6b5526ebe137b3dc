"""Formulas of the fully connected page, built from the traces of :mod:`cnn_core.dense`.

Indices in are 0-based, symbols out 1-based. Symbols: x the layer input, z = W x + b, a the output,
y the target, δ = ∂L/∂z; the indicator 𝟙[i = j] (not a Kronecker δ, which would clash with δ).
"""

from __future__ import annotations

import math

from cnn_core.dense import DenseBackwardTrace, DenseForwardTrace, SigmoidMSETrace, SoftmaxCETrace
from ui.formulas.equation import Equation, shown, sum_of_products_equation
from ui.latex import fmt_latex, subscript


def forward_row(trace: DenseForwardTrace, i: int) -> Equation:
    """zᵢ = Σⱼ wᵢⱼ xⱼ + bᵢ."""
    n = trace.W.shape[1]
    eq = sum_of_products_equation("", [(subscript("w", i, j), float(trace.W[i, j]), subscript("x", j),
                                        float(trace.a_prev[j])) for j in range(n)], float(trace.z[i]))
    b = float(trace.b[i])
    return Equation(subscript("z", i), f"{eq.symbolic} + {subscript('b', i)}", f"{eq.numeric} + {fmt_latex(b)}",
                    float(trace.z[i]), eq.factors + ((shown(b),),))


def dL_da_fractions(out: SoftmaxCETrace) -> str:
    """The column (−yₖ / aₖ)ₖ with the numbers (∂L/∂a of the cross-entropy)."""
    rows = r" \\ ".join(rf"-{fmt_latex(yk, factor=False)} / {fmt_latex(ak, factor=False)}"
                         for yk, ak in zip(out.y, out.a))
    return rf"\begin{{bmatrix}} {rows} \end{{bmatrix}}"


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


def cross_entropy_loss(out: SoftmaxCETrace) -> Equation:
    """L = −Σₖ yₖ ln aₖ, the numbers as shown (ln of the shown aₖ)."""
    parts = " + ".join(f"{fmt_latex(yk)}\\ln {fmt_latex(ak)}" for yk, ak in zip(out.y, out.a))
    factors = tuple((-shown(yk), math.log(shown(ak)) if shown(ak) > 0 else 0.0)
                    for yk, ak in zip(out.y, out.a) if shown(yk) != 0)
    return Equation("L", r"-\sum_k y_k \ln a_k", rf"-\left({parts}\right)", float(out.loss), factors)


def mse_loss(out: SigmoidMSETrace) -> Equation:
    """L = ½ Σₖ (aₖ − yₖ)²."""
    parts = " + ".join(f"({fmt_latex(ak, factor=False)} - {fmt_latex(yk)})^2" for ak, yk in zip(out.a, out.y))
    factors = tuple((0.5, shown(ak) - shown(yk), shown(ak) - shown(yk)) for ak, yk in zip(out.a, out.y))
    return Equation("L", r"\tfrac{1}{2}\sum_k (a_k - y_k)^2", rf"\tfrac{{1}}{{2}}\left[{parts}\right]",
                    float(out.loss), factors)
