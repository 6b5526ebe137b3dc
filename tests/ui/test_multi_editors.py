"""ui.multi_editors: matrices read from editors' texts whether drawn or not; a hidden editor keeps its text;
tabs kept open by position when their labels change language (AppTest on a small script)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _script():
    import numpy as np
    import streamlit as st

    from ui.matrix_input import matrix_editor
    from ui.multi_editors import keep_editor_state, open_tab_by_index, read_matrix

    keys = ("demo.a", "demo.b")
    lang = st.session_state.get("lang", "en")
    labels = ["A", "B"] if lang == "en" else ["甲", "乙"]
    for key in keys:
        st.session_state[f"{key}.read"] = read_matrix(key, np.eye(2), max_rows=3, max_cols=3)
    for key, tab in zip(keys, open_tab_by_index("demo.tabs", labels)):
        if tab.open is False:
            keep_editor_state(key)
            continue
        with tab:
            matrix_editor(key, key=key, default=np.eye(2), max_rows=3, max_cols=3)


def test_matrices_are_read_without_their_editor_and_hidden_text_survives():
    at = AppTest.from_function(_script).run()
    assert [el.key for el in at.text_area] == ["demo.a"]                  # only the open tab's editor
    assert at.session_state["demo.b.read"].tolist() == [[1, 0], [0, 1]]   # read all the same, from its default
    at.text_area(key="demo.a").input("1 2\n3 4").run()
    at.session_state["demo.tabs"] = "B"                                   # open B: A's editor is not drawn
    at.run()
    at.run()                                                    # and again (Streamlit drops hidden widgets)
    assert [el.key for el in at.text_area] == ["demo.b"]
    assert at.session_state["demo.a"] == "1 2\n3 4"
    assert at.session_state["demo.a.read"].tolist() == [[1, 2], [3, 4]]
    at.text_area(key="demo.b").input("x").run()
    assert at.session_state["demo.b.read"] is None and at.error             # bad text: None, the editor says why


def test_the_open_tab_stays_open_when_the_labels_change_language():
    at = AppTest.from_function(_script).run()
    at.session_state["demo.tabs"] = "B"
    at.run()
    assert [el.key for el in at.text_area] == ["demo.b"]
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    assert [el.key for el in at.text_area] == ["demo.b"] and at.session_state["demo.tabs"] == "乙"
