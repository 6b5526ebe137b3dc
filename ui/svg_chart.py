"""Small static charts as inline SVG text (no Plotly): a two-axis line chart, grouped bars and a grid of
shaded numbers. Pure: numbers and translated texts in, an ``<svg>`` string out, which a page draws with
``st.markdown(svg, unsafe_allow_html=True)`` (in Streamlit 1.67 ``st.html`` shows nothing for an SVG).

Why: a Plotly chart whose figure changes costs the browser ~80–90 ms per rerun, and the first one on a
page waits for Plotly's 4.7 MB script (#14); an inline SVG of the same numbers is a few KB of DOM.
Numbers print with ``ui.latex.fmt`` at ``digits`` significant digits (default: the reader's choice; a
caller that caches the SVG passes it, so it keys the cache). Every text is XML-escaped (user and
translated text is never markup). Bars and cells carry a ``<title>`` (the browser's tooltip: the value),
so do a line chart's markers (one per step while there are few); each line's, bar series' or grid's
numbers ride along unrounded in a ``data-values`` attribute (tests read them; the browser ignores it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import Sequence

import numpy as np

from ui.html_grid import shade
from ui.latex import fmt, subscript_unicode

__all__ = ["Series", "nice_ticks", "two_axis_lines", "grouped_bars", "value_grid", "vector_rows", "parse_values",
           "svg_root", "svg_text", "xml_escape"]

# Sizes are in the viewBox's units and the SVG is at most its width in rem (16 px each): presentation mode's larger
# root font (ui/frame.py) draws the whole chart, its text included, larger, where the column has room.
FONT = "font-family:sans-serif;font-size:13px"
AXIS = "#888"


@dataclass(frozen=True)
class Series:
    """One line or one bar series: its legend name, its numbers, its colour; ``dash`` draws a dotted line;
    ``labels`` (bars only) prints each bar's value above it."""
    name: str
    values: tuple[float, ...]
    color: str
    dash: bool = False
    labels: tuple[str, ...] | None = None


def xml_escape(text: object) -> str:
    return escape(str(text), quote=True)


def _data(values: Sequence[float]) -> str:
    return ",".join(repr(float(v)) for v in values)


def parse_values(svg: str, name: str) -> list[float]:
    """The unrounded numbers of series ``name`` in an SVG built here (for tests and checks)."""
    marker = f'data-series="{xml_escape(name)}" data-values="'
    start = svg.index(marker) + len(marker)
    text = svg[start:svg.index('"', start)]
    return [float(v) for v in text.split(",")] if text else []


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (steps of 1, 2, 2.5 or 5 × a power of ten), about ``count`` of them."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low] if math.isfinite(low) else [0.0]
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw - 1e-12)
    first = math.floor(low / step + 1e-9) * step
    ticks, k = [], 0
    while first + k * step <= high + step * 1e-9:
        ticks.append(round(first + k * step, 12))
        k += 1
    if ticks[-1] < high - 1e-12:
        ticks.append(round(first + k * step, 12))
    return ticks


def svg_root(width: int, height: int, body: list[str], title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
            f'style="max-width:{width / 16:.3f}rem;{FONT}" role="img" aria-label="{xml_escape(title)}">'
            + "".join(body) + "</svg>")


