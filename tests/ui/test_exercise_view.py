"""Exercise renderers and builders: the marked answer, mistake texts, terms, solutions, worksheets, links."""

from __future__ import annotations

import re

from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest

from cnn_core import KINDS, MISTAKES, check_answer, exercise_from, make_exercise
from cnn_core.exercises import explain_cell
from ui.exercise_view import (FIELDS, answer_figure, block_items, check_link, fields_from_given, given_from_fields,
                              exercise_blocks, mistake_texts, practice_exercise, solution_blocks, statement, worksheet_blocks,
                              worksheet_exercises, worksheet_html, worksheet_markdown, wrong_cell_blocks)
from ui.formulas.exercises import cell_equation, size_equations
from ui.i18n import translate
from ui.matrix_input import parse_matrix

LANGS = ("en", "zh")


def test_answer_figure_marks_each_cell_and_outlines_the_wrong_ones():
    ex = exercise_from("conv_forward", x=[[1, 2], [3, 4]], w=[[1, 0], [0, 1]], b=0, stride=1, padding=1)
    submitted = np.array(ex.answer)
    submitted[1, 2] += 3
    grade = check_answer(ex, submitted)
    fig = answer_figure(grade, "en")
    text = fig.data[0].text
    assert text[1][2].endswith("✗") and text[0][0].endswith("✓")
    assert sum(row.count("✗") for row in map(" ".join, text)) == 1
    outlined = [(s.y0 + 0.5, s.x0 + 0.5) for s in fig.layout.shapes]
    assert outlined == [(1, 2)]


def test_every_mistake_has_a_name_and_both_explanations_in_both_languages():
    for code in MISTAKES:
        for lang in LANGS:
            for suffix in ("", "_done", "_right"):
                key = f"exercises.mistake_{code}{suffix}"
                assert translate(lang, key) != key


def test_mistake_texts_follow_the_grade():
    ex = exercise_from("softmax_ce_grad", z=[0.0, 0.0], y=[0, 1])
    grade = check_answer(ex, -ex.answer)
    (name, done, right), = mistake_texts(grade, "en")
    assert "Sign" in name and "y − a" in done and "a − y" in right
    (name_zh, _, _), = mistake_texts(grade, "zh")
    assert name_zh == "符号反了"


def test_wrong_cell_terms_are_written_with_symbols_numbers_and_result():
    x = np.array([[1.0, 2], [3, 4]])
    ex = exercise_from("conv_forward", x=x, w=[[1, -1], [2, 0]], b=1, stride=1, padding=0)
    # y11 = 1*1 + 2*(-1) + 3*2 + 4*0 + 1 = 6
    assert ex.answer[0, 0] == 6
    grade = check_answer(ex, [[5.0]])
    (_, caption), (kind, latex) = wrong_cell_blocks(ex, grade, "en")
    assert "you wrote 5" in caption and "right value is 6" in caption
    assert kind == "math"
    assert r"x_{11}\,w_{11} + x_{12}\,w_{12} + x_{21}\,w_{21} + x_{22}\,w_{22} + b" in latex
    assert r"1\times1 + 2\times(-1) + 3\times2 + 4\times0 + 1" in latex and latex.endswith("&= 6 \\end{aligned}")


def test_rounded_results_are_marked_approximately():
    ex = exercise_from("softmax_ce_grad", z=[0.0, 1.0, 2.0], y=[0, 0, 1])
    latex = cell_equation(ex, explain_cell(ex, (0, 0)))
    assert r"&\approx 0.09003" in latex


def test_size_formulas_carry_the_numbers_and_the_answer():
    ex = exercise_from("output_size", in_hw=(7, 5), kernel_hw=3, stride=2, padding=1, dilation=1)
    h, w = size_equations(ex)
    assert r"\frac{7 + 2\cdot1 - 1\cdot(3-1) - 1}{2}" in h and h.endswith("&= 4 \\end{aligned}")
    assert w.endswith("&= 3 \\end{aligned}")
    ex = exercise_from("same_padding", in_hw=5, kernel_hw=2, stride=1, dilation=1)
    assert r"p_{\text{bottom}} &= P_H - p_{\text{top}} = 1 - 0 = 1" in size_equations(ex)[0]


@pytest.mark.parametrize("kind", KINDS)
def test_statements_and_solutions_in_both_languages(kind):
    ex = make_exercise(kind, 3, 2)
    for lang in LANGS:
        text = statement(ex, lang)
        assert "{" not in text.replace("{}", "")
        blocks = solution_blocks(ex, lang)
        assert blocks and all(kind_ in ("p", "math") for kind_, _ in blocks)


