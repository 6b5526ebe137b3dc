"""The pooling page in Chromium: both languages; output cells (forward) and input cells (backward) are
picked and stepped in the browser without a server round trip; a slider rebuilds the steppers; a link
that changes the output size opens without an error; phone and desktop layouts."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ui.i18n import translate

from .conftest import (TOO_WIDE, WATCH_RUNNING, after_run, assert_no_exception, open_tab, pick, screenshot, stepper_formula as formula,
                       wait_for_app, wait_for_text, watch_round_trips)

pytestmark = pytest.mark.e2e

PAGE = "pooling"
FORWARD = ".st-key-pooling-forward_stepper .cs"
BACKWARD = ".st-key-pooling-backward_stepper .cs"

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cells_are_stepped_in_the_browser_and_the_slider_rebuilds_them(server_url, new_page, lang):
    pg = new_page
    sent = watch_round_trips(pg)
    pg.goto(f"{server_url}/{PAGE}?lang={lang}")
    wait_for_app(pg)
    assert_no_exception(pg)
    assert translate(lang, "pooling.title") in pg.locator("h1").first.inner_text()
    pg.locator(FORWARD).wait_for(timeout=20000)
    assert formula(pg, FORWARD) == "y₁₁ = max(a₁₁, a₁₂, a₂₁, a₂₂) = max(9, 1, 4, 5) = 9"
    assert pg.locator(f"{FORWARD} .cs-formula math").count() > 0
    screenshot(pg, f"{PAGE}-{lang}-default")

    pg.evaluate(WATCH_RUNNING)
    before = len(sent)
    pick(pg, FORWARD, 1, 2).hover()                 # y₂₁ on the output grid
    expect(pg.locator(FORWARD)).to_have_attribute("data-cell", "2", timeout=5000)
    assert formula(pg, FORWARD) == "y₂₁ = max(a₃₁, a₃₂, a₄₁, a₄₂) = max(7, 9, 3, 1) = 9"
    pick(pg, FORWARD, 1, 2).click()
    stage = pg.locator(f"{FORWARD} .cs-stage")
    assert stage.evaluate("el => el.matches(':focus')")
    assert stage.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    stage.press("ArrowRight")
    assert formula(pg, FORWARD).startswith("y₂₂ = max(a₃₃, a₃₄, a₄₃, a₄₄)")
    stage.press("ArrowUp")
    assert formula(pg, FORWARD).startswith("y₁₂")
    assert len(sent) == before, sent[before:]
    assert pg.evaluate("window.__ran") is False

    # the backward section: input cells, the δ routed to them
    open_tab(pg, translate(lang, "pooling.tab_backward"))
    pg.locator(BACKWARD).wait_for(timeout=20000)
    pg.evaluate(WATCH_RUNNING)
    before = len(sent)
    pick(pg, BACKWARD, 0, 7).click()                # a₂₄ = 9 won y₁₂'s window: δ₁₂ = 8
    assert formula(pg, BACKWARD) == "(∂L)/(∂a₂₄) = δ₁₂ = 8"
    pg.locator(f"{BACKWARD} .cs-stage").press("ArrowLeft")
    assert formula(pg, BACKWARD) == "(∂L)/(∂a₂₃) = 0"
    assert len(sent) == before, sent[before:]
    assert pg.evaluate("window.__ran") is False
    screenshot(pg, f"{PAGE}-{lang}-backward")
    assert "tab=backward" in pg.url

    # a slider move is a rerun: stride 2 -> 1, overlapping windows, a 3×3 output, the steppers rebuilt
    thumb = pg.locator(".st-key-pooling-stride").get_by_role("slider")
    thumb.focus()
    after_run(pg, lambda: thumb.press("ArrowLeft"))
    wait_for_text(pg, translate(lang, "pooling.delta_label", rows=3, cols=3))
    assert_no_exception(pg)
    expect(pg.locator(f'{BACKWARD} figure[data-grid="1"] .cs-cell')).to_have_count(9, timeout=15000)
    pick(pg, BACKWARD, 0, 7).click()                # a₂₄ wins y₁₃ and y₂₃: δ₁₃ + δ₂₃ = 3 + 6
    assert formula(pg, BACKWARD) == "(∂L)/(∂a₂₄) = δ₁₃ + δ₂₃ = 3 + 6 = 9"
    assert "stride=1" in pg.url
    screenshot(pg, f"{PAGE}-{lang}-stride1-backward")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_link_with_a_larger_output_opens_without_an_error(server_url, new_page, lang):
    """#12 item 5: ?kernel=3&stride=1&padding=1 makes a 4×4 output; δ follows it."""
    pg = new_page
    pg.goto(f"{server_url}/{PAGE}?lang={lang}&kernel=3&stride=1&padding=1&tab=backward&activation=sigmoid")
    wait_for_app(pg)
    assert_no_exception(pg)
    pg.locator(BACKWARD).wait_for(timeout=20000)
    assert pg.locator('[data-testid="stAlert"]').filter(has_text="4×4").count() == 0
    assert translate(lang, "pooling.delta_reset", rows=4, cols=4) in pg.inner_text("body")
    assert formula(pg, BACKWARD).startswith("(∂L)/(∂a₁₁) = ")
    assert "δˡ⁻¹₁₁" in formula(pg, BACKWARD)
    assert pg.evaluate(TOO_WIDE) == []
    screenshot(pg, f"{PAGE}-{lang}-link-k3")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_phone_layout(server_url, browser, lang):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US", is_mobile=True,
                                  has_touch=True)
    pg = context.new_page()
    try:
        pg.goto(f"{server_url}/{PAGE}?lang={lang}&mode=avg&kernel=3&stride=1&padding=1")
        wait_for_app(pg)
        assert_no_exception(pg)
        pg.locator(FORWARD).wait_for(timeout=20000)
        assert pg.evaluate(TOO_WIDE) == []
        # the stepper scrolls inside its column rather than widening the page
        assert pg.evaluate("() => document.documentElement.scrollWidth") <= 392
        screenshot(pg, f"{PAGE}-{lang}-phone")
    finally:
        context.close()


def test_bad_link_values_show_warnings_not_exceptions(server_url, new_page):
    pg = new_page
    pg.goto(f"{server_url}/{PAGE}?lang=en&stride=abc&mode=%3Cb%3Ex%3C/b%3E&input=1,2;3")
    wait_for_app(pg)
    pg.locator(FORWARD).wait_for(timeout=20000)
    assert_no_exception(pg)
    alerts = pg.locator('[data-testid="stAlert"]').all_inner_texts()
    assert any("Stride" in a and "abc" in a for a in alerts)
    assert any("<b>x</b>" in a for a in alerts)  # shown as text, never as HTML
    assert pg.locator("b", has_text="x").count() == 0
