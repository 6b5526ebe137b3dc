"""The padding & stride page in a real browser: both languages, a slider changes the figures, the kernel
animation steps in the browser, an impossible setting explains itself."""

from __future__ import annotations

import pytest

from ui.i18n import translate

from .conftest import assert_no_exception, screenshot, wait_for_app, wait_for_text

pytestmark = pytest.mark.e2e


def _chart(pg, index: int):
    chart = pg.locator('[data-testid="stPlotlyChart"]').nth(index)
    chart.locator(".main-svg").first.wait_for(timeout=15000)
    return chart


def _chart_text(pg, index: int) -> str:
    return _chart(pg, index).evaluate("el => el.textContent")


def _last_shape(pg, index: int) -> str:
    """The last layout shape (the animation's kernel window) as the browser currently draws it."""
    return _chart(pg, index).locator(".js-plotly-plot").evaluate(
        "el => JSON.stringify(el.layout.shapes[el.layout.shapes.length - 1])")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_padding_page_stride_slider_and_animation(server_url, new_page, lang):
    pg = new_page
    pg.goto(f"{server_url}/padding?lang={lang}")
    wait_for_app(pg)
    wait_for_text(pg, translate(lang, "padding.tab_all"))
    assert_no_exception(pg)
    assert translate(lang, "padding.title") in pg.locator("h1").first.inner_text()
    assert translate(lang, "padding.section_formula") in pg.inner_text("body")
    # the default view: one figure, the kernel at output cell o₁₁
    assert "o₁₁" in _chart_text(pg, 0)
    assert pg.locator('[data-testid="stPlotlyChart"]').count() == 1
    screenshot(pg, f"padding-{lang}-default")

    # the animation is a tab of its own
    pg.get_by_role("tab", name=translate(lang, "padding.tab_all")).click()
    wait_for_text(pg, translate(lang, "padding.fig_animation", count=9))
    wait_for_app(pg)
    assert_no_exception(pg)
    assert pg.locator('[data-testid="stPlotlyChart"]').count() == 1
    before = _chart_text(pg, 0)

    # the animation steps in the browser: press play, the kernel window moves without a rerun
    shape0 = _last_shape(pg, 0)
    _chart(pg, 0).get_by_text(translate(lang, "figure.play")).first.click()
    pg.wait_for_timeout(1600)
    assert _last_shape(pg, 0) != shape0

    thumb = pg.locator(".st-key-padding-s").get_by_role("slider")
    thumb.focus()
    thumb.press("ArrowLeft")  # stride 2 -> 1: a 5x5 output, 25 kernel positions
    pg.wait_for_timeout(600)
    wait_for_app(pg)
    wait_for_text(pg, translate(lang, "padding.fig_animation", count=25))
    assert_no_exception(pg)
    assert thumb.input_value() == "1"
    assert _chart_text(pg, 0) != before
    assert "s=1" in pg.url
    screenshot(pg, f"padding-{lang}-stride1")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_same_padding_and_an_impossible_link(server_url, new_page, lang):
    pg = new_page
    pg.goto(f"{server_url}/padding?lang={lang}&mode=same&h=6&w=7&k=4&s=3&d=2")
    wait_for_app(pg)
    wait_for_text(pg, translate(lang, "padding.tab_all"))
    pg.get_by_role("tab", name=translate(lang, "padding.step_padding")).click()  # where SAME's zeros come from
    wait_for_text(pg, translate(lang, "padding.same_caption")[:20])
    assert_no_exception(pg)
    _chart(pg, 0)  # wait until the footprint is drawn
    screenshot(pg, f"padding-{lang}-same")

    pg.goto(f"{server_url}/padding?lang={lang}&mode=valid&h=4&w=9&k=5&s=1")
    wait_for_app(pg)
    wait_for_text(pg, translate(lang, "padding.no_output"))
    assert_no_exception(pg)
    body = pg.inner_text("body")
    assert translate(lang, "padding.fig_padded_only") in _chart_text(pg, 0)
    assert pg.locator('[data-testid="stPlotlyChart"]').count() == 1
    # only the height fails: kernel 5 > 4 rows; the width (9) has room
    height_error = translate(lang, "errors.kernel_too_large", axis=translate(lang, "words.height"),
                             kernel=5, padded=4)
    assert height_error in body
    assert translate(lang, "errors.kernel_too_large", axis=translate(lang, "words.width"),
                     kernel=5, padded=9) not in body
    screenshot(pg, f"padding-{lang}-impossible")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_typed_output_row_beyond_the_output_and_the_link_keep_the_cell(server_url, new_page, lang):
    """#12 items 3 and 14: row 9 of a 3-row output is typed -> a message and row 3; the link keeps it."""
    pg = new_page
    pg.goto(f"{server_url}/padding?lang={lang}&oj=2")
    wait_for_app(pg)
    wait_for_text(pg, translate(lang, "padding.tab_all"))
    pg.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for(timeout=40000)  # a busy machine
    assert "o₁₂" in _chart_text(pg, 0)   # the link's output cell
    box = pg.locator(".st-key-padding-oi input")
    box.fill("9")
    box.press("Enter")
    wait_for_text(pg, translate(lang, "padding.cell_moved_row", typed=9, count=3))
    assert box.input_value() == "3"
    pg.wait_for_function("() => document.querySelector('[data-testid=\"stPlotlyChart\"]').textContent.includes('o₃₂')",
                         timeout=15000)
    pg.wait_for_url("**oi=3**", timeout=10000)
    assert_no_exception(pg)
    screenshot(pg, f"padding-{lang}-row9")