@pytest.mark.parametrize("kind", KINDS)
def test_blocks_become_math_box_items_every_formula_mathml(kind):
    """On the page a solution is one math box: headings bold, paragraphs escaped text, formulas MathML (not KaTeX),
    each with its LaTeX and its numbers."""
    from ui.components.math_box import Line, Text, math_markup
    from ui.formulas.mathml import latex_numbers, latex_sources, mathml_numbers

    ex = make_exercise(kind, 3, 2)
    blocks = [("h", "Exercise <1>")] + exercise_blocks(ex, "en") + solution_blocks(ex, "en")
    items = block_items(blocks)
    assert items[0] == Text("**Exercise <1>**")
    assert [type(i) for i in items] == [Text] + [str if k == "math" else Line for k, _ in blocks[1:]]
    markup = math_markup(items)
    formulas = [text for k, text in blocks if k == "math"]
    assert latex_sources(markup) == formulas
    assert "<strong>Exercise &lt;1&gt;</strong>" in markup and "<1>" not in markup
    assert "<mtext>\\" not in markup                      # none left as its escaped source
    # the numbers of the formulas, drawn in the same order
    drawn = mathml_numbers(markup)
    assert [float(n) for n in drawn] == [float(n) for f in formulas for n in latex_numbers(f)][:len(drawn)]
    assert len(drawn) >= sum(len(latex_numbers(f)) for f in formulas) - sum(f.count("\\") for f in formulas)


def test_worksheet_has_exercises_then_key_then_solutions():
    exercises = worksheet_exercises("mixed", 2, 10, 5)
    assert [e.kind for e in exercises] == [KINDS[(10 + i) % len(KINDS)] for i in range(5)]
    md = worksheet_markdown(exercises, "en")
    first, key, solutions = md.index("## Exercise 1"), md.index("# Answer key"), md.index("# Worked solutions")
    assert first < key < solutions
    assert md.count("## Exercise") == 10  # each exercise once in the sheet, once in the solutions
    page = worksheet_html(exercises, "zh")
    assert page.count('class="break"') == 2 and "答案" in page and "<script>alert" not in page
    assert worksheet_blocks(exercises, "en")[0][0] == "title"
    assert worksheet_exercises("conv_forward", 1, 0, 999).__len__() == 20


def test_practice_exercise_is_the_same_for_the_same_link():
    a, b = practice_exercise("mixed", 3, 12345), practice_exercise("mixed", 3, 12345)
    assert a.kind == b.kind and np.array_equal(a.answer, b.answer)


def test_check_link_round_trips_to_the_same_exercise():
    x = np.array([[1.0, -2, 0.5], [0, 3, 1], [2, 2, -1]])
    link = check_link("conv_forward", x=x, w=[[1, 0], [0, 1]], b=-1.5, stride=1, padding=1)
    url = urlparse(link)
    assert url.path == "/check_work"
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["kind"] == "conv_forward" and query["x"] == "1,-2,0.5;0,3,1;2,2,-1"
    values = {}
    for f in FIELDS["conv_forward"]:
        raw = query[f.name]
        values[f.name] = (parse_matrix(raw).matrix if f.type == "matrix" else
                          float(raw) if f.type == "float" else int(raw))
    ex = exercise_from("conv_forward", **given_from_fields("conv_forward", values))
    ref = exercise_from("conv_forward", x=x, w=[[1, 0], [0, 1]], b=-1.5, stride=1, padding=1)
    np.testing.assert_array_equal(ex.answer, ref.answer)
    link = check_link("output_size", in_hw=(5, 7), kernel_hw=3, stride=2, padding=1, dilation=1)
    assert "in_h=5&in_w=7&kernel_h=3&kernel_w=3" in link
    with pytest.raises(ValueError):
        check_link("output_size", in_hw=5, kernel_hw=3, stride=(1, 2), padding=0, dilation=1)
    with pytest.raises(ValueError):
        check_link("nonsense", x=1)


@pytest.mark.parametrize("kind", KINDS)
def test_default_fields_make_a_valid_setup(kind):
    values = {f.name: f.default for f in FIELDS[kind]}
    ex = exercise_from(kind, **given_from_fields(kind, values))
    assert check_answer(ex, ex.answer).correct
    assert fields_from_given(kind, given_from_fields(kind, values)).keys() == values.keys()


