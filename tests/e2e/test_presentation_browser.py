"""Presentation mode (``?present=1``, #12 item 15) in a real browser, on the padding page at a projector's
1920x1080: the page's text a quarter larger and display formulas half larger (the frame's CSS), the charts'
text larger too (built in Python, no CSS zoom) with hovers that still work.

The two tests read the same two pages (without and with ``?present=1``), opened once per language by the
module's ``projector`` fixture: four page loads instead of eight.
"""

from __future__ import annotations

import pytest

from ui.i18n import translate

from .conftest import assert_no_exception, opened, screenshot, wait_for_frame_css
from .test_pages_in_browser import page_url

pytestmark = pytest.mark.e2e

PROJECTOR = {"width": 1920, "height": 1080}
NO_OUTPUT = "&mode=valid&h=4&w=4&k=5&s=1"

# The page's paragraph and display-formula font sizes and its column's width (px).
SIZES = """() => {
  const px = (e) => e ? parseFloat(getComputedStyle(e).fontSize) : null;
  const main = document.querySelector('[data-testid="stMain"]');
  return {text: px(main.querySelector('[data-testid="stMarkdownContainer"] p')),
          // a display formula: KaTeX's, or a math box's MathML (inside the component's shadow root)
          formula: px(main.querySelector('.katex-display .katex') || [...main.querySelectorAll('*')]
              .map((e) => e.shadowRoot && e.shadowRoot.querySelector('.math-box .math-line math')).find(Boolean)),
          column: main.querySelector('[data-testid="stMainBlockContainer"]').getBoundingClientRect().width};
}"""

# The largest font size of each kind of SVG text in the page's first Plotly chart (px).
CHART_FONTS = """() => {
  const chart = document.querySelector('[data-testid="stPlotlyChart"] .main-svg');
  const size = (sel) => Math.max(0, ...[...chart.parentElement.querySelectorAll(sel)]
      .map((e) => parseFloat(e.style.fontSize || getComputedStyle(e).fontSize)));
  return {ticks: size('.xtick text, .ytick text'), title: size('.gtitle'), cells: size('.textpoint text, .hm text, text.textpoint')};
}"""


@pytest.fixture(scope="module", params=["en", "zh"])
def projector(request, browser, server_url):
    """(lang, {"0": page, "1": page}): the padding page at 1920x1080 without and with ``?present=1``, in one
    language, shared by this module's tests (they only read and hover; the contexts close after them)."""
    lang = request.param
    # a link where the kernel fits nowhere: the padding page then draws its padded grid as a Plotly chart (with an
    # output, the grid is the browser-side cell stepper, no chart)
    with opened(browser, page_url(server_url, "padding", lang, NO_OUTPUT + "&present=0"), PROJECTOR) as normal, \
            opened(browser, page_url(server_url, "padding", lang, NO_OUTPUT + "&present=1"), PROJECTOR) as present:
        for pg in (normal, present):
            wait_for_frame_css(pg)
        yield lang, {"0": normal, "1": present}


def test_presentation_mode_enlarges_text_and_formulas(projector):
    """?present=1: text a quarter larger, display formulas a half; the sidebar's toggle shows it is on."""
    lang, pages = projector
    sizes = {}
    for present, pg in pages.items():
        assert_no_exception(pg)
        pg.locator('[data-testid="stMain"] .math-box .math-line math').first.wait_for()   # padding's formulas
        sizes[present] = pg.evaluate(SIZES)
    toggle = pages["1"].locator('[data-testid="stSidebar"] label').filter(
        has_text=translate(lang, "common.present")).locator("input")
    assert toggle.is_checked()
    screenshot(pages["1"], f"present-padding-{lang}")
    assert sizes["1"]["text"] >= 1.2 * sizes["0"]["text"]
    assert sizes["1"]["formula"] >= 1.4 * sizes["0"]["formula"]
    assert sizes["1"]["column"] >= sizes["0"]["column"] - 1  # the figures keep the whole width


def test_presentation_mode_enlarges_chart_text_and_keeps_hovers(projector):
    """?present=1: the padding page's chart draws its ticks and title larger, and hovering a cell still
    names that cell."""
    lang, pages = projector
    fonts = {}
    for present, pg in pages.items():
        assert_no_exception(pg)
        pg.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for()
        fonts[present] = pg.evaluate(CHART_FONTS)
    pg = pages["1"]
    chart = pg.locator('[data-testid="stPlotlyChart"] .nsewdrag').first
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    pg.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    pg.locator(".hoverlayer .hovertext").first.wait_for(timeout=10000)
    screenshot(pg, f"present-chart-padding-{lang}")
    assert fonts["1"]["ticks"] >= 1.3 * fonts["0"]["ticks"] > 0
    assert fonts["1"]["title"] >= 1.3 * fonts["0"]["title"] > 0
