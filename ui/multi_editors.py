"""Many matrix editors, only one of them drawn: the multi-channel page's channels and kernels.

A page with nine editors (three input channels, six kernels) sent all nine on every run although a student
sees one per column. Here the matrices are read from their texts in session state (``ui.matrix_input``'s
editor keeps its text under its widget key, as links and presets fill it), and only the open tab's editor is
drawn. Streamlit drops the state of a widget that is not drawn in a run: :func:`keep_editor_state` writes a
hidden editor's text back, so it outlives the hidden widget and the editor shows it again when its tab opens.
"""

from __future__ import annotations

import functools
from typing import Sequence

import numpy as np
import streamlit as st

from ui.components.tab_strip import picked, strip_html, tab_strip
from ui.matrix_input import format_matrix, parse_matrix

#: What an editor keeps beside its text (``ui.matrix_input``: the grid toggle; ``ui.presets``: the random seed).
EDITOR_SUFFIXES = ("", ".grid_on", ".seed")


def read_matrix(key: str, default: np.ndarray | Sequence, *, max_rows: int, max_cols: int) -> np.ndarray | None:
    """The matrix in editor ``key``'s text (drawn or not), or ``None`` if it does not parse (the editor, when
    drawn, says why). A key not set yet starts as ``default``, as ``matrix_editor`` would start it."""
    state = st.session_state
    if key not in state:
        state[key] = format_matrix(default)
    return parse_matrix(str(state[key] or ""), max_rows=max_rows, max_cols=max_cols).matrix


def texts_of(keys: Sequence[str]) -> tuple[str, ...]:
    """The editors' texts as they are in session state now."""
    return tuple(str(st.session_state.get(k, "") or "") for k in keys)


def keep_editor_state(key: str) -> None:
    """Call in a run that does not draw editor ``key``: its text (and grid toggle, seed) is written back into
    session state as a value of its own, so Streamlit does not drop it with the hidden widget."""
    state = st.session_state
    for name in (key + suffix for suffix in EDITOR_SUFFIXES):
        if name in state:
            state[name] = state[name]


def _strip_picked(key: str, count: int) -> None:
    index = picked(st.session_state, f"{key}.strip", count)
    if index is not None:   # a position the strip offered (the value is the browser's)
        st.session_state[f"{key}.index"] = index


def open_index(key: str, labels: Sequence[str], name: str = "") -> int:
    """A tab strip (``ui.components.tab_strip``, component key ``<key>.strip``) over ``labels``; returns the open
    tab's position: draw that tab's content below it (a pick reruns the part that holds the strip).

    The open tab is kept by position (``<key>.index``, 0 first), so it stays open when the labels change language.
    One element instead of ``st.tabs``: ~20 React components instead of ~110 on every
    pass of the page (#14 round 12)."""
    state = st.session_state
    index = state.get(f"{key}.index", 0)
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(labels):
        index = 0
    state[f"{key}.index"] = index
    tab_strip(strip_html(labels, index, name), f"{key}.strip", functools.partial(_strip_picked, key, len(labels)))
    return index
