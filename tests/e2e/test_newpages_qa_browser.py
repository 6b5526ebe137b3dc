"""Transposed, Check my work and Practice at non-default settings, with nonsense input, on a phone:
no traceback, clear messages, formulas never cut off; the worksheet's print view drawn offline."""

from __future__ import annotations

import pytest

from cnn_core import KINDS
from ui.exercise_view import worksheet_exercises, worksheet_html

from ui.i18n import translate

from .conftest import SCREENSHOTS, ScriptRuns, assert_no_exception, screenshot, wait_for_text

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


# --------------------------------------------------------------------------- the pages walked
DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}

# every .katex-display that is wider than its column and cannot be scrolled to its end
CLIPPED_FORMULAS = """() => {
  const out = [];
  for (const d of document.querySelectorAll('.katex-display')) {
    const col = d.closest('[data-testid="stColumn"]') || d.closest('[data-testid="stMarkdownContainer"]')
      || d.closest('[data-testid="stMain"]');
    const inner = d.querySelector('.katex') || d;
    const wide = inner.scrollWidth, room = col.getBoundingClientRect().width;
    if (wide <= room + 1 && d.getBoundingClientRect().width <= room + 1) { continue; }
    // wider than the column: fine only if some box between the formula and the column scrolls
    let scrolls = false;
    for (let e = d; e && e !== col.parentElement; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (['auto', 'scroll'].includes(s.overflowX) && e.clientWidth <= room + 1) { scrolls = true; break; }
    }
    if (!scrolls) { out.push([Math.round(wide), Math.round(room), inner.textContent.slice(0, 80)]); }
  }
  return out;
}"""

# controls that stick out of the screen on a phone (not reachable without a sideways scroll of the page)
OFFSCREEN_CONTROLS = """() => {
  const w = document.documentElement.clientWidth, out = [];
  for (const e of document.querySelectorAll(
      'textarea, button, input:not([type="range"]), [data-testid="stSlider"], [data-testid="stRadio"]')) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || e.closest('[data-testid="stSidebar"]')) { continue; }
    if (e.closest('[role="tablist"]')) { continue; }   // the tab strip scrolls sideways by design
    if (r.right > w + 1 || r.left < -1) { out.push([e.tagName, e.getAttribute('aria-label') || e.innerText || '',
                                                   Math.round(r.left), Math.round(r.right)]); }
  }
  return out;
}"""


# how far the glyphs of each .katex-display stick out above/below its box (Streamlit hides vertical overflow)
FORMULA_OVERHANG = """() => [...document.querySelectorAll('.katex-display')].map(d => {
    const box = d.getBoundingClientRect(); let top = 1e9, bottom = -1e9;
    // full-size glyphs only: a script-size glyph's line box (a prime, a subscript) is much taller than its ink
    for (const e of d.querySelectorAll('.mord:not(:has(*)), .mbin, .mrel, .mopen, .mclose, .mpunct')) {
        const r = e.getBoundingClientRect();
        if (r.height && !e.classList.contains('mtight')) { top = Math.min(top, r.top); bottom = Math.max(bottom, r.bottom); }
    }
    return [Math.round(Math.max(box.top - top, bottom - box.bottom)), d.textContent.slice(0, 40)]; })"""


def _context(browser, viewport):
    return browser.new_context(viewport=viewport, locale="en-US")


def _walker(browser, device: str):
    """A fresh context's page at the device's size, and the counter of its script runs: the walks wait for the runs
    their clicks start (ScriptRuns), never for fixed sleeps (the walks were the slowest tests of the suite)."""
    pg = _context(browser, DESKTOP if device == "desktop" else PHONE).new_page()
    return pg, ScriptRuns(pg)


def _layout_ok(pg, where: str) -> None:
    pg.evaluate("() => document.fonts.ready.then(() => true)")   # formulas are measured in their own fonts
    assert_no_exception(pg)
    assert pg.evaluate(CLIPPED_FORMULAS) == [], where
    assert pg.evaluate(OFFSCREEN_CONTROLS) == [], where
    # a glyph box may overhang by its side bearing (≤ 3 px); a \\frac on an aligned first line lost 4–6 px of ink
    assert [f for f in pg.evaluate(FORMULA_OVERHANG) if f[0] > 3] == [], where
    # the page itself never scrolls sideways (wide figures and formulas scroll in their own box)
    assert pg.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollWidth "
                       "<= document.documentElement.clientWidth + 1"), where


