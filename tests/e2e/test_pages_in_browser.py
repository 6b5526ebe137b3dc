"""Every page loads in a real browser, in both languages, without an exception element."""

from __future__ import annotations

import pytest

from ui.frame import PAGES, ROOT
from ui.i18n import translate

from .conftest import assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.e2e


# Written out, not read from the file system or the registry: a deleted page must fail here, not drop out.
PAGE_KEYS = ("home", "padding", "conv_single", "conv_multi", "pooling", "transposed", "conv_backward", "dense",
             "autodiff", "training", "worked_examples", "check_work", "practice")


def test_the_list_above_is_the_registered_navigation():
    assert tuple(p.key for p in PAGES) == PAGE_KEYS


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("key", PAGE_KEYS)
def test_page_loads_without_exception(server_url, new_page, key, lang):
    entry = next(p for p in PAGES if p.key == key)
    assert (ROOT / entry.path).is_file(), f"page {key!r} is listed but {entry.path} is missing"
    new_page.goto(f"{server_url}/{'' if key == 'home' else key}?lang={lang}")
    wait_for_app(new_page)
    assert_no_exception(new_page)
    # the navigation uses this language's titles
    nav = new_page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert translate(lang, f"nav.{key}") in nav
    screenshot(new_page, f"{key}-{lang}")


def test_tampered_language_shows_a_message(server_url, new_page):
    new_page.goto(f"{server_url}/?lang=%3Cscript%3Ealert(1)%3C/script%3E")
    wait_for_app(new_page)
    assert_no_exception(new_page)
    alert = new_page.locator('[data-testid="stAlert"]').first.inner_text()
    assert "not available" in alert and "<script>" in alert  # shown as text, never as HTML


def test_language_switch_changes_the_navigation(server_url, new_page):
    new_page.goto(f"{server_url}/?lang=en")
    wait_for_app(new_page)
    new_page.locator('[data-testid="stSidebar"]').get_by_text("中文").click()
    new_page.wait_for_timeout(500)
    wait_for_app(new_page)
    assert translate("zh", "home.title") in new_page.locator("h1").first.inner_text()
    assert "lang=zh" in new_page.url
