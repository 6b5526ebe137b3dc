"""Formulas of the autodiff page, built from :mod:`cnn_core.autodiff` paths and mode tables.

Node names are the graph's (``x``, ``w``, ``b``, ``h1`` … ``h6``, ``f``); display subscripts ``h₁``.
"""

from __future__ import annotations

import math

from cnn_core.autodiff import ChainPath
from ui.formulas.equation import Equation, shown
from ui.latex import fmt, fmt_latex, wrap_product_sum

_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def pretty(name: str) -> str:
    """h1 -> h₁ (plain text)."""
    return name.translate(_SUB)


def tex(name: str) -> str:
    """h1 -> h_{1} (LaTeX)."""
    return f"{name[0]}_{{{name[1:]}}}" if len(name) > 1 and name[1:].isdigit() else name


def frac(num: str, den: str) -> str:
    """∂h₂/∂h₁ (plain text)."""
    return f"∂{pretty(num)}/∂{pretty(den)}"


def tex_frac(num: str, den: str) -> str:
    return rf"\frac{{\partial {tex(num)}}}{{\partial {tex(den)}}}"


def factor(v: float) -> str:
    """A number that stands in a product: negatives in parentheses, (−0.25) × (−1)."""
    return f"({fmt(v)})" if v < 0 else fmt(v)


def chain_rule(paths: tuple[ChainPath, ...], leaf: str, total: float) -> Equation:
    """∂f/∂θ = Σ over the paths f → … → θ of the product of the local derivatives along the path (eq. 3.3)."""
    # a long path (six fractions) continues on aligned lines that fit a phone's column (#12 item 16)
    symbolic = wrap_product_sum([[tex_frac(fc.numerator, fc.denominator) for fc in p.factors] for p in paths],
                                rf"\frac{{\partial f}}{{\partial {leaf}}}")
    numeric = wrap_product_sum([[fmt_latex(fc.value) for fc in p.factors] for p in paths],
                               rf"\frac{{\partial f}}{{\partial {leaf}}}", times=r" \times ")
    factors = tuple(tuple(shown(fc.value) for fc in p.factors) for p in paths)
    return Equation(rf"\frac{{\partial f}}{{\partial {leaf}}}", symbolic, numeric, float(total), factors)


def forward_row(row, wrt: str) -> tuple[str, str]:
    """Forward mode, one node: ∂hᵢ/∂θ = Σ ∂hᵢ/∂u · ∂u/∂θ over its inputs u (symbols, numbers)."""
    chain = " + ".join(f"{frac(row.name, term.other)} · {frac(term.other, wrt)}" for term in row.terms)
    numbers = " + ".join(f"{factor(term.local)} × {factor(term.carried)}" for term in row.terms)
    return chain, numbers


def reverse_row(row) -> tuple[str, str]:
    """Reverse mode, one node: ∂f/∂hᵢ = Σ ∂f/∂v · ∂v/∂hᵢ over its consumers v (symbols, numbers)."""
    chain = " + ".join(f"{frac('f', term.other)} · {frac(term.other, row.name)}" for term in row.terms)
    numbers = " + ".join(f"{factor(term.carried)} × {factor(term.local)}" for term in row.terms)
    return chain, numbers


def clamp(value: float, bound: float) -> float:
    """A typed value brought inside [−bound, bound] (NaN -> 0)."""
    if math.isnan(value):
        return 0.0
    return max(-bound, min(bound, float(value)))


def label_offsets(dx: float, dy: float, gap: float) -> tuple[tuple[float, float, str], tuple[float, float, str]]:
    """Where an edge's two labels go, beside the edge: ((x, y, textposition) above it, (…) below it), in px.

    ``(dx, dy)`` is the edge's direction in pixels (y up). The labels move ``gap`` px along the edge's
    normal, one to each side, and grow away from the edge (``textposition``), so a diagonal edge never
    runs through its numbers.

    >>> label_offsets(100, 0, 10)
    ((0.0, 10.0, 'top center'), (-0.0, -10.0, 'bottom center'))
    """
    length = math.hypot(dx, dy) or 1.0
    nx, ny = -dy / length, dx / length
    if ny < 0:                       # the "upper" side first
        nx, ny = -nx, -ny

    def position(sx: float, sy: float) -> str:
        vertical = "top" if sy > 0.3 else "bottom" if sy < -0.3 else "middle"
        horizontal = "right" if sx > 0.3 else "left" if sx < -0.3 else "center"
        return f"{vertical} {horizontal}"

    return (nx * gap, ny * gap, position(nx, ny)), (-nx * gap, -ny * gap, position(-nx, -ny))
