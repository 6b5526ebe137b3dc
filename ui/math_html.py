"""Small formulas as HTML: bracketed matrices of symbols or numbers in a row with math text. Pure, no Streamlit.

Why (#14): a page draws these with ``st.html`` instead of ``st.latex``. KaTeX typesetting the transposed page's
C, Cᵀ and their products was about half of the browser's work when its matrix section opened (a 4×16 matrix of
subscripted names alone is a few thousand DOM nodes); the same matrices as an inline grid are a few hundred.
They keep the look of the typeset ones: the KaTeX font (already loaded by the page's other formulas; a serif
font otherwise), italic symbols with subscripts, square brackets.

Everything is escaped here: a part is either :func:`sym` / :func:`op` markup built here or a :class:`Matrix`.
Each matrix cell carries its plain value in ``data-v`` (tests read it with :func:`parse_matrices`; the
browser ignores it) and a hover ``title`` (``C₁₂ = w₂``).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Sequence

__all__ = ["Matrix", "sym", "op", "equation", "parse_matrices", "MATH_FONT"]

MATH_FONT = "font-family:KaTeX_Main,'Latin Modern Roman','Times New Roman',serif"
ROW = ("display:flex;flex-wrap:wrap;align-items:center;justify-content:center;column-gap:0.3em;row-gap:0.4rem;"
       f"margin:0.9rem 0;overflow-x:auto;font-size:1.2rem;line-height:1.25;{MATH_FONT}")
GRID = "display:inline-grid;column-gap:0.75em;row-gap:0.1em;padding:0.05em 0.3em;text-align:center"
BRACKET = "align-self:stretch;width:0.28em;border:0.08em solid currentColor"


def _x(text: object) -> str:
    return html.escape(str(text), quote=True)


def sym(name: str, sub: str = "", *, sup: str = "", accent: str = "") -> str:
    """An italic symbol with an optional subscript, superscript (e.g. ``⊤``) or combining accent (``\u0303``)."""
    out = f"<i>{_x(name)}{_x(accent)}</i>"
    if sub:
        out += f'<sub style="font-size:0.7em">{_x(sub)}</sub>'
    if sup:
        out += f'<sup style="font-size:0.7em">{_x(sup)}</sup>'
    return out


def op(text: str, space: bool = True) -> str:
    """Upright text between symbols: ``=``, ``⋆`` (a little space each side), ``rot180(``, ``)``
    (``space=False``)."""
    return f'<span style="padding:0 0.22em">{_x(text)}</span>' if space else _x(text)


@dataclass(frozen=True)
class Matrix:
    """A bracketed grid: ``cells[r][c]`` is markup made with :func:`sym` / plain text (escaped if ``text``),
    ``values[r][c]`` the plain value for ``data-v`` (a name like ``w_{12}`` or a number), ``names[r][c]`` the hover
    name; ``name`` identifies the matrix (``data-matrix``)."""
    name: str
    cells: Sequence[Sequence[str]]
    values: Sequence[Sequence[str]]
    hover: Sequence[Sequence[str]] | None = None

    def html(self) -> str:
        rows = len(self.cells)
        cols = len(self.cells[0]) if rows else 0
        out = [f'<span data-matrix="{_x(self.name)}" data-shape="{rows},{cols}" style="display:inline-flex;align-items:stretch;'
               f'vertical-align:middle;margin:0 0.1em">',
               f'<span style="{BRACKET};border-right:none"></span>',
               f'<span style="{GRID};grid-template-columns:repeat({cols}, auto)">']
        for r in range(rows):
            for c in range(cols):
                tip = f' title="{_x(self.hover[r][c])}"' if self.hover is not None else ""
                out.append(f'<span data-v="{_x(self.values[r][c])}"{tip}>{self.cells[r][c]}</span>')
        out += ["</span>", f'<span style="{BRACKET};border-left:none"></span>', "</span>"]
        return "".join(out)


def equation(*parts: str | Matrix) -> str:
    """One displayed line: the parts side by side, centred, wrapping (and scrolling sideways) on a narrow screen."""
    items, text = [], []
    for p in list(parts) + [None]:
        if isinstance(p, str):
            text.append(p)
            continue
        if text:   # symbols and operators between two matrices: one item, so sub- and superscripts sit right
            items.append('<span style="white-space:nowrap">' + "".join(text) + "</span>")
            text = []
        if p is not None:
            items.append(p.html())
    return f'<div class="math-html" style="{ROW}">{"".join(items)}</div>'


_MATRIX = re.compile(r'<span data-matrix="([^"]*)" data-shape="(\d+),(\d+)"(.*?)</span></span><span [^>]*></span></span>',
                     re.S)
_CELL = re.compile(r'<span data-v="([^"]*)"')


def parse_matrices(markup: str) -> dict[str, list[list[str]]]:
    """The ``data-v`` values of every matrix in ``markup`` as rows, by matrix name (for tests and checks)."""
    out = {}
    for m in _MATRIX.finditer(markup):
        values, cols = [html.unescape(v) for v in _CELL.findall(m.group(4))], int(m.group(3))
        out[html.unescape(m.group(1))] = [values[i:i + cols] for i in range(0, len(values), cols)]
    return out
