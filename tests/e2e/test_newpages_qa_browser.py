"""Transposed, Check my work and Practice at non-default settings, with nonsense input, on a phone:
no traceback, clear messages, formulas never cut off; the worksheet's print view drawn offline."""

from __future__ import annotations

import pytest

from cnn_core import KINDS
from ui.exercise_view import worksheet_exercises, worksheet_html

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_worksheet_print_view_draws_mathml_offline(browser, lang):
    """The HTML print view, opened with the network cut: every formula is drawn by the browser itself."""
    exercises = worksheet_exercises("mixed", 3, 7, len(KINDS))
    context = browser.new_context(viewport={"width": 1000, "height": 1400}, offline=True)
    requests = []
    pg = context.new_page()
    pg.on("request", lambda r: requests.append(r.url))
    pg.set_content(worksheet_html(exercises, lang), wait_until="load")
    assert not [u for u in requests if not u.startswith(("data:", "about:"))]
    n = pg.locator("math").count()
    assert n > 20
    # MathML drawn natively: a fraction has its numerator above its denominator, matrices have rows
    boxes = pg.evaluate("""() => [...document.querySelectorAll('mfrac')].slice(0, 5).map(f => {
        const [a, b] = f.children; const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
        return ra.bottom <= rb.top + 1; })""")
    assert boxes and all(boxes)
    # the lines of a worked solution are rows, their "=" signs one under the other
    rows = pg.evaluate("""() => [...document.querySelectorAll('mtable[displaystyle]')].slice(0, 8).map(t =>
        [...t.querySelectorAll(':scope > mtr')].map(r => {
            const eq = r.children[1].querySelector(':scope > mo'); const b = eq.getBoundingClientRect();
            return [Math.round(b.left), Math.round(b.top)]; }))""")
    assert rows and all(len({x for x, _ in r}) == 1 and len({y for _, y in r}) == len(r) for r in rows), rows
    # no formula wider than the page's column without its scrolling box
    clipped = pg.evaluate("""() => [...document.querySelectorAll('.formula')].filter(d =>
        d.scrollWidth > d.clientWidth + 1 && getComputedStyle(d).overflowX !== 'auto').length""")
    assert clipped == 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SCREENSHOTS / f"worksheet-html-{lang}.png"), full_page=True)
    context.close()
