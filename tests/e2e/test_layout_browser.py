"""Layout in a real browser (#12 items 8, 13, 16): every page on a phone, wide formulas that scroll
instead of being cut, and Streamlit's own English words hidden in Chinese (presentation mode, item 15:
tests/e2e/test_presentation_browser.py).

The frame's stylesheet (``ui.frame.global_css``) is checked twice: on a small script with a formula and
a chart far wider than any column (deterministic, whatever the pages show today), and on every page of
the app at 390x844 (the 1280x900 pass is tests/e2e/test_pages_in_browser.py).
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from ui.i18n import translate

from .conftest import (PHONE, ROOT, assert_no_exception, formula_problems, horizontal_overflow, opened, screenshot,
                       streamlit_server, wait_for_frame_css)
from .test_pages_in_browser import PAGE_KEYS, page_url

pytestmark = pytest.mark.e2e

DEMO = '''
import sys
sys.path.insert(0, {root!r})
import numpy as np
import plotly.graph_objects as go
import streamlit as st

from ui.frame import global_css

st.set_page_config(layout="wide")
lang = st.query_params.get("lang", "en")
st.html(global_css(lang, st.query_params.get("present") == "1"))
st.header("Layout")
wide = " + ".join(f"x_{{{{{{i}}}}}} w_{{{{{{i}}}}}}" for i in range(1, 61))
st.latex("S = " + wide + " = 1")
left, right = st.columns(2)
with left:
    st.latex("T = " + wide)
with right:
    st.latex("y = x")
st.plotly_chart(go.Figure(go.Heatmap(z=np.arange(64.0).reshape(8, 8))).update_layout(width=700, height=300),
                width="content", key="fig")
st.dataframe({{"a": [1, 2], "b": [3, 4]}}, hide_index=True, key="table")
st.file_uploader("file", type=["png"], key="upload")
'''


@pytest.fixture(scope="module")
def layout_url(tmp_path_factory):
    script = tmp_path_factory.mktemp("layout") / "layout_demo.py"
    script.write_text(DEMO.format(root=str(ROOT)), encoding="utf-8")
    with streamlit_server(script, "layout_server.log") as url:
        yield url


@contextmanager
def _open(browser, url: str, viewport: dict, **options):
    """conftest.opened, and the frame's stylesheet applied (a layout measured before it is Streamlit's own)."""
    with opened(browser, url, viewport, **options) as pg:
        wait_for_frame_css(pg)
        yield pg


WIDE = """() => [...document.querySelectorAll('.katex-display')].map((e) => {
  const s = getComputedStyle(e);
  return {client: e.clientWidth, scroll: e.scrollWidth, overflow: s.overflowX, bar: s.scrollbarColor,
          right: e.getBoundingClientRect().right,
          column: e.closest('[data-testid="stColumn"], [data-testid="stMainBlockContainer"]').getBoundingClientRect().right};
})"""


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, PHONE], ids=["1280", "phone"])
def test_a_formula_wider_than_its_column_scrolls_inside_it(browser, layout_url, viewport):
    with _open(browser, f"{layout_url}/?lang=en", viewport) as pg:
        assert formula_problems(pg) == []
        displays = pg.evaluate(WIDE)
        assert len(displays) == 3
        for wide in displays[:2]:  # 60 terms: far wider than the page, inside the page and inside a column
            assert wide["scroll"] > 2 * wide["client"]
            assert wide["overflow"] == "auto" and wide["right"] <= wide["column"] + 1
            assert not wide["bar"].startswith("rgba(0, 0, 0, 0)")  # the bar shows without hovering
        narrow = displays[2]  # y = x: no bar for KaTeX's sub-pixel overhang
        assert narrow["scroll"] <= narrow["client"]
        # the end of the sum can be reached: scroll the box to its end
        end = pg.locator(".katex-display").first.evaluate("(e) => { e.scrollLeft = e.scrollWidth; return e.scrollLeft; }")
        assert end > 0
        assert horizontal_overflow(pg) == 0  # a 700 px chart scrolls in its own box on the phone


def test_chinese_hides_streamlits_english_words(browser, layout_url):
    with _open(browser, f"{layout_url}/?lang=zh", {"width": 1280, "height": 900}) as pg:
        table = pg.locator('[data-testid="stDataFrame"]').first
        table.hover()
        toolbar = pg.locator('[data-testid="stElementToolbar"]:visible')
        assert toolbar.count() == 0
        dropzone = pg.locator('[data-testid="stFileUploaderDropzone"]')
        shown = dropzone.evaluate("""(z) => {
          const label = z.querySelector('button span[data-has-shortcut]');
          const after = (e) => getComputedStyle(e, '::after').content;
          return {button: after(label), drop: after(z.querySelector('[data-testid="stFileUploaderDropzoneInstructions"] > div')),
                  visibleText: z.innerText};
        }""")
        assert translate("zh", "common.upload_button") in shown["button"]
        assert translate("zh", "common.upload_drop") in shown["drop"]
        assert "Upload" not in shown["visibleText"] and "per file" not in shown["visibleText"]
        # while a file is dragged over it, Streamlit writes "Drag and drop a file here": ours instead
        files = pg.evaluate_handle("() => { const d = new DataTransfer();"
                                   " d.items.add(new File(['x'], 'a.png', {type: 'image/png'})); return d; }")
        dropzone.dispatch_event("dragenter", {"dataTransfer": files})
        overlay = dropzone.locator(":scope > div:not([data-testid]) > span")
        overlay.wait_for()
        assert overlay.evaluate("(e) => getComputedStyle(e).fontSize") == "0px"
        assert translate("zh", "common.upload_drop_here") in overlay.evaluate(
            "(e) => getComputedStyle(e, '::after').content")
        # Plotly's PNG button: its tooltip (CSS content from the button's data-title) in Chinese
        pg.locator('[data-testid="stPlotlyChart"]').first.hover()
        png = pg.locator('.modebar-btn[data-title^="Download plot"]').first
        png.wait_for()
        assert translate("zh", "common.chart_png") in png.evaluate("(e) => getComputedStyle(e, '::after').content")
        screenshot(pg, "layout_demo-zh")
    # English keeps Streamlit's own controls (they are in the reader's language)
    with _open(browser, f"{layout_url}/?lang=en", {"width": 1280, "height": 900}) as pg:
        pg.locator('[data-testid="stDataFrame"]').first.hover()
        pg.get_by_role("button", name="Download as CSV").wait_for()
        assert "per file" in pg.locator('[data-testid="stFileUploaderDropzone"]').inner_text()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("key", PAGE_KEYS)
def test_page_on_a_phone(browser, server_url, key, lang):
    """390x844: the page opens, no formula is cut, nothing makes the page scroll sideways; a screenshot."""
    with _open(browser, page_url(server_url, key, lang), PHONE, device_scale_factor=2, is_mobile=True,
               has_touch=True) as pg:
        assert_no_exception(pg)
        assert formula_problems(pg) == []
        assert horizontal_overflow(pg) == 0
        screenshot(pg, f"phone-{key}-{lang}")
