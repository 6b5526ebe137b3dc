"""Worked examples in a real browser: a linked claim opens with its matrices typeset (the text's wrong cells boxed
in red) in both languages, with no chart and no code block; opening another claim puts it in the URL; "show more"
lengthens the list and the link keeps it; a tampered link gets messages, not a traceback."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cnn_core.claims import CLAIMS
from ui.i18n import translate

from .conftest import (assert_no_exception, choice_select, forward_msgs, new_element_types, screenshot, wait_for_app,
                       wait_for_text, watch_frames)

# the filters are choice menus (ui/components/choice_menu.py), which new_element_types calls "preset_menu"; the
# page has no other menu and no Streamlit select
FILTER_TYPES = {"preset_menu", "selectbox"}

pytestmark = pytest.mark.e2e

# Each boxed (differing) cell of a math box's matrices: its number, its colour and its frame as the browser draws them
BOXED = """(els) => els.map((e) => { const s = getComputedStyle(e);
  return {text: e.textContent.trim(), color: s.color, border: s.borderTopWidth + " " + s.borderTopStyle,
          width: e.getBoundingClientRect().width,
          latex: e.closest('.math-line').dataset.latex}; })"""
RED = "rgb(214, 39, 40)"   # #d62728, ui.claims_view.DIFFER_COLOR


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_linked_claim_opens_with_its_matrices_as_mathml(server_url, new_page, lang):
    received = watch_frames(new_page)
    new_page.goto(f"{server_url}/worked_examples?lang={lang}&claim=s003_dx_general")
    wait_for_app(new_page)
    assert_no_exception(new_page)
    assert translate(lang, "worked_examples.title") in new_page.inner_text("h1")
    box = ".st-key-worked_examples-open-s003_dx_general"
    new_page.locator(f"{box} .math-box .math-panel").nth(2).wait_for()
    titles = new_page.locator(f"{box} .math-panel strong").all_inner_texts()   # (the box is in a shadow root)
    assert titles == [translate(lang, f"worked_examples.{name}") for name in ("printed", "computed", "corrected")]
    # the three matrices are MathML the browser draws (no KaTeX in the claim: its label may typeset a title)
    details = f'{box} [data-testid="stExpanderDetails"]'
    assert new_page.locator(f"{details} .katex").count() == 0
    assert new_page.locator(f"{details} .math-panel math").count() == 3
    printed, computed, corrected = new_page.locator(f"{details} .math-panel .math-line").evaluate_all(
        "(els) => els.map((e) => e.dataset.latex)")
    # the text's Σ h δ(i+m, j+n) vs the core: top-left cell δ₁₁·h₂₂ = 4 in the text, δ₁₁·h₁₁ = 1 in the core,
    # both boxed in red; the corrected matrix is not marked
    assert printed.split("&")[0].strip().endswith("\\textcolor{#d62728}{\\boxed{4}}")
    assert computed.split("&")[0].strip().endswith("\\textcolor{#d62728}{\\boxed{1}}")
    assert "boxed" not in corrected
    boxed = new_page.locator(f"{details} menclose").evaluate_all(BOXED)
    assert len(boxed) == printed.count("boxed") + computed.count("boxed") > 0
    assert boxed[0]["text"] == "4" and boxed[0]["latex"] == printed
    for cell in boxed:                 # each differing cell drawn red with a visible frame (the math box's CSS)
        assert cell["color"] == RED and cell["border"].endswith("solid") and cell["width"] > 5, cell
        assert not cell["border"].startswith("0px"), cell
    # the other cells stay in the text colour
    plain = new_page.locator(f"{details} .math-panel mtd:not(:has(menclose)) mn").first
    assert plain.evaluate("(e) => getComputedStyle(e).color") != RED
    # the example's inputs and the explanation: inline MathML in a sentence, not KaTeX
    text = f"{details} .math-box .math-text"
    assert new_page.locator(f"{text} .math-inline math").count() >= 2
    sent = new_element_types(received)
    assert "plotly_chart" not in sent and "code" not in sent     # no chart and no code highlighter to load
    assert translate(lang, "worked_examples.verdict_wrong") in new_page.inner_text("body")
    screenshot(new_page, f"worked_examples-{lang}-linked")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_opened_claims_have_no_katex_left(server_url, new_page, lang):
    """Claims with formulas in their explanation (inline), matrices and inputs: every formula is a <math> element;
    KaTeX is left only in the labels of the claims whose title has a formula."""
    pg = new_page
    pg.goto(f"{server_url}/worked_examples?lang={lang}&text=cnn-notes&claim=s000_dw_sum")
    wait_for_app(pg)
    box = ".st-key-worked_examples-open-s000_dw_sum"
    pg.locator(f"{box} .math-box .math-inline math").first.wait_for()
    for key in ("s000_conv_definition", "s000_output_size"):
        pg.locator(f".st-key-worked_examples-open-{key} summary").click()
        pg.locator(f".st-key-worked_examples-open-{key} .math-box .math-text").first.wait_for()
    wait_for_app(pg)
    details = '[data-testid="stMain"] [data-testid="stExpanderDetails"]'
    for key in ("s000_dw_sum", "s000_conv_definition", "s000_output_size"):        # the three opened claims
        assert pg.locator(f".st-key-worked_examples-open-{key} .math-box math").count() >= 1, key
    assert pg.locator(f"{details} .katex").count() == 0
    assert pg.locator(f"{details} math").count() >= 6
    # the rest of the page: KaTeX only inside the claims' labels (a title's $…$), none in the page's own text
    outside = pg.evaluate("""() => [...document.querySelectorAll('.katex')]
        .filter((k) => !k.closest('[data-testid="stExpander"] summary')).length""")
    assert outside == 0
    assert_no_exception(pg)
    screenshot(pg, f"worked_examples-{lang}-mathml", max_height=2400)


def test_opening_a_claim_puts_it_in_the_url(server_url, new_page):
    new_page.goto(f"{server_url}/worked_examples?lang=en&text=cnn-notes&verdict=incomplete")
    wait_for_app(new_page)
    # the claim's expander by its key (its label is typeset: the title's $…$ formula is KaTeX, not text)
    new_page.locator(".st-key-worked_examples-open-s000_output_size summary").click()
    wait_for_text(new_page, translate("en", "worked_examples.computed"))
    wait_for_app(new_page)
    assert "claim=s000_output_size" in new_page.url
    assert "2.5" in new_page.inner_text("body")
    assert_no_exception(new_page)
    screenshot(new_page, "worked_examples-en-filtered")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_show_more_lengthens_the_list_and_the_link_keeps_it(server_url, new_page, lang):
    claims = '[data-testid="stMain"] [data-testid="stExpander"]'
    new_page.goto(f"{server_url}/worked_examples?lang={lang}")
    wait_for_app(new_page)
    assert new_page.locator(claims).count() == 10
    new_page.get_by_role("button", name=translate(lang, "worked_examples.show_more", k=10)).click()
    new_page.wait_for_url("**n=20**")
    wait_for_app(new_page)
    assert new_page.locator(claims).count() == 20
    new_page.get_by_role("button", name=translate(lang, "worked_examples.show_all", n=len(CLAIMS))).click()
    new_page.wait_for_url("**index=1**")
    wait_for_app(new_page)
    rows = new_page.locator(INDEX_ROWS)
    rows.first.wait_for()
    assert new_page.locator(claims).count() == 20 and rows.count() == len(CLAIMS) - 20   # every claim can be reached
    new_page.reload()                                            # the link lists as many again
    wait_for_app(new_page)
    rows.first.wait_for()
    assert new_page.locator(claims).count() == 20 and rows.count() == len(CLAIMS) - 20
    assert_no_exception(new_page)


INDEX_ROWS = ".claim-index button[data-claim]"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_show_all_sends_one_index_and_a_row_opens_its_claim_first(server_url, new_page, lang):
    """#14 round 10: "show all" sends the claims not listed as one index element (no expander: 84 of them were ~3×
    the bare slider), its formulas as MathML; a row's click lists its claim first and open, in the link; "show the
    first 10" (the second button, in the place of "show all") goes back to ten claims and ends the index."""
    pg = new_page
    received = watch_frames(pg)
    pg.goto(f"{server_url}/worked_examples?lang={lang}")
    wait_for_app(pg)
    received.clear()
    pg.get_by_role("button", name=translate(lang, "worked_examples.show_all", n=len(CLAIMS))).click()
    pg.wait_for_url("**index=1**")
    wait_for_app(pg)
    rows = pg.locator(INDEX_ROWS)
    rows.first.wait_for()
    assert rows.count() == len(CLAIMS) - 10
    assert _expanders_sent(received) == 0, "the index is one element, not expanders"
    assert new_element_types(received).count("bidi_component") == 1
    assert pg.locator(".claim-index math").count() >= 1 and pg.locator(".claim-index .katex").count() == 0
    screenshot(pg, f"worked_examples_index_{lang}")
    last = CLAIMS[-1]
    row = pg.locator(f'{INDEX_ROWS}[data-claim="{last.key}"]')
    row.click()
    pg.wait_for_url(f"**claim={last.key}**")
    wait_for_app(pg)
    first = pg.locator('[data-testid="stMain"] [data-testid="stExpander"]').first
    expect(first.locator("details")).to_have_attribute("open", "")                     # listed first, open
    assert first.evaluate("(e) => !!e.closest('.st-key-worked_examples-open-' + arguments[0])".replace(
        "arguments[0]", repr(last.key)))                                                  # ... and it is this claim
    assert pg.locator(f'{INDEX_ROWS}[data-claim="{last.key}"]').count() == 0          # no longer in the index
    received.clear()
    pg.get_by_role("button", name=translate(lang, "worked_examples.show_first", k=10)).click()
    pg.wait_for_function("() => !location.search.includes('index=1')")
    wait_for_app(pg)
    expect(pg.locator(INDEX_ROWS)).to_have_count(0)
    assert pg.locator('[data-testid="stMain"] [data-testid="stExpander"]').count() == 10
    assert not FILTER_TYPES & set(new_element_types(received))        # the list reruns, not the filters
    assert_no_exception(pg)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_filter_reruns_the_list_only(server_url, new_page, lang):
    pg = new_page
    received = watch_frames(pg)
    pg.goto(f"{server_url}/worked_examples?lang={lang}")
    wait_for_app(pg)
    assert "table" in new_element_types(received)          # the summary: a plain table, drawn once
    assert "dataframe" not in new_element_types(received)  # not the canvas data grid
    verdict = choice_select(pg, "worked_examples.verdict")   # the browser's own select (#14 round 12)
    expect(verdict).to_have_value("all")
    expect(pg.locator(".st-key-worked_examples-verdict_menu label")).to_contain_text(
        translate(lang, "worked_examples.filter_verdict"))
    received.clear()
    verdict.select_option(label=translate(lang, "worked_examples.verdict_typo"))
    pg.wait_for_url("**verdict=typo**")
    wait_for_app(pg)
    sent = new_element_types(received)
    assert sent and "table" not in sent, sent            # the list was redrawn, the summary was not sent again
    # nor the filters themselves: the browser shows the new choice already, the callback reruns the list only
    assert not FILTER_TYPES & set(sent) and "text_input" not in sent, sent
    expect(verdict).to_have_value("typo")                # kept, not back to a placeholder
    for name in ("text", "verdict", "topic"):            # the filters are still on the page
        expect(choice_select(pg, f"worked_examples.{name}")).to_be_visible()
    assert len(pg.locator(".st-key-worked_examples-open-s000_output_size").all()) == 0   # a claim that is not a typo
    received.clear()                                     # the search box reruns the list only too
    search = pg.locator(".st-key-worked_examples-q input")
    search.fill("zzz nothing")
    search.press("Enter")
    pg.wait_for_url("**q=zzz**")
    wait_for_app(pg)
    sent = new_element_types(received)
    assert "text_input" not in sent and not FILTER_TYPES & set(sent), sent
    assert pg.locator('[data-testid="stMain"] [data-testid="stExpander"]').count() == 0
    assert search.input_value() == "zzz nothing"          # what was typed stays in the box
    assert_no_exception(pg)
    pg.goto(pg.url)                                      # the link opens with the filter shown
    wait_for_app(pg)
    expect(choice_select(pg, "worked_examples.verdict")).to_have_value("typo")
    expect(choice_select(pg, "worked_examples.topic")).to_have_value("all")
    screenshot(pg, f"worked_examples-{lang}-filters", max_height=1400)


