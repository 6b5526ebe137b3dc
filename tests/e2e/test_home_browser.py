"""Home page in a real browser: the pipeline cards keep whole words at 1280 px and on a phone (390×844)."""

from __future__ import annotations

import pytest

from ui.i18n import translate

from .conftest import assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.e2e

# every word of a card's heading on one line: a word broken over two lines ("Convoluti-on") is wider than its box
BROKEN_WORDS = """() => Array.from(document.querySelectorAll('[data-testid="stColumn"] strong'))
  .filter(el => {
    const words = el.innerText.split(/\\s+/).filter(Boolean);
    const range = document.createRange();
    return words.some(word => {
      const i = el.innerText.indexOf(word);
      if (i < 0 || !el.firstChild || el.firstChild.nodeType !== 3) return false;
      range.setStart(el.firstChild, i); range.setEnd(el.firstChild, i + word.length);
      return range.getClientRects().length > 1;
    });
  }).map(el => el.innerText)"""


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width, height", [(1280, 900), (390, 844)])
def test_home_pipeline_cards_keep_whole_words(server_url, new_page, lang, width, height):
    new_page.set_viewport_size({"width": width, "height": height})
    new_page.goto(f"{server_url}/?lang={lang}")
    wait_for_app(new_page)
    new_page.get_by_text(translate(lang, "home.pipeline_title")).first.wait_for()
    assert_no_exception(new_page)
    assert new_page.locator('[data-testid="stColumn"] strong').count() >= 7   # the 7 stages
    assert new_page.evaluate(BROKEN_WORDS) == []
    name = "phone" if width < 500 else "wide"
    screenshot(new_page, f"home-{lang}-{name}")
