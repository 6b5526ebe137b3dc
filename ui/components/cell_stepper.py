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
     "newline": bool}                   # start a new line of grids before this one

``cells``: list, one per pickable cell, in reading order (the order of ▶ and of the arrows)::

    {"label": str,                      # e.g. "o₁₂", shown beside the buttons (text)
     "marks": [[grid, r0, c0, r1, c1]], # rectangles to outline (inclusive, 0-based grid indices)
     "html": str,                       # the formula: trusted HTML built and escaped by Python
     "aria": str}                       # the formula as plain text (screen readers, tests)

``shape``: ``[layers, rows, cols]`` of the cell list (``cells`` has layers·rows·cols entries;
←/→ step in reading order, ↑/↓ move a row, PageUp/PageDown a layer, Home/End first/last).
``start``: first cell shown (until the user picks one). ``group``: steppers with the same group
(e.g. one per tab of a page) share the chosen cell in the browser. ``frame_ms``: ▶ speed. ``labels``: ``prev``, ``next``, ``play``,
``pause``, ``hint``, ``region``, ``stage`` (translated by the page with ``t()``).

The formula ``html`` is the only thing the browser parses as HTML; build it with
:func:`formula_block` (headings escaped, formulas from ``ui.formulas``): numbers and our own
labels only, never user text.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ui.latex import fmt

_HERE = Path(__file__).resolve().parent
JS = (_HERE / "cell_stepper.js").read_text(encoding="utf-8")
CSS = (_HERE / "cell_stepper.css").read_text(encoding="utf-8")
NAME = "cnn_studio_cell_stepper"
_component = None


def grid(values: np.ndarray, title: str, *, mask: np.ndarray | None = None, row_labels: Sequence[str] | None = None,
         col_labels: Sequence[str] | None = None, pick: int | None = None, dim_unmarked: bool = False,
         newline: bool = False) -> dict[str, Any]:
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


def payload(grids: list[dict], cells: list[dict], shape: tuple[int, int, int], labels: dict[str, str],
            start: int = 0, frame_ms: int = 900, group: str | None = None) -> dict[str, Any]:
    """The ``data`` of :func:`cell_stepper`, checked: shape matches the cells, marks inside their grids."""
    layers, rows, cols = shape
    if layers * rows * cols != len(cells):
        raise ValueError(f"shape {shape} holds {layers * rows * cols} cells, got {len(cells)}")
    for cell in cells:
        for g, r0, c0, r1, c1 in cell["marks"]:
            h, w = len(grids[g]["text"]), len(grids[g]["text"][0])
            if not (0 <= r0 <= r1 < h and 0 <= c0 <= c1 < w):
                raise ValueError(f"mark {(r0, c0, r1, c1)} outside grid {g} of shape {(h, w)}")
    return {"grids": grids, "cells": cells, "shape": list(shape), "labels": dict(labels),
            "start": int(min(max(start, 0), len(cells) - 1)), "frame_ms": int(frame_ms), "group": group}


def cell_stepper(data: dict[str, Any], key: str) -> None:
    """Mount the component with ``data`` (see the module docstring). Returns nothing: the choice
    of a cell stays in the browser."""
    global _component
    if _component is None:
        import streamlit as st

        _component = st.components.v2.component(NAME, css=CSS, js=JS)
    _component(data=data, key=key)
