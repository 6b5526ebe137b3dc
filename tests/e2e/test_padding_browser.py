"""The padding & stride page in a real browser: both languages; the kernel's positions are picked and stepped
in the browser (cell stepper: no server round trip, keyboard, the link keeps the cell); a slider rebuilds
them; an impossible setting explains itself."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ui.i18n import translate

from .conftest import (WATCH_RUNNING, ScriptRuns, assert_no_exception, math_widths, open_app, pick, screenshot,
                       stepper_formula as formula, wait_for_app, wait_for_text, watch_round_trips)

pytestmark = pytest.mark.e2e

STEPPER = ".st-key-padding-stepper .cs"




def _chart(pg, index: int):
    chart = pg.locator('[data-testid="stPlotlyChart"]').nth(index)
    chart.locator(".main-svg").first.wait_for(timeout=15000)
    return chart


def _chart_text(pg, index: int) -> str:
    return _chart(pg, index).evaluate("el => el.textContent")


def _cells(pg) -> int:
    """How many output cells (kernel positions) the stepper's output grid has."""
    return pg.locator(f'{STEPPER} figure[data-grid="1"] [data-cell]').count()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_kernel_positions_are_stepped_in_the_browser_and_the_slider_rebuilds_them(server_url, new_page, lang):
    pg = new_page
    sent = watch_round_trips(pg)
    pg.goto(f"{server_url}/padding?lang={lang}")
    wait_for_app(pg)
    pg.locator(STEPPER).wait_for(timeout=20000)
    assert_no_exception(pg)
    assert translate(lang, "padding.title") in pg.locator("h1").first.inner_text()
    assert translate(lang, "padding.section_formula") in pg.inner_text("body")
    # the default view: no Plotly chart, the stepper at output cell o₁₁ (padded rows and columns 1..3)
    assert pg.locator('[data-testid="stPlotlyChart"]').count() == 0
    first, last = translate(lang, "padding.cs_first"), translate(lang, "padding.cs_last")
    assert formula(pg, STEPPER).startswith(f"r{first} = sh(i−1) + 1 = 2·(1−1) + 1 = 1; r{last} = ")
    assert pg.locator(f"{STEPPER} .cs-formula math").count() > 0
    assert _cells(pg) == 9
    screenshot(pg, f"padding-{lang}-default")

    # hover, click, arrow keys: another kernel position, no message to the server, no script run
    pg.evaluate(WATCH_RUNNING)
    before = len(sent)
    pick(pg, STEPPER, 1, 4).hover()                  # o₂₂ on the output grid
    expect(pg.locator(STEPPER)).to_have_attribute("data-cell", "4", timeout=5000)
    assert f"= 2·(2−1) + 1 = 3; r{last} = r{first} + dh(kh−1) = 3 + 1·(3−1) = 5" in formula(pg, STEPPER)
    assert pg.locator(f'{STEPPER} figure[data-grid="0"] .cs-win').count() == 9   # the 3×3 taps outlined
    pick(pg, STEPPER, 1, 4).click()
    stage = pg.locator(f"{STEPPER} .cs-stage")
    assert stage.evaluate("el => el.matches(':focus')")
    assert stage.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    stage.press("ArrowRight")                         # o₂₃: columns 5..7 (the last one is zeros)
    assert f"c{first} = sw(j−1) + 1 = 2·(3−1) + 1 = 5" in formula(pg, STEPPER)
    assert translate(lang, "padding.cs_taps_note", taps=9, real=6, zeros=3) in pg.locator(
        f"{STEPPER} .cs-formula").inner_text()
    stage.press("ArrowDown")                          # o₃₃
    expect(pg.locator(STEPPER)).to_have_attribute("data-cell", "8", timeout=5000)
    assert len(sent) == before, sent[before:]
    assert pg.evaluate("window.__ran") is False
    # the link names the picked cell (written in the browser)
    assert "oi=3" in pg.url and "oj=3" in pg.url

    thumb = pg.locator(".st-key-padding-row_s").get_by_role("slider")
    thumb.focus()
    thumb.press("ArrowLeft")  # stride 2 -> 1: a 5x5 output, 25 kernel positions
    expect(pg.locator(f'{STEPPER} figure[data-grid="1"] [data-cell]')).to_have_count(25, timeout=20000)
    wait_for_app(pg)
    assert_no_exception(pg)
    assert thumb.input_value() == "1"
    # the stepper keeps the chosen cell's number in reading order (its contract, as on the pooling page):
    # the 9th cell of a 5×5 output is o₂₄, and the link names the cell shown
    expect(pg.locator(STEPPER)).to_have_attribute("data-cell", "8", timeout=5000)
    assert pg.locator(f"{STEPPER} .cs-name").inner_text() == "o₂₄"
    assert "s=1" in pg.url and "oi=2" in pg.url and "oj=4" in pg.url
    screenshot(pg, f"padding-{lang}-stride1")

    # a fresh page from that link opens on the same cell
    pg.goto(pg.url)
    wait_for_app(pg)
    pg.locator(STEPPER).wait_for(timeout=20000)
    expect(pg.locator(STEPPER)).to_have_attribute("data-cell", "8", timeout=10000)
    assert _cells(pg) == 25


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_same_padding_and_an_impossible_link(server_url, new_page, lang):
    pg = new_page
    pg.goto(f"{server_url}/padding?lang={lang}&mode=same&h=6&w=7&k=4&s=3&d=2")
    wait_for_app(pg)
    pg.locator(STEPPER).wait_for(timeout=20000)
    pg.get_by_role("tab", name=translate(lang, "padding.step_padding")).click()  # where SAME's zeros come from
    wait_for_text(pg, translate(lang, "padding.same_caption")[:20])
    assert_no_exception(pg)
    screenshot(pg, f"padding-{lang}-same")

    pg.goto(f"{server_url}/padding?lang={lang}&mode=valid&h=4&w=9&k=5&s=1")
    wait_for_app(pg)
    wait_for_text(pg, translate(lang, "padding.no_output"))
    assert_no_exception(pg)
    body = pg.inner_text("body")
    assert translate(lang, "padding.fig_padded_only") in _chart_text(pg, 0)
    assert pg.locator('[data-testid="stPlotlyChart"]').count() == 1
    # only the height fails: kernel 5 > 4 rows; the width (9) has room
    height_error = translate(lang, "errors.kernel_too_large", axis=translate(lang, "words.height"),
                             kernel=5, padded=4)
    assert height_error in body
    assert translate(lang, "errors.kernel_too_large", axis=translate(lang, "words.width"),
                     kernel=5, padded=9) not in body
    screenshot(pg, f"padding-{lang}-impossible")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_linked_output_row_beyond_the_output_is_moved_inside_and_said(server_url, new_page, lang):
    """#12 items 3 and 14: row 9 of a 3-row output in a link -> row 3 shown, a message, the link corrected."""
    pg = new_page
    pg.goto(f"{server_url}/padding?lang={lang}&oi=9&oj=2")
    wait_for_app(pg)
    pg.locator(STEPPER).wait_for(timeout=40000)   # a busy machine
    expect(pg.locator(STEPPER)).to_have_attribute("data-cell", "7", timeout=10000)   # o₃₂
    wait_for_text(pg, translate(lang, "common.stepper_clamped")[:20])
    assert pg.locator(f"{STEPPER} .cs-name").inner_text() == "o₃₂"
    assert_no_exception(pg)
    screenshot(pg, f"padding-{lang}-row9")


