"""Read a formula's numeric line back as numbers: the tests add up what the screen shows.

``terms("1\\times2 + (-0.5)\\times3")`` -> [[1.0, 2.0], [-0.5, 3.0]]; scientific numbers
(``1.2\\times10^{-5}``, ``10^{-3}``) are read as one factor.
"""

from __future__ import annotations

import re

from ui.latex import fmt

_SCI = re.compile(r"(-?\d+(?:\.\d+)?)\\times10\^\{(-?\d+)\}")
_POW = re.compile(r"(-?)10\^\{(-?\d+)\}")
_BREAK = re.compile(r"\s*\\\\\s*&(?:\\qquad)?\s*")    # a long sum continued on the next aligned line


def _number(text: str) -> float:
    text = text.strip().strip("()").strip()
    text = _SCI.sub(r"\1e\2", text)
    text = _POW.sub(r"\g<1>1e\2", text)
    return float(text)


def terms(numeric: str) -> list[list[float]]:
    """The factors of every term of a ``a\\times b + c\\times d`` line."""
    numeric = _BREAK.sub(" ", numeric)
    protected = _SCI.sub(r"\1E\2", numeric)            # keep 1.2\times10^{-5} as one factor
    protected = _POW.sub(r"\g<1>1E\2", protected)
    out = []
    for term in protected.split(" + "):
        factors = [f for f in re.split(r"\s*\\times\s*", term) if f.strip()]
        out.append([float(f.strip().strip("()").strip().replace("E", "e")) for f in factors])
    return out


def total(numeric: str) -> float:
    """Σ over terms of the product of the factors as written."""
    s = 0.0
    for factors in terms(numeric):
        p = 1.0
        for f in factors:
            p *= f
        s += p
    return s


def adds_up(numeric: str, result: float) -> bool:
    """The written numbers give the written result at the shown precision."""
    return fmt(total(numeric)) == fmt(result)
