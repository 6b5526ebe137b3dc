"""#13 on the topic pages that have no own-data test of their own: presets next to the kernels and
inputs, the grid under every matrix box with its cap stated, in both languages.

References: ``cnn_core.presets`` (the preset matrices, computed independently of the menu) and the
page's cap constants; conv_single, conv_multi and transposed test theirs in their own files.
"""

from __future__ import annotations

import numpy as np
import pytest

from cnn_core.presets import input_preset, kernel_preset
from ui.i18n import translate
from ui.matrix_input import parse_matrix

from .conftest import choose_preset, no_exception, open_page, preset_menu_markup

# (page, editor key, kind, preset, the matrix the preset must write, reference)
CASES = [
    ("pooling", "pooling.input", "input", "checkerboard", lambda: input_preset("checkerboard", (4, 4))),
    ("conv_backward", "conv_backward.x", "input", "diagonal_edge", lambda: input_preset("diagonal_edge", (4, 4))),
    ("conv_backward", "conv_backward.w", "kernel", "laplacian", lambda: kernel_preset("laplacian", (3, 3))),
    # a dense layer's identity is the identity map np.eye (not the centred identity filter)
    ("dense", "dense.W", "weights", "identity", lambda: np.eye(3)),
]


def _matrix(at, key: str) -> np.ndarray:
    result = parse_matrix(at.text_area(key=key).value, max_rows=100, max_cols=100)
    assert result.matrix is not None, result.error
    return result.matrix


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("page", "editor", "kind", "preset", "reference"), CASES,
                         ids=[f"{c[0]}-{c[1].split('.')[-1]}-{c[3]}" for c in CASES])
def test_a_preset_fills_the_box_and_the_page_uses_it(page, editor, kind, preset, reference, lang):
    # conv_backward's preset reruns its column and the results by name (#14 round 10): an AppTest's part-only run
    # has no page list, so the ∂E/∂x tab's link to "Check my work" cannot be found there (the browser's can): σ′ tab
    at = open_page(page, lang, query={"tab": "act"} if page == "conv_backward" else None)
    no_exception(at)
    # the text's example keeps its size where the preset has one of that size (the 2×2 kernel of the
    # backward page gets the 3×3 Laplacian: it has no 2×2 form)
    assert _matrix(at, editor).shape == (reference().shape if editor != "conv_backward.w" else (2, 2))
    assert f'<span>{translate(lang, "owndata.preset_label")}</span>' in preset_menu_markup(at, editor)
    choose_preset(at, editor, preset)
    if page == "pooling":
        # its input reruns the page's part (ui.frame.PAGE_PART, not the frame): AppTest builds the app's page list
        # anew on every run, so such a rerun cannot draw the page's link to the checker there (the browser keeps
        # it: tests/e2e/test_pooling_browser.py); the page's full run
        at.run()
    no_exception(at)
    np.testing.assert_array_equal(_matrix(at, editor), reference())
    assert not at.error
    assert at.query_params.get(editor.split(".", 1)[1])                  # the link carries the new matrix


# the cap each page states for its boxes (its max_rows × max_cols)
GRIDS = [("pooling", "pooling.input", 12, 12), ("conv_backward", "conv_backward.w", 5, 5),
         ("dense", "dense.W", 8, 8)]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("page", "editor", "most_rows", "most_cols"), GRIDS, ids=[g[0] for g in GRIDS])
def test_the_grid_states_the_cap_and_grows_up_to_it(page, editor, most_rows, most_cols, lang):
    import json

    from ui.components.grid_editor import component_key

    def grid():
        (el,) = [el for el in at.main.get("bidi_component") if el.key == component_key(editor)]
        return json.loads(el.proto.json)

    at = open_page(page, lang)
    rows, cols = _matrix(at, editor).shape
    # dense's setup box and conv_backward's editors box have one toggle for their editors' grids (#14 round 13)
    at.toggle(key=f"{page}.grid_on" if page in ("dense", "conv_backward") else f"{editor}.grid_on").set_value(True).run()
    no_exception(at)
    data = grid()
    assert data["caption"] == translate(lang, "owndata.grid_caption", rows=rows, cols=cols, max_rows=most_rows,
                                        max_cols=most_cols)
    assert np.array(data["cells"], dtype=float).tolist() == _matrix(at, editor).tolist()
    assert data["can"]["add_row"] and data["can"]["add_col"]
    # at the page's cap the grid offers no more rows or columns (its buttons send resize events: e2e)
    at.text_area(key=editor).input("\n".join([", ".join(["1"] * most_cols)] * most_rows)).run()
    if page == "pooling":
        at.run()   # its input reruns the page's part: see test_a_preset_fills_the_box_and_the_page_uses_it
    no_exception(at)
    data = grid()
    assert not data["can"]["add_row"] and not data["can"]["add_col"] and data["can"]["remove_row"]
    assert data["caption"] == translate(lang, "owndata.grid_caption", rows=most_rows, cols=most_cols,
                                        max_rows=most_rows, max_cols=most_cols)


# --------------------------------------------------------------------------- an RGB image on the multi-channel page

