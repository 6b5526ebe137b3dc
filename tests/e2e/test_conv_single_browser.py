"""The "Convolution (one channel)" page in Chromium: both languages, sliders change the output,
and the cell stepper picks and steps output cells in the browser without a server round trip."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ui.i18n import translate

from .conftest import (ScriptRuns, after_run, assert_no_exception, choice_select, new_element_types, open_panel, open_tab,
                       pick_preset, preset_menu, press_slider, runs_sent, screenshot, wait_for_app, watch_frames)

pytestmark = pytest.mark.e2e

PAGE = "conv_single"
STEPPER = ".st-key-conv_single-stepper .cs"

# a flag set when Streamlit shows its "running" status widget (a script rerun), from now on
WATCH_RUNNING = """() => {
  window.__ran = document.querySelector('[data-testid="stStatusWidget"]') !== null;
  const obs = new MutationObserver(() => {
    if (document.querySelector('[data-testid="stStatusWidget"]')) window.__ran = true;
  });
  obs.observe(document.body, {subtree: true, childList: true});
  window.__runObs = obs;
}"""


# The inputs tab draws shaded HTML tables (ui.html_grid), not Plotly charts (#14): their numbers as the browser shows them.
TABLE_VALUES = """(title) => {
  for (const fig of document.querySelectorAll('[data-testid="stMain"] figure.mg-grid')) {
    if (fig.querySelector('figcaption').textContent !== title) continue;
    return [...fig.querySelectorAll('tr')].slice(1).map(tr => [...tr.querySelectorAll('td')].map(
      td => Number(td.textContent.replace('\u2212', '-'))));
  }
  return null;
}"""


def table_values(pg, title: str, timeout_ms: int = 20000):
    pg.wait_for_function(f"() => ({TABLE_VALUES})({title!r}) !== null", timeout=timeout_ms)
    return pg.evaluate(TABLE_VALUES, title)


def watch_round_trips(pg) -> list:
    """Every frame the page sends on Streamlit's websocket from now on (a rerun request is one)."""
    sent: list = []
    pg.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    return sent


def formula_text(pg) -> str:
    return pg.locator(f"{STEPPER} .cs-formula").get_attribute("aria-label") or ""


def shown_cell(pg) -> str:
    return pg.locator(STEPPER).get_attribute("data-cell")


def output_cell(pg, grid: int, index: int):
    return pg.locator(f'{STEPPER} figure[data-grid="{grid}"] [data-cell="{index}"]')


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cells_are_picked_and_stepped_in_the_browser_without_a_rerun(server_url, new_page, lang):
    pg = new_page
    sent = watch_round_trips(pg)
    pg.goto(f"{server_url}/{PAGE}?lang={lang}")
    wait_for_app(pg)
    assert_no_exception(pg)
    assert translate(lang, "conv_single.title") in pg.locator("h1").first.inner_text()
    pg.locator(STEPPER).wait_for(timeout=20000)
    assert shown_cell(pg) == "0"
    # seed 003's o₁₁, written out with the numbers (MathML in the page)
    assert formula_text(pg).startswith("net(o₁₁) = i₁₁·h₁₁ + i₁₂·h₁₂ + i₂₁·h₂₁ + i₂₂·h₂₂ = "
                                       "1×1 + 0×(−1) + 1×1 + 1×(−1) = 1")
    assert pg.locator(f"{STEPPER} .cs-formula math").count() > 0
    assert pg.locator(f"{STEPPER} .cs-title").first.inner_text() == translate(lang, "conv_single.fig_windows")
    screenshot(pg, f"{PAGE}-{lang}-default")

    pg.evaluate(WATCH_RUNNING)
    before = len(sent)
    # hover o₂₃ on the net grid: its window and formula show; click pins it
    output_cell(pg, 2, 5).hover()
    expect(pg.locator(STEPPER)).to_have_attribute("data-cell", "5", timeout=5000)
    assert formula_text(pg).startswith("net(o₂₃) = i₂₃·h₁₁ + i₂₄·h₁₂ + i₃₃·h₂₁ + i₃₄·h₂₂")
    lit = pg.locator(f'{STEPPER} figure[data-grid="0"] .cs-win').all_inner_texts()
    assert lit == ["0", "1", "1", "0"]  # i₂₃ i₂₄ i₃₃ i₃₄ of the input
    output_cell(pg, 2, 5).click()
    # the arrow keys step the pinned cell (the grids have the focus, with a visible ring)
    stage = pg.locator(f"{STEPPER} .cs-stage")
    assert stage.evaluate("el => el.matches(':focus')")
    assert stage.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    stage.press("ArrowRight")
    assert shown_cell(pg) == "6" and formula_text(pg).startswith("net(o₃₁)")
    stage.press("ArrowUp")
    assert shown_cell(pg) == "3" and formula_text(pg).startswith("net(o₂₁)")
    stage.press("ArrowLeft")
    assert shown_cell(pg) == "2" and formula_text(pg).startswith("net(o₁₃)")
    assert pg.locator(f"{STEPPER} .cs-name").inner_text() == "o₁₃"
    # the buttons step too
    pg.locator(f"{STEPPER} .cs-bar button").nth(2).click()
    assert shown_cell(pg) == "3"
    screenshot(pg, f"{PAGE}-{lang}-stepped")
    # none of this reached the server: no frame sent, the script never ran
    assert len(sent) == before, sent[before:]
    assert pg.evaluate("window.__ran") is False
    assert_no_exception(pg)


