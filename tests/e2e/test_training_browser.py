"""Training page in a real browser: loads in both languages, a slider and the buttons change figures."""

from __future__ import annotations

import pytest

from ui.i18n import translate

from .conftest import assert_no_exception, formula_widths, screenshot, wait_for_app

pytestmark = pytest.mark.e2e


def _ready(pg, charts: int = 4) -> None:
    """The whole page has run: the tabs and at least ``charts`` figures (curve + the open tab's) are drawn."""
    wait_for_app(pg)
    pg.wait_for_selector('[data-testid="stTab"]', timeout=60000)
    pg.wait_for_function(f'document.querySelectorAll(\'[data-testid="stPlotlyChart"] .main-svg\').length >= {charts}',
                         timeout=60000)
    wait_for_app(pg)


def _shot(pg, name: str) -> None:
    """Screenshot the whole page: Streamlit scrolls inside its main block, so make the window tall."""
    height = pg.evaluate('document.querySelector(\'[data-testid="stMainBlockContainer"]\').scrollHeight')
    pg.set_viewport_size({"width": 1400, "height": min(max(int(height) + 200, 900), 6000)})
    pg.wait_for_timeout(800)
    screenshot(pg, name)
    pg.set_viewport_size({"width": 1400, "height": 900})


def _figure_text(pg, title: str) -> str:
    """The rendered text (title, cell values) of the Plotly chart whose title is ``title``."""
    chart = pg.locator('[data-testid="stPlotlyChart"]').filter(has_text=title).first
    chart.wait_for(timeout=15000)
    return chart.inner_text()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_training_page_loads_and_trains(server_url, new_page, lang):
    pg = new_page
    pg.goto(f"{server_url}/training?lang={lang}")
    _ready(pg)
    assert_no_exception(pg)
    assert pg.locator(".katex-error").count() == 0
    assert translate(lang, "training.title") in pg.locator("h1").first.inner_text()
    _shot(pg, f"training-{lang}-forward")

    # choosing another output cell moves the highlighted conv cell and rewrites the formula
    conv_title = translate(lang, "training.fwd_conv_title", filter=1)
    before = _figure_text(pg, conv_title)
    latex_before = pg.locator('[data-testid="stMarkdownContainer"] .katex').first.inner_text()
    row_input = pg.locator('[data-testid="stNumberInput"] input').nth(1)
    row_input.fill("3")
    row_input.press("Enter")
    _ready(pg)
    latex_after = pg.locator('[data-testid="stMarkdownContainer"] .katex').first.inner_text()
    assert latex_after != latex_before
    assert "lang=" in pg.url and "row=3" in pg.url

    # the N slider: focus its thumb, press ArrowRight -> the run button says 51 steps
    thumb = pg.get_by_role("slider", name=translate(lang, "training.steps_label"))  # <input type=range>
    thumb.focus()
    thumb.press("ArrowRight")
    _ready(pg)
    run_label = translate(lang, "training.run_button", n=51)
    assert pg.get_by_role("button", name=run_label).count() == 1

    # run 51 steps: the loss curve and the conv output (new weights) change
    curve_title = translate(lang, "training.curve_title")
    curve_before = _figure_text(pg, curve_title)
    pg.get_by_role("button", name=run_label).click()
    pg.wait_for_timeout(500)
    _ready(pg)
    assert_no_exception(pg)
    done = translate(lang, "training.run_done", steps=51, lr="0.1", before="§").split("§")[0]
    assert pg.locator('[data-testid="stAlert"]').filter(has_text=done).count() == 1
    assert _figure_text(pg, curve_title) != curve_before
    assert _figure_text(pg, conv_title) != before
    _shot(pg, f"training-{lang}-trained")

    # the lazily drawn sections: the gallery and the softmax/loss part of the forward pass
    for key, title in (("data_more", "#12"),                    # the last image has its label too
                       ("fwd_fc_subtitle", translate(lang, "training.fwd_probs_title", index=1))):
        pg.locator('[data-testid="stExpander"] summary').filter(has_text=translate(lang, f"training.{key}")).click()
        pg.wait_for_timeout(300)
        _ready(pg)
        assert title in _figure_text(pg, title)
    assert pg.locator(".katex-error").count() == 0
    _shot(pg, f"training-{lang}-sections")

    # the other tabs render without an exception (curve + 2, 3 and 1 figures)
    for which, charts in (("backward", 3), ("update", 4), ("gradcheck", 2)):
        pg.get_by_role("tab", name=translate(lang, f"training.tab_{which}")).click()
        pg.wait_for_timeout(300)
        _ready(pg, charts)
        assert_no_exception(pg)
        assert pg.locator(".katex-error").count() == 0  # every formula parses
        _shot(pg, f"training-{lang}-{which}")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_training_on_a_phone_and_formulas_never_clipped(server_url, new_page, lang):
    pg = new_page
    pg.set_viewport_size({"width": 1280, "height": 900})
    pg.goto(f"{server_url}/training?lang={lang}")
    _ready(pg)
    widths = formula_widths(pg)
    assert widths and all(w["width"] <= w["column"] + 1 for w in widths), widths      # net₁₁ + b fits at 1280
    pg.set_viewport_size({"width": 390, "height": 844})
    pg.wait_for_timeout(1200)
    for w in formula_widths(pg):
        assert w["width"] <= w["column"] + 1 or w["overflow"] in ("auto", "scroll"), w   # fits, or scrolls
    assert_no_exception(pg)
    screenshot(pg, f"training-{lang}-phone")
    # the gallery: one grid, twelve labels, none over another panel
    pg.set_viewport_size({"width": 1280, "height": 1400})
    pg.locator('[data-testid="stExpander"] summary').filter(has_text=translate(lang, "training.data_more")).click()
    pg.wait_for_timeout(300)
    _ready(pg, 5)
    labels = pg.evaluate("""() => {
      const chart = Array.from(document.querySelectorAll('.js-plotly-plot')).find(el => el.innerText.includes('#12'));
      return Array.from(chart.querySelectorAll('.annotation-text')).map(t => { const r = t.getBoundingClientRect();
        return [r.left, r.top, r.right, r.bottom]; });
    }""")
    assert len(labels) == 12
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)   # no two labels overlap
    screenshot(pg, f"training-{lang}-gallery")
