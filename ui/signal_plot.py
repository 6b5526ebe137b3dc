"""Stem plots of 1-D signals, one panel per signal, sharing the sample axis. Pure.

:func:`stem_svg` draws them as an inline SVG (what the page shows, #14 round 7: a Plotly figure made the
1-D section's plot tab wait for Plotly's 4.7 MB chunk and cost ~80–90 ms per redraw; the SVG is a few KB
of DOM, the idea of ``ui/svg_chart.py``); :func:`stem_figure` is the same plot in Plotly.

Positions are 0-based array positions (an output may sit at a window centre such as 2.5); the
axis is labelled 1-based like the texts. Titles and names come from the caller, translated.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from html import escape

from ui.latex import fmt
from ui.svg_chart import nice_ticks

__all__ = ["stem_figure", "stem_svg"]

COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd")
HIGHLIGHT = "#ff7f0e"


def _stem_lines(x: np.ndarray, y: np.ndarray) -> tuple[list, list]:
    xs, ys = [], []
    for a, b in zip(x, y):
        xs += [float(a), float(a), None]
        ys += [0.0, float(b), None]
    return xs, ys


def stem_figure(panels: Sequence[dict], *, title: str, x_title: str, height: int | None = None) -> go.Figure:
    """Stacked stem plots.

    Parameters
    ----------
    panels : list of dict with keys
        ``name`` (panel title), ``positions`` (0-based x), ``values``, optional ``symbol`` (hover stem,
        e.g. ``"y"``), optional ``marked`` (indices into values drawn in orange, e.g. the taps of a
        window or the chosen output sample).
    title : figure title;  x_title : the sample axis title (1-based ticks).
    """
    fig = make_subplots(rows=len(panels), cols=1, shared_xaxes=True, vertical_spacing=0.12,
                        subplot_titles=[p["name"] for p in panels])
    lo, hi = 0.0, 1.0
    for row, panel in enumerate(panels, start=1):
        x = np.asarray(panel["positions"], dtype=float)
        y = np.asarray(panel["values"], dtype=float)
        colour = COLORS[(row - 1) % len(COLORS)]
        xs, ys = _stem_lines(x, y)
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color=colour, width=2), hoverinfo="skip",
                                 showlegend=False), row=row, col=1)
        symbol = panel.get("symbol", "")
        hover = [f"{symbol}{i + 1} = {fmt(v)}" for i, v in enumerate(y)]
        marked = set(panel.get("marked", ()))
        fig.add_trace(go.Scatter(x=x.tolist(), y=y.tolist(), mode="markers", showlegend=False,
                                 marker=dict(size=[13 if i in marked else 8 for i in range(y.size)],
                                             color=[HIGHLIGHT if i in marked else colour for i in range(y.size)]),
                                 hovertext=hover, hoverinfo="text"), row=row, col=1)
        fig.update_yaxes(zeroline=True, zerolinecolor="#888", row=row, col=1)
        if x.size:
            lo, hi = min(lo, float(x.min())), max(hi, float(x.max()))
    ticks = list(range(int(np.floor(lo)), int(np.ceil(hi)) + 1))
    step = max(1, len(ticks) // 16)
    fig.update_xaxes(tickvals=ticks[::step], ticktext=[str(t + 1) for t in ticks[::step]],
                     range=[lo - 0.7, hi + 0.7])
    fig.update_xaxes(title_text=x_title, row=len(panels), col=1)
    fig.update_layout(title=dict(text=title, x=0.5, xanchor="center"), height=height or 170 * len(panels) + 90,
                      margin=dict(l=40, r=20, t=80, b=40), plot_bgcolor="rgba(0,0,0,0)")
    return fig


# --------------------------------------------------------------------------- inline SVG
FONT = "font-family:sans-serif;font-size:13px"
AXIS = "#888"


def _x(text: object) -> str:
    return escape(str(text), quote=True)


def _text(x: float, y: float, text: str, anchor: str = "middle", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {extra}>{_x(text)}</text>'


def _ticks(lo: float, hi: float) -> list[int]:
    """Integer sample positions covering [lo, hi], at most ~16 of them (every n-th)."""
    ticks = list(range(int(np.floor(lo)), int(np.ceil(hi)) + 1))
    return ticks[::max(1, len(ticks) // 16)]


def stem_svg(panels: Sequence[dict], *, title: str, x_title: str, width: int = 760, panel_height: int = 150,
             digits: int | None = None) -> str:
    """The stacked stem plots of :func:`stem_figure` (same ``panels``) as one ``<svg>`` string.

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

    body = [_text(width / 2, 20, title, extra='font-size="15"')]
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
        body += [_text(width / 2, y_top - 6, panel["name"], extra='font-size="13" font-weight="600"'),
                 f'<rect x="{x0}" y="{y_top}" width="{x1 - x0}" height="{y_bot - y_top}" fill="none" '
                 f'stroke="#e6e6e6"/>']
        for v in ticks:
            body.append(_text(x0 - 6, sy(v) + 4, fmt(v, digits), "end", extra='fill="#555"'))
        body.append(f'<line x1="{x0}" y1="{sy(0.0):.1f}" x2="{x1}" y2="{sy(0.0):.1f}" stroke="{AXIS}"/>')
        body.append(f'<g data-series="{_x(panel["name"])}" data-values="{",".join(repr(float(v)) for v in y)}">')
        for i, (a, b) in enumerate(zip(x, y)):
            c = HIGHLIGHT if i in marked else colour
            body += [f'<line x1="{sx(a):.1f}" y1="{sy(0.0):.1f}" x2="{sx(a):.1f}" y2="{sy(b):.1f}" stroke="{colour}" '
                     f'stroke-width="2"/>',
                     f'<circle cx="{sx(a):.1f}" cy="{sy(b):.1f}" r="{6.5 if i in marked else 4}" fill="{c}">'
                     f'<title>{_x(f"{symbol}{i + 1} = {fmt(b, digits)}")}</title></circle>']
        body.append("</g>")
    y_axis = top + len(panels) * (panel_height + gap) - gap
    for v in _ticks(lo + 0.7, hi - 0.7):
        body.append(_text(sx(v), y_axis + 16, str(v + 1), extra='fill="#555"'))
    body.append(_text(width / 2, y_axis + 38, x_title))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
            f'style="max-width:{width / 16:.3f}rem;{FONT}" role="img" aria-label="{_x(title)}">'
            + "".join(body) + "</svg>")
