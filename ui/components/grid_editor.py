"""Grid editor: a matrix as a table of number boxes under its text box, edited in the browser.

A Streamlit components-v2 component (inline HTML/CSS/JS, no iframe, no build step, nothing from a
CDN). Why not Streamlit's data grid (``st.data_editor``), which this replaces: the data grid is a
canvas widget that took ~250 ms of the browser's time to mount each time its toggle was switched on
(2.3–3.7× a bare page's slider, benchmarks/README.md), and in a narrow column it scrolled sideways;
a table of ``<input>`` boxes mounts in a few milliseconds and fits its column.

The text box stays the one source of truth (``st.session_state[key]``, what the link holds). The
grid shows the parsed matrix. Committing a box (Enter, Tab, an arrow key, leaving it) sends one
**edit** event ``{"r", "c", "text"}``; a resize button sends one **resize** event ``{"rows", "cols"}``
(±1 or 0). A callback (:func:`apply_event`) rewrites the text with
:func:`ui.matrix_input.edit_cell_text` / :func:`ui.matrix_input.resize_text` *before* the script runs,
so the text box, the link and everything computed from the matrix agree on that run. The browser
refuses a box that is not a number (the parser's own syntax) with a message and sends nothing; the
server checks every event again and ignores one it cannot apply (a tampered message changes nothing).

Payload (``data``)::

    {"cells": [[str]],              # (rows, cols) the numbers as the text box writes them
     "resizable": bool,             # show the add/remove row/column buttons
     "can": {"add_row": bool, "remove_row": bool, "add_col": bool, "remove_col": bool},
     "caption": str,                # the size and the cap (text)
     "labels": {"add_row", "remove_row", "add_col", "remove_col": str,
                "grid": str,        # the table's accessible name
                "cell": str,        # a box's accessible name, "{row}" / "{col}" filled in (1-based)
                "bad": str}}        # the message for a box that is not a number ("{row}", "{col}")

Every text is set with ``textContent`` / ``value``; nothing is parsed as HTML.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ui.components.cell_stepper import strip_comments

_HERE = Path(__file__).resolve().parent
JS = strip_comments((_HERE / "grid_editor.js").read_text(encoding="utf-8"))
CSS = strip_comments((_HERE / "grid_editor.css").read_text(encoding="utf-8"), css=True)
NAME = "cnn_studio_grid_editor"
_component = None


def component_key(key: str) -> str:
    """The component's key for the matrix editor ``key``."""
    return f"{key}.grid"


def payload(matrix: np.ndarray, *, max_rows: int, max_cols: int, resizable: bool, caption: str,
            labels: dict[str, str]) -> dict[str, Any]:
    """The ``data`` of the component for a (rows, cols) ``matrix`` with its cap."""
    from ui.matrix_input import format_number

    M = np.asarray(matrix, dtype=float)
    if M.ndim != 2 or 0 in M.shape:
        raise ValueError(f"a grid is a non-empty matrix, got shape {M.shape}")
    rows, cols = M.shape
    return {
        "cells": [[format_number(float(v)) for v in row] for row in M],
        "resizable": bool(resizable),
        "can": {"add_row": rows < max_rows, "remove_row": rows > 1,
                "add_col": cols < max_cols, "remove_col": cols > 1},
        "caption": str(caption),
        "labels": {name: str(text) for name, text in labels.items()},
    }


def apply_event(key: str, event: str, *, max_rows: int, max_cols: int) -> None:
    """The component's callback for ``event`` ("edit" or "resize"): apply it to the text ``st.session_state[key]``.

    Runs before the script (a callback), so the text box drawn afterwards shows the new text. An event
    that cannot be applied (the text does not parse, a cell outside the matrix, not a number, a
    malformed message) leaves the text as it was."""
    import streamlit as st

    from ui.matrix_input import edit_cell_text, resize_text, rewrite_text

    state = st.session_state
    events = state.get(component_key(key))
    value = events.get(event) if isinstance(events, Mapping) else None
    if not isinstance(value, Mapping):   # a callback never raises: a malformed message changes nothing
        return
    text = str(state.get(key, "") or "")
    if event == "edit":
        new_text = edit_cell_text(text, value.get("r"), value.get("c"), value.get("text"),
                                  max_rows=max_rows, max_cols=max_cols)
    else:
        new_text = resize_text(text, value.get("rows"), value.get("cols"), max_rows=max_rows, max_cols=max_cols)
    if new_text is not None:
        rewrite_text(state, key, new_text)


def grid_editor(key: str, data: dict[str, Any], *, max_rows: int, max_cols: int,
                on_change: Callable[[], None] | None = None) -> None:
    """Mount the grid of the matrix editor ``key`` with ``data`` (:func:`payload`); ``on_change()`` after an event
    was applied (a page's follow-up, see ``ui.matrix_input.then``)."""
    global _component
    import streamlit as st

    from ui.matrix_input import then

    if _component is None:
        _component = st.components.v2.component(NAME, css=CSS, js=JS)
    _component(data=data, key=component_key(key),
               on_edit_change=then(lambda: apply_event(key, "edit", max_rows=max_rows, max_cols=max_cols), on_change),
               on_resize_change=then(lambda: apply_event(key, "resize", max_rows=max_rows, max_cols=max_cols),
                                     on_change))
