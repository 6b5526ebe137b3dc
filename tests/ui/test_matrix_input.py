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

import streamlit  # noqa: E402

from ui.components import grid_editor  # noqa: E402
from ui.i18n import translate  # noqa: E402
from ui.matrix_input import edit_cell_text, resize_text, resized  # noqa: E402


def test_a_cell_edit_sets_that_cell_and_keeps_the_others_exact():
    assert ok(edit_cell_text("1, 0\n0, 1", 1, 0, "-2.5")).tolist() == [[1, 0], [-2.5, 1]]
    third = edit_cell_text("0.1 0.2", 0, 1, str(1 / 3))
    assert ok(third).tolist() == [[0.1, 1 / 3]]                       # exact, not rounded to the digits shown
    assert ok(edit_cell_text("1 2", 0, 0, " ")).tolist() == [[0, 2]]   # an emptied box is 0
    assert ok(edit_cell_text("1 2", 0, 1, "\u22123")).tolist() == [[1, -3]]   # the typed minus sign
    assert ok(edit_cell_text("1 2", 0, 1, "１e2")).tolist() == [[1, 100]]    # full-width digits


@pytest.mark.parametrize("text, row, col, cell", [
    ("1 2", 0, 2, "3"), ("1 2", 1, 0, "3"), ("1 2", -1, 0, "3"),        # outside the matrix
    ("1 2", 0, 0, "nan"), ("1 2", 0, 0, "inf"), ("1 2", 0, 0, "1e309"),  # not finite
    ("1 2", 0, 0, "abc"), ("1 2", 0, 0, "1 2"), ("1 2", 0, 0, "1;2"),    # not one number
    ("1 2", 0, 0, "__import__('os')"), ("1 2", 0, 0, "<b>1</b>"), ("1 2", 0, 0, "9" * 101),
    ("1 a", 0, 0, "3"), ("", 0, 0, "3"),                                # the text itself does not parse
    ("1 2", "0", 0, "3"), ("1 2", 0.0, 0, "3"), ("1 2", True, 0, "3"), ("1 2", 0, 0, 3.0), ("1 2", 0, 0, None),
])
def test_a_cell_edit_that_cannot_be_applied_changes_nothing(text, row, col, cell):
    assert edit_cell_text(text, row, col, cell) is None


def test_resizing_adds_zeros_and_removes_up_to_the_cap():
    assert ok(resize_text("1 2\n3 4", 1, 0, max_rows=3, max_cols=3)).tolist() == [[1, 2], [3, 4], [0, 0]]
    assert ok(resize_text("1 2\n3 4", 0, -1, max_rows=3, max_cols=3)).tolist() == [[1], [3]]
    assert ok(resize_text("1 2 3", 0, 1, max_rows=3, max_cols=3)).tolist() == [[1, 2, 3]]     # at the cap
    assert ok(resize_text("1", -1, -1, max_rows=3, max_cols=3)).tolist() == [[1]]             # at least 1×1
    for d_rows, d_cols in ((2, 0), (0, -5), ("1", 0), (True, 0), (0.5, 0), (None, 0)):
        assert resize_text("1 2", d_rows, d_cols) is None
    assert resize_text("1 a", 1, 0) is None


def test_resized_pads_with_zeros_and_cuts():
    m = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert resized(m, 3, 3).tolist() == [[1, 2, 0], [3, 4, 0], [0, 0, 0]]
    assert resized(m, 1, 2).tolist() == [[1, 2]]


@pytest.mark.parametrize("event, value, expected", [
    ("edit", {"r": 1, "c": 0, "text": "-2.5"}, "1, 0\n-2.5, 1"),
    ("resize", {"rows": 1, "cols": 0}, "1, 0\n0, 1\n0, 0"),
    ("edit", {"r": 1, "c": 0, "text": "x"}, "1, 0\n0, 1"),        # refused: the text stays
    ("edit", ["1", "0"], "1, 0\n0, 1"),                            # a tampered message: nothing happens
    ("resize", {"rows": 9}, "1, 0\n0, 1"),
    ("edit", None, "1, 0\n0, 1"),
])
def test_the_grid_callback_rewrites_the_text_or_leaves_it(monkeypatch, event, value, expected):
    """The component's callback (its events are what the browser sends, so any shape may arrive)."""
    state = {"t.input": "1, 0\n0, 1", grid_editor.component_key("t.input"): {event: value}}
    monkeypatch.setattr(streamlit, "session_state", state)
    grid_editor.apply_event("t.input", event, max_rows=4, max_cols=4)
    assert state["t.input"] == expected