def test_phone_layout(server_url, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                  has_touch=True)
    pg = context.new_page()
    try:
        pg.goto(f"{server_url}/padding?lang=zh&mode=same&h=7&w=6&notes=1")   # the notes expander open by link
        wait_for_app(pg)
        pg.locator(STEPPER).wait_for(timeout=20000)
        wait_for_text(pg, "Python 2")   # a catalogue note inside the linked-open expander
        assert "default value" not in pg.inner_text("body")   # no Session State warning from Streamlit
        assert pg.evaluate("document.documentElement.scrollWidth") <= 390
        # the formulas (MathML math boxes, one per axis): each line fits its column or scrolls inside it
        widths = math_widths(pg)
        assert len(widths) == 2, widths                                  # the output size, height and width
        for w in widths:
            assert w["width"] <= w["column"] + 1 or w["overflow"] in ("auto", "scroll"), w
            assert w["shown"] <= w["column"] + 1, w
        assert_no_exception(pg)
        screenshot(pg, "padding-zh-390px")
    finally:
        context.close()


def test_markdown_export_of_the_padding_page(server_url, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US", accept_downloads=True)
    pg = context.new_page()
    try:
        pg.goto(f"{server_url}/padding?lang=en&h=7&w=6&mode=same")
        wait_for_app(pg)
        wait_for_text(pg, translate("en", "owndata.export_title"))
        pg.get_by_text(translate("en", "owndata.export_title")).click()
        download = pg.get_by_role("button", name=translate("en", "owndata.download_md"))
        download.wait_for(timeout=20000)              # drawn by the rerun that opening the panel asks for
        with pg.expect_download() as info:
            download.click()
        text = open(info.value.path(), encoding="utf-8").read()
        # SAME on 7×6, k 3, s 2: O = ⌈7/2⌉ = 4 rows, ⌈6/2⌉ = 3 columns; the width's total padding 1 goes after
        assert "\\left\\lceil \\frac{7}{2} \\right\\rceil" in text and "&= 4" in text
        assert translate("en", "padding.result_size", oh=4, ow=3, ph=9, pw=7) in text
        assert "mode=same" in text and "h=7" in text    # the setup to reload
        assert_no_exception(pg)
    finally:
        context.close()


# --------------------------------------------------------------------------- #14 round 9: formulas as MathML
# a mark on each formula line of a math box: a line whose box re-parsed its markup is a new node, without the mark
MARK = "els => els.forEach(el => { el.__kept = true; })"
KEPT = "els => els.map(el => el.__kept === true)"


def _lines(pg, key: str):
    return pg.locator(f".st-key-padding-{key} .math-line")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_formulas_are_mathml_and_a_height_change_redraws_the_height_box_only(server_url, new_page, lang):
    """Every tab's formulas are MathML drawn by the browser, one math box per axis, no KaTeX on the page: the output
    size's two-row numerator a table inside the fraction, the lines aligned at "=". A change of the height redraws
    the height's box; the width's box keeps its lines (the same markup is not re-parsed)."""
    pg = new_page
    pg.set_viewport_size({"width": 1400, "height": 1400})
    runs = ScriptRuns(pg)
    open_app(pg, f"{server_url}/padding?lang={lang}&mode=same&h=7&w=6&k=4&s=3&d=2",
             ".st-key-padding-output_h_math math")
    assert_no_exception(pg)
    assert pg.locator(".katex").count() == 0
    for ax in ("h", "w"):
        box = f".st-key-padding-output_{ax}_math"
        expect(_lines(pg, f"output_{ax}_math")).to_have_count(1)
        assert pg.locator(f"{box} .math-aligned").count() == 1
        assert pg.locator(f"{box} mfrac mtable").count() == 2            # symbols and numbers, two rows each
        rows = pg.locator(f"{box} mfrac mtable").first.evaluate(
            "t => Array.from(t.querySelectorAll('mtr')).map(r => r.getBoundingClientRect().top)")
        assert len(rows) == 2 and rows[1] > rows[0] + 5, rows           # one under the other
        sizes = pg.locator(f"{box} math").evaluate_all(
            "ms => ms.map(m => [m.getBoundingClientRect().width, m.getBoundingClientRect().height])")
        assert sizes and all(w > 5 and h > 5 for w, h in sizes), sizes
    screenshot(pg, f"padding-{lang}-same-output-mathml")
    _lines(pg, "output_h_math").evaluate_all(MARK)
    _lines(pg, "output_w_math").evaluate_all(MARK)
    thumb = pg.locator(".st-key-padding-h").get_by_role("slider")
    thumb.focus()
    runs.after(lambda: thumb.press("ArrowLeft"))                        # height 7 -> 6: SAME pads 2 + 2
    expect(_lines(pg, "output_h_math").first).to_have_attribute("data-latex",
                                                                re.compile(r"\\begin\{gathered\} 6 \+ 2 \+ 2 "))
    assert "h=6" in pg.url
    assert _lines(pg, "output_h_math").evaluate_all(KEPT) == [False]    # the height's formula: redrawn
    assert _lines(pg, "output_w_math").evaluate_all(KEPT) == [True]     # the width's: the same element
    # SAME's zeros and the windows' reach: MathML too, nothing typeset by KaTeX
    for step, count in (("padding", 4), ("used", 1)):
        runs.after(lambda: pg.get_by_role("tab", name=translate(lang, f"padding.step_{step}")).click())
        for ax in ("h", "w"):
            expect(_lines(pg, f"{step}_{ax}_math")).to_have_count(count)
            assert pg.locator(f".st-key-padding-{step}_{ax}_math math").count() >= count
        assert pg.locator(".katex").count() == 0
        screenshot(pg, f"padding-{lang}-same-{step}-mathml")
    assert_no_exception(pg)


def _blocks(frames: list, kind: str) -> int:
    from .conftest import forward_msgs

    return sum(1 for m in forward_msgs(frames) if m.WhichOneof("type") == "delta"
               and m.delta.WhichOneof("type") == "add_block" and m.delta.add_block.WhichOneof("type") == kind)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_mode_reruns_the_controls_formula_and_grid_not_the_rest(server_url, new_page, lang):
    """#14: a setting reruns the controls (the p slider is disabled for VALID), the formula and the grid, in ONE script
    run (round 13: round 10's callback reran them by key, two runs); not the notes, the export and code panels below
    (closed expanders) nor the title. With the export panel open the page reruns whole (its setup file and link hold
    the mode)."""
    from .conftest import new_element_types, script_runs

    pg = new_page
    received = open_app(pg, f"{server_url}/padding?lang={lang}", STEPPER)
    runs = ScriptRuns.of(pg)
    radio = pg.locator(".st-key-padding-mode")
    p_slider = pg.locator(".st-key-padding-row_p").get_by_role("slider")
    expect(p_slider).to_be_enabled()
    received.clear()
    runs.after(lambda: radio.get_by_text(translate(lang, "padding.mode_valid"), exact=True).click())
    sent = new_element_types(received)
    assert "slider" in sent and "bidi_component" in sent, sent           # the controls, the formulas, the grid
    assert _blocks(received, "expandable") == 0                          # not the notes, export and code panels
    assert script_runs(received) == 1
    assert pg.url.find("mode=valid") > 0
    expect(p_slider).to_be_disabled()
    # the export panel open: the page reruns whole (the panel is sent again)
    runs.after(lambda: pg.locator(".st-key-padding-export_open summary").click())
    received.clear()
    runs.after(lambda: radio.get_by_text(translate(lang, "padding.mode_same"), exact=True).click())
    assert _blocks(received, "expandable") >= 1
    assert_no_exception(pg)


# a mark on a DOM node that must survive a run (React updated it in place, did not mount it anew)
_MARK = "(sel) => { for (const el of document.querySelectorAll(sel)) el.__kept = true; }"
_KEPT = "(sel) => [...document.querySelectorAll(sel)].map((el) => el.__kept === true)"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_per_axis_toggle_adds_the_widths_row_and_keeps_the_rest(server_url, new_page, lang):
    """#14 round 13: per-axis on turns the first row of sliders into the height's (new labels, same widgets) and adds
    the width's row; off takes that row away. The first row's sliders, the reset button and the stepper are the same
    DOM nodes throughout (React updated them; it used to unmount four sliders, mount eight and move the reset
    button), the toggle is one script run, and nothing below the controls' part is sent again."""
    from .conftest import new_element_types, script_runs

    pg = new_page
    received = open_app(pg, f"{server_url}/padding?lang={lang}&k=5", STEPPER)
    runs = ScriptRuns.of(pg)
    first_row = ", ".join(f".st-key-padding-row_{n} input[type=range]" for n in ("k", "s", "d", "p"))
    kept = f"{first_row}, .st-key-padding-reset button, {STEPPER}"
    pg.evaluate(_MARK, kept)
    assert len(pg.evaluate(_KEPT, kept)) == 6
    toggle = pg.locator(".st-key-padding-axes").get_by_text(translate(lang, "padding.per_axis"))
    row_k = pg.locator(".st-key-padding-row_k")
    for on in (True, False):
        received.clear()
        runs.after(toggle.click)
        if on:
            expect(pg.locator(".st-key-padding-kw").get_by_role("slider")).to_have_value("5")
            assert translate(lang, "padding.kernel_h") in row_k.inner_text()
            assert translate(lang, "padding.row_height") in pg.inner_text("body")
            assert "axes=1" in pg.url
            screenshot(pg, f"padding-{lang}-per-axis-on")
        else:
            expect(pg.locator(".st-key-padding-kw")).to_have_count(0)
            assert translate(lang, "padding.kernel_h") not in row_k.inner_text()
            assert translate(lang, "padding.row_height") not in pg.inner_text("body")
            assert "axes" not in pg.url and "k=5" in pg.url
        assert row_k.get_by_role("slider").input_value() == "5"
        assert pg.evaluate(_KEPT, kept) == [True] * 6, f"mounted anew (per-axis {on})"
        assert script_runs(received) == 1
        sent = new_element_types(received)
        assert sent.count("slider") == (10 if on else 6), sent      # h, w, the first row (and the width's)
        assert "plotly_chart" not in sent and _blocks(received, "expandable") == 0
    assert_no_exception(pg)
    screenshot(pg, f"padding-{lang}-per-axis-off")
