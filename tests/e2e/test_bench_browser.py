"""benchmarks/bench_browser.py's control discovery in a real browser: a control that an earlier control's
measurement left out of sight (a tab bar nested in a tab that ended closed) is measured on the page opened
again, and an action on a tab bar that is gone says so instead of dividing by zero."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

_path = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_browser.py"
_spec = importlib.util.spec_from_file_location("benchmarks_bench_browser", _path)
bb = sys.modules["benchmarks_bench_browser"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bb)

# one tab bar nested in the first tab of another, the shape of the transposed page's 1-D section
NESTED_TABS = '''
import streamlit as st
st.title("nested tabs")
outer = st.tabs(["A", "B"], key="outer", on_change="rerun")
if outer[0].open is not False:
    with outer[0]:
        inner = st.tabs(["x", "y"], key="inner", on_change="rerun")
        for tab, text in zip(inner, ("inner x", "inner y")):
            if tab.open is not False:
                with tab:
                    st.write(text)
if outer[1].open is not False:
    with outer[1]:
        st.write("outer B")
'''


@pytest.fixture(scope="module")
def nested_app(tmp_path_factory, browser):
    """The nested-tabs script served on its own port, driven by the suite's one browser (a second Playwright
    in the same process would fail: the e2e tests' sync Playwright is already running)."""
    script = tmp_path_factory.mktemp("bench") / "nested_tabs.py"
    script.write_text(NESTED_TABS)
    proc, url = bb.start(script)
    try:
        yield browser, url
    finally:
        proc.terminate()


def test_a_control_left_out_of_sight_is_measured_on_the_page_opened_again(nested_app, monkeypatch):
    browser, url = nested_app
    real = bb.measure_control

    def measure_then_leave_on_b(page, kind, index, repeats, restore=True, bare=None):
        result = real(page, kind, index, repeats, restore, bare=bare)
        if (kind, index) == ("tabs", 0):   # as when the outer tab bar's measurement ended on another tab
            page.get_by_role("tab", name="B").click()
            page.get_by_text("outer B").wait_for()
        return result

    monkeypatch.setattr(bb, "measure_control", measure_then_leave_on_b)
    results = bb.measure_page(browser, url, repeats=1, per_kind=0, kinds=["tabs"])
    assert list(results) == ["tabs[0]", "tabs[1]"]
    for name, result in results.items():
        assert result["done"] and not result["notes"], (name, result)


def test_a_tab_bar_that_is_gone_is_reported_hidden(nested_app):
    browser, url = nested_app
    page = bb.open_page(browser, url)
    try:
        assert bb.controls_of(page, ["tabs"]) == {"tabs": [0, 1]}
        page.get_by_role("tab", name="B").click()
        page.get_by_text("outer B").wait_for()
        assert bb.controls_of(page, ["tabs"]) == {"tabs": [0]}
        result = bb.measure_control(page, "tabs", 1, 1)
        assert result["done"] == [] and result["notes"][0].startswith(f"LookupError: {bb.HIDDEN}")
    finally:
        page.close()


@pytest.fixture(scope="module")
def bare_app(browser):
    """benchmarks/bare_app.py (one slider, one heatmap) on its own port."""
    proc, url = bb.start(_path.parent / "bare_app.py")
    try:
        yield url
    finally:
        proc.terminate()


def test_paired_measurement_moves_the_bare_slider_before_each_action(nested_app, bare_app):
    """--paired (#14 round 9): every measured action on the page comes after one move of the bare page's slider,
    and the control's result keeps those moves' times beside its own."""
    browser, url = nested_app
    bare = bb.BareSlider(browser, bare_app)
    try:
        results = bb.measure_page(browser, url, repeats=3, per_kind=1, kinds=["tabs"], bare=bare)
        value = bare.page.locator('input[type="range"]').first.input_value()
    finally:
        bare.close()
    (result,) = results.values()
    assert len(result["done"]) == 3 and len(result["bare"]) == 3 and all(t > 0 for t in result["bare"])
    assert value != "5"   # the bare slider moved (it starts at 5)