def _png(pixels: np.ndarray) -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(pixels.astype(np.uint8)).save(buf, format="PNG")
    return buf.getvalue()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_rgb_image_becomes_the_three_input_channels_and_bad_files_are_explained(lang):
    import struct
    import zlib

    at = open_page("conv_multi", lang)
    no_exception(at)
    at.session_state["conv_multi.upload.open"] = True   # the panel is drawn only while open
    at.run()
    # only the open channel's editor is drawn; the others keep their text in the session (ui/multi_editors.py)
    before = [at.session_state[f"conv_multi.x{c}"] for c in (1, 2, 3)]

    def upload(name, data):
        at.file_uploader(key="conv_multi.upload.file").set_value((name, data, "image/png")).run()

    # bad files first: each gets its translated message, the page keeps its numbers
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    # a PNG that claims 20000×20000 pixels (header only, no pixel data)
    huge = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 20000, 20000, 8, 0, 0, 0, 0))
            + chunk(b"IEND", b""))
    good = _png(np.random.default_rng(0).integers(0, 256, (64, 64, 3)))  # noise: the pixel data is most of the file
    for name, data, code in (("empty.png", b"", "image_empty"), ("notes.png", b"1 2\n3 4\n", "image_not_an_image"),
                             ("cut.png", good[: len(good) // 2], "image_broken"), ("huge.png", huge, "image_bomb")):
        upload(name, data)
        no_exception(at)
        errors = [e.value for e in at.error]
        assert any(e.startswith(translate(lang, f"errors.{code}").split("{")[0]) for e in errors), (name, errors)
        assert [at.session_state[f"conv_multi.x{c}"] for c in (1, 2, 3)] == before
        assert at.main.get("bidi_component")                                       # the worked example is still there
    # an 8×8 RGB image: red on the left half, green on the top half, no blue
    rgb = np.zeros((8, 8, 3))
    rgb[:, :4, 0] = 255
    rgb[:4, :, 1] = 255
    upload("rgb.png", _png(rgb))
    at.radio(key="conv_multi.upload.scale").set_value("byte").run()
    at.button(key="conv_multi.upload.use").click().run()
    no_exception(at)
    for c in range(3):
        drawn = parse_matrix(at.session_state[f"conv_multi.x{c + 1}"], max_rows=100, max_cols=100).matrix
        np.testing.assert_array_equal(drawn, rgb[:, :, c])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_image_on_the_training_page_is_classified_and_a_bad_file_is_explained(lang):
    from cnn_core import tiny_cnn

    at = open_page("training", lang)
    at.session_state["training.upload.open"] = True   # the panel is drawn only while open
    at.toggle(key="training.own_on").set_value(True).run()
    no_exception(at)
    before = at.text_area(key="training.own").value
    at.file_uploader(key="training.upload.file").set_value(("notes.png", b"1 2\n3 4\n", "image/png")).run()
    no_exception(at)
    assert translate(lang, "errors.image_not_an_image") in [e.value for e in at.error]
    assert at.text_area(key="training.own").value == before
    # an 8×8 image of the third glyph (values 0/1 -> 0/255): unit scale gives the glyph back
    glyph = tiny_cnn.glyph_templates()[2]
    at.file_uploader(key="training.upload.file").set_value(("glyph.png", _png(glyph * 255), "image/png")).run()
    at.button(key="training.upload.use").click().run()
    no_exception(at)
    np.testing.assert_array_equal(_matrix(at, "training.own"), glyph)
    assert not at.error


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_padding_pages_code_gives_its_output_size(lang):
    # SAME padding (TensorFlow's rule): the output is ⌈n / s⌉ per axis, here ⌈6/2⌉ × ⌈5/2⌉ = 3 × 3
    at = open_page("padding", lang, query={"mode": "same", "h": "6", "w": "5", "k": "3", "s": "2"})
    no_exception(at)
    at.session_state["padding.code_open"] = True   # the library code panel is built only while open
    at.run()
    torch_code, numpy_code = (el.value for el in at.code if "print(shape)" in el.value)
    # total padding (O − 1)·s + k − n: rows 2·2 + 3 − 6 = 1 (all at the bottom), columns 2·2 + 3 − 5 = 2 (1 + 1)
    assert "F.pad(x, (1, 1, 0, 1))" in torch_code
    scope: dict = {}
    exec(numpy_code, scope)  # noqa: S102 - the app's own snippet, run here only to check its numbers
    assert scope["shape"] == (3, 3)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_one_row_inputs_and_filters_have_presets_too(lang):
    # the dense layer's input vector
    at = open_page("dense", lang)
    choose_preset(at, "dense.zprev", "checkerboard")
    no_exception(at)
    assert _matrix(at, "dense.zprev").tolist() == [input_preset("checkerboard", (1, 3)).ravel().tolist()]
    # the 1-D page: the Gaussian filter [1/4, 1/2, 1/4] and a checkerboard signal 0 1 0 1 …
    at = open_page("transposed", lang, query={"filter": "custom", "mode": "valid"})
    choose_preset(at, "transposed.custom", "gaussian")
    choose_preset(at, "transposed.signal", "checkerboard")
    no_exception(at)
    at.run()   # the signal's preset reruns only the signal's editor and results: the page again, the filter with it
    no_exception(at)
    assert _matrix(at, "transposed.custom").tolist() == [[0.25, 0.5, 0.25]]
    signal = _matrix(at, "transposed.signal")[0]
    assert signal.tolist() == [float(i % 2) for i in range(18)]
    assert not at.error
