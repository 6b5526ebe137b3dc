"""The matrix text parser (never evaluates) and the matrix_editor widget."""

import builtins

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from ui.i18n import LANGUAGES, catalog, explain_error
from ui.matrix_input import MAX_CHARS, ParseError, format_matrix, parse_matrix, parse_number

CODES = ["matrix_empty", "matrix_not_a_number", "matrix_ragged", "matrix_not_finite", "matrix_too_large",
         "matrix_too_many_chars", "matrix_wrong_shape"]


def ok(text, **kw):
    result = parse_matrix(text, **kw)
    assert result.error is None, result.error
    assert result.matrix.dtype == np.float64
    return result.matrix


def err(text, **kw):
    result = parse_matrix(text, **kw)
    assert result.matrix is None
    assert isinstance(result.error, ParseError) and isinstance(result.error, ValueError)
    return result.error


@pytest.mark.parametrize("text, expected", [
    ("1 2\n3 4", [[1, 2], [3, 4]]),
    ("1, 2; 3, 4", [[1, 2], [3, 4]]),
    ("1,2\r\n3,4\n\n", [[1, 2], [3, 4]]),
    ("  -0.5  1e-3  +2 ", [[-0.5, 0.001, 2]]),
    (".5 5. 1E2", [[0.5, 5, 100]]),
    ("１，２\n３，４", [[1, 2], [3, 4]]),           # full-width digits and commas
    ("１　２；３　４", [[1, 2], [3, 4]]),           # full-width space and semicolon
    ("\u22121 2", [[-1, 2]]),                        # U+2212 minus sign
    ("－１ ２", [[-1, 2]]),                          # full-width hyphen-minus
    ("[[1,2],[3,4]]", [[1, 2], [3, 4]]),
    ("[1 2; 3 4]", [[1, 2], [3, 4]]),
    ("[[1, 2],\n [3, 4]]", [[1, 2], [3, 4]]),
    ("7", [[7]]),
])
def test_good_text(text, expected):
    np.testing.assert_array_equal(ok(text), np.array(expected, dtype=float))


@pytest.mark.parametrize("text, code", [
    ("", "matrix_empty"), ("   \n\t ", "matrix_empty"), ("[[]]", "matrix_empty"), (";;", "matrix_empty"),
    ("1 a", "matrix_not_a_number"), ("x", "matrix_not_a_number"), ("1_000", "matrix_not_a_number"),
    ("0x1f", "matrix_not_a_number"), ("1/2", "matrix_not_a_number"), ("1..2", "matrix_not_a_number"),
    ("٣", "matrix_not_a_number"),  # Arabic-Indic digit: float() would take it, we don't
    ("(1, 2)", "matrix_not_a_number"), ("2j", "matrix_not_a_number"),
    ("nan", "matrix_not_finite"), ("NaN 1", "matrix_not_finite"), ("inf", "matrix_not_finite"),
    ("-inf", "matrix_not_finite"), ("+Infinity", "matrix_not_finite"), ("1e309", "matrix_not_finite"),
    ("-1e309", "matrix_not_finite"), ("1 2\n3", "matrix_ragged"), ("1\n2 3", "matrix_ragged"),
])
def test_bad_text(text, code):
    assert err(text).code == code


def test_positions_are_one_based():
    e = err("1 2\n3 zz")
    assert e.params == {"row": 2, "col": 2, "token": "zz"}
    e = err("1 2 3\n4 5")
    assert e.params == {"row": 2, "got": 2, "expected": 3}
    e = err("1 2\n3 1e309")
    assert (e.params["row"], e.params["col"], e.params["token"]) == (2, 2, "1e309")


def test_size_caps():
    assert ok("\n".join(["1 " * 12] * 12)).shape == (12, 12)
    e = err("\n".join(["1"] * 13))
    assert e.code == "matrix_too_large"
    assert e.params == {"rows": 13, "cols": 1, "max_rows": 12, "max_cols": 12}
    assert err("1 " * 13).params["cols"] == 13
    assert err("1 2 3", max_cols=2).code == "matrix_too_large"
    assert ok("1 2 3", max_cols=3).shape == (1, 3)


def test_a_megabyte_is_refused_quickly():
    e = err("1 " * 500_000)
    assert e.code == "matrix_too_many_chars"
    assert e.params == {"length": 1_000_000, "max_chars": MAX_CHARS}
    assert err("x" * (MAX_CHARS + 1)).code == "matrix_too_many_chars"


