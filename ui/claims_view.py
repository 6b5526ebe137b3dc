"""Rendering the claims catalogue (``cnn_core.claims``): pure text helpers, then Streamlit renderers.

Pure (tested without Streamlit): :func:`text_title`, :func:`format_value`, :func:`comparison_text`,
:func:`summary_rows`, :func:`filter_claims`, :func:`catalogue_markdown`, :func:`catalogue_csv`,
:class:`TextParam`.

Streamlit: :func:`render_claim` (one claim, its matrices and formulas MathML in math boxes), :func:`claim_note` (a short note a topic
page shows about a claim, linking to the Worked examples page with ``?claim=<key>``).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import numpy as np

from cnn_core.claims import CLAIMS, SOURCES, TOPICS, VERDICTS, Check, Claim, claim_by_key, differing_cells
from ui.i18n import translate
from ui.latex import escape_markdown, fmt, latex_matrix

PAGE = "worked_examples"
PAGE_PATH = "app_pages/worked_examples.py"
VERDICT_COLORS = {"holds": "green", "wrong": "red", "typo": "orange", "incomplete": "violet"}
VERDICT_ICONS = {"holds": ":material/check_circle:", "wrong": ":material/cancel:", "typo": ":material/edit_note:",
                 "incomplete": ":material/rule:"}
DIFFER_COLOR = "#d62728"
#: Longest search text accepted (a link may carry anything; the rest is cut).
MAX_QUERY = 100


# --------------------------------------------------------------------------- pure helpers
#: Short names of the texts for links and filters (file numbers stay out of the interface).
TEXT_SLUGS: dict[str, str] = {"000": "cnn-notes", "001": "backprop-intuition", "002": "cs231n-conv",
                              "003": "hands-on-cnn", "004": "feedforward"}
_SLUG_TO_ID = {slug: tid for tid, slug in TEXT_SLUGS.items()}


def text_id(source: str) -> str:
    """'003_c7f5….txt', '003' or 'hands-on-cnn' -> '003' (the id of the locale keys ``text_003``)."""
    return _SLUG_TO_ID.get(source, source[:3])


TEXT_IDS: tuple[str, ...] = tuple(text_id(s) for s in SOURCES)
TEXT_CHOICES: tuple[str, ...] = tuple(TEXT_SLUGS[tid] for tid in TEXT_IDS)


def text_title(source_or_id: str, lang: str) -> str:
    """The text's short title (``words.text_<id>``, the one name every page uses), never its file number."""
    return translate(lang, f"words.text_{text_id(source_or_id)}")


def claim_title(claim: Claim, lang: str) -> str:
    return translate(lang, f"claims.{claim.key}_title")


def claim_explanation(claim: Claim, lang: str) -> str:
    return translate(lang, f"claims.{claim.key}")


def verdict_label(verdict: str, lang: str) -> str:
    return translate(lang, f"worked_examples.verdict_{verdict}")


def _num(v: Any) -> str:
    if isinstance(v, (bool, np.bool_)):
        return "✓" if v else "✗"
    return fmt(float(v))


