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

A strip can also switch whole sections of the page (``ui.page_kit.url_tabs``, #14 round 13): each tab names the CSS
class of its section's keyed container (:func:`box_class`), and the markup starts with a ``<style>`` that hides the
closed sections' containers (the strip lives in the page's own DOM, so the rule reaches them). A click rewrites that
rule in the browser with ``aria-selected``, so a section drawn while closed shows at once, with no server round trip
(as ``st.tabs`` did), and then sends the pick.

The markup must be trusted: :func:`strip_html` escapes every label; a section's class is checked to be a plain one.
"""

from __future__ import annotations

import html
import re
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
/* a page's section strip (url_tabs): the page's own gap between elements is the space below, as under st.tabs */
.tab-strip style[data-hides] + [role="tablist"] { margin-bottom: 0; }
"""
JS = KEPT_BOX_JS + """function hideRule(boxes) {
  const hidden = boxes.flatMap((b) => ["." + b, '[data-testid="stLayoutWrapper"]:has(> .' + b + ")"]);
  return hidden.length ? hidden.join(", ") + " { display: none !important; }" : "";
}
export default function (component) {
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
      const rule = box.querySelector("style[data-hides]");
      if (rule) {
        const closed = [...box.querySelectorAll('[role="tab"][data-box]')].filter((t) => t !== tab);
        rule.textContent = hideRule(closed.map((t) => t.dataset.box));
      }
      tab.focus();
      // a local strip (both sections drawn, nothing kept by the server) switches in the browser alone
      if (box.querySelector('[role="tablist"][data-local]')) return;
      // the DOM now differs from the markup last drawn: whatever the server draws next is drawn (a refused pick too)
      parentElement.__tabStrip = null;
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


_PLAIN_CLASS = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def box_class(key: str) -> str:
    """The CSS class Streamlit gives the element drawn with ``key`` (e.g. ``st.container(key=...)``): ``st-key-``
    and the key with every character but ASCII letters, digits, ``_`` and ``-`` replaced by ``-`` (Streamlit 1.67's
    frontend: ``"st-key-" + key.trim().replaceAll(/[^a-zA-Z0-9_-]/g, "-")``)."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def hide_rule(boxes: Sequence[str]) -> str:
    """The CSS rule that hides the elements of classes ``boxes`` (plain class names) and the layout wrapper
    Streamlit puts around each (else an empty wrapper keeps its gap in the page's column). The strip's script writes
    the same rule after a click (``hideRule``)."""
    for box in boxes:
        if not _PLAIN_CLASS.fullmatch(box):
            raise ValueError(f"not a plain class name: {box!r}")
    hidden = [rule for box in boxes for rule in (f".{box}", f'[data-testid="stLayoutWrapper"]:has(> .{box})')]
    return ", ".join(hidden) + " { display: none !important; }" if hidden else ""


def strip_html(labels: Sequence[str], open_index: int, name: str = "", boxes: Sequence[str] = (),
               local: bool = False) -> str:
    """A ``role="tablist"`` (named ``name``) of one button per label, the one at ``open_index`` selected. The same
    arguments give the same markup, so an unchanged strip is not rebuilt.

    ``boxes``: when given, one CSS class per tab (:func:`box_class` of its section's container): each tab carries it
    (``data-box``) and a ``<style data-hides>`` before the list hides the closed tabs' classes.

    ``local``: the strip only switches in the browser and sends nothing (``data-local``: every section is drawn, the
    server keeps no open tab, as an ``st.tabs`` without ``on_change``). The browser keeps its choice across reruns
    that send the same markup."""
    if boxes and len(boxes) != len(labels):
        raise ValueError(f"{len(labels)} tabs, {len(boxes)} boxes")
    rule = (f'<style data-hides>{hide_rule([b for k, b in enumerate(boxes) if k != open_index])}</style>'
            if boxes else "")
    marks = [f' data-box="{box}"' for box in boxes] or [""] * len(labels)
    tabs = "".join(f'<button type="button" role="tab" data-index="{k}"{marks[k]}'
                   f' aria-selected="{str(k == open_index).lower()}" tabindex="{0 if k == open_index else -1}">'
                   f'{_e(label)}</button>' for k, label in enumerate(labels))
    named = f' aria-label="{_e(name)}"' if name else ""
    return f'{rule}<div role="tablist"{named}{" data-local" if local else ""}>{tabs}</div>'


def tab_strip(markup: str, key: str, on_pick: Callable[[], None] | None = None) -> None:
    """Mount the strip (``markup`` from :func:`strip_html`) under ``key``; ``on_pick()`` runs (a callback, before the
    rerun of the part that holds the strip) after a tab is chosen: :func:`picked` reads which. A local strip
    (``strip_html(..., local=True)``) sends nothing: no ``on_pick``."""
    global _component
    import streamlit as st

    if _component is None:
        # in the page's own DOM, not a shadow root: the tabs are found as the page's other tab bars are (the benchmarks'
        # document.querySelectorAll, screen readers' tab order); every rule of CSS is scoped to .tab-strip
        _component = st.components.v2.component(NAME, css=CSS, js=JS, isolate_styles=False)
    if on_pick is None:
        _component(data=markup, key=key)
    else:
        _component(data=markup, key=key, on_pick_change=on_pick)


def local_tabs(key: str, labels: Sequence[str]) -> list:
    """Tabs the browser switches alone, as ``st.tabs(labels)`` without ``on_change``: a local strip (component key
    ``key``) and one container per tab (key ``<key>.<k>``, k = 0, 1, ...; draw every tab's content into its own),
    the first open. A click shows its tab and sends nothing; the browser keeps its choice while the labels stay."""
    import streamlit as st

    keys = [f"{key}.{k}" for k in range(len(labels))]
    tab_strip(strip_html(labels, 0, "", [box_class(k) for k in keys], local=True), key)
    return [st.container(key=k) for k in keys]


def picked(state: Mapping, key: str, count: int) -> int | None:
    """The position the strip ``key`` sent with its last choice, when it is one of its ``count`` tabs (else None)."""
    value = sent(state, key, "pick")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        return None
    return int(value) if 0 <= int(value) < count else None
