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
from .conftest import choice_markup, choose, chosen, link_of, no_exception, open_page, plotly_figures
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
    assert chosen(at, "practice.kind")[0] == "pool_forward" and chosen(at, "practice.level")[0] == "2"
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
    assert chosen(at, "practice.kind")[0] == "mixed" and chosen(at, "practice.level")[0] == "1"
    assert at.session_state["practice.kind"] == "mixed" and at.session_state["practice.level"] == 1


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


@pytest.mark.parametrize("lang", LANGS)
def test_the_kind_and_level_menus_offer_every_choice_in_the_readers_language(lang):
    """The kind and level menus (ui.components.choice_menu, #14 round 12): "mixed" then every kind by its name, the
    three levels by their words, the link's choice marked; a choice moves the exercise and the link, and a link
    opens with it shown."""
    from cnn_core import KINDS
    from ui.exercise_view import kind_name

    at = open_page("practice", lang, LINK)
    selected, options = chosen(at, "practice.kind")
    assert selected == "pool_forward"
    assert options == [("mixed", translate(lang, "practice.mixed"))] + [(k, kind_name(k, lang)) for k in KINDS]
    assert chosen(at, "practice.level") == ("2", [(str(n), translate(lang, f"practice.level_{n}")) for n in (1, 2, 3)])
    assert f'<span>{translate(lang, "practice.kind")}</span>' in choice_markup(at, "practice.kind")
    assert f'<span>{translate(lang, "practice.level")}</span>' in choice_markup(at, "practice.level")
    assert not at.selectbox                                      # no Streamlit select left on the page
    choose(at, "practice.kind", "conv_forward")
    choose(at, "practice.level", 3)
    no_exception(at)
    assert at.session_state["practice.level"] == 3 and chosen(at, "practice.level")[0] == "3"
    assert link_of(at)["kind"] == "conv_forward" and link_of(at)["level"] == "3" and link_of(at)["seed"] == "42"
    assert translate(lang, "practice.exercise", kind=kind_name("conv_forward", lang), level=3, seed=42) in all_text(at)
    again = open_page("practice", lang, link_of(at))
    assert chosen(again, "practice.kind")[0] == "conv_forward" and chosen(again, "practice.level")[0] == "3"
    assert not again.warning


def test_a_choice_the_menus_did_not_offer_changes_nothing():
    """The browser's value is checked against what the menus offered: a made-up kind or level is refused."""
    from ui.components.choice_menu import apply_choice

    at = open_page("practice", "en", LINK)
    for key, sent in (("practice.kind", "drop table"), ("practice.kind", "Mixed (the number picks the kind)"),
                      ("practice.level", "4"), ("practice.level", 2), ("practice.level", "<b>1</b>")):
        assert not apply_choice(at.session_state, key, sent), (key, sent)
    at.run()
    no_exception(at)
    assert chosen(at, "practice.kind")[0] == "pool_forward" and chosen(at, "practice.level")[0] == "2"
    assert link_of(at)["kind"] == "pool_forward" and link_of(at)["level"] == "2"