def test_stride_slider_rebuilds_the_stepper_and_keeps_the_cell_inside(server_url, new_page):
    pg = new_page
    pg.goto(f"{server_url}/{PAGE}?lang=en&cell=9")
    wait_for_app(pg)
    pg.locator(STEPPER).wait_for(timeout=20000)
    assert shown_cell(pg) == "8" and formula_text(pg).startswith("net(o₃₃)")
    press_slider(pg, translate("en", "conv_single.stride_label"))
    expect(pg.locator(f'{STEPPER} figure[data-grid="2"] [data-cell]')).to_have_count(4, timeout=15000)
    assert shown_cell(pg) == "3" and formula_text(pg).startswith("net(o₂₂)")
    pg.wait_for_url("**stride=2**", timeout=10000)  # the link follows the slider
    assert_no_exception(pg)
    screenshot(pg, f"{PAGE}-en-stride2")

    # the other sections are tabs drawn only when opened: true convolution flips the sign here
    open_tab(pg, translate("en", "conv_single.sec_compare"))
    compare = ".st-key-conv_single-compare .cs"
    pg.locator(compare).wait_for(timeout=20000)
    # the same cell as in the first tab (one selection for the page), o₂₂ of the 2×2 output
    assert pg.locator(f"{compare} .cs-formula").get_attribute("aria-label").startswith(
        "(i ⋆ h)₂₂ = i₃₃·h₁₁ + i₃₄·h₁₂ + i₄₃·h₂₁ + i₄₄·h₂₂ = 1×1 + 0×(−1) + 0×1 + 1×(−1) = 0; "
        "(i ∗ h)₂₂ = i₃₃·h₂₂ + i₃₄·h₂₁ + i₄₃·h₁₂ + i₄₄·h₁₁")
    pg.locator(f"{compare} .cs-stage").focus()
    pg.locator(f"{compare} .cs-stage").press("Home")
    assert pg.locator(f"{compare} .cs-formula").get_attribute("aria-label").startswith("(i ⋆ h)₁₁")
    open_tab(pg, translate("en", "conv_single.sec_inputs"))
    rot_title = translate("en", "conv_single.fig_kernel_rot")
    assert table_values(pg, rot_title) == [[-1, 1], [-1, 1]]
    assert pg.locator('[data-testid="stMain"] .stPlotlyChart').count() == 0
    assert_no_exception(pg)


