"""The preset menu: what it offers at a size, and that choosing fills the editor (and the link)."""

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from cnn_core.presets import input_preset, kernel_preset
from ui.i18n import LANGUAGES, translate
from ui.presets import available_presets, preset_matrix
from ui.url_state import decode_matrix

from tests.pages.conftest import choose_preset, preset_menu_markup, preset_names

EXAMPLE = [[1, 0], [0, -1]]


def test_preset_matrix():
    assert preset_matrix("example", "kernel", (3, 3), example=EXAMPLE).tolist() == EXAMPLE
    np.testing.assert_array_equal(preset_matrix("sobel_x", "kernel", (3, 3)), [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    assert preset_matrix("sobel_x", "kernel", (2, 2)).shape == (2, 3)
    assert preset_matrix("digit", "input", (4, 4)).shape == (5, 4)  # grown to fit the glyph
    np.testing.assert_array_equal(preset_matrix("random", "input", (3, 4), seed=5), input_preset("random", (3, 4), seed=5))
    with pytest.raises(ValueError):
        preset_matrix("example", "kernel", (3, 3))


def test_available_presets_respect_the_cap():
    two = available_presets("kernel", (2, 2), max_rows=2, max_cols=2)
    assert two == ["example", "identity", "mean", "gaussian", "random"]  # Sobel & co. need 3 columns or rows
    assert "sobel_x" in available_presets("kernel", (2, 2), max_rows=6, max_cols=6)
    assert "digit" not in available_presets("input", (4, 4), max_rows=4, max_cols=4)
    assert "digit" in available_presets("input", (4, 4), max_rows=12, max_cols=12)
    assert "example" not in available_presets("input", (4, 4), max_rows=8, max_cols=8, has_example=False)


def _app(kind="kernel", max_side=6, example=None, max_rows=None):
    import streamlit as st

    from ui.matrix_input import matrix_editor
    from ui.presets import preset_selector
    from ui.url_state import MatrixParam, init_from_url, sync_to_url

    example = example or [[1, 0], [0, -1]]
    rows = max_rows or max_side
    specs = (MatrixParam("kernel", example, rows, max_side),)
    init_from_url("t", specs)
    preset_selector("t.kernel", kind=kind, example=example, max_rows=rows, max_cols=max_side)
    matrix = matrix_editor("Kernel", key="t.kernel", default=example, max_rows=rows, max_cols=max_side)
    st.session_state["result"] = None if matrix is None else matrix.tolist()
    sync_to_url("t", specs)
    st.write("after")


def _run(lang="en", **kwargs):
    at = AppTest.from_function(_app, kwargs=kwargs)
    at.session_state["lang"] = lang
    return at.run()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_choosing_a_preset_fills_the_editor_and_the_link(lang):
    at = _run(lang)
    menu = preset_menu_markup(at, "t.kernel")
    assert f'<option value="" selected disabled>{translate(lang, "owndata.preset_placeholder")}</option>' in menu
    assert f'<span>{translate(lang, "owndata.preset_label")}</span>' in menu
    choose_preset(at, "t.kernel", "sobel_x")
    assert not at.exception and not at.error
    # the 2×2 example is too narrow for Sobel x: built at 2×3 (smoothing [1, 1], derivative [-1, 0, 1])
    assert at.session_state["result"] == [[-1, 0, 1], [-1, 0, 1]]
    linked, problem = decode_matrix(at.query_params["kernel"])   # the link's compact matrix code
    assert problem is None and linked.tolist() == [[-1, 0, 1], [-1, 0, 1]]
    assert preset_menu_markup(at, "t.kernel") == menu       # the menu is unchanged (its placeholder shown)
    loaded = translate(lang, "owndata.preset_loaded", name=translate(lang, "owndata.preset_sobel_x"))
    assert loaded in [c.value for c in at.caption]
    # a hand edit: the caption no longer claims the preset
    at.text_area(key="t.kernel").input("1 2 3\n4 5 6\n7 8 9").run()
    assert loaded not in [c.value for c in at.caption]
    choose_preset(at, "t.kernel", "laplacian")
    assert at.session_state["result"] == kernel_preset("laplacian", 3).tolist()
    choose_preset(at, "t.kernel", "example")
    assert at.session_state["result"] == EXAMPLE and "kernel" not in at.query_params


def test_the_example_preset_of_a_long_signal_comes_back_whole():
    # a 1 × 18 signal in an editor capped at 1 × 32 (the transposed page's 1-D section): wider than the
    # default 12 × 12 cap of a typed matrix, so the example must be read with the editor's own cap
    signal = [[0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 4, 1, 1, 1, 1, 0, 0]]
    at = _run(kind="input", max_side=32, max_rows=1, example=signal)
    choose_preset(at, "t.kernel", "ramp" if "ramp" in preset_names(at, "t.kernel") else "random")
    assert not at.exception and at.session_state["result"] != signal
    choose_preset(at, "t.kernel", "example")
    assert not at.exception and not at.error
    assert at.session_state["result"] == signal


def test_random_preset_follows_the_seed():
    at = _run()
    assert not at.number_input                                 # no seed box until a random matrix is shown
    choose_preset(at, "t.kernel", "random")
    assert at.session_state["result"] == kernel_preset("random", (2, 2), seed=0).tolist()
    at.number_input(key="t.kernel.seed").set_value(4).run()  # shown random matrix: regenerated
    assert at.session_state["result"] == kernel_preset("random", (2, 2), seed=4).tolist()
    choose_preset(at, "t.kernel", "random")   # chosen again: the same seed, the same matrix
    assert at.session_state["result"] == kernel_preset("random", (2, 2), seed=4).tolist()
    at.text_area(key="t.kernel").input("9 9\n9 9").run()        # hand-edited: the seed box goes, the text stays
    assert at.session_state["result"] == [[9, 9], [9, 9]] and not at.number_input
    choose_preset(at, "t.kernel", "sobel_x" if "sobel_x" in preset_names(at, "t.kernel") else "identity")
    assert not at.number_input and not at.exception             # a fixed preset has no seed


def test_a_preset_uses_the_example_size_when_the_text_is_broken():
    at = _run(kind="input", max_side=8)
    at.text_area(key="t.kernel").input("1 2\n3").run()
    assert len(at.error) == 1
    choose_preset(at, "t.kernel", "checkerboard")
    assert not at.error and at.session_state["result"] == [[0, 1], [1, 0]]


def test_the_menu_names_are_translated():
    at = _run("zh")
    menu = preset_menu_markup(at, "t.kernel")
    assert f'<option value="gaussian">{translate("zh", "owndata.preset_gaussian")}</option>' in menu
    assert '<option value="random">随机整数（-2 到 2）</option>' in menu


@pytest.mark.parametrize("name", ["<b>x</b>", "sobel_y ", "", None, 3, ["random"], "__class__"])
def test_a_name_the_menu_did_not_offer_changes_nothing(name):
    """The menu's message is the browser's: only a name it listed is applied (ui.presets.apply_pick)."""
    from ui.presets import apply_pick

    at = _run()
    before = at.text_area(key="t.kernel").value
    assert not apply_pick(at.session_state, "t.kernel", name)
    at.run()
    assert not at.exception and at.session_state["result"] == EXAMPLE and at.text_area(key="t.kernel").value == before


def test_a_menu_that_cannot_fit_a_preset_does_not_offer_it():
    """A 2-column cap offers no Sobel (3 columns): picking it anyway (a tampered message) changes nothing."""
    from ui.presets import apply_pick

    at = _run(max_side=2)
    assert "sobel_x" not in preset_names(at, "t.kernel") and "identity" in preset_names(at, "t.kernel")
    assert not apply_pick(at.session_state, "t.kernel", "sobel_x")


def test_the_menu_markup_escapes_its_texts():
    from ui.components.action_menu import menu_html, picked

    markup = menu_html('<img src=x onerror="1">', [("a", "<b>A</b>")], "<i>choose</i>", help='"help"')
    assert "<img" not in markup and "<b>" not in markup and "<i>" not in markup
    assert '<option value="a">&lt;b&gt;A&lt;/b&gt;</option>' in markup and 'title="&quot;help&quot;"' in markup
    assert menu_html("L", [("a", "A")], "p") == menu_html("L", [("a", "A")], "p")   # the same markup: not rebuilt
    assert picked({"k": {"pick": "a"}}, "k") == "a"
    assert picked({"k": {"pick": 3}}, "k") is None and picked({"k": None}, "k") is None and picked({}, "k") is None
