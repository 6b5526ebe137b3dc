"""Training page in a real browser: loads in both languages, a slider and the buttons change figures (the curve,
the bars and flatten are inline SVG, the gallery picture tiles: no Plotly on a step or in the forward expanders),
and the cell of net / o is picked in the browser (both tabs' cell steppers, one choice, in the link, no rerun)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from ui.i18n import translate

from .conftest import (
    NEXT_FRAMES, TOO_WIDE, WATCH_RUNNING, ScriptRuns, after_run, assert_no_exception, new_element_types, open_app,
    open_tab, pick, screenshot, stepper_formula, wait_for_app, watch_round_trips,
)

pytestmark = pytest.mark.e2e

FORWARD = ".st-key-training-stepper .cs"
BACKWARD = ".st-key-training-bwd_stepper .cs"


def _query(pg) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(pg.url).query).items()}


def _ready(pg, charts: int = 0, stepper: str | None = FORWARD) -> None:
    """The whole page has run: the tabs, at least ``charts`` Plotly figures (the open tab's; the curve is an
    inline SVG) and the open tab's cell stepper are drawn."""
    wait_for_app(pg)
    pg.wait_for_selector('[role="tab"]', timeout=60000)
    if stepper:
        pg.locator(stepper).wait_for(timeout=60000)
    pg.wait_for_function(f'document.querySelectorAll(\'[data-testid="stPlotlyChart"] .main-svg\').length >= {charts}',
                         timeout=60000)
    wait_for_app(pg)


def _shot(pg, name: str) -> None:
    """Screenshot the whole page, at most 6000 px tall (:func:`screenshot` stretches the window to the content)."""
    screenshot(pg, name, max_height=6000)


def _svg_text(pg, title: str) -> str:
    """The rendered text (title, axis and value labels) of the inline SVG chart titled ``title``."""
    # drawn by the SVG box component (in its open shadow root: Playwright's CSS selectors pierce it)
    chart = pg.locator(f'.svg-box svg[role="img"][aria-label="{title}"]').first
    chart.wait_for(timeout=15000)
    assert chart.bounding_box()["width"] > 200          # drawn, not an empty box
    return chart.text_content()


