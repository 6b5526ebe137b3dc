"""Matrices drawn as small shaded HTML tables (``st.html``): no Plotly, no component, no round trip.

For grids a student only reads (nothing to pick): the layer's δ, x and W on the backward page, the
input and the kernel beside its 180° rotation on the one-channel page. A changed Plotly heatmap costs
the browser ~80–90 ms to draw and the page's first chart loads Plotly's 4.7 MB chunk; one of these
tables costs a few ms. :func:`shade` is the app's one shading rule, the Plotly heatmaps' too (``RdBu_r`` for a
grid with a negative number, ``Blues`` otherwise): in a grid with a negative number, negative blue and positive
red; in a grid without one, blue; the strength ∝ |value| / the grid's largest |value|, 0 unshaded. The cell
stepper (``ui/components/cell_stepper.js``, ``shade``) and the SVG grids (``ui/svg_chart.py``) use the same.
Hovering a cell shows its name and value (the ``title`` attribute), as the heatmaps' hover did.

Everything is escaped here: titles, names and printed numbers are text, never HTML.
"""

from __future__ import annotations

import html
from typing import Sequence

import numpy as np

from ui.latex import fmt, subscript_unicode

# Inline styles only (no <style> block: the sanitiser of st.html may drop a leading one).
ROW = "display:flex;flex-wrap:wrap;gap:1.4rem;align-items:flex-start;overflow-x:auto"
TABLE = "border-collapse:separate;border-spacing:2px;font-variant-numeric:tabular-nums;font-size:0.8rem;margin:0"
CAPTION = "font-size:0.85rem;font-weight:600;margin-bottom:0.3rem"
TICK = "font-weight:400;opacity:0.6;padding:0 0.3rem;text-align:center;border:none"
CELL = "min-width:2.2rem;height:2rem;padding:0 0.35rem;text-align:center;border:1px solid rgba(128,128,128,0.25)"
OUTLINE = ";outline:3px solid #2ca02c;outline-offset:-3px"
NOTE = "font-size:0.8rem;opacity:0.75;margin-top:0.3rem"


POSITIVE = "214, 39, 40"    # red: a positive number in a grid that also holds negative ones
NEGATIVE = "31, 119, 180"   # blue: a negative number, and every number of a grid without a negative one
STRONGEST = 0.55            # the opacity of the grid's largest |value| (its number stays readable on it)


def shade(value: float, max_abs: float, signed: bool) -> str:
    """A cell's background (an rgba() string, or ``transparent``); ``signed``: the grid holds a negative number."""
    if not np.isfinite(value) or max_abs == 0:
        return "transparent"
    alpha = min(abs(value) / max_abs, 1.0) * STRONGEST
    return f"rgba({POSITIVE if signed and value > 0 else NEGATIVE}, {alpha:.3f})"


def matrix_table(M: np.ndarray, title: str, names: Sequence[Sequence[str]], *,
                 outlined: Sequence[tuple[int, int]] = (), note: str | None = None) -> str:
    """One matrix as a captioned table with 1-based row and column ticks.

    ``names[r][c]`` is the cell's hover name (e.g. ``h₁₂``); ``outlined`` cells (0-based) get a green
    outline (the cells a text prints); ``note`` is a line under the table.
    """
    a = np.asarray(M, dtype=float)
    if a.ndim != 2:
        raise ValueError(f"expected a matrix (2-D), got an array of shape {a.shape}")
    rows, cols = a.shape
    finite = a[np.isfinite(a)]
    max_abs = float(np.abs(finite).max()) if finite.size else 0.0
    signed = bool(np.any(finite < 0))
    marked = {(int(r), int(c)) for r, c in outlined}
    out = [f'<figure class="mg-grid" style="margin:0"><figcaption style="{CAPTION}">{html.escape(title)}'
           f'</figcaption><table style="{TABLE}">',
           f'<tr><th style="{TICK}"></th>' + "".join(f'<th style="{TICK}">{c + 1}</th>' for c in range(cols))
           + "</tr>"]
    for r in range(rows):
        cells = []
        for c in range(cols):
            text = fmt(a[r, c])
            hover = html.escape(f"{names[r][c]} = {text}", quote=True)
            cls, extra = (' class="mg-out"', OUTLINE) if (r, c) in marked else ("", "")
            cells.append(f'<td{cls} title="{hover}" style="{CELL};background:{shade(a[r, c], max_abs, signed)}'
                         f'{extra}">{html.escape(text)}</td>')
        out.append(f'<tr><th style="{TICK}">{r + 1}</th>{"".join(cells)}</tr>')
    out.append("</table>")
    if note:
        out.append(f'<div class="mg-note" style="{NOTE}">{html.escape(note)}</div>')
    out.append("</figure>")
    return "".join(out)


def grids_html(tables: Sequence[str]) -> str:
    """Tables from :func:`matrix_table` side by side (wrapping; scrolling sideways on a narrow screen)."""
    return f'<div class="mg-row" style="{ROW}">' + "".join(tables) + "</div>"


def cell_names(symbol: str, shape: tuple[int, int]) -> list[list[str]]:
    """Hover names ``symbol_rc`` (1-based) of a matrix of ``shape``."""
    return [[subscript_unicode(symbol, r, c) for c in range(shape[1])] for r in range(shape[0])]
