"""Fully connected page in a real browser: loads in both languages; editing W changes the products figure."""

from __future__ import annotations

import pytest

from ui.i18n import translate

from playwright.sync_api import expect

from .conftest import (WATCH_RUNNING, ScriptRuns, assert_no_exception, choice_select, forward_msgs, math_widths,
                       new_element_types, open_app, open_panel,
                       open_tab, runs_sent, pick, pick_preset, screenshot, stepper_formula, wait_for_app, wait_for_text, watch_round_trips)

pytestmark = pytest.mark.e2e

STEPPER = ".st-key-dense-forward_stepper .cs"
TABLE = '[data-testid="stHtml"] table.pt-table'   # the page's tables: plain HTML (ui/plain_table.py), not st.table



def drawn_formulas(pg, key: str) -> list[dict]:
    """The ``<math>`` elements the math box ``key`` draws: their size and the LaTeX of their line."""
    return pg.locator(f".st-key-{key.replace('.', '-')} math").evaluate_all(
        "ms => ms.map(m => ({w: m.getBoundingClientRect().width, h: m.getBoundingClientRect().height,"
        " latex: m.closest('.math-line').dataset.latex}))")


FIGURE_Z = """(title) => {
  for (const el of document.querySelectorAll('.js-plotly-plot')) {
    const t = el.layout && el.layout.title && el.layout.title.text;
    if (t && t.includes(title)) return JSON.stringify(el.data[0].z);
  }
  return null;
}"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_dense_page_loads(server_url, new_page, lang):
    new_page.set_viewport_size({"width": 1400, "height": 5200})  # the main area scrolls itself: show it all
    open_app(new_page, f"{server_url}/dense?lang={lang}", STEPPER)
    assert_no_exception(new_page)
    assert translate(lang, "dense.title") in new_page.locator("h1").first.inner_text()
    # the default view: the products in a cell stepper and the output table, no Plotly chart; other topics are lazy tabs
    assert new_page.locator(".js-plotly-plot").count() == 0
    # the output table is plain HTML (ui/plain_table.py, #14 round 13), not st.table (a Markdown renderer per cell)
    assert new_page.locator('[data-testid="stTable"]').count() == 0
    assert translate(lang, "dense.axis_class") in new_page.locator(TABLE).first.inner_text()
    # the formulas are MathML the browser draws itself (#14 round 8), not KaTeX: z = W x + b has a size on screen
    assert new_page.locator(".katex-display").count() == 0
    drawn = drawn_formulas(new_page, "dense.forward_math")
    assert any(r"z &= W x + b" in f["latex"] for f in drawn), drawn
    assert drawn and all(f["w"] > 5 and f["h"] > 5 for f in drawn), drawn
    # a matrix is drawn as a table of numbers between brackets as tall as it (the brackets stretch)
    table_h = new_page.locator(".st-key-dense-forward_math mtable").first.bounding_box()["height"]
    bracket_h = new_page.locator(".st-key-dense-forward_math mtable").first.evaluate(
        "t => t.previousElementSibling.getBoundingClientRect().height")
    assert table_h > 40 and bracket_h >= 0.9 * table_h, (table_h, bracket_h)
    screenshot(new_page, f"dense-{lang}-default")
    open_tab(new_page, translate(lang, "dense.tab_dz"))
    assert translate(lang, "dense.dz_title") in new_page.inner_text("body")
    assert new_page.locator(".js-plotly-plot").count() == 0      # J is written out; its heatmap opens on demand
    new_page.locator('[data-testid="stExpander"] summary').filter(has_text=translate(lang, "dense.jacobian_map")).click()
    title = translate(lang, "dense.jacobian_title")
    new_page.wait_for_function(FIGURE_Z, arg=title)
    wait_for_app(new_page)
    assert new_page.locator(".js-plotly-plot").count() == 1
    assert "jacobian_map=" in new_page.url
    screenshot(new_page, f"dense-{lang}-dz-tab")


def _grid_texts(pg, grid: int) -> list[str]:
    return pg.locator(f'{STEPPER} figure[data-grid="{grid}"] .cs-cell').all_inner_texts()


def test_units_are_stepped_in_the_browser_and_editing_w_rebuilds_them(server_url, new_page):
    pg = new_page
    sent = watch_round_trips(pg)
    open_app(pg, f"{server_url}/dense?lang=en", STEPPER)
    # x = ReLU(1.5, −1, 0.5) = (1.5, 0, 0.5): z₁ = 0.5·1.5 + (−0.2)·0 + 0.1·0.5 + 0.1 = 0.9
    assert stepper_formula(pg, STEPPER) == "z₁ = w₁₁·x₁ + w₁₂·x₂ + w₁₃·x₃ + b₁ = 0.5×1.5 + (−0.2)×0 + 0.1×0.5 + 0.1 = 0.9"
    # pointing at z₃ writes its sum, in the browser: nothing is sent, no script runs
    pg.evaluate(WATCH_RUNNING)
    before = len(sent)
    pick(pg, STEPPER, 2, 2).hover()
    expect(pg.locator(STEPPER)).to_have_attribute("data-cell", "2", timeout=5000)
    assert stepper_formula(pg, STEPPER).endswith("= (−0.5)×1.5 + 0.1×0 + 0.9×0.5 + (−0.2) = −0.5")
    pick(pg, STEPPER, 2, 2).click()
    assert "unit=3" in pg.url
    pg.locator(f"{STEPPER} .cs-stage").press("ArrowUp")
    assert stepper_formula(pg, STEPPER).startswith("z₂ = ")
    assert len(sent) == before, sent[before:]
    assert pg.evaluate("window.__ran") is False
    # W = I: the products are diag(x), and z₂ = x₂ + b₂ = 0
    area = pg.get_by_role("textbox", name=translate("en", "dense.W_label"))
    area.fill("1, 0, 0\n0, 1, 0\n0, 0, 1")
    area.press("Control+Enter")
    expect(pg.locator(f'{STEPPER} figure[data-grid="0"] .cs-cell').nth(4)).to_have_text("0", timeout=20000)
    expect(pg.locator(f'{STEPPER} figure[data-grid="0"] .cs-cell').first).to_have_text("1.5", timeout=20000)
    wait_for_app(pg)
    assert _grid_texts(pg, 0) == ["1.5", "0", "0", "0", "0", "0", "0", "0", "0.5"]
    assert _grid_texts(pg, 2) == ["1.6", "0", "0.3"]
    assert "W=" in pg.url
    assert_no_exception(pg)
    screenshot(pg, "dense-en-identity-w")


def test_mse_in_chinese(server_url, new_page):
    new_page.set_viewport_size({"width": 1400, "height": 4200})
    open_app(new_page, f"{server_url}/dense?lang=zh&loss=mse&act=sigmoid")
    assert_no_exception(new_page)
    assert translate("zh", "dense.loss_title_mse") in new_page.inner_text("body")
    screenshot(new_page, "dense-zh-mse")


EIGHT = "&".join([
    "W=" + ";".join([",".join(["0.123456"] * 8)] * 8), "zprev=" + ",".join(["1.5"] * 8),
    "b=" + ",".join(["0.1"] * 8), "y=0,1,0,0,0,0,0,0"])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_wide_layers_fit_and_the_check_table_is_whole(server_url, new_page, lang):
    new_page.set_viewport_size({"width": 1280, "height": 900})
    open_app(new_page, f"{server_url}/dense?lang={lang}&{EIGHT}", ".math-box .math-line")
    widths = math_widths(new_page)
    assert widths and all(w["width"] <= w["column"] + 1 for w in widths), widths   # 8 units: nothing clipped
    # the finite-difference table: every column inside the page, in the page's language (no English toolbar)
    new_page.get_by_role("tab", name=translate(lang, "dense.tab_check")).click()
    new_page.wait_for_selector(TABLE)
    wait_for_app(new_page)   # the tab's run has finished: the expander below is there to be opened
    new_page.locator('[data-testid="stExpander"] summary').filter(
        has_text=translate(lang, "dense.check_values")).click()
    new_page.wait_for_function(f"document.querySelectorAll('{TABLE}').length >= 2")
    wait_for_app(new_page)
    # a table's box scrolls sideways when the table is wider than the column: it must not need to
    tables = new_page.evaluate(f"""() => Array.from(document.querySelectorAll('{TABLE}')).map(
        el => [el.parentElement.scrollWidth, el.parentElement.clientWidth, el.innerText])""")
    for scroll, client, text in tables:
        assert scroll <= client + 1, text[:200]
    assert translate(lang, "dense.col_numeric") in tables[1][2]
    assert new_page.locator('[data-testid="stElementToolbar"]').count() == 0
    assert "tab=check" in new_page.url
    assert_no_exception(new_page)
    screenshot(new_page, f"dense-{lang}-check-table")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_dense_on_a_phone(server_url, new_page, lang):
    new_page.set_viewport_size({"width": 390, "height": 844})
    open_app(new_page, f"{server_url}/dense?lang={lang}", ".math-box .math-line")
    for w in math_widths(new_page):
        assert w["width"] <= w["column"] + 1 or w["overflow"] in ("auto", "scroll"), w   # fits, or scrolls
        assert w["shown"] <= w["column"] + 1, w                                          # the scroller fits
    expect(new_page.get_by_role("button", name=translate(lang, "dense.reset"))).to_be_visible(timeout=30000)
    assert_no_exception(new_page)
    screenshot(new_page, f"dense-{lang}-phone")


# --------------------------------------------------------------------------- #14 round 5: the tabs rerun alone
SETUP_BOX_ELEMENTS = {"text_area"}   # the setup box's editors (its preset menus are components, ui/components/action_menu.py)


def script_runs(received: list) -> int:
    """How many script runs ``received`` holds, each started by a ``new_session`` message: a callback that reruns parts
    by name (``st.rerun([keys])``) makes two (an announced run that ends early, then the targeted one)."""
    return sum(msg.WhichOneof("type") == "new_session" for msg in forward_msgs(received))




def test_a_tab_switch_reruns_the_tabs_only_and_the_export_link_follows(server_url, new_page):
    pg = new_page
    received = open_app(pg, f"{server_url}/dense?lang=en", STEPPER)
    assert SETUP_BOX_ELEMENTS <= set(new_element_types(received)), "the first run draws the setup box"
    # a tab switch: the tab's formulas arrive, and not one editor, menu or radio is sent again
    received.clear()
    open_tab(pg, translate("en", "dense.tab_dz"))
    wait_for_text(pg, translate("en", "dense.dz_title"))
    wait_for_app(pg)
    sent = new_element_types(received)
    assert "markdown" in sent and not SETUP_BOX_ELEMENTS & set(sent), sent
    assert "tab=dz" in pg.url
    # with the export panel open, its link follows the open tab (that switch reruns the page)
    code = open_panel(pg, translate("en", "owndata.export_title"), "tab=dz")
    open_tab(pg, translate("en", "dense.tab_back"))
    expect(code).to_contain_text("tab=back", timeout=20000)
    wait_for_app(pg)
    assert translate("en", "dense.back_title") in pg.inner_text("body")
    assert_no_exception(pg)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_loss_and_activation_rerun_below_the_setup_box_and_a_loaded_setup_reaches_the_editors(
        server_url, new_page, lang):
    """#14 round 6: the loss and the activation live in the part with the tabs and the take-away panels, so a
    change of either does not send the setup box (editors, preset menus) again (round 11: in one script run); a setup
    file loaded in the export panel (a part of its own) still rewrites the editors above it."""
    import json

    pg = new_page
    received = open_app(pg, f"{server_url}/dense?lang={lang}", STEPPER)
    received.clear()
    _choose(pg, "dense.loss", translate(lang, "dense.loss_mse"))
    wait_for_text(pg, translate(lang, "dense.loss_title_mse"))
    wait_for_app(pg)
    sent = new_element_types(received)
    # the study part: the loss and activation controls, the tabs and the take-away panels, not one editor or preset
    # menu of the setup box, nor the title; the activation is a choice menu (#14 round 12): no Streamlit select
    assert "markdown" in sent and not SETUP_BOX_ELEMENTS & set(sent) and "selectbox" not in sent, sent
    assert runs_sent(received) == (1, 0), "one run of the parts, no full app run"
    assert script_runs(received) == 1, "the loss is one run of the part that holds it"
    assert translate(lang, "dense.title") not in _headings(received)
    assert "loss=mse" in pg.url
    assert_no_exception(pg)
    # a setup file with another input and the cross-entropy loss: the editor above shows it, the forward pass uses it
    setup = {"app": "cnn-derivation-studio", "format": 1, "page": "dense",
             "params": {"zprev": "2,-1,0", "loss": "cross_entropy"}}
    pg.get_by_text(translate(lang, "owndata.export_title")).click()
    wait_for_text(pg, translate(lang, "owndata.load_json"))
    panel = pg.locator('[data-testid="stExpander"]').filter(has_text=translate(lang, "owndata.load_json"))
    panel.locator('input[type="file"]').set_input_files(
        {"name": "dense-setup.json", "mimeType": "application/json", "buffer": json.dumps(setup).encode()})
    wait_for_text(pg, translate(lang, "dense.loss_title_ce"))
    wait_for_app(pg)
    zprev = pg.locator(".st-key-dense-zprev textarea")
    expect(zprev).to_have_value("2, -1, 0", timeout=20000)
    assert "zprev=" in pg.url and "loss=mse" not in pg.url
    assert_no_exception(pg)
    screenshot(pg, f"dense-{lang}-setup-loaded")


def test_an_open_expander_stays_open_after_a_visit_to_another_tab(server_url, new_page):
    """A tab switch reruns only the tabs' part and draws only the open tab: J's colour map, opened on the second
    tab, must still be open (and in the link) after a look at the first tab. (Streamlit forgets a widget a full
    run did not draw; transposed lost its 1-D settings that way, see ``transposed._keep_state``.)"""
    pg = new_page
    open_app(pg, f"{server_url}/dense?lang=en&tab=dz&jacobian_map=1")
    title = translate("en", "dense.jacobian_title")
    pg.wait_for_function(FIGURE_Z, arg=title)
    for _ in range(2):
        open_tab(pg, translate("en", "dense.tab_forward"))
        pg.locator(STEPPER).wait_for(timeout=20000)
        open_tab(pg, translate("en", "dense.tab_dz"))
        pg.wait_for_function(FIGURE_Z, arg=title)
        wait_for_app(pg)
        assert_no_exception(pg)
        assert "jacobian_map=1" in pg.url


# --------------------------------------------------------------------------- #14 round 10: a new setup, not a new page
def _headings(frames: list) -> list[str]:
    """The text of every heading (title, subheading) sent in ``frames``."""
    return [msg.delta.new_element.heading.body for msg in forward_msgs(frames)
            if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element"
            and msg.delta.new_element.WhichOneof("type") == "heading"]


def _blocks(frames: list) -> list[str]:
    """The type of every block (``"tab_container"``, ``"column"``, ``"expandable"``, ...) sent in ``frames``."""
    return [msg.delta.add_block.WhichOneof("type") for msg in forward_msgs(frames)
            if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "add_block"]


def _choose(pg, key: str, option: str) -> None:
    """Choose ``option`` (its text) in the choice menu of ``key`` (ui/components/choice_menu.py), as a reader does;
    returns once the run it starts is drawn."""
    ScriptRuns.of(pg).after(lambda: choice_select(pg, key).select_option(label=option))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_new_setup_reruns_its_column_and_the_tabs_not_the_page(server_url, new_page, lang):
    """#14 round 11: a typed vector, a preset or the activation is ONE script run of the part that holds it and all it
    changes (round 10 reran named parts from the control's callback: two runs, the first one empty): a values control
    the values part (the setup box and the study part below it), the activation the study part (its controls, the
    tabs, the panels); never the title and intro, nor the frame."""
    pg = new_page
    received = open_app(pg, f"{server_url}/dense?lang={lang}", STEPPER)
    assert translate(lang, "dense.title") in _headings(received)
    runs = ScriptRuns.of(pg)
    # b = (1, 0, 0): z = W·ReLU(z⁽ˡ⁻¹⁾) + b, z₁ = 0.5·1.5 + 0.1·0.5 + 1 = 1.8
    received.clear()
    area = pg.locator(".st-key-dense-b textarea")
    area.fill("1, 0, 0")
    runs.after(lambda: area.press("Control+Enter"))
    expect(pg.locator(f'{STEPPER} figure[data-grid="2"] .cs-cell').first).to_have_text("1.8", timeout=20000)
    wait_for_app(pg)
    sent = new_element_types(received)
    assert runs_sent(received) == (1, 0), "one run of the parts, no full app run"
    assert script_runs(received) == 1, "a typed matrix is one run of the part that holds it"
    # the setup box (four editors) and the study part (tabs: subheadings, stepper, math boxes, table, check link)
    assert sent.count("text_area") == 4 and "bidi_component" in sent and "html" in sent, sent
    assert translate(lang, "dense.title") not in _headings(received)
    assert "b=" in pg.url
    # the weights' preset (identity): one run; z = x + b = (2.5, 0, 0.5)
    received.clear()
    runs.after(lambda: pick_preset(pg, "dense.W", translate(lang, "owndata.preset_identity")))
    expect(pg.locator(f'{STEPPER} figure[data-grid="2"] .cs-cell').first).to_have_text("2.5", timeout=20000)
    wait_for_app(pg)
    sent = new_element_types(received)
    assert runs_sent(received) == (1, 0), "one run of the parts, no full app run"
    assert script_runs(received) == 1, "a preset is one run of the part that holds it"
    assert sent.count("text_area") == 4 and "bidi_component" in sent, sent
    assert translate(lang, "dense.title") not in _headings(received)
    expect(pg.locator(".st-key-dense-W textarea")).to_have_value("1, 0, 0\n0, 1, 0\n0, 0, 1")
    # the activation (identity: x = z⁽ˡ⁻¹⁾, the −1 is kept): one run of the study part, no editor
    received.clear()
    _choose(pg, "dense.act", translate(lang, "words.act_identity"))
    expect(pg.locator(f'{STEPPER} figure[data-grid="2"] .cs-cell').nth(1)).to_have_text("-1", timeout=20000)
    wait_for_app(pg)
    sent = new_element_types(received)
    assert runs_sent(received) == (1, 0), "one run of the parts, no full app run"
    assert script_runs(received) == 1, "the activation is one run of the part that holds it"
    assert not SETUP_BOX_ELEMENTS & set(sent) and "selectbox" not in sent and "bidi_component" in sent, sent
    expect(choice_select(pg, "dense.act")).to_have_value("identity")      # the menu keeps the choice
    assert translate(lang, "dense.title") not in _headings(received)
    assert "act=identity" in pg.url
    # on another tab, a new bias: one run, ∂L/∂b = δ follows
    open_tab(pg, translate(lang, "dense.tab_back"))
    wait_for_text(pg, translate(lang, "dense.back_title"))
    wait_for_app(pg)
    db = pg.locator(".st-key-dense-db_math")
    before = db.inner_text()
    received.clear()
    area.fill("0, 0, 0")
    runs.after(lambda: area.press("Control+Enter"))
    expect(db).not_to_have_text(before, timeout=20000)
    wait_for_app(pg)
    assert runs_sent(received) == (1, 0) and script_runs(received) == 1
    assert translate(lang, "dense.title") not in _headings(received)
    assert_no_exception(pg)
    screenshot(pg, f"dense-{lang}-new-setup")


# --------------------------------------------------------------------------- #14 round 13: fewer, lighter elements
_MARK = "(sel) => { for (const el of document.querySelectorAll(sel)) el.__kept = true; }"
_KEPT = "(sel) => [...document.querySelectorAll(sel)].map((el) => el.__kept === true)"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_one_toggle_shows_every_grid_in_place_and_a_grid_edit_reaches_the_numbers(server_url, new_page, lang):
    """The setup box has one grid toggle for its four editors (a toggle each was ~180 React components on every pass
    of the page): on, the four grids appear under their boxes, the boxes and the results below are kept (not mounted
    anew), the title is not sent; a number typed into b's grid rewrites b's box and the products' z."""
    pg = new_page
    received = open_app(pg, f"{server_url}/dense?lang={lang}", STEPPER)
    main = '[data-testid="stMain"]'
    assert pg.locator(f'{main} [data-testid="stCheckbox"]').count() == 1, "one toggle in the page"
    kept = f"{main} textarea, .st-key-dense-forward_stepper"   # (the stepper's grids are in its shadow root)
    pg.evaluate(_MARK, kept)
    assert len(pg.evaluate(_KEPT, kept)) == 5
    received.clear()
    toggle = pg.locator(".st-key-dense-grid_on").get_by_text(translate(lang, "dense.grid_toggle"))
    ScriptRuns.of(pg).after(lambda: toggle.click())
    expect(pg.locator(".ge-table")).to_have_count(4, timeout=20000)
    wait_for_app(pg)
    assert pg.evaluate(_KEPT, kept) == [True] * 5, "the boxes and the stepper are updated in place"
    assert script_runs(received) == 1 and translate(lang, "dense.title") not in _headings(received)
    # b's grid (the third): its first cell 0.1 -> 1; z₁ = 0.5·1.5 + 0.1·0.5 + 1 = 1.8
    cell = pg.locator(".st-key-dense-b-grid .ge-table input").first
    cell.fill("1")
    ScriptRuns.of(pg).after(lambda: cell.press("Enter"))
    expect(pg.locator(".st-key-dense-b textarea")).to_have_value("1, 0, -0.2", timeout=20000)
    expect(pg.locator(f'{STEPPER} figure[data-grid="2"] .cs-cell').first).to_have_text("1.8", timeout=20000)
    assert_no_exception(pg)
    screenshot(pg, f"dense-{lang}-grids")