def _gallery_boxes(pg) -> list[list[float]]:
    """The bounding boxes of the gallery's pictures and of their captions (each [left, top, right, bottom])."""
    pg.locator('[data-testid="stImage"] img').nth(11).wait_for(timeout=15000)
    return pg.evaluate("""() => Array.from(document.querySelectorAll(
        '[data-testid="stImage"] img, [data-testid="stImageCaption"]'))
      .map(el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })""")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_training_page_loads_and_trains(server_url, new_page, lang):
    pg = new_page
    pg.goto(f"{server_url}/training?lang={lang}")
    _ready(pg)
    assert_no_exception(pg)
    assert pg.locator(".katex-error").count() == 0
    assert translate(lang, "training.title") in pg.locator("h1").first.inner_text()
    _shot(pg, f"training-{lang}-forward")

    # picking a cell of net happens in the browser: the formula and the link change, nothing is sent, no rerun
    sent = watch_round_trips(pg)
    pg.evaluate(WATCH_RUNNING)
    before_sent = len(sent)
    formula_before = stepper_formula(pg, FORWARD)
    assert formula_before.startswith("net₁₁ = x₁₁·h₁₁")
    pick(pg, FORWARD, 2, 14).click()        # net₃₃: row 3, column 3 of the 6×6 map (grid 2)
    pg.wait_for_function("() => new URLSearchParams(location.search).get('row') === '3'", timeout=5000)
    pg.locator(f"{FORWARD} .cs-stage").press("ArrowRight")   # net₃₄
    pg.wait_for_function("() => new URLSearchParams(location.search).get('col') === '4'", timeout=5000)
    assert stepper_formula(pg, FORWARD).startswith("net₃₄ = x₃₄·h₁₁")
    assert _query(pg)["lang"] == lang and _query(pg)["row"] == "3"
    assert len(sent) == before_sent, sent[before_sent:]
    assert pg.evaluate("window.__ran") is False
    conv_before = stepper_formula(pg, FORWARD)

    # no chart before the first step (the curve would be one point): the page says so in words
    assert pg.locator('[data-testid="stPlotlyChart"]').count() == 0

    # the N slider: focus its thumb, press ArrowRight -> the run button says 51 steps
    thumb = pg.get_by_role("slider", name=translate(lang, "training.steps_label"))  # <input type=range>
    thumb.focus()
    after_run(pg, lambda: thumb.press("ArrowRight"))
    _ready(pg)
    run_label = translate(lang, "training.run_button", n=51)
    assert pg.get_by_role("button", name=run_label).count() == 1

    # run 51 steps: the loss curve and the conv output (new weights) change; the picked cell stays
    curve_title = translate(lang, "training.curve_title")
    after_run(pg, pg.get_by_role("button", name=run_label).click)
    _ready(pg)
    assert_no_exception(pg)
    done = translate(lang, "training.run_done", steps=51, lr="0.1", before="§").split("§")[0]
    assert pg.locator('[data-testid="stAlert"]').filter(has_text=done).count() == 1
    curve = _svg_text(pg, curve_title)                         # the curve appears with the first steps: inline SVG
    assert translate(lang, "training.curve_x") in curve and "50" in curve
    assert pg.locator('[data-testid="stPlotlyChart"]').count() == 0   # a step draws no Plotly chart
    expect(pg.locator(FORWARD)).to_have_attribute("data-cell", "15")
    assert stepper_formula(pg, FORWARD).startswith("net₃₄ = ") and stepper_formula(pg, FORWARD) != conv_before
    _shot(pg, f"training-{lang}-trained")

    # the lazily drawn sections: the gallery (12 pictures), flatten (36 numbers) and the softmax/loss part
    for key, title in (("data_more", None), ("fwd_flat_subtitle", translate(lang, "training.fwd_flat_title")),
                       ("fwd_fc_subtitle", translate(lang, "training.fwd_probs_title", index=1))):
        after_run(pg, pg.locator('[data-testid="stExpander"] summary').filter(
            has_text=translate(lang, f"training.{key}")).click)   # a lazy expander reruns when opened
        _ready(pg)
        if title is None:
            assert len(_gallery_boxes(pg)) == 24                # 12 pictures, 12 captions
            assert pg.locator('[data-testid="stImageCaption"]').filter(has_text="#12").count() == 1
        else:
            assert _svg_text(pg, title).startswith(title)
    assert pg.locator('[data-testid="stPlotlyChart"]').count() == 0   # none of them waits for Plotly
    assert pg.locator(".katex-error").count() == 0
    _shot(pg, f"training-{lang}-sections")

    # the backward tab shows the same cell of o (one stepper group); a pick there is in the link, no rerun
    open_tab(pg, translate(lang, "training.tab_backward"))
    _ready(pg, 0, BACKWARD)
    expect(pg.locator(BACKWARD)).to_have_attribute("data-cell", "15")
    assert "(∂L)/(∂o₃₄) = " in stepper_formula(pg, BACKWARD)
    pg.evaluate(WATCH_RUNNING)
    before_sent = len(sent)
    pick(pg, BACKWARD, 1, 0).click()        # o₁₁ on the routed δ of o (grid 1)
    pg.wait_for_function("() => new URLSearchParams(location.search).get('col') === '1'", timeout=5000)
    assert "(∂L)/(∂net₁₁) = " in stepper_formula(pg, BACKWARD)
    assert len(sent) == before_sent, sent[before_sent:]
    assert pg.evaluate("window.__ran") is False
    assert_no_exception(pg)
    _shot(pg, f"training-{lang}-backward")

    # the other tabs render without an exception (3 and 1 figures)
    for which, charts in (("update", 3), ("gradcheck", 1)):
        open_tab(pg, translate(lang, f"training.tab_{which}"))
        _ready(pg, charts, None)
        assert_no_exception(pg)
        assert pg.locator(".katex-error").count() == 0  # every formula parses
        _shot(pg, f"training-{lang}-{which}")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_training_on_a_phone_and_formulas_never_clipped(server_url, new_page, lang):
    pg = new_page
    pg.set_viewport_size({"width": 1280, "height": 900})
    pg.goto(f"{server_url}/training?lang={lang}")
    _ready(pg)
    assert pg.locator(f"{FORWARD} .cs-formula .eq-line").count() >= 3
    assert pg.evaluate(TOO_WIDE) == []                           # net₁₁'s nine products + b wrap, never clipped
    pg.set_viewport_size({"width": 390, "height": 844})
    # the page has re-flowed to the phone's width (the column inside the window), then the browser has drawn it
    pg.wait_for_function("() => window.innerWidth === 390 && document.querySelector("
                         "'[data-testid=\"stMainBlockContainer\"]').getBoundingClientRect().right <= 390")
    pg.evaluate(NEXT_FRAMES)
    assert pg.evaluate(TOO_WIDE) == []
    assert_no_exception(pg)
    screenshot(pg, f"training-{lang}-phone")
    # the gallery: twelve pictures, each with its caption, none over another (pictures and captions)
    pg.set_viewport_size({"width": 1280, "height": 1400})
    after_run(pg, pg.locator('[data-testid="stExpander"] summary').filter(
        has_text=translate(lang, "training.data_more")).click)
    _ready(pg)
    labels = _gallery_boxes(pg)
    assert len(labels) == 24
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)   # no two labels overlap
    screenshot(pg, f"training-{lang}-gallery")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_switch_back_to_a_drawn_tab_resends_nothing_and_a_step_draws_the_open_tab_alone(server_url, new_page, lang):
    """#14 round 10: the forward and backward tabs stay drawn once opened (for the same numbers); switching back to
    one is the tab bar's own switch, and the rerun it starts writes the link only (no element sent). A step (new
    numbers) draws the open tab alone again, and the next switch draws the other tab anew."""
    pg = new_page
    received = open_app(pg, f"{server_url}/training?lang={lang}", FORWARD)
    runs = ScriptRuns.of(pg)
    forward, backward = (translate(lang, f"training.tab_{name}") for name in ("forward", "backward"))
    received.clear()
    runs.after(lambda: pg.get_by_role("tab", name=backward).click())
    pg.locator(BACKWARD).wait_for()
    assert new_element_types(received).count("bidi_component") >= 1     # the first visit draws the backward tab
    assert _query(pg)["view"] == "backward"
    for name, view in ((forward, "forward"), (backward, "backward"), (forward, "forward")):
        received.clear()
        runs.after(lambda: pg.get_by_role("tab", name=name).click())
        assert new_element_types(received) == [], (view, new_element_types(received))   # nothing re-sent
        expect(pg.get_by_role("tab", name=name)).to_have_attribute("aria-selected", "true")
        assert _query(pg).get("view", "forward") == view                      # the link follows (forward: the default)
    assert pg.locator(FORWARD).is_visible() and not pg.locator(BACKWARD).is_visible()
    # a step: new numbers, the forward tab alone is drawn (the hidden backward stepper is not sent with it)
    received.clear()
    runs.after(lambda: pg.get_by_role("button", name=translate(lang, "training.step_button"), exact=True).click())
    assert pg.locator(BACKWARD).count() == 0
    received.clear()
    runs.after(lambda: pg.get_by_role("tab", name=backward).click())
    pg.locator(BACKWARD).wait_for()
    assert "bidi_component" in new_element_types(received)               # drawn anew with the new numbers
    assert_no_exception(pg)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_new_seed_is_one_run_of_the_page(server_url, new_page, lang):
    """#14 round 13: a new seed (new data, a fresh network) is one script run, the number box's own (round 10 reran the
    note, the metrics and the body by key from its callback: two runs, the first an empty one the browser still
    rendered the whole page for). The note, the metrics and the stepper show the new data."""
    from .conftest import script_runs

    pg = new_page
    received = open_app(pg, f"{server_url}/training?lang={lang}", FORWARD)
    runs = ScriptRuns.of(pg)
    before = stepper_formula(pg, FORWARD)
    seed = pg.locator(".st-key-training-seed input")
    received.clear()
    seed.fill("5")
    runs.after(lambda: seed.press("Enter"))
    assert script_runs(received) == 1, script_runs(received)
    sent = new_element_types(received)
    assert {"html", "bidi_component", "alert"} <= set(sent), sent           # the metrics, the stepper, the note
    expect(pg.get_by_text(translate(lang, "training.seed_changed"))).to_be_visible()
    pg.wait_for_function(f"() => location.search.includes('seed=5')")
    expect(pg.locator(f"{FORWARD} .cs-formula")).not_to_have_attribute("aria-label", before)   # new data
    assert_no_exception(pg)


