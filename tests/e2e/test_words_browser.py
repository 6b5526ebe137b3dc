"""What #12 left outside the cell stepper, in a real browser: chart text in presentation mode, the claims
catalogue's formulas rendered by KaTeX, and long sums that wrap on a phone instead of scrolling."""

from __future__ import annotations

import pytest

from ui.i18n import translate

from .conftest import assert_no_exception, screenshot, wait_for_app
from .test_pages_in_browser import page_url

pytestmark = pytest.mark.e2e

# The largest font size of each kind of SVG text in the page's first Plotly chart (px).
CHART_FONTS = """() => {
  const chart = document.querySelector('[data-testid="stPlotlyChart"] .main-svg');
  const size = (sel) => Math.max(0, ...[...chart.parentElement.querySelectorAll(sel)]
      .map((e) => parseFloat(e.style.fontSize || getComputedStyle(e).fontSize)));
  return {ticks: size('.xtick text, .ytick text'), title: size('.gtitle'), cells: size('.textpoint text, .hm text, text.textpoint')};
}"""


def _open(browser, url: str, viewport: dict, **options):
    context = browser.new_context(viewport=viewport, locale="en-US", **options)
    pg = context.new_page()
    pg.goto(url)
    wait_for_app(pg)
    return context, pg


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_presentation_mode_enlarges_chart_text_and_keeps_hovers(browser, server_url, lang):
    """?present=1: the padding page's chart draws its ticks and title larger (built in Python, no CSS zoom),
    and hovering a cell still names that cell."""
    projector = {"width": 1920, "height": 1080}
    fonts = {}
    for present in ("0", "1"):
        context, pg = _open(browser, page_url(server_url, "padding", lang, f"&present={present}"), projector)
        try:
            assert_no_exception(pg)
            pg.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for()
            fonts[present] = pg.evaluate(CHART_FONTS)
            if present == "1":
                chart = pg.locator('[data-testid="stPlotlyChart"] .nsewdrag').first
                box = chart.bounding_box()
                pg.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
                pg.locator(".hoverlayer .hovertext").first.wait_for(timeout=10000)
                screenshot(pg, f"present-chart-padding-{lang}")
        finally:
            context.close()
    assert fonts["1"]["ticks"] >= 1.3 * fonts["0"]["ticks"] > 0
    assert fonts["1"]["title"] >= 1.3 * fonts["0"]["title"] > 0


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_claim_formulas_are_typeset(browser, server_url, lang):
    """The catalogue's titles (e.g. "∂E/∂w = Σ δᵢⱼ o_{i+m', j+n'}") are typeset by KaTeX on the Worked examples
    list and in a topic page's note; no raw "_{" is left and KaTeX reports no error."""
    context, pg = _open(browser, page_url(server_url, "worked_examples", lang), {"width": 1400, "height": 900})
    try:
        assert_no_exception(pg)
        summaries = pg.locator('[data-testid="stMain"] [data-testid="stExpander"] summary')
        summaries.first.wait_for()
        assert pg.locator('[data-testid="stMain"] [data-testid="stExpander"] summary .katex').count() >= 20
        text = pg.locator('[data-testid="stMain"]').inner_text()
        assert "_{" not in text and "^[" not in text
        assert pg.locator(".katex-error").count() == 0
        screenshot(pg, f"claims-math-{lang}")
    finally:
        context.close()
    # a topic page's note: the 1-D convolution's text example with the sigmoid's note (dense, MSE)
    context, pg = _open(browser, page_url(server_url, "dense", lang, "&loss=mse&act=sigmoid&tab=seeds"),
                        {"width": 1400, "height": 900})
    try:
        assert_no_exception(pg)
        note = pg.locator('[data-testid="stMain"] [data-testid="stVerticalBlockBorderWrapper"]').filter(
            has_text=translate(lang, "worked_examples.note_link"))
        note.first.wait_for()
        assert pg.locator('[data-testid="stMain"] [data-testid="stMarkdownContainer"] .katex').count() >= 1
        assert "_{" not in pg.locator('[data-testid="stMain"]').inner_text()
    finally:
        context.close()