def test_bad_matrix_in_the_browser_shows_a_message_not_an_exception(server_url, new_page):
    pg = new_page
    pg.goto(f"{server_url}/{PAGE}?lang=zh")
    wait_for_app(pg)
    area = pg.locator('[data-testid="stTextArea"]').filter(has_text=translate("zh", "conv_single.kernel_label"))
    box = area.locator("textarea")
    box.fill("1 2\n<b>x</b>")
    after_run(pg, lambda: box.press("Control+Enter"))
    assert_no_exception(pg)
    alerts = pg.locator('[data-testid="stAlert"]').all_inner_texts()
    assert any("<b>x</b>" in a for a in alerts)  # shown as text, never as HTML
    assert pg.locator("b", has_text="x").count() == 0
    screenshot(pg, f"{PAGE}-zh-bad-kernel")


# --------------------------------------------------------------------------- round 2: own data, export, layout
# Every displayed formula fits its column: the widest KaTeX block / stepper formula line, minus its column.
OVERFLOW = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('.katex-display, .cs-formula .eq-line')) {
    const box = el.closest('[data-testid="stVerticalBlock"]') || el.parentElement;
    const over = el.getBoundingClientRect().right - box.getBoundingClientRect().right;
    if (over > 1 && el.scrollWidth > el.clientWidth + 1) bad.push([el.className, Math.round(over)]);
    else if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'auto') bad.push([el.className, el.scrollWidth - el.clientWidth]);
  }
  return bad;
}"""


def _edge_png() -> bytes:
    import io

    import numpy as np
    from PIL import Image

    img = np.zeros((12, 12), np.uint8)
    img[:, 6:] = 255  # a vertical edge: left half 0, right half 1 after scaling
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="PNG")
    return buf.getvalue()


def test_uploaded_png_becomes_the_input_heatmap(server_url, new_page):
    pg = new_page
    pg.goto(f"{server_url}/{PAGE}?lang=en&tab=inputs")
    wait_for_app(pg)
    pg.get_by_text(translate("en", "owndata.upload_title")).click()
    upload = pg.locator('[data-testid="stExpander"]').filter(has_text=translate("en", "owndata.upload_label"))
    upload.locator('input[type="file"]').set_input_files(
        {"name": "edge.png", "mimeType": "image/png", "buffer": _edge_png()})
    pg.get_by_text(translate("en", "owndata.upload_preview", h=12, w=12)).wait_for(timeout=20000)
    pg.get_by_role("button", name=translate("en", "owndata.upload_use")).click()
    title = translate("en", "conv_single.fig_input", rows=12, cols=12)
    assert table_values(pg, title, timeout_ms=30000) == [[0] * 6 + [1] * 6] * 12
    assert_no_exception(pg)
    screenshot(pg, f"{PAGE}-en-uploaded")


def _download_from_export(pg, url: str, lang: str, button_key: str) -> str:
    """Open ``url``, open the export panel and download its file ``button_key``: the downloaded file's path."""
    pg.goto(url)
    wait_for_app(pg)
    pg.locator(STEPPER).wait_for(timeout=20000)
    pg.get_by_text(translate(lang, "owndata.export_title")).click()
    download = pg.get_by_role("button", name=translate(lang, button_key))
    download.wait_for(timeout=20000)              # drawn by the rerun that opening the panel asks for
    with pg.expect_download() as info:
        download.click()
    return info.value.path()