def _metrics(pg) -> list[str]:
    """The three metrics' values as shown (steps taken, loss, accuracy)."""
    return [text.strip() for text in pg.locator(".mr-value").all_inner_texts()]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_step_and_a_run_rerun_the_training_part_alone_and_show_the_cores_numbers(server_url, new_page, lang):
    """#14 round 12: "One step" and "Run N steps" rerun the part below the settings (buttons, note, metrics, curve,
    tabs) in one script run; the title, the intro and the settings (number box, sliders) are not sent again, and
    the app's frame does not run. The numbers shown are the core's: ``tiny_cnn.train`` from the page's data."""
    import numpy as np

    from cnn_core import tiny_cnn
    from ui.latex import fmt

    from .conftest import forward_msgs, runs_sent

    rng = np.random.default_rng(0)                     # the page's data for seed 0 (ui.training_cache._setup)
    x, y, _ = tiny_cnn.make_glyph_dataset(rng, 3, 0.2, 1)
    params = tiny_cnn.init_params(rng, 4, 4, 8)
    pg = new_page
    received = open_app(pg, f"{server_url}/training?lang={lang}", FORWARD)
    runs = ScriptRuns.of(pg)
    before, link = stepper_formula(pg, FORWARD), None
    for button, done in ((translate(lang, "training.step_button"), 1),
                         (translate(lang, "training.run_button", n=50), 51)):
        received.clear()
        runs.after(lambda: pg.get_by_role("button", name=button, exact=True).click())
        assert runs_sent(received) == (1, 0), runs_sent(received)          # one run, not the app's
        sent = new_element_types(received)
        assert {"html", "alert", "button", "bidi_component"} <= set(sent), sent   # metrics, note, buttons, stepper
        assert not {"number_input", "slider"} & set(sent), sent             # not the settings
        headings = [m.delta.new_element.heading for m in forward_msgs(received)
                    if m.WhichOneof("type") == "delta" and m.delta.WhichOneof("type") == "new_element"
                    and m.delta.new_element.WhichOneof("type") == "heading"]
        assert translate(lang, "training.title") not in [h.body for h in headings]   # not the title
        now = tiny_cnn.train_step(tiny_cnn.train(params, x, y, 0.1, done).params, x, y, 0.1)   # the weights after it
        expect(pg.locator(".mr-value").first).to_have_text(str(done))
        assert _metrics(pg) == [str(done), fmt(now.loss), f"{now.accuracy:.0%}"]
        # the link carries the progress (seed + runs replay it: tests/pages/test_training.py), new after each action
        pg.wait_for_function("(old) => ![null, old].includes(new URLSearchParams(location.search).get('runs'))",
                             arg=link)
        link = _query(pg)["runs"]
    assert translate(lang, "training.curve_x") in _svg_text(pg, translate(lang, "training.curve_title"))
    assert stepper_formula(pg, FORWARD) != before                              # the tab shows the new weights
    assert_no_exception(pg)
    _shot(pg, f"training-{lang}-step-part")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_forward_section_and_the_export_panel_open_as_parts_of_their_own(server_url, new_page, lang):
    """#14 round 13: opening a lazy section of the forward tab or the export panel reruns and sends only that part
    (a section reran the tabs' part: the sample and filter menus, the tab bar, the forward tab's heading and stepper;
    the panel reran the page). What opens is drawn: the pool stepper, the FC section's formulas (MathML, in math
    boxes: no KaTeX), the panel's downloads and the link with the run's seed."""
    from .conftest import new_block_types

    pg = new_page
    received = open_app(pg, f"{server_url}/training?lang={lang}&seed=3", FORWARD)
    runs = ScriptRuns.of(pg)
    panels = ((translate(lang, "training.fwd_relu_subtitle"), ".st-key-training-pool_stepper .cs", "bidi_component"),
              (translate(lang, "training.fwd_fc_subtitle"), ".st-key-training-loss_math math", "bidi_component"),
              (translate(lang, "owndata.export_title"), '[data-testid="stDownloadButton"]', "download_button"))
    for title, drawn, kind in panels:
        received.clear()
        runs.after(lambda: pg.locator('[data-testid="stExpander"] summary').filter(has_text=title).click())
        pg.locator(drawn).first.wait_for()
        sent, blocks = new_element_types(received), new_block_types(received)
        assert kind in sent, (title, sent)
        assert not {"heading", "metric", "button", "preset_menu", "tab_strip", "number_input", "slider"} & set(sent), \
            (title, sent)
        assert "tab_container" not in blocks, (title, blocks)
    assert pg.locator('.st-key-training-softmax_math math').count() >= 1
    assert pg.locator('[data-testid="stMain"] .katex').count() == 0          # no formula typeset by KaTeX
    link = pg.locator('[data-testid="stExpander"] [data-testid="stCode"]').first
    expect(link).to_contain_text("seed=3")
    assert_no_exception(pg)
    _shot(pg, f"training-{lang}-parts")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_setup_loaded_in_the_export_part_replays_its_progress_in_the_page(server_url, new_page, lang):
    """The export panel is a part of its own (#14 round 13): a setup file loaded in it reruns that part first, which
    then reruns the page, and the page replays the file's progress from the file's seed. Here the running session
    has the file's progress (one step at η = 0.1) but another seed: the page must not keep its weights."""
    import json

    from cnn_core import tiny_cnn
    from ui.export import APP_ID, SETUP_FORMAT
    from ui.latex import fmt
    from ui.training_cache import _setup

    images, labels, _, params = _setup(5)
    want = tiny_cnn.loss(tiny_cnn.train(params, images, labels, 0.1, 1).params, images, labels)
    setup = json.dumps({"app": APP_ID, "format": SETUP_FORMAT, "page": "training",
                        "params": {"seed": "5", "runs": "1,0.1"}}).encode()
    pg = new_page
    open_app(pg, f"{server_url}/training?lang={lang}&seed=2", FORWARD)
    runs = ScriptRuns.of(pg)
    runs.after(lambda: pg.get_by_role("button", name=translate(lang, "training.step_button"), exact=True).click())
    expect(pg.locator(".mr-value").first).to_have_text("1")
    assert _metrics(pg)[1] != fmt(want)
    runs.after(lambda: pg.locator('[data-testid="stExpander"] summary').filter(
        has_text=translate(lang, "owndata.export_title")).click())
    uploader = pg.locator('[data-testid="stExpander"] [data-testid="stFileUploaderDropzoneInput"]')
    uploader.set_input_files(files=[{"name": "training-setup.json", "mimeType": "application/json", "buffer": setup}])
    expect(pg.get_by_text(translate(lang, "training.runs_restored", steps=1, runs=1))).to_be_visible(timeout=30000)
    wait_for_app(pg)
    assert _metrics(pg) == ["1", fmt(want), _metrics(pg)[2]]
    expect(pg.locator(".st-key-training-seed input")).to_have_value("5")
    assert_no_exception(pg)
