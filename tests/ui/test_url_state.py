"""URL state: specs parse/encode, read_query over good and tampered values, Streamlit glue."""

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from ui.i18n import LANGUAGES, catalog
from ui.url_state import (
    BoolParam,
    ChoiceParam,
    FloatParam,
    IntParam,
    MatrixParam,
    UrlProblem,
    decode_matrix,
    describe_problem,
    encode_matrix,
    read_query,
)

DEFAULT_M = np.array([[1.0, 0.0], [0.0, -1.0]])
SPECS = (
    IntParam("stride", 2, 1, 5),
    FloatParam("lr", 0.001, 0.0, 1.0),
    ChoiceParam("mode", "max", ("max", "avg")),
    BoolParam("flip", False),
    MatrixParam("input", DEFAULT_M, 4, 4),
)
BY_NAME = {spec.name: spec for spec in SPECS}

TAMPERED = [
    "", " ", "abc", "<script>alert(1)</script>", "<b>x</b>", "../../etc/passwd", "NaN", "nan", "inf", "-inf",
    "1e309", "-1", "0", "99999999999999999999", "3.5", "1_0", "0x2", "２", "１０", "\u2212 1", "💥",
    "__import__('os')", "1;2;3", "1,2,3", "a" * 1_000_000, "\x00\x1b[31m", "%00", "true", "MAX", "1 2\n3",
    "9" * 400, "1e-400", "[[1,2],[3,4]]", "1,2;3,4", ";".join(["1"] * 100),
]


def test_defaults_when_the_query_is_empty():
    values, problems = read_query(SPECS, {"lang": "zh", "other": "x"})
    assert problems == []
    assert values["stride"] == 2 and values["lr"] == 0.001 and values["mode"] == "max" and values["flip"] is False
    np.testing.assert_array_equal(values["input"], DEFAULT_M)


def test_good_values():
    values, problems = read_query(SPECS, {"stride": "3", "lr": "0.5", "mode": "avg", "flip": "1",
                                          "input": "1,2;3,4"})
    assert problems == []
    assert values["stride"] == 3 and isinstance(values["stride"], int)
    assert values["lr"] == 0.5 and values["mode"] == "avg" and values["flip"] is True
    np.testing.assert_array_equal(values["input"], [[1, 2], [3, 4]])


@pytest.mark.parametrize("raw, expected", [("1", 1), ("5", 5), ("+4", 4), ("3.0", 3), ("２", 2)])
def test_int_param_accepts(raw, expected):
    assert IntParam("stride", 2, 1, 5).parse(raw) == (expected, None)


@pytest.mark.parametrize("raw, code", [("0", "out_of_range"), ("6", "out_of_range"), ("-1", "out_of_range"),
                                       ("3.5", "invalid"), ("abc", "invalid"), ("nan", "invalid"),
                                       ("1e309", "invalid"), ("", "invalid"), ("1_0", "invalid")])
def test_int_param_refuses(raw, code):
    value, problem = IntParam("stride", 2, 1, 5).parse(raw)
    assert value == 2 and problem.code == code and problem.name == "stride" and problem.raw == raw


def test_float_choice_bool_matrix_parse():
    f = FloatParam("lr", 0.001, 0.0, 1.0)
    assert f.parse("1e-3") == (0.001, None)
    assert f.parse("2")[1].code == "out_of_range"
    assert f.parse("inf")[1].code == "invalid"
    c = ChoiceParam("padding", "same", ("valid", "same", "full"))
    assert c.parse("FULL") == ("full", None)
    assert c.parse("half")[1].code == "not_a_choice"
    ci = ChoiceParam("k", 2, (2, 3))
    assert ci.parse("3") == (3, None)
    b = BoolParam("flip", True)
    assert b.parse("off") == (False, None) and b.parse("YES") == (True, None)
    assert b.parse("2")[1].code == "invalid"
    m = MatrixParam("input", DEFAULT_M, 2, 2)
    np.testing.assert_array_equal(m.parse("1,2;3,4")[0], [[1, 2], [3, 4]])
    value, problem = m.parse("1,2,3")
    np.testing.assert_array_equal(value, DEFAULT_M)
    assert problem.code == "invalid_matrix" and problem.params["error"].code == "matrix_too_large"


@pytest.mark.parametrize("spec, value", [
    (IntParam("stride", 2, 1, 5), 4), (FloatParam("lr", 0.001, 0.0, 1.0), 1 / 3),
    (FloatParam("x", 0.0, -1e9, 1e9), -2.5e-7), (ChoiceParam("mode", "max", ("max", "avg")), "avg"),
    (BoolParam("flip", False), True), (BoolParam("flip", True), False),
])
def test_encode_parse_round_trip(spec, value):
    assert spec.parse(spec.encode(value)) == (value, None)


