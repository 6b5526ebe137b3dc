"""The page runs as one fragment inside the frame (``ui/frame.py``, #14).

A control of the page reruns the page only: the server sends nothing for the sidebar and no navigation,
which is what makes the page answer faster. What a fragment run must set up again (the display digits,
Streamlit's once-per-run page flag) is checked by comparing the page after several moves with the same
link opened fresh.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import after_run, forward_msgs, wait_for_app, wait_for_text, watch_frames

pytestmark = pytest.mark.e2e

SIDEBAR = 1  # Streamlit's RootContainer.SIDEBAR: the first index of a delta's path




def _kinds(frames: list[bytes]) -> list[tuple[str, tuple[int, ...]]]:
    """(message type, delta path) of each frame."""
    return [(msg.WhichOneof("type"), tuple(msg.metadata.delta_path)) for msg in forward_msgs(frames)]


# every formula's source in the main area, in page order: KaTeX's TeX annotations and the numbers (<mn>) of the math
# boxes' MathML (ui/components/math_box.py, in components' shadow roots: training's FC formulas since #14 round 13)
FORMULAS_JS = """() => {
  const out = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll('annotation[encoding="application/x-tex"], .math-box mn, *')) {
      if (el.matches('annotation')) out.push(el.textContent);
      else if (el.matches('mn')) out.push(el.textContent);
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document.querySelector('[data-testid="stMain"]'));
  return out;
}"""


def _formulas(pg) -> list[str]:
    """The TeX source of every KaTeX formula and every number of the math boxes in the main area, in page order."""
    return pg.evaluate(FORMULAS_JS)


def _move(pg, arrow: str) -> None:
    thumb = pg.locator('[data-testid="stMain"] [data-testid="stSlider"] input[type="range"]').first
    thumb.focus()
    after_run(pg, lambda: thumb.press(arrow))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_control_reruns_the_page_only_and_keeps_the_display_digits(new_page, browser, server_url, lang):
    pg = new_page
    received = watch_frames(pg)
    # the fc section (open by the link) has KaTeX formulas; the forward tab's cell formulas are the cell stepper's MathML
    pg.goto(f"{server_url}/training?lang={lang}&digits=6&show_fwd_fc=1")
    wait_for_app(pg)
    assert any(kind == "navigation" for kind, _ in _kinds(received)), "the full first run sends the navigation"

    # three moves of the training page's first slider: a fragment rerun must work more than once (the page flag is cleared before each call)
    for arrow in ("ArrowRight", "ArrowRight", "ArrowLeft"):
        received.clear()
        _move(pg, arrow)
        kinds = _kinds(received)
        assert any(kind == "delta" and path[:1] == (0,) for kind, path in kinds), "the page was redrawn"
        assert not [path for kind, path in kinds if kind == "delta" and path[:1] == (SIDEBAR,)], \
            "a page control must not redraw the sidebar"
        assert "navigation" not in [kind for kind, _ in kinds]
        assert not pg.locator('[data-testid="stException"]').count()
    after_moves = _formulas(pg)

    # the same link opened fresh (a full run) shows the same formulas: digits and everything else kept
    fresh = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    try:
        fresh.goto(pg.url)
        wait_for_app(fresh)
        wait_for_text(fresh, pg.locator("h1").first.inner_text())
        # the h1 comes first; the fc section's formulas may still be on their way (a loaded machine)
        fresh.wait_for_function(f"(n) => ({FORMULAS_JS})().length >= n", arg=len(after_moves), timeout=20000)
        wait_for_app(fresh)
        assert _formulas(fresh) == after_moves
    finally:
        fresh.context.close()
    # 6 significant digits are really shown (a fragment run without the digits would show 3)
    assert any(len(digits.lstrip("0")) == 6 for formula in after_moves
               for digits in ("".join(m) for m in re.findall(r"(\d+)\.(\d+)", formula))), after_moves
