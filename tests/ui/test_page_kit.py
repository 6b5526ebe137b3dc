"""ui.page_kit: lazy tabs draw only the open tab, charts carry the page's key, figures are cached with a bound."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from ui import page_kit


def _tabs_app():
    import streamlit as st

    from ui.page_kit import lazy_tabs

    def first():
        st.write("drew first")

    def second():
        st.write("drew second")

    lazy_tabs("kit", "tabs", [("One", first), ("Two", second)])


def test_lazy_tabs_draw_only_the_open_tab():
    at = AppTest.from_function(_tabs_app)
    at.run()
    assert not at.exception
    drawn = [m.value for m in at.markdown]
    assert "drew first" in drawn and "drew second" not in drawn


def _chart_app():
    import numpy as np
    import streamlit as st

    from ui.page_kit import cached_figure, show_chart

    fig = cached_figure("heat", np.eye(2), title="I", symbol="a")
    show_chart(fig, "kit", "fig_eye")
    st.write(str(cached_figure("heat", np.eye(2), title="I", symbol="a") is fig))


def test_show_chart_uses_the_page_key_and_the_cache_returns_the_same_figure():
    at = AppTest.from_function(_chart_app)
    at.run()
    assert not at.exception
    charts = at.get("plotly_chart")
    assert len(charts) == 1 and "kit.fig_eye" in charts[0].proto.id
    assert at.markdown[0].value == "True"



# --------------------------------------------------------------------------- numbers typed beyond their range
def _clamp_app():
    import streamlit as st

    from ui.page_kit import clamp_on_change, clamped

    st.number_input("Seed", step=1, value=5, key="kit.seed", on_change=clamp_on_change,
                    args=("kit", "seed", 0, 9999), kwargs={"integer": True})
    st.number_input("x", step=0.5, value=1.0, key="kit.x", on_change=clamp_on_change, args=("kit", "x", -20.0, 20.0))
    for name, note in clamped("kit").items():
        st.warning(f"{name}: {note.typed!r} -> {note.used!r} in [{note.low}, {note.high}]")


def test_clamp_on_change_moves_a_typed_number_to_the_nearer_end_and_says_so_until_the_next_edit():
    at = AppTest.from_function(_clamp_app)
    at.run()
    assert not at.warning
    at.number_input(key="kit.seed").set_value(12000).run()
    assert at.number_input(key="kit.seed").value == 9999
    assert [w.value for w in at.warning] == ["seed: 12000 -> 9999 in [0, 9999]"]
    at.number_input(key="kit.x").set_value(-1e9).run()             # the other input: both notes shown
    assert at.number_input(key="kit.x").value == -20.0
    assert [w.value for w in at.warning] == ["seed: 12000 -> 9999 in [0, 9999]",
                                             "x: -1000000000.0 -> -20.0 in [-20.0, 20.0]"]
    at.run()                                                        # a rerun without an edit keeps the notes
    assert len(at.warning) == 2
    at.number_input(key="kit.seed").set_value(-3).run()             # below: the lower end, an int
    assert at.number_input(key="kit.seed").value == 0
    assert at.session_state["kit._clamped"]["seed"] == page_kit.Clamped(-3, 0, 0, 9999)
    at.number_input(key="kit.seed").set_value(7).run()              # inside: kept, its note goes
    at.number_input(key="kit.x").set_value(20.0).run()              # the end itself is inside
    assert not at.warning and at.number_input(key="kit.seed").value == 7 and at.number_input(key="kit.x").value == 20.0
    assert not at.exception


def test_clamp_on_change_rounds_for_integers_and_takes_nan_and_infinity():
    import streamlit as st

    cases = [(("seed", 0, 9999, True), 12000.4, 9999), (("seed", 0, 9999, True), 3.6, 4),
             (("row", 1, 6, True), float("nan"), 1), (("x", -20.0, 20.0, False), float("inf"), 20.0),
             (("x", -20.0, 20.0, False), float("nan"), 0.0), (("x", -20.0, 20.0, False), -20.0, None)]
    for (name, low, high, integer), typed, used in cases:
        st.session_state.clear()
        st.session_state[f"kit.{name}"] = typed
        page_kit.clamp_on_change("kit", name, low, high, integer=integer)
        if used is None:
            assert st.session_state[f"kit.{name}"] == typed and not page_kit.clamped("kit")
        else:
            assert st.session_state[f"kit.{name}"] == used and type(st.session_state[f"kit.{name}"]) is type(used)
            assert page_kit.clamped("kit")[name].used == used


# --------------------------------------------------------------------------- presentation mode (#12 item 15)
def _font_sizes(spec: dict) -> dict[str, float]:
    """The sizes Plotly will draw with, read the way plotly.js resolves them (explicit, else the layout font)."""
    layout = spec["layout"]
    base = layout.get("font", {}).get("size", 12)
    trace = spec["data"][0]
    return {"base": base,
            "title": layout["title"].get("font", {}).get("size", 16),
            "ticks": layout["xaxis"].get("tickfont", {}).get("size", base),
            "axis_title": layout["xaxis"]["title"].get("font", {}).get("size", 14),
            "cells": trace.get("textfont", {}).get("size", base),
            "annotation": layout["annotations"][0].get("font", {}).get("size", base),
            "hover": layout.get("hoverlabel", {}).get("font", {}).get("size", 12)}


def test_presentation_figure_enlarges_every_text_and_leaves_the_shared_figure_alone():
    import numpy as np

    from ui.heatmap import matrix_heatmap

    fig = matrix_heatmap(np.arange(9.0).reshape(3, 3), title="x", symbol="x",
                         route=[((0, 0), (1, 1))])      # a route draws an annotation
    before = fig.to_dict()
    big = page_kit.presentation_figure(fig, 1.5).to_dict()
    assert fig.to_dict() == before                       # cached figures are shared: never mutated
    small, large = _font_sizes(before), _font_sizes(big)
    for what in small:
        assert large[what] == pytest.approx(1.5 * small[what], abs=0.1), what
    assert big["layout"]["height"] == round(1.5 * before["layout"]["height"])
    assert big["layout"]["margin"]["t"] == round(1.5 * before["layout"]["margin"]["t"])


def test_presentation_figure_scales_the_frames_of_an_animation():
    import plotly.graph_objects as go

    trace = dict(type="heatmap", z=[[1, 2]], text=[["1", "2"]], texttemplate="%{text}", textfont=dict(size=10))
    fig = go.Figure(dict(data=[trace], layout=dict(height=300), frames=[dict(name="0", data=[trace])]),
                    _validate=False)
    big = page_kit.presentation_figure(fig, 2.0).to_dict()
    assert big["frames"][0]["data"][0]["textfont"]["size"] == 20 and big["data"][0]["textfont"]["size"] == 20


def _present_chart_app():
    import numpy as np
    import streamlit as st

    from ui.page_kit import cached_figure, show_chart

    st.session_state.setdefault("present", False)
    show_chart(cached_figure("heat", np.eye(3), title="I", symbol="a"), "kit", "fig_eye")


def test_show_chart_sends_larger_fonts_in_presentation_mode():
    import json

    at = AppTest.from_function(_present_chart_app)
    at.run()
    normal = json.loads(at.get("plotly_chart")[0].proto.spec)
    at.session_state["present"] = True
    at.run()
    assert not at.exception
    present = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert present["data"][0]["textfont"]["size"] == pytest.approx(
        page_kit.PRESENT_SCALE * normal["data"][0]["textfont"]["size"], abs=0.1)
    assert present["layout"]["font"]["size"] > 12 and present["layout"]["title"]["font"]["size"] > 16


def _present_twice_app():
    import copy

    import numpy as np
    import streamlit as st

    from ui.page_kit import cached_figure, figure_cache, for_screen
    from ui.heatmap import matrix_heatmap

    st.session_state["present"] = True
    seen = st.session_state.setdefault("seen", {})
    built = figure_cache(lambda n: matrix_heatmap(np.eye(n), title="I", symbol="a"), max_entries=4)
    shared = {"cached": cached_figure("heat", np.eye(3), title="I", symbol="a"), "page_cache": built(2)}
    for name, fig in shared.items():
        big = for_screen(fig)
        st.write(f"{name} same={seen.get(name) is big} font={big.layout.font.size}")
        seen[name] = big
    # not from the cache: a figure that changes between reruns gets a fresh copy each time, never a stale one
    own = matrix_heatmap(np.eye(2), title="I", symbol="a")
    own.update_layout(height=100 + 10 * len(st.session_state.get("own_heights", [])))
    st.session_state.setdefault("own_heights", []).append(for_screen(own).layout.height)
    # a deep copy of a cached figure (which a caller may change) is not taken for the shared one
    twin = copy.deepcopy(shared["cached"])
    twin.update_layout(height=50)
    st.write(f"twin height={for_screen(twin).layout.height}")


def test_presentation_copy_of_a_cached_figure_is_built_once_and_others_are_rebuilt():
    at = AppTest.from_function(_present_twice_app)
    at.run()
    at.run()
    assert not at.exception
    font = round(12 * page_kit.PRESENT_SCALE, 1)
    assert [m.value for m in at.markdown] == [f"cached same=True font={font}", f"page_cache same=True font={font}",
                                              f"twin height={round(50 * page_kit.PRESENT_SCALE)}"]
    assert at.session_state["own_heights"] == [round(100 * page_kit.PRESENT_SCALE),
                                               round(110 * page_kit.PRESENT_SCALE)]


# --------------------------------------------------------------------------- "the two agree" (#12 item 12)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_agreement_reads_naturally_for_zero_rounding_and_larger_differences(lang):
    exact = page_kit.agreement(0.0, lang=lang)
    assert exact == {"en": "agree exactly", "zh": "完全一致"}[lang]
    tiny = page_kit.agreement(3.2e-16, lang=lang)
    assert "3 × 10⁻¹⁶" in tiny and ("machine precision" in tiny if lang == "en" else "机器精度" in tiny)
    assert "0" not in page_kit.agreement(-0.0, lang=lang)
    close = page_kit.agreement(2.46e-10, relative=False, lang=lang)
    assert "2.5 × 10⁻¹⁰" in close and "machine" not in close and "机器" not in close


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_error_phrase_says_zero_in_words(lang):
    assert page_kit.error_phrase(0.0, lang=lang) == {"en": "no error at all", "zh": "误差为零"}[lang]
    assert "3.1 × 10⁻¹¹" in page_kit.error_phrase(3.14e-11, lang=lang)


class _Rerun(Exception):
    pass


@pytest.fixture
def fake_state(monkeypatch):
    """``st.session_state`` as a dict and ``st.rerun`` raising, so follow_open_panels' memory is seen directly."""
    state: dict = {}
    monkeypatch.setattr(page_kit.st, "session_state", state)

    def rerun(scope="app"):
        raise _Rerun(scope)
    monkeypatch.setattr(page_kit.st, "rerun", rerun)
    return state


