"""Multi-channel convolution page in a real browser: both languages, the stride slider changes the
output maps, every output cell of both filters is picked and stepped in the browser (no rerun), and the
layer's controls rerun only the layer part (the nine matrix editors are not sent again)."""

from __future__ import annotations

import numpy as np
import pytest
from playwright.sync_api import expect

from cnn_core.worked_examples import CONV_5X5X3
from ui.i18n import translate
from ui.matrix_input import format_matrix

from tests.reference import correlate_channels

from .conftest import (assert_no_exception, forward_msgs, new_element_types, press_slider, screenshot, wait_for_app,
                       watch_frames)

pytestmark = pytest.mark.e2e

STEPPER = ".st-key-conv_multi-stepper .cs"
OUT1, OUT2 = 9, 10   # grid numbers of the two output maps (3 input channels, then 2×3 kernels)

WATCH_RUNNING = """() => {
  window.__ran = document.querySelector('[data-testid="stStatusWidget"]') !== null;
  new MutationObserver(() => {
    if (document.querySelector('[data-testid="stStatusWidget"]')) window.__ran = true;
  }).observe(document.body, {subtree: true, childList: true});
}"""


def _formula(pg) -> str:
    return pg.locator(f"{STEPPER} .cs-formula").get_attribute("aria-label") or ""


def _map_texts(pg, grid: int) -> list[str]:
    return pg.locator(f'{STEPPER} figure[data-grid="{grid}"] .cs-cell').all_inner_texts()


def _open(pg, server_url, lang):
    pg.goto(f"{server_url}/conv_multi?lang={lang}")
    wait_for_app(pg, timeout_ms=120000)
    pg.locator(STEPPER).wait_for(timeout=60000)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cells_of_both_filters_are_stepped_in_the_browser(server_url, new_page, lang):
    pg = new_page
    sent: list = []
    pg.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    _open(pg, server_url, lang)
    assert_no_exception(pg)
    body = pg.inner_text("body")
    assert translate(lang, "conv_multi.title") in body
    assert translate(lang, "worked_examples.note_link") in body   # the catalogue's note on the printed maps
    # the Hands-on CNN project's printed maps, and its first cell written out channel by channel
    assert _map_texts(pg, OUT1) == ["6", "7", "5", "3", "-1", "-1", "2", "-1", "4"]
    assert _map_texts(pg, OUT2) == ["2", "-5", "-8", "1", "-4", "-4", "0", "-5", "-5"]
    assert _formula(pg).endswith("z⁽¹⁾₁₁ = S₁ + S₂ + S₃ + b₁ = 4 + 0 + 1 + 1 = 6")
    screenshot(pg, f"conv_multi-{lang}-default")

    pg.evaluate(WATCH_RUNNING)
    before = len(sent)
    # point at cell (2,3) of map 2: the window on every channel and filter 2's kernels light up
    pg.locator(f'{STEPPER} figure[data-grid="{OUT2}"] [data-cell="14"]').click()
    expect(pg.locator(STEPPER)).to_have_attribute("data-cell", "14")
    assert _formula(pg).endswith("z⁽²⁾₂₃ = S₁ + S₂ + S₃ + b₂ = 1 + (−2) + (−3) + 0 = −4")
    for channel in range(3):   # padded rows 3-5, columns 5-7: 9 cells outlined on each channel
        assert pg.locator(f'{STEPPER} figure[data-grid="{channel}"] .cs-win').count() == 9
    assert pg.locator(f"{STEPPER} figure.cs-dim").count() == 4   # filter 1's three kernels and map 1
    screenshot(pg, f"conv_multi-{lang}-cell-2-23")
    stage = pg.locator(f"{STEPPER} .cs-stage")
    stage.press("PageUp")       # the same place in filter 1
    assert _formula(pg).split("; ")[-1].startswith("z⁽¹⁾₂₃") and _formula(pg).endswith("= −1")
    stage.press("ArrowDown")
    assert _formula(pg).split("; ")[-1].startswith("z⁽¹⁾₃₃") and _formula(pg).endswith("= 4")
    stage.press("End")
    assert _formula(pg).split("; ")[-1].startswith("z⁽²⁾₃₃") and _formula(pg).endswith("= −5")
    # play steps on its own, in the browser
    pg.locator(f"{STEPPER} .cs-play").click()
    expect(pg.locator(STEPPER)).to_have_attribute("data-cell", "0", timeout=5000)
    pg.locator(f"{STEPPER} .cs-play").click()
    assert len(sent) == before, sent[before:]
    assert pg.evaluate("window.__ran") is False
    assert_no_exception(pg)


