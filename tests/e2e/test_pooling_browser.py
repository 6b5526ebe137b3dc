"""The pooling page in a real browser: loads in both languages, a slider changes the figures."""

from __future__ import annotations

import pytest

from ui.i18n import translate

from .conftest import assert_no_exception, open_tab, screenshot, wait_for_app, wait_for_text

pytestmark = pytest.mark.e2e


def _chart_text(pg, title: str) -> str:
    """The SVG text (cell values, axis labels) of the Plotly chart titled ``title``, once it is drawn."""
    chart = pg.locator('[data-testid="stPlotlyChart"]').filter(has_text=title).first
    chart.locator(".main-svg").first.wait_for(timeout=20000)
    return chart.evaluate("el => el.textContent")


def _open_tab(pg, lang: str, which: str) -> None:
    """Click a tab of the page (only the open tab is drawn) and wait for the rerun."""
    open_tab(pg, translate(lang, f"pooling.tab_{which}"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pooling_page_and_stride_slider(server_url, new_page, lang):
    pg = new_page
    pg.goto(f"{server_url}/pooling?lang={lang}")
    wait_for_app(pg)
    output_title = translate(lang, "pooling.fig_output_max")
    wait_for_text(pg, output_title)
    assert_no_exception(pg)
    assert translate(lang, "pooling.title") in pg.locator("h1").first.inner_text()
    # the output heatmap: seed 001's maxima 9, 9, 9, 9 for the default
    before = _chart_text(pg, output_title)
    assert before.startswith("9999")
    # the default view draws the forward pass only: the animated windows and the output
    assert pg.locator('[data-testid="stPlotlyChart"]').count() == 2
    screenshot(pg, f"pooling-{lang}-default")
    _open_tab(pg, lang, "seed")
    wait_for_text(pg, translate(lang, "pooling.seed_matches"))
    assert translate(lang, "pooling.seed_matches") in pg.inner_text("body")
    _open_tab(pg, lang, "forward")
    _chart_text(pg, output_title)

    # Streamlit 1.67 draws the thumb as an <input type="range"> (implicit role "slider")
    thumb = pg.locator(".st-key-pooling-stride").get_by_role("slider")
    thumb.focus()
    thumb.press("ArrowLeft")  # stride 2 -> 1: overlapping windows, a 3x3 output
    pg.wait_for_timeout(600)
    wait_for_app(pg)
    wait_for_text(pg, translate(lang, "pooling.delta_label", rows=3, cols=3))
    assert_no_exception(pg)
    assert thumb.input_value() == "1"
    after = _chart_text(pg, output_title)
    assert after != before and after.startswith("969999999")   # 3x3 output: max(1, 2, 5, 6) = 6 in y12
    screenshot(pg, f"pooling-{lang}-stride1")
    _open_tab(pg, lang, "backward")
    _chart_text(pg, translate(lang, "pooling.fig_upsample_max"))
    body = pg.inner_text("body")
    assert translate(lang, "pooling.delta_label", rows=3, cols=3) in body
    assert "+=" in body  # the note on seed 003's overwriting backward code
    assert "stride=1" in pg.url
    screenshot(pg, f"pooling-{lang}-stride1-backward")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_average_pooling_with_sigmoid_from_a_link(server_url, new_page, lang):
    pg = new_page
    pg.goto(f"{server_url}/pooling?lang={lang}&mode=avg&kernel=3&stride=2&padding=1&activation=sigmoid")
    wait_for_app(pg)
    assert_no_exception(pg)
    wait_for_text(pg, translate(lang, "pooling.fig_output_avg"))
    _open_tab(pg, lang, "backward")
    # the σ' step sits in an expander of the backward tab, drawn when opened
    pg.get_by_text(translate(lang, "pooling.sigma_title")).first.click()
    pg.wait_for_timeout(400)
    wait_for_app(pg)
    assert translate(lang, "figure.col") in _chart_text(pg, translate(lang, "pooling.fig_delta_prev"))
    assert pg.locator('[data-testid="stAlert"]').filter(has_text="link").count() == 0
    screenshot(pg, f"pooling-{lang}-avg-sigmoid")


def test_bad_link_values_show_warnings_not_exceptions(server_url, new_page):
    pg = new_page
    pg.goto(f"{server_url}/pooling?lang=en&stride=abc&mode=%3Cb%3Ex%3C/b%3E&input=1,2;3")
    wait_for_app(pg)
    wait_for_text(pg, translate("en", "pooling.fig_output_max"))
    assert_no_exception(pg)
    alerts = pg.locator('[data-testid="stAlert"]').all_inner_texts()
    assert any("Stride" in a and "abc" in a for a in alerts)
    assert any("<b>x</b>" in a for a in alerts)  # shown as text, never as HTML
    assert pg.locator("b", has_text="x").count() == 0
    screenshot(pg, "pooling-en-bad-link")