def test_follow_open_panels_reruns_the_page_only_for_a_changed_setting_with_a_panel_open(fake_state):
    fake_state["p.tab"] = "step"
    page_kit.follow_open_panels("p", ("tab",))            # first run: nothing to compare with
    fake_state["p.tab"] = "table"
    page_kit.follow_open_panels("p", ("tab",))            # changed, but the export panel is closed
    fake_state["p.export_open"] = True
    page_kit.follow_open_panels("p", ("tab",))            # open, nothing changed since the last run
    fake_state["p.tab"] = "inputs"
    with pytest.raises(_Rerun):                            # open and changed: the page reruns
        page_kit.follow_open_panels("p", ("tab",))
    page_kit.follow_open_panels("p", ("tab",))            # the page's rerun sees it as seen


def test_follow_open_panels_in_a_full_run_only_notes_the_values(fake_state):
    fake_state.update({"p.a": 1, "p.code_open": True})
    page_kit.follow_open_panels("p", ("a",), ("export_open", "code_open"))
    fake_state["p.a"] = 2
    page_kit.follow_open_panels("p", ("a",), ("export_open", "code_open"), own_rerun=False)
    page_kit.follow_open_panels("p", ("a",), ("export_open", "code_open"))   # already noted: no rerun
    fake_state["p.a"] = 3
    with pytest.raises(_Rerun):
        page_kit.follow_open_panels("p", ("a",), ("export_open", "code_open"))