def test_stride_slider_changes_the_maps(server_url, new_page):
    pg = new_page
    _open(pg, server_url, "en")
    press_slider(pg, translate("en", "conv_multi.stride"), "ArrowLeft")   # stride 2 -> 1: 5×5 maps
    expect(pg.locator(f'{STEPPER} figure[data-grid="{OUT1}"] .cs-cell')).to_have_count(25, timeout=20000)
    assert_no_exception(pg)
    assert translate("en", "conv_multi.text_custom", text=translate("en", "words.text_003")) in pg.inner_text("body")
    screenshot(pg, "conv_multi-en-stride1")


# Every stepper formula line and KaTeX block fits its column (wraps, never clipped).
OVERFLOW = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('.katex-display, .cs-formula .eq-line')) {
    const box = el.closest('[data-testid="stVerticalBlock"]') || el.parentElement;
    const over = el.getBoundingClientRect().right - box.getBoundingClientRect().right;
    if (over > 1) bad.push([el.className, Math.round(over)]);
    else if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'auto') bad.push([el.className, el.scrollWidth - el.clientWidth]);
  }
  return bad;
}"""


@pytest.mark.parametrize("width, height", [(1280, 900), (390, 844)])
def test_five_by_five_kernels_wrap_their_partial_sums(server_url, browser, width, height):
    """#12 item 8: S₁–S₃ of 5×5 kernels (25 products each) wrap inside the column on desktop and phone."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US",
                                  is_mobile=width < 500, has_touch=width < 500)
    pg = context.new_page()
    try:
        kernel = ";".join([",".join(["-0.25", "1.5", "2", "-3", "0.125"])] * 5)
        query = "&".join(f"w{f}{c}={kernel}" for f in (1, 2) for c in (1, 2, 3))
        pg.goto(f"{server_url}/conv_multi?lang=en&{query}")
        wait_for_app(pg, timeout_ms=120000)
        pg.locator(STEPPER).wait_for(timeout=60000)
        assert "S₁ = x̃" in _formula(pg) and _formula(pg).count("×") >= 75
        assert pg.evaluate(OVERFLOW) == []
        assert pg.evaluate("document.documentElement.scrollWidth") <= width
        assert_no_exception(pg)
        screenshot(pg, f"conv_multi-en-5x5-{width}px")
    finally:
        context.close()


