"""Stem plots of 1-D signals (Plotly), one panel per signal, sharing the sample axis. Pure.

Positions are 0-based array positions (an output may sit at a window centre such as 2.5); the
axis is labelled 1-based like the texts. Titles and names come from the caller, translated.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ui.latex import fmt

__all__ = ["stem_figure"]

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
