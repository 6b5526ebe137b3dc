"""What #12 left outside the cell stepper, in a real browser: the claims catalogue's formulas rendered by
KaTeX, and long sums that wrap on a phone instead of scrolling (chart text in presentation mode:
tests/e2e/test_presentation_browser.py)."""

from __future__ import annotations

import time

import pytest

from cnn_core.claims import CLAIMS
from ui.i18n import translate

from .conftest import assert_no_exception, opened, screenshot, wait_for_frame_css
from .test_pages_in_browser import page_url

pytestmark = pytest.mark.e2e

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_claim_formulas_are_typeset(browser, server_url, lang):
    """The catalogue's titles (e.g. "∂E/∂w = Σ δᵢⱼ o_{i+m', j+n'}") are typeset: by KaTeX in the Worked examples
    list's labels (a label cannot hold MathML), as MathML in a topic page's note; no raw "_{" is left and KaTeX
    reports no error."""
    # every claim listed (the list shows ten until "show more"; n=94 as a link to the full list keeps it)
    with opened(browser, page_url(server_url, "worked_examples", lang, f"&n={len(CLAIMS)}"),
                {"width": 1400, "height": 900}) as pg:
        assert_no_exception(pg)
        summaries = pg.locator('[data-testid="stMain"] [data-testid="stExpander"] summary')
        summaries.first.wait_for()
        # KaTeX typesets the labels a moment after the expanders arrive: wait for the 20th before counting
        typeset = pg.locator('[data-testid="stMain"] [data-testid="stExpander"] summary .katex')
        typeset.nth(19).wait_for(timeout=20000)
        assert typeset.count() >= 20
        text = pg.locator('[data-testid="stMain"]').inner_text()
        assert "_{" not in text and "^[" not in text
        assert pg.locator(".katex-error").count() == 0
        screenshot(pg, f"claims-math-{lang}")
    # a topic page's note: the 1-D convolution's text example with the sigmoid's note (dense, MSE)
    with opened(browser, page_url(server_url, "dense", lang, "&loss=mse&act=sigmoid&tab=seeds"),
                {"width": 1400, "height": 900}) as pg:
        assert_no_exception(pg)
        pg.get_by_text(translate(lang, "worked_examples.note_link")).first.wait_for()
        # the notes' formulas are MathML in each note's math box (round 9), not KaTeX, and not raw "_{"
        note = pg.locator(".st-key-claims-note-s000_mse_grad_math")
        note.locator("math").first.wait_for()
        assert note.locator(".math-inline math").count() >= 1
        assert pg.locator('[data-testid="stMain"] .katex').count() == 0
        assert "_{" not in pg.locator('[data-testid="stMain"]').inner_text() + note.locator(".math-box").inner_text()


# --------------------------------------------------------------------------- long sums on a phone (#12 item 16)
# Every display formula on screen that is wider than its box (it scrolls): [scroll width, box width, LaTeX].
SCROLLING_FORMULAS = """() => [...document.querySelectorAll('[data-testid="stMain"] .katex-display')]
  .filter((e) => e.getBoundingClientRect().width > 0 && e.scrollWidth > e.clientWidth + 2)
  .map((e) => [e.scrollWidth, e.clientWidth, (e.querySelector('annotation') || e).textContent])"""
# The same for the math boxes' lines (MathML drawn by the browser, ui.components.math_box: dense, transposed; #14).
SCROLLING_MATH_LINES = """(lines) => lines
  .filter((e) => e.getBoundingClientRect().width > 0 && e.scrollWidth > e.clientWidth + 2)
  .map((e) => [e.scrollWidth, e.clientWidth, e.dataset.latex])"""

K5 = ";".join(",".join(str((r + 2 * c) % 3 - 1) for c in range(5)) for r in range(5))
X6 = ";".join(",".join(str((3 * r + 5 * c) % 7 - 2) for c in range(6)) for r in range(6))
DENSE = ("&zprev=0.5,-1,2,0.25,1.5&W=0.2,-0.4,0.1,0.3,-0.2;0.5,0.1,-0.3,0.2,0.4;-0.1,0.3,0.2,-0.5,0.1;"
         "0.3,0.2,0.4,0.1,-0.3&b=0.1,-0.2,0.05,0&y=0,0,1,0&act=sigmoid")
# Non-default settings (stride 2, padding 2, 5×5 kernels, 3 channels, longer vectors) where a sum used to scroll.
PHONE_CASES = {
    "padding": "&h=7&w=6&k=5&s=2&p=2&step=output",
    "conv_multi": "&stride=2&padding=2" + "".join(f"&w{f}{c}={K5}" for f in (1, 2) for c in (1, 2, 3)),
    "transposed": "&tab=transposed&ts=2&tp=1",
    "transposed-dilation": "&tab=dilation&k=5&dd=2",
    "conv_backward": f"&stride=2&padding=2&x={X6}&w=1,0,-1;2,1,0;0,-1,1&tab=dw",
    "conv_backward-multi": "&example=multi&tab=dw",
    "dense": DENSE + "&loss=mse&tab=forward",
    "dense-ce": DENSE + "&loss=cross_entropy&tab=forward",
    "autodiff": "&x=-2.5&w=1.7&b=0.3&tab=chain",
    "training": "&seed=3&steps=20&lr=0.5&view=forward&show_fwd_fc=1",   # the fc section: the KaTeX sums
    "training-backward": "&seed=3&steps=20&lr=0.5&view=backward",
}


def scrolling_once_settled(pg, timeout: float = 5.0) -> list:
    """The formulas and math lines (not matrices) that scroll, polled until none does or ``timeout`` s pass: one
    measured while its box is still being laid out (a late component or style) can look too wide for a moment."""
    deadline = time.monotonic() + timeout
    while True:
        found = [f for f in pg.evaluate(SCROLLING_FORMULAS) + pg.locator(".math-box .math-line").evaluate_all(
            SCROLLING_MATH_LINES) if "matrix" not in f[2]]
        if not found or time.monotonic() > deadline:
            return found
        pg.wait_for_timeout(200)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("case", sorted(PHONE_CASES))
def test_long_sums_wrap_on_a_phone(browser, server_url, case, lang):
    """390×844 at non-default settings: a sum wider than the column is broken into aligned lines; only a
    matrix may scroll inside its own box."""
    page = case.split("-")[0]
    with opened(browser, page_url(server_url, page, lang, PHONE_CASES[case]), {"width": 390, "height": 844},
                device_scale_factor=2, is_mobile=True, has_touch=True) as pg:
        assert_no_exception(pg)
        wait_for_frame_css(pg)   # the frame's stylesheet can arrive a moment after the first elements
        pg.evaluate("() => document.fonts.ready.then(() => true)")
        pg.locator('[data-testid="stMain"] .katex-display, [data-testid="stMain"] .math-box .math-line').first.wait_for()
        found = scrolling_once_settled(pg)
        assert not found, found
        screenshot(pg, f"phone-sums-{case}-{lang}")