def test_a_generated_weight_gradient_exercise_links_to_the_checker_with_its_kernel():
    ex = make_exercise("conv_weight_grad", 4, 3)  # stride 2: x and δ alone do not fix the kernel size
    query = {f.name: f for f in FIELDS["conv_weight_grad"]}
    link = check_link("conv_weight_grad", **ex.given)
    assert "w=" in link and set(parse_qs(urlparse(link).query)) == {"kind"} | set(query)


@pytest.mark.parametrize("lang", LANGS)
def test_worksheet_html_is_self_contained_mathml(lang):
    """The print view works offline: nothing is loaded from the network and every formula is MathML."""
    import re
    from html.parser import HTMLParser

    exercises = [e for level in (1, 2, 3) for e in worksheet_exercises("mixed", level, 40, len(KINDS))]
    page = worksheet_html(exercises, lang)

    class Resources(HTMLParser):
        def __init__(self):
            super().__init__()
            self.urls, self.tags = [], []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)
            self.urls += [v for k, v in attrs if k in ("src", "href", "data") and v]

    parser = Resources()
    parser.feed(page)
    assert "script" not in parser.tags and "link" not in parser.tags and "iframe" not in parser.tags
    assert not [u for u in parser.urls if "://" in u or u.startswith("//")]
    assert "https://" not in page and "http://" not in page.replace("http://www.w3.org/1998/Math/MathML", "")
    # no TeX left for a typesetter: only in each formula's alttext (what a screen reader may read)
    shown = re.sub(r'alttext="[^"]*"', "", page)
    assert "$$" not in shown and "\\begin" not in shown and "\\frac" not in shown
    assert page.count('alttext="') == page.count("<math ")
    n_math = sum(kind == "math" for kind, _ in worksheet_blocks(exercises, lang))
    assert page.count("<math ") == n_math and page.count("</math>") == n_math
    assert "<merror" not in page
    # aligned lines are table rows (a bare & or a line break Chromium ignores would run them together)
    assert "<mi>&</mi>" not in page and "linebreak" not in page
    # every block formula sits in a scrolling box, so a wide one is never cut off on screen
    assert len(re.findall(r'<div class="formula"><math ', page)) == n_math


@pytest.mark.parametrize("namespace", ["exercises", "check_work", "practice", "transposed"])
def test_english_strings_have_no_plural_hacks(namespace):
    """"1 zero(s) of padding", "1 of 9 cell(s) are wrong": plurals and counts read naturally (issue #12 item 12)."""
    import json
    from pathlib import Path

    strings = json.loads((Path(__file__).resolve().parents[2] / "assets/locales/en" / f"{namespace}.json")
                         .read_text(encoding="utf-8"))
    assert [k for k, v in strings.items() if "(s)" in v] == []


def test_a_wrong_answer_says_how_many_cells_naturally():
    ex = exercise_from("conv_forward", x=[[1, 2], [3, 4]], w=[[1]], b=0, stride=1, padding=0)
    grade = check_answer(ex, np.array([[1, 2], [3, 5]]))
    from ui.exercise_view import verdict
    assert verdict(grade, "en") == "Wrong cells: 1 of 4."
    # zero padding in words: "no padding" / "不补零", never "padding 0 on every side" / "每边补 0 个零"
    assert "and no padding." in statement(ex, "en") and "不补零" in statement(ex, "zh")
    assert "0 on every side" not in statement(ex, "en") and "补 0 个" not in statement(ex, "zh")
    padded = exercise_from("conv_forward", x=[[1, 2], [3, 4]], w=[[1]], b=0, stride=1, padding=1)
    assert "padding 1 on every side" in statement(padded, "en") and "每边补 1 个零" in statement(padded, "zh")


def test_same_padding_is_worked_in_short_aligned_lines():
    """SAME's O, P and the split were one 200-character line (cut off at 1280 px): now aligned lines."""
    ex = exercise_from("same_padding", in_hw=(7, 10), kernel_hw=(4, 3), stride=3, dilation=2)
    h, w = size_equations(ex)
    for latex in (h, w):
        assert latex.startswith(r"\begin{aligned}")
        assert max(len(line) for line in latex.split(r"\\")) < 110
    # the reference: (3−1)·3 + 2·(4−1) + 1 − 7 = 6 zeros on the rows, 3 on top and 3 at the bottom
    assert r"(3-1)\cdot3 + 2\cdot(4-1) + 1 - 7,\ 0\big) = 6" in h and r"= 6 - 3 = 3" in h
    assert r"\lceil 10/3 \rceil = 4" in w and r"= 4 - 2 = 2" in w


