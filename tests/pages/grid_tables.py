"""Read the shaded HTML tables (``ui.html_grid``) a page drew with ``st.html``: titles, printed numbers, hovers."""

from __future__ import annotations

from html.parser import HTMLParser

import numpy as np


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "figure":
            self.tables.append({"title": "", "text": [], "hover": [], "outlined": []})
        elif tag == "figcaption":
            self._in = "title"
        elif tag == "tr" and self.tables:
            self.tables[-1]["text"].append([])
            self.tables[-1]["hover"].append([])
        elif tag == "td":
            self._in = "td"
            table = self.tables[-1]
            table["hover"][-1].append(attrs.get("title", ""))
            table["text"][-1].append("")
            if attrs.get("class") == "mg-out":
                table["outlined"].append((len(table["text"]) - 2, len(table["text"][-1]) - 1))

    def handle_endtag(self, tag):
        if tag in ("figcaption", "td"):
            self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.tables[-1]["title"] += data
        elif self._in == "td":
            self.tables[-1]["text"][-1][-1] += data


def html_tables(at) -> dict[str, dict]:
    """Every ``ui.html_grid`` table in the page's ``st.html`` blocks, by title: ``text`` and ``hover`` (rows of
    strings, the header row dropped), ``values`` (floats) and ``outlined`` (0-based cells)."""
    found = {}
    for el in at.get("html"):
        parser = _Tables()
        parser.feed(el.proto.body)
        for table in parser.tables:
            text = [row for row in table["text"] if row]
            hover = [row for row in table["hover"] if row]
            found[table["title"]] = {"text": text, "hover": hover, "outlined": table["outlined"],
                                     "values": np.array([[float(v.replace("−", "-")) for v in row] for row in text])}
    return found
