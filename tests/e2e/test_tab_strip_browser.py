"""The pages' tab bars (``ui.page_kit.url_tabs``) in Chromium: one tab strip each (role="tab" buttons, not a Streamlit
tab bar, #14 round 13). A click shows its section and keeps it in the link, in both languages; the keyboard steps
along the strip (arrows, Home, End) with a visible focus; only the open section shows; a section drawn while closed
(transposed, training) shows again at the click, before any message from the server."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from ui.i18n import translate

from .conftest import ScriptRuns, assert_no_exception, open_app, screenshot

pytestmark = pytest.mark.e2e

POOL_FORWARD = ".st-key-pooling-forward_stepper .cs"
POOL_BACKWARD = ".st-key-pooling-backward_stepper .cs"


def _query(pg) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(pg.url).query).items()}


def _section_bar(pg, page: str, name: str):
    """The tab strip of the url_tabs bar ``<page>.<name>``."""
    return pg.locator(f'[data-testid="stMain"] .st-key-{page}-{name} [role="tablist"]')


def _shown_sections(pg, page: str, name: str) -> list[str]:
    """The classes of the bar's section containers the browser shows now (a closed one is hidden by the strip's
    style; one never drawn is not in the page)."""
    return pg.evaluate("""(prefix) => [...document.querySelectorAll(`[class*="${prefix}"]`)]
        .filter((el) => el.checkVisibility()).map((el) => [...el.classList].find((c) => c.startsWith(prefix)))""",
                       f"st-key-{page}-{name}-")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_click_shows_its_section_and_keeps_it_in_the_link(server_url, new_page, lang):
    pg = new_page
    open_app(pg, f"{server_url}/pooling?lang={lang}", POOL_FORWARD)
    runs = ScriptRuns.of(pg)
    bar = _section_bar(pg, "pooling", "section")
    assert pg.locator('[data-testid="stMain"] [data-testid="stTabs"]').count() == 0   # no Streamlit tab bar
    tabs = bar.get_by_role("tab")
    assert tabs.all_inner_texts() == [translate(lang, f"pooling.tab_{k}") for k in ("forward", "backward", "seed")]
    assert _shown_sections(pg, "pooling", "section") == ["st-key-pooling-section-forward"]
    runs.after(lambda: tabs.nth(1).click())
    pg.locator(POOL_BACKWARD).wait_for()
    expect(tabs.nth(1)).to_have_attribute("aria-selected", "true")
    expect(tabs.nth(0)).to_have_attribute("aria-selected", "false")
    assert _shown_sections(pg, "pooling", "section") == ["st-key-pooling-section-backward"]
    assert pg.locator(POOL_FORWARD).count() == 0                     # only the open section is drawn
    assert _query(pg)["tab"] == "backward"
    screenshot(pg, f"tabs-pooling-{lang}-backward")
    # a link opens that tab (a fresh session)
    open_app(pg, f"{server_url}/pooling?lang={lang}&tab=seed")
    expect(tabs.nth(2)).to_have_attribute("aria-selected", "true")
    assert _shown_sections(pg, "pooling", "section") == ["st-key-pooling-section-seed"]
    assert_no_exception(pg)


def test_the_keyboard_steps_along_the_strip_with_a_visible_focus(server_url, new_page):
    pg = new_page
    open_app(pg, f"{server_url}/pooling?lang=en", POOL_FORWARD)
    runs = ScriptRuns.of(pg)
    tabs = _section_bar(pg, "pooling", "section").get_by_role("tab")
    tabs.nth(0).focus()
    runs.after(lambda: pg.keyboard.press("ArrowRight"))
    expect(tabs.nth(1)).to_have_attribute("aria-selected", "true")
    expect(tabs.nth(1)).to_be_focused()
    pg.locator(POOL_BACKWARD).wait_for()
    # the focus ring shows (keyboard focus: :focus-visible)
    assert pg.evaluate("(el) => getComputedStyle(el).outlineStyle", tabs.nth(1).element_handle()) != "none"
    runs.after(lambda: pg.keyboard.press("End"))
    expect(tabs.nth(2)).to_have_attribute("aria-selected", "true")
    assert _query(pg)["tab"] == "seed"
    runs.after(lambda: pg.keyboard.press("ArrowRight"))              # past the end: round to the first
    expect(tabs.nth(0)).to_have_attribute("aria-selected", "true")
    runs.after(lambda: pg.keyboard.press("ArrowLeft"))               # before the first: round to the last
    expect(tabs.nth(2)).to_have_attribute("aria-selected", "true")
    runs.after(lambda: pg.keyboard.press("Home"))
    expect(tabs.nth(0)).to_have_attribute("aria-selected", "true")
    pg.locator(POOL_FORWARD).wait_for()
    # one tab in the Tab order (the open one): the arrows move inside the strip
    assert [tabs.nth(k).get_attribute("tabindex") for k in range(3)] == ["0", "-1", "-1"]
    assert_no_exception(pg)


# the click and the look in one task of the page: nothing from the server can have arrived in between
CLICK_AND_LOOK = """([tab, selector]) => {
  tab.click();
  const el = document.querySelector(selector);
  return el !== null && el.checkVisibility();
}"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_section_drawn_while_closed_shows_at_the_click_before_the_server_answers(server_url, new_page, lang):
    """transposed: a section opened before stays drawn (hidden) while closed; the click shows it in the same task
    (the strip rewrites its style), so the return needs no server round trip; the others are hidden then."""
    pg = new_page
    open_app(pg, f"{server_url}/transposed?lang={lang}")
    runs = ScriptRuns.of(pg)
    tabs = _section_bar(pg, "transposed", "tab_label").get_by_role("tab")
    dilation, signal = tabs.nth(3), tabs.nth(0)
    kernel = ".st-key-transposed-k"
    runs.after(lambda: dilation.click())
    pg.locator(kernel).wait_for()
    runs.after(lambda: signal.click())
    assert pg.locator(kernel).count() == 1 and not pg.locator(kernel).is_visible()   # closed, still in the page
    assert _shown_sections(pg, "transposed", "tab_label") == ["st-key-transposed-tab_label-signal"]
    runs.after(lambda: pg.evaluate(f"(args) => {{ window.__shownAtClick = ({CLICK_AND_LOOK})(args); }}",
                                   [dilation.element_handle(), kernel]))
    assert pg.evaluate("() => window.__shownAtClick") is True
    assert _shown_sections(pg, "transposed", "tab_label") == ["st-key-transposed-tab_label-dilation"]
    assert _query(pg)["tab"] == "dilation"                            # the link follows (a run of the link part)
    assert_no_exception(pg)


