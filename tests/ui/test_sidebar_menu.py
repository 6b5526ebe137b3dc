"""The sidebar's menu component (ui/components/sidebar_menu.py) and what the frame makes of its messages
(ui.frame.apply_setting): markup escaped, the current page marked, settings kept in the links, tampered messages
ignored. The component in a browser: tests/e2e/test_sidebar_menu_browser.py."""

from __future__ import annotations

import re

import pytest

from ui.components import sidebar_menu as menu
from ui.frame import apply_setting


def _markup(title="Pooling", current=True, intro="Every symbol", about="**A** and *b*"):
    links = (menu.Link("home", "./?lang=en", "Home", ":material/home:"),
             menu.Link("pooling", "pooling?lang=en", title, ":material/compress:", current=current))
    return menu.menu_html(
        "Pages", [menu.Section("Forward", links)],
        [menu.Choice("digits", "Digits", ((2, "2"), (4, "4"), (6, "6")), 4, help="help"),
         menu.Switch("present", "Presentation", True)],
        [menu.Panel("notation", "Notation", menu.table_html(intro, ("Symbol", "Meaning"), [("x ⋆ W", "<corr>")])),
         menu.Panel("about", "About", menu.prose_html(about))])


def test_the_current_page_is_marked_and_the_links_are_real():
    markup = _markup()
    assert markup.count('aria-current="page"') == 1
    assert '<a href="pooling?lang=en" data-page="pooling" data-focus="page-pooling" aria-current="page">' in markup
    assert '<a href="./?lang=en" data-page="home"' in markup
    assert '<span class="sm-icon" aria-hidden="true">compress</span>' in markup
    assert '<nav aria-label="Pages">' in markup


def test_settings_are_native_controls_with_the_choice_checked():
    markup = _markup()
    assert re.findall(r'<input type="radio" name="digits" value="(\d)" data-focus="digits-\d"( checked)?>', markup) == [
        ("2", ""), ("4", " checked"), ("6", "")]
    assert '<input type="checkbox" role="switch" name="present" data-focus="present" checked>' in markup
    assert "<legend>Digits</legend>" in markup and '<p class="sm-help">help</p>' in markup


def test_every_text_is_escaped():
    markup = _markup(title='<img src=x onerror="alert(1)">', intro="<script>", about="<b>x</b> **y**")
    assert "<img" not in markup and "<script>" not in markup and "<b>x</b>" not in markup
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in markup
    assert "&lt;corr&gt;" in markup and "<strong>y</strong>" in markup


def test_prose_keeps_paragraphs_bold_and_italic_only():
    assert menu.prose_html("One *a* **b**\n\nTwo") == "<p>One <em>a</em> <strong>b</strong></p><p>Two</p>"
    assert menu.material_name(":material/grid_on:") == "grid_on"
    assert menu.material_name("🔥") == "" and menu.material_name(":material/x y:") == ""


@pytest.mark.parametrize(("name", "value", "key", "stored"), [
    ("lang", "zh", "lang", "zh"), ("digits", "6", "digits", 6), ("digits", 2, "digits", 2),
    ("present", True, "present", True), ("present", False, "present", False)])
def test_a_setting_the_menu_sends_is_applied(name, value, key, stored):
    state = {}
    assert apply_setting(state, name, value)
    assert state == {key: stored}


@pytest.mark.parametrize(("name", "value"), [
    ("lang", "fr"), ("lang", "<b>zh</b>"), ("digits", "7"), ("digits", "<b>7</b>"), ("digits", True),
    ("digits", 4.0), ("digits", None), ("present", "1"), ("present", 1), ("theme", "dark"), (None, None),
    ("__class__", "x")])
def test_a_tampered_message_changes_nothing(name, value):
    state = {"lang": "en", "digits": 4, "present": False}
    assert not apply_setting(state, name, value)
    assert state == {"lang": "en", "digits": 4, "present": False}


def test_the_frame_lists_every_page_with_the_settings_in_its_links():
    """The markup the frame builds (in a session): every registered page once, the current one marked, each link
    carrying the language and the non-default settings, the panels in the session's language."""
    from streamlit.testing.v1 import AppTest

    from tests.pages.conftest import APP, sidebar_menu_markup
    from ui.frame import available_pages
    from ui.i18n import translate

    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update({"lang": "zh", "digits": "2", "present": "1"})
    at.switch_page("app_pages/dense.py").run()
    assert not at.exception
    markup = sidebar_menu_markup(at)
    hrefs = dict(re.findall(r'<a href="([^"]*)" data-page="([^"]*)"', markup))
    assert sorted(hrefs.values()) == sorted(e.key for e in available_pages())
    for href, page in hrefs.items():
        assert href == f"{'./' if page == 'home' else page}?lang=zh&digits=2&present=1"
    assert re.findall(r'data-page="(\w+)"[^>]*aria-current="page"', markup) == ["dense"]
    assert translate("zh", "notation.title") in markup and translate("zh", "common.about_title") in markup
    assert translate("zh", "common.digits_help") in markup
