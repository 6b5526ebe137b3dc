"""The pooling page in Chromium: both languages; output cells (forward) and input cells (backward) are
picked and stepped in the browser without a server round trip; a slider rebuilds the steppers; a link
that changes the output size opens without an error; phone and desktop layouts."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ui.i18n import translate

from cnn_core.worked_examples import POOL_ROUTE
from .conftest import (TOO_WIDE, WATCH_RUNNING, ScriptRuns, after_run, assert_no_exception, choice_select, forward_msgs,
                       open_app, open_tab, pick, screenshot, slider_input, stepper_formula as formula, wait_for_app,
                       wait_for_text, watch_frames, watch_round_trips)

pytestmark = pytest.mark.e2e

PAGE = "pooling"
FORWARD = ".st-key-pooling-forward_stepper .cs"
BACKWARD = ".st-key-pooling-backward_stepper .cs"

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cells_are_stepped_in_the_browser_and_the_slider_rebuilds_them(server_url, new_page, lang):
    pg = new_page
    sent = watch_round_trips(pg)
    pg.goto(f"{server_url}/{PAGE}?lang={lang}")
    wait_for_app(pg)
    assert_no_exception(pg)
    assert translate(lang, "pooling.title") in pg.locator("h1").first.inner_text()
    pg.locator(FORWARD).wait_for(timeout=20000)
    assert formula(pg, FORWARD) == "y₁₁ = max(a₁₁, a₁₂, a₂₁, a₂₂) = max(9, 1, 4, 5) = 9"
    assert pg.locator(f"{FORWARD} .cs-formula math").count() > 0
    screenshot(pg, f"{PAGE}-{lang}-default")

    pg.evaluate(WATCH_RUNNING)
    before = len(sent)
    pick(pg, FORWARD, 1, 2).hover()                 # y₂₁ on the output grid
    expect(pg.locator(FORWARD)).to_have_attribute("data-cell", "2", timeout=5000)
    assert formula(pg, FORWARD) == "y₂₁ = max(a₃₁, a₃₂, a₄₁, a₄₂) = max(7, 9, 3, 1) = 9"
    pick(pg, FORWARD, 1, 2).click()
    stage = pg.locator(f"{FORWARD} .cs-stage")
    assert stage.evaluate("el => el.matches(':focus')")
    assert stage.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    stage.press("ArrowRight")
    assert formula(pg, FORWARD).startswith("y₂₂ = max(a₃₃, a₃₄, a₄₃, a₄₄)")
    stage.press("ArrowUp")
    assert formula(pg, FORWARD).startswith("y₁₂")
    assert len(sent) == before, sent[before:]
    assert pg.evaluate("window.__ran") is False

    # the backward section: input cells, the δ routed to them
    open_tab(pg, translate(lang, "pooling.tab_backward"))
    pg.locator(BACKWARD).wait_for(timeout=20000)
    pg.evaluate(WATCH_RUNNING)
    before = len(sent)
    pick(pg, BACKWARD, 0, 7).click()                # a₂₄ = 9 won y₁₂'s window: δ₁₂ = 8
    assert formula(pg, BACKWARD) == "(∂L)/(∂a₂₄) = δ₁₂ = 8"
    pg.locator(f"{BACKWARD} .cs-stage").press("ArrowLeft")
    assert formula(pg, BACKWARD) == "(∂L)/(∂a₂₃) = 0"
    assert len(sent) == before, sent[before:]
    assert pg.evaluate("window.__ran") is False
    screenshot(pg, f"{PAGE}-{lang}-backward")
    assert "tab=backward" in pg.url

    # a slider move is a rerun: stride 2 -> 1, overlapping windows, a 3×3 output, the steppers rebuilt
    thumb = pg.locator(".st-key-pooling-stride").get_by_role("slider")
    thumb.focus()
    after_run(pg, lambda: thumb.press("ArrowLeft"))
    wait_for_text(pg, translate(lang, "pooling.delta_label", rows=3, cols=3))
    assert_no_exception(pg)
    expect(pg.locator(f'{BACKWARD} figure[data-grid="1"] .cs-cell')).to_have_count(9, timeout=15000)
    pick(pg, BACKWARD, 0, 7).click()                # a₂₄ wins y₁₃ and y₂₃: δ₁₃ + δ₂₃ = 3 + 6
    assert formula(pg, BACKWARD) == "(∂L)/(∂a₂₄) = δ₁₃ + δ₂₃ = 3 + 6 = 9"
    assert "stride=1" in pg.url
    screenshot(pg, f"{PAGE}-{lang}-stride1-backward")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_link_with_a_larger_output_opens_without_an_error(server_url, new_page, lang):
    """#12 item 5: ?kernel=3&stride=1&padding=1 makes a 4×4 output; δ follows it."""
    pg = new_page
    pg.goto(f"{server_url}/{PAGE}?lang={lang}&kernel=3&stride=1&padding=1&tab=backward&activation=sigmoid")
    wait_for_app(pg)
    assert_no_exception(pg)
    pg.locator(BACKWARD).wait_for(timeout=20000)
    assert pg.locator('[data-testid="stAlert"]').filter(has_text="4×4").count() == 0
    assert translate(lang, "pooling.delta_reset", rows=4, cols=4) in pg.inner_text("body")
    assert formula(pg, BACKWARD).startswith("(∂L)/(∂a₁₁) = ")
    assert "δˡ⁻¹₁₁" in formula(pg, BACKWARD)
    assert pg.evaluate(TOO_WIDE) == []
    screenshot(pg, f"{PAGE}-{lang}-link-k3")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_phone_layout(server_url, browser, lang):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US", is_mobile=True,
                                  has_touch=True)
    pg = context.new_page()
    try:
        pg.goto(f"{server_url}/{PAGE}?lang={lang}&mode=avg&kernel=3&stride=1&padding=1")
        wait_for_app(pg)
        assert_no_exception(pg)
        pg.locator(FORWARD).wait_for(timeout=20000)
        assert pg.evaluate(TOO_WIDE) == []
        # the stepper scrolls inside its column rather than widening the page
        assert pg.evaluate("() => document.documentElement.scrollWidth") <= 392
        screenshot(pg, f"{PAGE}-{lang}-phone")
    finally:
        context.close()


