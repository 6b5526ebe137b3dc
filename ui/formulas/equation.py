"""One worked equation: left side, symbolic line, numeric line, result — built from one term list.

Every formula builder of ``ui/formulas`` returns an :class:`Equation`. The numeric line is written
from the same terms as the symbolic line, and the last step says ``≈`` instead of ``=`` when the
rounded numbers on the screen do not add up to the rounded result (the app's rule: displayed
numbers add up to the displayed result, or the last step says ≈).

>>> eq = sum_of_products_equation("y", [("a", 1.0, "b", 2.0), ("c", 0.5, "d", -1.0)], 1.5)
>>> eq.symbolic, eq.numeric, eq.exact
('ab + cd', '1\\\\times2 + 0.5\\\\times(-1)', True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ui.latex import fmt, fmt_latex, wrap_sum_lines

__all__ = ["Equation", "shown", "sum_of_products_equation", "sum_equation", "product_equation"]


def shown(value: float, sig: int | None = None) -> float:
    """The number as the screen shows it (``sig`` significant digits, default the reader's choice), as a float."""
    return float(fmt(value, sig))


@dataclass(frozen=True)
class Equation:
    """``lhs = symbolic = numeric = result`` with the shown numbers of every term.

    Attributes
    ----------
    lhs : str
        LaTeX left-hand side (may be empty).
    symbolic, numeric : str
        LaTeX right-hand sides; ``numeric`` may be None (no numbers line).
    result : float
        The core's value.
    factors : tuple of tuples of float
        The numbers of each term as written (``shown``), multiplied within a term, summed over terms.
    recomputed : float or None
        For a line that is not a sum of products (a fraction, a logarithm): the value a reader gets
        from the shown numbers. Overrides ``factors`` for :attr:`exact`.
    """

    lhs: str
    symbolic: str
    numeric: str | None
    result: float
    factors: tuple[tuple[float, ...], ...] = ()
    recomputed: float | None = None

    @property
    def shown_sum(self) -> float:
        """Σ over terms of the product of the shown numbers."""
        total = 0.0
        for term in self.factors:
            product = 1.0
            for value in term:
                product *= value
            total += product
        return total

    @property
    def exact(self) -> bool:
        """True when the shown numbers give the shown result (then the last step is ``=``, else ``≈``)."""
        if self.numeric is None:
            return True
        if self.recomputed is not None:
            return fmt(self.recomputed) == fmt(self.result)
        if not self.factors:
            return True
        return fmt(self.shown_sum) == fmt(self.result)

    def latex(self) -> str:
        """Aligned lines for ``st.latex``."""
        result = fmt_latex(self.result, factor=False)
        if self.numeric is None and self.symbolic.strip() == result:   # "= 0 = 0" says it once
            return f"\\begin{{aligned}} {self.lhs} &= {result} \\end{{aligned}}"
        # a long sum is broken into aligned lines that fit a phone's column (#12 item 16), not scrolled
        symbolic = wrap_sum_lines(self.symbolic, self.lhs)
        first = f"{self.lhs} &= {symbolic}" if self.lhs else f"&{symbolic}"
        lines = [first]
        if self.numeric is not None:
            lines.append(f"&= {wrap_sum_lines(self.numeric, self.lhs)}")
        rel = "=" if self.exact else r"\approx"
        lines.append(f"&{rel} {result}")
        return "\\begin{aligned} " + " \\\\ ".join(lines) + " \\end{aligned}"


def sum_of_products_equation(lhs: str, terms: Sequence[tuple[str, float, str, float]], result: float,
                             *, dot: str = "") -> Equation:
    """Σ a·b: ``terms`` = (symbol a, value a, symbol b, value b). No terms -> ``0``.

    ``dot`` goes between the two symbols (e.g. ``r"\\cdot "``).
    """
    if not terms:
        return Equation(lhs, "0", None, result)
    symbolic = " + ".join(f"{sa}{dot}{sb}" for sa, _, sb, _ in terms)
    numeric = " + ".join(f"{fmt_latex(va)}\\times{fmt_latex(vb)}" for _, va, _, vb in terms)
    factors = tuple((shown(va), shown(vb)) for _, va, _, vb in terms)
    return Equation(lhs, symbolic, numeric, float(result), factors)


def sum_equation(lhs: str, terms: Sequence[tuple[str, float]], result: float) -> Equation:
    """Σ a: ``terms`` = (symbol, value)."""
    if not terms:
        return Equation(lhs, "0", None, result)
    symbolic = " + ".join(s for s, _ in terms)
    numeric = " + ".join(fmt_latex(v) for _, v in terms)
    return Equation(lhs, symbolic, numeric, float(result), tuple((shown(v),) for _, v in terms))


def product_equation(lhs: str, symbols: Sequence[str], values: Sequence[float], result: float) -> Equation:
    """One product a·b·…: ``symbols`` joined by ``\\cdot``, numbers by ``\\times``."""
    symbolic = r" \cdot ".join(symbols)
    numeric = r" \times ".join(fmt_latex(v) for v in values)
    return Equation(lhs, symbolic, numeric, float(result), (tuple(shown(v) for v in values),))
