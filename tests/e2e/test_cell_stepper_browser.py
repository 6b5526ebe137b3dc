"""The cell stepper in Chromium (#12, #14): the picked cell is in the link (click and arrow keys, no
frame sent), a copied link opens on that cell, a smaller output keeps it inside with a message, long
numbers fit their cells at 6 digits, wide grids scroll inside the stepper on a phone, and max pooling
styles each window's winner apart (with a legend), in both languages."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from ui.i18n import translate

from .conftest import (
    WATCH_RUNNING, assert_no_exception, horizontal_overflow, open_tab, pick, press_slider, screenshot, stepper_formula,
    wait_for_app, watch_round_trips,
)

pytestmark = pytest.mark.e2e

SINGLE = ".st-key-conv_single-stepper .cs"


def query(pg) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(pg.url).query).items()}


def open_stepper(pg, url: str, stepper: str) -> None:
    pg.goto(url)
    wait_for_app(pg)
    pg.locator(stepper).wait_for(timeout=20000)
    assert_no_exception(pg)


def reopen(pg, stepper: str):
    """The page's current link in a new tab (a new Streamlit session, nothing kept in the browser)."""
    other = pg.context.new_page()
    open_stepper(other, pg.url, stepper)
    return other


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_picked_cell_is_in_the_link_and_a_copied_link_opens_on_it(server_url, new_page, lang):
    pg = new_page
    sent = watch_round_trips(pg)
    open_stepper(pg, f"{server_url}/conv_single?lang={lang}", SINGLE)
    assert "cell" not in query(pg)   # a first view leaves the link alone
    pg.evaluate(WATCH_RUNNING)
    before = len(sent)
    # a click on o₂₃ (cell 6 in reading order, 1-based in the link)
    pick(pg, SINGLE, 2, 5).click()
    pg.wait_for_function("() => new URLSearchParams(location.search).get('cell') === '6'", timeout=5000)
    # an arrow key: o₃₁
    pg.locator(f"{SINGLE} .cs-stage").press("ArrowRight")
    pg.wait_for_function("() => new URLSearchParams(location.search).get('cell') === '7'", timeout=5000)
    assert query(pg)["lang"] == lang   # every other parameter kept
    # no server round trip for either pick
    assert len(sent) == before, sent[before:]
    assert pg.evaluate("window.__ran") is False
    shown = stepper_formula(pg, SINGLE)
    assert shown.startswith("net(o₃₁)")

    other = reopen(pg, SINGLE)
    expect(other.locator(SINGLE)).to_have_attribute("data-cell", "6")
    assert stepper_formula(other, SINGLE) == shown
    assert other.locator(f"{SINGLE} .cs-name").inner_text() == "o₃₁"
    other.close()

    # another tab (the stepper is not drawn there): the server rewrites the link, the picked cell stays in it
    open_tab(pg, translate(lang, "conv_single.sec_inputs"))
    assert query(pg)["tab"] == "inputs" and query(pg)["cell"] == "7"
    open_tab(pg, translate(lang, "conv_single.sec_step"))
    expect(pg.locator(SINGLE)).to_have_attribute("data-cell", "6")
    assert "tab" not in query(pg) and query(pg)["cell"] == "7"
    # a slider the server writes into the link: the picked cell stays in it
    press_slider(pg, translate(lang, "conv_single.padding_label"))
    assert query(pg)["padding"] == "1" and query(pg)["cell"] == "7"
    expect(pg.locator(SINGLE)).to_have_attribute("data-cell", "6")
    # the output shrinks to 2×2: the cell is kept inside, the link names it, a message says so
    press_slider(pg, translate(lang, "conv_single.padding_label"), "ArrowLeft")
    press_slider(pg, translate(lang, "conv_single.stride_label"))
    expect(pg.locator(f'{SINGLE} figure[data-grid="2"] [data-cell]')).to_have_count(4, timeout=15000)
    expect(pg.locator(SINGLE)).to_have_attribute("data-cell", "3")
    pg.wait_for_function("() => new URLSearchParams(location.search).get('cell') === '4'", timeout=5000)
    message = pg.locator(f"{SINGLE} .cs-message")
    expect(message).to_be_visible()
    assert message.inner_text() == translate(lang, "common.stepper_clamped")
    screenshot(pg, f"stepper-link-clamped-{lang}")
    other = reopen(pg, SINGLE)
    expect(other.locator(SINGLE)).to_have_attribute("data-cell", "3")
    assert other.locator(f"{SINGLE} .cs-message").is_hidden()
    assert stepper_formula(other, SINGLE).startswith("net(o₂₂)")
    other.close()
    # the next pick clears the message
    pick(pg, SINGLE, 2, 0).click()
    expect(message).to_be_hidden()
    assert query(pg)["cell"] == "1"


