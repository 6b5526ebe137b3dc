"""The transposed / dilated / 1-D page in a real browser, both languages: every tab draws, the chosen
transposed-convolution cell shows its sum, a slider changes the figures, a bad signal explains itself."""

from __future__ import annotations

import pytest

from playwright.sync_api import expect

from ui.i18n import translate

from .conftest import (assert_no_exception, figure_z, open_app, open_panel, open_tab, press_slider, screenshot, wait_for_app,
                       wait_for_figure, wait_for_text)

SIGNAL = '[data-testid="stMain"] [data-testid="stTextArea"] textarea'

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_transposed_page_tabs(server_url, new_page, lang):
    pg = new_page
    pg.goto(f"{server_url}/transposed?lang={lang}")
    wait_for_app(pg)
    wait_for_text(pg, translate(lang, "transposed.length_title"))
    assert_no_exception(pg)
    assert translate(lang, "transposed.title") in pg.locator("h1").first.inner_text()
    # the first view has no chart (#14): the numbers first, the stem plot in the tab next to them
    assert pg.locator('[data-testid="stPlotlyChart"]').count() == 0
    # no KaTeX either (round 9): the introduction's symbols are MathML in the rule's box, drawn by the browser
    assert pg.locator(".katex").count() == 0
    assert pg.locator('.st-key-transposed-rule_math').count() == 1
    screenshot(pg, f"transposed-{lang}-signal")
    open_tab(pg, translate(lang, "transposed.sv_plot"))
    # the stem plot is an inline SVG (#14 round 7): four panels, and still no Plotly chart on the page
    plot = pg.locator(f'[data-testid="stMain"] svg[aria-label="{translate(lang, "transposed.fig_signal")}"]')
    plot.wait_for(timeout=10000)
    assert plot.locator("g[data-series]").count() == 4
    assert pg.locator('[data-testid="stPlotlyChart"]').count() == 0
    pg.wait_for_url("**sv=plot**", timeout=10000)   # the link keeps the open tab
    assert_no_exception(pg)
    screenshot(pg, f"transposed-{lang}-signal-plot")

    open_tab(pg, translate(lang, "transposed.tab_matrix"))
    wait_for_text(pg, translate(lang, "transposed.ctz_equal"))
    assert_no_exception(pg)
    # C and Cᵀ open written out (#14 round 6), as HTML (round 7): no chart; the coloured grids are one tab away
    assert pg.locator('[data-testid="stPlotlyChart"]').count() == 0
    c_names = pg.locator('[data-testid="stMain"] [data-matrix="C names"]')
    assert [c.get_attribute("data-v") for c in c_names.locator("[data-v]").all()][:5] == [
        "w_{1}", "w_{2}", "w_{3}", "0", "0"]
    assert c_names.bounding_box()["height"] > 40          # three rows drawn, not a line of text
    screenshot(pg, f"transposed-{lang}-matrix-numbers")
    open_tab(pg, translate(lang, "transposed.mv_pictures"))
    pg.wait_for_url("**mv=pictures**", timeout=10000)
    wait_for_figure(pg, translate(lang, "transposed.fig_c", rows=3, cols=5))
    # the text's C: tap indices 1 2 3 shifted one step per row
    assert figure_z(pg, translate(lang, "transposed.fig_c", rows=3, cols=5)) == [
        [1, 2, 3, 0, 0], [0, 1, 2, 3, 0], [0, 0, 1, 2, 3]]
    screenshot(pg, f"transposed-{lang}-matrix")

    open_tab(pg, translate(lang, "transposed.tab_transposed"))
    wait_for_text(pg, translate(lang, "transposed.counts_title"))
    assert_no_exception(pg)
    # z = [[1, 2], [3, 4]], stride 2, 3×3 kernel: a 5×5 output; 3×3 ones-kernel counts 1/2/4
    title = translate(lang, "transposed.fig_counts")
    wait_for_figure(pg, title)
    assert figure_z(pg, title) == [[1, 1, 2, 1, 1], [1, 1, 2, 1, 1], [2, 2, 4, 2, 2], [1, 1, 2, 1, 1],
                                   [1, 1, 2, 1, 1]]
    # the default cell x₃₃ = z₁₁w₃₃ + z₁₂w₃₁ + z₂₁w₁₃ + z₂₂w₁₁ = 8, drawn as MathML by the math box (#14 round 8)
    cell = pg.locator(".st-key-transposed-cell_math .math-line")
    assert cell.inner_text().replace("\n", " ").rstrip().endswith("8"), cell.inner_text()
    assert cell.locator("math").count() >= 3 and cell.locator("math").first.bounding_box()["height"] > 5
    assert pg.locator(".katex-display").count() == 0
    screenshot(pg, f"transposed-{lang}-transposed")
    # every output cell stepped in the browser: one frame per cell of the 5×5 output
    open_tab(pg, translate(lang, "transposed.view_all"))
    anim_title = translate(lang, "transposed.fig_animation", count=25)
    wait_for_figure(pg, anim_title)
    frames = pg.evaluate("""(t) => { for (const gd of document.querySelectorAll('.js-plotly-plot')) {
        if (gd.layout && gd.layout.title && gd.layout.title.text.replace(/<\\/?b>/g, '') === t) {
            return gd._transitionData._frames.length; } } return null; }""", anim_title)
    assert frames == 25
    screenshot(pg, f"transposed-{lang}-animation")
    open_tab(pg, translate(lang, "transposed.view_cell"))
    press_slider(pg, translate(lang, "transposed.stride"), "ArrowLeft")    # stride 2 -> 1: 4×4
    wait_for_text(pg, translate(lang, "transposed.fig_out", oh=4, ow=4))
    assert_no_exception(pg)

    open_tab(pg, translate(lang, "transposed.tab_dilation"))
    wait_for_text(pg, translate(lang, "transposed.rf_title"))
    assert_no_exception(pg)
    screenshot(pg, f"transposed-{lang}-dilation")