def test_bad_link_values_show_warnings_not_exceptions(server_url, new_page):
    pg = new_page
    pg.goto(f"{server_url}/{PAGE}?lang=en&stride=abc&mode=%3Cb%3Ex%3C/b%3E&input=1,2;3")
    wait_for_app(pg)
    pg.locator(FORWARD).wait_for(timeout=20000)
    assert_no_exception(pg)
    alerts = pg.locator('[data-testid="stAlert"]').all_inner_texts()
    assert any("Stride" in a and "abc" in a for a in alerts)
    assert any("<b>x</b>" in a for a in alerts)  # shown as text, never as HTML
    assert pg.locator("b", has_text="x").count() == 0


# --------------------------------------------------------------------------- #14 round 9: MathML, not KaTeX
SEED_BOXES = [".st-key-pooling-seed_max_math", ".st-key-pooling-seed_avg_math"]   # computed | printed in each
# each box's matrix: its table's height, its left bracket's height, its cells' text (row by row)
MATRIX = """(t) => [t.getBoundingClientRect().height, t.previousElementSibling.getBoundingClientRect().height,
  Array.from(t.querySelectorAll('mtr')).map(r => Array.from(r.querySelectorAll('mtd')).map(c => c.textContent))]"""


def _number(v: float) -> str:
    return f"{v:g}".replace("-", "\u2212")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_texts_routes_are_mathml_and_a_rerun_leaves_them_drawn(server_url, new_page, lang):
    """The source-texts tab's four matrices (δ routed through max and average pooling, computed and printed) are
    MathML the browser draws in math boxes (no KaTeX on the page), brackets as tall as the matrix, with the text's
    numbers, at a setup that is not the text's. A slider's rerun sends the same markup, which the boxes keep as it is
    (the same elements, not parsed again)."""
    pg = new_page
    pg.set_viewport_size({"width": 1400, "height": 2400})
    runs = ScriptRuns(pg)
    received = watch_frames(pg)
    runs.after(lambda: pg.goto(f"{server_url}/{PAGE}?lang={lang}&tab=seed&mode=avg&kernel=3&stride=1&padding=1"))
    for box in SEED_BOXES:
        pg.locator(f"{box} mtable").nth(1).wait_for(timeout=20000)
    assert_no_exception(pg)
    assert pg.locator(".katex").count() == 0
    for k, box in enumerate(SEED_BOXES):
        tables = pg.locator(f"{box} mtable")
        assert tables.count() == 2
        titles = pg.locator(f"{box} .math-panel strong").all_inner_texts()
        assert titles == [translate(lang, "pooling.seed_computed"), translate(lang, "pooling.seed_printed")]
        left, right = (tables.nth(n).bounding_box() for n in (0, 1))
        assert right["x"] > left["x"] + left["width"] and abs(right["y"] - left["y"]) < 2, (left, right)  # side by side
        # the computed route is the printed one (the catalogue's verdict: the text is right)
        printed = POOL_ROUTE.printed[("max", "avg")[k]][0, 0]
        for n in (0, 1):
            table_h, bracket_h, cells = tables.nth(n).evaluate(MATRIX)
            assert table_h > 60 and bracket_h >= 0.9 * table_h, (box, table_h, bracket_h)
            assert cells == [[_number(v) for v in row] for row in printed], (box, cells)
    assert translate(lang, "pooling.seed_not_default") in pg.inner_text("body")
    screenshot(pg, f"{PAGE}-{lang}-seed-mathml")

    tables = pg.locator(", ".join(f"{box} mtable" for box in SEED_BOXES))
    tables.evaluate_all("ts => ts.forEach(t => { t.__kept = true; })")   # a mark on each drawn element
    received.clear()
    runs.after(lambda: slider_input(pg, "pooling.kernel").press("ArrowRight"))    # kernel 3 -> 4
    sent = [msg.delta.new_element.bidi_component.json for msg in forward_msgs(received)
            if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element"
            and msg.delta.new_element.WhichOneof("type") == "bidi_component"
            and "math-line" in msg.delta.new_element.bidi_component.json]
    assert len(sent) == 2                                       # the page reran: the two boxes, the same markup
    assert tables.evaluate_all("ts => ts.map(t => t.__kept === true)") == [True] * 4, "kept, not parsed again"
    assert pg.locator(".katex").count() == 0
    assert "kernel=4" in pg.url
    assert_no_exception(pg)