def test_matrix_encode_parse_round_trip():
    spec = MatrixParam("input", DEFAULT_M, 12, 12)
    M = np.arange(12.0).reshape(3, 4) / 7 - 0.5
    back, problem = spec.parse(spec.encode(M))
    assert problem is None and np.array_equal(back, M)
    assert np.array_equal(spec.from_state(spec.to_state(M)), M)


@pytest.mark.parametrize("raw", TAMPERED, ids=lambda r: repr(r[:20]))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_tampered_values_never_raise_and_are_explained(raw, lang):
    query = {spec.name: raw for spec in SPECS}
    values, problems = read_query(SPECS, query)
    assert set(values) == set(BY_NAME)
    bad = {p.name for p in problems}
    for spec in SPECS:
        if spec.name not in bad:  # accepted: must be a legal value
            value, problem = spec.parse(raw)
            assert problem is None
        else:
            assert np.array_equal(values[spec.name], spec.default)
    for problem in problems:
        text = describe_problem(problem, BY_NAME[problem.name], lang)
        assert text and "{" not in text and "<script>" not in text and "<b>" not in text
        assert len(text) < 400


def test_repeated_keys():
    values, problems = read_query(SPECS, {"stride": ["3", "4"], "mode": ["avg", "avg"]})
    assert values["stride"] == 2 and values["mode"] == "avg"
    assert [(p.name, p.code, p.params["count"]) for p in problems] == [("stride", "repeated", 2)]


def test_problem_sentences_in_both_languages():
    p = UrlProblem("stride", "abc", "invalid")
    assert describe_problem(p, BY_NAME["stride"], "en") == "The link's value for Stride, 'abc', is not valid; using 2."
    assert describe_problem(p, BY_NAME["stride"], "zh") == "链接中步长的值“abc”无效；改用 2。"
    _, problems = read_query(SPECS, {"stride": "9", "input": "1 2;3", "mode": "<b>x</b>"})
    texts = {p.name: describe_problem(p, BY_NAME[p.name], "en") for p in problems}
    assert "1 to 5" in texts["stride"]
    assert "row 2" in texts["input"].lower() and "default matrix" in texts["input"]
    assert r"\<b\>x\<\/b\>" in texts["mode"]
    long = describe_problem(UrlProblem("stride", "x" * 10_000, "invalid"), BY_NAME["stride"], "en")
    assert "…" in long and len(long) < 120


def test_input_keys_exist_in_both_languages():
    for lang in LANGUAGES:
        for key in ["url_invalid", "url_out_of_range", "url_not_a_choice", "url_repeated", "url_invalid_matrix",
                    "default_matrix", "matrix_help"]:
            assert f"input.{key}" in catalog(lang)


# --------------------------------------------------------------------------- compact matrix codes

def test_compact_code_by_hand():
    # [[1, 2], [3, 4]], scale 0: zigzag 1 -> 2 (C), 2 -> 4 (E), 3 -> 6 (G), 4 -> 8 (I); 2 rows (C), 2 cols (C)
    assert encode_matrix([[1, 2], [3, 4]]) == "~10CCCEGI"
    # [[-0.5, 12.5]], scale 1: -5 -> 9 (J); 125 -> 250 = 0b11111_11010 -> 26+32 (6), then 7 (H)
    assert encode_matrix([[-0.5, 12.5]]) == "~11BCJ6H"
    M, error = decode_matrix("~11BCJ6H")
    assert error is None and M.tolist() == [[-0.5, 12.5]]


@pytest.mark.parametrize("M", [
    np.zeros((1, 1)), -np.eye(12), np.arange(144.0).reshape(12, 12) - 70, [[1.25, -0.5], [1e-9, 3]],
    [[2.0 ** 52, -(2.0 ** 52)]], [[0.1, 0.2, 0.3]], [[1 / 3, 1e300]], [[-1e-12, 7]],
    np.round(np.random.default_rng(0).normal(size=(12, 12)), 2),
], ids=range(9))
def test_compact_round_trip_is_exact(M):
    M = np.asarray(M, dtype=float)
    spec = MatrixParam("input", DEFAULT_M, 12, 12)
    back, problem = spec.parse(spec.encode(M))
    assert problem is None and back.shape == M.shape and np.array_equal(back, M)


