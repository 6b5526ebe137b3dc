"""A menu whose choice is an action (load a preset), as the browser's own ``<select>`` in a tiny component (#14).

Why not ``st.selectbox``: a preset menu is picked, acted on and put back to its placeholder. Streamlit's select is
~140 React components that every whole-page pass re-renders (docs/ARCHITECTURE.md, "What a control costs the
browser"), and its list is a React popover mounted on opening and unmounted on the pick, ~15–20 ms of script per
choice on an otherwise empty page. The browser's ``<select>`` has none of that (and is the native picker on a phone);
this component is ~20 React components and is rebuilt only when its markup changed.

In the browser: a change sends the chosen value as the trigger value ``pick`` and puts the menu back to its
placeholder (a pick is an event: the same entry can be chosen again). The value is the browser's: the Python side
must check it (``ui.presets.apply_pick`` offers only the names it listed).

A choice menu (:func:`choice_menu`, #14 round 12) is the same component used for a setting: it shows the chosen
entry (no placeholder, ``data-keep``: not put back), and its callback writes the chosen value into the setting's
session-state key, a plain key the page reads like a widget's (URL state, reset): conv_backward's filter and channel,
~20 React components each on every pass instead of a selectbox's ~110, and no ~110 mounted when they appear.

The markup must be trusted: :func:`menu_html` and :func:`choice_html` escape every text.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Mapping, Sequence
from typing import Callable

from ui.components.markup_box import KEPT_BOX_JS, sent

NAME = "cnn_studio_action_menu"
# Streamlit's select look (light theme: config.toml), so the menu sits among the other widgets unnoticed
CSS = """
.action-menu { font-size: 1rem; color: rgb(49, 51, 63); }
.action-menu label { display: block; }
.action-menu .am-label { display: flex; align-items: center; gap: 0.25rem; font-size: 0.875rem;
  margin-bottom: 0.25rem; min-height: 1.5rem; }
.action-menu .am-help { display: inline-flex; align-items: center; justify-content: center; width: 1rem;
  height: 1rem; border-radius: 50%; border: 1px solid rgba(49, 51, 63, 0.45); color: rgba(49, 51, 63, 0.6);
  font-size: 0.7rem; line-height: 1; cursor: help; }
.action-menu select { width: 100%; height: 2.5rem; box-sizing: border-box; padding: 0 2rem 0 0.75rem;
  font: inherit; font-size: 1rem; color: rgb(49, 51, 63); background-color: rgb(240, 242, 246);
  border: 1px solid rgb(240, 242, 246); border-radius: 0.5rem; cursor: pointer; appearance: none;
  -webkit-appearance: none;
  background-image: linear-gradient(45deg, transparent 50%, rgba(49, 51, 63, 0.6) 50%),
    linear-gradient(135deg, rgba(49, 51, 63, 0.6) 50%, transparent 50%);
  background-position: calc(100% - 1.05rem) 55%, calc(100% - 0.75rem) 55%;
  background-size: 0.3rem 0.3rem, 0.3rem 0.3rem; background-repeat: no-repeat; }
