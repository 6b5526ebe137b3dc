"""The "Convolution (one channel)" page in Chromium: loads in both languages, sliders change figures."""

from __future__ import annotations

import pytest

from ui.i18n import translate

from .conftest import FIGURE_Z, assert_no_exception, figure_z, press_slider, screenshot, wait_for_app, wait_for_figure

pytestmark = pytest.mark.e2e

PAGE = "conv_single"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_loads_and_stride_slider_changes_the_output(server_url, new_page, lang):
    pg = new_page
    pg.goto(f"{server_url}/{PAGE}?lang={lang}")
    wait_for_app(pg)
    assert_no_exception(pg)
    assert translate(lang, "conv_single.title") in pg.locator("h1").first.inner_text()
    corr_title = translate(lang, "conv_single.fig_net")  # net = the cross-correlation, in the default tab
    wait_for_figure(pg, corr_title)
    assert figure_z(pg, corr_title) == [[1, 0, 0], [-1, 1, 0], [0, 0, 0]]
    screenshot(pg, f"{PAGE}-{lang}-default")

    press_slider(pg, translate(lang, "conv_single.stride_label"))
    pg.wait_for_function(f"() => {{ const z = ({FIGURE_Z})({corr_title!r}); return z && z.length === 2; }}",
                         timeout=15000)
    assert figure_z(pg, corr_title) == [[1, 0], [0, 0]]
    assert_no_exception(pg)
    pg.wait_for_url("**stride=2**", timeout=10000)  # the link follows the slider
    screenshot(pg, f"{PAGE}-{lang}-stride2")

    # the other sections are tabs drawn only when opened: true convolution flips the sign here
    pg.get_by_role("tab", name=translate(lang, "conv_single.sec_compare")).click()
    conv_title = translate(lang, "conv_single.fig_conv")
    wait_for_figure(pg, conv_title)
    assert figure_z(pg, translate(lang, "conv_single.fig_corr")) == [[1, 0], [0, 0]]
    assert figure_z(pg, conv_title) == [[-1, 0], [0, 0]]
    assert_no_exception(pg)
    screenshot(pg, f"{PAGE}-{lang}-compare")


def test_output_cell_slider_moves_the_formula_and_padding_greys_the_border(server_url, new_page):
    pg = new_page
    pg.goto(f"{server_url}/{PAGE}?lang=en&padding=1")
    wait_for_app(pg)
    assert_no_exception(pg)
    wait_for_figure(pg, translate("en", "conv_single.fig_windows"))
    formula = pg.locator('[data-testid="stMarkdownContainer"] .katex').first
    before = formula.inner_text()
    press_slider(pg, translate("en", "conv_single.cell_label"))
    pg.wait_for_url("**cell=2**", timeout=10000)
    for _ in range(50):  # the formula follows the chosen cell after the rerun
        if formula.inner_text() != before:
            break
        pg.wait_for_timeout(200)
    assert formula.inner_text() != before
    assert_no_exception(pg)
    screenshot(pg, f"{PAGE}-en-padding1-cell2")

    # the input and the kernel beside rot180(h) are one tab away
    pg.get_by_role("tab", name=translate("en", "conv_single.sec_inputs")).click()
    rot_title = translate("en", "conv_single.fig_kernel_rot")
    wait_for_figure(pg, rot_title)
    assert figure_z(pg, rot_title) == [[-1, 1], [-1, 1]]
    assert figure_z(pg, translate("en", "conv_single.fig_kernel", rows=2, cols=2)) == [[1, -1], [1, -1]]
    assert figure_z(pg, translate("en", "conv_single.fig_input", rows=4, cols=4)) == [
        [1, 0, 1, 0], [1, 1, 0, 1], [0, 1, 1, 0], [1, 0, 0, 1]]
    assert_no_exception(pg)
    screenshot(pg, f"{PAGE}-en-inputs")


def test_bad_matrix_in_the_browser_shows_a_message_not_an_exception(server_url, new_page):
    pg = new_page
    pg.goto(f"{server_url}/{PAGE}?lang=zh")
    wait_for_app(pg)
    area = pg.locator('[data-testid="stTextArea"]').filter(has_text=translate("zh", "conv_single.kernel_label"))
    box = area.locator("textarea")
    box.fill("1 2\n<b>x</b>")
    box.press("Control+Enter")
    pg.wait_for_timeout(500)
    wait_for_app(pg)
    assert_no_exception(pg)
    alerts = pg.locator('[data-testid="stAlert"]').all_inner_texts()
    assert any("<b>x</b>" in a for a in alerts)  # shown as text, never as HTML
    assert pg.locator("b", has_text="x").count() == 0
    screenshot(pg, f"{PAGE}-zh-bad-kernel")
