"""Several matrices of one size (the channels of an input, the kernels of a layer): one size control
for all of them, one message when their sizes disagree, and one box to paste them all at once.

The matrices stay ordinary :func:`ui.matrix_input.matrix_editor` widgets (keys ``editor_keys``, text
in ``st.session_state``, in the link as usual); this module only rewrites their texts from callbacks
(which run before the editors are drawn):

- :func:`size_control`: rows × columns for all of them; changing it resizes every matrix, keeping
  its values and filling new cells with 0 (:func:`ui.matrix_input.resized`);
- :func:`mismatch`: which matrices differ from the chosen size (the page says so once, in view,
  with a button that resizes every matrix to the new size, :func:`resize_all`);
- :func:`paste_box` and :func:`split_blocks`: a C×H×W block of text, matrices separated by a blank
  line, written into the editors in order.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

import numpy as np

from cnn_core.errors import CoreValueError
from ui.matrix_input import format_matrix, parse_matrix, resized, then

__all__ = ["split_blocks", "parse_blocks", "mismatch", "resize_all", "size_control", "paste_box"]


def split_blocks(text: str) -> list[str]:
    """The matrices of a pasted text: blocks of non-empty lines separated by blank lines.

    >>> split_blocks("1 2\\n3 4\\n\\n5 6\\n7 8\\n")
    ['1 2\\n3 4', '5 6\\n7 8']
    """
    return [block.strip() for block in re.split(r"\n[ \t]*\n", str(text).replace("\r\n", "\n")) if block.strip()]


def parse_blocks(text: str, count: int, *, max_rows: int, max_cols: int) -> list[np.ndarray]:
    """``count`` matrices of one shape from a pasted text (see :func:`split_blocks`).

    Raises ``CoreValueError``: ``channels_count`` (``got``, ``expected``), ``channel_bad`` (``index``,
    1-based, with the parse error as ``__cause__``), ``channels_shapes`` (``index``, ``rows``, ``cols``,
    ``first_rows``, ``first_cols``).
    """
    blocks = split_blocks(text)
    if len(blocks) != count:
        raise CoreValueError("channels_count", f"{len(blocks)} matrices, need {count}", got=len(blocks),
                             expected=count)
    matrices = []
    for k, block in enumerate(blocks):
        result = parse_matrix(block, max_rows=max_rows, max_cols=max_cols)
        if result.error is not None:
            raise CoreValueError("channel_bad", f"matrix {k + 1}: {result.error}", index=k + 1) from result.error
        if matrices and result.matrix.shape != matrices[0].shape:
            (rows, cols), (r0, c0) = result.matrix.shape, matrices[0].shape
            raise CoreValueError("channels_shapes", f"matrix {k + 1} is {rows}x{cols}, matrix 1 is {r0}x{c0}",
                                 index=k + 1, rows=rows, cols=cols, first_rows=r0, first_cols=c0)
        matrices.append(result.matrix)
    return matrices


def mismatch(shapes: Sequence[tuple[int, int] | None], size: tuple[int, int]) -> tuple[list[int], tuple | None]:
    """(0-based indices of the parsed matrices whose shape is not ``size``, their shape when they all share
    one — the size the user just typed — else None)."""
    odd = [k for k, s in enumerate(shapes) if s is not None and tuple(s) != tuple(size)]
    new = {tuple(shapes[k]) for k in odd}
    return odd, (new.pop() if len(new) == 1 else None)


def _texts(editor_keys: Sequence[str]) -> list[str]:
    import streamlit as st

    return [str(st.session_state.get(k, "") or "") for k in editor_keys]


def resize_all(editor_keys: Sequence[str], rows: int, cols: int, size_key: str | None = None, *, max_rows: int,
               max_cols: int) -> None:
    """Callback: every matrix that parses cut or zero-padded to ``rows`` × ``cols`` (others left as typed)."""
    import streamlit as st

    for key, text in zip(editor_keys, _texts(editor_keys)):
        matrix = parse_matrix(text, max_rows=max_rows, max_cols=max_cols).matrix
        if matrix is not None and matrix.shape != (rows, cols):
            st.session_state[key] = format_matrix(resized(matrix, rows, cols))
    if size_key is not None:
        st.session_state[f"{size_key}.rows"], st.session_state[f"{size_key}.cols"] = rows, cols


def _resize_from_control(editor_keys: Sequence[str], size_key: str, max_rows: int, max_cols: int) -> None:
    state = __import__("streamlit").session_state
    resize_all(editor_keys, int(state[f"{size_key}.rows"]), int(state[f"{size_key}.cols"]),
               max_rows=max_rows, max_cols=max_cols)


def size_control(editor_keys: Sequence[str], *, key: str, labels: tuple[str, str], max_rows: int, max_cols: int,
                 default: tuple[int, int], help: str | None = None,
                 on_change: Callable[[], None] | None = None) -> tuple[tuple[int, int], list]:
    """Rows and columns for every matrix of ``editor_keys`` (widget keys ``<key>.rows``, ``<key>.cols``).

    Draw it before the editors. When every matrix parses to one shape, the control shows that shape
    (a preset, an upload, a link or a paste changed them all). Returns ((rows, cols), the shapes of the
    matrices as typed, None where a text does not parse). ``on_change()`` follows a resize (a widget callback).
    """
    import streamlit as st

    state = st.session_state
    shapes = [None if m is None else m.shape for m in
              (parse_matrix(text, max_rows=max_rows, max_cols=max_cols).matrix for text in _texts(editor_keys))]
    parsed = {s for s in shapes if s is not None}
    rows_key, cols_key = f"{key}.rows", f"{key}.cols"
    if len(parsed) == 1 and None not in shapes:
        state[rows_key], state[cols_key] = parsed.pop()
    elif rows_key not in state or cols_key not in state:   # first run, sizes differ: the most common one
        counts = [s for s in shapes if s is not None]
        state[rows_key], state[cols_key] = max(counts, key=counts.count) if counts else tuple(default)
    with st.container(horizontal=True):
        st.number_input(labels[0], 1, max_rows, step=1, key=rows_key, on_change=then(_resize_from_control, on_change),
                        args=(editor_keys, key, max_rows, max_cols), help=help, width=150)
        st.number_input(labels[1], 1, max_cols, step=1, key=cols_key, on_change=then(_resize_from_control, on_change),
                        args=(editor_keys, key, max_rows, max_cols), help=help, width=150)
    return (int(state[rows_key]), int(state[cols_key])), shapes


def _paste(editor_keys: Sequence[str], key: str, max_rows: int, max_cols: int) -> None:
    """Callback of the paste box's button: write the pasted matrices into the editors, or keep the error."""
    import streamlit as st

    state = st.session_state
    try:
        matrices = parse_blocks(state.get(f"{key}.text", ""), len(editor_keys), max_rows=max_rows,
                                max_cols=max_cols)
    except CoreValueError as err:
        state[f"{key}.error"] = err
        return
    for editor_key, matrix in zip(editor_keys, matrices):
        state[editor_key] = format_matrix(matrix)
    state[f"{key}.error"] = None
    state[f"{key}.done"] = True


def paste_box(editor_keys: Sequence[str], *, key: str, max_rows: int, max_cols: int, title: str, label: str,
              help: str, button: str, done: str, on_change: Callable[[], None] | None = None) -> None:
    """An expander with one text box for all the matrices (separated by blank lines) and a button that
    fills the editors. ``title``/``label``/``help``/``button``/``done`` are translated by the page;
    ``on_change()`` follows the button's callback (a widget callback)."""
    import streamlit as st

    from ui.i18n import explain_error

    state = st.session_state
    with st.expander(title, expanded=False):
        st.text_area(label, key=f"{key}.text", help=help, height=200)
        st.button(button, key=f"{key}.use", on_click=then(_paste, on_change), args=(editor_keys, key, max_rows, max_cols))
        err = state.get(f"{key}.error")
        if err is not None:
            message = explain_error(err)
            if err.__cause__ is not None:
                message += " " + explain_error(err.__cause__)
            st.error(message)
        elif state.pop(f"{key}.done", False):
            st.success(done)
