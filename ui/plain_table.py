"""A table of short texts as plain HTML (``st.html``), for tables a student only reads.

``st.table`` renders every cell through Streamlit's Markdown renderer (a Markdown parse and a React subtree per
cell): the autodiff page's forward- and reverse-mode tables (six columns, ten rows) cost the browser more than
the rest of a tab switch (#14). Here the whole table is one HTML string, parsed once by the browser. The cells
are text, never Markdown or HTML: everything is escaped.

Inline styles only (the sanitiser of ``st.html`` may drop a ``<style>`` block); colours are translucent greys, so
the table reads on the light and the dark theme. On a narrow screen the table scrolls sideways in its box.
"""

from __future__ import annotations

import html
from typing import Mapping, Sequence

BOX = "overflow-x:auto;margin:0 0 0.5rem 0"
TABLE = "border-collapse:collapse;width:100%;font-size:0.875rem;font-variant-numeric:tabular-nums"
HEAD = ("text-align:left;font-weight:600;padding:0.45rem 0.6rem;border-bottom:1px solid rgba(128,128,128,0.45);"
        "white-space:nowrap;opacity:0.85")
CELL = "text-align:left;padding:0.4rem 0.6rem;border-bottom:1px solid rgba(128,128,128,0.2);vertical-align:top"
# the optional title above the table (bold, as ``st.markdown("**…**")`` writes it) and note below it (a caption's size)
TITLE = "font-weight:600;margin:0 0 0.5rem 0"
NOTE = "font-size:0.875rem;opacity:0.7;margin:0.25rem 0 0 0"


def table_html(columns: Mapping[str, Sequence[str]], *, label: str | None = None, title: str | None = None,
               note: str | None = None) -> str:
    """``columns``: header -> the column's cells (texts, all columns the same length), in order.

    ``label`` (optional) names the table for a screen reader (``aria-label``). ``title`` and ``note`` (optional, plain
    text): a bold line above the table (``<p class="pt-title">``) and a caption-sized one below it (``<p
    class="pt-note">``), in the same element: a page's title, table and caption as one element, not three (#14 round 13:
    a Markdown element is ~23 React components that every pass of the page re-renders).
    """
    heads = list(columns)
    lengths = {len(columns[h]) for h in heads}
    if len(lengths) > 1:
        raise ValueError(f"columns of different lengths: {sorted(lengths)}")
    n = lengths.pop() if lengths else 0
    aria = f' aria-label="{html.escape(label, quote=True)}"' if label else ""
    out = [f'<p class="pt-title" style="{TITLE}">{html.escape(title)}</p>'] if title else []
    out.append(f'<div class="pt-box" style="{BOX}"><table class="pt-table" style="{TABLE}"{aria}><thead><tr>')
    out += [f'<th scope="col" style="{HEAD}">{html.escape(str(h))}</th>' for h in heads]
    out.append("</tr></thead><tbody>")
    for i in range(n):
        out.append("<tr>" + "".join(f'<td style="{CELL}">{html.escape(str(columns[h][i]))}</td>' for h in heads)
                   + "</tr>")
    out.append("</tbody></table></div>")
    if note:
        out.append(f'<p class="pt-note" style="{NOTE}">{html.escape(note)}</p>')
    return "".join(out)