def test_compact_links_are_short_and_url_safe():
    from urllib.parse import quote

    from ui.matrix_input import format_matrix

    worst_small = np.full((12, 12), -9.75)
    code = encode_matrix(worst_small)
    assert quote(code, safe="") == code
    assert len(code) <= 5 + 144 * 3  # ≤ 3 characters a cell for two decimals under 100
    assert len(quote(format_matrix(worst_small, row_sep=";", col_sep=","), safe="")) > 2 * len(code)
    # never longer than the old text, escaped as a link escapes it
    for M in ([[1 / 3]], [[1e300, 1]], [[1e-9]], np.arange(6.0).reshape(2, 3)):
        legacy = format_matrix(M, row_sep=";", col_sep=",")
        assert len(quote(encode_matrix(M), safe="")) <= len(quote(legacy, safe=""))


@pytest.mark.parametrize("raw", ["1,2;3,4", "1 2\n3 4", "[[1,2],[3,4]]", "1, 2; 3, 4"])
def test_old_links_still_work(raw):
    values, problems = read_query(SPECS, {"input": raw})
    assert problems == [] and values["input"].tolist() == [[1, 2], [3, 4]]


@pytest.mark.parametrize("raw, code", [
    ("~10CCCEG", "matrix_bad_link_code"),        # cut off: 3 of 4 cells
    ("~10CCCEGII", "matrix_bad_link_code"),      # one cell too many
    ("~10CCCE!I", "matrix_bad_link_code"),       # not in the alphabet
    ("~10CC" + "g" * 40, "matrix_bad_link_code"),  # a varint that never ends
    ("~2", "matrix_bad_link_code"), ("~9xCCA", "matrix_bad_link_code"), ("~1", "matrix_bad_link_code"),
    ("~10AC", "matrix_bad_link_code"),           # zero rows
    ("~10FF" + "A" * 25, "matrix_too_large"),    # 5×5 on a 4×4 parameter: today's size rule
])
def test_damaged_or_oversize_codes_give_the_default_and_a_reason(raw, code):
    values, problems = read_query(SPECS, {"input": raw})
    assert np.array_equal(values["input"], DEFAULT_M)
    assert [(p.name, p.code, p.params["error"].code) for p in problems] == [("input", "invalid_matrix", code)]
    for lang in LANGUAGES:
        text = describe_problem(problems[0], BY_NAME["input"], lang)
        assert text and "{" not in text


# --------------------------------------------------------------------------- Streamlit glue (AppTest)

def _page():
    import numpy as np
    import streamlit as st

    from ui.matrix_input import matrix_editor
    from ui.url_state import ChoiceParam, IntParam, MatrixParam, init_from_url, sync_to_url

    specs = (IntParam("stride", 2, 1, 5), ChoiceParam("mode", "max", ("max", "avg")),
             MatrixParam("input", np.eye(2), 4, 4))
    init_from_url("demo", specs)
    st.slider("stride", 1, 5, key="demo.stride")
    st.selectbox("mode", ["max", "avg"], key="demo.mode")
    matrix_editor("input", key="demo.input", default=np.eye(2), max_rows=4, max_cols=4)
    sync_to_url("demo", specs)


def test_init_from_url_uses_good_values():
    at = AppTest.from_function(_page)
    at.query_params.update({"stride": "4", "mode": "avg", "input": "1,2;3,4", "lang": "en"})
    at.run()
    assert not at.exception and not at.warning
    assert at.slider(key="demo.stride").value == 4
    assert at.selectbox(key="demo.mode").value == "avg"
    assert at.text_area(key="demo.input").value == "1, 2\n3, 4"


@pytest.mark.parametrize("lang, needle", [("en", "is not valid; using 2"), ("zh", "无效；改用 2")])
def test_init_from_url_warns_about_a_tampered_value_and_uses_the_default(lang, needle):
    at = AppTest.from_function(_page)
    at.session_state["lang"] = lang
    at.query_params.update({"stride": "abc", "mode": "<script>x</script>", "input": "1,2;3"})
    at.run()
    assert not at.exception
    assert at.slider(key="demo.stride").value == 2
    assert at.selectbox(key="demo.mode").value == "max"
    assert at.text_area(key="demo.input").value == "1, 0\n0, 1"
    assert len(at.warning) == 3
    assert needle in at.warning[0].value
    assert all("<script>" not in w.value for w in at.warning)
    # warnings belong to the first run only; the values stay
    at.slider(key="demo.stride").set_value(3).run()
    assert not at.warning and at.slider(key="demo.stride").value == 3


