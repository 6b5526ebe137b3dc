"""The chart-library hint (ui/components/preload.py) names the chunk Streamlit really imports."""

from pathlib import Path

import streamlit

from ui.components.preload import JS, plotly_chunk


def test_the_hint_names_the_chunk_streamlits_bundle_imports():
    chunk = plotly_chunk()
    assert chunk is not None and chunk.startswith("PlotlyChart.") and chunk.endswith(".js")
    js_dir = Path(streamlit.__file__).parent / "static" / "static" / "js"
    # Streamlit's main bundle imports the chart element lazily by this very file name (same URL: one download)
    importers = [p.name for p in js_dir.glob("index.*.js") if f"import(`./{chunk}`)" in p.read_text(errors="ignore")]
    assert importers, f"no bundle of the installed Streamlit imports ./{chunk}: the preload would fetch a file twice"


def test_the_hint_loads_nothing_from_elsewhere():
    # only the app's own static folder (works offline, no CDN), added once per document
    assert "http" not in JS.replace("own.src", "")
    assert "modulepreload" in JS and "data-cnn-preload" in JS
