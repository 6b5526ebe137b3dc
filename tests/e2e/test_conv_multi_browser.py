"""Multi-channel convolution page in a real browser: loads in both languages, the stride slider
changes the output maps, the ▶ button moves the window in the browser (no rerun)."""

from __future__ import annotations

import json

import pytest

from ui.i18n import translate

from .conftest import screenshot, wait_for_app

pytestmark = pytest.mark.e2e

# z of every heatmap and x of every outline, per Plotly chart on the page (read from the live DOM)
FIGURE_STATE = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(el =>
    (el.data || []).map(d => d.type === 'heatmap' ? d.z : d.x))"""


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
    assert pg.locator('[data-testid="stException"]').count() == 0, pg.inner_text("body")[:2000]
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
    assert pg.locator('[data-testid="stException"]').count() == 0
    after = _figures(pg)
    assert after != before
    maps = [z for fig in after for z in fig if len(z) == 5 and isinstance(z[0], list) and len(z[0]) == 5]
    assert maps, "stride 1 with padding 1 gives 5x5 output maps"
    assert "stride=1" in pg.url
    screenshot(pg, f"conv_multi-{lang}-stride1")


def test_play_moves_the_window_in_the_browser(server_url, new_page):
    pg = new_page
    _open(pg, server_url, "en")
    first = _figures(pg)[0]
    outline_x = first[3]                                          # the window outline on channel 1
    play = pg.locator(".js-plotly-plot").first.locator(".updatemenu-button").first   # SVG button
    assert play.text_content() == translate("en", "figure.play")
    play.click()
    pg.wait_for_timeout(2000)
    moved = _figures(pg)[0][3]
    assert moved != outline_x
    screenshot(pg, "conv_multi-en-playing")