TRANSPOSED_QUERY = "filter=diff&mode=full&s=3&d=2&o=5&ms=3&ts=3&tp=2&top=2&td=2&ti=4&tj=2&k=5&dd=3"


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_transposed_at_other_settings(server_url, browser, lang, device):
    pg, runs = _walker(browser, device)
    runs.after(lambda: pg.goto(f"{server_url}/transposed?lang={lang}&{TRANSPOSED_QUERY}"))
    wait_for_text(pg, translate(lang, "transposed.length_title"))
    for name in ("signal", "matrix", "transposed", "dilation"):
        if name != "signal":   # sections are lazy: a tab's click reruns the page to draw it
            runs.after(lambda: pg.get_by_role("tab", name=translate(lang, f"transposed.tab_{name}")).click())
        _layout_ok(pg, f"{name} {lang} {device}")
        screenshot(pg, f"qa-transposed-{name}-{lang}-{device}")
    pg.context.close()


# one setup per kind at non-default settings (stride 2–3, padding, dilation, overlap, average pooling)
CHECK_SETUPS = {
    "output_size": dict(in_hw=(11, 9), kernel_hw=(3, 2), stride=3, padding=2, dilation=2),
    "same_padding": dict(in_hw=(7, 10), kernel_hw=(4, 3), stride=3, dilation=2),
    "conv_forward": dict(x=[[1, -2, 0, 3, 1], [2, 1, -1, 0, 2], [0, 3, 1, 1, -1], [1, 0, 2, -2, 1],
                            [3, 1, 0, 1, 2]], w=[[1, 0, -1], [2, 1, 0], [0, -1, 1]], b=0.5, stride=2, padding=1),
    "pool_forward": dict(x=[[1, 5, 2, 0, 3], [4, 2, 2, 7, 1], [0, 3, 6, 1, 2], [2, 8, 1, 4, 0], [5, 1, 3, 2, 6]],
                         kernel=3, stride=2, padding=1, mode="avg"),
    "pool_backward": dict(x=[[1, 5, 2, 0, 3], [4, 2, 2, 7, 1], [0, 3, 6, 1, 2], [2, 8, 1, 4, 0], [5, 1, 3, 2, 6]],
                          dy=[[1, -2], [3, 4]], kernel=3, stride=2, mode="max"),
    "conv_input_grad": dict(dy=[[1, -1], [2, 0.5]], w=[[1, 2, 0], [0, -1, 1], [2, 0, 1]], stride=3, padding=1,
                            x_shape=(5, 5)),
    "conv_weight_grad": dict(x=[[1, -2, 0, 3, 1], [2, 1, -1, 0, 2], [0, 3, 1, 1, -1], [1, 0, 2, -2, 1],
                                [3, 1, 0, 1, 2]], dy=[[1, 0, -1], [2, 1, 0], [0, 1, 1]],
                             w=[[1, 0, 0], [0, 1, 0], [0, 0, 1]], stride=2, padding=1),
    "transposed_output_size": dict(n=4, k=3, stride=3, padding=2, output_padding=2, dilation=2),
    "param_count": dict(filters=64, channels=32, kernel_hw=(5, 3)),
    "softmax_ce_grad": dict(z=[0.3, -1.2, 2.5, 0.1], y=[0, 0, 1, 0]),
}
NONSENSE = ("a, b", "nan", "1e309", "", "1, 2; 3", ";".join([",".join(["1"] * 13)] * 13))


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_check_my_work_every_kind(server_url, browser, lang, device):
    import numpy as np

    from cnn_core import exercise_from
    from ui.exercise_view import check_link
    from ui.matrix_input import format_matrix

    pg, runs = _walker(browser, device)
    check = translate(lang, "check_work.check")
    for kind, given in CHECK_SETUPS.items():
        runs.after(lambda: pg.goto(f"{server_url}{check_link(kind, **given)}&lang={lang}"))
        wait_for_text(pg, translate(lang, "check_work.title"))
        expected = np.array(exercise_from(kind, **given).answer)
        wrong = expected.copy()
        wrong.flat[-1] += 1
        runs.answer("check_work.answer", format_matrix(wrong), check)
        wait_for_text(pg, translate(lang, "exercises.verdict_wrong", wrong=1, total=expected.size)
                      if kind not in ("output_size", "same_padding", "transposed_output_size", "param_count")
                      or expected.size > 1 else translate(lang, "check_work.title"))
        _layout_ok(pg, f"{kind} {lang} {device}")
        screenshot(pg, f"qa-check-{kind}-{lang}-{device}")
    if device == "desktop":
        for i, text in enumerate(NONSENSE):
            runs.answer("check_work.answer", text, check)
            assert_no_exception(pg)
            assert pg.locator('[data-testid="stAlert"]').count() >= 1, text
            if i == 1:
                screenshot(pg, f"qa-check-nonsense-{lang}")
    pg.context.close()