# --------------------------------------------------------------------------- #14 round 10: parts that rerun alone
def _sent(frames: list) -> list[tuple[str, str]]:
    """(element type, its text) of every element the server sent in ``frames``: a heading's or Markdown's body,
    a widget's label; "" for others."""
    out = []
    for msg in forward_msgs(frames):
        if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
            el = msg.delta.new_element
            kind = el.WhichOneof("type")
            inner = getattr(el, kind)
            out.append((kind, getattr(inner, "body", "") or getattr(inner, "label", "")))
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_activation_select_reruns_the_input_and_the_sections_not_the_page(server_url, new_page, lang):
    """The activation menu (the browser's own select, ui/components/choice_menu.py) changes the input's label and
    what the sections show: its follow-up reruns only those two parts (not the title, the other controls, δ, the
    panels), and the forward stepper shows σ(z)."""
    pg = new_page
    received = open_app(pg, f"{server_url}/{PAGE}?lang={lang}")
    pg.locator(FORWARD).first.wait_for(timeout=20000)
    received.clear()
    choice_select(pg, "pooling.activation").select_option(label=translate(lang, "words.act_relu"))
    wait_for_text(pg, translate(lang, "pooling.pooled_input", activation=translate(lang, "words.act_relu")))
    expect(pg.locator(".st-key-pooling-input [data-testid='stWidgetLabel']").first).to_have_text(
        translate(lang, "pooling.input_label"), timeout=20000)
    pg.wait_for_url("**activation=relu**", timeout=20000)      # the parts' run ends by writing the link
    wait_for_app(pg)
    sent = _sent(received)
    kinds = [kind for kind, _ in sent]
    assert ("text_area", translate(lang, "pooling.input_label")) in sent          # the input's column, relabelled
    assert "page_link" in kinds                                                   # the forward section
    assert not {"slider", "radio", "button"} & set(kinds), sent                  # not the other controls,
    assert ("heading", translate(lang, "pooling.title")) not in sent              # not the title,
    assert not [text for kind, text in sent if kind == "text_area" and text != translate(lang, "pooling.input_label")]
    assert len(sent) <= 8, sent                                                   # not δ: about a third of the page
    expect(choice_select(pg, "pooling.activation")).to_have_value("relu")         # the menu keeps the choice
    assert_no_exception(pg)


def test_the_activation_menu_reruns_an_open_export_panel_too(server_url, new_page):
    """With the export panel open, the activation's follow-up reruns it with the input and the sections (its
    setup file says the new activation), still not the page (no title, no slider)."""
    pg = new_page
    received = open_app(pg, f"{server_url}/{PAGE}?lang=en&tab=seed")
    ScriptRuns.of(pg).after(lambda: pg.locator('[data-testid="stExpander"] summary', has_text=translate(
        "en", "owndata.export_title")).click())
    expect(pg.locator('[data-testid="stDownloadButton"]').first).to_be_visible(timeout=20000)
    wait_for_app(pg)
    received.clear()
    ScriptRuns.of(pg).after(lambda: choice_select(pg, "pooling.activation").select_option(value="tanh"))
    pg.wait_for_url("**activation=tanh**", timeout=20000)
    wait_for_app(pg)
    sent = _sent(received)
    kinds = [kind for kind, _ in sent]
    assert "download_button" in kinds, sent                                       # the open panel, again
    assert ("text_area", translate("en", "pooling.input_label")) in sent          # with the input's column
    assert not {"slider", "radio"} & set(kinds) and ("heading", translate("en", "pooling.title")) not in sent, sent
    assert_no_exception(pg)


def test_the_code_panel_opens_in_its_own_part(server_url, new_page):
    """Opening the "same in PyTorch / NumPy" panel sends its code, not the page above it."""
    pg = new_page
    received = open_app(pg, f"{server_url}/{PAGE}?lang=en")
    pg.locator(FORWARD).first.wait_for(timeout=20000)
    received.clear()
    pg.locator('[data-testid="stExpander"] summary', has_text=translate("en", "owndata.code_title")).click()
    pg.locator('[data-testid="stExpander"] [data-testid="stCode"]').first.wait_for(timeout=20000)
    wait_for_app(pg)
    kinds = [kind for kind, _ in _sent(received)]
    assert "code" in kinds and set(kinds) <= {"code", "markdown", "caption", "bidi_component"}, kinds   # a tab strip
    assert_no_exception(pg)
