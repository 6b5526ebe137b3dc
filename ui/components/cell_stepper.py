"""Cell stepper: pick and step the cells of an operation in the browser, no server round trip.

A Streamlit components-v2 component (inline HTML/CSS/JS, no iframe, no build step, nothing from
a CDN). Python sends everything for the current setup once — the grids to draw, for every cell
the windows to outline and its formula, already written by Python as HTML + MathML — and the
browser does the rest: hovering a cell of a *pick* grid shows it, a click pins it, the arrow
keys step it (the stage is focusable, with a visible focus ring), ◀ / ▶ / ▶▶ buttons step and
play. Nothing is sent back to Python (the component keeps the chosen cell across the page's
reruns itself), so choosing a cell never reruns the script.

Payload (``data``), every field JSON:

``grids``: list of grids, drawn left to right (wrapping), each::

    {"title": str,                      # set as text, never as HTML
     "values": [[float | None]],        # (rows, cols) numbers: only the cell shading uses them
     "text": [[str]],                   # (rows, cols) what each cell prints (formatted by ui.latex.fmt)
     "mask": [[bool]] | None,           # padding cells: hatched, not shaded
     "row_labels": [str] | None, "col_labels": [str] | None,   # ticks (default 1..n)
     "pick": int | None,                # a pick grid: its cell (r, c) is cell number pick + r*cols + c
     "dim_unmarked": bool,              # fade this grid while the shown cell marks nothing in it
     "won": [[bool]] | None,            # cells with a corner mark (max pooling: won a window)
     "newline": bool}                   # start a new line of grids before this one

Every column of a grid is as wide as the grid's longest printed number (no clipping at 6 digits);
the stage scrolls sideways inside itself when the grids are wider than the column (a phone).

``cells``: list, one per pickable cell, in reading order (the order of ▶ and of the arrows)::

    {"label": str,                      # e.g. "o₁₂", shown beside the buttons (text)
     "marks": [[grid, r0, c0, r1, c1]], # rectangles to outline (inclusive, 0-based grid indices);
                                        # a 6th item "winner" draws the max-pooling winner instead
     "html": str,                       # the formula: trusted HTML built and escaped by Python
     "aria": str}                       # the formula as plain text (screen readers, tests)

``shape``: ``[layers, rows, cols]`` of the cell list (``cells`` has layers·rows·cols entries;
←/→ step in reading order, ↑/↓ move a row, PageUp/PageDown a layer, Home/End first/last).
``start``: first cell shown (until the user picks one), ``clamped`` whether the page asked for a cell
outside the output, ``start_from`` the page's own choice before
it was kept inside the output (when it changes, the page moved the selection: the browser follows).
``group``: steppers with the same group (e.g. one per tab of a page) share the chosen cell in the
browser. ``frame_ms``: ▶ speed. ``labels``: ``prev``, ``next``, ``play``, ``pause``, ``hint``,
``region``, ``stage``, ``clamped`` (translated by the page with ``t()``). ``legend``: ``[[kind, text]]``
drawn under the grids with a sample of the style (kinds ``window``, ``winner``, ``won``).

``url``: ``{param: part}``, how the page's link holds the chosen cell (``part``: ``"k"`` the cell
number in reading order, ``"l"`` / ``"r"`` / ``"c"`` its layer / row / column, ``"rc"`` ``"row,col"``;
all 1-based, the page's own URL parameters). A pick rewrites those parameters in the address bar
(``history.replaceState``, every other parameter kept, nothing sent to the server), so a copied link
opens on the picked cell (the page reads it, as any link parameter, and passes it as ``start``; when
it was outside the output, ``clamped`` is true and the browser says so with the ``clamped`` label and
rewrites the link with the cell it shows). Streamlit's own later rewrites of the query string keep the
picked cell unless the page changed that parameter itself. What the *server* reads: Streamlit 1.67's
frontend sends a rerun the query string it last got from the server, not the address bar, so a
script sees a browser pick only when the link is opened (a new session); ``st.session_state`` and
``st.query_params`` keep the page's own value until then (measured with a demo script).

The payload travels as zlib-compressed JSON bytes (:func:`pack`): the formulas' MathML repeats
itself, so 555 KB of JSON become 23 KB; the browser inflates it with ``DecompressionStream``.
Streamlit already sends an unchanged element as a short reference (its message cache), so the
bytes are paid once per setup.

The formula ``html`` is the only thing the browser parses as HTML; build it with
:func:`formula_block` (headings escaped, formulas from ``ui.formulas``): numbers and our own
labels only, never user text.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import threading
import zlib
from collections import OrderedDict
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ui.latex import fmt

_HERE = Path(__file__).resolve().parent


def strip_comments(source: str, css: bool = False) -> str:
    """``source`` without comments and indentation (Streamlit sends the component's JS and CSS inside
    the element, again whenever the data changes: 21 KB -> 16 KB). JS: whole-line ``//`` comments and
    `` // `` comments after code (the file has no such text in a string or regex; a unit test checks
    that the result still parses); CSS: ``/* */``."""
    if css:
        source = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    lines = (line.strip() for line in source.splitlines())
    if not css:
        lines = (re.sub(r"\s+//\s.*$", "", line) for line in lines if not line.startswith("//"))
    return "\n".join(line for line in lines if line) + "\n"


JS = strip_comments((_HERE / "cell_stepper.js").read_text(encoding="utf-8"))
CSS = strip_comments((_HERE / "cell_stepper.css").read_text(encoding="utf-8"), css=True)
NAME = "cnn_studio_cell_stepper"
_component = None


def grid(values: np.ndarray, title: str, *, mask: np.ndarray | None = None, row_labels: Sequence[str] | None = None,
         col_labels: Sequence[str] | None = None, pick: int | None = None, dim_unmarked: bool = False,
         newline: bool = False, won: np.ndarray | None = None) -> dict[str, Any]:
    """One grid of the payload: a (rows, cols) matrix, its printed text and its options."""
    M = np.asarray(values, dtype=float)
    if M.ndim != 2:
        raise ValueError(f"a grid is a matrix (2-D), got shape {M.shape}")
    return {
        "title": str(title),
        "values": [[float(v) if np.isfinite(v) else None for v in row] for row in M],
        "text": [[fmt(v) for v in row] for row in M],
        "mask": None if mask is None else [[bool(v) for v in row] for row in np.asarray(mask)],
        "row_labels": None if row_labels is None else [str(s) for s in row_labels],
        "col_labels": None if col_labels is None else [str(s) for s in col_labels],
        "pick": pick,
        "dim_unmarked": bool(dim_unmarked),
        "newline": bool(newline),
        "won": None if won is None else [[bool(v) for v in row] for row in np.asarray(won)],
    }


def formula_block(parts: Sequence[tuple[str, str]], notes: Sequence[str] = ()) -> str:
    """The per-cell formula HTML: ``(heading text, equation HTML)`` pairs, then note lines.

    Headings and notes are escaped here; equation HTML comes from ``ui.formulas`` (MathML of
    numbers and symbols, escaped there).
    """
    out = []
    for heading, equation in parts:
        if heading:
            out.append(f"<h4>{html.escape(heading)}</h4>")
        out.append(equation)
    out.extend(f'<p class="cs-note">{html.escape(note)}</p>' for note in notes)
    return "".join(out)


URL_PARTS = ("k", "l", "r", "c", "rc")


def payload(grids: list[dict], cells: list[dict], shape: tuple[int, int, int], labels: dict[str, str],
            start: int = 0, frame_ms: int = 900, group: str | None = None, url: dict[str, str] | None = None,
            legend: Sequence[tuple[str, str]] = (), start_from: object = None,
            clamped: bool | None = None) -> dict[str, Any]:
    """The ``data`` of :func:`cell_stepper`, checked: shape matches the cells, marks inside their grids,
    the link's parts known."""
    layers, rows, cols = shape
    if layers * rows * cols != len(cells):
        raise ValueError(f"shape {shape} holds {layers * rows * cols} cells, got {len(cells)}")
    for cell in cells:
        for g, r0, c0, r1, c1, *kind in cell["marks"]:
            h, w = len(grids[g]["text"]), len(grids[g]["text"][0])
            if not (0 <= r0 <= r1 < h and 0 <= c0 <= c1 < w):
                raise ValueError(f"mark {(r0, c0, r1, c1)} outside grid {g} of shape {(h, w)}")
    for part in (url or {}).values():
        if part not in URL_PARTS:
            raise ValueError(f"unknown link part {part!r}, expected one of {URL_PARTS}")
    first = int(min(max(start, 0), len(cells) - 1))
    return {"grids": grids, "cells": cells, "shape": list(shape), "labels": dict(labels), "start": first,
            "clamped": bool(first != start if clamped is None else clamped),
            "start_from": str(start if start_from is None else start_from), "frame_ms": int(frame_ms),
            "group": group, "url": dict(url or {}), "legend": [[str(k), str(v)] for k, v in legend]}


