"""A row of named numbers (a small label above a large value, as ``st.metric`` draws one) as one HTML element.

Why not ``st.metric`` in columns (#14 round 13): autodiff's four results (f, ∂f/∂x, ∂f/∂w, ∂f/∂b) were four columns
of a metric each, ~216 React components that every pass of the page re-renders on every control's action (a metric
~42, its column ~9), a sixth of the page. Here the row is one ``st.html`` element (~16), parsed once by the browser.
Labels and values are text, never Markdown or HTML: everything is escaped.

Inline styles only (the sanitiser of ``st.html`` may drop a ``<style>`` block), sizes in rem (presentation mode
draws the row larger) and no colour of its own (the theme's text colour: it reads on the light and the dark theme).
The items wrap on a narrow screen (a phone shows two a line). A ``<dl>``: a screen reader reads each label with its
value.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

ROW = "display:flex;flex-wrap:wrap;gap:0.5rem 1rem;margin:0 0 1rem 0;padding:0"
ITEM = "flex:1 1 7rem;min-width:6rem"
LABEL = "font-size:0.875rem;margin:0;opacity:0.8"
VALUE = "font-size:2.25rem;line-height:1.3;margin:0;font-variant-numeric:tabular-nums;white-space:nowrap"


def metric_row_html(items: Sequence[tuple[str, str]]) -> str:
    """``items``: (label, value) pairs, both already formatted texts, in order. One ``<dl class="mr-row">`` whose
    items are ``<div class="mr-item"><dt class="mr-label">label</dt><dd class="mr-value">value</dd></div>``."""
    out = [f'<dl class="mr-row" style="{ROW}">']
    for label, value in items:
        out.append(f'<div class="mr-item" style="{ITEM}"><dt class="mr-label" style="{LABEL}">'
                   f'{html.escape(str(label))}</dt><dd class="mr-value" style="{VALUE}">'
                   f'{html.escape(str(value))}</dd></div>')
    out.append("</dl>")
    return "".join(out)
