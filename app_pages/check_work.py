"""Check my work: the user's setup and hand-computed answer -> every cell marked, the mistake named.

Thin: widgets and URL in -> cnn_core.exercises (exercise_from, check_answer) -> ui.exercise_view out.
A topic page links here with its setup in the URL (``ui.exercise_view.check_link``). Everything below the
introduction is a part of its own (``_body``, keyed): the kind menu, its fields, answer box and button rerun it alone,
not the title and the introduction (#14 round 10). The kind menu is the browser's own ``<select>``
(``ui.components.choice_menu``, #14 round 12: a Streamlit select re-rendered ~140 React components on every pass)
drawn inside the part, so a new kind is one run of the part (it was a callback rerunning the part by name: two runs).
"""

from __future__ import annotations

import streamlit as st

from cnn_core import KINDS, CoreValueError, check_answer, exercise_from
from ui.components.choice_menu import choice_menu
from ui.exercise_view import (grade_text, check_link, exercise_blocks, given_from_fields, kind_name, render_blocks,
                              render_fields, render_grade, url_specs)
from ui.i18n import current_language, explain_error, t
from ui.url_state import ChoiceParam, init_from_url, sync_to_url

PAGE = "check_work"
KIND_SPECS = (ChoiceParam("kind", "conv_forward", KINDS, label_key="check_work.kind"),)
lang = current_language()

st.title(t("check_work.title"))
st.markdown(t("check_work.intro"))

init_from_url(PAGE, KIND_SPECS)
BODY_PART = f"{PAGE}.body_part"


@st.fragment(key=BODY_PART)
def _body() -> None:
    """The kind menu, the chosen kind's setup, its exercise, the answer box and the verdict."""
    kind = choice_menu(t("check_work.kind"), [(k, kind_name(k, lang)) for k in KINDS], f"{PAGE}.kind",
                       help=t("check_work.kind_help"))
    specs = url_specs(kind, PAGE)
    init_from_url(f"{PAGE}.{kind}", specs)

    with st.container(border=True):
        st.markdown(f"**{t('check_work.setup')}**")
        values = render_fields(kind, PAGE, lang)

    sync_to_url(PAGE, KIND_SPECS, include_defaults=True)
    sync_to_url(f"{PAGE}.{kind}", specs)
    for name in list(st.query_params):  # drop the fields of a kind chosen before
        if name not in {"lang", "kind"} | {spec.name for spec in specs}:
            del st.query_params[name]

    exercise = None
    if values is not None:
        try:
            exercise = exercise_from(kind, **given_from_fields(kind, values))
        except CoreValueError as err:
            st.error(explain_error(err))

    if exercise is not None:
        render_blocks(exercise_blocks(exercise, lang), f"{PAGE}.exercise_math")
        answer_key = f"{PAGE}.answer"
        text = st.text_area(t("check_work.answer"), key=answer_key, help=t("check_work.answer_help"),
                            placeholder=t("check_work.answer_placeholder"))
        signature = (check_link(kind, **exercise.given), text)
        if st.button(t("check_work.check"), key=f"{PAGE}.check", type="primary"):
            st.session_state[f"{PAGE}.checked"] = signature
        if st.session_state.get(f"{PAGE}.checked") == signature:
            grade = grade_text(exercise, text)
            if grade is not None:
                render_grade(exercise, grade, lang, key=f"{PAGE}.fig_answer")


_body()
