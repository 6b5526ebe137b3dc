"""Worked examples: every claim of the five source texts, recomputed by the core, with its verdict.

Thin page: the catalogue and every number come from ``cnn_core.claims``; ``ui.claims_view`` draws them.
A claim's details (figures included) are only built while its expander is open; the last opened
claim is mirrored to the URL as ``?claim=<key>`` and a link with it opens that claim first. The list is a
part of its own (a keyed fragment): a filter's callback reruns the list only (``st.rerun(LIST_PART)``), not
the filters above it, whose new value the browser already shows. Each claim is a fragment inside it (opening
a claim reruns that claim only, however long the list). The list shows the first ``PAGE_SIZE`` claims of the
filter (a filter change sends ~10 expanders, not 94); "show more" / "show all" lengthen it (``?n=<count>`` in
the link): the buttons are the tail part of the list, and a click reruns that tail only, so it sends the claims
it adds and new buttons, not the claims already listed. "Show all" (``?index=1``, round 10) lists the claims not
listed yet as one index (``ui.components.claim_index``: one element, not up to 84 expanders, ~3× the bare slider); a
row's click lists its claim first and open; "show the first 10" takes the place of "show all". The claims of a full run are listed side by side, not in
nested parts (each fragment call deep-copies the stack of open containers: 94 claims in nine nested parts took
~1.5 s of script). A new filter starts short again. An opened claim's matrices, example and explanation are MathML
in math boxes (``ui.claims_view.render_claim``): not charted (no Plotly on this page), not KaTeX-typeset. A claim's
label keeps its title's ``$…$`` for KaTeX: an expander's label is Markdown, it cannot hold MathML.
"""

from __future__ import annotations

import streamlit as st

from cnn_core.claims import CLAIMS, TOPICS, VERDICTS, Check, claim_by_key
from ui.claims_view import (MAX_QUERY, TEXT_CHOICES, TextParam, catalogue_csv, catalogue_markdown, claim_title, clean_query,
                            filter_claims, render_claim, run_check, summary_rows, text_title, verdict_label,
                            VERDICT_ICONS)
from ui.components.choice_menu import choice_menu
from ui.components.claim_index import claim_index, index_html, opened
from ui.components.math_box import prose
from ui.i18n import current_language, t
from ui.latex import escape_markdown, markdown_with_math
from ui.page_kit import url_fragment
from ui.url_state import BoolParam, ChoiceParam, IntParam, init_from_url, sync_to_url

PAGE = "worked_examples"
PAGE_SIZE = 10          # claims listed before "show more"
SPECS = (
    ChoiceParam("text", "all", ("all",) + TEXT_CHOICES, label_key="worked_examples.filter_text"),
    ChoiceParam("verdict", "all", ("all",) + VERDICTS, label_key="worked_examples.filter_verdict"),
    ChoiceParam("topic", "all", ("all",) + TOPICS, label_key="worked_examples.filter_topic"),
    TextParam("q", "", MAX_QUERY, label_key="worked_examples.search"),
    TextParam("claim", "", 60),
    IntParam("n", PAGE_SIZE, PAGE_SIZE, len(CLAIMS), label_key="worked_examples.n_param"),
    BoolParam("index", False, label_key="worked_examples.index_param"),   # "show all": the rest as an index
)
N_KEY, INDEX_KEY = f"{PAGE}.n", f"{PAGE}.index"
INDEX_BOX = f"{PAGE}.claim_index"   # the index component's key (its clicks: ui.components.claim_index.opened)
CLAIM_KEY, LINKED_KEY, URL_SEEN = f"{PAGE}.claim", f"_{PAGE}.linked", f"_{PAGE}.url_claim"
LIST_PART = f"{PAGE}.list"   # the list's fragment key: a filter reruns this part only
CLAIM_MOVED = f"_{PAGE}.claim_moved"   # a claim was opened or closed since the link was last written


