"""Matrix heatmaps (Plotly figures). Pure: every function returns a ``go.Figure``.

Conventions (docs/CONVENTIONS.md): row 0 at the top, square cells, integer ticks labelled 1-based
like the texts, the value printed in every cell (compact, :func:`ui.latex.fmt`), a
diverging scale centred at 0 for signed data and a sequential one otherwise, overlays
as layout shapes (window, outlined cells) and annotations (routes), hover showing the
symbol with 1-based subscripts and the value (``x₁₂ = 0.5``).

Indices given to these functions are 0-based array indices: ``highlight=(r0, c0, r1, c1)``
is inclusive; ``cells=[(r, c), ...]``; ``route=[((r_from, c_from), (r_to, c_to)), ...]``.

Titles and labels come from the caller, already translated; the axis titles default to
``t("figure.row")`` / ``t("figure.col")`` (or, with ``lang=``, that language's strings).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.colors import get_colorscale

from ui.i18n import t, translate
from ui.latex import SIGNIFICANT, fmt, subscript_unicode

__all__ = [
    "SIGNED_SCALE",
    "UNSIGNED_SCALE",
    "matrix_heatmap",
    "channels_heatmap",
    "window_animation",
    "channels_window_animation",
    "window_shape",
    "grey_tiles",
]

# Explicit [position, colour] lists, not names: the figures skip plotly.py's validation, which is
# what turns "RdBu_r" / "Blues" into colours; plotly.js knows neither "_r" nor plotly.py's "Blues".
SIGNED_SCALE = get_colorscale("RdBu_r")      # blue (negative) - white (0) - red (positive)
UNSIGNED_SCALE = get_colorscale("Blues")     # white (0) to dark blue
HIGHLIGHT_COLOR = "#ff7f0e"
CELL_COLOR = "#2ca02c"
ROUTE_COLOR = "#d62728"
MASK_FILL = "rgba(120,120,120,0.35)"
#: Beyond this many rows or columns the numbers are not printed in the cells.
TEXT_LIMIT = 16

Window = tuple[int, int, int, int]
Cell = tuple[int, int]


# --------------------------------------------------------------------------- helpers

def _matrix(M: np.ndarray | Sequence) -> np.ndarray:
    a = np.asarray(M, dtype=float)
    if a.ndim == 1:
        a = a.reshape(1, -1)
    if a.ndim != 2:
        raise ValueError(f"expected a matrix (2-D), got an array of shape {a.shape}")
    return a


def _z(a: np.ndarray) -> list[list[float | None]]:
    """z for Plotly: non-finite cells become gaps (JSON has no inf/NaN)."""
    return [[float(v) if np.isfinite(v) else None for v in row] for row in a]


def _texts(a: np.ndarray) -> list[list[str]]:
    # a fixed precision, not the reader's formula digits: figures are cached by their data
    return [[fmt(v, SIGNIFICANT) for v in row] for row in a]


def _names(symbol: str, shape: tuple[int, int], prefix: Sequence[int] = ()) -> list[list[str]]:
    return [[subscript_unicode(symbol, *prefix, r, c) for c in range(shape[1])] for r in range(shape[0])]


def _is_signed(arrays: Sequence[np.ndarray], signed: bool | None) -> bool:
    if signed is not None:
        return bool(signed)
    return any(bool(np.any(a[np.isfinite(a)] < 0)) for a in arrays)


def _colour_range(arrays: Sequence[np.ndarray], signed: bool) -> tuple[float, float]:
    finite = np.concatenate([a[np.isfinite(a)].ravel() for a in arrays]) if arrays else np.zeros(0)
    if finite.size == 0:
        return (-1.0, 1.0) if signed else (0.0, 1.0)
    lo, hi = float(finite.min()), float(finite.max())
    if signed:
        m = max(abs(lo), abs(hi)) or 1.0
        return -m, m
    lo = min(lo, 0.0)
    return lo, (hi if hi > lo else lo + 1.0)


def _text_font_size(shape: tuple[int, int]) -> int:
    n = max(shape)
    return 14 if n <= 6 else 12 if n <= 9 else 10


#: Widths in ems of the characters numbers print with (Arial/Helvetica metrics: digits 0.556 em,
#: '.' 0.278 em, '-' 0.333 em); anything else counts as a wide letter.
_CHAR_EM = {**{d: 0.556 for d in "0123456789"}, ".": 0.278, "-": 0.333, "e": 0.556, "+": 0.584}
_OTHER_EM = 0.7


def text_em(text: str) -> float:
    """The printed width of ``text`` in ems (a number's digits, point and sign)."""
    return sum(_CHAR_EM.get(ch, _OTHER_EM) for ch in text)
#: Smallest font size a cell's number is printed in; below it the number is shortened instead.
MIN_FONT = 8


def _hover(shortened: bool) -> str:
    """Hover text: the name and the printed value, or the full value when the cell shows fewer digits."""
    return ("%{customdata} = %{z:.6~g}" if shortened else "%{customdata} = %{text}") + "<extra></extra>"


def _cell_px(h: int, w: int, panels: int = 1, height: int | None = None) -> float:
    """The side of one (square) cell in pixels, as :func:`_default_height` lays the figure out."""
    cell = 44 if max(h, w) <= 6 else 32 if max(h, w) <= 12 else 22
    cell = min(cell, 680 / panels / max(w, 1))
    if height is not None:  # a caller-set height: the plot area is what is left after the margins
        cell = min(cell * 1.5, max(height - 110, 40) / max(h, 1))
    return float(cell)


def fit_cell_text(a: np.ndarray, texts: list[list[str]], base_size: int, cell_px: float,
                  ) -> tuple[list[list[str]], int, bool]:
    """Make every printed number fit its cell: a smaller font, then fewer digits.

    Returns ``(texts, font_size, shortened)``. The font shrinks from ``base_size`` until the
    longest text fits ``cell_px`` (never below :data:`MIN_FONT`); if it still does not fit, the
    numbers are printed with 3, then 2 significant digits (``shortened`` is True: the caller then
    shows the full value on hover).
    """
    def widest(rows: list[list[str]]) -> float:
        return max((text_em(s) for row in rows for s in row), default=1.0) or 1.0

    def size_for(rows: list[list[str]]) -> int:
        return int(min(base_size, cell_px * 0.9 / widest(rows)))

    size = size_for(texts)
    if size >= MIN_FONT:
        return texts, size, False
    for sig in (3, 2):
        short = [[fmt(v, sig) if np.isfinite(v) else s for v, s in zip(vals, row)] for vals, row in zip(a, texts)]
        size = size_for(short)
        if size >= MIN_FONT:
            return short, size, True
    return short, MIN_FONT, True


def window_shape(window: Window, *, color: str = HIGHLIGHT_COLOR, width: int = 3,
                 xref: str = "x", yref: str = "y") -> dict:
    """Layout shape outlining an inclusive window (r0, c0, r1, c1)."""
    r0, c0, r1, c1 = (int(v) for v in window)
    return dict(type="rect", xref=xref, yref=yref, x0=c0 - 0.5, x1=c1 + 0.5, y0=r0 - 0.5, y1=r1 + 0.5,
                line=dict(color=color, width=width), fillcolor="rgba(0,0,0,0)", layer="above")


def _cell_shapes(cells: Sequence[Cell], *, color: str, xref: str = "x", yref: str = "y") -> list[dict]:
    return [window_shape((r, c, r, c), color=color, width=2, xref=xref, yref=yref) for r, c in cells]


def _mask_trace(mask: np.ndarray | None, *, xaxis: str = "x", yaxis: str = "y") -> dict | None:
    """Masked cells (e.g. zero padding) as one translucent grey layer over the values.

    One trace, not one shape per cell: a window animation repeats its layout shapes in
    every frame, and hundreds of mask shapes per frame made figures megabytes large. The
    layer has no text of its own: the values' text shows through it (fewer SVG nodes to draw).
    """
    if mask is None:
        return None
    m = np.asarray(mask, dtype=bool)
    if not m.any():
        return None
    return dict(type="heatmap", z=_z(np.where(m, 1.0, np.nan)), x=list(range(m.shape[1])),
                y=list(range(m.shape[0])), xaxis=xaxis, yaxis=yaxis,
                colorscale=[[0, MASK_FILL], [1, MASK_FILL]], showscale=False, hoverinfo="skip", xgap=1, ygap=1)


def _route_annotations(route: Sequence[tuple[Cell, Cell]], *, xref: str = "x", yref: str = "y") -> list[dict]:
    notes = []
    for (rf, cf), (rt, ct) in route:
        if (rf, cf) == (rt, ct):  # a mark, not an arrow
            notes.append(dict(x=ct, y=rt, xref=xref, yref=yref, text="●", showarrow=False,
                              font=dict(color=ROUTE_COLOR, size=18), opacity=0.6))
        else:
            notes.append(dict(x=ct, y=rt, ax=cf, ay=rf, xref=xref, yref=yref, axref=xref, ayref=yref,
                              text="", showarrow=True, arrowhead=3, arrowsize=1.2, arrowwidth=2,
                              arrowcolor=ROUTE_COLOR, standoff=6, startstandoff=6))
    return notes


def _axes(shape: tuple[int, int], *, row_labels, col_labels, row_title, col_title,
          anchor: str = "x", domain: tuple[float, float] | None = None, y_anchor: str = "y") -> tuple[dict, dict]:
    """(xaxis, yaxis) layout dicts: row 0 on top, square cells, 1-based tick labels."""
    h, w = shape
    xaxis = dict(tickmode="array", tickvals=list(range(w)),
                 ticktext=[str(v) for v in (col_labels if col_labels is not None else range(1, w + 1))],
                 range=[-0.5, w - 0.5], showgrid=False, zeroline=False, side="top", constrain="domain",
                 title=dict(text=col_title), anchor=y_anchor)
    yaxis = dict(tickmode="array", tickvals=list(range(h)),
                 ticktext=[str(v) for v in (row_labels if row_labels is not None else range(1, h + 1))],
                 range=[h - 0.5, -0.5], autorange="reversed", showgrid=False, zeroline=False,
                 scaleanchor=anchor, scaleratio=1, constrain="domain", title=dict(text=row_title), anchor=anchor)
    if domain is not None:
        xaxis["domain"] = list(domain)
    return xaxis, yaxis


def _figure(spec: dict) -> go.Figure:
    """Wrap a complete figure dict without Plotly's property-by-property validation.

    Validating a heatmap figure costs ~30 ms, the dict wrap ~2 ms, and pages build several
    figures per rerun. The dicts here are written against Plotly's schema and the tests
    render every figure through ``to_json``; ``_validate`` is Plotly's own switch for this.
    """
    return go.Figure(spec, _validate=False)


def _tr(lang: str | None, key: str, **params) -> str:
    """``t`` in the session's language, or ``translate`` in ``lang`` when given (tests, exports)."""
    return translate(lang, key, **params) if lang else t(key, **params)


def _default_height(h: int, w: int, panels: int = 1) -> int:
    cell = 44 if max(h, w) <= 6 else 32 if max(h, w) <= 12 else 22
    per_panel_width = 680 / panels
    cell = min(cell, per_panel_width / max(w, 1))
    return int(min(max(cell * h + 110, 220), 560))


# --------------------------------------------------------------------------- figures

def matrix_heatmap_spec(
    M: np.ndarray | Sequence,
    *,
    title: str,
    symbol: str = "x",
    highlight: Window | None = None,
    route: Sequence[tuple[Cell, Cell]] | None = None,
    cells: Sequence[Cell] | None = None,
    signed: bool | None = None,
    zmid: float = 0,
    row_labels: Sequence | None = None,
    col_labels: Sequence | None = None,
    height: int | None = None,
    hover_names: Sequence[Sequence[str]] | None = None,
    mask: np.ndarray | None = None,
    mask_label: str | None = None,
    row_title: str | None = None,
    col_title: str | None = None,
    showscale: bool = True,
    lang: str | None = None,
) -> dict:
    """The figure dict of one matrix as a heatmap with its values printed (see :func:`matrix_heatmap`).

    Parameters
    ----------
    M : array, shape (H, W)
        Values. Non-finite cells (e.g. ``-inf`` padding in max-pooling) are left blank and
        labelled with their text (``-inf``).
    title : str
        Figure title (translated by the caller).
    symbol : str
        Hover name stem: cell (r, c) hovers as ``symbol`` + 1-based subscripts, e.g. ``x₁₂ = 0.5``.
    highlight : (r0, c0, r1, c1), inclusive, optional
        A window outlined (e.g. under the kernel).
    route : list of ((r_from, c_from), (r_to, c_to)), optional
        Arrows inside the matrix; a pair with from == to is drawn as a dot (a mark).
    cells : list of (r, c), optional
        Cells outlined (e.g. the winners of max-pooling).
    signed : bool, optional
        Diverging scale (``RdBu_r``, centred at ``zmid``) if True, sequential (``Blues``)
        if False; by default diverging iff any value is negative.
    row_labels, col_labels : sequences, optional
        Tick labels; default 1..H and 1..W.
    hover_names : (H, W) strings, optional
        Hover names replacing the ``symbol`` subscripts.
    mask : bool array (H, W), optional
        Cells drawn greyed and dotted (e.g. zero padding); ``mask_label`` replaces their text.
    row_title, col_title : str, optional
        Axis titles; default ``t("figure.row")`` and ``t("figure.col")``.
    """
    a = _matrix(M)
    h, w = a.shape
    is_signed = _is_signed([a], signed)
    zmin, zmax = _colour_range([a], is_signed)
    texts = _texts(a)
    if mask is not None and mask_label is not None:
        m = np.asarray(mask, dtype=bool)
        texts = [[mask_label if m[r, c] else texts[r][c] for c in range(w)] for r in range(h)]
    texts, font_size, shortened = fit_cell_text(a, texts, _text_font_size((h, w)), _cell_px(h, w, height=height))
    names = [list(row) for row in hover_names] if hover_names is not None else _names(symbol, (h, w))
    show_text = max(h, w) <= TEXT_LIMIT
    trace = dict(
        type="heatmap", z=_z(a), x=list(range(w)), y=list(range(h)),
        text=texts, customdata=names,
        texttemplate="%{text}" if show_text else None,
        textfont=dict(size=font_size),
        hovertemplate=_hover(shortened),
        colorscale=SIGNED_SCALE if is_signed else UNSIGNED_SCALE,
        zmin=zmin, zmax=zmax, zmid=zmid if is_signed else None,
        xgap=1, ygap=1, showscale=showscale,
        colorbar=dict(thickness=12, len=0.8),
    )
    overlay = _mask_trace(mask)
    xaxis, yaxis = _axes((h, w), row_labels=row_labels, col_labels=col_labels,
                         row_title=_tr(lang, "figure.row") if row_title is None else row_title,
                         col_title=_tr(lang, "figure.col") if col_title is None else col_title)
    shapes = []
    if cells:
        shapes += _cell_shapes(cells, color=CELL_COLOR)
    if highlight is not None:
        shapes.append(window_shape(highlight))
    layout = dict(
        title=dict(text=title, x=0.5, xanchor="center", y=0.98, yanchor="top"),
        xaxis=xaxis, yaxis=yaxis,
        shapes=shapes,
        annotations=_route_annotations(route or ()),
        height=height or _default_height(h, w),
        margin=dict(l=50, r=20, t=80, b=20),
        plot_bgcolor="rgba(0,0,0,0)",
    )
    return dict(data=[trace] if overlay is None else [trace, overlay], layout=layout)


def matrix_heatmap(M: np.ndarray | Sequence, **options) -> go.Figure:
    """One matrix as a heatmap figure; the options are those of :func:`matrix_heatmap_spec`."""
    return _figure(matrix_heatmap_spec(M, **options))


def channels_heatmap_spec(
    T: np.ndarray | Sequence,
    *,
    titles: Sequence[str],
    symbol: str = "x",
    title: str | None = None,
    highlight: Window | None = None,
    cells: Sequence[Cell] | None = None,
    signed: bool | None = None,
    zmid: float = 0,
    height: int | None = None,
    mask: np.ndarray | None = None,
    mask_label: str | None = None,
    row_title: str | None = None,
    col_title: str | None = None,
    lang: str | None = None,
) -> dict:
    """A C×H×W tensor as C side-by-side heatmaps sharing one colour scale.

    Hover names carry the channel as the first subscript (``x₂₁₃`` = channel 2, row 1,
    column 3, 1-based). ``highlight``, ``cells`` and ``mask`` (H, W) apply to every channel
    (the kernel's window covers the same place in all input channels). ``titles`` has one
    (translated) title per channel; ``title`` is the figure title.
    """
    a = np.asarray(T, dtype=float)
    if a.ndim == 2:
        a = a[None]
    if a.ndim != 3:
        raise ValueError(f"expected a C×H×W tensor, got an array of shape {a.shape}")
    c_count, h, w = a.shape
    if len(titles) != c_count:
        raise ValueError(f"need one title per channel: {c_count} channels, {len(titles)} titles")
    is_signed = _is_signed(list(a), signed)
    zmin, zmax = _colour_range(list(a), is_signed)
    spacing = min(0.08, 0.4 / max(c_count, 1))
    width = (1.0 - spacing * (c_count - 1)) / c_count
    show_text = max(h, w) <= TEXT_LIMIT
    m = np.asarray(mask, dtype=bool) if mask is not None else None
    data: list[dict] = []
    shapes: list[dict] = []
    layout: dict = {}
    annotations: list[dict] = []
    base_size = _text_font_size((h, w)) - (2 if c_count > 2 else 0)
    cell_px = _cell_px(h, w, panels=c_count, height=height)
    # one font size for every panel (the same number looks the same in each)
    fitted = []
    for ch in range(c_count):
        texts = _texts(a[ch])
        if m is not None and mask_label is not None:
            texts = [[mask_label if m[r, c] else texts[r][c] for c in range(w)] for r in range(h)]
        fitted.append(fit_cell_text(a[ch], texts, base_size, cell_px))
    font_size = min(size for _, size, _ in fitted)
    for ch in range(c_count):
        texts, _, shortened = fitted[ch]
        names = _names(symbol, (h, w), prefix=(ch,))
        suffix = "" if ch == 0 else str(ch + 1)
        xref, yref = f"x{suffix}", f"y{suffix}"
        data.append(dict(
            type="heatmap", xaxis=xref, yaxis=yref,
            z=_z(a[ch]), x=list(range(w)), y=list(range(h)), text=texts,
            customdata=names,
            texttemplate="%{text}" if show_text else None,
            textfont=dict(size=font_size),
            hovertemplate=_hover(shortened),
            coloraxis="coloraxis", xgap=1, ygap=1,
        ))
        x0 = ch * (width + spacing)
        xaxis, yaxis = _axes((h, w), row_labels=None, col_labels=None,
                             row_title=(_tr(lang, "figure.row") if row_title is None else row_title) if ch == 0 else None,
                             col_title=_tr(lang, "figure.col") if col_title is None else col_title,
                             anchor=xref, domain=(x0, x0 + width), y_anchor=yref)
        layout[f"xaxis{suffix}"], layout[f"yaxis{suffix}"] = xaxis, yaxis
        # the panel's title sits above its column ticks and column axis title
        annotations.append(dict(text=titles[ch], xref="paper", yref="paper", x=x0 + width / 2, y=1.0,
                                xanchor="center", yanchor="bottom", yshift=44, showarrow=False,
                                font=dict(size=14)))
        overlay = _mask_trace(m, xaxis=xref, yaxis=yref)
        if overlay is not None:
            data.append(overlay)
        if cells:
            shapes += _cell_shapes(cells, color=CELL_COLOR, xref=xref, yref=yref)
        if highlight is not None:
            shapes.append(window_shape(highlight, xref=xref, yref=yref))
    layout.update(
        coloraxis=dict(colorscale=SIGNED_SCALE if is_signed else UNSIGNED_SCALE, cmin=zmin, cmax=zmax,
                       cmid=zmid if is_signed else None, colorbar=dict(thickness=12, len=0.8)),
        shapes=shapes, annotations=annotations,
        height=(height or _default_height(h, w, panels=c_count)) + 30,
        margin=dict(l=50, r=20, t=140 if title else 110, b=20),
        plot_bgcolor="rgba(0,0,0,0)",
    )
    if title:
        layout["title"] = dict(text=title, x=0.5, xanchor="center", y=0.99, yanchor="top")
    return dict(data=data, layout=layout)


def channels_heatmap(T: np.ndarray | Sequence, **options) -> go.Figure:
    """C side-by-side heatmaps sharing one colour scale; options as :func:`channels_heatmap_spec`."""
    return _figure(channels_heatmap_spec(T, **options))


def window_animation(
    M: np.ndarray | Sequence,
    windows: Sequence[Window],
    *,
    title: str,
    symbol: str = "x",
    frame_labels: Sequence[str],
    padded_mask: np.ndarray | None = None,
    mask_label: str | None = None,
    signed: bool | None = None,
    height: int | None = None,
    frame_ms: int = 700,
    active: int = 0,
    lang: str | None = None,
) -> go.Figure:
    """A heatmap whose highlighted window steps through ``windows`` in the browser.

    One Plotly frame per window (frame ``k`` is named ``str(k)`` and moves the window
    shape); a play/pause button and a slider labelled ``frame_labels[k]`` step through
    them without a server round trip. ``padded_mask`` greys the padding cells.
    ``active`` is the window shown first (and the slider's position).
    """
    _check_frames(windows, frame_labels)
    active = int(min(max(active, 0), len(windows) - 1))
    spec = matrix_heatmap_spec(M, title=title, symbol=symbol, highlight=windows[active], signed=signed,
                               height=height, mask=padded_mask, mask_label=mask_label, lang=lang)
    spec["frames"] = [dict(name=str(k), layout=dict(shapes=[window_shape(win)])) for k, win in enumerate(windows)]
    _add_player(spec, frame_labels, active=active, frame_ms=frame_ms, lang=lang)
    return _figure(spec)


def channels_window_animation(
    T: np.ndarray | Sequence,
    windows: Sequence[Window],
    *,
    titles: Sequence[str],
    frame_labels: Sequence[str],
    title: str | None = None,
    symbol: str = "x",
    padded_mask: np.ndarray | None = None,
    mask_label: str | None = None,
    signed: bool | None = None,
    height: int | None = None,
    col_title: str | None = None,
    frame_ms: int = 700,
    active: int = 0,
    lang: str | None = None,
) -> go.Figure:
    """:func:`channels_heatmap` whose window steps through ``windows`` on every channel at once.

    The kernel of a multi-channel convolution covers the same (r, c) window in all C input
    channels; frame ``k`` (named ``str(k)``) moves the C window outlines, in the browser.
    """
    _check_frames(windows, frame_labels)
    active = int(min(max(active, 0), len(windows) - 1))
    spec = channels_heatmap_spec(T, titles=titles, symbol=symbol, title=title, highlight=windows[active],
                                 signed=signed, height=height, mask=padded_mask, mask_label=mask_label,
                                 col_title=col_title, lang=lang)
    channels = len(titles)
    refs = [("x" if k == 0 else f"x{k + 1}", "y" if k == 0 else f"y{k + 1}") for k in range(channels)]
    spec["frames"] = [dict(name=str(k), layout=dict(shapes=[window_shape(win, xref=xr, yref=yr) for xr, yr in refs]))
                      for k, win in enumerate(windows)]
    _add_player(spec, frame_labels, active=active, frame_ms=frame_ms, lang=lang)
    return _figure(spec)


def _check_frames(windows: Sequence[Window], frame_labels: Sequence[str]) -> None:
    if len(windows) == 0:
        raise ValueError("a window animation needs at least one window")
    if len(frame_labels) != len(windows):
        raise ValueError(f"need one label per window: {len(windows)} windows, {len(frame_labels)} labels")


def _add_player(spec: dict, frame_labels: Sequence[str], *, active: int, frame_ms: int, lang: str | None) -> None:
    """Play/pause buttons and a step slider under the figure (Plotly animation: no server round trip)."""
    step_args = {"mode": "immediate", "frame": {"duration": 0, "redraw": True}, "transition": {"duration": 0}}
    spec["layout"].update(
        updatemenus=[dict(
            type="buttons", direction="left", showactive=False,
            x=1.0, y=-0.02, xanchor="right", yanchor="top", pad=dict(t=4, r=0),  # right: the step label is left
            buttons=[
                dict(label=_tr(lang, "figure.play"), method="animate",
                     args=[None, {"frame": {"duration": frame_ms, "redraw": True}, "fromcurrent": True,
                                  "transition": {"duration": 0}, "mode": "immediate"}]),
                dict(label=_tr(lang, "figure.pause"), method="animate",
                     args=[[None], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate",
                                    "transition": {"duration": 0}}]),
            ],
        )],
        # the slider gets its own line under the buttons, so the two never overlap in a narrow column
        sliders=[dict(
            active=active, x=0.0, len=1.0, y=-0.12, yanchor="top", pad=dict(t=4, b=4),
            currentvalue=dict(prefix=_tr(lang, "figure.step"), visible=True, xanchor="left"),
            steps=[dict(label=str(label), method="animate", args=[[str(k)], step_args])
                   for k, label in enumerate(frame_labels)],
        )],
    )
    spec["layout"]["height"] = spec["layout"]["height"] + 130
    spec["layout"]["margin"] = dict(spec["layout"]["margin"], b=140)


