"""ui.plain_table: a table of texts as one escaped HTML string."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from ui.plain_table import table_html


def test_cells_are_text_in_order_and_escaped():
    hostile = '<script>alert("x")</script> & **bold**'
    block = table_html({"node": ["h₁", hostile], "<b>value</b>": ["0.5", "−1"]}, label='a "table"')
    assert "<script>" not in block and "<b>" not in block
    root = ET.fromstring(block)                        # well-formed markup
    table = root.find("table")
    assert table.get("aria-label") == 'a "table"'
    assert [th.text for th in table.iter("th")] == ["node", "<b>value</b>"]
    rows = [[td.text for td in tr.iter("td")] for tr in table.find("tbody")]
    assert rows == [["h₁", "0.5"], [hostile, "−1"]]  # the text comes back as written, not as Markdown


def test_an_empty_table_has_its_header_only():
    root = ET.fromstring(table_html({"a": [], "b": []}))
    assert [th.text for th in root.iter("th")] == ["a", "b"] and not list(root.iter("td"))


def test_columns_of_different_lengths_are_refused():
    with pytest.raises(ValueError):
        table_html({"a": ["1", "2"], "b": ["1"]})


def test_a_title_and_a_note_go_above_and_below_the_table_escaped():
    block = table_html({"a": ["1"]}, title="Output <a> & y", note="δ = a − y <b>")
    root = ET.fromstring(f"<root>{block}</root>")                     # several top-level elements: wrap them
    title, box, note = list(root)
    assert (title.get("class"), title.text) == ("pt-title", "Output <a> & y")
    assert box.get("class") == "pt-box" and box.find("table") is not None
    assert (note.get("class"), note.text) == ("pt-note", "δ = a − y <b>")
    assert "<b>" not in block and "<a>" not in block
    assert "pt-title" not in table_html({"a": ["1"]}) and "pt-note" not in table_html({"a": ["1"]})
