"""Read the rows of named numbers (``ui.metric_row``) a page drew with ``st.html``: {label: value} per row."""

from __future__ import annotations

from html.parser import HTMLParser


class _Rows(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[list[str]]] = []
        self._cell: int | None = None   # 0 inside a label, 1 inside a value

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class")
        if tag == "dl" and cls == "mr-row":
            self.rows.append([])
        elif self.rows and tag == "dt" and cls == "mr-label":
            self.rows[-1].append(["", ""])
            self._cell = 0
        elif self.rows and tag == "dd" and cls == "mr-value":
            self._cell = 1

    def handle_endtag(self, tag):
        if tag in ("dt", "dd"):
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self.rows[-1][-1][self._cell] += data


def metric_rows(at) -> list[dict[str, str]]:
    """Every ``ui.metric_row`` row in the page's ``st.html`` blocks, in page order (texts as the page shows them)."""
    found = []
    for el in at.get("html"):
        parser = _Rows()
        parser.feed(el.proto.body)
        found += [dict((label, value) for label, value in row) for row in parser.rows]
    return found
