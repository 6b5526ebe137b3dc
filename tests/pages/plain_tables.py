"""Read the plain HTML tables (``ui.plain_table``) a page drew with ``st.html`` as pandas DataFrames of texts."""

from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self._cell: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("class") == "pt-table":
            self.tables.append({"heads": [], "rows": []})
        elif not self.tables:
            return
        elif tag == "tr":
            self.tables[-1]["rows"].append([])
        elif tag in ("th", "td"):
            self._cell = tag
            target = self.tables[-1]["heads"] if tag == "th" else self.tables[-1]["rows"][-1]
            target.append("")

    def handle_endtag(self, tag):
        if tag in ("th", "td"):
            self._cell = None

    def handle_data(self, data):
        if self._cell == "th":
            self.tables[-1]["heads"][-1] += data
        elif self._cell == "td":
            self.tables[-1]["rows"][-1][-1] += data


def plain_tables(at) -> list[pd.DataFrame]:
    """Every ``ui.plain_table`` table in the page's ``st.html`` blocks, in page order (cells as the page shows them)."""
    found = []
    for el in at.get("html"):
        parser = _Tables()
        parser.feed(el.proto.body)
        for table in parser.tables:
            rows = [row for row in table["rows"] if row]
            found.append(pd.DataFrame(rows, columns=table["heads"]))
    return found
