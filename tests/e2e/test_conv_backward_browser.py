"""The "Convolution backward" page in Chromium: both languages, the scatter slider changes a figure."""

from __future__ import annotations

import pytest

from ui.i18n import translate
from ui.latex import subscript_unicode

from .conftest import (assert_no_exception as no_exception, figure_z, open_tab, press_slider, screenshot,
                       wait_for_app, wait_for_figure)

pytestmark = pytest.mark.e2e

PAGE = "conv_backward"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_loads_and_the_scatter_slider_moves_delta_back(server_url, new_page, lang):
    pg = new_page
    pg.goto(f"{server_url}/{PAGE}?lang={lang}")
    wait_for_app(pg)
    no_exception(pg)
    assert translate(lang, "conv_backward.title") in pg.locator("h1").first.inner_text()
    # the default view: the chain rule for i₁₂ with the δ cells whose windows covered it
    way1 = translate(lang, "conv_backward.fig_way1", cell=subscript_unicode("i", 0, 1))
    wait_for_figure(pg, way1)
    assert figure_z(pg, way1) == [[0, 1, 1], [2, 2, 2], [1, 0, 0]]
    screenshot(pg, f"{PAGE}-{lang}-default")

    open_tab(pg, translate(lang, "conv_backward.tab_way2"))
    step1 = translate(lang, "conv_backward.fig_after", k=1, total=9)
    wait_for_figure(pg, step1)
    assert figure_z(pg, step1) == [[0] * 4] * 4                 # δ11 = 0 sends nothing

    press_slider(pg, translate(lang, "conv_backward.step"))
    step2 = translate(lang, "conv_backward.fig_after", k=2, total=9)
    wait_for_figure(pg, step2)
    # δ12 = 1 sends 1·h = [[1, -1], [1, -1]] onto rows 1-2, columns 2-3
    assert figure_z(pg, step2) == [[0, 1, -1, 0], [0, 1, -1, 0], [0, 0, 0, 0], [0, 0, 0, 0]]
    no_exception(pg)
    pg.wait_for_url("**step=2**", timeout=10000)                 # the link follows the slider
    screenshot(pg, f"{PAGE}-{lang}-step2")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_seed_003_multi_channel_example(server_url, new_page, lang):
    pg = new_page
    pg.goto(f"{server_url}/{PAGE}?lang={lang}&example=multi")
    wait_for_app(pg)
    no_exception(pg)
    wait_for_figure(pg, translate(lang, "conv_backward.fig_way1", cell=subscript_unicode("x", 0, 0, 1)),
                    timeout_ms=40000)
    screenshot(pg, f"{PAGE}-{lang}-multi")
    open_tab(pg, translate(lang, "conv_backward.tab_way3"))
    wait_for_figure(pg, translate(lang, "conv_backward.fig_dx_padded"), timeout_ms=40000)
    open_tab(pg, translate(lang, "conv_backward.tab_sgd"))
    assert "0.991" in pg.inner_text("body")                       # seed 003's printed b1 after the step
    pg.get_by_role("tab", name=translate(lang, "conv_backward.filter_n", n=2)).click()
    pg.wait_for_timeout(300)
    assert "-0.007" in pg.inner_text("body")                      # and b2


def test_bad_matrix_keeps_the_page_alive(server_url, new_page):
    pg = new_page
    pg.goto(f"{server_url}/{PAGE}?lang=en")
    wait_for_app(pg)
    area = pg.locator('[data-testid="stTextArea"]').filter(
        has_text=translate("en", "conv_backward.x_label")).locator("textarea")
    area.fill("<b>x</b> __import__('os')")
    area.press("Control+Enter")
    pg.wait_for_timeout(500)
    wait_for_app(pg)
    no_exception(pg)
    alerts = pg.locator('[data-testid="stAlert"]').all_inner_texts()
    assert any("<b>x</b>" in a for a in alerts)                   # shown as text, never as HTML
    pg.get_by_text(translate("en", "conv_backward.layer_title")).click()     # the lazily drawn layer heatmaps
    pg.wait_for_timeout(400)
    wait_for_app(pg)
    wait_for_figure(pg, translate("en", "conv_backward.fig_delta1"))
    screenshot(pg, f"{PAGE}-en-bad-input")
