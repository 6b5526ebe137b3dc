"""A row of tabs that picks which of several matrices is drawn below it, as plain buttons in a tiny component (#14).

Why not ``st.tabs``: a Streamlit tab bar is ~110 React components that every whole-page pass re-renders (react-aria's
collection; docs/ARCHITECTURE.md, "What a control costs the browser"), although the page draws only the open tab's
content (``ui.multi_editors``: one editor per column). Here the strip is one components-v2 element (~20 components),
rebuilt only when its markup changed: conv_multi's two editor tab bars were ~220 of the ~1,150 components every pass
of that page re-rendered (round 12, ``react_passes.py``).

In the browser: the buttons are a ``role="tablist"`` of ``role="tab"`` buttons (``aria-selected`` on the open one:
screen readers, tests and the benchmarks read them as tabs). A click (or the arrow keys, Home, End) marks the tab open
at once and sends its position as the trigger value ``pick``; the page draws that tab's content in the run it starts.
The value is the browser's: :func:`picked` returns it only when it is a position the strip offered.

The markup must be trusted: :func:`strip_html` escapes every label.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Callable

from ui.components.markup_box import KEPT_BOX_JS, sent

NAME = "cnn_studio_tab_strip"
# Streamlit's tab look (light theme: config.toml), so the strip sits where its tab bar was, unnoticed
CSS = """
.tab-strip [role="tablist"] { display: flex; flex-wrap: wrap; gap: 0 1rem; border-bottom: 2px solid rgb(240, 242, 246);
  margin-bottom: 1rem; }
.tab-strip button { font: inherit; font-size: 0.875rem; color: rgb(49, 51, 63); background: none; border: none;
  border-bottom: 2px solid transparent; margin-bottom: -2px; padding: 0.5rem 0; height: 2.5rem; cursor: pointer;
  white-space: nowrap; }
.tab-strip button:hover { color: #ff4b4b; }
.tab-strip button[aria-selected="true"] { color: #ff4b4b; border-bottom-color: #ff4b4b; }
.tab-strip button:focus-visible { outline: 1px solid #ff4b4b; outline-offset: 2px; }
"""
JS = KEPT_BOX_JS + """export default function (component) {
  const { parentElement, data, setTriggerValue } = component;
  parentElement.__tabStripSend = setTriggerValue;
  const markup = typeof data === "string" ? data : "";
  if (parentElement.__tabStrip === markup) return undefined;
  parentElement.__tabStrip = markup;
  const box = keptBox(parentElement, "tab-strip", (box) => {
    const open = (tab) => {
      if (!tab || tab.getAttribute("aria-selected") === "true") return;
      for (const other of box.querySelectorAll('[role="tab"]')) {
        other.setAttribute("aria-selected", other === tab ? "true" : "false");
        other.tabIndex = other === tab ? 0 : -1;
      }
      tab.focus();
      parentElement.__tabStripSend("pick", Number(tab.dataset.index));
    };
    box.addEventListener("click", (event) => open(event.target.closest('[role="tab"]')));
    box.addEventListener("keydown", (event) => {
      const tabs = [...box.querySelectorAll('[role="tab"]')];
      const at = tabs.indexOf(event.target.closest('[role="tab"]'));
      if (at < 0) return;
      const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (to === undefined) return;
      event.preventDefault();
      open(tabs[(to + tabs.length) % tabs.length]);
    });
  });
  const root = box.getRootNode();
  const focused = root.activeElement && box.contains(root.activeElement);
  box.innerHTML = markup;
  if (focused) { const tab = box.querySelector('[aria-selected="true"]'); if (tab) tab.focus(); }
  return undefined;
}
"""
_component = None


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def strip_html(labels: Sequence[str], open_index: int, name: str = "") -> str:
    """A ``role="tablist"`` (named ``name``) of one button per label, the one at ``open_index`` selected. The same
    arguments give the same markup, so an unchanged strip is not rebuilt."""
    tabs = "".join(f'<button type="button" role="tab" data-index="{k}" aria-selected="{str(k == open_index).lower()}"'
                   f' tabindex="{0 if k == open_index else -1}">{_e(label)}</button>'
                   for k, label in enumerate(labels))
    named = f' aria-label="{_e(name)}"' if name else ""
    return f'<div role="tablist"{named}>{tabs}</div>'


def tab_strip(markup: str, key: str, on_pick: Callable[[], None]) -> None:
    """Mount the strip (``markup`` from :func:`strip_html`) under ``key``; ``on_pick()`` runs (a callback, before the
    rerun of the part that holds the strip) after a tab is chosen: :func:`picked` reads which."""
    global _component
    import streamlit as st

    if _component is None:
        # in the page's own DOM, not a shadow root: the tabs are found as the page's other tab bars are (the benchmarks'
        # document.querySelectorAll, screen readers' tab order); every rule of CSS is scoped to .tab-strip
        _component = st.components.v2.component(NAME, css=CSS, js=JS, isolate_styles=False)
    _component(data=markup, key=key, on_pick_change=on_pick)


def picked(state: Mapping, key: str, count: int) -> int | None:
    """The position the strip ``key`` sent with its last choice, when it is one of its ``count`` tabs (else None)."""
    value = sent(state, key, "pick")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        return None
    return int(value) if 0 <= int(value) < count else None
