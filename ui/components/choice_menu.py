"""A setting chosen from a list (the kind of exercise, a sample, a filter) as the browser's own ``<select>`` (#14).

Why not ``st.selectbox``: Streamlit's select is ~140 React components that every pass of the page re-renders, and
its list is a React popover mounted on opening and unmounted on the choice (docs/ARCHITECTURE.md, "What a control
costs the browser"); in round 11 Check my work's kind and training's sample were the last selects over 1.5× the bare
slider. This is the preset menus' component (``ui.components.action_menu``, ~20 React components) with
:func:`~ui.components.action_menu.choice_html`'s markup: the current choice marked ``selected``, kept after a change.

The page's state stays where it was: ``st.session_state[state_key]`` holds the chosen value (``"check_work.kind"``,
``"training.sample"``), so ``ui.url_state`` (``init_from_url`` / ``sync_to_url``) reads and writes it as before and
a link opens with its choice shown. The menu's callback (:func:`apply_choice`, before the run the change starts)
writes the value only if it is one the menu offered in its last run (kept under ``<state_key>.offer``): the value
is the browser's, and a made-up one changes nothing.

Drawn inside a fragment, a change reruns that fragment only, in one script run (its default rerun: no callback
that reruns parts by name, no empty first run); the part that holds the menu draws it again with the new choice.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Hashable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any, Callable

from ui.components.action_menu import action_menu, choice_html, picked

__all__ = ["ChoiceOffer", "apply_choice", "choice_menu", "menu_key", "offer_key"]


@dataclass(frozen=True)
class ChoiceOffer:
    """What a choice menu offered in its last run: (text sent by the browser, value written to the state) pairs."""

    values: tuple[tuple[str, Hashable], ...]

    def value_of(self, sent: object) -> tuple[bool, Hashable]:
        """(whether ``sent`` is one of the offered texts, its value)."""
        for text, value in self.values:
            if sent == text:
                return True, value
        return False, None


def offer_key(state_key: str) -> str:
    """Where the menu of ``state_key`` keeps its :class:`ChoiceOffer` in the session state."""
    return f"{state_key}.offer"


def menu_key(state_key: str) -> str:
    """The component's key of the menu of ``state_key`` (``"check_work.kind"`` -> ``"check_work.kind_menu"``: its
    element has the class ``st-key-check_work-kind_menu``)."""
    return f"{state_key}_menu"


def apply_choice(state: MutableMapping, state_key: str, sent: object) -> bool:
    """The menu's callback: write the value the browser ``sent`` (the option's text value) into ``state[state_key]``
    (the session state) if the menu offered it; returns whether it did. Anything else (a value the browser made up,
    not a string, a menu never drawn) changes nothing: a callback never raises."""
    offer = state.get(offer_key(state_key))
    if not isinstance(offer, ChoiceOffer) or not isinstance(sent, str):
        return False
    found, value = offer.value_of(sent)
    if found:
        state[state_key] = value
    return found


def _chosen(state_key: str, on_change: Callable[[], None] | None) -> None:
    """The component's callback: apply what the browser sent, then the page's follow-up (only after a change)."""
    import streamlit as st

    if apply_choice(st.session_state, state_key, picked(st.session_state, menu_key(state_key))) and on_change:
        on_change()


def _current(state: Mapping, state_key: str, values: Sequence[tuple[str, Hashable]]) -> str:
    """The text of the option the state holds (the first option's when it holds none of them)."""
    held = state.get(state_key)
    if not isinstance(held, Hashable):   # (an array, say: never one of ours, and == would not be a truth value)
        return values[0][0]
    return next((text for text, value in values if value == held), values[0][0])


def choice_menu(label: str, options: Sequence[tuple[Hashable, str]], state_key: str, *, help: str = "",
                width: int | str = "stretch", where=None, on_change: Callable[[], None] | None = None) -> Any:
    """Draw the menu of the setting ``state_key`` (in ``where``, a container, else where the page is) and return
    the value chosen.

    ``options`` are (value, text shown) pairs; the values are told apart by ``str(value)`` (what the browser sends
    back), so they must differ as strings. A state holding none of them (nothing yet) gets the first, as
    Streamlit's select does. ``on_change()`` follows an accepted change (a callback, before the run): a menu drawn
    outside the part it changes can rerun that part by name there.
    """
    import streamlit as st

    state = st.session_state
    values = tuple((str(value), value) for value, _ in options)
    if not values or len({text for text, _ in values}) != len(values):
        raise ValueError(f"a choice menu needs options that differ as text: {[t for t, _ in values]}")
    chosen = _current(state, state_key, values)
    state[state_key] = dict(values)[chosen]
    state[offer_key(state_key)] = ChoiceOffer(values)
    markup = choice_html(label, [(text, shown) for (text, _), (_, shown) in zip(values, options)], chosen, help)
    with where if where is not None else contextlib.nullcontext():
        action_menu(markup, menu_key(state_key), functools.partial(_chosen, state_key, on_change), width=width)
    return state[state_key]
