"""ui.metric_row: named numbers as one escaped HTML row (read back as the browser parses it)."""

from __future__ import annotations

from tests.pages.metric_rows import metric_rows
from ui.metric_row import metric_row_html


class _Html:
    """What AppTest's ``at.get("html")`` holds: an element whose proto has the ``body`` st.html sent."""

    def __init__(self, body: str) -> None:
        self.proto = type("P", (), {"body": body})()


class _At:
    def __init__(self, *bodies: str) -> None:
        self.bodies = bodies

    def get(self, kind: str):
        return [_Html(body) for body in self.bodies] if kind == "html" else []


def test_labels_and_values_in_order():
    markup = metric_row_html([("f", "0.5"), ("∂f/∂x", "0"), ("∂f/∂w", "0.25")])
    assert markup.startswith('<dl class="mr-row"') and markup.endswith("</dl>")
    assert metric_rows(_At(markup)) == [{"f": "0.5", "∂f/∂x": "0", "∂f/∂w": "0.25"}]


def test_text_is_escaped_never_markup():
    markup = metric_row_html([("<b>x</b>", "1 & 2"), ("a\"b", "<script>alert(1)</script>")])
    assert "<b>" not in markup and "<script>" not in markup
    assert metric_rows(_At(markup)) == [{"<b>x</b>": "1 & 2", "a\"b": "<script>alert(1)</script>"}]


def test_other_html_is_not_a_row():
    assert metric_rows(_At("<p>text</p>", metric_row_html([]))) == [{}]