def test_bad_signal_explains_itself(server_url, new_page):
    pg = new_page
    pg.goto(f"{server_url}/transposed?lang=en&signal=1,2,x")
    wait_for_app(pg)
    wait_for_text(pg, translate("en", "transposed.length_title"))
    assert_no_exception(pg)
    assert "signal" in pg.inner_text("body")


def test_closed_tabs_keep_the_1d_settings(server_url, new_page):
    """Streamlit forgets a widget it did not draw: switching away and back (twice, the section's own plot tab and
    the page's tabs) once lost the signal, the padding kind and the picked sample, and crashed on the sample."""
    pg = new_page
    pg.goto(f"{server_url}/transposed?lang=en&signal=3,1,4,1,5,9,2,6&mode=full&o=5")
    wait_for_app(pg)
    wait_for_text(pg, translate("en", "transposed.length_title"))
    sample = translate("en", "transposed.sample_title", sub="y₅")
    wait_for_text(pg, sample)
    # the text area can be drawn a moment before its text is in it: wait for the text, not for a guess
    expect(pg.locator(SIGNAL).first).not_to_have_value("", timeout=20000)
    signal = pg.locator(SIGNAL).first.input_value()
    assert signal.replace(" ", "") == "3,1,4,1,5,9,2,6"
    for tab, back in (("transposed.sv_plot", "transposed.sv_numbers"),
                      ("transposed.tab_matrix", "transposed.tab_signal")) * 2:
        open_tab(pg, translate("en", tab))
        wait_for_app(pg)
        open_tab(pg, translate("en", back))
        wait_for_text(pg, sample)
        wait_for_app(pg)
        assert_no_exception(pg)
        expect(pg.locator(SIGNAL).first).to_have_value(signal, timeout=20000)
        assert "mode=full" in pg.url and "o=5" in pg.url


