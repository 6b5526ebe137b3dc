"""Page state a link keeps and a reset restores: the open tab, and "reset to the text's example".

Written for the forward pages (padding, one-channel and multi-channel convolution); small enough
to move into :mod:`ui.page_kit` when the other pages want it::

    SPECS = (..., ChoiceParam("tab", "step", SECTIONS))     # the open tab, by name, in the link
    tabs = url_tabs(PAGE, "section", "tab", SECTIONS, [t(f"page.{s}") for s in SECTIONS])
    reset_button(PAGE, SPECS, label)   # label: the page's translated "Reset to the text's example"

The tabs widget stores its (translated) label; the link stores the tab's name, so a link opens
the same tab in either language.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from ui.url_state import widget_key


def url_tabs(page: str, name: str, spec_name: str, sections: Sequence[str], labels: Sequence[str]) -> list:
    """``st.tabs(labels)`` (key ``<page>.<name>``, rerun on change) whose open tab is kept under the
    URL parameter ``spec_name`` (a ``ChoiceParam`` over ``sections``). Returns the tab containers;
    draw only the open one (``tab.open is not False``)."""
    import streamlit as st

    state = st.session_state
    tabs_key, url_key = widget_key(page, name), widget_key(page, spec_name)
    by_label = dict(zip(labels, sections))
    clicked = by_label.get(state.get(tabs_key))
    if clicked is not None:
        state[url_key] = clicked
    else:  # first run (the link's tab) or the language changed (the label is in the other language)
        wanted = state.get(url_key)
        state[tabs_key] = labels[list(sections).index(wanted)] if wanted in sections else labels[0]
        state[url_key] = by_label[state[tabs_key]]
    return st.tabs(list(labels), key=tabs_key, on_change="rerun")


def reset_state(page: str, specs: Sequence[Any], extra: Callable[[], None] | None = None) -> None:
    """Every spec's widget back to its default (a button callback: runs before the widgets are drawn)."""
    import streamlit as st

    for spec in specs:
        st.session_state[widget_key(page, spec.name)] = spec.to_state(spec.default)
    if extra is not None:
        extra()


def reset_button(page: str, specs: Sequence[Any], label: str, *, help: str | None = None,
                 extra: Callable[[], None] | None = None) -> None:
    """A button that puts every parameter of the page back to the text's example (the specs' defaults)."""
    import streamlit as st

    st.button(label, key=widget_key(page, "reset"), on_click=reset_state, args=(page, specs, extra), help=help,
              icon=":material/restart_alt:")


def keep_in_range(key: str, low: float, high: float, default: float) -> tuple[float, float] | None:
    """Before a number input drawn without bounds: a value outside [low, high] is moved to the nearest
    bound. Returns (typed, used) when it moved, for the page's message; None otherwise.

    A number input *with* bounds refuses a typed value in the browser and silently keeps the old one
    (#12 item 3); without bounds the typed value arrives, and the page can say what it uses instead.
    """
    import math

    import streamlit as st

    value = st.session_state.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        st.session_state[key] = default
        return None
    if low <= value <= high:
        return None
    used = low if value < low else high
    st.session_state[key] = type(value)(used)
    return value, used
