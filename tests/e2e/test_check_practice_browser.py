"""Practice and Check my work in a real browser: solve one exercise wrong (the mistake is named) and right."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_core.exercises import make_exercise
from ui.exercise_view import check_link
from ui.i18n import translate
from ui.matrix_input import format_matrix

from tests.reference import correlate

from .conftest import answer, assert_no_exception, screenshot, wait_for_app, wait_for_text

pytestmark = pytest.mark.e2e

SEED, LEVEL = 5, 1


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_practice_wrong_then_right(server_url, new_page, lang):
    pg = new_page
    pg.goto(f"{server_url}/practice?lang={lang}&kind=conv_forward&level={LEVEL}&seed={SEED}")
    wait_for_app(pg)
    wait_for_text(pg, translate(lang, "practice.title"))
    assert_no_exception(pg)
    g = make_exercise("conv_forward", SEED, LEVEL).given
    right = correlate(g["x"], g["w"]) + g["b"]
    flipped = correlate(g["x"], np.array(g["w"])[::-1, ::-1]) + g["b"]
    assert not np.array_equal(right, flipped)

    check = translate(lang, "practice.check")
    answer(pg, "practice.answer", format_matrix(flipped), check)
    wait_for_text(pg, translate(lang, "exercises.mistake_flipped_kernel"))
    assert_no_exception(pg)
    assert translate(lang, "exercises.verdict_correct") not in pg.inner_text("body")
    screenshot(pg, f"practice-{lang}-wrong")

    answer(pg, "practice.answer", format_matrix(right), check)
    wait_for_text(pg, translate(lang, "exercises.verdict_correct"))
    assert translate(lang, "practice.score", tried=1, solved=1) in pg.inner_text("body")
    assert "seed=5" in pg.url and "kind=conv_forward" in pg.url
    screenshot(pg, f"practice-{lang}-right")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_check_my_work_from_a_topic_link(server_url, new_page, lang):
    pg = new_page
    x = np.array([[1.0, 2, 0, 1], [0, 1, 3, 1], [2, 2, 1, 0], [1, 0, 1, 2]])
    w = np.array([[1.0, 0], [2, -1]])
    pg.goto(f"{server_url}{check_link('conv_forward', x=x, w=w, b=0, stride=1, padding=1)}&lang={lang}")
    wait_for_app(pg)
    wait_for_text(pg, translate(lang, "check_work.title"))
    answer(pg, "check_work.answer", format_matrix(correlate(x, w)), translate(lang, "check_work.check"))
    wait_for_text(pg, translate(lang, "exercises.mistake_no_padding"))
    assert_no_exception(pg)
    screenshot(pg, f"check_work-{lang}-no-padding")
