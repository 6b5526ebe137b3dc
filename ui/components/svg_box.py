"""A drawing (an SVG built and escaped by Python) shown by a tiny components-v2 component.

Why not ``st.markdown(svg, unsafe_allow_html=True)``: Streamlit's Markdown renderer parses the markup in
JavaScript (rehype-raw) and builds a React element for every SVG node, on every rerun that changes a number
in it — the autodiff graph's ~150 nodes cost the browser more than the rest of a point change (#14). And
``st.html``'s sanitiser keeps HTML only (it drops SVG). Here the browser parses the string natively
(``innerHTML``) inside the component's own element, and only when it changed. Hover titles (SVG
``<title>``) work as before. No iframe, nothing from a CDN, nothing sent back to Python.

The markup must be trusted: built by Python with every text escaped (``ui.autodiff_graph`` does).
"""

from __future__ import annotations

NAME = "cnn_studio_svg_box"
JS = """export default function (component) {
  const { parentElement, data } = component;
  const markup = typeof data === "string" ? data : "";
  if (parentElement.__svgBox === markup) return undefined;
  parentElement.__svgBox = markup;
  // parentElement may be a shadow root (no :scope there): keep the box itself, drop any other
  let box = parentElement.__svgBoxEl;
  if (!box || box.parentNode !== parentElement) {
    box = document.createElement("div");
    box.className = "svg-box";
    parentElement.appendChild(box);
    parentElement.__svgBoxEl = box;
  }
  for (const other of parentElement.querySelectorAll(".svg-box")) if (other !== box) other.remove();
  box.innerHTML = markup;
  return undefined;
}
"""
CSS = ".svg-box { width: 100%; font-family: inherit; }"
_component = None


def svg_box(markup: str, key: str) -> None:
    """Show ``markup`` (trusted HTML/SVG built by Python) in the component keyed ``key``."""
    global _component
    if _component is None:
        import streamlit as st

        _component = st.components.v2.component(NAME, css=CSS, js=JS)
    _component(data=markup, key=key)
