"""Matrices typed as text: a strict parser (never evaluates anything) and its widget.

Accepted text: rows separated by newlines or ``;``, numbers by spaces and/or commas::

    1, 0, -1
    0.5 1e-3 +2

The same rules hold for the grid: :func:`matrix_editor` can also show the matrix as a grid of
number boxes (``ui.components.grid_editor``, a toggle under the text box); a grid edit is written
back into the text (:func:`edit_cell_text`, :func:`resize_text`), checked by the parser's own
:func:`parse_number`, so ``st.session_state[key]`` is always the matrix text (what
:mod:`ui.url_state` reads).

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
from typing import Callable, Sequence

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
    "resized",
    "edit_cell_text",
    "resize_text",
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


def resized(matrix: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """``matrix`` cut or zero-padded at the bottom/right to ``rows`` × ``cols``.

    >>> resized(np.array([[1.0, 2.0]]), 2, 1).tolist()
    [[1.0], [0.0]]
    """
    out = np.zeros((rows, cols))
    r, c = min(rows, matrix.shape[0]), min(cols, matrix.shape[1])
    out[:r, :c] = matrix[:r, :c]
    return out


def edit_cell_text(text: str, row: object, col: object, cell: object, *, max_rows: int = 12,
                   max_cols: int = 12) -> str | None:
    """``text`` with the cell at 0-based (``row``, ``col``) set to the typed ``cell``, or ``None`` if that
    cannot be done: the text does not parse, the cell is outside the matrix, or ``cell`` is not a finite
    number in the parser's syntax (an empty cell is 0). The other cells keep their exact values.

    >>> edit_cell_text("1, 0\\n0, 1", 1, 0, "-2.5")
    '1, 0\\n-2.5, 1'
    >>> edit_cell_text("1 2", 0, 5, "3") is None, edit_cell_text("1 2", 0, 0, "nan") is None
    (True, True)
    """
    result = parse_matrix(str(text or ""), max_rows=max_rows, max_cols=max_cols)
    if result.matrix is None or not isinstance(cell, str) or len(cell) > 100:
        return None
    if isinstance(row, bool) or isinstance(col, bool) or not isinstance(row, int) or not isinstance(col, int):
        return None
    rows, cols = result.matrix.shape
    if not (0 <= row < rows and 0 <= col < cols):
        return None
    value = 0.0 if not cell.strip() else parse_number(cell)
    if value is None:
        return None
    matrix = result.matrix.copy()
    matrix[row, col] = value
    return format_matrix(matrix)


def resize_text(text: str, d_rows: object, d_cols: object, *, max_rows: int = 12, max_cols: int = 12) -> str | None:
    """``text`` with ``d_rows`` rows and ``d_cols`` columns (each -1, 0 or 1) added at the bottom/right
    (zeros) or removed there, kept between 1 and the cap; ``None`` if the text does not parse or the
    change is not one of those.

    >>> resize_text("1 2", 1, 0, max_rows=2)
    '1, 2\\n0, 0'
    """
    if d_rows not in (-1, 0, 1) or d_cols not in (-1, 0, 1) or isinstance(d_rows, bool) or isinstance(d_cols, bool):
        return None
    result = parse_matrix(str(text or ""), max_rows=max_rows, max_cols=max_cols)
    if result.matrix is None:
        return None
    rows = min(max(result.matrix.shape[0] + d_rows, 1), max_rows)
    cols = min(max(result.matrix.shape[1] + d_cols, 1), max_cols)
    return format_matrix(resized(result.matrix, rows, cols))


def then(callback: Callable[..., None] | None, after: Callable[[], None] | None) -> Callable[..., None] | None:
    """A widget callback: ``callback(*args, **kwargs)`` (when given), then ``after()``: a page's follow-up to a
    changed matrix, e.g. rerunning only the parts that show it (``st.rerun([...keys])``, allowed in a callback).
    With ``after=None`` it is ``callback`` itself (every page without a follow-up is unchanged)."""
    if after is None:
        return callback

    def both(*args, **kwargs) -> None:
        if callback is not None:
            callback(*args, **kwargs)
        after()
    return both


def _grid(key: str, matrix: np.ndarray, *, max_rows: int, max_cols: int, resizable: bool,
          on_change: Callable[[], None] | None = None) -> None:
    """The grid under the text box (``ui.components.grid_editor``): its edits rewrite the text in a
    callback before the script runs, so the text read by :func:`matrix_editor` is already the edited one."""
    from ui.components.grid_editor import grid_editor, payload
    from ui.i18n import t

    rows, cols = matrix.shape
    caption = (t("owndata.grid_caption", rows=rows, cols=cols, max_rows=max_rows, max_cols=max_cols)
               if resizable else t("owndata.grid_caption_fixed", rows=rows, cols=cols))
    labels = {name: t(f"owndata.{name}") for name in ("add_row", "remove_row", "add_col", "remove_col")}
    labels.update(grid=t("owndata.grid_name", rows=rows, cols=cols), cell=t("owndata.grid_cell"),
                  bad=t("owndata.grid_bad_cell"))
    grid_editor(key, payload(matrix, max_rows=max_rows, max_cols=max_cols, resizable=resizable, caption=caption,
                             labels=labels), max_rows=max_rows, max_cols=max_cols, on_change=on_change)


def rewritten_key(key: str) -> str:
    """Where :func:`rewrite_text` notes that a callback rewrote the text of the editor ``key`` (read by
    :func:`matrix_editor`, which sends the text to the box again)."""
    return f"{key}.rewritten"


def rewrite_text(state, key: str, text: str) -> None:
    """A component's callback (a preset menu, the grid) puts ``text`` into the editor ``key`` (``state``: the session
    state), noted so that :func:`matrix_editor` shows it even in the second run of a rerun by name."""
    state[key] = text
    state[rewritten_key(key)] = True


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
    on_change: Callable[[], None] | None = None,
    grid_shown: bool | None = None,
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
    ``on_change`` is called after the text changed (typed or by the grid), as a widget callback.
    ``grid_shown`` (with ``grid=True``): whether the grid is shown, decided by the caller's own toggle; no toggle is
    drawn here (dense's setup box has one for its four editors, #14 round 13: a toggle is ~45 React components that
    every pass of the page re-renders).
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
    if grid and (st.toggle(t("owndata.grid_toggle"), key=f"{key}.grid_on") if grid_shown is None else grid_shown):
        if result.matrix is None:
            st.caption(t("owndata.grid_fix_text"))
        else:
            _grid(key, result.matrix, max_rows=max_rows, max_cols=max_cols, resizable=shape is None,
                  on_change=on_change)
    if st.session_state.pop(rewritten_key(key), False):
        # a component's callback (a preset menu, the grid) rewrote the text; when the page's follow-up then reruns
        # named parts, Streamlit runs them in a second run that no longer counts that write as new, and the box
        # would go on showing its old text (tests/e2e/test_owndata_pages_browser.py): write it again in this run
        st.session_state[key] = st.session_state[key]
    if height is None:
        lines = str(st.session_state[key]).count("\n") + 1
        height = int(min(max(68, 26 * lines + 34), 360))  # every row visible without scrolling
    with text_slot:
        st.text_area(label, key=key, help=help, height=height, on_change=on_change)
    if result.error is not None:
        message_slot.error(explain_error(result.error))
        return None
    matrix = result.matrix
    if shape is not None and tuple(matrix.shape) != tuple(shape):
        message_slot.error(t("errors.matrix_wrong_shape", rows=shape[0], cols=shape[1],
                             got_rows=matrix.shape[0], got_cols=matrix.shape[1]))
        return None
    return matrix