@pytest.mark.parametrize("events", [None, "edit", ["edit"], {"edit": {"r": [0], "c": {}, "text": ["1"]}}])
def test_the_grid_callback_never_raises(monkeypatch, events):
    state = {"t.input": "1 2", grid_editor.component_key("t.input"): events}
    monkeypatch.setattr(streamlit, "session_state", state)
    for event in ("edit", "resize"):
        grid_editor.apply_event("t.input", event, max_rows=4, max_cols=4)
    assert state["t.input"] == "1 2"


def _shown_by_the_caller_app(shown=False):
    from ui.matrix_input import matrix_editor

    matrix_editor("Input", key="t.input", default=[[1, 0], [0, 1]], max_rows=4, max_cols=4, grid_shown=shown)


@pytest.mark.parametrize("shown", [False, True])
def test_a_caller_can_decide_whether_the_grid_is_shown(shown):
    """``grid_shown``: the page's own toggle decides (dense's one toggle for its four editors, #14 round 13); the
    editor draws no toggle of its own."""
    at = AppTest.from_function(_shown_by_the_caller_app, kwargs={"shown": shown})
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception and not at.toggle
    assert (_grid(at) is not None) is shown
    if shown:
        assert _grid(at)["cells"] == [["1", "0"], ["0", "1"]]


def _grid_on(lang="en", shape=None, text=None):
    at = AppTest.from_function(_editor_app, kwargs={"shape": shape})
    at.session_state["lang"] = lang
    at.session_state["t.input.grid_on"] = True
    if text is not None:
        at.session_state["t.input"] = text
    return at.run()


def _grid(at):
    """The grid editor's payload on the page, or None."""
    import json

    found = [el for el in at.main.get("bidi_component") if el.key == grid_editor.component_key("t.input")]
    assert len(found) <= 1
    return json.loads(found[0].proto.json) if found else None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_grid_shows_the_typed_matrix(lang):
    at = AppTest.from_function(_editor_app)
    at.session_state["lang"] = lang
    at.run()
    assert _grid(at) is None  # off by default: no grid until asked for
    assert at.toggle(key="t.input.grid_on").label == translate(lang, "owndata.grid_toggle")
    at.toggle(key="t.input.grid_on").set_value(True).run()
    assert not at.exception
    data = _grid(at)
    assert data["cells"] == [["1", "0"], ["0", "1"]]
    assert data["resizable"] and data["can"] == {"add_row": True, "remove_row": True, "add_col": True,
                                                 "remove_col": True}
    assert data["caption"] == translate(lang, "owndata.grid_caption", rows=2, cols=2, max_rows=4, max_cols=4)
    assert data["labels"]["add_row"] == translate(lang, "owndata.add_row")
    assert data["labels"]["cell"] == translate(lang, "owndata.grid_cell")   # {row}/{col} filled in the browser
    at.text_area(key="t.input").input("5 6 7 0.125").run()
    data = _grid(at)
    assert data["cells"] == [["5", "6", "7", "0.125"]]
    assert data["can"] == {"add_row": True, "remove_row": False, "add_col": False, "remove_col": True}


def test_the_grid_needs_a_valid_text_and_the_page_goes_on():
    at = _grid_on(lang="zh", text="1 inf")
    assert not at.exception and len(at.error) == 1
    assert at.error[0].value == translate("zh", "errors.matrix_not_finite", row=1, col=2, token="inf")
    assert translate("zh", "owndata.grid_fix_text") in [c.value for c in at.caption]
    assert _grid(at) is None and at.session_state["result"] is None
    assert at.markdown[-1].value == "after"


def test_a_fixed_shape_has_no_resize_buttons():
    at = _grid_on(shape=(2, 2))
    data = _grid(at)
    assert not data["resizable"] and not at.button
    assert data["caption"] == translate("en", "owndata.grid_caption_fixed", rows=2, cols=2)


def test_then_calls_the_widget_callback_then_the_page_follow_up():
    """A page's follow-up (``on_change`` of the editors, presets, sizes, paste and upload) runs after the control's
    own callback has written the matrix, with the callback's arguments passed on; without one nothing changes."""
    from ui.matrix_input import then

    calls = []
    first = lambda *args, **kwargs: calls.append(("first", args, kwargs))  # noqa: E731
    after = lambda: calls.append(("after",))  # noqa: E731
    then(first, after)(1, 2, size=3)
    assert calls == [("first", (1, 2), {"size": 3}), ("after",)]
    calls.clear()
    then(None, after)()                     # a text area has no callback of its own
    assert calls == [("after",)]
    assert then(first, None) is first and then(None, None) is None