def test_the_open_export_panel_follows_a_section_control(server_url, new_page):
    """A section's control reruns only its section; with the export panel open the page reruns, so the panel's
    link and worked example show the new setup (not the one the panel was opened with)."""
    from playwright.sync_api import expect

    pg = new_page
    pg.goto(f"{server_url}/transposed?lang=en")
    wait_for_app(pg)
    wait_for_text(pg, translate("en", "transposed.length_title"))
    pg.locator('[data-testid="stExpander"] summary').filter(has_text=translate("en", "owndata.export_title")).click()
    wait_for_text(pg, translate("en", "owndata.link_default"))   # the example's own setup: no parameters yet
    wait_for_app(pg)
    code = pg.locator('[data-testid="stExpander"] [data-testid="stCode"]').first
    pg.get_by_text(translate("en", "transposed.filter_diff"), exact=True).click()
    expect(code).to_contain_text("filter=diff", timeout=20000)
    wait_for_app(pg)
    assert_no_exception(pg)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_export_and_code_panels_open_as_parts_of_their_own(server_url, new_page, lang):
    """#14 round 12: opening the export or the code panel reruns and sends only that panel (it reran the page:
    title, tabs, the open section; 1.45-1.60x the bare slider). They still hold the open section's example and code,
    and a switch to another section with a panel open gives that section's."""
    from .conftest import new_element_types

    pg = new_page
    received = open_app(pg, f"{server_url}/transposed?lang={lang}&tab=transposed", ".st-key-transposed-tab_label")
    wait_for_text(pg, translate(lang, "transposed.tab_transposed"))
    received.clear()
    open_panel(pg, translate(lang, "owndata.export_title"), "tab=transposed")
    sent = new_element_types(received)
    assert "download_button" in sent, sent
    assert not {"heading", "slider", "number_input", "tabs", "math_box"} & set(sent), sent
    received.clear()
    open_panel(pg, translate(lang, "owndata.code_title"), "ConvTranspose2d")   # the transposed section's library code
    sent = new_element_types(received)
    assert "code" in sent and not {"heading", "slider", "number_input", "download_button"} & set(sent), sent
    assert_no_exception(pg)


def test_the_picked_output_cell_reaches_the_link(server_url, new_page):
    """The cell view reruns alone; its row and column must still be written into the link (ti, tj)."""
    pg = new_page
    pg.goto(f"{server_url}/transposed?lang=en&tab=transposed")
    wait_for_app(pg)
    row = pg.get_by_label(translate("en", "transposed.out_row"))
    row.wait_for(timeout=20000)
    row.fill("2")
    row.press("Enter")
    pg.wait_for_function("() => new URLSearchParams(location.search).get('ti') === '2'", timeout=20000)
    wait_for_app(pg)
    assert_no_exception(pg)



def test_a_section_opened_once_is_shown_again_without_waiting_for_the_server(server_url, new_page):
    """#14 round 9: a section opened once stays in the page while closed, so switching back to it is the browser's
    own tab switch (its widgets are there, hidden); the rerun the switch starts keeps the link on the open tab."""
    from .conftest import ScriptRuns

    pg = new_page
    runs = ScriptRuns(pg)
    runs.after(lambda: pg.goto(f"{server_url}/transposed?lang=en"))
    kernel = pg.locator(".st-key-transposed-k")
    assert kernel.count() == 0                                   # the first view: the open section only
    dilation, signal = translate("en", "transposed.tab_dilation"), translate("en", "transposed.tab_signal")
    runs.after(lambda: pg.get_by_role("tab", name=dilation).click())
    runs.after(lambda: pg.get_by_role("tab", name=signal).click())
    assert kernel.count() == 1 and not kernel.is_visible()      # closed, still in the page
    runs.after(lambda: pg.get_by_role("tab", name=dilation).click())
    assert kernel.is_visible()
    assert_no_exception(pg)
    assert "tab=dilation" in pg.url
    screenshot(pg, "transposed-en-dilation-again")


