"""Training's sample and filter menus in a real browser (#14 round 12): the browser's own ``<select>``
(ui/components/choice_menu.py) inside the tabs' part; a choice is one run of that part, the tabs follow, the menus
keep showing it and the link carries it."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from ui.i18n import translate

from .conftest import (ScriptRuns, assert_no_exception, choice_select, new_element_types, open_app, runs_sent,
                       screenshot, script_runs, stepper_formula, wait_for_app)

pytestmark = pytest.mark.e2e

FORWARD = ".st-key-training-stepper .cs"


def _query(pg) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(pg.url).query).items()}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_sample_and_a_filter_chosen_in_the_menus_move_the_tabs_in_one_run(server_url, new_page, lang):
    pg = new_page
    received = open_app(pg, f"{server_url}/training?lang={lang}", FORWARD)
    runs = ScriptRuns.of(pg)
    sample, filt = choice_select(pg, "training.sample"), choice_select(pg, "training.filter")
    expect(sample).to_have_value("1")
    expect(filt).to_have_value("1")
    expect(pg.locator(".st-key-training-sample_menu label")).to_contain_text(translate(lang, "training.sample_label"))
    assert filt.locator("option").nth(2).text_content() == translate(lang, "training.filter_option", index=3)
    assert 250 < sample.bounding_box()["width"] <= 280     # the old selects' width (PICK_PX), side by side
    assert abs(sample.bounding_box()["y"] - filt.bounding_box()["y"]) < 2
    before = stepper_formula(pg, FORWARD)

    received.clear()
    runs.after(lambda: sample.select_option("8"))
    assert script_runs(received) == 1 and runs_sent(received) == (1, 0)   # ONE run, of the tabs' part only
    sent = new_element_types(received)
    assert "bidi_component" in sent and not {"slider", "number_input", "button", "selectbox"} & set(sent), sent
    expect(pg.get_by_text(translate(lang, "training.fwd_conv_subtitle", index=8, filter=1))).to_be_visible()
    expect(pg.locator(f"{FORWARD} .cs-formula")).not_to_have_attribute("aria-label", before)   # sample 8's numbers
    expect(sample).to_have_value("8")                                 # kept, not back to the first entry
    pg.wait_for_function("() => new URLSearchParams(location.search).get('sample') === '8'")

    received.clear()
    runs.after(lambda: filt.select_option("3"))
    assert script_runs(received) == 1 and runs_sent(received) == (1, 0)
    expect(pg.get_by_text(translate(lang, "training.fwd_conv_subtitle", index=8, filter=3))).to_be_visible()
    pg.wait_for_function("() => new URLSearchParams(location.search).get('filter') === '3'")
    assert _query(pg)["sample"] == "8"
    expect(sample).to_have_value("8")
    expect(filt).to_have_value("3")
    assert_no_exception(pg)
    screenshot(pg, f"training-{lang}-sample-menu", max_height=2000)

    # the link opens with both choices shown
    runs.after(lambda: pg.goto(pg.url))
    wait_for_app(pg)
    expect(choice_select(pg, "training.sample")).to_have_value("8")
    expect(choice_select(pg, "training.filter")).to_have_value("3")
    expect(pg.get_by_text(translate(lang, "training.fwd_conv_subtitle", index=8, filter=3))).to_be_visible()
    assert_no_exception(pg)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_update_tabs_parameter_and_entry_menus(server_url, new_page, lang):
    """The update tab's parameter and entry (#14 round 12): the browser's own ``<select>``, side by side; another
    parameter is one run of the tabs' part and brings its own entries; an entry chosen moves the update's formula."""
    pg = new_page
    received = open_app(pg, f"{server_url}/training?lang={lang}&view=update", ".st-key-training-upd_param_menu select")
    runs = ScriptRuns.of(pg)
    param, entry = choice_select(pg, "training.upd_param"), choice_select(pg, "training.upd_entry_conv_w")
    expect(param).to_have_value("conv_w")
    expect(entry).to_have_value("(0, 0, 0, 0)")
    expect(pg.locator(".st-key-training-upd_param_menu label")).to_contain_text(
        translate(lang, "training.upd_param_label"))
    assert abs(param.bounding_box()["y"] - entry.bounding_box()["y"]) < 2          # in line, two columns
    assert pg.locator('[data-testid="stSelectbox"]').count() == 0

    received.clear()
    runs.after(lambda: param.select_option("fc_b"))
    assert script_runs(received) == 1 and runs_sent(received) == (1, 0)             # ONE run, of the tabs' part only
    assert not {"slider", "number_input", "button", "selectbox"} & set(new_element_types(received))
    entry = choice_select(pg, "training.upd_entry_fc_b")
    expect(entry).to_have_value("(0,)")
    expect(entry.locator("option")).to_have_count(4)
    expect(param).to_have_value("fc_b")
    runs.after(lambda: entry.select_option("(2,)"))
    expect(entry).to_have_value("(2,)")
    expect(pg.locator('[data-testid="stMain"] .katex').filter(has_text="c3").first).to_be_visible()
    assert_no_exception(pg)
    screenshot(pg, f"training-{lang}-update-menus", max_height=2000)
