"""Every page of the navigation opens in a real browser, in both languages, at 1280x900: no exception
element, the navigation in that language, no display formula cut at the right (#12 item 8), a screenshot.

The phone viewport (390x844) is tests/e2e/test_layout_browser.py.
"""

from __future__ import annotations

import pytest

from ui.frame import PAGES, ROOT
from ui.i18n import translate

from .conftest import SIDEBAR_NAV, assert_no_exception, formula_problems, screenshot, wait_for_app

pytestmark = pytest.mark.e2e

# Written out, not read from the file system or the registry: a deleted page must fail here, not drop out.
PAGE_KEYS = ("home", "padding", "conv_single", "conv_multi", "pooling", "transposed", "conv_backward", "dense",
             "autodiff", "training", "worked_examples", "check_work", "practice")
SECTIONS = ("start", "forward", "backward", "check")
DESKTOP_1280 = {"width": 1280, "height": 900}
# Streamlit 1.67's own English words that the frame hides or replaces in Chinese (docs/ARCHITECTURE.md)
STREAMLIT_ENGLISH = ("View 3 more", "View more", "per file", "Drag and drop", "Browse files", "Download as CSV")


def page_url(server_url: str, key: str, lang: str, extra: str = "") -> str:
    return f"{server_url}/{'' if key == 'home' else key}?lang={lang}{extra}"


def test_the_list_above_is_the_registered_navigation():
    assert tuple(p.key for p in PAGES) == PAGE_KEYS
    assert {p.section for p in PAGES} == set(SECTIONS)


@pytest.fixture
def page_1280(browser):
    context = browser.new_context(viewport=DESKTOP_1280, locale="en-US")
    pg = context.new_page()
    yield pg
    context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("key", PAGE_KEYS)
def test_page_opens_in_its_language(server_url, page_1280, key, lang):
    entry = next(p for p in PAGES if p.key == key)
    assert (ROOT / entry.path).is_file(), f"page {key!r} is listed but {entry.path} is missing"
    pg = page_1280
    pg.goto(page_url(server_url, key, lang))
    wait_for_app(pg)
    assert_no_exception(pg)
    # the navigation is in this language: every section heading, and this page's own title
    nav = pg.locator(SIDEBAR_NAV).inner_text()
    for section in SECTIONS:
        assert translate(lang, f"nav.section_{section}") in nav, (section, nav)
    assert translate(lang, f"nav.{key}") in nav + pg.title()
    other = "zh" if lang == "en" else "en"
    assert translate(other, "nav.section_forward") not in nav
    assert formula_problems(pg) == []
    if lang == "zh":  # Streamlit's English controls: not on screen (the tables' toolbars are display: none)
        text = pg.inner_text("body")
        assert [words for words in STREAMLIT_ENGLISH if words in text] == []
        assert pg.evaluate("""() => [...document.querySelectorAll('[data-testid="stDataFrame"] [data-testid="stElementToolbar"]')]
                                    .every((e) => getComputedStyle(e).display === 'none')""")
    screenshot(pg, f"{key}-{lang}")


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
    new_page.wait_for_url("**lang=zh**")
    new_page.get_by_role("heading", name=translate("zh", "home.title")).first.wait_for()
    wait_for_app(new_page)
    assert translate("zh", "nav.section_forward") in new_page.locator(SIDEBAR_NAV).inner_text()