def test_trainings_backward_tab_shows_again_at_the_click(server_url, new_page):
    pg = new_page
    backward = ".st-key-training-bwd_stepper .cs"
    open_app(pg, f"{server_url}/training?lang=zh", ".st-key-training-stepper .cs")
    runs = ScriptRuns.of(pg)
    tabs = _section_bar(pg, "training", "tab").get_by_role("tab")
    runs.after(lambda: tabs.nth(1).click())
    pg.locator(backward).wait_for()
    runs.after(lambda: tabs.nth(0).click())
    assert not pg.locator(backward).is_visible()
    # the stepper's host (its drawing is in a shadow root, which document.querySelector does not enter)
    runs.after(lambda: pg.evaluate(f"(args) => {{ window.__shownAtClick = ({CLICK_AND_LOOK})(args); }}",
                                   [tabs.nth(1).element_handle(), ".st-key-training-bwd_stepper"]))
    assert pg.evaluate("() => window.__shownAtClick") is True
    assert _query(pg)["view"] == "backward"
    assert_no_exception(pg)


def test_the_code_panels_tabs_switch_in_the_browser_alone(server_url, new_page):
    """show_library_code: a local strip over both code blocks; a click shows NumPy's at once and sends nothing (no
    rerun: the browser's own switch, as st.tabs without on_change), and the choice survives a rerun of the page."""
    from .conftest import NEXT_FRAMES, watch_round_trips

    pg = new_page
    sent = watch_round_trips(pg)      # before the page opens its websocket
    open_app(pg, f"{server_url}/conv_single?lang=zh")
    runs = ScriptRuns.of(pg)
    runs.after(lambda: pg.locator('[data-testid="stExpander"] summary',
                                  has_text=translate("zh", "owndata.code_title")).click())
    torch_box, numpy_box = pg.locator(".st-key-conv_single-code_view-tabs-0"), pg.locator(
        ".st-key-conv_single-code_view-tabs-1")
    torch_box.locator('[data-testid="stCode"]').wait_for()
    assert torch_box.is_visible() and numpy_box.count() == 1 and not numpy_box.is_visible()
    tabs = pg.locator(".st-key-conv_single-code_view-tabs").get_by_role("tab")
    assert tabs.all_inner_texts() == [translate("zh", "owndata.code_tab_torch"), translate("zh", "owndata.code_tab_numpy")]
    sent.clear()
    tabs.nth(1).click()
    pg.evaluate(NEXT_FRAMES)
    assert numpy_box.is_visible() and not torch_box.is_visible()
    expect(tabs.nth(1)).to_have_attribute("aria-selected", "true")
    assert sent == []                                                    # nothing sent to the server
    # a rerun of the page (a slider move) sends the same strip: the browser keeps NumPy open
    runs.after(lambda: pg.get_by_role("slider").first.press("ArrowRight"))
    assert numpy_box.is_visible() and not torch_box.is_visible()
    assert_no_exception(pg)
