"""The "Convolution backward" page in Chromium: both languages; input cells, δ cells and weights are
picked and stepped in the browser without a server round trip; the 5×5×3 example's σ′ step is never
clipped; phone layout."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout, expect

from ui.i18n import translate

from .conftest import (TOO_WIDE, WATCH_RUNNING, ScriptRuns, after_run, assert_no_exception as no_exception,
                       choice_select, forward_msgs, math_widths, new_element_types, open_app, open_tab, pick, pick_preset, screenshot,
                       stepper_formula as formula, wait_for_app, watch_round_trips)

pytestmark = pytest.mark.e2e

PAGE = "conv_backward"
WAY1 = ".st-key-conv_backward-way1_stepper .cs"
WAY2 = ".st-key-conv_backward-way2_stepper .cs"
ACT = ".st-key-conv_backward-act_stepper .cs"
DW = ".st-key-conv_backward-dw_stepper .cs"

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cells_are_stepped_in_the_browser_without_a_rerun(server_url, new_page, lang):
    pg = new_page
    sent = watch_round_trips(pg)
    open_app(pg, f"{server_url}/{PAGE}?lang={lang}", WAY1)
    no_exception(pg)
    assert translate(lang, "conv_backward.title") in pg.locator("h1").first.inner_text()
    # the default cell is i₁₂, the text's eq. (7)
    assert formula(pg, WAY1) == "(∂E)/(∂i₁₂) = δ₁₁·h₁₂ + δ₁₂·h₁₁ = 0×(−1) + 1×1 = 1"
    screenshot(pg, f"{PAGE}-{lang}-default")

    pg.evaluate(WATCH_RUNNING)
    before = len(sent)
    pick(pg, WAY1, 2, 2).hover()                    # i₁₃ on ∂E/∂i: the text's eq. (8), corrected
    assert formula(pg, WAY1) == "(∂E)/(∂i₁₃) = δ₁₂·h₁₂ + δ₁₃·h₁₁ = 1×(−1) + 1×1 = 0"
    pick(pg, WAY1, 2, 2).click()
    stage = pg.locator(f"{WAY1} .cs-stage")
    assert stage.evaluate("el => el.matches(':focus')")
    stage.press("ArrowDown")
    assert formula(pg, WAY1).startswith("(∂E)/(∂i₂₃) = ")
    assert len(sent) == before, sent[before:]
    assert pg.evaluate("window.__ran") is False

    # scatter: step the δ cells; the sent share and ∂E/∂x so far follow, in the browser
    open_tab(pg, translate(lang, "conv_backward.tab_way2"))
    pg.locator(WAY2).wait_for(timeout=20000)
    pg.evaluate(WATCH_RUNNING)
    before = len(sent)
    pick(pg, WAY2, 0, 0).click()
    assert formula(pg, WAY2).startswith("δ₁₁⋅h = 0×h = [0, 0; 0, 0]")
    pg.locator(f"{WAY2} .cs-stage").press("ArrowRight")
    assert formula(pg, WAY2) == ("δ₁₂⋅h = 1×h = [1, −1; 1, −1]; "
                                 "[0, 1, −1, 0; 0, 1, −1, 0; 0, 0, 0, 0; 0, 0, 0, 0]")
    assert len(sent) == before, sent[before:]
    assert pg.evaluate("window.__ran") is False
    screenshot(pg, f"{PAGE}-{lang}-scatter")
    assert "way=way2" in pg.url

    # ∂E/∂W: weights
    open_tab(pg, translate(lang, "conv_backward.tab_dw"))
    pg.locator(DW).wait_for(timeout=20000)
    pg.evaluate(WATCH_RUNNING)
    before = len(sent)
    pick(pg, DW, 2, 3).click()
    assert formula(pg, DW).startswith("(∂E)/(∂h₂₂) = δ₁₁·i₂₂")
    expect(pg.locator(f'{DW} figure[data-grid="0"] .cs-win')).to_have_count(9)   # one input cell per δ cell
    assert len(sent) == before and pg.evaluate("window.__ran") is False
    assert "tab=dw" in pg.url
    no_exception(pg)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_5x5x3_sigma_step_is_not_clipped(server_url, new_page, lang):
    """#12 item 8: the σ′ step of the multi-channel example, at 1400 px and on a phone."""
    pg = new_page
    open_app(pg, f"{server_url}/{PAGE}?lang={lang}&example=multi&activation=sigmoid&tab=act", ACT)
    no_exception(pg)
    assert formula(pg, ACT).startswith("δˡ⁻¹₁₁₂ = (∂E)/(∂x₁₁₂)·σ′(z₁₁₂)")
    assert pg.evaluate(TOO_WIDE) == []
    screenshot(pg, f"{PAGE}-{lang}-multi-act")
    open_tab(pg, translate(lang, "conv_backward.tab_sgd"))
    # the text's printed b1 after the step, in the catalogue's note (a math box: its text is in the component)
    assert "0.991" in pg.locator(".st-key-claims-note-s003_sgd_printed_math .math-box").inner_text()
    assert pg.evaluate(TOO_WIDE) == []
    _formulas_fit_or_scroll(pg)                       # the SGD step's lines (MathML math boxes)
    pg.set_viewport_size({"width": 390, "height": 844})
    _formulas_fit_or_scroll(pg)
    open_tab(pg, translate(lang, "conv_backward.tab_act"))
    pg.locator(ACT).wait_for(timeout=30000)
    assert pg.evaluate(TOO_WIDE) == []
    screenshot(pg, f"{PAGE}-{lang}-phone")