def test_a_link_past_the_output_is_kept_inside_with_a_message(server_url, new_page):
    pg = new_page
    open_stepper(pg, f"{server_url}/conv_single?lang=en&cell=40", SINGLE)
    expect(pg.locator(SINGLE)).to_have_attribute("data-cell", "8")
    expect(pg.locator(f"{SINGLE} .cs-message")).to_be_visible()
    pg.wait_for_function("() => new URLSearchParams(location.search).get('cell') === '9'", timeout=5000)


@pytest.mark.parametrize("page, query_in, stepper, grid, index, expected", [
    ("conv_multi", "", ".st-key-conv_multi-stepper .cs", 10, 13, {"filter": "2", "row": "2", "col": "2"}),
    ("pooling", "tab=backward", ".st-key-pooling-backward_stepper .cs", 0, 7, {"in_cell": "8"}),
    ("conv_backward", "", ".st-key-conv_backward-way1_stepper .cs", 1, 5, {"cell": "2,2"}),
])
def test_every_stepper_page_keeps_its_cell_in_its_own_link_parameters(server_url, new_page, page, query_in, stepper,
                                                                       grid, index, expected):
    pg = new_page
    sent = watch_round_trips(pg)
    open_stepper(pg, f"{server_url}/{page}?lang=en&{query_in}", stepper)
    before = len(sent)
    pick(pg, stepper, grid, index).click()
    expect(pg.locator(stepper)).to_have_attribute("data-cell", str(index))
    pg.wait_for_function("(want) => Object.entries(want).every(([k, v]) => new URLSearchParams(location.search).get(k) === v)",
                         arg=expected, timeout=5000)
    assert len(sent) == before, sent[before:]
    formula = stepper_formula(pg, stepper)
    other = reopen(pg, stepper)
    expect(other.locator(stepper)).to_have_attribute("data-cell", str(index))
    assert stepper_formula(other, stepper) == formula
    other.close()


# numbers of every width a student meets: negative decimals, tens, tiny ones in exponent form
LONG_NUMBERS = "-0.1234567,12.5,0.00001,3;1,-2.000001,0.5,-7;0,0.333333,1,2;-1,1,1e-7,0.25"


