"""ui.components.tab_strip: the markup (tabs with one selected, every label escaped) and the picked position (only one
the strip offered: the value is the browser's)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from ui.components.tab_strip import JS, box_class, hide_rule, picked, strip_html


class _Tabs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tabs: list[dict] = []
        self.lists: list[dict] = []
        self.styles: list[str] = []
        self._in_tab = self._in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("role") == "tablist":
            self.lists.append(attrs)
        if attrs.get("role") == "tab":
            self.tabs.append({**attrs, "text": ""})
            self._in_tab = True
        elif tag == "style":
            self.styles.append("")
            self._in_style = True
        elif tag not in ("div",):
            raise AssertionError(f"unexpected tag {tag!r}")

    def handle_endtag(self, tag):
        self._in_tab = False if tag == "button" else self._in_tab
        self._in_style = False if tag == "style" else self._in_style

    def handle_data(self, data):
        if self._in_style:
            self.styles[-1] += data
        elif self._in_tab:
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


def _hidden(rule: str) -> set[str]:
    """The classes a hide rule names (each with its layout wrapper), read back from the CSS text."""
    selectors, _, body = rule.partition(" { ")
    assert body == "display: none !important; }", rule
    plain = {sel[1:] for sel in selectors.split(", ") if sel.startswith(".")}
    wrapped = {sel.split("> .")[1].rstrip(")") for sel in selectors.split(", ") if sel.startswith("[")}
    assert plain == wrapped, rule
    return plain


def test_a_section_strip_hides_exactly_the_closed_sections():
    """url_tabs' strip: each tab names its section's class; the style before the list hides every other one (and its
    Streamlit layout wrapper), so only the open section shows."""
    boxes = [box_class(f"pg.bar.{name}") for name in ("one", "two", "three")]
    for open_index in range(3):
        tabs = _parse(strip_html(["One", "Two", "Three"], open_index, "", boxes))
        assert [t["data-box"] for t in tabs.tabs] == boxes
        assert len(tabs.styles) == 1
        assert _hidden(tabs.styles[0]) == set(boxes) - {boxes[open_index]}
    # no classes, no style (conv_multi's editor strips draw below them themselves)
    assert "<style" not in strip_html(["One", "Two"], 0)
    with pytest.raises(ValueError):
        strip_html(["One", "Two"], 0, "", boxes)     # one class per tab


def test_the_class_is_streamlits_for_the_key_and_nothing_else_reaches_the_style():
    # Streamlit 1.67's frontend: "st-key-" + key.trim().replaceAll(/[^a-zA-Z0-9_-]/g, "-")
    assert box_class("transposed.tab_label.signal") == "st-key-transposed-tab_label-signal"
    assert box_class(" a.b c/é ") == "st-key-a-b-c--"
    for bad in ("a{b", "a b", "a,b", "</style>", "a>b", ".a", ""):
        with pytest.raises(ValueError):
            hide_rule([bad])
    assert hide_rule([]) == ""


def test_the_script_writes_the_same_rule_as_python(tmp_path):
    """After a click the browser rewrites the style itself (a section drawn while closed shows with no server round
    trip): its hideRule must give the rule the server sends for that tab, or the next run would flip it back."""
    import json
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None:
        pytest.skip("no node")
    start = JS.index("function hideRule")
    source = JS[start:JS.index("\n}\n", start) + 3]
    boxes = ["st-key-a-b", "st-key-c_d"]
    script = tmp_path / "rule.js"
    script.write_text(source + f"console.log(JSON.stringify([hideRule({json.dumps(boxes)}), hideRule([])]));\n")
    out = subprocess.run([node, str(script)], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == [hide_rule(boxes), hide_rule([])]


def test_a_local_strip_is_marked_and_its_script_sends_nothing():
    """The code panel's PyTorch / NumPy strip: both sections drawn, the browser switches alone (no pick, no rerun)."""
    boxes = [box_class("p.code.tabs.torch"), box_class("p.code.tabs.numpy")]
    tabs = _parse(strip_html(["PyTorch", "NumPy"], 0, "", boxes, local=True))
    assert "data-local" in tabs.lists[0] and _hidden(tabs.styles[0]) == {boxes[1]}
    assert "data-local" not in _parse(strip_html(["PyTorch", "NumPy"], 0, "", boxes)).lists[0]
    body = JS[JS.index("const open = (tab)"):]
    # the local strip returns after rewriting its style, before it forgets its markup and sends the pick
    assert body.index("[data-local]") < body.index("__tabStrip = null") < body.index('__tabStripSend("pick"')
    assert body.index("rule.textContent = hideRule") < body.index("[data-local]")


def _local_app():
    import streamlit as st

    from ui.components.tab_strip import local_tabs

    for k, tab in enumerate(local_tabs("demo.filters", ["Filter 1", "Filter 2", "<b>3</b>"])):
        tab.write(f"content {k}")


def test_local_tabs_draw_every_tab_in_its_own_container_under_one_local_strip():
    """local_tabs (conv_backward's per-filter SGD tabs, the code panel): no st.tabs; every tab's content is drawn
    (the browser switches alone), the strip is local and hides all but the first."""
    import json

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_local_app).run()
    assert not at.exception and not at.tabs
    assert [m.value for m in at.markdown] == ["content 0", "content 1", "content 2"]
    [strip] = [el for el in at.get("bidi_component") if el.key == "demo.filters"]
    tabs = _parse(json.loads(strip.proto.json))
    assert [t["text"] for t in tabs.tabs] == ["Filter 1", "Filter 2", "<b>3</b>"]
    assert "data-local" in tabs.lists[0]
    assert _hidden(tabs.styles[0]) == {box_class("demo.filters.1"), box_class("demo.filters.2")}
