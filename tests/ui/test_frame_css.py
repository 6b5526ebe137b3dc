"""The frame's one stylesheet (ui.frame.global_css): static rules, our own words escaped for CSS.

What the rules do in a browser is tests/e2e/test_layout_browser.py; here, what goes into the <style>.
"""

from __future__ import annotations

import re

import pytest

from ui.frame import _css_string, global_css
from ui.i18n import translate


def _unescape(css_body: str) -> str:
    """Decode CSS escapes (backslash, hex digits, one optional space) the way a browser does."""
    return re.sub(r"\\([0-9a-f]{1,6}) ?", lambda m: chr(int(m.group(1), 16)), css_body)


@pytest.mark.parametrize("text", ['a"b', "x</style><script>alert(1)</script>", "back\\slash", "两行\n文字", "上传文件"])
def test_css_strings_cannot_leave_their_literal(text):
    body = _css_string(text)
    assert not set(body) & set('"\'<>\n\r;{}')
    assert _unescape(body) == text


def test_one_style_element_per_language_and_mode():
    for lang in ("en", "zh"):
        for present in (False, True):
            css = global_css(lang, present)
            assert css.startswith("<style>") and css.endswith("</style>") and css.count("<style>") == 1
            assert "overflow-x: auto" in css  # wide formulas scroll, in every language
            assert ("font-size: 20px" in css) is present


def test_chinese_replaces_streamlits_english_words_with_ours():
    zh = global_css("zh")
    assert 'display: none' in global_css("zh") and "stElementToolbar" in zh
    contents = [_unescape(body) for body in re.findall(r'content: "([^"]*)"', zh)]
    assert contents == [translate("zh", "common.upload_button"), translate("zh", "common.upload_drop"),
                        translate("zh", "common.upload_drop_here"), translate("zh", "common.chart_png")]
    assert "stElementToolbar" not in global_css("en") and "content:" not in global_css("en")
