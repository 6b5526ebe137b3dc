"""A preset menu next to a matrix editor: the text's example, classic filters, test pictures.

One line per editor, anywhere on the page (before or after the editor)::

    preset_selector("conv_single.kernel", kind="kernel", example=DEFAULT_KERNEL, max_rows=6, max_cols=6)
    w = matrix_editor(t("conv_single.kernel_label"), key="conv_single.kernel", ...)

The menu is the browser's own ``<select>`` (``ui.components.action_menu``, #14: a Streamlit select costs the page
~140 React components on every pass and a popover per choice). Choosing a preset runs a callback, i.e. **before**
the next script run draws any widget, which writes the preset's matrix text into ``st.session_state[editor_key]``
(:func:`apply_pick`, which takes only a name the menu offered: the message is the browser's); the editor then
shows it and :mod:`ui.url_state` puts it in the link like any typed matrix. The menu goes back to its placeholder
(it is an action, so the same preset can be chosen again after a hand edit), and a caption names the loaded preset
for as long as the matrix is unchanged.

The link keeps the **matrix**, not the preset's name: ``?kernel=-1,0,1;-2,0,2;-1,0,1``. One
source of truth — the link reproduces exactly what is on screen, also after a hand edit that
follows the preset, and a preset whose definition changes in a later version cannot change an
old link. A random preset is still reproducible from its seed (the seed box, shown beside the menu
while the editor shows a random matrix: another seed draws another one), and its matrix is in the
link anyway.

The size: a preset is built at the editor's current size (or the example's when the text does
not parse); a kernel that needs an odd size there (Sobel on 2×2) is built at the next usable
size (:func:`cnn_core.presets.kernel_preset_shape`); a preset that would exceed the editor's cap
is not offered.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Callable, Literal, Sequence

import numpy as np

from cnn_core.presets import (INPUT_PRESETS, KERNEL_PRESETS, RANDOM_INPUT_RANGE, RANDOM_KERNEL_RANGE, WEIGHT_PRESETS,
                              input_preset, input_preset_fits, kernel_preset, kernel_preset_shape, weight_preset)

#: What an editor holds: a filter, a picture, or a dense layer's weight matrix (identity = np.eye there).
Kind = Literal["kernel", "input", "weights"]
from ui.matrix_input import format_matrix, parse_matrix, rewrite_text, then

__all__ = ["preset_matrix", "available_presets", "preset_label", "preset_selector", "apply_pick", "menu_offer",
           "EXAMPLE", "MAX_SEED"]

#: Name of the page's own example in the menu.
EXAMPLE = "example"
#: Largest seed of the random presets.
MAX_SEED = 9999


def preset_matrix(name: str, kind: Kind, shape: Sequence[int], *, seed: int = 0,
                  example: np.ndarray | Sequence | None = None) -> np.ndarray:
    """The matrix of one preset at (about) ``shape`` — pure.

    ``name == "example"`` returns ``example``; kernels use :func:`cnn_core.presets.kernel_preset`,
    inputs :func:`cnn_core.presets.input_preset` (the digit glyph grows the shape to 5×3 if needed).
    """
    if name == EXAMPLE:
        if example is None:
            raise ValueError("the example preset needs the page's example matrix")
        return np.asarray(example, dtype=np.float64)
    rows, cols = (int(v) for v in shape)
    if kind == "kernel":
        return kernel_preset(name, (rows, cols), seed=seed)
    if kind == "weights":
        return weight_preset(name, (rows, cols), seed=seed)
    if name == "digit" and not input_preset_fits(name, (rows, cols)):
        rows, cols = max(rows, 5), max(cols, 3)
    return input_preset(name, (rows, cols), seed=seed)


def available_presets(kind: Kind, shape: Sequence[int], *, max_rows: int, max_cols: int,
                      has_example: bool = True) -> list[str]:
    """Menu entries whose matrix fits the editor's cap at ``shape`` (in menu order)."""
    names = [EXAMPLE] if has_example else []
    rows, cols = (int(v) for v in shape)
    menu = {"kernel": KERNEL_PRESETS, "weights": WEIGHT_PRESETS}.get(kind, INPUT_PRESETS)
    for name in menu:
        if kind == "kernel":
            out_rows, out_cols = kernel_preset_shape(name, (rows, cols))
        elif name == "digit":
            out_rows, out_cols = max(rows, 5), max(cols, 3)
        else:
            out_rows, out_cols = rows, cols
        if out_rows <= max_rows and out_cols <= max_cols:
            names.append(name)
    return names


def preset_label(name: str, kind: str) -> str:
    """The menu text of a preset in the session's language."""
    from ui.i18n import t

    if name == "random":
        lo, hi = RANDOM_INPUT_RANGE if kind == "input" else RANDOM_KERNEL_RANGE
        return t(f"owndata.preset_random_{'input' if kind == 'input' else 'kernel'}", lo=lo, hi=hi)
    return t(f"owndata.preset_{name}")


def _current_shape(text: object, example: np.ndarray | None, max_rows: int, max_cols: int,
                   kind: str) -> tuple[int, int]:
    parsed = parse_matrix(str(text or ""), max_rows=max_rows, max_cols=max_cols)
    if parsed.matrix is not None:
        return parsed.matrix.shape
    if example is not None:
        return np.asarray(example).shape[-2:] if np.ndim(example) >= 2 else (1, np.size(example))
    return (3, 3) if kind == "kernel" else (min(6, max_rows), min(6, max_cols))