def _as_2d(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    return a.reshape(1, -1) if a.ndim <= 1 else a.reshape(-1, a.shape[-1])


def format_value(v: Any) -> str:
    """A printed or computed value as compact text: ``2.5``, ``(3, 3)``, matrices one row per line."""
    if v is None:
        return "—"
    if isinstance(v, str):
        return v
    if isinstance(v, tuple):
        return "(" + ", ".join(format_value(x) for x in v) + ")"
    if isinstance(v, np.ndarray):
        if v.ndim <= 1:
            return "[" + ", ".join(_num(x) for x in np.ravel(v)) + "]"
        rows = [[_num(x) for x in row] for row in _as_2d(v)]
        width = max(len(s) for row in rows for s in row)
        return "\n".join("[ " + "  ".join(s.rjust(width) for s in row) + " ]" for row in rows)
    return _num(v)


def _labelled(label: str, body: str) -> list[str]:
    """'label: value', or the label on its own line above an indented matrix."""
    if "\n" in body:
        return [f"{label}:"] + ["  " + row for row in body.splitlines()]
    return [f"{label}: {body}"]


def _cells_text(cells: Sequence[tuple[int, int]]) -> str:
    shown = ", ".join(f"({r + 1}, {c + 1})" for r, c in cells[:12])
    return shown + (", …" if len(cells) > 12 else "")


def comparison_text(check: Check, lang: str) -> str:
    """Printed vs computed (vs corrected) as plain text, labels in ``lang``; for a code block."""
    parts = [(translate(lang, "worked_examples.printed"), check.printed, check.printed_expr),
             (translate(lang, "worked_examples.computed"), check.computed, check.computed_expr)]
    if check.corrected is not None:
        parts.append((translate(lang, "worked_examples.corrected"), check.corrected, ""))
    lines: list[str] = []
    for label, value, expr in parts:
        lines += _labelled(label, format_value(value))
        if expr:
            lines.append(f"  {expr}")
    cells = differing_cells(_maybe_2d(check.printed), _maybe_2d(check.computed), check.decimals)
    if cells:
        lines.append(translate(lang, "worked_examples.differs_at", cells=_cells_text(cells)))
    return "\n".join(lines)


def expressions_text(check: Check, lang: str) -> str:
    """Only the written-out sums (the values themselves are shown as typeset matrices or metrics)."""
    lines = []
    for name, expr in (("printed", check.printed_expr), ("computed", check.computed_expr)):
        if expr:
            lines.append(f"{translate(lang, f'worked_examples.{name}')}: {expr}")
    return "\n".join(lines)


def _maybe_2d(v: Any) -> Any:
    return _as_2d(v) if isinstance(v, np.ndarray) else v


def inputs_text(check: Check) -> str:
    """The example's inputs, one per line (matrices below their name)."""
    lines = []
    for name, value in check.inputs.items():
        body = format_value(value)
        if "\n" in body:
            lines.append(f"{name} =")
            lines.extend("  " + row for row in body.splitlines())
        else:
            lines.append(f"{name} = {body}")
    return "\n".join(lines)


def expressions_markdown(check: Check, lang: str) -> str:
    """:func:`expressions_text` for markdown: one line per sum, its label bold, the sum escaped."""
    lines = []
    for name, expr in (("printed", check.printed_expr), ("computed", check.computed_expr)):
        if expr:
            lines.append(f"**{escape_markdown(translate(lang, f'worked_examples.{name}'), 80)}:** "
                         f"{escape_markdown(expr, 2000)}")
    return "  \n".join(lines)


def inputs_line(check: Check):
    """The example's inputs as one line of a math box, side by side (a gap apart, wrapping like words): matrices
    as inline formulas (``δ = [⋯]``), the rest escaped text."""
    from ui.components.math_box import GAP, Line, Math

    parts: list = []
    for name, value in check.inputs.items():
        if parts:
            parts.append(GAP)
        if isinstance(value, np.ndarray) and value.dtype.kind in "biuf" and 0 < value.size:
            parts += [f"{name} = ", Math(latex_matrix(_as_2d(value)))]
        else:
            parts.append(f"{name} = {format_value(value)}")
    return Line(tuple(parts))


def summary_rows(lang: str, claims: Iterable[Claim] = CLAIMS) -> list[dict[str, Any]]:
    """Per text and overall: claims checked and how many hold / are wrong / typos / incomplete."""
    claims = tuple(claims)
    col_text = translate(lang, "worked_examples.col_text")
    col_checked = translate(lang, "worked_examples.col_checked")

    def row(name: str, group: Sequence[Claim]) -> dict[str, Any]:
        out: dict[str, Any] = {col_text: name, col_checked: len(group)}
        for verdict in VERDICTS:
            out[verdict_label(verdict, lang)] = sum(1 for c in group if c.verdict == verdict)
        return out

    rows = [row(text_title(tid, lang), [c for c in claims if text_id(c.source) == tid]) for tid in TEXT_IDS]
    rows.append(row(translate(lang, "worked_examples.all_texts"), claims))
    return rows


def clean_query(raw: Any) -> str:
    """Search text made harmless: control characters dropped, cut to :data:`MAX_QUERY`."""
    text = str(raw or "")[: MAX_QUERY * 4]
    kept = "".join(" " if ch in "\n\r\t" else ch for ch in text
                   if ch in "\n\r\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    return kept.strip()[:MAX_QUERY]


def _haystack(claim: Claim, lang: str) -> str:
    return " ".join((claim.key, claim.where, claim.quote, claim_title(claim, lang), claim_explanation(claim, lang),
                     text_title(claim.source, lang), verdict_label(claim.verdict, lang),
                     translate(lang, f"worked_examples.topic_{claim.topic}"))).casefold()


def filter_claims(lang: str, text: str = "all", verdict: str = "all", topic: str = "all", query: str = "",
                  claims: Iterable[Claim] = CLAIMS) -> list[Claim]:
    """The claims passing the filters; ``query`` is matched as plain words (all must occur), never evaluated."""
    words = clean_query(query).casefold().split()
    out = []
    for c in claims:
        if text != "all" and text_id(c.source) != text_id(text):
            continue
        if verdict != "all" and c.verdict != verdict:
            continue
        if topic != "all" and c.topic != topic:
            continue
        if words:
            hay = _haystack(c, lang)
            if not all(w in hay for w in words):
                continue
        out.append(c)
    return out


def run_check(claim: Claim) -> Check | None:
    """The claim's recompute, or None for a claim about how a listing is written."""
    return claim.recompute() if claim.recompute is not None else None


EXPORT_FIELDS = ("key", "text", "where", "title", "quote", "kind", "verdict", "topic", "printed", "computed",
                 "corrected", "explanation")


def export_records(lang: str, checks: dict[str, Check | None] | None = None) -> list[dict[str, str]]:
    """One dict per claim with every field as text in ``lang`` (for Markdown and CSV)."""
    records = []
    for c in CLAIMS:
        check = checks.get(c.key) if checks is not None else run_check(c)
        records.append({
            "key": c.key, "text": text_title(c.source, lang), "where": c.where, "title": claim_title(c, lang),
            "quote": c.quote, "kind": translate(lang, f"worked_examples.kind_{c.kind}"),
            "verdict": verdict_label(c.verdict, lang), "topic": translate(lang, f"worked_examples.topic_{c.topic}"),
            "printed": format_value(check.printed) if check else "",
            "computed": format_value(check.computed) if check else "",
            "corrected": format_value(check.corrected) if check and check.corrected is not None else "",
            "explanation": claim_explanation(c, lang),
        })
    return records


def catalogue_csv(lang: str, checks: dict[str, Check | None] | None = None) -> str:
    """The whole catalogue as CSV, header in ``lang``; matrices keep their line breaks inside quotes."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([translate(lang, f"worked_examples.field_{f}") for f in EXPORT_FIELDS])
    for rec in export_records(lang, checks):
        writer.writerow([rec[f] for f in EXPORT_FIELDS])
    return buf.getvalue()


def catalogue_markdown(lang: str, checks: dict[str, Check | None] | None = None) -> str:
    """The whole catalogue as a Markdown document in ``lang``, grouped by text."""
    f = lambda name: translate(lang, f"worked_examples.field_{name}")  # noqa: E731
    out = [f"# {translate(lang, 'worked_examples.export_heading')}", ""]
    records = export_records(lang, checks)
    for tid in TEXT_IDS:
        out += [f"## {text_title(tid, lang)}", ""]
        for c, rec in zip(CLAIMS, records):
            if text_id(c.source) != tid:
                continue
            out += [f"### {rec['title']} — {rec['verdict']}", "",
                    f"*{rec['where']}* · {rec['kind']} · {rec['topic']}", "",
                    f"> {rec['quote']}", ""]
            if rec["printed"] or rec["computed"]:
                out.append("```")
                for name in ("printed", "computed", "corrected"):
                    if rec[name]:
                        out += _labelled(f(name), rec[name])
                out += ["```", ""]
            out += [rec["explanation"], ""]
    return "\n".join(out)


@dataclass(frozen=True)
class TextParam:
    """Free text in the URL (a search box, a claim key): never evaluated, cleaned and cut.

    Same protocol as the specs of :mod:`ui.url_state` (``parse``, ``encode``, ``to_state``, ...).
    """

    name: str
    default: str = ""
    max_len: int = MAX_QUERY
    label_key: str | None = None

    def parse(self, raw: str) -> tuple[str, None]:
        return clean_query(raw)[: self.max_len], None

    def encode(self, value: str) -> str:
        return str(value)

    def to_state(self, value: str) -> str:
        return str(value)

    def from_state(self, state: Any) -> str | None:
        return clean_query(state)[: self.max_len] if isinstance(state, str) else None

    def show(self, value: str) -> str:
        return str(value)


# --------------------------------------------------------------------------- Streamlit renderers
def verdict_badge(verdict: str, lang: str) -> None:
    import streamlit as st

    st.badge(verdict_label(verdict, lang), icon=VERDICT_ICONS[verdict], color=VERDICT_COLORS[verdict])


def matrix_panels(check: Check, lang: str) -> list[tuple[str, str]]:
    """(title, LaTeX) per panel: printed, computed (and corrected), each a matrix.

    The cells where the text's matrix and the core's disagree are boxed and red in both
    (``\\textcolor{#d62728}{\\boxed{…}}``: MathML ``menclose`` in a red ``mstyle``). Drawn as MathML in the claim's
    math box, not charted: a Plotly chart costs ~80 ms per panel to draw, KaTeX ~20 ms a matrix on every rerun.
    """
    panels = [("printed", check.printed), ("computed", check.computed)]
    if isinstance(check.corrected, np.ndarray):
        panels.append(("corrected", check.corrected))
    cells = differing_cells(_as_2d(check.printed), _as_2d(check.computed), check.decimals)
    out = []
    for name, value in panels:
        marked = cells if name in ("printed", "computed") else []
        # the colour wraps the boxed number only (a bare \color would run on to the cell's end)
        tex = latex_matrix(_as_2d(value), highlight=marked).replace("\\boxed{", f"\\textcolor{{{DIFFER_COLOR}}}{{\\boxed{{")
        out.append((translate(lang, f"worked_examples.{name}"), _close_boxes(tex)))
    return out


def _close_boxes(tex: str) -> str:
    """Close the ``\\textcolor{…}{`` opened before each ``\\boxed{…}`` right after that box's group."""
    out, i, mark = [], 0, "\\boxed{"
    while True:
        j = tex.find(mark, i)
        if j < 0:
            return "".join(out) + tex[i:]
        depth, k = 0, j + len(mark) - 1
        while True:
            depth += {"{": 1, "}": -1}.get(tex[k], 0)
            if depth == 0:
                break
            k += 1
        out.append(tex[i:k + 1] + "}")
        i = k + 1


def _matrices(check: Check, lang: str, key: str) -> None:
    import streamlit as st

    from ui.components.math_box import Panels, math_box

    math_box([Panels(tuple(matrix_panels(check, lang)))], key)
    p2, c2 = _as_2d(check.printed), _as_2d(check.computed)
    cells = differing_cells(p2, c2, check.decimals)
    if cells:
        st.caption(translate(lang, "worked_examples.differs_at", cells=_cells_text(cells)))
    elif p2.shape != c2.shape:
        st.caption(translate(lang, "worked_examples.shapes_differ", a=f"{p2.shape[0]}×{p2.shape[1]}",
                             b=f"{c2.shape[0]}×{c2.shape[1]}"))


def _metrics(check: Check, lang: str) -> None:
    import streamlit as st

    panels = [("printed", check.printed), ("computed", check.computed)]
    if check.corrected is not None:
        panels.append(("corrected", check.corrected))
    for col, (name, value) in zip(st.columns(len(panels)), panels):
        col.metric(translate(lang, f"worked_examples.{name}"), format_value(value))


def page_link_for(claim: Claim, lang: str) -> None:
    """A link to the page that explains the claim, with the claim's setup in the query string."""
    import streamlit as st

    from ui.frame import page_entry

    name = translate(lang, f"nav.{claim.page}")
    entry = page_entry(claim.page)
    if entry is None:
        st.caption(translate(lang, "worked_examples.page_missing", page=name))
        return
    params = {k: str(v) for k, v in claim.params.items()}
    params["lang"] = lang
    st.page_link(entry.path, label=translate(lang, "worked_examples.open_on", page=name), icon=entry.icon,
                 query_params=params)


def render_claim(claim: Claim, check: Check | None, lang: str) -> None:
    """One claim: badge, quote, printed vs computed (matrices or metrics), the example, explanation, link.

    No chart, no code block and no KaTeX: the matrices, the example's inputs and the explanation's formulas are
    MathML in two math boxes (``worked_examples.<claim>.values_math`` / ``.text_math``), drawn by the browser.
    """
    import streamlit as st

    from ui.components.math_box import math_box, prose

    verdict_badge(claim.verdict, lang)
    st.markdown(f"**{escape_markdown(text_title(claim.source, lang), 200)}** · {escape_markdown(claim.where, 200)} · "
                f"{translate(lang, f'worked_examples.kind_{claim.kind}')}")
    st.markdown(f"{translate(lang, 'worked_examples.quote_label')} {escape_markdown(claim.quote, 400)}")
    text = [prose(claim_explanation(claim, lang))]
    if check is None:
        st.caption(translate(lang, "worked_examples.no_recompute"))
    else:
        if isinstance(check.printed, np.ndarray) and isinstance(check.computed, np.ndarray):
            _matrices(check, lang, f"{PAGE}.{claim.key}.values_math")
        else:
            _metrics(check, lang)
        exprs = expressions_markdown(check, lang)
        if exprs:
            st.markdown(exprs)
        if check.inputs:
            st.caption(translate(lang, "worked_examples.example_label"))
            text.insert(0, inputs_line(check))
    math_box(text, f"{PAGE}.{claim.key}.text_math")
    page_link_for(claim, lang)


def note_key(key: str, where: str = "") -> str:
    """The element key of the math box of a topic page's note about claim ``key`` (its title and explanation):
    ``claims.note.<key>_math``, or ``claims.note.<where>.<key>_math`` for a second place on the page. Every form
    ends with ``.<key>_math``, which is how tests find a note wherever it is."""
    return f"claims.note.{where + '.' if where else ''}{key}_math"


def claim_note(key: str, lang: str | None = None, *, where: str = "") -> None:
    """For a topic page: the catalogue's verdict and correction for ``key``, with a link to the claim.

    A page that can show the same note twice in one run (in two of its tabs) names the second place with
    ``where`` ("table", "backward"): it becomes part of the note's element key (:func:`note_key`).
    Unknown keys show nothing (a note must never break the page that shows it).
    """
    import streamlit as st
    from streamlit.errors import StreamlitAPIException

    from ui.i18n import current_language

    claim = claim_by_key(key)
    if claim is None:
        return
    lang = lang or current_language()
    from ui.components.math_box import Line, Strong, math_box, prose

    with st.container(border=True):
        verdict_badge(claim.verdict, lang)
        # the title and the explanation in one math box: their $…$ as MathML, not KaTeX typeset on every rerun
        # (round 9: conv_single's first view had three such notes)
        heading = Line((Strong(text_title(claim.source, lang)), f", {claim.where}: ",
                        *prose(claim_title(claim, lang)).parts))
        items = [heading, prose(claim_explanation(claim, lang))]
        math_box(items, note_key(claim.key, where))
        label = translate(lang, "worked_examples.note_link")
        try:
            st.page_link(PAGE_PATH, label=label, icon=":material/fact_check:",
                         query_params={"claim": claim.key, "lang": lang})
        except StreamlitAPIException:     # outside the app's navigation (a bare script): a plain link
            st.markdown(f"[{escape_markdown(label, 200)}](/{PAGE}?claim={claim.key}&lang={lang})")


__all__ = ["TEXT_CHOICES", "TEXT_IDS", "TextParam", "catalogue_csv", "catalogue_markdown", "claim_note", "comparison_text",
           "expressions_markdown", "filter_claims", "format_value", "inputs_line", "matrix_panels", "note_key", "render_claim",
           "run_check", "summary_rows", "text_title", "verdict_label", "TOPICS"]