@st.cache_data(show_spinner=False, max_entries=128)
def _check(key: str) -> Check | None:
    """The claim's recompute (pure, cheap; cached so reruns and exports reuse it)."""
    return run_check(claim_by_key(key))


def _all_checks() -> dict[str, Check | None]:
    return {c.key: _check(c.key) for c in CLAIMS}


@st.cache_data(show_spinner=False, max_entries=4)
def _markdown(lang: str) -> str:
    return catalogue_markdown(lang, _all_checks())


@st.cache_data(show_spinner=False, max_entries=4)
def _csv(lang: str) -> str:
    return catalogue_csv(lang, _all_checks())


def _toggled(key: str) -> None:
    """An expander opened or closed: the last opened claim goes to the URL (written by the claim's own rerun)."""
    if st.session_state.get(f"{PAGE}.open.{key}"):
        st.session_state[CLAIM_KEY] = key
    elif st.session_state.get(CLAIM_KEY) == key:
        st.session_state[CLAIM_KEY] = ""
    st.session_state[CLAIM_MOVED] = True


def _refiltered() -> None:
    """A filter or the search changed: the list starts short again, and only the list reruns (the filters
    above it are not sent again: the browser shows their new value already)."""
    st.session_state[N_KEY] = PAGE_SIZE
    st.session_state[INDEX_KEY] = False
    st.rerun(LIST_PART)


def _show(count: int) -> None:
    """"Show more": list ``count`` claims (kept in the link as ``?n=``)."""
    st.session_state[N_KEY] = min(max(count, PAGE_SIZE), len(CLAIMS))
    st.session_state[INDEX_KEY] = False


def _show_all() -> None:
    """"Show all": the claims not listed yet follow as one index (``?index=1``; the claims listed stay as they are)."""
    st.session_state[INDEX_KEY] = True


def _open_from_index() -> None:
    """A row of the index was clicked: that claim is listed first and open (as a link to it would), in the link."""
    key = opened(INDEX_BOX)
    if key is None or claim_by_key(key) is None:   # a malformed message changes nothing
        return
    state = st.session_state
    state[CLAIM_KEY] = state[LINKED_KEY] = key
    state[f"{PAGE}.open.{key}"] = True
    st.rerun(LIST_PART)


def _fewer() -> None:
    """"Show the first ten": the list part reruns with ten claims (the claims after them are removed from the page)."""
    st.session_state[N_KEY] = PAGE_SIZE
    st.session_state[INDEX_KEY] = False
    st.rerun(LIST_PART)


lang = current_language()
st.title(t("worked_examples.title"))
st.markdown(t("worked_examples.intro"))
st.caption(t("worked_examples.legend"))

init_from_url(PAGE, SPECS)
# A link from another page (claim_note) within the same session: init_from_url reads the URL only on the
# page's first run, so a claim that differs from what this page last left in the URL is a new link.
url_claim = clean_query(st.query_params.get("claim", ""))
if URL_SEEN in st.session_state and url_claim and url_claim != st.session_state[URL_SEEN]:
    st.session_state[CLAIM_KEY] = st.session_state[LINKED_KEY] = url_claim
raw_claim = st.session_state.get(CLAIM_KEY, "")
if raw_claim and claim_by_key(raw_claim) is None:
    st.warning(t("worked_examples.bad_claim", raw=escape_markdown(raw_claim, 40)))
    st.session_state[CLAIM_KEY] = ""
    if st.session_state.get(LINKED_KEY) == raw_claim:
        st.session_state[LINKED_KEY] = ""
if LINKED_KEY not in st.session_state:          # the claim a shared link opened: listed first, expanded
    st.session_state[LINKED_KEY] = st.session_state.get(CLAIM_KEY, "")

