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

from typing import Callable

# BOX is replaced by the box's class name: one script, written once, for every box
_JS = """export default function (component) {
  const { parentElement, data } = component;
  const markup = typeof data === "string" ? data : "";
  if (parentElement.__markupBox === markup) return undefined;
  parentElement.__markupBox = markup;
  // parentElement may be a shadow root (no :scope there): keep the box itself, drop any other
  let box = parentElement.__markupBoxEl;
  if (!box || box.parentNode !== parentElement) {
    box = document.createElement("div");
    box.className = "BOX";
    parentElement.appendChild(box);
    parentElement.__markupBoxEl = box;
  }
  for (const other of parentElement.querySelectorAll(".BOX")) if (other !== box) other.remove();
  box.innerHTML = markup;
  return undefined;
}
"""


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
