"""The math box's inline forms (#14 round 9): formulas inside a sentence (``to_mathml(..., "inline")``, :class:`Line`,
:func:`prose`) and formulas side by side (:class:`Panels`). The rule stays: every text is escaped, a formula is
MathML only (its source on the element for the tests and screen readers)."""

from __future__ import annotations

import html
import re

import numpy as np
import pytest

from ui.components.math_box import GAP, Code, Line, Math, Panels, Strong, Text, math_markup, prose
from ui.formulas.mathml import (block_html, inline_html, inline_sources, is_safe, latex_sources, mathml_numbers,
                                to_mathml)
from ui.latex import latex_matrix


def _plain(markup: str) -> str:
    """What the reader sees of the texts (tags dropped, entities read)."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def test_an_inline_formula_is_in_text_style_and_a_display_one_is_not():
    inline, block = to_mathml(r"\sum_p a_p", "inline"), to_mathml(r"\sum_p a_p")
    assert inline.startswith('<math alttext="\\sum_p a_p">') and "display=" not in inline
    assert block.startswith('<math display="block"')
    # text style: the index beside Σ (a subscript), as KaTeX's $…$; display style: under it
    assert "<msub><mo>∑</mo>" in inline and "<munder><mo>∑</mo>" in block
    assert to_mathml("x") == to_mathml("x", "block")
    with pytest.raises(ValueError):
        to_mathml("x", "inline-block")


def test_an_inline_formula_carries_its_source_and_only_mathml():
    markup = inline_html(r"\partial E/\partial w_{ij} < 1")
    assert markup.startswith('<span class="math-inline" data-latex="\\partial E/\\partial w_{ij} &lt; 1">')
    assert inline_sources(markup) == [r"\partial E/\partial w_{ij} < 1"]
    assert latex_sources(markup) == []                 # not a display line
    assert is_safe(re.sub(r"</?span[^>]*>", "", markup))


@pytest.mark.parametrize("evil", [r"\text{<img src=x onerror=alert(1)>}", r"\mathrm{</math><b>x</b>}",
                                  r"\textcolor{red\" onmouseover=\"alert(1)}{3}"])
def test_markup_in_inline_latex_is_never_markup(evil):
    markup = math_markup([prose(f"see ${evil}$ here")])
    assert not re.search(r"<(img|script|b)\b|\son\w+=\"", markup)
    assert inline_sources(markup) == [evil]


def test_prose_makes_formulas_of_dollar_spans_code_of_backticks_and_escapes_the_rest():
    line = prose("Eq. 5: $dz^{[l]}$ by `conv<2>` **not** <b>html</b> & a * b")
    assert line.parts == ("Eq. 5: ", Math("dz^{[l]}"), " by ", Code("conv<2>"), " ", Strong("not"),
                          " <b>html</b> & a * b")
    markup = math_markup([line])
    assert markup.startswith('<p class="math-text">Eq. 5: <span class="math-inline"')
    assert "<code>conv&lt;2&gt;</code>" in markup and "<strong>not</strong>" in markup
    assert "<b>" not in markup and "&lt;b&gt;html&lt;/b&gt; &amp; a * b" in markup
    assert inline_sources(markup) == ["dz^{[l]}"]
    assert _plain(markup).startswith("Eq. 5: ") and _plain(markup).endswith(" by conv<2> not <b>html</b> & a * b")
    # no math, no code: one text part; a lone $ is text
    assert prose("costs $5 only").parts == ("costs $5 only",)


def test_a_line_shows_its_text_parts_as_they_are():
    markup = Line(("x = ", Math(latex_matrix(np.array([[1.0, -2.0]]))), GAP, "**k** = 3", Code("a&b"))).html()
    assert markup.count('<span class="math-gap">') == 1
    assert "**k** = 3" in markup and "<strong>" not in markup      # a Line's text is never read as Markdown
    assert mathml_numbers(markup) == ["1", "-2"]
    assert "<code>a&amp;b</code>" in markup


def test_panels_sit_side_by_side_each_under_its_escaped_title():
    markup = math_markup([Panels((("printed <1>", "a = 1"), ("computed", r"\textcolor{#d62728}{\boxed{2}}")))])
    assert markup.startswith('<div class="math-panels"><div class="math-panel"><p><strong>printed &lt;1&gt;</strong>')
    assert markup.count('<div class="math-panel">') == 2
    assert latex_sources(markup) == ["a = 1", r"\textcolor{#d62728}{\boxed{2}}"]
    # the highlighted cell: a box in a red style (MathML Core draws the colour; the box CSS draws the frame)
    assert '<mstyle mathcolor="#d62728"><mrow><menclose notation="box">' in markup


def test_the_display_items_did_not_change():
    """dense, transposed and autodiff use LaTeX strings and Text: their markup is what it was."""
    assert math_markup(["a = 1", Text("**b**")]) == block_html("a = 1") + "<p><strong>b</strong></p>"