def svg_text(x: float, y: float, text: str, anchor: str = "middle", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {extra}>{xml_escape(text)}</text>'


def _legend(items: Sequence[Series], x_mid: float, y: float, line: bool) -> list[str]:
    """One row of legend entries centred at ``x_mid`` (each ~ its text's width)."""
    widths = [40 + sum(12 if ord(ch) > 0x2E7F else 7 for ch in s.name) for s in items]   # CJK is wider
    x = x_mid - sum(widths) / 2
    out = []
    for s, w in zip(items, widths):
        if line:
            dash = ' stroke-dasharray="4 3"' if s.dash else ""
            out.append(f'<line x1="{x:.1f}" y1="{y - 4:.1f}" x2="{x + 20:.1f}" y2="{y - 4:.1f}" stroke="{s.color}" '
                       f'stroke-width="2"{dash}/>')
        else:
            out.append(f'<rect x="{x + 6:.1f}" y="{y - 10:.1f}" width="10" height="10" fill="{s.color}"/>')
        out.append(svg_text(x + 24, y, s.name, "start"))
        x += w
    return out


def two_axis_lines(title: str, x_title: str, left: Series, right: Series, *, right_max: float = 1.0,
                   right_percent: bool = True, width: int = 420, height: int = 320, markers: int = 60,
                   digits: int | None = None) -> str:
    """A line chart of two series over the steps 0, 1, …, n−1: ``left`` on the left axis (from 0 to a round
    number above its largest value), ``right`` on the right axis (0 to ``right_max``, as percentages when
    ``right_percent``). Both series have n values (n ≥ 1). While n ≤ ``markers`` each step gets a marker on
    ``left`` whose tooltip gives the step and both values."""
    n = len(left.values)
    if n == 0 or len(right.values) != n:
        raise ValueError("two_axis_lines needs two series of the same length ≥ 1")
    x0, x1, y0, y1 = 56, width - 60, 40, height - 74
    top = max((float(v) for v in left.values if math.isfinite(v)), default=1.0)
    l_ticks = nice_ticks(0.0, top if top > 0 else 1.0)
    l_max = l_ticks[-1]
    x_ticks = [int(v) for v in nice_ticks(0, max(n - 1, 1), 6) if v == int(v)]
    x_max = max(x_ticks[-1], 1)

    def sx(i: float) -> float:
        return x0 + (x1 - x0) * i / x_max

    def sy(v: float, high: float) -> float:
        return y1 - (y1 - y0) * min(max(v, 0.0), high) / high

    body = [svg_text(width / 2, 20, title, extra='font-size="14"'),
            f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" fill="none" stroke="{AXIS}"/>']
    for v in l_ticks:
        y = sy(v, l_max)
        body += [f'<line x1="{x0}" y1="{y:.1f}" x2="{x1}" y2="{y:.1f}" stroke="#e6e6e6"/>',
                 svg_text(x0 - 6, y + 4, fmt(v, digits), "end")]
    for v in nice_ticks(0.0, right_max, 5):
        body.append(svg_text(x1 + 6, sy(v, right_max) + 4, f"{v:.0%}" if right_percent else fmt(v, digits), "start"))
    for i in x_ticks:
        body.append(svg_text(sx(i), y1 + 16, str(i)))
    body += [svg_text(width / 2, y1 + 34, x_title),
             svg_text(16, (y0 + y1) / 2, left.name, extra=f'transform="rotate(-90 16 {(y0 + y1) / 2:.1f})"'),
             svg_text(width - 14, (y0 + y1) / 2, right.name,
                   extra=f'transform="rotate(90 {width - 14} {(y0 + y1) / 2:.1f})"')]
    for s, high in ((left, l_max), (right, right_max)):
        points = " ".join(f"{sx(i):.1f},{sy(float(v), high):.1f}" for i, v in enumerate(s.values))
        dash = ' stroke-dasharray="4 3"' if s.dash else ""
        body.append(f'<polyline data-series="{xml_escape(s.name)}" data-values="{_data(s.values)}" '
                    f'points="{points}" fill="none" stroke="{s.color}" stroke-width="2"{dash}>'
                    f'<title>{xml_escape(s.name)}</title></polyline>')
    # while there are few points: a marker on each point of ``left``, its tooltip giving both values of that step
    # (beyond ``markers`` points the lines alone: the SVG stays a few KB, whatever the number of steps)
    if n <= markers:
        for i, (a, b) in enumerate(zip(left.values, right.values)):
            shown = f"{float(b):.0%}" if right_percent else fmt(float(b), digits)
            tip = f"{i}: {left.name} = {fmt(float(a), digits)}, {right.name} = {shown}"
            body.append(f'<circle cx="{sx(i):.1f}" cy="{sy(float(a), l_max):.1f}" r="3" fill="{left.color}">'
                        f'<title>{xml_escape(tip)}</title></circle>')
    body += _legend((left, right), width / 2, height - 12, line=True)
    return svg_root(width, height, body, title)


def grouped_bars(title: str, categories: Sequence[str], series: Sequence[Series], *, y_max: float = 1.15,
                 x_title: str = "", width: int = 460, height: int = 300, digits: int | None = None) -> str:
    """Bars of each series side by side per category (values from 0 to ``y_max``); a series' ``labels`` are
    printed above its bars. Every series has one value per category."""
    if any(len(s.values) != len(categories) for s in series):
        raise ValueError("grouped_bars needs one value per category in every series")
    x0, x1, y0, y1 = 44, width - 14, 58, height - 56
    band = (x1 - x0) / max(len(categories), 1)
    bar = band * 0.8 / max(len(series), 1)

    def sy(v: float) -> float:
        return y1 - (y1 - y0) * min(max(v, 0.0), y_max) / y_max

    body = [svg_text(width / 2, 20, title, extra='font-size="14"')]
    body += _legend(series, width / 2, 42, line=False)
    for v in nice_ticks(0.0, y_max, 5):
        if v <= y_max + 1e-9:
            body += [f'<line x1="{x0}" y1="{sy(v):.1f}" x2="{x1}" y2="{sy(v):.1f}" stroke="#e6e6e6"/>',
                     svg_text(x0 - 6, sy(v) + 4, fmt(v, digits), "end")]
    body.append(f'<line x1="{x0}" y1="{y1}" x2="{x1}" y2="{y1}" stroke="{AXIS}"/>')
    for k, name in enumerate(categories):
        body.append(svg_text(x0 + band * (k + 0.5), y1 + 16, name))
    for j, s in enumerate(series):
        body.append(f'<g data-series="{xml_escape(s.name)}" data-values="{_data(s.values)}" fill="{s.color}">')
        for k, v in enumerate(s.values):
            left = x0 + band * k + band * 0.1 + bar * j
            top = sy(float(v))
            body.append(f'<rect x="{left:.1f}" y="{top:.1f}" width="{bar:.1f}" height="{y1 - top:.1f}">'
                        f'<title>{xml_escape(f"{categories[k]}: {s.name} = {fmt(float(v), digits)}")}</title></rect>')
            if s.labels is not None:
                body.append(svg_text(left + bar / 2, top - 4, s.labels[k], extra='fill="#333"'))
        body.append("</g>")
    if x_title:
        body.append(svg_text(width / 2, height - 14, x_title))
    return svg_root(width, height, body, title)


def value_grid(values: np.ndarray, names: Sequence[Sequence[str]], *, title: str, row_labels: Sequence[str],
               cell: int = 66, label_width: int = 96, digits: int | None = None) -> str:
    """A (rows, cols) grid of numbers: each cell shaded by the app's one rule (``ui.html_grid.shade``: blue < 0 < red
    in a grid with a negative number, blue in one without), its value printed (``fmt``), its name (e.g. v₁₀) small
    above the value; ``row_labels`` name the rows."""
    M = np.asarray(values, dtype=float)
    rows, cols = M.shape
    finite = np.abs(M[np.isfinite(M)])
    scale = float(finite.max()) if finite.size else 0.0
    signed = bool(np.any(M[np.isfinite(M)] < 0))
    width, height = label_width + cols * cell + 4, 30 + rows * cell + 4
    body = [svg_text(width / 2, 18, title, extra='font-size="14"'),
            f'<g data-series="values" data-values="{_data(M.ravel())}"></g>']
    for r in range(rows):
        top = 30 + r * cell
        body.append(svg_text(label_width - 8, top + cell / 2 + 4, row_labels[r], "end"))
        for c in range(cols):
            left = label_width + c * cell
            v = float(M[r, c])
            body += [f'<rect x="{left}" y="{top}" width="{cell}" height="{cell}" fill="{shade(v, scale, signed)}" '
                     f'stroke="#fff"><title>{xml_escape(f"{names[r][c]} = {fmt(v, digits)}")}</title></rect>',
                     svg_text(left + cell / 2, top + 16, names[r][c], extra='font-size="10" fill="#555"'),
                     svg_text(left + cell / 2, top + cell / 2 + 10, fmt(v, digits))]
    return svg_root(width, height, body, title)


def vector_rows(vector: np.ndarray | Sequence[float], per_row: int, symbol: str, *, title: str,
                row_labels: Sequence[str], digits: int | None = None) -> str:
    """A vector of length ``len(row_labels) · per_row`` as a :func:`value_grid`, ``per_row`` entries a row
    (e.g. v = flatten(p): one row per filter), entry j named ``symbol`` with the 1-based subscript j."""
    v = np.asarray(vector, dtype=float).ravel()
    if v.size != per_row * len(row_labels):
        raise ValueError("vector_rows needs len(row_labels) · per_row entries")
    names = [[subscript_unicode(symbol, r * per_row + c) for c in range(per_row)] for r in range(len(row_labels))]
    return value_grid(v.reshape(len(row_labels), per_row), names, title=title, row_labels=row_labels, digits=digits)
