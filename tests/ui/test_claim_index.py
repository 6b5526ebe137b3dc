"""The worked examples' claim index (``ui.components.claim_index``): its markup escapes every text, numbers its rows
from where the list stops, and keeps a title's formulas as the MathML it was given."""

from __future__ import annotations

import re

from ui.components.claim_index import index_html
from ui.components.math_box import prose


def test_rows_are_numbered_buttons_with_every_text_escaped():
    rows = [("s000_a", "holds", "holds", "plain title", "CNN notes, 2.1"),
            ('s"><img src=x>', "wrong", "<b>wrong</b>", "t", "<script>alert(1)</script>")]
    markup = index_html(rows, 11)
    assert markup.startswith('<ol start="11">')
    assert re.findall(r'data-claim="([^"]*)"', markup) == ["s000_a", "s&quot;&gt;&lt;img src=x&gt;"]
    assert "<script>" not in markup and "<b>" not in markup and "<img" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup and "&lt;b&gt;wrong&lt;/b&gt;" in markup
    assert markup.count("<button") == 2 and 'class="ci-verdict ci-wrong"' in markup


def test_a_titles_formula_is_mathml_not_katex_source():
    title = prose("Output size $O = (I - k)/s + 1$").html()
    markup = index_html([("k", "holds", "holds", title, "where")], 1)
    assert "<math" in markup and "$" not in markup
