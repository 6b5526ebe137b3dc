"""Check my work through the real app, both languages: setup from a link, answer, marks, named mistake."""

from __future__ import annotations

import numpy as np
import pytest

from ui.exercise_view import check_link
from ui.i18n import explain_error, translate
from ui.matrix_input import format_matrix, parse_matrix

from tests.reference import correlate, pool

from .conftest import all_text, choice_markup, choice_values, choose, chosen, link_of, no_exception, open_page, plotly_figures
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
    assert chosen(at, "check_work.kind")[0] == "conv_forward"   # the link's kind, shown in the menu
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
    # the kind's warning is the link's usual one, in the reader's language; the menu shows the default kind
    from cnn_core import KINDS
    from ui.url_state import ChoiceParam, UrlProblem, describe_problem

    spec = ChoiceParam("kind", "conv_forward", KINDS, label_key="check_work.kind")
    problem = UrlProblem("kind", "<b>x</b>", "not_a_choice", {"choices": ", ".join(KINDS)})
    assert describe_problem(problem, spec, lang) in [w.value for w in at.warning]
    assert chosen(at, "check_work.kind")[0] == "conv_forward"
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


@pytest.mark.parametrize("lang", LANGS)
def test_the_kind_menu_lists_every_kind_and_its_choice_moves_the_page_and_the_link(lang):
    """The kind menu (ui.components.choice_menu): every kind by its name in the reader's language, the chosen one
    marked; a choice brings that kind's fields and exercise and goes into the link; a link opens with it shown."""
    from cnn_core import KINDS
    from ui.exercise_view import kind_name

    at = open_page("check_work", lang)
    selected, options = chosen(at, "check_work.kind")
    assert selected == "conv_forward" and options == [(k, kind_name(k, lang)) for k in KINDS]
    # the label and the help's tooltip in the reader's language
    assert f'<span>{translate(lang, "check_work.kind")}</span>' in choice_markup(at, "check_work.kind")
    assert f'title="{translate(lang, "check_work.kind_help")}"' in choice_markup(at, "check_work.kind")
    choose(at, "check_work.kind", "same_padding")
    no_exception(at)
    assert chosen(at, "check_work.kind")[0] == "same_padding"
    assert at.session_state["check_work.kind"] == "same_padding" and link_of(at)["kind"] == "same_padding"
    assert translate(lang, "check_work.field_kernel_h") in [n.label for n in at.number_input]
    assert not at.text_area(key="check_work.answer").value   # the new kind's exercise and an empty answer box
    again = open_page("check_work", lang, link_of(at))     # the link opens with that kind shown
    assert chosen(again, "check_work.kind")[0] == "same_padding" and not again.warning


@pytest.mark.parametrize("lang", LANGS)
def test_the_pooling_mode_menu_shows_the_links_mode_and_its_choice_sets_the_exercise(lang):
    """The pooling exercises' mode field (``render_fields``: a choice menu, #14 round 12): "max" and "average" in the
    reader's language, the link's mode selected; a choice sets the exercise (its answer) and the link; a value the
    browser makes up changes nothing; a bad mode in a link gets the usual warning and the default."""
    from ui.components.choice_menu import apply_choice
    from ui.exercise_view import FIELDS

    key = "check_work.pool_forward.mode"
    x = {f.name: f.default for f in FIELDS["pool_forward"]}["x"]
    at = open_page("check_work", lang, {"kind": "pool_forward", "mode": "avg"})
    no_exception(at)
    assert not at.warning
    assert chosen(at, key) == ("avg", [(m, translate(lang, f"exercises.mode_{m}")) for m in ("max", "avg")])
    assert f"<span>{translate(lang, 'check_work.field_mode')}</span>" in choice_markup(at, key)
    assert link_of(at)["mode"] == "avg"
    assert at.success == [] and submit(at, format_matrix(pool(x, 2, 2, 0, "avg"))).success   # the average's answer
    choose(at, key, "max")
    no_exception(at)
    assert chosen(at, key)[0] == "max" and "mode" not in link_of(at)   # the default mode leaves the link
    assert submit(at, format_matrix(pool(x, 2, 2, 0, "max"))).success
    for sent in ("min", "MAX", "average", "<b>avg</b>", "", 0, None):
        assert not apply_choice(at.session_state, key, sent), sent
    at.run()
    no_exception(at)
    assert at.session_state[key] == "max" and chosen(at, key)[0] == "max" and "mode" not in link_of(at)
    bad = open_page("check_work", lang, {"kind": "pool_forward", "mode": "<b>x</b>"})
    no_exception(bad)
    assert len(bad.warning) == 1 and "<b>" not in bad.warning[0].value and chosen(bad, key)[0] == "max"


def test_a_kind_the_menu_did_not_offer_changes_nothing():
    """The browser's value is checked against the kinds the menu offered: a made-up one, or not a string, is
    refused and the page keeps its kind (nothing raised in the callback)."""
    from ui.components.choice_menu import apply_choice

    at = open_page("check_work", "en", {"kind": "output_size"})
    assert set(choice_values(at, "check_work.kind")) >= {"conv_forward", "output_size", "same_padding"}
    for sent in ("<b>x</b>", "", "Output size", 3, None, ["same_padding"]):
        assert not apply_choice(at.session_state, "check_work.kind", sent), sent
    at.run()
    no_exception(at)
    assert at.session_state["check_work.kind"] == "output_size" and chosen(at, "check_work.kind")[0] == "output_size"
    assert link_of(at)["kind"] == "output_size"