def test_tampered_link_is_explained(server_url, new_page):
    new_page.goto(f"{server_url}/worked_examples?lang=zh&claim=%3Cscript%3Ex&verdict=bogus")
    wait_for_app(new_page)
    assert_no_exception(new_page)
    body = new_page.inner_text("body")
    assert "<script>x" in body                     # shown literally, escaped
    assert new_page.locator("script:text('x')").count() == 0
    assert new_page.locator('[data-testid="stAlert"]').count() >= 2
    expect(choice_select(new_page, "worked_examples.verdict")).to_have_value("all")   # the default, not "bogus"
    screenshot(new_page, "worked_examples-zh-tampered", max_height=1600)


def _expanders_sent(frames: list) -> int:
    """How many expanders (claims) the server sent in ``frames``."""
    return sum(1 for m in forward_msgs(frames) if m.WhichOneof("type") == "delta"
               and m.delta.WhichOneof("type") == "add_block" and m.delta.add_block.WhichOneof("type") == "expandable")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_claim_and_show_more_rerun_only_their_part(server_url, new_page, lang):
    """Each claim is a fragment and the list's tail (the buttons) is one: opening a claim sends that claim only,
    "show more" sends the next ten claims and the buttons, however long the list is already."""
    pg = new_page
    received = watch_frames(pg)
    pg.goto(f"{server_url}/worked_examples?lang={lang}&n=30")
    wait_for_app(pg)
    assert pg.locator('[data-testid="stMain"] [data-testid="stExpander"]').count() == 30
    received.clear()
    pg.locator(".st-key-worked_examples-open-s000_output_size summary").click()
    pg.wait_for_url("**claim=s000_output_size**")
    wait_for_app(pg)
    wait_for_text(pg, translate(lang, "worked_examples.computed"))
    sent = new_element_types(received)
    assert "metric" in sent                                        # the claim's printed 2.5 vs computed 2
    assert not FILTER_TYPES & set(sent) and "button" not in sent, sent  # not the filters, not the list's buttons
    assert _expanders_sent(received) == 1                          # this claim, not the 30 listed
    received.clear()
    pg.get_by_role("button", name=translate(lang, "worked_examples.show_more", k=10)).click()
    pg.wait_for_url("**n=40**")
    wait_for_app(pg)
    assert pg.locator('[data-testid="stMain"] [data-testid="stExpander"]').count() == 40
    assert _expanders_sent(received) == 10                         # claims 31–40, not the 30 listed already
    assert not FILTER_TYPES & set(new_element_types(received))
    assert_no_exception(pg)