def test_phone_layout(server_url, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                  has_touch=True)
    pg = context.new_page()
    try:
        pg.goto(f"{server_url}/padding?lang=zh&mode=same&h=7&w=6&notes=1")   # the notes expander open by link
        wait_for_app(pg)
        wait_for_text(pg, translate("zh", "padding.tab_all"))
        wait_for_text(pg, "Python 2")   # a catalogue note inside the linked-open expander
        assert "default value" not in pg.inner_text("body")   # no Session State warning from Streamlit
        _chart(pg, 0)
        assert pg.evaluate("document.documentElement.scrollWidth") <= 390
        wide = pg.evaluate("""() => [...document.querySelectorAll('.katex-display')].filter(el =>
            el.getBoundingClientRect().right > el.parentElement.getBoundingClientRect().right + 1
            && getComputedStyle(el).overflowX !== 'auto').length""")
        assert wide == 0
        assert_no_exception(pg)
        screenshot(pg, "padding-zh-390px")
    finally:
        context.close()


def test_markdown_export_of_the_padding_page(server_url, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US", accept_downloads=True)
    pg = context.new_page()
    try:
        pg.goto(f"{server_url}/padding?lang=en&h=7&w=6&mode=same")
        wait_for_app(pg)
        wait_for_text(pg, translate("en", "owndata.export_title"))
        pg.get_by_text(translate("en", "owndata.export_title")).click()
        download = pg.get_by_role("button", name=translate("en", "owndata.download_md"))
        download.wait_for(timeout=20000)              # drawn by the rerun that opening the panel asks for
        with pg.expect_download() as info:
            download.click()
        text = open(info.value.path(), encoding="utf-8").read()
        # SAME on 7×6, k 3, s 2: O = ⌈7/2⌉ = 4 rows, ⌈6/2⌉ = 3 columns; the width's total padding 1 goes after
        assert "\\left\\lceil \\frac{7}{2} \\right\\rceil" in text and "&= 4" in text
        assert translate("en", "padding.result_size", oh=4, ow=3, ph=9, pw=7) in text
        assert "mode=same" in text and "h=7" in text    # the setup to reload
        assert_no_exception(pg)
    finally:
        context.close()