def _formulas_fit_or_scroll(pg) -> None:
    """Every math box line on the page fits its column or scrolls sideways inside it (never clipped)."""
    widths = math_widths(pg)
    assert widths
    for w in widths:
        assert w["width"] <= w["column"] + 1 or w["overflow"] in ("auto", "scroll"), w
        assert w["shown"] <= w["column"] + 1, w


def test_bad_matrix_keeps_the_page_alive(server_url, new_page):
    pg = new_page
    open_app(pg, f"{server_url}/{PAGE}?lang=en")
    area = pg.locator('[data-testid="stTextArea"]').filter(
        has_text=translate("en", "conv_backward.x_label")).locator("textarea")
    area.fill("<b>x</b> __import__('os')")
    after_run(pg, lambda: area.press("Control+Enter"))
    no_exception(pg)
    alerts = pg.locator('[data-testid="stAlert"]').all_inner_texts()
    assert any("<b>x</b>" in a for a in alerts)                   # shown as text, never as HTML
    assert pg.locator(WAY1).count() == 0


# --------------------------------------------------------------------------- #14: parts that rerun alone
def script_runs(received: list) -> int:
    """How many script runs ``received`` holds, each started by a ``new_session`` message: a callback that reruns parts
    by name (``st.rerun([keys])``) makes two (an announced run that ends early, then the targeted one)."""
    return sum(msg.WhichOneof("type") == "new_session" for msg in forward_msgs(received))