TAMPERED = ("kind=nonsense", "kind=conv_forward&x=1,2;3", "kind=conv_forward&x=nan,1;1,1&stride=abc",
            "kind=conv_forward&x=1e309", "kind=pool_forward&kernel=99&mode=median", "kind=output_size&in_h=-4",
            "kind=conv_forward&" + "x=" + ";".join([",".join(["1"] * 20)] * 20))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_check_my_work_tampered_links(server_url, new_page, lang):
    pg, runs = new_page, ScriptRuns(new_page)
    for query in TAMPERED:
        runs.after(lambda: pg.goto(f"{server_url}/check_work?lang={lang}&{query}"))
        wait_for_text(pg, translate(lang, "check_work.title"))
        assert_no_exception(pg)
    screenshot(pg, f"qa-check-tampered-{lang}")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_practice_level_3_every_kind(server_url, browser, lang, device):
    from cnn_core import KINDS

    pg, runs = _walker(browser, device)
    for seed, kind in enumerate(KINDS, 11):
        runs.after(lambda: pg.goto(f"{server_url}/practice?lang={lang}&kind={kind}&level=3&seed={seed}"))
        wait_for_text(pg, translate(lang, "practice.title"))
        runs.answer("practice.answer", "1", translate(lang, "practice.check"))
        runs.after(lambda: pg.get_by_text(translate(lang, "practice.show_solution")).click())   # a toggle: a run
        wait_for_text(pg, translate(lang, "practice.solution"))
        _layout_ok(pg, f"{kind} {lang} {device}")
        screenshot(pg, f"qa-practice-{kind}-{lang}-{device}")
    pg.context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_practice_tampered_links_and_nonsense(server_url, new_page, lang):
    pg, runs = new_page, ScriptRuns(new_page)
    for query in ("kind=nope&level=9&seed=-3", "level=abc&seed=1e309", "seed=99999999999999", "kind=&level=&seed="):
        runs.after(lambda: pg.goto(f"{server_url}/practice?lang={lang}&{query}"))
        wait_for_text(pg, translate(lang, "practice.title"))
        assert_no_exception(pg)
        assert pg.locator('[data-testid="stAlert"]').count() >= 1, query
    screenshot(pg, f"qa-practice-tampered-{lang}")
    runs.after(lambda: pg.goto(f"{server_url}/practice?lang={lang}&kind=conv_forward&level=3&seed=4"))
    for text in NONSENSE:
        runs.answer("practice.answer", text, translate(lang, "practice.check"))
        assert_no_exception(pg)
        assert pg.locator('[data-testid="stAlert"]').count() >= 1, text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_named_mistake_formula_is_typeset(server_url, new_page, lang):
    """dW built from the output: the named mistake's right rule is drawn as a formula inside the message."""
    from cnn_core import exercise_from
    from cnn_core.exercises import mistake_variants
    from ui.exercise_view import check_link
    from ui.matrix_input import format_matrix

    given = CHECK_SETUPS["conv_weight_grad"]
    variant = mistake_variants(exercise_from("conv_weight_grad", **given))["output_instead_of_input"][0]
    pg, runs = new_page, ScriptRuns(new_page)
    runs.after(lambda: pg.goto(f"{server_url}{check_link('conv_weight_grad', **given)}&lang={lang}"))
    runs.answer("check_work.answer", format_matrix(variant), translate(lang, "check_work.check"))
    wait_for_text(pg, translate(lang, "exercises.mistake_output_instead_of_input"))
    alert = pg.locator('[data-testid="stAlert"]').filter(has_text=translate(lang, "exercises.mistake_output_instead_of_input"))
    assert alert.locator(".katex").count() == 1 and "Σ_" not in alert.inner_text()
    screenshot(pg, f"qa-check-mistake-formula-{lang}")