# --------------------------------------------------------------------------- #14 round 10: parts that rerun alone
def _sent_types(frames: list) -> list[str]:
    from .conftest import new_element_types

    return new_element_types(frames)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_section_switch_sends_that_section_once_and_then_nothing(server_url, new_page, lang):
    """The section switch's first visit sends that section alone (not the page, not the sections opened before); a
    return to a section opened before sends no element at all (the browser shows it; only the link follows)."""
    pg = new_page
    received = open_app(pg, f"{server_url}/transposed?lang={lang}")
    wait_for_text(pg, translate(lang, "transposed.length_title"))
    received.clear()
    pg.get_by_role("tab", name=translate(lang, "transposed.tab_dilation")).click()
    pg.locator(".st-key-transposed-k").wait_for(timeout=20000)
    pg.wait_for_url("**tab=dilation**", timeout=20000)
    wait_for_app(pg)
    sent = _sent_types(received)
    assert sent.count("slider") == 2 and "table" in sent, sent           # the dilation section's k, d and table
    assert not {"heading", "text_area", "radio", "button", "number_input"} & set(sent), sent   # nothing else
    received.clear()
    pg.get_by_role("tab", name=translate(lang, "transposed.tab_signal")).click()
    # the first section is the link's default: the link drops its tab
    pg.wait_for_function("() => !location.search.includes('tab=')", timeout=20000, polling=50)
    wait_for_app(pg)
    expect(pg.locator(".st-key-transposed-signal textarea")).to_be_visible()
    assert _sent_types(received) == []                                    # the link, nothing on screen re-sent
    received.clear()
    pg.get_by_role("tab", name=translate(lang, "transposed.tab_dilation")).click()
    pg.wait_for_url("**tab=dilation**", timeout=20000)
    wait_for_app(pg)
    assert pg.locator(".st-key-transposed-k").is_visible() and _sent_types(received) == []
    assert_no_exception(pg)


SAMPLE_LINE = ".st-key-transposed-sample_math .math-line"   # the kernel, then the chosen sample's sum (a shadow root)


def _script_runs(frames: list) -> int:
    """Every script run in ``frames``, a run that sent nothing included (each ends with ``script_finished``; so does
    the empty run a callback's ``st.rerun([...])`` ends early, #14 round 10)."""
    from .conftest import forward_msgs

    return sum(msg.WhichOneof("type") == "script_finished" for msg in forward_msgs(frames))


def _texts_sent(frames: list) -> list[str]:
    """The text of every heading and Markdown element in ``frames`` (the title is a heading, the intro Markdown)."""
    from .conftest import forward_msgs

    texts = []
    for msg in forward_msgs(frames):
        if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
            el = msg.delta.new_element
            if el.WhichOneof("type") in ("heading", "markdown"):
                texts.append(getattr(el, el.WhichOneof("type")).body)
    return texts


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_signal_preset_makes_one_script_run_and_does_not_resend_the_title(server_url, new_page, lang):
    """#14 round 11: the signal's preset menu and text are drawn inside the signal's part, which holds everything a
    new signal changes (the editor and the results): a preset (and a typed signal) is that part's own rerun, ONE
    script run (a callback with ``st.rerun([...])`` made two, the first one empty), not the title, the intro, the
    frame or the section's radios and sliders; the results follow."""
    from .conftest import ScriptRuns, preset_menu, runs_sent

    pg = new_page
    runs = ScriptRuns.of(pg)
    received = open_app(pg, f"{server_url}/transposed?lang={lang}")
    wait_for_text(pg, translate(lang, "transposed.length_title"))
    pg.locator(f"{SAMPLE_LINE} math").first.wait_for(timeout=20000)
    sample = pg.locator(SAMPLE_LINE).last.get_attribute("data-latex")

    def pick() -> None:   # the menu's second entry (after the text's example)
        preset_menu(pg, "transposed.signal").select_option(index=2)

    for action in (pick, lambda: (pg.locator(SIGNAL).fill("1 2 3 4"), pg.locator(SIGNAL).press("Control+Enter"))):
        received.clear()
        runs.after(action)
        wait_for_app(pg)
        expect(pg.locator(SAMPLE_LINE).last).not_to_have_attribute("data-latex", sample, timeout=20000)
        sample = pg.locator(SAMPLE_LINE).last.get_attribute("data-latex")
        assert _script_runs(received) == 1, f"{_script_runs(received)} script runs"
        assert runs_sent(received) == (1, 0), "one run of the signal's part, no full app run"
        texts = _texts_sent(received)
        assert translate(lang, "transposed.title") not in texts and translate(lang, "transposed.intro") not in texts
        sent = _sent_types(received)
        assert {"preset_menu", "text_area", "number_input"} <= set(sent) and not {"radio", "slider"} & set(sent), sent
    lengths = pg.locator(".st-key-transposed-length_math .math-line").evaluate_all("(ls) => ls.map((l) => l.dataset.latex)")
    assert any("= 4" in line for line in lengths), lengths
    assert_no_exception(pg)
    screenshot(pg, f"transposed-{lang}-signal-preset")