st.subheader(t("worked_examples.summary_title"))
# six short rows: a plain table (drawn as HTML, all of it visible and printable), not the canvas data grid,
# which took ~250 ms of the browser's time to mount on every first view
st.table(summary_rows(lang), hide_index=True)
left, right = st.columns(2)
left.download_button(t("worked_examples.export_md"), data=lambda: _markdown(lang), file_name=f"claims-{lang}.md",
                     mime="text/markdown", on_click="ignore", icon=":material/download:", key=f"{PAGE}.export_md")
right.download_button(t("worked_examples.export_csv"), data=lambda: _csv(lang), file_name=f"claims-{lang}.csv",
                      mime="text/csv", on_click="ignore", icon=":material/download:", key=f"{PAGE}.export_csv")


@st.fragment   # one claim: opening or closing it reruns (and sends) this claim only, not the list
def _claim(key: str, expanded: bool) -> None:
    claim = claim_by_key(key)
    # the title's formulas are rendered ($…$ in our catalogue), the rest escaped
    label = markdown_with_math(claim_title(claim, lang), 200) + escape_markdown(
        f" — {text_title(claim.source, lang)}, {claim.where} · {verdict_label(claim.verdict, lang)}", 200)
    box = st.expander(label, expanded=expanded, key=f"{PAGE}.open.{key}", icon=VERDICT_ICONS[claim.verdict],
                      on_change=_toggled, args=(key,))
    if box.open:
        with box:
            render_claim(claim, _check(key), lang)
    # its own rerun writes ?claim= into the link; listed by a full run or the list's rerun, the list has written
    # the link already (94 claims each rewriting an unchanged link took ~10% of "show all"'s script)
    if st.session_state.pop(CLAIM_MOVED, False):
        sync_to_url(PAGE, SPECS)


def _claims(keys: tuple[str, ...], start: int, stop: int, linked: str) -> None:
    """Claims ``start`` … ``stop - 1`` of ``keys``, side by side in the caller's part (not nested: every fragment
    call deep-copies Streamlit's stack of open containers, which grows with each nesting level)."""
    for key in keys[start:stop]:
        _claim(key, key == linked)


@url_fragment(PAGE, SPECS)   # "show more": reruns this tail only, which adds the next claims
def _tail(keys: tuple[str, ...], end: int, linked: str) -> None:
    """What follows the first ``end`` claims listed: the "show more" / "show all" buttons, or, once clicked (``?n=``
    longer than ``end``), the claims it adds and a new tail below them with the buttons. A click reruns this part
    only, so it sends the claims it adds and the buttons, not the claims above it, however many are listed.

    "Show all" (``?index=1``) lists the rest as one index (``ui.components.claim_index``: one element, not up to 84
    expanders); a row opens its claim at the top of the list. Once every claim is listed the row of buttons says so
    and offers "show the first ten" in the place of "show all" (the list part reruns, back to ten claims): the two
    buttons keep their places, so the second one toggles."""
    listed = min(st.session_state.get(N_KEY, PAGE_SIZE), len(keys))
    if listed > end:
        _claims(keys, end, listed, linked)
        _tail(keys, listed, linked)
        return
    if end < len(keys) and not st.session_state.get(INDEX_KEY):
        more, every = st.columns(2)
        step = min(PAGE_SIZE, len(keys) - end)
        more.button(t("worked_examples.show_more", k=step), key=f"{PAGE}.more", on_click=_show, args=(end + step,),
                    icon=":material/expand_more:", width="stretch")
        every.button(t("worked_examples.show_all", n=len(keys)), key=f"{PAGE}.all", on_click=_show_all,
                     icon=":material/unfold_more:", width="stretch")
        return
    if end < len(keys):   # "show all": the rest as one index, above the row of buttons
        with st.container():
            st.caption(t("worked_examples.index_caption", n=len(keys) - end))
            claim_index(_index_markup(keys[end:], end + 1), INDEX_BOX, _open_from_index)
    more, every = st.columns(2)
    more.button(t("worked_examples.all_listed", n=len(keys)), key=f"{PAGE}.listed", disabled=True,
                icon=":material/check:", width="stretch")
    every.button(t("worked_examples.show_first", k=PAGE_SIZE), key=f"{PAGE}.fewer", on_click=_fewer,
                 icon=":material/unfold_less:", width="stretch")


