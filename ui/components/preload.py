"""Start loading the chart library while the page is still being computed (#14, first view).

Streamlit loads Plotly's JavaScript (one 4.7 MB chunk) only when the first chart element reaches the
browser, i.e. after the script has computed everything above that chart; on this machine fetching and
compiling the chunk takes 1-5 s, all of it on the first view's critical path. A tiny components-v2
element, sent by the frame before the page runs, adds ``<link rel="modulepreload">`` for the very
chunk Streamlit will import (same URL, same CORS mode), so the download and compilation overlap the
script's run. Nothing is fetched from anywhere but the app's own server; nothing is sent back.
"""

from __future__ import annotations

from pathlib import Path

NAME = "cnn_studio_preload"

# The element finds Streamlit's own script tag to build the chunk's URL (works under any base path),
# then adds the hint once per document.
JS = """
export default function (component) {
  const chunk = component.data && component.data.chunk;
  if (!chunk || document.querySelector('link[data-cnn-preload="' + chunk + '"]')) return;
  const own = document.querySelector('script[type="module"][src*="/static/js/"]');
  const base = own ? own.src.slice(0, own.src.lastIndexOf('/') + 1) : new URL('static/js/', document.baseURI).href;
  const link = document.createElement('link');
  link.rel = 'modulepreload';
  link.crossOrigin = '';
  link.href = base + chunk;
  link.dataset.cnnPreload = chunk;
  document.head.appendChild(link);
}
"""

_component = None


def plotly_chunk() -> str | None:
    """File name of the Plotly chart chunk in the installed Streamlit's static files (None if absent)."""
    import streamlit

    found = sorted((Path(streamlit.__file__).parent / "static" / "static" / "js").glob("PlotlyChart.*.js"))
    return found[0].name if found else None


def preload_charts() -> None:
    """Mount the hint (once per run of the frame; the browser adds it once per document)."""
    global _component
    chunk = plotly_chunk()
    if chunk is None:
        return
    if _component is None:
        import streamlit as st

        _component = st.components.v2.component(NAME, js=JS)
    _component(data={"chunk": chunk}, key=NAME)
