"""ui/components/action_menu.py's choice menu (#14 round 12): the markup (escaped, the chosen entry selected and kept)
and the callback's check (only an offered value is written, as its own type). The preset menus: tests/ui/test_presets.py."""

from __future__ import annotations

from ui.components.action_menu import apply_choice, choice_html, menu_key


def test_the_choice_markup_escapes_its_texts_and_selects_the_chosen_entry():
    markup = choice_html('<img src=x onerror="1">', [("1", "<b>one</b>"), ("2", "two")], "2", help='"help"')
    assert "<img" not in markup and "<b>" not in markup
    assert '<option value="1">&lt;b&gt;one&lt;/b&gt;</option>' in markup
    assert '<option value="2" selected>two</option>' in markup and markup.count(" selected") == 1
    assert "<select data-keep>" in markup                      # the browser keeps the choice (not a placeholder)
    assert 'title="&quot;help&quot;"' in markup
    assert choice_html("L", [("1", "A")], "1") == choice_html("L", [("1", "A")], "1")   # same markup: not rebuilt
    assert choice_html("L", [("1", "A"), ("2", "B")], "1") != choice_html("L", [("1", "A"), ("2", "B")], "2")


def test_only_an_offered_value_is_written_as_the_offered_type():
    state = {"p.filter.menu_offer": (1, 2), "p.filter": 1}
    assert apply_choice(state, "p.filter", "2") and state["p.filter"] == 2 and isinstance(state["p.filter"], int)
    for sent in ("3", "<b>", "", None, "2.0"):
        assert not apply_choice(state, "p.filter", sent) and state["p.filter"] == 2
    assert not apply_choice({}, "p.filter", "1")              # nothing offered yet: nothing written
    assert menu_key("p.filter") == "p.filter.menu"
