"""Matrices typed as text: a strict parser (never evaluates anything) and its widget.

Accepted text: rows separated by newlines or ``;``, numbers by spaces and/or commas::

    1, 0, -1
    0.5 1e-3 +2

The same rules hold for the grid: :func:`matrix_editor` can also show the matrix as an
``st.data_editor`` grid (a toggle under the text box); a grid edit is written back as text
(:func:`grid_to_text`) and parsed by :func:`parse_matrix` like anything typed, so
``st.session_state[key]`` is always the matrix text (what :mod:`ui.url_state` reads).

Full-width digits, commas and spaces (``１，２``) and the minus sign ``−`` (U+2212) are
normalised first (Unicode NFKC). Brackets (``[[1,2],[3,4]]``) are stripped as a
convenience — the text is matched against a number pattern token by token, never
evaluated. Everything else (letters, ``nan``, ``inf``, ``1e309``, ``1_000``, ``0x1f``,
``__import__('os')``, ``<script>``) is refused with a :class:`ParseError` whose ``code``
and ``params`` are translated by :func:`ui.i18n.explain_error` (``errors.<code>``).
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from cnn_core.errors import CoreValueError
from ui.latex import escape_markdown

__all__ = [
    "MAX_CHARS",
    "ParseError",
    "ParseResult",
    "parse_matrix",
    "parse_number",
    "format_matrix",
    "format_number",
    "matrix_editor",
    "grid_to_text",
    "resized",
    "grid_key",
]

#: Longest text accepted (a 12×12 matrix of 8-character numbers is ~1300 characters).
MAX_CHARS = 2000
#: Longest offending token shown back to the user.
TOKEN_SHOWN = 20

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
_NON_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
_ROW_SPLIT = re.compile(r"[\n;]")
_CELL_SPLIT = re.compile(r"[,\s]+")
_BRACKET_ROW_BREAK = re.compile(r"\]\s*,?\s*\[")
# Minus-like characters NFKC leaves alone.
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2012": "-", "\ufe63": "-", "\uff0d": "-"})


class ParseError(CoreValueError):
    """Why a text is not a matrix: ``code`` (``errors.<code>``) and ``params`` (1-based rows/cols).

    ``params["token"]``, where present, is already markdown-escaped and truncated, so
    the translated sentence can go straight into ``st.error``.
    """


@dataclass(frozen=True)
class ParseResult:
    """Outcome of :func:`parse_matrix`: exactly one of ``matrix`` and ``error`` is set."""

    matrix: np.ndarray | None
    error: ParseError | None

    @property
    def ok(self) -> bool:
        return self.error is None


def _fail(code: str, message: str, **params: object) -> ParseResult:
    return ParseResult(None, ParseError(code, message, **params))


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_MINUS)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_number(token: str) -> float | None:
    """A single token as a finite float, or ``None`` (no eval; ``1_000``/hex/``nan`` refused).

    >>> parse_number("-0.5"), parse_number("1e-3"), parse_number("+2"), parse_number("1_000")
    (-0.5, 0.001, 2.0, None)
    """
    token = _normalise(token).strip()
    if len(token) > 100 or not _NUMBER.fullmatch(token):
        return None
    value = float(token)
    return value if math.isfinite(value) else None


def parse_matrix(text: str, *, max_rows: int = 12, max_cols: int = 12) -> ParseResult:
    """Parse a typed matrix. Pure; never evaluates the text.

    Parameters
    ----------
    text : str
        Rows by newline or ``;``, numbers by spaces and/or commas.
    max_rows, max_cols : int
        Size cap; a larger matrix is refused with ``too_large``.

    Returns
    -------
    ParseResult
        ``matrix`` float64 of shape (rows, cols), or ``error`` with one of the codes
        ``matrix_too_many_chars`` (``length``, ``max_chars``), ``matrix_empty``,
        ``matrix_not_a_number`` (``row``, ``col``, ``token``), ``matrix_not_finite``
        (``row``, ``col``, ``token``), ``matrix_ragged`` (``row``, ``got``, ``expected``),
        ``matrix_too_large`` (``rows``, ``cols``, ``max_rows``, ``max_cols``).

    >>> parse_matrix("1, 2\\n3 −4").matrix.tolist()
    [[1.0, 2.0], [3.0, -4.0]]
    >>> parse_matrix("1 2\\n3").error.code
    'matrix_ragged'
    """
    if not isinstance(text, str):
        return _fail("matrix_empty", "no text")
    if len(text) > MAX_CHARS:
        return _fail("matrix_too_many_chars", f"{len(text)} characters, at most {MAX_CHARS}",
                     length=len(text), max_chars=MAX_CHARS)
    text = _normalise(text)
    if "[" in text or "]" in text:
        text = _BRACKET_ROW_BREAK.sub(";", text).replace("[", " ").replace("]", " ")
    rows: list[list[str]] = []
    for line in _ROW_SPLIT.split(text):
        cells = [c for c in _CELL_SPLIT.split(line.strip()) if c]
        if cells:
            rows.append(cells)
    if not rows:
        return _fail("matrix_empty", "no numbers in the text")

    values: list[list[float]] = []
    for r, cells in enumerate(rows):
        row_values = []
        for c, token in enumerate(cells):
            shown = escape_markdown(token, TOKEN_SHOWN)
            if _NUMBER.fullmatch(token):
                value = float(token)
                if not math.isfinite(value):  # 1e309 overflows to inf
                    return _fail("matrix_not_finite", f"row {r + 1}, column {c + 1}: {token[:TOKEN_SHOWN]!r} overflows",
                                 row=r + 1, col=c + 1, token=shown)
            elif _NON_FINITE.fullmatch(token):
                return _fail("matrix_not_finite", f"row {r + 1}, column {c + 1}: {token[:TOKEN_SHOWN]!r} is not finite",
                             row=r + 1, col=c + 1, token=shown)
            else:
                return _fail("matrix_not_a_number", f"row {r + 1}, column {c + 1}: {token[:TOKEN_SHOWN]!r} is not a number",
                             row=r + 1, col=c + 1, token=shown)
            row_values.append(value)
        values.append(row_values)

    expected = len(values[0])
    for r, row_values in enumerate(values):
        if len(row_values) != expected:
            return _fail("matrix_ragged", f"row {r + 1} has {len(row_values)} numbers, row 1 has {expected}",
                         row=r + 1, got=len(row_values), expected=expected)
    if len(values) > max_rows or expected > max_cols:
        return _fail("matrix_too_large", f"{len(values)}x{expected} is larger than {max_rows}x{max_cols}",
                     rows=len(values), cols=expected, max_rows=max_rows, max_cols=max_cols)
    return ParseResult(np.array(values, dtype=np.float64), None)


def format_number(x: float) -> str:
    """Shortest text that parses back to exactly ``x``: ``1``, ``-0.5``, ``1e-05``."""
    x = float(x)
    if x == 0:
        return "0"
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def format_matrix(M: np.ndarray | Sequence, *, row_sep: str = "\n", col_sep: str = ", ") -> str:
    """The inverse of :func:`parse_matrix`: ``[[1, 0.5], [0, -1]]`` -> ``"1, 0.5\\n0, -1"``.

    Numbers are written exactly (shortest round-trip form), so parsing the text gives the
    same matrix back. A 1-D array is one row.
    """
    a = np.asarray(M, dtype=float)
    if a.ndim == 1:
        a = a.reshape(1, -1)
    if a.ndim != 2:
        raise ValueError(f"expected a matrix (2-D), got an array of shape {a.shape}")
    return row_sep.join(col_sep.join(format_number(v) for v in row) for row in a)


def grid_to_text(cells: np.ndarray | Sequence[Sequence[object]]) -> str:
    """The text of a grid's cells (rows by newline), to be parsed by :func:`parse_matrix`.

    Numbers are written exactly (:func:`format_number`, so ``inf``/``nan`` come out as text the
    parser refuses); an empty cell (``None``) counts as 0; anything else (a tampered cell) is
    written with its separators replaced by ``_`` so the parser reports it as "not a number" at its position.

    >>> grid_to_text([[1.0, None], [0.5, -2]])
    '1, 0\\n0.5, -2'
    """
    rows = []
    for row in cells:
        out = []
        for cell in row:
            if cell is None:
                out.append("0")
            elif isinstance(cell, (int, float, np.integer, np.floating)) and not isinstance(cell, (bool, np.bool_)):
                value = float(cell)
                out.append(format_number(value) if math.isfinite(value) else repr(value))
            else:
                out.append(re.sub(r"[\s,;\[\]]+", "_", str(cell))[:MAX_CHARS // 10] or "?")
        rows.append(", ".join(out))
    return "\n".join(rows)


def resized(matrix: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """``matrix`` cut or zero-padded at the bottom/right to ``rows`` × ``cols``.

    >>> resized(np.array([[1.0, 2.0]]), 2, 1).tolist()
    [[1.0], [0.0]]
    """
    out = np.zeros((rows, cols))
    r, c = min(rows, matrix.shape[0]), min(cols, matrix.shape[1])
    out[:r, :c] = matrix[:r, :c]
    return out


def grid_key(key: str, generation: int) -> str:
    """The grid widget's key for the editor ``key``: ``f"{key}.grid.{generation}"``.

    The generation goes up whenever the text changes other than by the grid itself (typing,
    a preset, an upload, a link, the resize buttons), so the grid then starts afresh without
    stale cell edits. A grid edit keeps the key: its edits are absolute cell values, so
    re-applying them to the text they were written into changes nothing, and an edit made
    while the app is still running is never dropped with a replaced widget.
    """
    return f"{key}.grid.{int(generation)}"


def _resize_text(key: str, d_rows: int, d_cols: int, max_rows: int, max_cols: int) -> None:
    """Button callback: add or remove the last row/column (runs before the editor is drawn)."""
    import streamlit as st

    result = parse_matrix(str(st.session_state.get(key, "")), max_rows=max_rows, max_cols=max_cols)
    if result.matrix is None:
        return
    rows = min(max(result.matrix.shape[0] + d_rows, 1), max_rows)
    cols = min(max(result.matrix.shape[1] + d_cols, 1), max_cols)
    st.session_state[key] = format_matrix(resized(result.matrix, rows, cols))


def _grid(key: str, matrix: np.ndarray, text: str, *, max_rows: int, max_cols: int, resizable: bool) -> str:
    """The grid under the text box; returns the text, rewritten when a cell was changed."""
    import pandas as pd
    import streamlit as st

    from ui.i18n import t

    state = st.session_state
    generation_key, written_key, base_key = f"{key}.grid_generation", f"{key}.grid_text", f"{key}.grid_base"
    if state.get(written_key) != text or base_key not in state:  # changed from outside the grid: a fresh grid
        state[generation_key] = state.get(generation_key, -1) + 1
        state[written_key] = text
        state[base_key] = matrix
    # The grid is always given the matrix it started from; its own edits (kept by the browser and in
    # its widget state) are applied on top. Handing it the edited matrix instead would make the browser
    # drop the edits that now equal the data and send a rerun for each drop: reruns that carry the text
    # box's value of that moment and undo a button (+ row, a preset) pressed right after an edit.
    base = state[base_key]
    rows, cols = matrix.shape
    names = [str(c + 1) for c in range(cols)]
    frame = pd.DataFrame(base, columns=names, index=pd.RangeIndex(1, rows + 1))
    config = {name: st.column_config.NumberColumn(name, required=True, width="small") for name in names}
    edited = st.data_editor(frame, key=grid_key(key, state[generation_key]), num_rows="fixed",
                            column_config=config, width="content")
    new_text = grid_to_text(edited.to_numpy(dtype=object))
    if new_text != format_matrix(matrix):
        state[key] = new_text  # the text area is drawn after the grid, so its value may still be set
        state[written_key] = new_text
        text = new_text
    st.caption(t("owndata.grid_caption", rows=rows, cols=cols, max_rows=max_rows, max_cols=max_cols)
               if resizable else t("owndata.grid_caption_fixed", rows=rows, cols=cols))
    if resizable:
        with st.container(horizontal=True):
            for name, d_rows, d_cols, disabled in (
                    ("add_row", 1, 0, rows >= max_rows), ("remove_row", -1, 0, rows <= 1),
                    ("add_col", 0, 1, cols >= max_cols), ("remove_col", 0, -1, cols <= 1)):
                st.button(t(f"owndata.{name}"), key=f"{key}.{name}", disabled=disabled, on_click=_resize_text,
                          args=(key, d_rows, d_cols, max_rows, max_cols))
    return text


def matrix_editor(
    label: str,
    *,
    key: str,
    default: np.ndarray | Sequence,
    max_rows: int = 12,
    max_cols: int = 12,
    help: str | None = None,
    shape: tuple[int, int] | None = None,
    height: int | None = None,
    grid: bool = True,
) -> np.ndarray | None:
    """A text area holding a matrix (one row per line); returns the parsed matrix or ``None``.

    The text lives in ``st.session_state[key]`` (so :mod:`ui.url_state` can pre-fill it);
    if absent it starts as ``format_matrix(default)``. On bad text a translated
    ``st.error`` appears right under the widget and ``None`` is returned — the caller
    skips what depends on the matrix and the rest of the page keeps working.
    ``shape=(rows, cols)`` additionally requires that exact size.
    ``label`` is already translated by the caller; the default ``help`` states the format and cap.

    ``grid=True`` adds a toggle (key ``f"{key}.grid_on"``) that shows the same matrix as an
    editable grid under the text, with buttons to add/remove the last row or column up to the
    cap (hidden when ``shape`` fixes the size). A grid edit rewrites the text, so both always agree.
    """
    import streamlit as st

    from ui.i18n import explain_error, t

    if key not in st.session_state:
        st.session_state[key] = format_matrix(default)
    if help is None:
        help = t("input.matrix_help", max_rows=max_rows, max_cols=max_cols)
    text_slot = st.container()
    message_slot = st.container()
    text = str(st.session_state[key] or "")
    result = parse_matrix(text, max_rows=max_rows, max_cols=max_cols)
    if grid and st.toggle(t("owndata.grid_toggle"), key=f"{key}.grid_on"):
        if result.matrix is None:
            st.caption(t("owndata.grid_fix_text"))
        else:
            new_text = _grid(key, result.matrix, text, max_rows=max_rows, max_cols=max_cols,
                             resizable=shape is None)
            if new_text != text:
                result = parse_matrix(new_text, max_rows=max_rows, max_cols=max_cols)
    if height is None:
        lines = str(st.session_state[key]).count("\n") + 1
        height = int(min(max(68, 26 * lines + 34), 360))  # every row visible without scrolling
    with text_slot:
        st.text_area(label, key=key, help=help, height=height)
    if result.error is not None:
        message_slot.error(explain_error(result.error))
        return None
    matrix = result.matrix
    if shape is not None and tuple(matrix.shape) != tuple(shape):
        message_slot.error(t("errors.matrix_wrong_shape", rows=shape[0], cols=shape[1],
                             got_rows=matrix.shape[0], got_cols=matrix.shape[1]))
        return None
    return matrix