@pytest.mark.parametrize("size, warnings", [(100_000, 2), (1_000_000, 0)])
def test_huge_url_values_are_harmless(size, warnings):
    # Streamlit itself drops query strings over 512 KiB (then: defaults, no warning).
    at = AppTest.from_function(_page)
    at.query_params.update({"stride": "9" * size, "input": "1," * (size // 2)})
    at.run()
    assert not at.exception and len(at.warning) == warnings
    assert all(len(w.value) < 400 for w in at.warning)
    assert at.slider(key="demo.stride").value == 2


def test_sync_to_url_writes_changed_values_and_keeps_lang():
    at = AppTest.from_function(_page)
    at.query_params.update({"lang": "zh", "stride": "abc"})
    at.run()
    assert at.query_params.get("lang") in ("zh", ["zh"])
    assert "stride" not in at.query_params  # the tampered value is gone; default not written
    at.slider(key="demo.stride").set_value(5).run()
    at.selectbox(key="demo.mode").set_value("avg").run()
    assert at.query_params["stride"] in ("5", ["5"]) and at.query_params["mode"] in ("avg", ["avg"])
    at.text_area(key="demo.input").input("1 2\n3 4").run()
    assert at.query_params["input"] in ("~10CCCEGI", ["~10CCCEGI"])
    at.text_area(key="demo.input").input("oops").run()  # invalid text: link keeps the last good matrix
    assert at.query_params["input"] in ("~10CCCEGI", ["~10CCCEGI"])
    assert len(at.error) == 1
    assert at.query_params.get("lang") in ("zh", ["zh"])


def _page_with_hidden_widgets():
    import streamlit as st

    from ui.url_state import IntParam, init_from_url, sync_to_url

    specs = (IntParam("stride", 2, 1, 5),)
    if st.checkbox("away", key="away"):  # as if the user were on another page
        return
    init_from_url("hid", specs)
    st.slider("stride", 1, 5, key="hid.stride")
    sync_to_url("hid", specs)


def test_values_come_back_after_the_widgets_were_gone():
    at = AppTest.from_function(_page_with_hidden_widgets)
    at.query_params["stride"] = "4"
    at.run()
    assert at.slider(key="hid.stride").value == 4
    at.slider(key="hid.stride").set_value(5).run()
    at.checkbox(key="away").check().run()
    at.run()
    assert "hid.stride" not in at.session_state  # Streamlit dropped the widget's state
    at.checkbox(key="away").uncheck().run()
    assert not at.exception and not at.warning
    assert at.slider(key="hid.stride").value == 5


# --------------------------------------------------------------------------- reconnect

def test_a_reconnect_keeps_the_values_the_browser_sends():
    """After a server restart or a failover the browser's first rerun carries what its widgets show.

    The link still holds the older values (stride 2, the identity); the user's move (stride 4,
    a new matrix) must win on the new session's first run, and the link follows it.
    """
    before = AppTest.from_function(_page)
    before.query_params.update({"stride": "2", "input": "1,0;0,1"})
    before.run()
    before.slider(key="demo.stride").set_value(4)
    before.text_area(key="demo.input").input("5 6\n7 8")
    sent = before._tree.get_widget_states()  # what the browser resends on reconnect

    after = AppTest.from_function(_page)  # a new session: the old one died with its server
    after.query_params.update({"stride": "2", "input": "1,0;0,1", "mode": "bad"})
    after._run(widget_state=sent)
    assert not after.exception
    assert after.slider(key="demo.stride").value == 4
    assert after.text_area(key="demo.input").value == "5 6\n7 8"
    assert after.selectbox(key="demo.mode").value == "max"
    assert not after.warning  # the browser's value replaced the bad one: nothing to warn about
    assert after.query_params["stride"] in ("4", ["4"])
    assert after.query_params["input"] in (encode_matrix([[5, 6], [7, 8]]), [encode_matrix([[5, 6], [7, 8]])])
    after.slider(key="demo.stride").set_value(5).run()  # the next move sticks too
    assert after.slider(key="demo.stride").value == 5 and after.query_params["stride"] in ("5", ["5"])


def test_a_new_tab_without_widget_values_still_follows_the_link():
    at = AppTest.from_function(_page)
    at.query_params.update({"stride": "3", "input": encode_matrix([[5, 6], [7, 8]])})
    at._run(widget_state=None)
    assert at.slider(key="demo.stride").value == 3
    assert at.text_area(key="demo.input").value == "5, 6\n7, 8"