def test_markdown_export_holds_the_pages_result(server_url, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    pg = context.new_page()
    try:
        path = _download_from_export(pg, f"{server_url}/{PAGE}?lang=zh", "zh", "owndata.download_md")
        text = open(path, encoding="utf-8").read()
        # the text's 4×4 input with h = [[1, -1], [1, -1]]: net and out = ReLU(net), worked by hand
        assert text.startswith("# " + translate("zh", "conv_single.title"))
        assert "\\mathrm{net} = \\begin{bmatrix} 1 & 0 & 0 \\\\ -1 & 1 & 0 \\\\ 0 & 0 & 0 \\end{bmatrix}" in text
        assert "\\mathrm{out} = \\begin{bmatrix} 1 & 0 & 0 \\\\ 0 & 1 & 0 \\\\ 0 & 0 & 0 \\end{bmatrix}" in text
        assert "1\\times1 + 0\\times(-1) + 1\\times1 + 1\\times(-1)" in text      # o₁₁ written out
        assert_no_exception(pg)
    finally:
        context.close()


@pytest.mark.parametrize("width, height", [(1280, 900), (390, 844)])
def test_formulas_fit_desktop_and_phone(server_url, browser, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US",
                                  is_mobile=width < 500, has_touch=width < 500)
    pg = context.new_page()
    try:
        # a 5×5 kernel on a 6×6 input with padding: 25-term sums, the widest this page draws
        kernel = ";".join([",".join(["0.3333"] * 5)] * 5)
        x = ";".join([",".join(str(i + j) for j in range(6)) for i in range(6)])
        pg.goto(f"{server_url}/{PAGE}?lang=zh&input={x}&kernel={kernel}&padding=2&activation=sigmoid")
        wait_for_app(pg)
        pg.locator(STEPPER).wait_for(timeout=30000)
        assert pg.evaluate(OVERFLOW) == []
        assert pg.evaluate("document.documentElement.scrollWidth") <= width
        assert_no_exception(pg)
        screenshot(pg, f"{PAGE}-zh-{width}px")
    finally:
        context.close()


# --------------------------------------------------------------------------- #14: the tabs rerun alone
SETUP_ELEMENTS = {"text_area", "slider"}   # the setup box: editors, sliders (its menus are components: bidi_component)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_tab_switch_reruns_the_tabs_only_and_draws_no_chart(server_url, new_page, lang):
    pg = new_page
    received = watch_frames(pg)
    pg.goto(f"{server_url}/{PAGE}?lang={lang}")
    wait_for_app(pg)
    pg.locator(".st-key-conv_single-stepper .cs").wait_for(timeout=20000)
    assert SETUP_ELEMENTS | {"bidi_component"} <= set(new_element_types(received)), "the first run draws the setup box"
    # the inputs tab: its tables arrive, and not one editor, menu or slider is sent again; no Plotly chart
    received.clear()
    open_tab(pg, translate(lang, "conv_single.sec_inputs"))
    rot = table_values(pg, translate(lang, "conv_single.fig_kernel_rot"))
    wait_for_app(pg)
    sent = new_element_types(received)
    assert "html" in sent and not (SETUP_ELEMENTS | {"bidi_component"}) & set(sent) and "plotly_chart" not in sent, sent
    assert rot == [[-1, 1], [-1, 1]] and "tab=inputs" in pg.url
    # with the export panel open, its link follows the open tab (that switch reruns the page); opening the panel
    # reruns its own part only: no editor, menu, slider or cell stepper is sent again
    received.clear()
    code = open_panel(pg, translate(lang, "owndata.export_title"), "tab=inputs")
    sent = new_element_types(received)
    assert "code" in sent and not (SETUP_ELEMENTS | {"bidi_component"}) & set(sent), sent
    open_tab(pg, translate(lang, "conv_single.sec_table"))
    expect(code).to_contain_text("tab=table", timeout=20000)
    wait_for_app(pg)
    assert pg.locator('[data-testid="stTable"]').count() == 1
    assert_no_exception(pg)


def test_a_setup_file_loaded_in_the_export_part_reruns_the_whole_page(server_url, browser):
    """The export panel is a part of its own (#14); a setup file loaded there must still set the sliders, the menu
    and the stepper above it (the part asks for a full rerun)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    try:
        setup = _download_from_export(pg, f"{server_url}/{PAGE}?lang=en&stride=2&activation=sigmoid", "en",
                                      "owndata.download_json")

        pg.goto(f"{server_url}/{PAGE}?lang=en")
        wait_for_app(pg)
        pg.locator(STEPPER).wait_for(timeout=20000)
        stride = pg.locator('[data-testid="stSlider"]').first.locator('[data-testid="stSliderThumbValue"]')
        expect(stride).to_have_text("1")
        pg.get_by_text(translate("en", "owndata.export_title")).click()
        panel = pg.locator('[data-testid="stExpander"]').filter(has_text=translate("en", "owndata.load_json"))
        with open(setup, "rb") as file:
            panel.locator('input[type="file"]').set_input_files(
                {"name": "conv_single-setup.json", "mimeType": "application/json", "buffer": file.read()})
        expect(stride).to_have_text("2", timeout=20000)
        # the stepper above shows the loaded setup: stride 2 on the 4×4 input gives a 2×2 output, through σ
        expect(pg.locator(f'{STEPPER} figure[data-grid="3"] [data-cell]')).to_have_count(4, timeout=20000)
        assert translate("en", "words.act_sigmoid") in pg.locator(STEPPER).inner_text()
        expect(choice_select(pg, "conv_single.activation")).to_have_value("sigmoid")   # the menu shows it too
        wait_for_app(pg)
        assert_no_exception(pg)
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_activation_menu_shows_the_link_and_a_pick_reaches_the_stepper_and_the_link(server_url, new_page, lang):
    """#14 round 12: the activation is the browser's own select (ui/components/choice_menu.py). A link's activation
    is shown selected; a pick is one run of the page, the stepper computes with it and the link keeps it; the reset
    button brings the text's ReLU back into the menu."""
    pg = new_page
    pg.goto(f"{server_url}/{PAGE}?lang={lang}&activation=tanh")
    wait_for_app(pg)
    pg.locator(STEPPER).wait_for(timeout=20000)
    menu = choice_select(pg, "conv_single.activation")
    expect(menu).to_have_value("tanh")
    assert menu.locator("option").all_inner_texts() == [translate(lang, f"words.act_{a}")
                                                         for a in ("identity", "relu", "sigmoid", "tanh")]
    ScriptRuns.of(pg).after(lambda: menu.select_option(label=translate(lang, "words.act_sigmoid")))
    expect(pg.locator(STEPPER)).to_contain_text(translate(lang, "words.act_sigmoid"), timeout=20000)
    wait_for_app(pg)
    assert "activation=sigmoid" in pg.url
    expect(menu).to_have_value("sigmoid")                                          # the menu keeps the choice
    screenshot(pg, f"{PAGE}-{lang}-activation-menu")
    ScriptRuns.of(pg).after(lambda: pg.get_by_role("button", name=translate(lang, "conv_single.reset")).click())
    expect(menu).to_have_value("relu", timeout=20000)                              # the text's example again
    wait_for_app(pg)
    assert "activation=" not in pg.url
    assert_no_exception(pg)


# --------------------------------------------------------------------------- #14: a new kernel is one run of the page
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_kernel_preset_is_one_run_of_the_page_not_the_frame(server_url, new_page, lang):
    """A kernel preset (its menu: the browser's own select) reruns the page's part in one script run (round 10's
    rerun of named parts from its callback took two), never the frame: the editor, the stepper and the check link
    show the new kernel; the sidebar is not sent again; the menu is back at its placeholder."""
    pg = new_page
    received = watch_frames(pg)
    pg.goto(f"{server_url}/{PAGE}?lang={lang}")
    wait_for_app(pg)
    pg.locator(STEPPER).wait_for(timeout=20000)
    received.clear()
    ScriptRuns.of(pg).after(lambda: pick_preset(pg, "conv_single.kernel", translate(lang, "owndata.preset_identity")))
    pg.get_by_text(translate(lang, "owndata.preset_loaded", name=translate(lang, "owndata.preset_identity"))).wait_for(
        timeout=20000)
    wait_for_app(pg)
    # the editor and the stepper hold the identity kernel at the example's 2×2 size
    expect(pg.locator(".st-key-conv_single-kernel textarea")).to_have_value("1, 0\n0, 0")
    expect(pg.locator(f'{STEPPER} figure[data-grid="1"] .cs-cell')).to_have_text(["1", "0", "0", "0"], timeout=20000)
    assert runs_sent(received) == (1, 0), runs_sent(received)     # one run that sent elements, not the frame's
    sent = new_element_types(received)
    assert "heading" in sent and "page_link" in sent, sent            # the page's part: title and check link
    assert preset_menu(pg, "conv_single.kernel").input_value() == ""  # back at its placeholder
    assert_no_exception(pg)
