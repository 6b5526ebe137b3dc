"""Display formulas as MathML (converted in Python, ``ui.formulas.mathml``) shown by a tiny components-v2 component.

Why not ``st.latex`` (#14 round 8): KaTeX typesets every formula in the browser's JavaScript on every rerun that
sends it, ~20 ms a formula; the dense page's tab switch spent most of its ~240 ms there. MathML Core is drawn by
the browser itself (Chromium since 109, Firefox, Safari). And not ``st.html``: its sanitiser drops ``<math>``.
One component carries several formulas (and the short texts between them), so a tab's formulas are one element;
it re-parses its markup only when the markup changed. Nothing from a CDN, nothing sent back to Python.

The markup must be trusted: formulas come from :func:`ui.formulas.mathml.to_mathml` (numbers and symbols the
formula builders wrote); a text is escaped here (``**bold**`` is the only markup kept).

Items: a LaTeX string (a display formula, one line), :class:`Text` (a paragraph), :class:`Line` (a paragraph of
escaped text, inline formulas :class:`Math` and code names :class:`Code`; :func:`prose` makes one from our own
text with ``$…$`` and `` `…` `` spans, as ``ui.latex.markdown_with_math`` reads it for Markdown) and
:class:`Panels` (titled display formulas side by side, wrapping on a narrow screen).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from ui.components.markup_box import markup_box
from ui.formulas.mathml import block_html, inline_html

NAME = "cnn_studio_math_box"
# An OpenType MATH font makes brackets and fraction bars stretch: the reader's (Cambria Math on Windows,
# STIX Two Math on macOS, Latin Modern / DejaVu Math TeX Gyre on Linux), else the browser's ``math`` default.
CSS = """
.math-box { width: 100%; }
.math-box .math-line { overflow-x: auto; overflow-y: hidden; margin: 0.4rem 0 1rem 0; padding: 0.1rem 0; }
.math-box math { font-family: "Latin Modern Math", "STIX Two Math", "Cambria Math", "DejaVu Math TeX Gyre", math;
  font-size: calc(1.1em * var(--math-box-scale, 1)); }  /* the scale: presentation mode (ui/frame.py) */
.math-box p { margin: 0 0 0.5rem 0; }
/* a phone: a little smaller, so a two-line general formula (conv_multi's) fits a 390 px column instead of scrolling */
@media (max-width: 640px) { .math-box math { font-size: calc(0.95em * var(--math-box-scale, 1)); } }
.math-box .math-line > math { text-align: center; }
.math-box .math-aligned { display: grid; grid-template-columns: max-content max-content; justify-content: safe center;
  align-items: center; row-gap: 0.45em; }
.math-box .math-aligned > .l { text-align: right; }
.math-box .math-aligned > .r { text-align: left; }
.math-box menclose[notation="box"] { border: 0.06em solid currentColor; padding: 0 0.2em; }
.math-box .math-inline math { font-size: 1.05em; }
.math-box .math-text { line-height: 1.75; overflow-x: auto; overflow-y: hidden; }
.math-box code { font-size: 0.85em; padding: 0.1em 0.25em; border-radius: 0.25rem;
  background: rgba(128, 128, 128, 0.12); overflow-wrap: anywhere; }
.math-box .math-panels { display: flex; flex-wrap: wrap; gap: 0 2rem; }
.math-box .math-panel { flex: 0 1 auto; min-width: 0; max-width: 100%; }
.math-box .math-gap { display: inline-block; width: 2em; }
"""
_show = markup_box(NAME, "math-box", CSS)


@dataclass(frozen=True)
class Text:
    """A short text between formulas (a translated string; ``**bold**`` kept, everything else escaped)."""
    text: str

    def html(self) -> str:
        parts = re.split(r"\*\*(.+?)\*\*", html.escape(self.text, quote=False))
        return "<p>" + "".join(f"<strong>{p}</strong>" if k % 2 else p for k, p in enumerate(parts)) + "</p>"


@dataclass(frozen=True)
class Math:
    """A formula inside a :class:`Line` (LaTeX, drawn in text style like Markdown's ``$…$``)."""
    latex: str


@dataclass(frozen=True)
class Code:
    """A code name inside a :class:`Line` (escaped, shown as ``<code>``)."""
    text: str


@dataclass(frozen=True)
class Strong:
    """Bold text inside a :class:`Line` (escaped)."""
    text: str


#: Between two parts of a :class:`Line` that stand side by side (the inputs of an example)
GAP = object()


@dataclass(frozen=True)
class Line:
    """A paragraph of parts: ``str`` (escaped, every character shown as it is), :class:`Math`, :class:`Code`,
    :class:`Strong` or :data:`GAP`."""
    parts: tuple

    def html(self) -> str:
        out = []
        for part in self.parts:
            if isinstance(part, Math):
                out.append(inline_html(part.latex))
            elif isinstance(part, Code):
                out.append(f"<code>{html.escape(part.text, quote=False)}</code>")
            elif isinstance(part, Strong):
                out.append(f"<strong>{html.escape(part.text, quote=False)}</strong>")
            elif part is GAP:
                out.append('<span class="math-gap"></span>')
            else:
                out.append(html.escape(str(part), quote=False))
        return '<p class="math-text">' + "".join(out) + "</p>"


_MATH_OR_CODE = re.compile(r"(\$[^$\n]+\$|`[^`\n]+`)")


def prose(text: str) -> Line:
    """Our own text (a locale string: the catalogue's explanations) as a :class:`Line`: ``$…$`` spans become inline
    formulas, `` `…` `` spans code, ``**…**`` bold (as :class:`Text`), the rest escaped text. Never for user text
    (a ``$`` there would become math)."""
    parts: list = []
    for k, piece in enumerate(_MATH_OR_CODE.split(str(text))):
        if not piece:
            continue
        if k % 2 == 0:
            parts += [Strong(p) if j % 2 else p for j, p in enumerate(re.split(r"\*\*(.+?)\*\*", piece)) if p]
        elif piece.startswith("$"):
            parts.append(Math(piece[1:-1]))
        else:
            parts.append(Code(piece[1:-1]))
    return Line(tuple(parts))


@dataclass(frozen=True)
class Panels:
    """Display formulas side by side, each under its bold title: ``((title, latex), …)``; they wrap onto the next
    line when the box is too narrow for all of them."""
    panels: tuple

    def html(self) -> str:
        cells = "".join(f'<div class="math-panel"><p><strong>{html.escape(title, quote=False)}</strong></p>'
                        f"{block_html(latex)}</div>" for title, latex in self.panels)
        return f'<div class="math-panels">{cells}</div>'


def math_markup(items) -> str:
    """The box's markup: each item a LaTeX formula (a ``str``), a :class:`Text`, a :class:`Line` or :class:`Panels`."""
    return "".join(block_html(item) if isinstance(item, str) else item.html() for item in items)


def math_box(items, key: str) -> None:
    """Show ``items`` (LaTeX strings and :class:`Text`) as MathML in the component keyed ``key``."""
    _show(math_markup(items), key)
