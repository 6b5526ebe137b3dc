"""A drawing (an SVG built and escaped by Python) shown by a tiny components-v2 component (``markup_box``).

Why not ``st.markdown(svg, unsafe_allow_html=True)``: Streamlit's Markdown renderer builds a React element for
every SVG node on every rerun that changes a number in it — the autodiff graph's ~150 nodes cost the browser more
than the rest of a point change (#14); ``st.html`` drops SVG. Hover titles (SVG ``<title>``) work as before.

The markup must be trusted: built by Python with every text escaped (``ui.autodiff_graph`` does).
"""

from __future__ import annotations

from ui.components.markup_box import markup_box

NAME = "cnn_studio_svg_box"
CSS = ".svg-box { width: 100%; font-family: inherit; }"
_show = markup_box(NAME, "svg-box", CSS)


def svg_box(markup: str, key: str) -> None:
    """Show ``markup`` (trusted HTML/SVG built by Python) in the component keyed ``key``."""
    _show(markup, key)
