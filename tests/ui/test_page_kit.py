"""ui.page_kit: the cell chooser keeps a valid cell when the matrix shrinks, lazy tabs draw only the open tab,
charts carry the page's key, figures are cached with a bound."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ui import page_kit


def test_cell_options_are_row_major_and_cover_the_matrix():
    assert page_kit.cell_options((2, 3)) == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]


def _chooser_app():
    import streamlit as st

    from ui.page_kit import cell_select

    rows = st.session_state.get("rows", 3)
    if st.session_state.get("show", True):       # a closed lazy tab does not draw its widgets
        chosen = cell_select("kit", "cell", "Cell", (rows, rows), "x")
        st.write(f"chosen={chosen}")


def test_cell_select_keeps_the_choice_inside_a_smaller_matrix_and_restores_it():
    at = AppTest.from_function(_chooser_app)
    at.run()
    at.selectbox(key="kit.cell").set_value((2, 2)).run()
    assert at.markdown[0].value == "chosen=(2, 2)"
    at.session_state["rows"] = 2          # the output shrank: (2, 2) no longer exists
    at.run()
    assert not at.exception
    assert at.selectbox(key="kit.cell").value == (0, 0)
    assert at.selectbox(key="kit.cell").options == ["x₁₁", "x₁₂", "x₂₁", "x₂₂"]
    at.selectbox(key="kit.cell").set_value((1, 1)).run()
    at.session_state["rows"] = 3
    at.run()
    assert at.selectbox(key="kit.cell").value == (1, 1)   # a valid choice is kept when the matrix grows


def test_cell_select_remembers_the_choice_while_its_tab_is_closed():
    at = AppTest.from_function(_chooser_app)
    at.run()
    at.selectbox(key="kit.cell").set_value((2, 1)).run()
    at.session_state["show"] = False
    at.run()
    at.session_state["show"] = True
    at.run()
    assert not at.exception
    assert at.selectbox(key="kit.cell").value == (2, 1)


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

