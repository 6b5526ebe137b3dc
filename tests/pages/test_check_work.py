"""Check my work through the real app, both languages: setup from a link, answer, marks, named mistake."""

from __future__ import annotations

import numpy as np
import pytest

from ui.exercise_view import check_link
from ui.i18n import explain_error, translate
from ui.matrix_input import format_matrix, parse_matrix

from tests.reference import correlate

from .conftest import all_text, no_exception, open_page, plotly_figures
from .math_boxes import math_box_formulas, math_box_text

LANGS = ("en", "zh")
X = np.array([[1.0, 2, 0], [0, 1, 3], [2, 2, 1]])
W = np.array([[1.0, 0], [2, -1]])


def query_of(link: str) -> dict[str, str]:
    from urllib.parse import parse_qs, urlparse

    return {k: v[0] for k, v in parse_qs(urlparse(link).query).items()}


def formulas(at) -> list[str]:
    """The page's formulas (LaTeX): the math boxes' MathML, and anything still sent to KaTeX (none is)."""
    return math_box_formulas(at, "check_work.") + [el.value for el in at.latex]


def submit(at, text: str):
    at.text_area(key="check_work.answer").input(text)
    at.button(key="check_work.check").click().run()
    no_exception(at)
    return at


@pytest.mark.parametrize("lang", LANGS)
def test_a_linked_setup_graded_right_and_flipped(lang):
    at = open_page("check_work", lang, query_of(check_link("conv_forward", x=X, w=W, b=1, stride=1, padding=0)))
    no_exception(at)
    assert at.selectbox(key="check_work.kind").value == "conv_forward"
    right = correlate(X, W) + 1
    submit(at, format_matrix(right))
    assert [s.value for s in at.success] == [translate(lang, "exercises.verdict_correct")]
    flipped = correlate(X, W[::-1, ::-1]) + 1
    submit(at, format_matrix(flipped))
    text = all_text(at)
    assert translate(lang, "exercises.mistake_flipped_kernel") in text
    marks = plotly_figures(at)[0]["data"][0]["text"]
    wrong = {(r, c) for r in range(2) for c in range(2) if marks[r][c].endswith("✗")}
    assert wrong == {(r, c) for r in range(2) for c in range(2) if flipped[r, c] != right[r, c]}
    # each wrong cell's right value with its terms, as MathML (nothing left to KaTeX: no st.latex, no $…$)
    assert any(r"x_{11}\,w_{11}" in f for f in math_box_formulas(at, "check_work.fig_answer.right_math"))
    assert not at.latex and not any("$" in m.value for m in at.markdown)
    # the statement and the given matrices are MathML too, before the answer box
    (given,) = math_box_formulas(at, "check_work.exercise_math")
    assert given.startswith("x = \\begin{bmatrix} 1 & 2 & 0") and "w = \\begin{bmatrix} 1 & 0 \\\\ 2 & -1" in given
    assert "b = 1" in math_box_text(at, "check_work.exercise_math")


@pytest.mark.parametrize("lang", LANGS)
def test_missing_padding_diagnosed_from_the_shape(lang):
    at = open_page("check_work", lang, query_of(check_link("conv_forward", x=X, w=W, b=0, stride=1, padding=1)))
    submit(at, format_matrix(correlate(X, W)))
    assert translate(lang, "exercises.mistake_no_padding") in all_text(at)
    assert translate(lang, "exercises.verdict_shape", got="2×2", expected="4×4") in [e.value for e in at.error]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("text, code", [("1 2\n3 x", "matrix_not_a_number"), ("nan 1\n1 1", "matrix_not_finite"),
                                        ("", "matrix_empty"), ("1 2\n3", "matrix_ragged")])
def test_bad_answers_get_a_translated_message_and_no_grade(lang, text, code):
    at = open_page("check_work", lang)
    submit(at, text)
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and not at.success and not plotly_figures(at)
    assert errors[0] == explain_error(parse_matrix(text).error, lang)
    assert parse_matrix(text).error.code == code


@pytest.mark.parametrize("lang", LANGS)
def test_tampered_link_and_bad_setup(lang):
    at = open_page("check_work", lang, {"kind": "<b>x</b>", "stride": "abc"})
    no_exception(at)
    assert len(at.warning) == 2 and "<b>" not in " ".join(w.value for w in at.warning)
    at = open_page("check_work", lang, {"kind": "softmax_ce_grad", "z": "1,2", "y": "1,1"})
    no_exception(at)
    assert [e.value for e in at.error] == [translate(lang, "errors.not_one_hot", name="y")]


@pytest.mark.parametrize("lang", LANGS)
def test_a_size_kind_shows_its_formula_for_a_wrong_answer(lang):
    query = query_of(check_link("output_size", in_hw=6, kernel_hw=3, stride=2, padding=0, dilation=1))
    at = open_page("check_work", lang, query)
    submit(at, "2.5, 2.5")
    assert translate(lang, "exercises.mistake_no_floor") in all_text(at)
    assert any(r"\left\lfloor \frac{3}{2} \right\rfloor" in f for f in formulas(at))
    assert not at.latex


@pytest.mark.parametrize("lang", LANGS)
def test_every_kind_renders_its_setup_and_grades(lang):
    from cnn_core import KINDS, exercise_from
    from ui.exercise_view import FIELDS, given_from_fields

    for kind in KINDS:
        at = open_page("check_work", lang, {"kind": kind})
        no_exception(at)
        ex = exercise_from(kind, **given_from_fields(kind, {f.name: f.default for f in FIELDS[kind]}))
        wrong = np.array(ex.answer) + 1
        submit(at, format_matrix(wrong))
        assert not at.success and len(at.error) == 1, kind
        expected = (translate(lang, "exercises.verdict_wrong_one") if ex.answer.size == 1 else
                    translate(lang, "exercises.verdict_wrong", wrong=ex.answer.size, total=ex.answer.size))
        assert expected == at.error[0].value, kind
        submit(at, format_matrix(ex.answer))
        assert [s.value for s in at.success] == [translate(lang, "exercises.verdict_correct")], kind
