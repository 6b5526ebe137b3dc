"""Practice through the real app, both languages: one link = one exercise, grading, solution, score, worksheet."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_core.exercises import make_exercise
from ui.i18n import translate
from ui.latex import latex_matrix
from ui.matrix_input import format_matrix

from tests.reference import pool

from .conftest import all_text as page_text
from .conftest import no_exception, open_page, plotly_figures
from .math_boxes import math_box_formulas, math_box_text

LANGS = ("en", "zh")
LINK = {"kind": "pool_forward", "level": "2", "seed": "42"}


def all_text(at) -> str:
    """The page's texts and what its math boxes say (the exercise, the solution, the right answer's terms)."""
    return page_text(at) + "\n" + math_box_text(at, "practice.")


def formulas(at) -> list[str]:
    """The page's formulas (LaTeX): the math boxes' MathML, and anything still sent to KaTeX (none is)."""
    return math_box_formulas(at, "practice.") + [el.value for el in at.latex]


def answer_of_link() -> np.ndarray:
    g = make_exercise("pool_forward", 42, 2).given
    return pool(np.array(g["x"]), g["kernel"], g["stride"], g["padding"], g["mode"])


def check(at, text: str):
    at.text_area(key="practice.answer").input(text)
    at.button(key="practice.check").click().run()
    no_exception(at)
    return at


@pytest.mark.parametrize("lang", LANGS)
def test_a_shared_link_opens_the_same_exercise_and_grades_it(lang):
    at = open_page("practice", lang, LINK)
    no_exception(at)
    assert at.selectbox(key="practice.kind").value == "pool_forward"
    assert at.number_input(key="practice.seed").value == 42
    g = make_exercise("pool_forward", 42, 2).given
    assert math_box_formulas(at, "practice.exercise_math") == [f"x = {latex_matrix(g['x'])}"]
    assert not at.latex                                   # MathML in a math box: nothing for KaTeX to typeset
    # nothing checked yet: said in words, not "0 solved of 0 tried"
    assert translate(lang, "practice.score_none") in all_text(at)
    assert translate(lang, "practice.score", tried=0, solved=0) not in all_text(at)
    wrong = answer_of_link().T + (0 if not np.allclose(answer_of_link(), answer_of_link().T) else 1)
    check(at, format_matrix(wrong))
    assert not at.success and plotly_figures(at)
    check(at, format_matrix(answer_of_link()))
    assert [s.value for s in at.success] == [translate(lang, "exercises.verdict_correct")]
    assert translate(lang, "practice.score", tried=1, solved=1) in all_text(at)
    assert str(at.query_params["kind"]) == "pool_forward" and str(at.query_params["seed"]) == "42"


@pytest.mark.parametrize("lang", LANGS)
def test_solution_and_new_exercise(lang):
    at = open_page("practice", lang, LINK)
    at.toggle(key="practice.show_solution").set_value(True).run()
    no_exception(at)
    assert translate(lang, "practice.solution") in all_text(at)
    shown = math_box_formulas(at, "practice.solution_math")
    assert shown[0] == f"y = {latex_matrix(answer_of_link())}"          # the answer, then its cells worked out
    assert len(shown) > 1 and not at.latex
    assert math_box_text(at, "practice.solution_math").startswith(f"**{translate(lang, 'practice.solution')}**")
    at.button(key="practice.new").click().run()
    no_exception(at)
    assert at.text_area(key="practice.answer").value == ""
    assert at.toggle(key="practice.show_solution").value is False


@pytest.mark.parametrize("lang", LANGS)
def test_tampered_link_falls_back_with_warnings(lang):
    at = open_page("practice", lang, {"kind": "drop table", "level": "7", "seed": "-3"})
    no_exception(at)
    assert len(at.warning) == 3
    assert at.selectbox(key="practice.kind").value == "mixed" and at.selectbox(key="practice.level").value == 1


@pytest.mark.parametrize("lang", LANGS)
def test_worksheet_downloads_are_offered(lang):
    at = open_page("practice", lang, LINK)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == [translate(lang, "practice.download_md"), translate(lang, "practice.download_html")]


@pytest.mark.parametrize("lang", LANGS)
def test_wrong_shape_with_the_solution_open_shows_the_solution_once(lang):
    at = open_page("practice", lang, {"kind": "conv_input_grad", "level": "3", "seed": "16"})
    at.toggle(key="practice.show_solution").set_value(True).run()
    check(at, "1")
    ex = make_exercise("conv_input_grad", 16, 3)
    whole = [f for f in formulas(at) if latex_matrix(ex.answer) in f]
    assert len(whole) == 1 and r"\tfrac{\partial L}{\partial x} = " in whole[0]   # not "\text{answer}"
    assert translate(lang, "exercises.right_answer_title") not in all_text(at)
    assert translate(lang, "practice.solution") in all_text(at)