def cut_cells(pg, stepper: str) -> list:
    """Cells whose printed number is wider than the cell (clipped), with the grid they are in."""
    return pg.locator(f"{stepper} .cs-cell").evaluate_all(
        "cells => cells.filter(c => c.scrollWidth > c.clientWidth + 0.5)"
        ".map(c => [c.closest('figure').dataset.grid, c.textContent, c.scrollWidth, c.clientWidth])")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_long_numbers_fit_their_cells_at_six_digits(server_url, new_page, lang):
    pg = new_page
    open_stepper(pg, f"{server_url}/conv_single?lang={lang}&digits=6&padding=1&input={LONG_NUMBERS}", SINGLE)
    texts = pg.locator(f'{SINGLE} figure[data-grid="0"] .cs-cell').all_inner_texts()
    assert "-0.123457" in texts and "1e-7" in texts and "-2" in texts   # printed at 6 digits
    assert cut_cells(pg, SINGLE) == []
    # hovering (bold window) does not clip either
    pick(pg, SINGLE, 2, 6).hover()
    assert cut_cells(pg, SINGLE) == []
    # cells of a grid are equally wide and never overlap their neighbours
    boxes = pg.locator(f'{SINGLE} figure[data-grid="0"] .cs-cell').evaluate_all(
        "cells => cells.map(c => { const b = c.getBoundingClientRect(); return [b.left, b.right, b.top]; })")
    widths = {round(r - l, 1) for l, r, _ in boxes}
    assert len(widths) == 1
    rows = {}
    for left, right, top in boxes:
        rows.setdefault(round(top), []).append((left, right))
    for line in rows.values():
        line.sort()
        assert all(a[1] <= b[0] for a, b in zip(line, line[1:]))
    screenshot(pg, f"stepper-digits6-{lang}")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_wide_padded_grid_scrolls_inside_the_stepper_on_a_phone(server_url, phone_page, lang):
    pg = phone_page
    wide = ";".join(",".join(f"{(r * 12 + c) % 7 - 3.123456:.6f}" for c in range(12)) for r in range(12))
    open_stepper(pg, f"{server_url}/conv_single?lang={lang}&digits=6&padding=2&input={wide}", SINGLE)
    stage = pg.locator(f"{SINGLE} .cs-stage")
    sizes = stage.evaluate("s => [s.scrollWidth, s.clientWidth, getComputedStyle(s).overflowX]")
    assert sizes[0] > sizes[1] and sizes[2] == "auto", sizes   # wider than the phone: it scrolls in place
    # ...and the page itself never gets wider than the phone
    assert horizontal_overflow(pg) == 0
    assert pg.evaluate("() => document.body.scrollWidth <= window.innerWidth")
    assert pg.locator(SINGLE).evaluate("el => el.getBoundingClientRect().right <= window.innerWidth + 1")
    # only the stage (and a long formula line) scroll: the stepper around them is not wider than itself
    assert pg.locator(SINGLE).evaluate("el => el.scrollWidth <= el.clientWidth + 1")
    assert pg.locator(f"{SINGLE} .cs-formula").evaluate(
        "f => f.scrollWidth <= f.clientWidth + 1 || getComputedStyle(f).overflowX === 'auto'")
    assert cut_cells(pg, SINGLE) == []
    # the last column is reachable by scrolling the stage
    stage.evaluate("s => { s.scrollLeft = s.scrollWidth; }")
    assert stage.evaluate("s => s.scrollLeft > 0")
    screenshot(pg, f"phone-stepper-wide-{lang}")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_max_pooling_styles_the_winner_apart_with_a_legend(server_url, new_page, lang):
    pg = new_page
    forward = ".st-key-pooling-forward_stepper .cs"
    open_stepper(pg, f"{server_url}/pooling?lang={lang}&mode=max", forward)
    winner = pg.locator(f"{forward} .cs-winner")
    expect(winner).to_have_count(1)
    window = pg.locator(f'{forward} figure[data-grid="0"] .cs-win')   # the rest of the window
    assert window.count() >= 3
    # the winner carries the window's maximum, and looks different from the rest of the window
    output = pick(pg, forward, 1, 0).inner_text()
    assert winner.inner_text() == output
    style = "el => { const s = getComputedStyle(el); return [s.outlineStyle, s.textDecorationLine, s.fontWeight]; }"
    assert winner.evaluate(style) != window.first.evaluate(style)
    legend = pg.locator(f"{forward} .cs-legend").inner_text()
    assert translate(lang, "pooling.cs_legend_winner") in legend
    assert translate(lang, "pooling.cs_legend_window") in legend
    # another output cell: its own winner
    pick(pg, forward, 1, 1).click()
    expect(winner).to_have_count(1)
    assert winner.inner_text() == pick(pg, forward, 1, 1).inner_text()
    screenshot(pg, f"stepper-pool-winner-{lang}")

    backward = ".st-key-pooling-backward_stepper .cs"
    open_stepper(pg, f"{server_url}/pooling?lang={lang}&mode=max&tab=backward", backward)
    won = pg.locator(f'{backward} figure[data-grid="0"] .cs-won')
    assert won.count() >= 1
    assert translate(lang, "pooling.cs_legend_won") in pg.locator(f"{backward} .cs-legend").inner_text()
    index = int(won.first.get_attribute("data-cell"))
    won.first.click()
    expect(pg.locator(f'{backward} figure[data-grid="0"] .cs-winner')).to_have_count(1)
    assert pg.locator(f'{backward} figure[data-grid="0"] .cs-winner').get_attribute("data-cell") == str(index)
    screenshot(pg, f"stepper-pool-route-{lang}")