def test_page_body_tells_the_page_run_from_a_parts_own_rerun(fake_state):
    """Inside ``page_body`` (the page's full run) a changed setting with a panel open is only noted — the panels are
    drawn by this very run, a rerun would run the page twice; after it (a part's own rerun) the open panel follows."""
    fake_state.update({"p.a": 1, "p.export_open": True})
    page_kit.follow_open_panels("p", ("a",))                  # first run: nothing to compare with
    fake_state["p.a"] = 2
    with page_kit.page_body("p"):
        assert page_kit.page_body_running("p")
        page_kit.follow_open_panels("p", ("a",))              # the full run: noted, no second run
    assert not page_kit.page_body_running("p")
    page_kit.follow_open_panels("p", ("a",))                  # nothing changed since the page's run
    fake_state["p.a"] = 3
    with pytest.raises(_Rerun):                                # the part's own rerun: the open panel follows
        page_kit.follow_open_panels("p", ("a",))
    assert not page_kit.page_body_running("other")            # a mark per page


def test_page_body_mark_goes_when_the_run_is_cut_short(fake_state):
    fake_state.update({"p.a": 1, "p.export_open": True})
    page_kit.follow_open_panels("p", ("a",))
    with pytest.raises(_Rerun):
        with page_kit.page_body("p"):
            page_kit.st.rerun()                                # e.g. st.rerun or a newer rerun inside the body
    assert not page_kit.page_body_running("p")
    fake_state["p.a"] = 2
    with pytest.raises(_Rerun):                                # the next rerun alone is the part's own
        page_kit.follow_open_panels("p", ("a",))


