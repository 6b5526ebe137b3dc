"""The worked examples' "show all": every claim not listed yet, as one compact index in one element (#14 round 10).

Why one component and not more expanders: "show all" added up to 84 expanders (a label parsed as Markdown, some with
KaTeX, an icon each), ~200–300 ms of the browser's time, over twice the bare slider. Here the browser parses one
string of trusted markup natively (``innerHTML``) in the component's element, and only when it changed; a row is a
button: a click sends the claim's key back to Python (a trigger value, ``open``), whose callback lists that claim
first and open. No iframe, nothing from a CDN.

The markup must be trusted: :func:`index_html` builds it from the catalogue's own texts (every text escaped, a title's
``$…$`` as inline MathML through ``ui.components.math_box.prose``).
"""

from __future__ import annotations

import html
from typing import Callable, Sequence

from ui.components.markup_box import KEPT_BOX_JS, sent

NAME = "cnn_studio_claim_index"
CSS = """
.claim-index ol { margin: 0.25rem 0 0.75rem 0; padding-left: 2.6rem; }
.claim-index li { margin: 0; padding: 0; }
.claim-index button { all: unset; box-sizing: border-box; display: block; width: 100%; cursor: pointer;
  padding: 0.3rem 0.5rem; border-radius: 0.4rem; line-height: 1.5; }
.claim-index button:hover, .claim-index button:focus-visible { background: rgba(128, 128, 128, 0.14); }
.claim-index button:focus-visible { outline: 2px solid rgba(255, 75, 75, 0.8); }
.claim-index .ci-verdict { display: inline-block; min-width: 5.5em; font-size: 0.8em; font-weight: 600;
  padding: 0 0.4em; margin-right: 0.5em; border-radius: 0.3rem; text-align: center; }
.claim-index .ci-holds { color: #177233; background: rgba(33, 195, 84, 0.14); }
.claim-index .ci-wrong { color: #bd1b1b; background: rgba(255, 43, 43, 0.12); }
.claim-index .ci-typo { color: #a35a00; background: rgba(255, 164, 33, 0.16); }
.claim-index .ci-incomplete { color: #6d3fc0; background: rgba(128, 61, 245, 0.12); }
.claim-index .ci-where { opacity: 0.7; font-size: 0.9em; }
.claim-index math { font-family: "Latin Modern Math", "STIX Two Math", "Cambria Math", "DejaVu Math TeX Gyre", math;
  font-size: 1.05em; }
.claim-index code { font-size: 0.85em; padding: 0.1em 0.25em; border-radius: 0.25rem;
  background: rgba(128, 128, 128, 0.12); }
"""
# A row's click sends its claim's key; the page is scrolled to the list's first claim, where the claim will open.
JS = KEPT_BOX_JS + """export default function (component) {
  const { parentElement, data, setTriggerValue } = component;
  parentElement.__claimIndexSend = setTriggerValue;
  const markup = typeof data === "string" ? data : "";
  if (parentElement.__claimIndex === markup) return undefined;
  parentElement.__claimIndex = markup;
  const box = keptBox(parentElement, "claim-index", (box) => box.addEventListener("click", (event) => {
    const row = event.target.closest("button[data-claim]");
    if (!row || !box.contains(row)) return;
    const first = document.querySelector('[data-testid="stMain"] [data-testid="stExpander"]');
    if (first) first.scrollIntoView({ block: "start" });
    parentElement.__claimIndexSend("open", row.dataset.claim);
  }));
  box.innerHTML = markup;
  return undefined;
}
"""
_component = None


def index_html(rows: Sequence[tuple[str, str, str, str, str]], start: int) -> str:
    """The index's markup: ``rows`` of (claim key, verdict, verdict label, title markup, where) numbered from
    ``start``. The title markup must be trusted (``math_box.prose(...).html()``); everything else is escaped here."""
    items = "".join(
        f'<li><button type="button" data-claim="{html.escape(key)}">'
        f'<span class="ci-verdict ci-{html.escape(verdict)}">{html.escape(label)}</span>'
        f'{title} <span class="ci-where">— {html.escape(where)}</span></button></li>'
        for key, verdict, label, title, where in rows)
    return f'<ol start="{int(start)}">{items}</ol>'


def claim_index(markup: str, key: str, on_open: Callable[[], None]) -> None:
    """Mount the index (``markup`` from :func:`index_html`) under ``key``; ``on_open()`` runs (a callback, before
    the rerun) when a row was clicked: :func:`opened` reads which."""
    global _component
    import streamlit as st

    if _component is None:
        _component = st.components.v2.component(NAME, css=CSS, js=JS)
    _component(data=markup, key=key, on_open_change=on_open)


def opened(key: str) -> str | None:
    """The claim key the index ``key`` sent with its last click (None when nothing, or not a string, was sent)."""
    import streamlit as st

    value = sent(st.session_state, key, "open")
    return value if isinstance(value, str) else None
