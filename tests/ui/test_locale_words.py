"""The interface names the source texts by short title: English never says "seed", Chinese uses one word
(资料, ``words.texts``) and only the short titles of ``words.json``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

LOCALES = Path(__file__).resolve().parents[2] / "assets" / "locales"
# The namespaces this check covers.
NAMESPACES = ("common", "words", "notation", "home", "padding", "pooling", "conv_backward", "dense", "autodiff",
              "conv_single", "conv_multi",
              "training", "errors", "figure", "input", "nav")


def _strings(lang: str, ns: str) -> dict[str, str]:
    path = LOCALES / lang / f"{ns}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


@pytest.mark.parametrize("ns", NAMESPACES)
def test_english_never_says_seed(ns):
    bad = {k: v for k, v in _strings("en", ns).items() if re.search(r"\bseeds?\b", v, re.IGNORECASE)}
    assert not bad, bad


@pytest.mark.parametrize("ns", NAMESPACES)
def test_chinese_uses_one_word_and_the_short_titles(ns):
    words = _strings("zh", "words")
    titles = {v for k, v in words.items() if k.startswith("text_")}
    assert words["texts"] == "资料"
    for key, value in _strings("zh", ns).items():
        assert "种子" not in value and "原文" not in value and "文本 0" not in value, (key, value)
        for title in re.findall(r"《[^》]*》(?:笔记)?", value):
            assert title in titles or title + "笔记" in titles, (key, title)


def test_every_short_title_exists_in_both_languages():
    en, zh = _strings("en", "words"), _strings("zh", "words")
    for n in ("000", "001", "002", "003", "004"):
        assert en[f"text_{n}"] and zh[f"text_{n}"]
        assert en[f"text_{n}"] in _strings("en", "common")["about_body"]