# Every line of the math boxes (a display formula, or a sentence with inline formulas): its content width, the
# width of its page column, its own width and its overflow-x (a line wider than the column must scroll sideways)
LINE_WIDTHS = """(lines) => lines.map(el => {
  const host = el.getRootNode().host || el;
  const column = host.closest('[data-testid="stElementContainer"]') || host.parentElement;
  return {width: el.scrollWidth, shown: el.getBoundingClientRect().width, column: column.getBoundingClientRect().width,
          overflow: getComputedStyle(el).overflowX, latex: el.dataset.latex || el.textContent.slice(0, 40)};
})"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_claim_on_a_phone_wraps_its_matrices_and_scrolls_what_is_wider(server_url, phone_page, lang):
    """390 px: the three matrices stack (the panels wrap), every line fits its column or scrolls inside it."""
    pg = phone_page
    pg.goto(f"{server_url}/worked_examples?lang={lang}&claim=s003_dx_general")
    wait_for_app(pg)
    box = ".st-key-worked_examples-open-s003_dx_general"
    pg.locator(f"{box} .math-box .math-panel").nth(2).wait_for()
    lines = pg.locator(f"{box} .math-box .math-line, {box} .math-box .math-text").evaluate_all(LINE_WIDTHS)
    assert len(lines) == 3 + 2
    for w in lines:
        assert w["width"] <= w["column"] + 1 or w["overflow"] in ("auto", "scroll"), w   # fits, or scrolls
        assert w["shown"] <= w["column"] + 1, w                                          # the scroller fits
    tops = [p["y"] for p in (pg.locator(f"{box} .math-panel").nth(i).bounding_box() for i in range(3))]
    assert tops[2] > tops[0] + 20                                    # wrapped: not three side by side on a phone
    assert_no_exception(pg)
    screenshot(pg, f"worked_examples-{lang}-phone", max_height=3000)
