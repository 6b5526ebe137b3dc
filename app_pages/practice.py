"""Practice: generated exercises at three levels, graded with named mistakes, worked solutions, worksheets.

Thin: widgets and URL (kind, level, seed: one link = one exercise for every student) in ->
cnn_core.exercises -> ui.exercise_view out. The kind and the level are choice menus (the browser's own ``<select>``,
``ui.components.choice_menu``), kept under "practice.kind" / "practice.level" as the link reads and writes them.
"""

from __future__ import annotations

import secrets

import streamlit as st

from cnn_core import KINDS, CoreValueError
from cnn_core.exercises import MAX_SEED
from ui.components.choice_menu import choice_menu
from ui.exercise_view import (grade_text, MAX_WORKSHEET, MIXED, exercise_blocks, kind_name, practice_exercise, render_blocks,
                              render_grade, solution_blocks, worksheet_exercises, worksheet_html,
                              worksheet_markdown)
from ui.i18n import current_language, explain_error, t
from ui.url_state import ChoiceParam, IntParam, init_from_url, sync_to_url

PAGE = "practice"
CHOICES = (MIXED,) + KINDS
SPECS = (
    ChoiceParam("kind", MIXED, CHOICES, label_key="practice.kind"),
    IntParam("level", 1, 1, 3, label_key="practice.level"),
    IntParam("seed", 1, 0, MAX_SEED, label_key="practice.seed"),
)
lang = current_language()


def _new_exercise() -> None:
    st.session_state[f"{PAGE}.seed"] = secrets.randbelow(10_000)
    st.session_state[f"{PAGE}.answer"] = ""
    st.session_state[f"{PAGE}.show_solution"] = False


@st.cache_data(show_spinner=False, max_entries=16)
def _worksheet(choice: str, level: int, seed: int, count: int, lang: str) -> tuple[str, str]:
    exercises = worksheet_exercises(choice, level, seed, count)
    return worksheet_markdown(exercises, lang), worksheet_html(exercises, lang)


st.title(t("practice.title"))
st.markdown(t("practice.intro"))
init_from_url(PAGE, SPECS)
score = st.session_state.setdefault(f"{PAGE}.score", {"tried": [], "solved": []})

with st.container(border=True):
    col_kind, col_level, col_seed, col_new = st.columns([3, 2, 2, 2], vertical_alignment="bottom")
    # the browser's own <select> (ui.components.choice_menu, #14 round 12): a Streamlit select is ~140 React
    # components that every pass of the page re-renders, whichever control started it
    choice = choice_menu(t("practice.kind"), [(k, t("practice.mixed") if k == MIXED else kind_name(k, lang))
                                              for k in CHOICES], f"{PAGE}.kind", where=col_kind)
    level = int(choice_menu(t("practice.level"), [(n, t(f"practice.level_{n}")) for n in (1, 2, 3)],
                            f"{PAGE}.level", where=col_level))
    with col_seed:
        seed = int(st.number_input(t("practice.seed"), min_value=0, max_value=MAX_SEED, step=1, key=f"{PAGE}.seed",
                                   help=t("practice.seed_help")))
    with col_new:
        st.button(t("practice.new"), key=f"{PAGE}.new", on_click=_new_exercise, type="primary")
sync_to_url(PAGE, SPECS, include_defaults=True)
st.caption(t("practice.share"))

try:
    exercise = practice_exercise(choice, level, seed)
except CoreValueError as err:
    st.error(explain_error(err))
    exercise = None

if exercise is not None:
    ident = (exercise.kind, exercise.level, exercise.seed)
    st.subheader(t("practice.exercise", kind=kind_name(exercise.kind, lang), level=level, seed=seed))
    render_blocks(exercise_blocks(exercise, lang), f"{PAGE}.exercise_math")
    text = st.text_area(t("practice.answer"), key=f"{PAGE}.answer", help=t("practice.answer_help"))
    col_check, col_solution = st.columns(2)
    with col_check:
        if st.button(t("practice.check"), key=f"{PAGE}.check"):
            st.session_state[f"{PAGE}.checked"] = (ident, text)
    with col_solution:
        show_solution = st.toggle(t("practice.show_solution"), key=f"{PAGE}.show_solution")
    if st.session_state.get(f"{PAGE}.checked") == (ident, text):
        grade = grade_text(exercise, text)
        if grade is not None:
            if list(ident) not in score["tried"]:
                score["tried"].append(list(ident))
            if grade.correct and list(ident) not in score["solved"]:
                score["solved"].append(list(ident))
            render_grade(exercise, grade, lang, key=f"{PAGE}.fig_answer", solution_shown=show_solution)
    if show_solution:
        render_blocks([("h", t("practice.solution"))] + solution_blocks(exercise, lang), f"{PAGE}.solution_math")
    st.markdown(f"**{t('practice.score', tried=len(score['tried']), solved=len(score['solved']))}**" if score["tried"]
                else f"**{t('practice.score_none')}**")      # not "0 solved of 0 tried"

with st.expander(t("practice.worksheet")):
    st.markdown(t("practice.worksheet_intro"))
    count = int(st.number_input(t("practice.worksheet_count"), min_value=1, max_value=MAX_WORKSHEET, value=6,
                                step=1, key=f"{PAGE}.worksheet_count"))
    try:
        markdown, page = _worksheet(choice, level, seed, count, lang)
    except CoreValueError as err:
        st.error(explain_error(err))
    else:
        col_md, col_html = st.columns(2)
        with col_md:
            st.download_button(t("practice.download_md"), markdown, file_name=f"worksheet-{seed}.md",
                               mime="text/markdown", key=f"{PAGE}.download_md")
        with col_html:
            st.download_button(t("practice.download_html"), page, file_name=f"worksheet-{seed}.html",
                               mime="text/html", key=f"{PAGE}.download_html")