def test_a_wrong_size_is_titled_as_a_formula_not_cells():
    from ui.exercise_view import grade_blocks_title

    assert grade_blocks_title(make_exercise("same_padding", 1, 1)) == "exercises.right_answer_title"
    assert grade_blocks_title(make_exercise("conv_forward", 1, 1)) == "exercises.terms_title"


@pytest.mark.parametrize("lang", LANGS)
def test_a_cell_no_window_reaches_says_why_it_is_zero(lang):
    """x₅₅ = 6 ties with x₃₃ = 6 in the last 3×3 window: the first maximum takes δ, x₅₅ gets nothing."""
    x = [[1, 5, 2, 0, 3], [4, 2, 2, 7, 1], [0, 3, 6, 1, 2], [2, 8, 1, 4, 0], [5, 1, 3, 2, 6]]
    ex = exercise_from("pool_backward", x=x, dy=[[1, -2], [3, 4]], kernel=3, stride=2, mode="max")
    wrong = np.array(ex.answer)
    assert wrong[4, 4] == 0 and wrong[2, 2] == 5        # by hand: 1 + 4 at x₃₃
    wrong[4, 4] = 4
    blocks = wrong_cell_blocks(ex, check_answer(ex, wrong), lang)
    math = [text for kind, text in blocks if kind == "math"]
    assert math == [r"\left(\tfrac{\partial L}{\partial x}\right)_{55} = 0"]   # not "= 0 = 0"
    assert blocks[-1] == ("p", translate(lang, "exercises.no_terms_max"))


def test_chinese_statement_has_no_space_between_sentences():
    ex = exercise_from("conv_forward", x=[[1, 2], [3, 4]], w=[[1]], b=0, stride=1, padding=0)
    assert "。 " not in statement(ex, "zh") and "。你的答案" in statement(ex, "zh")
    assert ". Your answer" in statement(ex, "en")


def test_average_pooling_cell_is_written_on_one_level():
    """(x₁₁ + x₁₂ + x₂₁ + x₂₂)/4, no \\frac: a tall first line loses its top in Streamlit's formula box."""
    ex = exercise_from("pool_forward", x=[[1, 2], [3, 5]], kernel=2, stride=2, padding=0, mode="avg")
    latex = cell_equation(ex, explain_cell(ex, (0, 0)))
    assert r"\frac" not in latex
    assert r"(x_{11} + x_{12} + x_{21} + x_{22})\,/\,4" in latex and r"(1 + 2 + 3 + 5)\,/\,4" in latex
    assert latex.endswith(r"&= 2.75 \end{aligned}")   # 11/4 by hand


@pytest.mark.parametrize("lang", LANGS)
def test_mistake_explanations_write_formulas_in_latex_not_ascii(lang):
    """"∂L/∂w_ij = Σ_mn δ_mn · x_(i+m, j+n)" was raw ASCII with 0-based, stride-less indices."""
    for code in MISTAKES:
        text = translate(lang, f"exercises.mistake_{code}_right") + translate(lang, f"exercises.mistake_{code}_done")
        outside = "".join(text.split("$")[::2])      # the text outside $...$
        assert "Σ_" not in outside and "_ij" not in outside and "_mn" not in outside, code
    right = translate(lang, "exercises.mistake_output_instead_of_input_right")
    assert r"\tilde x_{(m-1)s+i,\,(n-1)s+j}" in right and right.count("$") == 2


@pytest.mark.parametrize("lang", LANGS)
def test_a_wrong_single_number_is_not_counted_in_cells(lang):
    from ui.exercise_view import verdict

    ex = exercise_from("transposed_output_size", n=4, k=3, stride=3, padding=2, output_padding=2, dilation=2)
    assert ex.answer[0, 0] == (4 - 1) * 3 - 2 * 2 + 2 * (3 - 1) + 2 + 1 == 12
    assert verdict(check_answer(ex, [[13]]), lang) == translate(lang, "exercises.verdict_wrong_one")


@pytest.mark.parametrize("lang", LANGS)
def test_average_pooling_backward_statement_has_no_tie_rule(lang):
    x = [[1, 2], [3, 4]]
    avg = exercise_from("pool_backward", x=x, dy=[[4]], kernel=2, stride=2, mode="avg")
    mx = exercise_from("pool_backward", x=x, dy=[[4]], kernel=2, stride=2, mode="max")
    assert np.array_equal(avg.answer, [[1, 1], [1, 1]])          # 4 shared by 4 cells
    tie = {"en": "tie", "zh": "并列"}[lang]
    assert tie not in statement(avg, lang) and tie in statement(mx, lang)