_PACKED: OrderedDict[bytes, bytes] = OrderedDict()   # JSON digest -> packed bytes (bounded, like a cache)
_PACKED_ENTRIES = 64
_PACKED_LOCK = threading.Lock()   # sessions run in threads
# id(data) -> (data, packed bytes): a payload cached as a shared object (st.cache_resource) comes back as the same
# object on every rerun, and is read only; holding it here keeps its id from being reused while the entry lives
_PACKED_BY_ID: OrderedDict[int, tuple[dict, bytes]] = OrderedDict()
_PACKED_BY_ID_ENTRIES = 16   # a payload copied per rerun (st.cache_data) is held here too: fewer than the digests


def pack(data: dict[str, Any]) -> bytes:
    """``data`` as compact JSON, zlib-compressed (level 6; the browser inflates it, format "deflate").

    The same data gives the same bytes (so Streamlit's message cache recognises an unchanged
    stepper); the last 64 results are kept, since a page's cached payload comes back as a new copy
    on every rerun and compressing costs ~5 ms for the largest. A payload object packed before (a shared cached
    object, never changed after it is built) is not even written as JSON again: 1 ms (the text's example) to 13 ms
    (conv_multi at stride 1) of every rerun that shows it (#14)."""
    with _PACKED_LOCK:
        known = _PACKED_BY_ID.get(id(data))
        if known is not None and known[0] is data:
            _PACKED_BY_ID.move_to_end(id(data))
            return known[1]
    blob = _pack_text(data)
    with _PACKED_LOCK:
        _PACKED_BY_ID[id(data)] = (data, blob)
        while len(_PACKED_BY_ID) > _PACKED_BY_ID_ENTRIES:
            _PACKED_BY_ID.popitem(last=False)
    return blob


def _pack_text(data: dict[str, Any]) -> bytes:
    """:func:`pack` by the JSON text's digest (an equal payload in another object gives the bytes kept for it)."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")
    digest = hashlib.blake2b(text, digest_size=16).digest()
    with _PACKED_LOCK:
        blob = _PACKED.get(digest)
        if blob is not None:
            _PACKED.move_to_end(digest)
            return blob
    blob = zlib.compress(text, 6)
    with _PACKED_LOCK:
        _PACKED[digest] = blob
        while len(_PACKED) > _PACKED_ENTRIES:
            _PACKED.popitem(last=False)
    return blob


def unpack(blob: bytes) -> dict[str, Any]:
    """The inverse of :func:`pack` (tests, tools)."""
    return json.loads(zlib.decompress(blob).decode("utf-8"))


def cell_stepper(data: dict[str, Any], key: str) -> None:
    """Mount the component with ``data`` (see the module docstring), sent packed (:func:`pack`).
    Returns nothing: the choice of a cell stays in the browser (and in the page's link)."""
    global _component
    if _component is None:
        import streamlit as st

        _component = st.components.v2.component(NAME, css=CSS, js=JS)
    _component(data=pack(data), key=key)
