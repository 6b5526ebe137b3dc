"""The choice menu (ui/components/choice_menu.py, markup from ui/components/action_menu.py): a setting that stays
chosen as the browser's own ``<select>``; its markup and the check of what the browser sends."""

from __future__ import annotations

import pytest

from ui.components.action_menu import JS, choice_html, menu_html
from ui.components.choice_menu import ChoiceOffer, apply_choice, menu_key, offer_key


def test_the_choice_markup_marks_the_chosen_option_and_escapes_every_text():
    markup = choice_html('<img src=x onerror="1">', [("a", "<b>A</b>"), ('"b"', "B & C")], '"b"', help="<i>why</i>")
    assert "<img" not in markup and "<b>" not in markup and "<i>" not in markup
    assert '<option value="a">&lt;b&gt;A&lt;/b&gt;</option>' in markup
    assert '<option value="&quot;b&quot;" selected>B &amp; C</option>' in markup    # the chosen one, only it
    assert markup.count(" selected") == 1 and 'title="&lt;i&gt;why&lt;/i&gt;"' in markup
    # a setting: no placeholder, and the select marked for the script to leave the choice shown
    assert "<select data-keep>" in markup and "disabled" not in markup and "am-placeholder" not in markup
    assert 'class="am-help"' not in choice_html("L", [("a", "A")], "a")                 # no help, no "?"


def test_the_same_choice_gives_the_same_markup_and_another_choice_another():
    options = [("1", "#1"), ("2", "#2")]
    assert choice_html("L", options, "1") == choice_html("L", options, "1")            # not rebuilt
    assert choice_html("L", options, "1") != choice_html("L", options, "2")
    assert " selected" not in choice_html("L", options, "3")                           # none: the browser shows #1


def test_the_label_line_is_the_preset_menus_own():
    """One label (and help) markup for both menus: they look alike on the page."""
    label = '<label><span class="am-label"><span>L</span><span class="am-help"'
    assert menu_html("L", [("a", "A")], "p", help="h").startswith(label)
    assert choice_html("L", [("a", "A")], "a", help="h").startswith(label)


def test_the_script_keeps_a_settings_choice_and_resets_an_action():
    """The one script of both menus: back to the placeholder only without data-keep (a setting stays shown)."""
    assert 'if (!menu.hasAttribute("data-keep")) menu.selectedIndex = 0;' in JS


def _offered(**values) -> dict:
    state = {"p.kind": "a"}
    state[offer_key("p.kind")] = ChoiceOffer(tuple((str(v), v) for v in values.values()))
    return state


def test_a_value_the_menu_offered_is_written_and_anything_else_changes_nothing():
    state = _offered(a="a", b="b")
    assert apply_choice(state, "p.kind", "b") and state["p.kind"] == "b"
    for sent in ("c", "", None, 1, ["a"], {"pick": "a"}, "B", " b"):
        assert not apply_choice(state, "p.kind", sent), sent
        assert state["p.kind"] == "b"
    assert not apply_choice({"p.kind": "a"}, "p.kind", "a")               # a menu never drawn offered nothing
    assert not apply_choice({offer_key("p.kind"): ("a",)}, "p.kind", "a")  # nor anything that is not its offer


def test_the_value_written_is_the_offered_one_not_the_browsers_text():
    state = {offer_key("t.sample"): ChoiceOffer((("1", 1), ("12", 12)))}
    assert apply_choice(state, "t.sample", "12") and state["t.sample"] == 12 and isinstance(state["t.sample"], int)


def test_keys():
    assert menu_key("check_work.kind") == "check_work.kind_menu" and offer_key("training.sample") == "training.sample.offer"


def test_the_menu_draws_the_state_and_refuses_options_that_look_alike(monkeypatch):
    """choice_menu (Streamlit stubbed): the state's value is marked; a state holding none gets the first option;
    two options that the browser would send as the same text are refused."""
    import streamlit as st

    from ui.components import choice_menu as cm

    drawn = []
    monkeypatch.setattr(cm, "action_menu", lambda markup, key, on_pick, width: drawn.append((markup, key, width)))
    state: dict = {"t.sample": 2}
    monkeypatch.setattr(st, "session_state", state)
    assert cm.choice_menu("Sample", [(1, "#1"), (2, "#2")], "t.sample", width=280) == 2
    assert '<option value="2" selected>#2</option>' in drawn[-1][0] and drawn[-1][1:] == ("t.sample_menu", 280)
    assert state[offer_key("t.sample")] == ChoiceOffer((("1", 1), ("2", 2)))
    state["t.sample"] = 7
    assert cm.choice_menu("Sample", [(1, "#1"), (2, "#2")], "t.sample") == 1 and state["t.sample"] == 1
    with pytest.raises(ValueError):
        cm.choice_menu("Sample", [(1, "#1"), ("1", "one")], "t.sample")