FRAME_GREY = 170   # the border of a picture tile


def grey_tiles(images: np.ndarray | Sequence, scale: int = 12, *, low: float | None = None,
               high: float | None = None, frame: int = 0) -> list[np.ndarray]:
    """Small grey-scale images as picture tiles for ``st.image`` (a gallery; no Plotly, no index arithmetic
    in pages).

    Parameters
    ----------
    images : (N, H, W) array of numbers; ``low`` prints white, ``high`` black (ink on paper), values outside
        are clipped, NaN prints white. Default ``low`` / ``high``: the smallest / largest finite value of all
        images (one shared scale, so the tiles compare).
    scale : each pixel becomes a ``scale × scale`` block (sharp edges: the browser never smooths an 8×8 glyph).
    frame : a grey border this many pixels wide around each tile (tiles side by side stay apart).

    Returns
    -------
    list of N uint8 arrays, each (H·scale + 2·frame, W·scale + 2·frame).
    """
    A = np.asarray(images, dtype=float)
    finite = A[np.isfinite(A)]
    low = float(finite.min()) if low is None and finite.size else (0.0 if low is None else low)
    high = float(finite.max()) if high is None and finite.size else (1.0 if high is None else high)
    if high == low and finite.size:
        high = low + 1.0
    if A.ndim != 3 or scale < 1 or not high > low:
        raise ValueError("grey_tiles needs (N, H, W) images, scale ≥ 1 and high > low")
    ink = np.clip((np.nan_to_num(A, nan=low) - low) / (high - low), 0.0, 1.0)
    grey = np.round(255 * (1.0 - ink)).astype(np.uint8)
    return [np.pad(np.kron(tile, np.ones((scale, scale), dtype=np.uint8)), frame, constant_values=FRAME_GREY)
            for tile in grey]
