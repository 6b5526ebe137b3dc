"""Computational graph page in a real browser: loads in both languages; changing w changes the graph."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ui.i18n import translate

from .conftest import (ScriptRuns, after_run, assert_no_exception, choice_select, forward_msgs, new_element_types, open_app,
                       open_panel, runs_sent, screenshot, script_runs, wait_for_app)

pytestmark = pytest.mark.e2e

# the graph is an SVG inside the SVG box component's (open) shadow root (ui/components/svg_box.py, #14)
GRAPH = """(() => {
  for (const host of document.querySelectorAll('[data-testid="stMain"] *')) {
    const svg = host.shadowRoot && host.shadowRoot.querySelector('svg.ag-graph');
    if (svg) return svg;
  }
  return null;
})()"""
# the forward value on the last edge (h6 → f): the last red value of the graph (an inline SVG, no Plotly: #14)
LAST_EDGE = f"""() => {{
  const svg = {GRAPH};
  const values = svg ? svg.querySelectorAll('.ag-value') : [];
  return values.length ? values[values.length - 1].textContent : null;
}}"""
TABLE = "table.pt-table"   # the tabs' tables: plain HTML (ui/plain_table.py), not st.table (#14)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_autodiff_page_loads(server_url, new_page, lang):
    new_page.set_viewport_size({"width": 1400, "height": 3400})  # the main area scrolls itself: show it all
    received = open_app(new_page, f"{server_url}/autodiff?lang={lang}", "svg.ag-graph")
    assert_no_exception(new_page)
    assert translate(lang, "autodiff.title") in new_page.locator("h1").first.inner_text()
    assert new_page.locator(".stPlotlyChart").count() == 0          # the page needs no Plotly chart
    # hovering a node names what it computes (the SVG's own tooltip)
    assert new_page.locator('svg.ag-graph .ag-node[data-name="h6"] title').text_content() == "h₆ = 1 / h₅ = 0.5"
    assert new_page.evaluate(LAST_EDGE) == "0.5"
    screenshot(new_page, f"autodiff-{lang}-default")
    # the forward-mode tab: its own leaf selector and table, drawn only when opened
    assert new_page.locator(TABLE).count() == 0
    new_page.get_by_role("tab", name=translate(lang, "autodiff.tab_forward")).click()
    new_page.wait_for_selector(TABLE)
    wait_for_app(new_page)
    # the leaf is the browser's own select (ui/components/choice_menu.py, #14 round 12), no Streamlit select
    menu = choice_select(new_page, "autodiff.wrt")
    expect(menu).to_have_value("w")
    expect(new_page.locator(".st-key-autodiff-wrt_menu label")).to_contain_text(translate(lang, "autodiff.wrt_label"))
    assert new_page.locator('[data-testid="stSelectbox"]').count() == 0
    # another leaf: ONE run of the forward view alone (its fragment), the menu keeps showing it, the link follows
    received.clear()
    runs = ScriptRuns.of(new_page)
    runs.after(lambda: menu.select_option("b"))
    assert script_runs(received) == 1 and runs_sent(received) == (1, 0), runs_sent(received)
    sent = new_element_types(received)     # the menu, the sentence, the table and its caption: not the graph
    assert set(sent) <= {"preset_menu", "markdown", "html"} and "html" in sent, sent
    new_page.wait_for_function("() => new URLSearchParams(location.search).get('wrt') === 'b'")
    expect(menu).to_have_value("b")
    expect(new_page.locator(TABLE).first).to_contain_text(translate(lang, "autodiff.col_forward", wrt="b"))
    screenshot(new_page, f"autodiff-{lang}-forward-leaf")
    runs.after(lambda: new_page.goto(new_page.url))     # the link opens with that leaf shown
    wait_for_app(new_page)
    expect(choice_select(new_page, "autodiff.wrt")).to_have_value("b")
    assert_no_exception(new_page)


def test_changing_w_changes_the_graph(server_url, new_page):
    received = open_app(new_page, f"{server_url}/autodiff?lang=en", "svg.ag-graph")
    assert new_page.evaluate(LAST_EDGE) == "0.5"
    received.clear()
    box = new_page.get_by_role("spinbutton", name=translate("en", "autodiff.w_label"))
    box.fill("1")
    after_run(new_page, lambda: box.press("Enter"))
    assert new_page.evaluate(LAST_EDGE) == "0.7311"        # σ(1)
    assert new_page.evaluate(f"() => {GRAPH}.getRootNode().querySelectorAll('svg').length") == 1   # replaced
    assert "w=1" in new_page.url
    # #14: the point's part reruns alone: the graph and the numbers are sent again, the title and f's formula not
    assert "bidi_component" in new_element_types(received) and _metric_rows_sent(received)
    elements = [msg.delta.new_element for msg in forward_msgs(received)
                if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element"]
    texts = [getattr(el, el.WhichOneof("type")).body for el in elements
             if el.WhichOneof("type") in ("heading", "markdown")]
    assert translate("en", "autodiff.title") not in texts, "the title is not sent again"
    # f's definition is not sent again; the chain tab's ∂f/∂w is, as MathML in its math box (its LaTeX on the line)
    boxes = [el.bidi_component.json for el in elements if el.WhichOneof("type") == "bidi_component"
             and el.bidi_component.WhichOneof("data") == "json"]
    assert not [t for t in texts + boxes if r"\exp(-(w x + b))" in t], "nor f's definition"
    assert [b for b in boxes if r"\\partial f}{\\partial w}" in b and "<math" in b], "the chain tab's ∂f/∂w is"
    assert_no_exception(new_page)
    screenshot(new_page, "autodiff-en-w1")


def test_overflow_message_in_chinese(server_url, new_page):
    open_app(new_page, f"{server_url}/autodiff?lang=zh&x=20&w=-20&b=-20")
    assert_no_exception(new_page)
    assert new_page.locator('[data-testid="stAlert"]').count() >= 1
    new_page.get_by_role("tab", name=translate("zh", "autodiff.tab_seed")).click()  # needs no valid point
    new_page.wait_for_selector(TABLE)
    screenshot(new_page, "autodiff-zh-overflow")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_value_beyond_the_range_is_said_and_used_on_a_phone(server_url, new_page, lang):
    new_page.set_viewport_size({"width": 390, "height": 844})
    open_app(new_page, f"{server_url}/autodiff?lang={lang}", "svg.ag-graph")
    box = new_page.get_by_role("spinbutton", name=translate(lang, "autodiff.x_label"))
    box.fill("-1e9")
    after_run(new_page, lambda: box.press("Enter"))
    message = translate(lang, "autodiff.clamped", name="x", typed="-1000000000", used="-20", bound="20")
    new_page.get_by_text(message).wait_for(timeout=15000)
    assert box.input_value() == "-20.00"
    assert "x=-20" in new_page.url
    # the graph keeps its size (nodes apart) and scrolls sideways inside its box
    width = new_page.evaluate(f"{GRAPH}.getBoundingClientRect().width")
    assert width >= 700
    assert_no_exception(new_page)
    screenshot(new_page, f"autodiff-{lang}-phone")


# --------------------------------------------------------------------------- #14: the tabs rerun alone
def _metric_rows_sent(frames: list) -> int:
    """How many rows of f and its gradient (ui/metric_row.py: one st.html element, #14 round 13) ``frames`` hold."""
    return sum(1 for msg in forward_msgs(frames) if msg.WhichOneof("type") == "delta"
               and msg.delta.WhichOneof("type") == "new_element" and msg.delta.new_element.WhichOneof("type") == "html"
               and 'class="mr-row"' in msg.delta.new_element.html.body)


def test_a_tab_switch_reruns_the_tabs_only_and_the_export_link_follows(server_url, new_page):
    pg = new_page
    received = open_app(pg, f"{server_url}/autodiff?lang=zh", "svg.ag-graph")
    assert "number_input" in new_element_types(received) and _metric_rows_sent(received), "the first run draws them"
    # a tab switch: the tab's table arrives, and not one input, metric or the graph is sent again
    received.clear()
    pg.get_by_role("tab", name=translate("zh", "autodiff.tab_reverse")).click()
    pg.wait_for_selector(TABLE)
    wait_for_app(pg)
    sent = new_element_types(received)
    assert "html" in sent and not {"number_input", "bidi_component"} & set(sent), sent
    assert not _metric_rows_sent(received), "f and its gradient are not sent again"
    assert "tab=reverse" in pg.url
    # with the export panel open, its link follows the open tab (that switch reruns the page)
    code = open_panel(pg, translate("zh", "owndata.export_title"), "tab=reverse")
    pg.get_by_role("tab", name=translate("zh", "autodiff.tab_check")).click()
    expect(code).to_contain_text("tab=check", timeout=20000)
    wait_for_app(pg)
    assert translate("zh", "autodiff.check_section") in pg.inner_text("body")
    assert_no_exception(pg)


def test_opening_the_code_panel_sends_only_its_part(server_url, new_page):
    pg = new_page
    received = open_app(pg, f"{server_url}/autodiff?lang=en&w=1", "svg.ag-graph")
    received.clear()
    open_panel(pg, translate("en", "owndata.code_title"), "w = torch.tensor(1")   # the point's numbers
    sent = new_element_types(received)
    assert "code" in sent and not {"number_input", "bidi_component"} & set(sent) and not _metric_rows_sent(received), sent


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_opening_the_export_panel_sends_only_its_part(server_url, new_page, lang):
    """#14 round 10: the export panel is a part of its own; opening it reran the point's part (inputs, graph,
    metrics, the open tab), 1.6x the bare page's slider. Its downloads still carry the point."""
    pg = new_page
    received = open_app(pg, f"{server_url}/autodiff?lang={lang}&x=2&w=0.5", "svg.ag-graph")
    received.clear()
    code = open_panel(pg, translate(lang, "owndata.export_title"), "x=2&w=0.5")   # the link of this point
    sent = new_element_types(received)
    assert "download_button" in sent, sent
    assert not {"number_input", "bidi_component", "html", "heading"} & set(sent), sent
    # a new point with the panel open: its link follows (the point's part reruns the panel with it)
    field = pg.locator(".st-key-autodiff-b input")
    field.fill("1")
    field.press("Enter")
    expect(code).to_contain_text("b=1", timeout=20000)
    assert_no_exception(pg)