def _sent_elements(received: list) -> list:
    return [msg.delta.new_element for msg in forward_msgs(received)
            if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element"]


def test_the_layer_expander_the_code_panel_and_a_preset_rerun_their_part_only(server_url, new_page):
    pg = new_page
    received = open_app(pg, f"{server_url}/{PAGE}?lang=zh", WAY1)
    # opening the layer expander: its tables (δ, x, W and the forward output y) arrive, nothing else is sent
    received.clear()
    pg.locator('[data-testid="stExpander"] summary').filter(
        has_text=translate("zh", "conv_backward.layer_title")).click()
    titles = pg.locator("figure.mg-grid figcaption")
    expect(titles).to_have_count(4, timeout=20000)
    assert titles.all_inner_texts() == [translate("zh", f"conv_backward.{k}")
                                        for k in ("fig_delta1", "fig_x1", "fig_w1", "forward_title")]
    wait_for_app(pg)
    sent = new_element_types(received)
    assert "html" in sent and not {"text_area", "radio", "selectbox", "bidi_component"} & set(sent), sent
    # opening the code panel: its code arrives, the editors and the steppers are not sent again
    received.clear()
    pg.locator('[data-testid="stExpander"] summary').filter(has_text=translate("zh", "owndata.code_title")).click()
    pg.locator('[data-testid="stExpander"] [data-testid="stCode"]').first.wait_for(timeout=20000)
    wait_for_app(pg)
    sent = new_element_types(received)
    assert "code" in sent and not {"text_area", "radio", "bidi_component", "html"} & set(sent), sent
    # a preset: the values part reruns (editors, the open tables, the stepper), the title and the conventions do not
    received.clear()
    ScriptRuns.of(pg).after(lambda: pick_preset(pg, "conv_backward.x", translate("zh", "owndata.preset_checkerboard")))
    loaded = translate("zh", "owndata.preset_loaded", name=translate("zh", "owndata.preset_checkerboard"))
    pg.get_by_text(loaded).wait_for(timeout=20000)
    wait_for_app(pg)
    elements = _sent_elements(received)
    kinds = [el.WhichOneof("type") for el in elements]
    assert {"text_area", "bidi_component", "html"} <= set(kinds), kinds
    # #14 round 11: one run of the values part (the three editors and the results), not the example radio, the sliders
    # or the learning rate above it
    assert script_runs(received) == 1
    assert kinds.count("text_area") == 3 and not {"radio", "slider", "number_input"} & set(kinds), kinds
    headings = [el.heading.body for el in elements if el.WhichOneof("type") == "heading"]
    markdown = [el.markdown.body for el in elements if el.WhichOneof("type") == "markdown"]
    assert translate("zh", "conv_backward.title") not in headings
    assert translate("zh", "conv_backward.conventions") not in markdown
    no_exception(pg)


# --------------------------------------------------------------------------- #14 round 9: formulas as MathML
def _box(key: str) -> str:
    return f".st-key-{PAGE}-{key}"


# a mark on each formula line of a math box: a line whose box re-parsed its markup is a new node, without the mark
MARK = "els => els.forEach(el => { el.__kept = true; })"
KEPT = "els => els.map(el => el.__kept === true)"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bias_and_sgd_formulas_are_mathml_and_only_a_changed_box_is_redrawn(server_url, new_page, lang):
    """∂E/∂b and the SGD step are MathML drawn by the browser (math boxes), no KaTeX on the page: the matrices in
    stretched brackets, the bias step aligned at "=". Choosing the other filter leaves the SGD formulas as they
    are (their boxes are not re-parsed); another learning rate redraws them."""
    pg = new_page
    pg.set_viewport_size({"width": 1400, "height": 1600})
    runs = ScriptRuns(pg)
    open_app(pg, f"{server_url}/{PAGE}?lang={lang}&example=multi&tab=sgd", f"{_box('sgd_1_math')} math")
    no_exception(pg)
    assert pg.locator(".katex").count() == 0
    sgd1 = pg.locator(f"{_box('sgd_1_math')} .math-line")
    expect(sgd1).to_have_count(4)                                     # three channels' W steps and b₁'s
    assert pg.locator(f"{_box('sgd_1_math')} mtable").count() == 9    # W, ∂E/∂W and W after, per channel
    table = pg.locator(f"{_box('sgd_1_math')} mtable").first
    table_h = table.bounding_box()["height"]
    bracket_h = table.evaluate("t => t.previousElementSibling.getBoundingClientRect().height")
    assert table_h > 40 and bracket_h >= 0.9 * table_h, (table_h, bracket_h)
    assert pg.locator(f"{_box('sgd_1_math')} .math-aligned").count() == 1     # b₁'s step, aligned at "="
    assert "0.991" in pg.locator(f"{_box('sgd_1_math')} .math-line").last.inner_text()   # the printed b₁ after
    _formulas_fit_or_scroll(pg)
    screenshot(pg, f"{PAGE}-{lang}-multi-sgd-mathml")
    lines = pg.locator(f"{_box('sgd_1_math')} .math-line, {_box('sgd_2_math')} .math-line")
    lines.evaluate_all(MARK)
    # the other filter: the setup part reruns, the SGD formulas are the same markup (not re-parsed)
    _choose_in_menu(pg, "filter", translate(lang, "conv_backward.filter_n", n=2))
    assert "filter=2" in pg.url
    assert lines.evaluate_all(KEPT) == [True] * 8
    # another learning rate: every SGD line is redrawn
    lr = pg.locator(f".st-key-{PAGE}-lr input")
    lr.fill("0.01")
    runs.after(lambda: lr.press("Enter"))
    expect(pg.locator(f"{_box('sgd_1_math')} .math-line").last).to_contain_text("0.91")
    assert lines.evaluate_all(KEPT) == [False] * 8
    no_exception(pg)

    # one channel at stride 2, padding 1: ∂E/∂b written out as MathML (a sum aligned over several lines)
    open_app(pg, f"{server_url}/{PAGE}?lang={lang}&stride=2&padding=1&tab=dw", f"{_box('db_math')} math")
    assert pg.locator(".katex").count() == 0
    assert pg.locator(f"{_box('db_math')} .math-aligned").count() == 1
    drawn = pg.locator(f"{_box('db_math')} math").evaluate_all(
        "ms => ms.map(m => [m.getBoundingClientRect().width, m.getBoundingClientRect().height])")
    assert drawn and all(w > 5 and h > 5 for w, h in drawn if w), drawn
    no_exception(pg)
    screenshot(pg, f"{PAGE}-{lang}-stride2-db-mathml")


# --------------------------------------------------------------------------- #14 round 10: keyed parts
def _choose(pg, label: str, option: str, nth: int = 0) -> None:
    """Choose ``option`` in the select labelled ``label`` (the ``nth`` one) and wait for the run it starts."""
    combo = pg.locator('[data-testid="stSelectbox"]').filter(has_text=label).nth(nth).locator('[role="combobox"]').first
    combo.click()
    item = pg.get_by_role("option", name=option, exact=True)
    try:
        item.wait_for(timeout=3000)
    except PlaywrightTimeout:   # the click only focused it: open the list from the keyboard
        combo.press("ArrowDown")
    ScriptRuns.of(pg).after(item.click)


def _menu(pg, name: str):
    """The ``<select>`` of the choice menu ``name`` (activation; the 5×5×3 example's filter, channel:
    ui/components/choice_menu.py)."""
    return choice_select(pg, f"{PAGE}.{name}")


def _choose_in_menu(pg, name: str, option: str) -> None:
    """Choose ``option`` (its text) in the choice menu ``name`` and wait for the run it starts."""
    ScriptRuns.of(pg).after(lambda: _menu(pg, name).select_option(label=option))


def _kinds(received: list, lang: str) -> list[str]:
    """The types of the elements sent, the page's title as ``"title"`` (a section's subheading is a heading too)."""
    title = translate(lang, "conv_backward.title")
    return ["title" if el.WhichOneof("type") == "heading" and el.heading.body == title else el.WhichOneof("type")
            for el in _sent_elements(received)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_preset_and_the_selects_rerun_their_parts_only(server_url, new_page, lang):
    """#14 round 11: x's and W's presets are one script run each, of the values part (the editors and the results: ∂E/∂W
    on the new values); the activation select one run of the results alone; the export panel opens alone. None sends
    the title, the example radio or the sliders. (Round 10 reran named parts from the control's callback: two runs.)"""
    pg = new_page
    received = open_app(pg, f"{server_url}/{PAGE}?lang={lang}&tab=dw", DW)
    before = formula(pg, DW)
    received.clear()
    ScriptRuns.of(pg).after(lambda: pick_preset(pg, "conv_backward.x", translate(lang, "owndata.preset_checkerboard")))
    expect(pg.get_by_text(translate(lang, "owndata.preset_loaded",
                                    name=translate(lang, "owndata.preset_checkerboard")))).to_be_visible()
    wait_for_app(pg)
    no_exception(pg)
    kinds = _kinds(received, lang)
    assert script_runs(received) == 1, "a preset is one run of the part that holds it"
    assert "bidi_component" in kinds and kinds.count("text_area") == 3, kinds
    assert not {"radio", "slider", "number_input", "title"} & set(kinds), kinds
    assert formula(pg, DW) != before                      # ∂E/∂W of the new input
    # W's preset: the same part, one run
    received.clear()
    ScriptRuns.of(pg).after(lambda: pick_preset(pg, "conv_backward.w", translate(lang, "owndata.preset_mean")))
    expect(pg.get_by_text(translate(lang, "owndata.preset_loaded",
                                    name=translate(lang, "owndata.preset_mean")))).to_be_visible()
    wait_for_app(pg)
    no_exception(pg)
    kinds = _kinds(received, lang)
    assert script_runs(received) == 1, "a preset is one run of the part that holds it"
    assert kinds.count("text_area") == 3 and not {"radio", "slider", "title"} & set(kinds), kinds
    # the activation: one run of the results alone (itself, no editor)
    received.clear()
    _choose_in_menu(pg, "activation", translate(lang, "words.act_tanh"))
    wait_for_app(pg)
    assert "activation=tanh" in pg.url
    expect(_menu(pg, "activation")).to_have_value("tanh")                 # the menu keeps the choice
    no_exception(pg)
    kinds = _kinds(received, lang)
    assert script_runs(received) == 1, "a menu is one run of the part that holds it"
    assert "bidi_component" in kinds and "selectbox" not in kinds, kinds   # the menus: no Streamlit select (#14 r12)
    assert not {"text_area", "radio", "slider", "title"} & set(kinds), kinds
    # the export panel opens alone
    received.clear()
    ScriptRuns.of(pg).after(lambda: pg.locator('[data-testid="stExpander"] summary').filter(
        has_text=translate(lang, "owndata.export_title")).click())
    expect(pg.locator('[data-testid="stDownloadButton"]').first).to_be_visible()
    kinds = _kinds(received, lang)
    assert "download_button" in kinds and not {"text_area", "bidi_component", "radio", "title"} & set(kinds), kinds
    no_exception(pg)
    screenshot(pg, f"{PAGE}-{lang}-keyed-parts")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_filter_select_and_the_resize_button_are_one_run(server_url, new_page, lang):
    """The 5×5×3 example's filter select: one run of the results (no editor, no title). A δ of the wrong size: the
    resize button is one run of the values part, δ's editor shows the fitted map and the results follow."""
    pg = new_page
    received = open_app(pg, f"{server_url}/{PAGE}?lang={lang}&example=multi&tab=dw&channel=3", DW)
    expect(_menu(pg, "channel")).to_have_value("3")                        # the link's channel
    expect(_menu(pg, "filter")).to_have_value("1")
    received.clear()
    _choose_in_menu(pg, "filter", translate(lang, "conv_backward.filter_n", n=2))
    wait_for_app(pg)
    assert "filter=2" in pg.url
    expect(_menu(pg, "filter")).to_have_value("2")                         # the menu keeps the choice
    expect(_menu(pg, "channel")).to_have_value("3")
    kinds = _kinds(received, lang)
    assert script_runs(received) == 1 and "bidi_component" in kinds, kinds
    # the activation, filter and channel are the browser's own selects (#14 round 12): no Streamlit select
    assert not {"text_area", "radio", "title", "selectbox"} & set(kinds), kinds
    assert translate(lang, "conv_backward.cs_dw", f=2, n=3) in pg.locator(DW).inner_text()
    no_exception(pg)
    received = open_app(pg, f"{server_url}/{PAGE}?lang={lang}&tab=dw", DW)
    delta = pg.locator(f".st-key-{PAGE}-delta textarea")
    delta.fill("1 2\n3 4")                                  # the output is 3×3
    ScriptRuns.of(pg).after(lambda: delta.press("Control+Enter"))
    fit = pg.get_by_role("button", name=translate(lang, "conv_backward.fit_delta", oh=3, ow=3))
    expect(fit).to_be_visible(timeout=20000)
    expect(pg.locator(DW)).to_have_count(0)                 # no gradients while δ does not fit
    received.clear()
    ScriptRuns.of(pg).after(fit.click)
    pg.locator(DW).wait_for(timeout=20000)
    wait_for_app(pg)
    kinds = _kinds(received, lang)
    assert script_runs(received) == 1 and "bidi_component" in kinds and "title" not in kinds, kinds
    assert delta.input_value().count("\n") == 2 and fit.count() == 0   # δ is 3×3 in its editor
    no_exception(pg)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_editors_keep_their_texts_across_the_5x5x3_example(server_url, new_page, lang):
    """The example radio: to the 5×5×3 example and back, the editors come back with their texts (a typed x kept),
    in the browser as on the server, and typing in them still reruns their part."""
    pg = new_page
    open_app(pg, f"{server_url}/{PAGE}?lang={lang}&tab=dw", DW)
    runs = ScriptRuns.of(pg)
    x_box = pg.locator(f".st-key-{PAGE}-x textarea")
    x_box.fill("1 0 2 0\n0 1 0 2\n2 0 1 0\n0 2 0 1")
    runs.after(lambda: x_box.press("Control+Enter"))
    typed = formula(pg, DW)
    radio = pg.locator('[data-testid="stMain"] [data-testid="stRadio"]').first.locator('[data-testid="stRadioOption"]')
    runs.after(lambda: radio.nth(1).click())
    assert "example=multi" in pg.url
    runs.after(lambda: radio.nth(0).click())
    expect(x_box).to_have_value("1 0 2 0\n0 1 0 2\n2 0 1 0\n0 2 0 1", timeout=20000)
    expect(pg.locator(f".st-key-{PAGE}-delta textarea")).not_to_have_value("")
    assert formula(pg, DW) == typed
    x_box.fill("1 1 1 1\n1 1 1 1\n1 1 1 1\n1 1 1 1")
    runs.after(lambda: x_box.press("Control+Enter"))
    expect(pg.locator(DW + " .cs-formula")).not_to_have_attribute("aria-label", typed, timeout=20000)
    no_exception(pg)


# a mark on DOM nodes (an expando property): still there after a run only if the browser updated the node in place
_MARK = "(sel) => { for (const el of document.querySelectorAll(sel)) el.__kept = true; }"
_KEPT = "(sel) => [...document.querySelectorAll(sel)].map((el) => el.__kept === true)"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_example_radio_updates_the_results_in_place(server_url, new_page, lang):
    """#14 round 12: switching the example is one run of the setup part (not the title); the results below the editors
    (the ∂E/∂W stepper, the section tabs) are updated in place, not mounted anew, both ways. The 5×5×3 example holds
    the editors' place: without it the results part moved up one place and the browser rebuilt all of it (~1,000 React
    components, the radio's switch 155 ms of browser CPU against 118)."""
    pg = new_page
    received = open_app(pg, f"{server_url}/{PAGE}?lang={lang}&tab=dw", DW)
    one = formula(pg, DW)
    results = f'.st-key-{PAGE}-dw_stepper, [data-testid="stMain"] [role="tablist"]'
    pg.evaluate(_MARK, results)
    assert len(pg.evaluate(_KEPT, results)) == 2                     # the stepper and the sections' tab bar
    radio = pg.locator('[data-testid="stMain"] [data-testid="stRadio"]').first.locator('[data-testid="stRadioOption"]')
    runs = ScriptRuns.of(pg)
    for option, example in ((1, "multi"), (0, "one")):
        received.clear()
        runs.after(lambda: radio.nth(option).click())
        wait_for_app(pg)
        no_exception(pg)
        assert (f"example={example}" in pg.url) == (example == "multi")
        kinds = _kinds(received, lang)
        assert script_runs(received) == 1 and "radio" in kinds and "title" not in kinds, kinds
        if example == "multi":
            expect(pg.locator(DW + " .cs-formula")).not_to_have_attribute("aria-label", one, timeout=20000)
            assert formula(pg, DW).startswith("(∂E)/(∂w"), formula(pg, DW)   # the 5×5×3 example's names
        else:
            expect(pg.locator(DW + " .cs-formula")).to_have_attribute("aria-label", one, timeout=20000)
        assert pg.evaluate(_KEPT, results) == [True, True], f"the results were mounted anew ({example})"