def test_mark_page_body_for_a_body_that_cannot_be_indented(fake_state):
    fake_state.update({"p.a": 1, "p.code_open": True})
    page_kit.follow_open_panels("p", ("a",), ("export_open", "code_open"))
    page_kit.mark_page_body("p", True)
    fake_state["p.a"] = 2
    page_kit.follow_open_panels("p", ("a",), ("export_open", "code_open"))
    page_kit.mark_page_body("p", False)
    fake_state["p.a"] = 3
    with pytest.raises(_Rerun):
        page_kit.follow_open_panels("p", ("a",), ("export_open", "code_open"))


def _sections_app():
    import streamlit as st

    from ui.page_kit import open_section, opened_tabs, url_tabs

    sections = ("one", "two", "three")
    # read before the bar as well: a part that reruns alone reads the kept name without the bar normalising it
    st.write(f"open={open_section('kit', 'tab', sections)}")
    st.write(f"drawn={sorted(opened_tabs('kit', 'tab', sections))}")
    url_tabs("kit", "bar", "tab", sections, ["One", "Two", "Three"])
    st.write(f"after the bar: open={open_section('kit', 'tab', sections)}")


@pytest.mark.parametrize("kept, shown", [(None, "one"), ("two", "two"), ("three", "three"), ("nine", "one"), (3, "one")])
def test_open_section_reads_the_kept_name_or_falls_back_to_the_first(kept, shown):
    at = AppTest.from_function(_sections_app)
    if kept is not None:
        at.session_state["kit.tab"] = kept   # the link's value (or a stale, unknown one)
    at.run()
    assert not at.exception
    assert at.markdown[0].value == f"open={shown}"
    assert at.markdown[1].value == f"drawn={[shown]}"   # opened_tabs draws the section open_section names
    assert at.markdown[2].value == f"after the bar: open={shown}"


