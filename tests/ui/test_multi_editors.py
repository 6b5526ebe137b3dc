"""ui.multi_editors: matrices read from editors' texts whether drawn or not; a hidden editor keeps its text;
tabs kept open by position when their labels change language (AppTest on a small script)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _script():
    import numpy as np
    import streamlit as st

    from ui.matrix_input import matrix_editor
    from ui.multi_editors import keep_editor_state, open_index, read_matrix

    keys = ("demo.a", "demo.b")
    lang = st.session_state.get("lang", "en")
    labels = ["A", "B"] if lang == "en" else ["甲", "乙"]
    for key in keys:
        st.session_state[f"{key}.read"] = read_matrix(key, np.eye(2), max_rows=3, max_cols=3)
    shown = open_index("demo.tabs", labels)
    for k, key in enumerate(keys):
        if k != shown:
            keep_editor_state(key)
            continue
        matrix_editor(key, key=key, default=np.eye(2), max_rows=3, max_cols=3)


def test_matrices_are_read_without_their_editor_and_hidden_text_survives():
    at = AppTest.from_function(_script).run()
    assert [el.key for el in at.text_area] == ["demo.a"]                  # only the open tab's editor
    assert at.session_state["demo.b.read"].tolist() == [[1, 0], [0, 1]]   # read all the same, from its default
    at.text_area(key="demo.a").input("1 2\n3 4").run()
    at.session_state["demo.tabs.index"] = 1                               # open B: A's editor is not drawn
    at.run()
    at.run()                                                    # and again (Streamlit drops hidden widgets)
    assert [el.key for el in at.text_area] == ["demo.b"]
    assert at.session_state["demo.a"] == "1 2\n3 4"
    assert at.session_state["demo.a.read"].tolist() == [[1, 2], [3, 4]]
    at.text_area(key="demo.b").input("x").run()
    assert at.session_state["demo.b.read"] is None and at.error             # bad text: None, the editor says why


def _strip_script():
    import numpy as np
    import streamlit as st

    from ui.matrix_input import matrix_editor
    from ui.multi_editors import keep_editor_state, open_index

    keys = ("demo.a", "demo.b", "demo.c")
    lang = st.session_state.get("lang", "en")
    labels = ["A", "B", "C"] if lang == "en" else ["甲", "乙", "丙"]
    shown = open_index("demo.tabs", labels, "demo")
    for k, key in enumerate(keys):
        if k != shown:
            keep_editor_state(key)
    matrix_editor(keys[shown], key=keys[shown], default=np.eye(2), max_rows=3, max_cols=3)


def _strip(at):
    from ui.components.tab_strip import NAME

    return [el for el in at.get("bidi_component") if el.proto.component_name == NAME]


def test_a_tab_strip_draws_the_open_tab_and_keeps_it_by_position():
    """open_index: one strip element (not st.tabs), its markup names the open tab; a pick the strip did not offer is
    ignored; the open tab stays open when the labels change language."""
    from ui.components.tab_strip import picked, strip_html

    at = AppTest.from_function(_strip_script).run()
    assert not at.tabs and len(_strip(at)) == 1
    assert [el.key for el in at.text_area] == ["demo.a"]
    at.session_state["demo.tabs.index"] = 2              # what the strip's callback writes for a pick of C
    at.run()
    assert [el.key for el in at.text_area] == ["demo.c"]
    assert _strip(at)[0].proto.json == __import__("json").dumps(strip_html(["A", "B", "C"], 2, "demo"))
    at.session_state["demo.tabs.index"] = 7              # out of range (a stale index): the first tab
    at.run()
    assert [el.key for el in at.text_area] == ["demo.a"]
    at.session_state["demo.tabs.index"] = 1
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception and [el.key for el in at.text_area] == ["demo.b"]
    assert picked({"s": {"pick": 5}}, "s", 3) is None