def test_code_is_never_executed(monkeypatch):
    calls = []
    real_import = builtins.__import__

    def spy(name, *args, **kwargs):
        calls.append(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", spy)
    for text in ["__import__('os')", "__import__('os').system('touch /tmp/pwned')",
                 "[[__import__('os').getcwd()]]", "exec('1')", "eval('2')", "lambda: 1"]:
        e = err(text)
        assert e.code == "matrix_not_a_number"
    monkeypatch.setattr(builtins, "__import__", real_import)
    assert "os" not in calls


def test_html_comes_back_escaped():
    e = err("<b>x</b>")
    assert e.code == "matrix_not_a_number"
    assert "<b>" not in e.params["token"] and e.params["token"] == r"\<b\>x\<\/b\>"
    e = err("1 <script>alert(1)</script>")
    assert (e.params["row"], e.params["col"]) == (1, 2)
    assert "<script>" not in explain_error(e, "en")


def test_long_tokens_are_truncated_in_the_message():
    e = err("y" * 500)
    assert e.params["token"] == "y" * 19 + "…"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_code_has_a_sentence(lang):
    for code in CODES:
        assert f"errors.{code}" in catalog(lang)
    assert explain_error(err("1 2\n3"), lang) != explain_error(err("1 2\n3"), "zh" if lang == "en" else "en")
    assert "2" in explain_error(err("1 2\n3"), lang)


def test_parse_number():
    assert parse_number(" -0.5 ") == -0.5
    assert parse_number("\u22123") == -3
    for bad in ["nan", "inf", "1e309", "1_0", "0x1", "", "1 2", "9" * 200]:
        assert parse_number(bad) is None


@pytest.mark.parametrize("M", [
    [[1, 0.5], [0, -1]], [[0.1, 1 / 3, -2.5e-7]], [[1e20, -0.0]], np.arange(12.0).reshape(3, 4) / 7,
])
def test_format_matrix_round_trips(M):
    text = format_matrix(M)
    np.testing.assert_array_equal(ok(text), np.asarray(M, dtype=float))


def test_format_matrix_is_compact():
    assert format_matrix([[1.0, 0.5], [0.0, -1.0]]) == "1, 0.5\n0, -1"
    assert format_matrix([1, 2]) == "1, 2"
    assert format_matrix(np.array([[-0.0]])) == "0"


# --------------------------------------------------------------------------- widget (AppTest)

def _editor_app(shape=None):
    import streamlit as st

    from ui.matrix_input import matrix_editor

    matrix = matrix_editor("Input", key="t.input", default=[[1, 0], [0, 1]], max_rows=4, max_cols=4,
                           shape=shape)
    st.session_state["result"] = None if matrix is None else matrix.tolist()
    st.write("after")  # the rest of the page keeps working


def test_matrix_editor_returns_the_default_then_the_typed_matrix():
    at = AppTest.from_function(_editor_app).run()
    assert not at.exception and not at.error
    assert at.text_area(key="t.input").value == "1, 0\n0, 1"
    assert at.session_state["result"] == [[1, 0], [0, 1]]
    at.text_area(key="t.input").input("1 2\n3 −4").run()
    assert not at.error
    assert at.session_state["result"] == [[1, 2], [3, -4]]


@pytest.mark.parametrize("text", ["1 a", "1 2\n3", "nan", "", "<b>x</b>", "__import__('os')", "1 " * 5])
def test_matrix_editor_shows_an_error_for_bad_text(text):
    at = AppTest.from_function(_editor_app).run()
    at.text_area(key="t.input").input(text).run()
    assert not at.exception
    assert len(at.error) == 1
    assert at.session_state["result"] is None
    assert at.markdown[-1].value == "after"


def test_matrix_editor_error_is_translated():
    at = AppTest.from_function(_editor_app)
    at.session_state["lang"] = "zh"
    at.run()
    at.text_area(key="t.input").input("1 2\n3").run()
    assert "第 2 行" in at.error[0].value


def test_matrix_editor_required_shape():
    at = AppTest.from_function(_editor_app, kwargs={"shape": (2, 2)}).run()
    assert not at.error
    at.text_area(key="t.input").input("1 2 3").run()
    assert len(at.error) == 1 and "2×2" in at.error[0].value and "1×3" in at.error[0].value
    assert at.session_state["result"] is None


def test_matrix_editor_starts_from_session_state():
    at = AppTest.from_function(_editor_app)
    at.session_state["t.input"] = "5 6"
    at.run()
    assert at.session_state["result"] == [[5, 6]]


# --------------------------------------------------------------------------- grid editing

from ui.i18n import translate  # noqa: E402
from ui.matrix_input import grid_key, grid_to_text, resized  # noqa: E402


def test_grid_cells_become_text_the_parser_reads():
    np.testing.assert_array_equal(ok(grid_to_text([[1.0, None], [0.5, -2]])), [[1, 0], [0.5, -2]])
    np.testing.assert_array_equal(ok(grid_to_text(np.array([[0.1, 1 / 3]]))), [[0.1, 1 / 3]])  # exact
    assert err(grid_to_text([[float("inf"), 1.0]])).code == "matrix_not_finite"
    assert err(grid_to_text([[float("nan")]])).code == "matrix_not_finite"
    assert err(grid_to_text([[1e308 * 10]])).code == "matrix_not_finite"
    e = err(grid_to_text([[1.0, "__import__('os')"], [2.0, 3.0]]))
    assert e.code == "matrix_not_a_number" and (e.params["row"], e.params["col"]) == (1, 2)
    assert err(grid_to_text([[1.0, "1 2"]])).code == "matrix_not_a_number"  # no way to split a cell in two
    assert err(grid_to_text([[True]])).code == "matrix_not_a_number"


def test_resized_pads_with_zeros_and_cuts():
    m = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert resized(m, 3, 3).tolist() == [[1, 2, 0], [3, 4, 0], [0, 0, 0]]
    assert resized(m, 1, 2).tolist() == [[1, 2]]


def test_grid_key_names_a_generation():
    assert grid_key("p.x", 0) == "p.x.grid.0" != grid_key("p.x", 1)


def _grid_on(at_or_none=None, lang="en", shape=None, text=None):
    at = AppTest.from_function(_editor_app, kwargs={"shape": shape})
    at.session_state["lang"] = lang
    at.session_state["t.input.grid_on"] = True
    if text is not None:
        at.session_state["t.input"] = text
    return at.run()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_grid_shows_the_typed_matrix(lang):
    at = AppTest.from_function(_editor_app)
    at.session_state["lang"] = lang
    at.run()
    assert not at.dataframe  # off by default: no grid until asked for
    assert at.toggle(key="t.input.grid_on").label == translate(lang, "owndata.grid_toggle")
    at.toggle(key="t.input.grid_on").set_value(True).run()
    assert not at.exception and len(at.dataframe) == 1
    grid = at.dataframe[0]
    assert grid.editing_mode == "fixed"
    assert grid.value.to_numpy().tolist() == [[1, 0], [0, 1]]
    assert list(grid.value.columns) == ["1", "2"] and list(grid.value.index) == [1, 2]  # 1-based like the texts
    assert translate(lang, "owndata.grid_caption", rows=2, cols=2, max_rows=4, max_cols=4) in [c.value for c in at.caption]
    at.text_area(key="t.input").input("5 6 7").run()
    assert at.dataframe[0].value.to_numpy().tolist() == [[5, 6, 7]]


def test_a_grid_edit_rewrites_the_text():
    at = _grid_on()
    key = grid_key("t.input", 0)
    at.session_state[key] = {"edited_rows": {1: {"1": -2.5}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception and not at.error
    assert at.text_area(key="t.input").value == "1, 0\n-2.5, 1"
    assert at.session_state["result"] == [[1, 0], [-2.5, 1]]
    # the same grid goes on: it keeps the matrix it started from (the browser shows its edit on top, and
    # a grid whose data changed would drop the edits equal to the new data, each with an extra rerun)
    at.run()
    assert at.dataframe[0].value.to_numpy().tolist() == [[1, 0], [0, 1]]
    assert at.session_state["result"] == [[1, 0], [-2.5, 1]]
    # a second edit in the same grid keeps the first
    at.session_state[key] = {"edited_rows": {1: {"1": -2.5}, 0: {"2": 4}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert at.session_state["result"] == [[1, 4], [-2.5, 1]]
    # typing starts a fresh grid: the old edits do not come back, even for the original text
    at.text_area(key="t.input").input("1, 0\n0, 1").run()
    assert at.session_state["result"] == [[1, 0], [0, 1]]
    assert at.dataframe[0].value.to_numpy().tolist() == [[1, 0], [0, 1]]
    assert grid_key("t.input", 1) in at.session_state


def test_a_non_finite_grid_value_gets_the_parsers_message():
    at = _grid_on(lang="zh")
    at.session_state[grid_key("t.input", 0)] = {
        "edited_rows": {0: {"2": float("inf")}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception and len(at.error) == 1
    assert at.error[0].value == translate("zh", "errors.matrix_not_finite", row=1, col=2, token="inf")
    assert at.session_state["result"] is None
    assert at.markdown[-1].value == "after"
    at.run()  # the grid needs a valid matrix: until the text is fixed it says so
    assert translate("zh", "owndata.grid_fix_text") in [c.value for c in at.caption]
    assert not at.dataframe and len(at.error) == 1


def test_rows_and_columns_are_added_and_removed_up_to_the_cap():
    at = _grid_on(text="1 2\n3 4")
    at.button(key="t.input.add_row").click().run()
    assert at.session_state["result"] == [[1, 2], [3, 4], [0, 0]]
    at.button(key="t.input.add_col").click().run()
    assert at.session_state["result"] == [[1, 2, 0], [3, 4, 0], [0, 0, 0]]
    assert at.dataframe[0].value.shape == (3, 3)
    at.button(key="t.input.add_row").click().run()
    assert at.button(key="t.input.add_row").disabled  # 4 rows: the cap of this editor
    at.button(key="t.input.remove_col").click().run()
    at.button(key="t.input.remove_col").click().run()
    assert at.session_state["result"] == [[1], [3], [0], [0]]
    assert at.button(key="t.input.remove_col").disabled and not at.button(key="t.input.add_col").disabled
    assert not at.error and not at.exception


def test_a_fixed_shape_has_no_resize_buttons():
    at = _grid_on(shape=(2, 2))
    assert len(at.dataframe) == 1 and not at.button
    assert translate("en", "owndata.grid_caption_fixed", rows=2, cols=2) in [c.value for c in at.caption]
