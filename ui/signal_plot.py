"""Stem plots of 1-D signals, one panel per signal, sharing the sample axis. Pure.

:func:`stem_svg` draws them as an inline SVG (what the page shows, #14 round 7: a Plotly figure made the
1-D section's plot tab wait for Plotly's 4.7 MB chunk and cost ~80–90 ms per redraw; the SVG is a few KB
of DOM, the idea of ``ui/svg_chart.py``).

Positions are 0-based array positions (an output may sit at a window centre such as 2.5); the
axis is labelled 1-based like the texts. Titles and names come from the caller, translated.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ui.latex import fmt
from ui.svg_chart import AXIS, nice_ticks, svg_root, svg_text, xml_escape

__all__ = ["stem_svg"]

COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd")
HIGHLIGHT = "#ff7f0e"


def _ticks(lo: float, hi: float) -> list[int]:
    """Integer sample positions covering [lo, hi], at most ~16 of them (every n-th)."""
    ticks = list(range(int(np.floor(lo)), int(np.ceil(hi)) + 1))
    return ticks[::max(1, len(ticks) // 16)]


def stem_svg(panels: Sequence[dict], *, title: str, x_title: str, width: int = 760, panel_height: int = 150,
             digits: int | None = None) -> str:
    """Stacked stem plots, one panel per signal, as one ``<svg>`` string.

    Every panel shares the sample axis (1-based tick labels under the last panel); its own value axis runs from
    a round number at or below min(0, values) to one at or above max(0, values), with a line at 0. Each sample
    is a stem from 0 and a dot whose tooltip (``<title>``) reads ``x3 = 0.5``; ``marked`` samples are orange and
    larger. Each panel's numbers ride along in ``data-series`` / ``data-values`` (``ui.svg_chart.parse_values``
    reads them). Draw it with ``st.markdown(svg, unsafe_allow_html=True)``; every text is XML-escaped.
    """
    x0, x1 = 56, width - 16
    top, gap, bottom = 34, 30, 48
    height = top + len(panels) * (panel_height + gap) - gap + bottom
    lo, hi = 0.0, 1.0
    for panel in panels:
        x = np.asarray(panel["positions"], dtype=float)
        if x.size:
            lo, hi = min(lo, float(x.min())), max(hi, float(x.max()))
    lo, hi = lo - 0.7, hi + 0.7

    def sx(v: float) -> float:
        return x0 + (x1 - x0) * (v - lo) / (hi - lo)

    body = [svg_text(width / 2, 20, title, extra='font-size="15"')]
    for k, panel in enumerate(panels):
        y_top = top + k * (panel_height + gap) + 18
        y_bot = top + k * (panel_height + gap) + panel_height
        x = np.asarray(panel["positions"], dtype=float)
        y = np.asarray(panel["values"], dtype=float)
        finite = y[np.isfinite(y)]
        ticks = nice_ticks(min(0.0, float(finite.min()) if finite.size else 0.0),
                           max(0.0, float(finite.max()) if finite.size else 1.0), 4)
        y_lo, y_hi = ticks[0], ticks[-1] if ticks[-1] > ticks[0] else ticks[0] + 1

        def sy(v: float) -> float:
            v = min(max(v, y_lo), y_hi) if np.isfinite(v) else 0.0
            return y_bot - (y_bot - y_top) * (v - y_lo) / (y_hi - y_lo)

        colour = COLORS[k % len(COLORS)]
        marked = set(int(i) for i in panel.get("marked", ()))
        symbol = panel.get("symbol", "")
        body += [svg_text(width / 2, y_top - 6, panel["name"], extra='font-size="13" font-weight="600"'),
                 f'<rect x="{x0}" y="{y_top}" width="{x1 - x0}" height="{y_bot - y_top}" fill="none" '
                 f'stroke="#e6e6e6"/>']
        for v in ticks:
            body.append(svg_text(x0 - 6, sy(v) + 4, fmt(v, digits), "end", extra='fill="#555"'))
        body.append(f'<line x1="{x0}" y1="{sy(0.0):.1f}" x2="{x1}" y2="{sy(0.0):.1f}" stroke="{AXIS}"/>')
        values = ",".join(repr(float(v)) for v in y)
        body.append(f'<g data-series="{xml_escape(panel["name"])}" data-values="{values}">')
        for i, (a, b) in enumerate(zip(x, y)):
            c = HIGHLIGHT if i in marked else colour
            body += [f'<line x1="{sx(a):.1f}" y1="{sy(0.0):.1f}" x2="{sx(a):.1f}" y2="{sy(b):.1f}" stroke="{colour}" '
                     f'stroke-width="2"/>',
                     f'<circle cx="{sx(a):.1f}" cy="{sy(b):.1f}" r="{6.5 if i in marked else 4}" fill="{c}">'
                     f'<title>{xml_escape(f"{symbol}{i + 1} = {fmt(b, digits)}")}</title></circle>']
        body.append("</g>")
    y_axis = top + len(panels) * (panel_height + gap) - gap
    for v in _ticks(lo + 0.7, hi - 0.7):
        body.append(svg_text(sx(v), y_axis + 16, str(v + 1), extra='fill="#555"'))
    body.append(svg_text(width / 2, y_axis + 38, x_title))
    return svg_root(width, height, body, title)
