"""The sidebar's one component (ui/components/sidebar_menu.py) in a real browser: a page link opens its page in
one script run and keeps the settings in the URL; the settings change the app; keyboard use keeps the focus; the
Notation panel stays open across a rerun; on a phone the menu closes after a page is chosen."""

from __future__ import annotations

import pytest

from ui.i18n import translate

from .conftest import SIDEBAR_NAV, ScriptRuns, assert_no_exception, forward_msgs, open_app, screenshot, wait_for_app

pytestmark = pytest.mark.e2e

MENU = '[data-testid="stSidebar"] .sidebar-menu'


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_page_link_opens_its_page_in_one_run(server_url, new_page, lang):
    pg = new_page
    received = open_app(pg, f"{server_url}/?lang={lang}&digits=2", MENU)
    received.clear()
    runs = ScriptRuns.of(pg)
    link = pg.locator(SIDEBAR_NAV).get_by_role("link", name=translate(lang, "nav.pooling"))
    runs.after(link.click)
    pg.get_by_role("heading", name=translate(lang, "pooling.title")).first.wait_for()
    wait_for_app(pg)
    assert_no_exception(pg)
    assert pg.url.split("?")[0].endswith("/pooling")
    assert f"lang={lang}" in pg.url and "digits=2" in pg.url        # the settings go along
    finished = [m for m in forward_msgs(received) if m.WhichOneof("type") == "script_finished"]
    assert len(finished) == 1, "a page link must cost one script run"
    current = pg.locator(f'{SIDEBAR_NAV} a[aria-current="page"]')
    assert current.inner_text().strip().endswith(translate(lang, "nav.pooling"))
    # the browser's back button returns to the home page
    runs.after(pg.go_back)
    pg.get_by_role("heading", name=translate(lang, "home.title")).first.wait_for()
    screenshot(pg, f"sidebar-menu-{lang}")


def test_the_settings_change_the_app_and_keep_the_focus(server_url, new_page):
    pg = new_page
    open_app(pg, f"{server_url}/?lang=en", MENU)
    runs = ScriptRuns.of(pg)
    # the Notation panel stays open across the reruns below
    pg.locator(MENU).get_by_text(translate("en", "notation.title")).click()
    assert pg.locator(f'{MENU} details[data-focus="panel-notation"]').get_attribute("open") is not None
    # digits by keyboard: the radio keeps the focus after the rerun, so the arrows go on working
    radio = pg.locator(f'{MENU} input[name="digits"][value="4"]')
    radio.focus()
    runs.after(lambda: pg.keyboard.press("ArrowRight"))
    assert "digits=6" in pg.url
    six = pg.locator(f'{MENU} input[name="digits"][value="6"]')
    assert six.is_checked() and six.evaluate("(el) => el.getRootNode().activeElement === el")
    assert pg.locator(f'{MENU} details[data-focus="panel-notation"]').get_attribute("open") is not None
    # presentation mode: the switch turns it on and the URL keeps it
    runs.after(lambda: pg.locator(f'{MENU} input[role="switch"]').click())
    assert "present=1" in pg.url
    assert pg.locator(f'{MENU} input[role="switch"]').is_checked()
    # language
    runs.after(lambda: pg.locator(MENU).get_by_text("中文").click())
    pg.get_by_role("heading", name=translate("zh", "home.title")).first.wait_for()
    assert "lang=zh" in pg.url
    assert translate("zh", "nav.section_forward") in pg.locator(SIDEBAR_NAV).inner_text()
    assert_no_exception(pg)


def test_a_tampered_setting_changes_nothing(server_url, new_page):
    """The component's message is the browser's: a value no control offers is ignored (ui.frame.apply_setting)."""
    pg = new_page
    open_app(pg, f"{server_url}/?lang=en", MENU)
    runs = ScriptRuns.of(pg)
    radio = pg.locator(f'{MENU} input[name="digits"][value="2"]')
    runs.after(lambda: radio.evaluate('(el) => { el.value = "<b>7</b>"; el.click(); }'))
    wait_for_app(pg)
    assert_no_exception(pg)
    assert "digits" not in pg.url


def test_on_a_phone_the_menu_closes_after_a_page_is_chosen(server_url, phone_page):
    pg = phone_page
    open_app(pg, f"{server_url}/?lang=en")
    pg.locator('[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"] button').first.click()
    link = pg.locator(SIDEBAR_NAV).get_by_role("link", name=translate("en", "nav.padding"))
    link.wait_for()
    ScriptRuns.of(pg).after(link.click)
    pg.get_by_role("heading", name=translate("en", "padding.title")).first.wait_for()
    pg.wait_for_function("""() => { const s = document.querySelector('[data-testid="stSidebar"]');
                                    return s && s.getAttribute('data-collapsed') === 'true'; }""")
