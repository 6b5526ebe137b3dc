"""Multi-channel convolution page in a real browser: loads in both languages, the stride slider
changes the output maps, the ▶ button moves the window in the browser (no rerun)."""

from __future__ import annotations

import json

import pytest

from ui.i18n import translate
from ui.latex import subscript_unicode

from .conftest import assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.e2e

# z of every heatmap and x of every outline, per Plotly chart on the page (read from the live DOM)
FIGURE_STATE = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(el =>
    (el.data || []).map(d => d.type === 'heatmap' ? d.z : d.x))"""


# x0 of every outline shape of the first chart (the input figure: the window is a layout shape per channel)
WINDOW_X0 = """() => (document.querySelector('.js-plotly-plot').layout.shapes || []).map(s => s.x0)"""


def _open(pg, server_url, lang):
    # tall viewport: Streamlit scrolls inside its own container, so a full-page screenshot is one screen
    pg.set_viewport_size({"width": 1400, "height": 4200})
    pg.goto(f"{server_url}/conv_multi?lang={lang}")
    wait_for_app(pg, timeout_ms=120000)
    pg.wait_for_selector(".js-plotly-plot", timeout=120000)
    pg.wait_for_timeout(800)


def _figures(pg):
    return json.loads(json.dumps(pg.evaluate(FIGURE_STATE)))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_loads_and_the_stride_slider_changes_the_maps(server_url, new_page, lang):
    pg = new_page
    _open(pg, server_url, lang)
    assert_no_exception(pg)
    body = pg.inner_text("body")
    assert translate(lang, "conv_multi.title") in body
    assert translate(lang, "conv_multi.seed_reproduced") in body
    screenshot(pg, f"conv_multi-{lang}-default")
    before = _figures(pg)
    assert [[6, 7, 5], [3, -1, -1], [2, -1, 4]] in [z for fig in before for z in fig]

    slider = pg.locator('[data-testid="stSlider"]').filter(has_text=translate(lang, "conv_multi.stride"))
    # Streamlit 1.67 renders the thumb as a hidden <input type="range">; older ones as role="slider"
    slider.locator('input[type="range"], [role="slider"]').first.focus()
    pg.keyboard.press("ArrowLeft")                               # stride 2 -> 1
    pg.wait_for_timeout(600)
    wait_for_app(pg, timeout_ms=120000)
    pg.wait_for_timeout(800)
    assert_no_exception(pg)
    after = _figures(pg)
    assert after != before
    maps = [z for fig in after for z in fig if len(z) == 5 and isinstance(z[0], list) and len(z[0]) == 5]
    assert maps, "stride 1 with padding 1 gives 5x5 output maps"
    assert "stride=1" in pg.url
    screenshot(pg, f"conv_multi-{lang}-stride1")


def test_play_moves_the_window_in_the_browser(server_url, new_page):
    pg = new_page
    _open(pg, server_url, "en")
    outline_x = pg.evaluate(WINDOW_X0)                            # the window outline on every channel
    assert len(outline_x) == 3
    play = pg.locator(".js-plotly-plot").first.locator(".updatemenu-button").first   # SVG button
    assert play.text_content() == translate("en", "figure.play")
    play.click()
    # frames advance every 800 ms; on a loaded machine the first step can take longer: poll up to 15 s
    start = json.dumps(json.dumps(outline_x, separators=(",", ":")))   # a JS string literal
    pg.wait_for_function(f"() => JSON.stringify(({WINDOW_X0})()) !== {start}", timeout=15000)
    moved = pg.evaluate(WINDOW_X0)
    assert moved != outline_x
    screenshot(pg, "conv_multi-en-playing")


def test_cell_pick_and_tabs_rerun_in_place(server_url, new_page):
    """The output cell is a fragment: picking column 2 moves the window; the tabs draw on demand."""
    pg = new_page
    _open(pg, server_url, "en")
    before = pg.evaluate(WINDOW_X0)
    col = pg.locator('.st-key-conv_multi-col input').first
    col.fill("2")
    col.press("Enter")
    pg.wait_for_timeout(600)
    wait_for_app(pg, timeout_ms=120000)
    pg.wait_for_timeout(800)
    assert_no_exception(pg)
    assert pg.evaluate(WINDOW_X0) != before
    assert "col=2" in pg.url
    pg.get_by_role("tab", name=translate("en", "conv_multi.tab_cell")).click()
    pg.wait_for_timeout(600)
    wait_for_app(pg, timeout_ms=120000)
    pg.wait_for_timeout(800)
    body = pg.inner_text("body")
    assert translate("en", "conv_multi.partial_title", c=3, s=subscript_unicode("S", 2)) in body
    screenshot(pg, "conv_multi-en-cell-tab")
