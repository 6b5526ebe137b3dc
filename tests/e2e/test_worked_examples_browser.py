"""Worked examples in a real browser: a linked claim opens with its heatmaps in both languages; opening
another claim puts it in the URL; a tampered link gets messages, not a traceback."""

from __future__ import annotations

import pytest

from ui.i18n import translate

from .conftest import (assert_no_exception, figure_z, new_element_types, screenshot, wait_for_app, wait_for_figure,
                       wait_for_text, watch_frames)

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_linked_claim_opens_with_heatmaps(server_url, new_page, lang):
    new_page.goto(f"{server_url}/worked_examples?lang={lang}&claim=s003_dx_general")
    wait_for_app(new_page)
    assert_no_exception(new_page)
    assert translate(lang, "worked_examples.title") in new_page.locator("h1").first.inner_text()
    # the three panels are drawn one by one: wait for each before reading it
    for name in ("printed", "computed", "corrected"):
        wait_for_figure(new_page, translate(lang, f"worked_examples.{name}"))
    # the text's Σ h δ(i+m, j+n) vs the core: top-left cell δ₁₁·h₂₂ = 1·4 in the core, δ₁₁·h₁₁ = 1 in the text
    printed = figure_z(new_page, translate(lang, "worked_examples.printed"))
    computed = figure_z(new_page, translate(lang, "worked_examples.computed"))
    assert printed[0][0] == 4 and computed[0][0] == 1
    assert translate(lang, "worked_examples.verdict_wrong") in new_page.inner_text("body")
    screenshot(new_page, f"worked_examples-{lang}-linked")


def test_opening_a_claim_puts_it_in_the_url(server_url, new_page):
    new_page.goto(f"{server_url}/worked_examples?lang=en&text=cnn-notes&verdict=incomplete")
    wait_for_app(new_page)
    # the claim's expander by its key (its label is typeset: the title's $…$ formula is KaTeX, not text)
    new_page.locator(".st-key-worked_examples-open-s000_output_size summary").click()
    wait_for_text(new_page, translate("en", "worked_examples.computed"))
    wait_for_app(new_page)
    assert "claim=s000_output_size" in new_page.url
    assert "2.5" in new_page.inner_text("body")
    assert_no_exception(new_page)
    screenshot(new_page, "worked_examples-en-filtered")




@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_filter_reruns_the_list_only(server_url, new_page, lang):
    pg = new_page
    received = watch_frames(pg)
    pg.goto(f"{server_url}/worked_examples?lang={lang}")
    wait_for_app(pg)
    assert "table" in new_element_types(received)          # the summary: a plain table, drawn once
    assert "dataframe" not in new_element_types(received)  # not the canvas data grid
    received.clear()
    pg.get_by_role("combobox").nth(1).click()            # the verdict filter (the second select of the page)
    pg.get_by_role("option", name=translate(lang, "worked_examples.verdict_typo")).click()
    pg.wait_for_url("**verdict=typo**")
    wait_for_app(pg)
    sent = new_element_types(received)
    assert sent and "table" not in sent, sent            # the list was redrawn, the summary was not sent again
    assert len(pg.locator(".st-key-worked_examples-open-s000_output_size").all()) == 0   # a claim that is not a typo
    assert_no_exception(pg)


def test_tampered_link_is_explained(server_url, new_page):
    new_page.goto(f"{server_url}/worked_examples?lang=zh&claim=%3Cscript%3Ex&verdict=bogus")
    wait_for_app(new_page)
    assert_no_exception(new_page)
    body = new_page.inner_text("body")
    assert "<script>x" in body                     # shown literally, escaped
    assert new_page.locator("script:text('x')").count() == 0
    assert new_page.locator('[data-testid="stAlert"]').count() >= 2
    screenshot(new_page, "worked_examples-zh-tampered", max_height=1600)
