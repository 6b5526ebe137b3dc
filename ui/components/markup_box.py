"""Trusted markup (HTML, SVG or MathML built by Python) shown by a tiny components-v2 component.

Why a component and not ``st.markdown(..., unsafe_allow_html=True)`` or ``st.html`` (#14): Streamlit's Markdown
renderer parses the markup in JavaScript and builds a React element for every node on every rerun that changes
it, and ``st.html``'s sanitiser keeps HTML only (it drops SVG and MathML). Here the browser parses the string
natively (``innerHTML``) inside the component's own element, and only when it changed. No iframe, nothing from a
CDN, nothing sent back to Python. ``ui.components.svg_box`` (drawings) and ``ui.components.math_box``
(formulas) are the two boxes; each has its own name, box class and stylesheet, and the same script.

The markup must be trusted: built by Python with every text escaped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Callable

#: The box every markup component draws into, kept across reruns (a JS function, prepended to a component's
#: script): ``keptBox(parentElement, boxClass, onCreate)`` returns the one ``<div class=boxClass>`` of the
#: component's element, made (and handed to ``onCreate`` for its listeners) the first time; any other box is
#: dropped. parentElement may be a shadow root, where ``:scope`` does not exist. Used by the markup boxes
#: (math, SVG), the claim index and the sidebar's menu.
KEPT_BOX_JS = """function keptBox(parentElement, boxClass, onCreate) {
  let box = parentElement.__keptBox;
  if (!box || box.parentNode !== parentElement) {
    box = document.createElement("div");
    box.className = boxClass;
    parentElement.appendChild(box);
    parentElement.__keptBox = box;
    if (onCreate) onCreate(box);
  }
  for (const other of parentElement.querySelectorAll("." + boxClass)) if (other !== box) other.remove();
  return box;
}
"""

# BOX is replaced by the box's class name: one script, written once, for every box
_JS = KEPT_BOX_JS + """export default function (component) {
  const { parentElement, data } = component;
  const markup = typeof data === "string" ? data : "";
  if (parentElement.__markupBox === markup) return undefined;
  parentElement.__markupBox = markup;
  keptBox(parentElement, "BOX").innerHTML = markup;
  return undefined;
}
"""


def sent(state: Mapping, key: str, trigger: str) -> object:
    """What the component ``key`` last sent as its trigger value ``trigger`` (None when nothing, or no such
    mapping, is in ``state``, the session state). It is the browser's: the caller checks its type and value."""
    events = state.get(key)
    return events.get(trigger) if isinstance(events, Mapping) else None


def box_script(box_class: str) -> str:
    """The component's script for a box of class ``box_class`` (a plain CSS class name)."""
    if not box_class.replace("-", "").isalnum():
        raise ValueError(f"not a plain class name: {box_class!r}")
    return _JS.replace("BOX", box_class)


def markup_box(name: str, box_class: str, css: str) -> Callable[[str, str], None]:
    """``show(markup, key)`` for the component ``name`` (registered with Streamlit on its first use): shows the
    trusted ``markup`` in a ``<div class="<box_class>">`` styled by ``css``."""
    registered = []

    def show(markup: str, key: str) -> None:
        if not registered:
            import streamlit as st

            registered.append(st.components.v2.component(name, css=css, js=box_script(box_class)))
        registered[0](data=markup, key=key)

    return show
