"""Worked examples page (AppTest, both languages): summary counts, a linked claim's numbers and
typeset matrices, filters and search from the URL, the list's "show more" / "show all" (``?n=`` in the link),
tampered links, opening a claim, exports."""

from __future__ import annotations

import collections
import html
import json
import re

import numpy as np
import pytest

from cnn_core.claims import CLAIMS, VERDICTS
from ui.claims_view import text_title
from ui.i18n import translate
from ui.latex import latex_matrix, markdown_with_math

from .conftest import all_text, choice_markup, chosen, link_of, no_exception, open_page, pick_in_menu, plotly_figures
from .math_boxes import claim_note_text, math_box_formulas, math_box_inline, math_box_text

PAGE = "worked_examples"
PAGE_SIZE = 10          # claims listed before "show more" (the page's PAGE_SIZE)


def summary(at):
    (df,) = [d.value for d in at.table]
    return df


def claim_expanders(at) -> list:
    """The claims' expanders (the main area's: the sidebar's Notation and About panels are expanders too)."""
    return list(at.main.expander)


def shown_claims(at) -> int:
    return len(claim_expanders(at))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_renders_with_summary_in_both_languages(lang):
    at = open_page(PAGE, lang)
    no_exception(at)
    assert at.title[0].value == translate(lang, "worked_examples.title")
    df = summary(at)
    counts = collections.Counter(c.verdict for c in CLAIMS)
    total = df.iloc[-1]
    assert total[translate(lang, "worked_examples.col_text")] == translate(lang, "worked_examples.all_texts")
    assert total[translate(lang, "worked_examples.col_checked")] == len(CLAIMS)
    for v in VERDICTS:
        assert total[translate(lang, f"worked_examples.verdict_{v}")] == counts[v]
    # the texts by their short titles, never by file number or "seed"
    names = list(df[translate(lang, "worked_examples.col_text")])[:5]
    assert names == [text_title(s, lang) for s in ("000", "001", "002", "003", "004")]
    assert not any("seed" in n.lower() or n[:3].isdigit() for n in names)
    # text 003 per row: 7 wrong, as counted by hand from the catalogue's verdicts for text 003
    row3 = df.iloc[3]
    assert row3[translate(lang, "worked_examples.verdict_wrong")] == 7
    assert shown_claims(at) == PAGE_SIZE                # the first ten; "show more" / "show all" below
    assert translate(lang, "worked_examples.n_listed", k=PAGE_SIZE, n=len(CLAIMS), total=len(CLAIMS)) in all_text(at)
    assert not plotly_figures(at)                       # lazy: nothing open, nothing drawn
    assert len(at.get("download_button")) == 2


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_linked_scalar_claim_shows_its_numbers(lang):
    at = open_page(PAGE, lang, {"claim": "s003_eq8"})
    no_exception(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[translate(lang, "worked_examples.computed")] == "4"
    assert metrics[translate(lang, "worked_examples.corrected")] == "4"
    assert not at.code                                 # no code block: no 1.5 MB highlighter when a claim opens
    assert "δ₁₂·h₁₂ + δ₁₃·h₁₁ = 2·2 + 0·1 = 4" in all_text(at).replace("\\", "")
    # the explanation in the claim's math box, its $…$ as inline MathML, the rest as written
    assert translate(lang, "claims.s003_eq8") in math_box_text(at, f"{PAGE}.s003_eq8.text_math")
    assert not at.latex and not any("$" in m.value for m in at.markdown)        # nothing left to KaTeX
    assert claim_expanders(at)[0].label.replace("\\", "").startswith(translate(lang, "claims.s003_eq8_title")[:10])


def _typeset_matrix(tex: str) -> tuple[np.ndarray, set[tuple[int, int]]]:
    """A panel's ``bmatrix`` read back: its numbers and the (row, col) of the cells marked (boxed, red)."""
    tex = re.search(r"\\begin\{bmatrix\}(.*)\\end\{bmatrix\}", tex, re.S).group(1)
    values, marked = [], set()
    for r, row in enumerate(tex.split("\\\\")):
        cells = []
        for c, cell in enumerate(row.split("&")):
            if "\\boxed" in cell:
                assert "\\textcolor{#d62728}{\\boxed{" in cell   # marked in red, as the heatmaps' outlines were
                marked.add((r, c))
            cells.append(float(re.sub(r"\\textcolor\{#d62728\}|\\boxed|[{}\s]", "", cell)))
        values.append(cells)
    return np.array(values), marked


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_linked_matrix_claim_shows_its_matrices_with_differing_cells(lang):
    at = open_page(PAGE, lang, {"claim": "s003_dx_general"})
    no_exception(at)
    assert not plotly_figures(at)                      # not charted: no Plotly on this page
    names = ("printed", "computed", "corrected")
    box = f"{PAGE}.s003_dx_general.values_math"
    # one math box, the three matrices side by side under their titles: MathML, nothing left to KaTeX
    titles = re.findall(r"\*\*(.+?)\*\*", math_box_text(at, box))
    assert titles == [translate(lang, f"worked_examples.{n}") for n in names]
    assert not at.latex and not any("$" in m.value for m in at.markdown)
    (printed, p_marked), (computed, c_marked), (corrected, r_marked) = map(_typeset_matrix,
                                                                           math_box_formulas(at, box))
    # by hand: full correlation of δ = [[1,2,0],[-1,3,1],[2,0,-2]] with h = [[1,2],[3,4]] (text) and with
    # rot180(h) (core); top-left cells: h₂₂·δ₁₁ = 4 and h₁₁·δ₁₁ = 1
    delta, h = np.array([[1, 2, 0], [-1, 3, 1], [2, 0, -2]]), np.array([[1, 2], [3, 4]])
    full = np.pad(delta, 1)
    loops = np.array([[sum(full[i + m, j + n] * h[1 - m, 1 - n] for m in range(2) for n in range(2))
                       for j in range(4)] for i in range(4)])
    np.testing.assert_array_equal(computed, loops)
    assert printed[0, 0] == 4 and computed[0, 0] == 1
    np.testing.assert_array_equal(computed, corrected)
    differ = {(int(r), int(c)) for r, c in zip(*np.nonzero(printed != computed))}
    assert p_marked == c_marked == differ and differ
    assert not r_marked
    assert translate(lang, "worked_examples.differs_at", cells="")[:6] in all_text(at)
    # the example's inputs: δ and h as inline formulas in the text box, before the explanation
    text = f"{PAGE}.s003_dx_general.text_math"
    assert math_box_inline(at, text)[:2] == [latex_matrix(delta), latex_matrix(h)]
    assert math_box_text(at, text).startswith(f"δ = ${latex_matrix(delta)}$")


def test_filters_and_search_come_from_the_url():
    at = open_page(PAGE, "en", {"text": "hands-on-cnn", "verdict": "wrong"})
    no_exception(at)
    assert shown_claims(at) == 7
    assert translate("en", "worked_examples.n_shown", n=7, total=len(CLAIMS)) in all_text(at)
    at = open_page(PAGE, "zh", {"q": "rot180", "topic": "backward"})
    no_exception(at)
    keys = [e.label for e in claim_expanders(at)]
    assert 0 < len(keys) < len(CLAIMS)
    assert chosen(at, f"{PAGE}.topic")[0] == "backward"                 # the link's choice, shown in the menu
    assert chosen(at, f"{PAGE}.text")[0] == chosen(at, f"{PAGE}.verdict")[0] == "all"


def test_changing_a_filter_updates_the_list_and_the_url():
    at = open_page(PAGE, "en")
    pick_in_menu(at, f"{PAGE}.verdict", "typo")
    no_exception(at)
    assert shown_claims(at) == sum(c.verdict == "typo" for c in CLAIMS)
    assert at.query_params["verdict"] in ("typo", ["typo"])
    # the filter reran the list only (AppTest's tree then holds that part alone; a browser keeps the rest):
    # neither the summary nor the filters themselves were sent again
    assert not at.table and not at.get("bidi_component") and not at.main.text_input
    at.run()                                          # the whole page again, the filter kept and shown
    assert shown_claims(at) == sum(c.verdict == "typo" for c in CLAIMS)
    assert chosen(at, f"{PAGE}.verdict")[0] == "typo"
    at.text_input(key=f"{PAGE}.q").set_value("zzz nothing").run()
    assert shown_claims(at) == 0
    assert translate("en", "worked_examples.no_match_query", query="zzz nothing") in all_text(at)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_tampered_links_get_a_message_and_the_page_works(lang):
    at = open_page(PAGE, lang, {"claim": "<img src=x onerror=alert(1)>", "verdict": "bogus", "topic": "'; DROP"})
    no_exception(at)
    warnings = "\n".join(w.value for w in at.warning)
    assert translate(lang, "worked_examples.bad_claim", raw="")[:8] in warnings
    assert "\\<img" in warnings and not re.search(r"(?<!\\)<", warnings)   # shown escaped, never as HTML
    assert len(at.warning) == 3
    assert shown_claims(at) == PAGE_SIZE              # defaults: every claim, the first ten listed
    assert "claim" not in at.query_params


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_filter_menus_offer_every_choice_in_the_readers_language(lang):
    """The three filters are choice menus (ui.components.choice_menu, #14 round 12): "any" then each text, verdict
    and topic by its name in the reader's language, under the filter's label; no Streamlit select on the page."""
    from cnn_core.claims import TOPICS
    from ui.claims_view import TEXT_CHOICES, verdict_label

    at = open_page(PAGE, lang, {"verdict": "typo"})
    anything = [("all", translate(lang, "worked_examples.any"))]
    assert chosen(at, f"{PAGE}.text") == ("all", anything + [(v, text_title(v, lang)) for v in TEXT_CHOICES])
    assert chosen(at, f"{PAGE}.verdict") == ("typo", anything + [(v, verdict_label(v, lang)) for v in VERDICTS])
    assert chosen(at, f"{PAGE}.topic") == (
        "all", anything + [(v, translate(lang, f"worked_examples.topic_{v}")) for v in TOPICS])
    for name in ("text", "verdict", "topic"):
        assert f'<span>{translate(lang, f"worked_examples.filter_{name}")}</span>' in choice_markup(at, f"{PAGE}.{name}")
    assert not at.selectbox


def test_a_filter_value_the_menu_did_not_offer_changes_nothing():
    """The browser's value goes through the menu's callback: a made-up one is refused, the list and the link stay
    (and the list is not shortened: the follow-up runs only after a change)."""
    at = open_page(PAGE, "en", {"topic": "backward", "n": "20"})
    listed = shown_claims(at)
    for sent in ("bogus", "Backward", "<b>x</b>", "", 3, None):
        pick_in_menu(at, f"{PAGE}.topic", sent)
        no_exception(at)
        assert at.session_state[f"{PAGE}.topic"] == "backward", sent
    at.run()
    assert chosen(at, f"{PAGE}.topic")[0] == "backward" and shown_claims(at) == listed
    assert link_of(at)["topic"] == "backward" and link_of(at).get("n") == "20"


def test_search_text_is_never_markup():
    at = open_page(PAGE, "en", {"q": "**bold** <b>x</b> $x$"})
    no_exception(at)
    assert shown_claims(at) == 0
    (info,) = at.info
    assert "\\<b\\>" in info.value and not re.search(r"(?<!\\)<", info.value)


def test_opening_a_claim_renders_it_and_puts_it_in_the_url():
    at = open_page(PAGE, "en", {"text": "cnn-notes", "verdict": "incomplete"})
    assert not at.metric
    at.session_state[f"{PAGE}.open.s000_output_size"] = True
    at.run()
    no_exception(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[translate("en", "worked_examples.printed")] == "2.5"       # (6 − 3)/2 + 1
    assert metrics[translate("en", "worked_examples.computed")] == "2"


def _links() -> list[tuple[str, tuple]]:
    from ui.frame import page_entry

    seen = {}
    for c in CLAIMS:
        if page_entry(c.page) is not None:
            seen.setdefault((c.page, tuple(sorted((k, str(v)) for k, v in c.params.items()))), c.key)
    return sorted(seen)


@pytest.mark.parametrize("page,params", _links(),
                         ids=lambda v: v if isinstance(v, str) else "&".join(f"{k}={x}" for k, x in v))
def test_every_claim_link_opens_its_page_without_a_warning(page, params):
    at = open_page(page, "en", dict(params))
    no_exception(at)
    about_link = [w.value for w in at.warning if w.value.startswith(("The link's", "The link gives"))]
    assert not about_link                              # every parameter of the claim's setup is accepted


def test_a_new_link_in_the_same_session_opens_that_claim():
    at = open_page(PAGE, "en", {"claim": "s003_eq8"})
    assert claim_expanders(at)[0].label.replace("\\", "").startswith(translate("en", "claims.s003_eq8_title")[:10])
    at.query_params["claim"] = "s000_output_size"          # as st.page_link from a topic page sets it
    at.run()
    no_exception(at)
    assert claim_expanders(at)[0].label.replace("\\", "").startswith(
        translate("en", "claims.s000_output_size_title")[:10])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[translate("en", "worked_examples.printed")] == "2.5"


def _note_script():
    import streamlit as st

    from ui.claims_view import claim_note

    for where in st.session_state.get("places", [""]):
        claim_note(st.session_state.get("key", "s003_eq8"), st.session_state.get("lang", "en"), where=where)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_claim_note_for_topic_pages(lang):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_note_script)
    at.session_state["lang"] = lang
    at.session_state["key"] = "s003_eq8"
    at.run()
    no_exception(at)
    text = "\n".join(m.value for m in at.markdown)
    # the note's title and explanation: one math box (inline formulas as MathML, round 9), the badge in Markdown
    note = claim_note_text(at, "s003_eq8")
    assert translate(lang, "claims.s003_eq8_title") in note and translate(lang, "claims.s003_eq8")[:30] in note
    assert translate(lang, "worked_examples.verdict_wrong") in text       # the badge
    at.session_state["key"] = "<not a claim>"
    at.run()
    no_exception(at)
    assert not at.markdown and not at.main.get("bidi_component")          # unknown key: nothing, no error
    at.session_state["key"] = "s003_eq8"
    at.session_state["places"] = ["", "table"]                            # one note in two places, named: no error
    at.run()
    no_exception(at)
    assert [el.key for el in at.main.get("bidi_component")] == ["claims.note.s003_eq8_math",
                                                                 "claims.note.table.s003_eq8_math"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_claim_titles_render_their_formulas(lang):
    """#12: a title's formula is sent as $…$ (KaTeX), not escaped into raw "o_{i+m', j+n'}"."""
    at = open_page(PAGE, lang, {"n": str(len(CLAIMS))})     # every claim listed
    no_exception(at)
    assert shown_claims(at) == len(CLAIMS)
    labels = {label.split(" — ")[0] for label in (e.label for e in claim_expanders(at))}
    for claim in CLAIMS:
        title = translate(lang, f"claims.{claim.key}_title")
        assert markdown_with_math(title, 200) in labels, claim.key
    assert "$\\partial E/\\partial w = \\sum \\delta_{ij}\\, o_{i+m',\\, j+n'}$" in \
        markdown_with_math(translate(lang, "claims.s000_dw_sum_title"))
    at = open_page(PAGE, lang, {"claim": "s000_dw_sum"})     # the explanation's formulas: inline MathML
    assert "\\mathrm{rot180}\\{\\delta\\} \\ast o" in math_box_inline(at, f"{PAGE}.s000_dw_sum.text_math")


def _button_keys(at) -> set[str]:
    return {b.key for b in at.button}


def index_keys(at) -> list[str]:
    """The claims listed by "show all"'s index (``ui.components.claim_index``, one element), in order."""
    markups = [json.loads(el.proto.json) for el in at.main.get("bidi_component")
               if el.key == f"{PAGE}.claim_index"]
    return [html.unescape(k) for markup in markups for k in re.findall(r'data-claim="([^"]*)"', markup)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_show_more_and_show_all_reach_every_claim_and_the_link_keeps_it(lang):
    at = open_page(PAGE, lang)
    seen = shown_claims(at)
    assert seen == PAGE_SIZE and "n" not in at.query_params
    labels = [e.label for e in claim_expanders(at)]
    at.button(key=f"{PAGE}.more").click().run()
    no_exception(at)
    assert shown_claims(at) == 2 * PAGE_SIZE
    assert [e.label for e in claim_expanders(at)][:PAGE_SIZE] == labels      # the same first ten, ten more below
    assert at.query_params["n"] in ("20", ["20"])
    assert at.button(key=f"{PAGE}.more").label == translate(lang, "worked_examples.show_more", k=PAGE_SIZE)
    for _ in range(len(CLAIMS)):
        if f"{PAGE}.more" not in _button_keys(at):
            break
        at.button(key=f"{PAGE}.more").click().run()
    assert shown_claims(at) == len(CLAIMS)            # "show more" until the end: every claim is listed
    assert not _button_keys(at) & {f"{PAGE}.more", f"{PAGE}.all"} and not index_keys(at)
    assert at.button(key=f"{PAGE}.listed").disabled     # the row says so, and offers the first ten again
    assert translate(lang, "worked_examples.n_listed", k=PAGE_SIZE, n=len(CLAIMS), total=len(CLAIMS)) in all_text(at)
    at.button(key=f"{PAGE}.fewer").click().run()
    assert shown_claims(at) == PAGE_SIZE and "n" not in at.query_params
    # a link with n lists as many; "show all" lists the rest as one index (not expanders), in the list's order
    at = open_page(PAGE, lang, {"n": "30"})
    no_exception(at)
    assert shown_claims(at) == 30 and not at.warning
    listed = [e.label for e in claim_expanders(at)]
    at.button(key=f"{PAGE}.all").click().run()
    no_exception(at)
    assert [e.label for e in claim_expanders(at)] == listed                 # the thirty listed stay
    assert index_keys(at) == [c.key for c in CLAIMS[30:]]                   # every other claim, once
    assert translate(lang, "worked_examples.index_caption", n=len(CLAIMS) - 30) in all_text(at)
    assert at.query_params["index"] in ("1", ["1"]) and at.query_params["n"] in ("30", ["30"])
    assert not _button_keys(at) & {f"{PAGE}.more", f"{PAGE}.all"}
    assert at.button(key=f"{PAGE}.fewer").label == translate(lang, "worked_examples.show_first", k=PAGE_SIZE)
    # the link shows the same; "show the first ten" ends the index
    at = open_page(PAGE, lang, {"n": "30", "index": "1"})
    assert shown_claims(at) == 30 and len(index_keys(at)) == len(CLAIMS) - 30
    at.button(key=f"{PAGE}.fewer").click().run()
    no_exception(at)
    assert shown_claims(at) == PAGE_SIZE and not index_keys(at)
    assert "n" not in at.query_params and "index" not in at.query_params


def test_a_new_filter_lists_the_first_ten_again():
    at = open_page(PAGE, "en", {"n": "40"})
    assert shown_claims(at) == 40
    pick_in_menu(at, f"{PAGE}.verdict", "holds")
    no_exception(at)
    holds = sum(c.verdict == "holds" for c in CLAIMS)
    assert holds > PAGE_SIZE and shown_claims(at) == PAGE_SIZE
    assert translate("en", "worked_examples.n_listed", k=PAGE_SIZE, n=holds, total=len(CLAIMS)) in all_text(at)
    assert "n" not in at.query_params
    at.button(key=f"{PAGE}.all").click().run()
    assert shown_claims(at) == PAGE_SIZE and len(index_keys(at)) == holds - PAGE_SIZE
    at.text_input(key=f"{PAGE}.q").set_value("padding").run()
    assert shown_claims(at) <= PAGE_SIZE and "n" not in at.query_params
    assert "index" not in at.query_params and not index_keys(at)   # a new filter ends the index too


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("raw", ["abc", "5", "1000", "12.5"])
def test_a_tampered_list_length_gets_a_message(lang, raw):
    at = open_page(PAGE, lang, {"n": raw})
    no_exception(at)
    (warning,) = at.warning
    assert translate(lang, "worked_examples.n_param") in warning.value
    assert shown_claims(at) == PAGE_SIZE


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_linked_claim_past_the_first_ten_is_listed_first_and_open(lang):
    last = CLAIMS[-1]
    at = open_page(PAGE, lang, {"claim": last.key})
    no_exception(at)
    first = claim_expanders(at)[0]
    assert first.label.replace("\\", "").startswith(translate(lang, f"claims.{last.key}_title")[:10].replace("\\", ""))
    assert shown_claims(at) == PAGE_SIZE
    assert at.query_params["claim"] in (last.key, [last.key])