def _index_markup(keys: tuple[str, ...], start: int) -> str:
    """The index of the claims ``keys`` (numbered from ``start``): verdict, title (its formulas as MathML), where."""
    rows = []
    for key in keys:
        claim = claim_by_key(key)
        title = prose(claim_title(claim, lang)).html().removeprefix('<p class="math-text">').removesuffix("</p>")
        rows.append((key, claim.verdict, verdict_label(claim.verdict, lang), title,
                     f"{text_title(claim.source, lang)}, {claim.where}"))
    return index_html(rows, start)


def _filters() -> None:
    """The three filters and the search (part of the page, not of the list: a change reruns the list only, which
    reads their values from the session). The filters are choice menus, the browser's own ``<select>``
    (``ui.components.choice_menu``, #14 round 12: a Streamlit select is ~140 React components that every pass of the
    page re-renders); the choice is kept under "worked_examples.text" / ".verdict" / ".topic" as the link reads it."""
    st.subheader(t("worked_examples.list_title"))
    c1, c2, c3 = st.columns(3)
    anything = [("all", t("worked_examples.any"))]
    choice_menu(t("worked_examples.filter_text"), anything + [(v, text_title(v, lang)) for v in TEXT_CHOICES],
                f"{PAGE}.text", where=c1, on_change=_refiltered)
    choice_menu(t("worked_examples.filter_verdict"), anything + [(v, verdict_label(v, lang)) for v in VERDICTS],
                f"{PAGE}.verdict", where=c2, on_change=_refiltered)
    choice_menu(t("worked_examples.filter_topic"), anything + [(v, t(f"worked_examples.topic_{v}")) for v in TOPICS],
                f"{PAGE}.topic", where=c3, on_change=_refiltered)
    st.text_input(t("worked_examples.search"), key=f"{PAGE}.q", max_chars=MAX_QUERY,
                  on_change=_refiltered, help=t("worked_examples.search_help"),
                  placeholder=t("worked_examples.search_placeholder"))


@st.fragment(key=LIST_PART)   # a filter's callback reruns this part alone (st.rerun(LIST_PART))
def _claim_list() -> None:
    """The claims passing the filters (read from the session: the filters are drawn above this part)."""
    state = st.session_state
    linked = state[LINKED_KEY]
    text, verdict, topic = (state.get(f"{PAGE}.{name}", "all") for name in ("text", "verdict", "topic"))
    query = state.get(f"{PAGE}.q", "")
    sync_to_url(PAGE, SPECS)        # the filters and ?n= into the link (a rerun of this part alone included)
    state.pop(CLAIM_MOVED, None)    # ... and the claim opened last
    state[URL_SEEN] = clean_query(st.query_params.get("claim", ""))

    shown = filter_claims(lang, text, verdict, topic, query)
    shown.sort(key=lambda c: c.key != linked)       # stable: the linked claim first, the rest in text order
    if not shown:
        st.info(t("worked_examples.no_match_query", query=escape_markdown(query, 60)) if query.strip()
                else t("worked_examples.no_match"))
    elif len(shown) > PAGE_SIZE:
        st.caption(t("worked_examples.n_listed", n=len(shown), total=len(CLAIMS), k=PAGE_SIZE))
    else:
        st.caption(t("worked_examples.n_shown", n=len(shown), total=len(CLAIMS)))
    keys = tuple(c.key for c in shown)
    listed = min(st.session_state.get(N_KEY, PAGE_SIZE), len(keys))   # ?n= (a link may list more than ten)
    _claims(keys, 0, listed, linked)
    if len(keys) > PAGE_SIZE:       # the buttons (or, every claim listed, "show the first ten")
        _tail(keys, listed, linked)


_filters()
_claim_list()
