"""Display formulas as MathML (converted in Python, ``ui.formulas.mathml``) shown by a tiny components-v2 component.

Why not ``st.latex`` (#14 round 8): KaTeX typesets every formula in the browser's JavaScript on every rerun that
sends it, ~20 ms a formula; the dense page's tab switch spent most of its ~240 ms there. MathML Core is drawn by
the browser itself (Chromium since 109, Firefox, Safari). And not ``st.html``: its sanitiser drops ``<math>``.
One component carries several formulas (and the short texts between them), so a tab's formulas are one element;
it re-parses its markup only when the markup changed. Nothing from a CDN, nothing sent back to Python.

The markup must be trusted: formulas come from :func:`ui.formulas.mathml.to_mathml` (numbers and symbols the
formula builders wrote); a text is escaped here (``**bold**`` is the only markup kept).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from ui.components.markup_box import markup_box
from ui.formulas.mathml import block_html

NAME = "cnn_studio_math_box"
# An OpenType MATH font makes brackets and fraction bars stretch: the reader's (Cambria Math on Windows,
# STIX Two Math on macOS, Latin Modern / DejaVu Math TeX Gyre on Linux), else the browser's ``math`` default.
CSS = """
.math-box { width: 100%; }
.math-box .math-line { overflow-x: auto; overflow-y: hidden; margin: 0.4rem 0 1rem 0; padding: 0.1rem 0; }
.math-box math { font-family: "Latin Modern Math", "STIX Two Math", "Cambria Math", "DejaVu Math TeX Gyre", math;
  font-size: 1.1em; }
.math-box p { margin: 0 0 0.5rem 0; }
.math-box .math-line > math { text-align: center; }
.math-box .math-aligned { display: grid; grid-template-columns: max-content max-content; justify-content: safe center;
  align-items: center; row-gap: 0.45em; }
.math-box .math-aligned > .l { text-align: right; }
.math-box .math-aligned > .r { text-align: left; }
.math-box menclose[notation="box"] { border: 0.06em solid currentColor; padding: 0 0.2em; }
"""
_show = markup_box(NAME, "math-box", CSS)


@dataclass(frozen=True)
class Text:
    """A short text between formulas (a translated string; ``**bold**`` kept, everything else escaped)."""
    text: str

    def html(self) -> str:
        parts = re.split(r"\*\*(.+?)\*\*", html.escape(self.text, quote=False))
        return "<p>" + "".join(f"<strong>{p}</strong>" if k % 2 else p for k, p in enumerate(parts)) + "</p>"


def math_markup(items) -> str:
    """The box's markup: each item a LaTeX formula (a ``str``) or a :class:`Text`."""
    return "".join(item.html() if isinstance(item, Text) else block_html(item) for item in items)


def math_box(items, key: str) -> None:
    """Show ``items`` (LaTeX strings and :class:`Text`) as MathML in the component keyed ``key``."""
    _show(math_markup(items), key)