def test_markdown_export_holds_both_maps(server_url, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US", accept_downloads=True)
    pg = context.new_page()
    try:
        _open(pg, server_url, "en")
        pg.get_by_text(translate("en", "owndata.export_title")).click()
        download = pg.get_by_role("button", name=translate("en", "owndata.download_md"))
        download.wait_for(timeout=20000)              # drawn by the rerun that opening the panel asks for
        with pg.expect_download() as info:
            download.click()
        text = open(info.value.path(), encoding="utf-8").read()
        # the Hands-on CNN project's printed maps, and the first cell channel by channel
        assert "z^{(1)} = \\begin{bmatrix} 6 & 7 & 5 \\\\ 3 & -1 & -1 \\\\ 2 & -1 & 4 \\end{bmatrix}" in text
        assert "z^{(2)} = \\begin{bmatrix} 2 & -5 & -8 \\\\ 1 & -4 & -4 \\\\ 0 & -5 & -5 \\end{bmatrix}" in text
        assert "&= 4 + 0 + 1 + 1" in text
        assert_no_exception(pg)
    finally:
        context.close()


# --------------------------------------------------------------------------- the layer part reruns alone
X = np.asarray(CONV_5X5X3.inputs["x"])          # (1, 3, 5, 5)
W = np.asarray(CONV_5X5X3.inputs["w"])
B = np.asarray(CONV_5X5X3.inputs["b"])
# what a run of the values box sends and a run of the layer part must not: editors, presets, sizes, upload
VALUES_BOX_ELEMENTS = {"text_area", "selectbox", "file_uploader"}




def _expected_texts(x, w, b, stride: int, padding: int, f: int) -> list[str]:
    """Output map ``f`` (0-based) of the loop reference, as the stepper prints whole numbers."""
    return [str(int(v)) for v in correlate_channels(x[0], w, b, stride, padding)[f].ravel()]


def test_layer_controls_leave_the_values_box_alone_and_reset_redraws_all(server_url, new_page):
    pg = new_page
    received = watch_frames(pg)
    _open(pg, server_url, "en")
    assert VALUES_BOX_ELEMENTS <= set(new_element_types(received)), "the first run draws the values box"
    x1 = pg.locator(".st-key-conv_multi-x1 textarea")
    expect(x1).to_have_value(format_matrix(X[0, 0]), timeout=20000)   # a text area's text can follow it

    # stride 2 -> 1: the output follows, and not one editor, preset menu or uploader is sent again
    received.clear()
    press_slider(pg, translate("en", "conv_multi.stride"), "ArrowLeft")
    expect(pg.locator(f'{STEPPER} figure[data-grid="{OUT1}"] .cs-cell')).to_have_count(25, timeout=20000)
    assert _map_texts(pg, OUT1) == _expected_texts(X, W, B, 1, 1, 0)
    sent = new_element_types(received)
    assert "slider" in sent and not VALUES_BOX_ELEMENTS & set(sent), sent

    # a bias typed: the same, only the layer part
    received.clear()
    bias = pg.locator(".st-key-conv_multi-b2 input")
    bias.fill("3")
    bias.press("Enter")
    b = np.array([B[0], 3.0])
    expect(pg.locator(f'{STEPPER} figure[data-grid="{OUT2}"] .cs-cell').first).to_have_text(
        _expected_texts(X, W, b, 1, 1, 1)[0], timeout=20000)
    assert _map_texts(pg, OUT2) == _expected_texts(X, W, b, 1, 1, 1)
    assert not VALUES_BOX_ELEMENTS & set(new_element_types(received))

    # a channel edited: the page reruns, and the layer part with it (stride 1 and b₂ = 3 kept)
    x = X.copy()
    x[0, 0] = 1.0
    x1.fill(format_matrix(x[0, 0]))
    x1.press("Control+Enter")
    expect(pg.locator(f'{STEPPER} figure[data-grid="{OUT1}"] .cs-cell').first).to_have_text(
        _expected_texts(x, W, b, 1, 1, 0)[0], timeout=20000)
    wait_for_app(pg)
    assert _map_texts(pg, OUT1) == _expected_texts(x, W, b, 1, 1, 0)
    assert _map_texts(pg, OUT2) == _expected_texts(x, W, b, 1, 1, 1)
    # and the layer part, rerun alone again, works on the edited channel (not on the values it first got)
    received.clear()
    press_slider(pg, translate("en", "conv_multi.stride"), "ArrowRight")     # stride 1 -> 2: 3×3 maps
    expect(pg.locator(f'{STEPPER} figure[data-grid="{OUT1}"] .cs-cell')).to_have_count(9, timeout=20000)
    assert _map_texts(pg, OUT1) == _expected_texts(x, W, b, 2, 1, 0)
    assert not VALUES_BOX_ELEMENTS & set(new_element_types(received))

    # reset: the editors, the sliders and the biases are the text's again, and so are the maps
    pg.get_by_role("button", name=translate("en", "conv_multi.reset")).click()
    expect(x1).to_have_value(format_matrix(X[0, 0]), timeout=20000)
    expect(pg.locator(f'{STEPPER} figure[data-grid="{OUT1}"] .cs-cell').first).to_have_text("6", timeout=20000)
    wait_for_app(pg)
    assert _map_texts(pg, OUT1) == ["6", "7", "5", "3", "-1", "-1", "2", "-1", "4"]
    assert _map_texts(pg, OUT2) == ["2", "-5", "-8", "1", "-4", "-4", "0", "-5", "-5"]
    assert pg.locator(".st-key-conv_multi-stride input[type=\"range\"]").input_value() == "2"
    assert bias.input_value() in ("0", "0.00")
    assert_no_exception(pg)
    screenshot(pg, "conv_multi-en-after-reset")


# --------------------------------------------------------------------------- one editor per column, tabs rerun alone
# what a rerun of the layer part or of the whole page sends and a switch of an editor tab / of the section tab /
# opening the export panel must not: the cell stepper and the layer's sliders
LAYER_ELEMENTS = {"bidi_component", "slider"}


def _tab(pg, label: str):
    return pg.get_by_role("tab", name=label, exact=True)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_editor_tabs_rerun_their_column_alone_and_keep_every_text(server_url, new_page, lang):
    pg = new_page
    received = watch_frames(pg)
    _open(pg, server_url, lang)
    editor = ".st-key-conv_multi-{} textarea"
    assert pg.locator('[data-testid="stMain"] [data-testid="stTextArea"]').count() == 3   # x1, paste box, w11
    # channel 2 opened: its editor shows the text's matrix; only that column was sent again
    received.clear()
    _tab(pg, translate(lang, "conv_multi.tab_channel", c=2)).click()
    expect(pg.locator(editor.format("x2"))).to_have_value(format_matrix(X[0, 1]), timeout=20000)
    wait_for_app(pg)
    sent = new_element_types(received)
    assert "text_area" in sent and not LAYER_ELEMENTS & set(sent), sent
    assert pg.locator(editor.format("x1")).count() == 0
    # channel 2 edited: the whole page reruns and the output follows (loop reference)
    x = X.copy()
    x[0, 1, 0, 0] = 9.0
    pg.locator(editor.format("x2")).fill(format_matrix(x[0, 1]))
    pg.locator(editor.format("x2")).press("Control+Enter")
    expect(pg.locator(f'{STEPPER} figure[data-grid="{OUT1}"] .cs-cell').first).to_have_text(
        _expected_texts(x, W, B, 2, 1, 0)[0], timeout=20000)
    wait_for_app(pg)
    assert _map_texts(pg, OUT1) == _expected_texts(x, W, B, 2, 1, 0)
    # back and forth: each editor shows its own text again, the edited one as edited
    for c, expected in ((1, X[0, 0]), (2, x[0, 1]), (3, X[0, 2]), (2, x[0, 1]), (1, X[0, 0])):
        received.clear()
        _tab(pg, translate(lang, "conv_multi.tab_channel", c=c)).click()
        expect(pg.locator(editor.format(f"x{c}"))).to_have_value(format_matrix(expected), timeout=20000)
        wait_for_app(pg)
        assert not LAYER_ELEMENTS & set(new_element_types(received))
    # a kernel tab, the same
    received.clear()
    _tab(pg, translate(lang, "conv_multi.tab_kernel", f=2, c=3)).click()
    expect(pg.locator(editor.format("w23"))).to_have_value(format_matrix(W[1, 2]), timeout=20000)
    wait_for_app(pg)
    assert not LAYER_ELEMENTS & set(new_element_types(received))
    assert _map_texts(pg, OUT1) == _expected_texts(x, W, B, 2, 1, 0)     # the output never changed meanwhile
    assert_no_exception(pg)
    screenshot(pg, f"conv_multi-{lang}-kernel-tab")


def test_section_tabs_and_export_panel_rerun_alone(server_url, new_page):
    pg = new_page
    received = watch_frames(pg)
    _open(pg, server_url, "en")
    received.clear()
    _tab(pg, translate("en", "conv_multi.tab_filters")).click()
    expect(pg.locator(".katex-display").filter(has_text="w(2,3)").first).to_be_visible(timeout=20000)
    wait_for_app(pg)
    sent = new_element_types(received)
    assert "plotly_chart" not in sent and not LAYER_ELEMENTS & set(sent), sent
    received.clear()
    pg.get_by_text(translate("en", "owndata.export_title")).click()
    pg.get_by_role("button", name=translate("en", "owndata.download_md")).wait_for(timeout=20000)
    wait_for_app(pg)
    sent = new_element_types(received)
    assert "download_button" in sent and not LAYER_ELEMENTS & set(sent) and "text_area" not in sent, sent
    assert_no_exception(pg)
    screenshot(pg, "conv_multi-en-filters-tab")
    # with the panel open, its link follows the open tab and the filter (that switch reruns the page)
    code = pg.locator('[data-testid="stExpander"] [data-testid="stCode"]').first
    expect(code).to_contain_text("tab=filters", timeout=20000)
    _tab(pg, translate("en", "conv_multi.tab_partials")).click()
    expect(code).to_contain_text("tab=partials", timeout=20000)
    wait_for_app(pg)
    pg.get_by_text(translate("en", "conv_multi.filter_option", n=2), exact=True).click()
    expect(code).to_contain_text("filter=2", timeout=20000)
    wait_for_app(pg)
    assert_no_exception(pg)


PARTIAL_ROWS = """() => { const plot = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
  return plot && plot.data ? plot.data[0].z.length : 0; }"""


def _blocks(frames: list) -> list[str]:
    """The block type (``"tab_container"``, ``"expandable"``, ...) of every new block in ``frames``."""
    return [msg.delta.add_block.WhichOneof("type") for msg in forward_msgs(frames)
            if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "add_block"]


def test_layer_controls_leave_the_tabs_alone_unless_they_show_the_layer(server_url, new_page):
    """#14: a slider or bias reruns the layer part without sending the section tabs and the export / code panels
    again; the partial-sum maps (which depend on the layer) and an open export panel still follow it."""
    pg = new_page
    received = watch_frames(pg)
    _open(pg, server_url, "en")
    received.clear()
    press_slider(pg, translate("en", "conv_multi.stride"), "ArrowLeft")     # stride 2 -> 1 on the first tab
    expect(pg.locator(f'{STEPPER} figure[data-grid="{OUT1}"] .cs-cell')).to_have_count(25, timeout=20000)
    blocks = _blocks(received)
    assert "tab_container" not in blocks and "expandable" not in blocks, blocks
    # the partial-sum maps open: a layer change redraws them (5×5 at stride 1 -> 3×3 at stride 2)
    _tab(pg, translate("en", "conv_multi.tab_partials")).click()
    pg.wait_for_function(f"() => ({PARTIAL_ROWS})() === 5", timeout=20000)
    wait_for_app(pg)
    press_slider(pg, translate("en", "conv_multi.stride"), "ArrowRight")
    pg.wait_for_function(f"() => ({PARTIAL_ROWS})() === 3", timeout=20000)
    expect(pg.locator(f'{STEPPER} figure[data-grid="{OUT1}"] .cs-cell')).to_have_count(9, timeout=20000)
    # the export panel open: its link follows a layer change
    pg.get_by_text(translate("en", "owndata.export_title")).click()
    code = pg.locator('[data-testid="stExpander"] [data-testid="stCode"]').first
    expect(code).to_contain_text("tab=partials", timeout=20000)      # stride 2, padding 1: the text's, not in it
    wait_for_app(pg)
    press_slider(pg, translate("en", "conv_multi.padding"), "ArrowRight")    # padding 1 -> 2
    expect(code).to_contain_text("padding=2", timeout=20000)
    wait_for_app(pg)
    assert_no_exception(pg)


def test_a_setup_loaded_in_the_export_panel_reruns_the_whole_page(server_url, browser):
    """The export panel is a fragment of its own; a setup file loaded there must still reach the editors, the
    layer and the output (the panel's run asks for a run of the whole page)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US", accept_downloads=True)
    pg = context.new_page()
    try:
        _open(pg, server_url, "en")
        press_slider(pg, translate("en", "conv_multi.stride"), "ArrowLeft")            # stride 2 -> 1
        x = X.copy()
        x[0, 0, 0, 0] = 7.0
        x1 = pg.locator(".st-key-conv_multi-x1 textarea")
        x1.fill(format_matrix(x[0, 0]))
        x1.press("Control+Enter")
        expect(pg.locator(f'{STEPPER} figure[data-grid="{OUT1}"] .cs-cell').first).to_have_text(
            _expected_texts(x, W, B, 1, 1, 0)[0], timeout=20000)
        wait_for_app(pg)
        pg.get_by_text(translate("en", "owndata.export_title")).click()
        download = pg.get_by_role("button", name=translate("en", "owndata.download_json"))
        download.wait_for(timeout=20000)
        with pg.expect_download() as info:
            download.click()
        setup = open(info.value.path(), encoding="utf-8").read()
        pg.get_by_role("button", name=translate("en", "conv_multi.reset")).click()       # back to the text's layer
        expect(x1).to_have_value(format_matrix(X[0, 0]), timeout=20000)
        expect(pg.locator(f'{STEPPER} figure[data-grid="{OUT1}"] .cs-cell')).to_have_count(9, timeout=20000)
        wait_for_app(pg)
        pg.locator('.st-key-conv_multi-export-load input[type="file"]').set_input_files(
            files=[{"name": "conv_multi-setup.json", "mimeType": "application/json", "buffer": setup.encode()}])
        expect(x1).to_have_value(format_matrix(x[0, 0]), timeout=20000)
        expect(pg.locator(f'{STEPPER} figure[data-grid="{OUT1}"] .cs-cell')).to_have_count(25, timeout=20000)
        wait_for_app(pg)
        assert _map_texts(pg, OUT1) == _expected_texts(x, W, B, 1, 1, 0)
        assert pg.locator('.st-key-conv_multi-stride input[type="range"]').input_value() == "1"
        assert_no_exception(pg)
    finally:
        context.close()
