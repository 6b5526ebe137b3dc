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
                chart.scroll_into_view_if_needed()
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
        pg.get_by_text(translate(lang, "worked_examples.note_link")).first.wait_for()
        assert pg.locator('[data-testid="stMain"] [data-testid="stMarkdownContainer"] .katex').count() >= 1
        assert "_{" not in pg.locator('[data-testid="stMain"]').inner_text()
    finally:
        context.close()


# --------------------------------------------------------------------------- long sums on a phone (#12 item 16)
# Every display formula on screen that is wider than its box (it scrolls): [scroll width, box width, LaTeX].
SCROLLING_FORMULAS = """() => [...document.querySelectorAll('[data-testid="stMain"] .katex-display')]
  .filter((e) => e.getBoundingClientRect().width > 0 && e.scrollWidth > e.clientWidth + 2)
  .map((e) => [e.scrollWidth, e.clientWidth, (e.querySelector('annotation') || e).textContent])"""

K5 = ";".join(",".join(str((r + 2 * c) % 3 - 1) for c in range(5)) for r in range(5))
X6 = ";".join(",".join(str((3 * r + 5 * c) % 7 - 2) for c in range(6)) for r in range(6))
DENSE = ("&zprev=0.5,-1,2,0.25,1.5&W=0.2,-0.4,0.1,0.3,-0.2;0.5,0.1,-0.3,0.2,0.4;-0.1,0.3,0.2,-0.5,0.1;"
         "0.3,0.2,0.4,0.1,-0.3&b=0.1,-0.2,0.05,0&y=0,0,1,0&act=sigmoid")
# Non-default settings (stride 2, padding 2, 5×5 kernels, 3 channels, longer vectors) where a sum used to scroll.
PHONE_CASES = {
    "padding": "&h=7&w=6&k=5&s=2&p=2&step=output",
    "conv_multi": "&stride=2&padding=2" + "".join(f"&w{f}{c}={K5}" for f in (1, 2) for c in (1, 2, 3)),
    "transposed": "&tab=transposed&ts=2&tp=1",
    "transposed-dilation": "&tab=dilation&k=5&dd=2",
    "conv_backward": f"&stride=2&padding=2&x={X6}&w=1,0,-1;2,1,0;0,-1,1&tab=dw",
    "conv_backward-multi": "&example=multi&tab=dw",
    "dense": DENSE + "&loss=mse&tab=forward",
    "dense-ce": DENSE + "&loss=cross_entropy&tab=forward",
    "autodiff": "&x=-2.5&w=1.7&b=0.3&tab=chain",
    "training": "&seed=3&steps=20&lr=0.5&view=forward",
    "training-backward": "&seed=3&steps=20&lr=0.5&view=backward",
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("case", sorted(PHONE_CASES))
def test_long_sums_wrap_on_a_phone(browser, server_url, case, lang):
    """390×844 at non-default settings: a sum wider than the column is broken into aligned lines; only a
    matrix may scroll inside its own box."""
    page = case.split("-")[0]
    context, pg = _open(browser, page_url(server_url, page, lang, PHONE_CASES[case]), {"width": 390, "height": 844},
                        device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        assert_no_exception(pg)
        pg.evaluate("() => document.fonts.ready.then(() => true)")
        pg.locator('[data-testid="stMain"] .katex-display').first.wait_for()
        scrolling = [f for f in pg.evaluate(SCROLLING_FORMULAS) if "matrix" not in f[2]]
        assert not scrolling, scrolling
        screenshot(pg, f"phone-sums-{case}-{lang}")
    finally:
        context.close()