@dataclass(frozen=True)
class MenuOffer:
    """What an editor's preset menu offered in the last run (kept in session state for its callback and
    :func:`apply_pick`): the editor's kind, the page's example as text, the editor's cap, the names listed."""

    kind: str
    example_text: str | None
    max_rows: int
    max_cols: int
    names: tuple[str, ...]


def _offer_key(editor_key: str) -> str:
    return f"{editor_key}.preset_offer"


def menu_offer(state: Mapping, editor_key: str) -> MenuOffer | None:
    """The offer of the editor's preset menu as its last run drew it (None before that)."""
    offer = state.get(_offer_key(editor_key))
    return offer if isinstance(offer, MenuOffer) else None


def apply_pick(state: MutableMapping, editor_key: str, name: object) -> bool:
    """The preset menu's callback: write preset ``name`` into the editor's text (``state[editor_key]``, the session
    state) if the menu offered it; returns whether it did. Anything else (a name the browser made up, a menu never
    drawn) changes nothing: a callback never raises."""
    offer = menu_offer(state, editor_key)
    if offer is None or not isinstance(name, str) or name not in offer.names:
        return False
    return _apply(state, editor_key, offer.kind, name, offer.example_text, offer.max_rows, offer.max_cols)


def _apply(state: MutableMapping, editor_key: str, kind: str, name: str, example_text: str | None, max_rows: int,
           max_cols: int) -> bool:
    """Write the preset's text into the editor's key (before the editor is drawn); whether it did."""
    # read with the editor's own cap: a page's example may be wider than a typed matrix's default 12 × 12
    # (the 1 × 18 signal of the transposed page); a callback must never raise (it would end the page's run)
    example = (parse_matrix(example_text, max_rows=max_rows, max_cols=max_cols).matrix
               if example_text is not None else None)
    if name == EXAMPLE and example is None:
        return False
    shape = _current_shape(state.get(editor_key), example, max_rows, max_cols, kind)
    seed = int(state.get(f"{editor_key}.seed", 0) or 0)
    text = format_matrix(preset_matrix(name, kind, shape, seed=seed, example=example))
    if parse_matrix(text, max_rows=max_rows, max_cols=max_cols).matrix is None:
        return False  # never write a matrix the editor would refuse
    rewrite_text(state, editor_key, text)
    state[f"{editor_key}.preset_loaded"] = (name, text)
    return True


def _picked(editor_key: str) -> None:
    """The menu's callback: apply what the browser sent."""
    import streamlit as st

    from ui.components.action_menu import picked

    apply_pick(st.session_state, editor_key, picked(st.session_state, f"{editor_key}.preset"))


def _shown_preset(editor_key: str) -> str | None:
    """The name of the preset the editor still shows (its text unchanged since it was loaded), or ``None``."""
    import streamlit as st

    loaded = st.session_state.get(f"{editor_key}.preset_loaded")
    return loaded[0] if loaded and loaded[1] == st.session_state.get(editor_key) else None


def _reseed(editor_key: str, kind: str, max_rows: int, max_cols: int) -> None:
    """Seed changed: regenerate the random preset if it is what the editor shows."""
    import streamlit as st

    if _shown_preset(editor_key) == "random":
        _apply(st.session_state, editor_key, kind, "random", None, max_rows, max_cols)


def preset_selector(editor_key: str, *, kind: Kind,
                    example: np.ndarray | Sequence | None = None, max_rows: int = 12, max_cols: int = 12,
                    label: str | None = None, on_change: Callable[[], None] | None = None) -> None:
    """A preset menu (and, while a random matrix is shown, its seed box) that fill the matrix editor ``editor_key``.

    Keys: ``f"{editor_key}.preset"`` (the menu, ``ui.components.action_menu``), ``f"{editor_key}.seed"`` (random
    seed), ``f"{editor_key}.preset_offer"`` (what the menu offered, :class:`MenuOffer`).
    ``example`` is the page's default matrix ("the text's example"); ``max_rows``/``max_cols``
    are the editor's cap. See the module docstring for what goes into the link. ``on_change()`` follows a
    preset or a seed written into the editor (a widget callback, ``ui.matrix_input.then``).
    """
    import streamlit as st

    from ui.components.action_menu import action_menu, menu_html
    from ui.i18n import t

    example_text = format_matrix(example) if example is not None else None
    shape = _current_shape(st.session_state.get(editor_key), None if example is None else np.asarray(example),
                           max_rows, max_cols, kind)
    options = available_presets(kind, shape, max_rows=max_rows, max_cols=max_cols, has_example=example is not None)
    shown = _shown_preset(editor_key)
    st.session_state[_offer_key(editor_key)] = MenuOffer(kind, example_text, max_rows, max_cols, tuple(options))
    with st.container(horizontal=True, vertical_alignment="bottom"):
        markup = menu_html(label or t("owndata.preset_label"), [(n, preset_label(n, kind)) for n in options],
                           t("owndata.preset_placeholder"), t(f"owndata.preset_help_{kind}"))
        action_menu(markup, f"{editor_key}.preset", then(functools.partial(_picked, editor_key), on_change))
        # the seed only means something while a random matrix is shown: offered then, not beside every menu
        if shown == "random":
            st.number_input(t("owndata.seed"), min_value=0, max_value=MAX_SEED, step=1, key=f"{editor_key}.seed",
                            on_change=then(_reseed, on_change), args=(editor_key, kind, max_rows, max_cols), width=120,
                            help=t("owndata.seed_help"))
    if shown is not None:
        st.caption(t("owndata.preset_loaded", name=preset_label(shown, kind)))