def test_a_tab_pick_keeps_the_picked_section_before_the_pages_own_callback(fake_state):
    """url_tabs(on_change=...): the strip's callback writes the picked section's name, then calls the page's callback,
    which reads it with open_section (as transposed's switch does before it names the parts to rerun)."""
    seen = []
    then = lambda name: seen.append((name, page_kit.open_section("kit", "tab", ("one", "three"))))  # noqa: E731
    fake_state["kit.bar"] = {"pick": 1}          # what the strip sent: the position of the clicked tab
    page_kit._tab_switched("kit.bar", "kit.tab", ("one", "three"), then)
    assert fake_state["kit.tab"] == "three" and seen == [("three", "three")]
    assert page_kit.opened_tabs("kit", "tab", ("one", "three")) == {"three"}
    page_kit._tab_switched("kit.bar", "kit.tab", ("one", "three"), None)    # no page callback: only the name
    assert fake_state["kit.tab"] == "three"


@pytest.mark.parametrize("sent", [2, -1, 1.5, True, "1", None])
def test_a_tab_pick_the_strip_did_not_offer_changes_nothing(fake_state, sent):
    """The position is the browser's: one the strip did not offer (tampered) keeps the open section and does not call
    the page's callback."""
    seen = []
    fake_state.update({"kit.tab": "three", "kit.bar": {"pick": sent}})
    page_kit._tab_switched("kit.bar", "kit.tab", ("one", "three"), seen.append)
    assert fake_state["kit.tab"] == "three" and seen == []


def _bar_app():
    import streamlit as st

    from ui.page_kit import url_tabs

    labels = ["Eins", "Zwei", "Drei"] if st.session_state.get("german") else ["One", "Two", "Three"]
    tabs = url_tabs("kit", "bar", "tab", ("one", "two", "three"), labels)
    for name, tab in zip(("one", "two", "three"), tabs):
        with tab:   # drawn into every section (as training does for those opened before): the style hides the closed
            st.write(f"{name} open={tab.open}")


def _strip(at):
    from tests.pages.conftest import tab_strip_tabs

    return [(tab["label"], tab["selected"]) for tab in tab_strip_tabs(at, "kit", "bar")]


def test_url_tabs_is_one_strip_whose_pick_opens_the_section_and_keeps_it_by_name():
    """url_tabs: no st.tabs; one strip (key <page>.<name>) and one keyed container per section, ``tab.open`` True for
    the open one only; a pick opens its section and keeps the name (the link's); the open tab stays open when the
    labels change language; a position the strip did not offer changes nothing."""
    from tests.pages.conftest import pick_tab

    at = AppTest.from_function(_bar_app).run()
    assert not at.exception and not at.tabs
    assert _strip(at) == [("One", True), ("Two", False), ("Three", False)]
    assert [m.value for m in at.markdown] == ["one open=True", "two open=False", "three open=False"]
    at = pick_tab(at, "kit", "bar", "three", "Three")
    assert at.session_state["kit.tab"] == "three"
    assert _strip(at) == [("One", False), ("Two", False), ("Three", True)]
    assert [m.value for m in at.markdown] == ["one open=False", "two open=False", "three open=True"]
    at.session_state["german"] = True                       # another language: the same section stays open
    at.run()
    assert _strip(at) == [("Eins", False), ("Zwei", False), ("Drei", True)]
    for tampered in (3, -1, 1.5, True):
        at = pick_tab(at, "kit", "bar", tampered)
        assert not at.exception and at.session_state["kit.tab"] == "three"
        assert _strip(at) == [("Eins", False), ("Zwei", False), ("Drei", True)]


@pytest.mark.parametrize("kept, shown", [("two", 1), ("<b>x</b>", 0), (None, 0)])
def test_url_tabs_opens_the_links_tab_or_the_first(kept, shown):
    at = AppTest.from_function(_bar_app)
    if kept is not None:
        at.session_state["kit.tab"] = kept                   # what the link's ?tab= wrote
    at.run()
    assert [selected for _, selected in _strip(at)] == [k == shown for k in range(3)]
    assert at.session_state["kit.tab"] == ("one", "two", "three")[shown]