.action-menu select:hover { border-color: rgba(49, 51, 63, 0.2); }
.action-menu select:focus-visible { outline: none; border-color: #ff4b4b; box-shadow: 0 0 0 1px #ff4b4b; }
.action-menu select.am-placeholder { color: rgba(49, 51, 63, 0.6); }
"""
JS = KEPT_BOX_JS + """export default function (component) {
  const { parentElement, data, setTriggerValue } = component;
  parentElement.__actionMenuSend = setTriggerValue;
  // a mark on the element that holds it (a shadow root's host): tests and benchmarks find every menu by it
  const host = parentElement.host || parentElement;
  if (host.setAttribute) host.setAttribute("data-action-menu", "");
  const markup = typeof data === "string" ? data : "";
  if (parentElement.__actionMenu === markup) return undefined;
  parentElement.__actionMenu = markup;
  const box = keptBox(parentElement, "action-menu", (box) => box.addEventListener("change", (event) => {
    const menu = event.target;
    if (!menu || menu.tagName !== "SELECT" || !menu.value) return;
    const value = menu.value;
    // back to the placeholder: an action, not a setting (a choice menu, data-keep, shows what was chosen)
    if (!menu.hasAttribute("data-keep")) menu.selectedIndex = 0;
    parentElement.__actionMenuSend("pick", value);
  }));
  const root = box.getRootNode();
  const focused = root.activeElement && box.contains(root.activeElement);
  box.innerHTML = markup;
  if (focused) { const menu = box.querySelector("select"); if (menu) menu.focus(); }
  return undefined;
}
"""
_component = None


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def menu_html(label: str, options: Sequence[tuple[str, str]], placeholder: str, help: str = "") -> str:
    """A labelled ``<select>`` (the label wraps it: no id to keep unique): a placeholder first (shown, not
    choosable), then ``options`` (value, text) pairs. The same arguments give the same markup, so an unchanged menu
    is not rebuilt."""
    helptext = (f'<span class="am-help" role="img" tabindex="0" title="{_e(help)}" aria-label="{_e(help)}">?</span>'
                if help else "")
    items = "".join(f'<option value="{_e(value)}">{_e(text)}</option>' for value, text in options)
    return (f'<label><span class="am-label"><span>{_e(label)}</span>{helptext}</span>'
            f'<select class="am-placeholder"><option value="" selected disabled>{_e(placeholder)}'
            f"</option>{items}</select></label>")


def action_menu(markup: str, key: str, on_pick: Callable[[], None]) -> None:
    """Mount the menu (``markup`` from :func:`menu_html`) under ``key``; ``on_pick()`` runs (a callback, before the
    rerun) after a choice: :func:`picked` reads which."""
    global _component
    import streamlit as st

    if _component is None:
        _component = st.components.v2.component(NAME, css=CSS, js=JS)
    _component(data=markup, key=key, on_pick_change=on_pick)


def picked(state: Mapping, key: str) -> str | None:
    """The value the menu ``key`` sent with its last choice (None: nothing, or not a string)."""
    value = sent(state, key, "pick")
    return value if isinstance(value, str) else None


# --------------------------------------------------------------------------- a menu that keeps its choice (a setting)
def choice_html(label: str, options: Sequence[tuple[str, str]], chosen: str, help: str = "") -> str:
    """A labelled ``<select>`` of ``options`` (value, text) pairs with ``chosen`` selected and kept after a change
    (``data-keep``); the same arguments give the same markup."""
    helptext = (f'<span class="am-help" role="img" tabindex="0" title="{_e(help)}" aria-label="{_e(help)}">?</span>'
                if help else "")
    items = "".join(f'<option value="{_e(value)}"{" selected" if value == chosen else ""}>{_e(text)}</option>'
                    for value, text in options)
    return (f'<label><span class="am-label"><span>{_e(label)}</span>{helptext}</span>'
            f"<select data-keep>{items}</select></label>")


def menu_key(key: str) -> str:
    """The component key of the choice menu for the setting ``key`` (``key`` itself holds the chosen value)."""
    return f"{key}.menu"


def _offer_key(key: str) -> str:
    return f"{key}.menu_offer"


def apply_choice(state, key: str, value: object) -> bool:
    """Write ``value`` (the browser's text, or a value itself) into the setting ``key`` if the menu offered it, as the
    offered value (its own type, e.g. an int); True when written. Tests choose through this, as the menu's callback
    does."""
    offered = state.get(_offer_key(key)) or ()
    for option in offered:
        if str(option) == str(value):
            state[key] = option
            return True
    return False


def _chosen(key: str, on_change: Callable[[], None] | None) -> None:
    import streamlit as st

    value = picked(st.session_state, menu_key(key))
    if value is not None and apply_choice(st.session_state, key, value) and on_change is not None:
        on_change()


def choice_menu(label: str, values: Sequence, key: str, format_func: Callable[[object], str] = str, *,
                help: str = "", on_change: Callable[[], None] | None = None) -> object:
    """A select like ``st.selectbox(label, values, key=key, format_func=...)`` as the browser's own ``<select>``:
    the setting's value lives in ``st.session_state[key]`` (a plain key: the first of ``values`` when missing or not
    offered), the menu is the component ``menu_key(key)``. A choice reruns what a widget's change would (the part that
    holds it); ``on_change()`` runs after the value is written. Returns the value chosen."""
    import streamlit as st

    values = tuple(values)
    state = st.session_state
    if state.get(key) not in values:
        state[key] = values[0]
    state[_offer_key(key)] = values
    markup = choice_html(label, [(str(v), format_func(v)) for v in values], str(state[key]), help)
    action_menu(markup, menu_key(key), functools.partial(_chosen, key, on_change))
    return state[key]
