"""ui.components.tab_strip: the markup (tabs with one selected, every label escaped) and the picked position (only one
the strip offered: the value is the browser's)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from ui.components.tab_strip import JS, picked, strip_html


class _Tabs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tabs: list[dict] = []
        self.lists: list[dict] = []
        self._in_tab = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("role") == "tablist":
            self.lists.append(attrs)
        if attrs.get("role") == "tab":
            self.tabs.append({**attrs, "text": ""})
            self._in_tab = True
        elif tag not in ("div",):
            raise AssertionError(f"unexpected tag {tag!r}")

    def handle_endtag(self, tag):
        self._in_tab = False if tag == "button" else self._in_tab

    def handle_data(self, data):
        if self._in_tab:
            self.tabs[-1]["text"] += data


def _parse(markup: str) -> _Tabs:
    parser = _Tabs()
    parser.feed(markup)
    return parser


def test_one_button_per_label_the_open_one_selected_and_focusable():
    tabs = _parse(strip_html(["Channel 1", "Channel 2", "Channel 3"], 1, "Input channels"))
    assert [t["text"] for t in tabs.tabs] == ["Channel 1", "Channel 2", "Channel 3"]
    assert [t["aria-selected"] for t in tabs.tabs] == ["false", "true", "false"]
    assert [t["tabindex"] for t in tabs.tabs] == ["-1", "0", "-1"]
    assert [t["data-index"] for t in tabs.tabs] == ["0", "1", "2"]
    assert tabs.lists == [{"role": "tablist", "aria-label": "Input channels"}]
    # the same arguments, the same markup: the browser does not rebuild an unchanged strip
    assert strip_html(["a", "b"], 0) == strip_html(["a", "b"], 0) != strip_html(["a", "b"], 1)


def test_labels_are_text_never_markup():
    markup = strip_html(['<img src=x onerror="alert(1)">', "通道 2"], 0, '"><script>')
    assert "<img" not in markup and "<script" not in markup
    tabs = _parse(markup)
    assert [t["text"] for t in tabs.tabs] == ['<img src=x onerror="alert(1)">', "通道 2"]
    assert tabs.lists[0]["aria-label"] == '"><script>'


@pytest.mark.parametrize("events, expected", [
    ({"pick": 2}, 2), ({"pick": 0}, 0), ({"pick": 2.0}, 2),
    ({"pick": 3}, None), ({"pick": -1}, None), ({"pick": 1.5}, None), ({"pick": True}, None), ({"pick": "1"}, None),
    ({}, None), (None, None)])
def test_only_a_position_the_strip_offered_is_taken(events, expected):
    assert picked({"s": events}, "s", 3) == expected


def test_the_script_sends_only_positions_and_loads_nothing():
    assert "fetch(" not in JS and "import(" not in JS and "http" not in JS
    assert 'parentElement.__tabStripSend("pick", Number(tab.dataset.index))' in JS
