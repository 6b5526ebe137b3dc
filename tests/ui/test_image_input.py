"""Uploaded images -> matrices: good files, and every kind of bad file, built in the test."""

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from ui.i18n import LANGUAGES, catalog, explain_error
from ui.image_input import MAX_BYTES, MAX_PIXELS, ImageError, decode_image

CODES = ["image_empty", "image_too_many_bytes", "image_not_an_image", "image_too_many_pixels", "image_bomb",
         "image_broken"]


def encode(img: Image.Image, fmt: str = "PNG", **save) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **save)
    return buf.getvalue()


def gray(a) -> Image.Image:
    return Image.fromarray(np.asarray(a, dtype=np.uint8))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims width×height pixels: signature, IHDR, IEND — no pixel data at all."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grayscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def code_of(data, **kw) -> str:
    with pytest.raises(ImageError) as info:
        decode_image(data, **kw)
    assert isinstance(info.value, ValueError)
    return info.value.code


# --------------------------------------------------------------------------- good files

def test_an_image_of_the_target_size_comes_back_exactly():
    a = np.arange(144).reshape(12, 12)
    out = decode_image(encode(gray(a)), size=(12, 12), scale="byte")
    assert out.dtype == np.float64 and out.shape == (12, 12)
    np.testing.assert_array_equal(out, a)


def test_unit_scale_is_byte_over_255_rounded_to_two_decimals():
    out = decode_image(encode(gray([[0, 128, 255]])), size=(1, 3), scale="unit")
    assert out.tolist() == [[0.0, 0.5, 1.0]]


def test_shrinking_averages_blocks():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 256, size=(24, 24))
    out = decode_image(encode(gray(a)), size=(12, 12), scale="byte")
    blocks = a.reshape(12, 2, 12, 2).mean(axis=(1, 3))  # the 2×2 block means
    assert np.abs(out - blocks).max() <= 1  # whole bytes (Pillow rounds in fixed point)


def test_a_wide_image_is_cropped_to_its_centre():
    a = np.zeros((10, 30), dtype=np.uint8)
    a[:, 10:20] = 200  # the middle third is the only bright part
    out = decode_image(encode(gray(a)), size=(10, 10), scale="byte")
    np.testing.assert_array_equal(out, np.full((10, 10), 200.0))


def test_grayscale_is_pillows_luma_and_rgb_keeps_the_channels():
    red = Image.new("RGB", (2, 2), (255, 0, 0))
    # ITU-R 601-2: L = 0.299 R + 0.587 G + 0.114 B -> 0.299 * 255 = 76.2
    assert decode_image(encode(red), size=(2, 2), scale="byte").tolist() == [[76, 76], [76, 76]]
    rgb = decode_image(encode(red), channels=3, size=(2, 2), scale="byte")
    assert rgb.shape == (3, 2, 2)
    assert rgb[0].tolist() == [[255, 255]] * 2 and rgb[1].sum() == 0 and rgb[2].sum() == 0


def test_palette_image_is_expanded():
    img = Image.new("P", (3, 1))
    img.putpalette([0, 0, 0, 255, 255, 255, 0, 0, 255] + [0] * (256 * 3 - 9))
    img.putdata([0, 1, 2])
    out = decode_image(encode(img), size=(1, 3), scale="byte")
    assert out.tolist() == [[0, 255, 29]]  # blue: 0.114 * 255 = 29.07


def test_palette_transparency_counts_as_white():
    img = Image.new("P", (2, 1))
    img.putpalette([0, 0, 0, 10, 10, 10] + [0] * (256 * 3 - 6))
    img.putdata([0, 1])
    img.info["transparency"] = 0
    out = decode_image(encode(img, transparency=0), size=(1, 2), scale="byte")
    assert out.tolist() == [[255, 10]]


def test_alpha_is_composited_on_white():
    img = Image.new("RGBA", (3, 1))
    img.putdata([(0, 0, 0, 0), (0, 0, 0, 255), (0, 0, 0, 128)])
    out = decode_image(encode(img), size=(1, 3), scale="byte")
    # over white: 255·(1 − α/255) for black ink -> 255, 0, 127
    assert out[0, 0] == 255 and out[0, 1] == 0 and abs(out[0, 2] - 127) <= 1


def test_exif_orientation_turns_the_photo_upright():
    # stored 4 wide × 2 tall, left half black; EXIF 6 = "rotate 90° clockwise to display"
    stored = np.zeros((2, 4), dtype=np.uint8)
    stored[:, 2:] = 255
    exif = Image.Exif()
    exif[0x0112] = 6
    data = encode(gray(stored), exif=exif.tobytes())
    out = decode_image(data, size=(4, 2), scale="byte")
    # turned clockwise, the left columns become the top rows: displayed 2 wide × 4 tall
    assert out.tolist() == [[0, 0], [0, 0], [255, 255], [255, 255]]
    # without the tag the same pixels are read as stored
    assert decode_image(encode(gray(stored)), size=(2, 4), scale="byte").tolist() == stored.tolist()


def test_exif_orientation_in_a_jpeg():
    stored = np.zeros((16, 32), dtype=np.uint8)
    stored[:, 16:] = 255
    exif = Image.Exif()
    exif[0x0112] = 8  # rotate 90° counter-clockwise: the left columns go to the bottom
    out = decode_image(encode(gray(stored), "JPEG", exif=exif.tobytes(), quality=95), size=(4, 2), scale="byte")
    assert out[:2].min() > 230 and out[2:].max() < 25


def test_animated_gif_gives_its_first_frame():
    frames = [Image.new("L", (4, 4), 0), Image.new("L", (4, 4), 255), Image.new("L", (4, 4), 128)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert Image.open(io.BytesIO(data)).n_frames == 3
    np.testing.assert_array_equal(decode_image(data, size=(4, 4), scale="byte"), np.zeros((4, 4)))


def test_sixteen_bit_png_is_scaled_to_bytes():
    a = np.array([[0, 32896, 65535]], dtype=np.uint16)
    img = Image.fromarray(a)
    assert img.mode == "I;16"
    data = encode(img)
    assert decode_image(data, size=(1, 3), scale="byte").tolist() == [[0, 128, 255]]


# --------------------------------------------------------------------------- bad files

def test_zero_bytes():
    assert code_of(b"") == "image_empty"


@pytest.mark.parametrize("data", [b"hello world", b"1, 2\n3, 4\n", b"%PDF-1.4\n%...", b"\x00" * 100,
                                  b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"\x89PNG\r\n\x1a\n"])
def test_not_an_image(data):
    assert code_of(data) == "image_not_an_image"


def test_a_renamed_text_file():
    # what matters is the content: a .png name on a text file changes nothing
    at = _upload_app().run()
    at.file_uploader(key="t.up.file").set_value(("matrix.png", b"1 2\n3 4\n", "image/png")).run()
    assert not at.exception and len(at.error) == 1
    assert "not an image" in at.error[0].value
    assert code_of(b"1 2\n3 4\n") == "image_not_an_image"


def test_truncated_png():
    noisy = np.random.default_rng(1).integers(0, 256, size=(64, 64))
    data = encode(gray(noisy))
    assert code_of(data[: len(data) // 2]) == "image_broken"


def test_truncated_jpeg():
    noisy = np.random.default_rng(2).integers(0, 256, size=(64, 64))
    data = encode(gray(noisy), "JPEG")
    assert code_of(data[: len(data) // 2]) == "image_broken"


def test_too_many_pixels_is_refused_from_the_header_alone(monkeypatch):
    # 5000×5000 = 25 M pixels > MAX_PIXELS; the file has no pixel data at all, so reaching load()
    # would give image_broken instead: the refusal happens before decoding
    loads = []
    monkeypatch.setattr(Image.Image, "load", lambda self: loads.append(1))
    with pytest.raises(ImageError) as info:
        decode_image(png_header_only(5000, 5000))
    assert info.value.code == "image_too_many_pixels"
    assert (info.value.params["width"], info.value.params["height"]) == (5000, 5000)
    assert loads == []


def test_twenty_thousand_squared_is_a_decompression_bomb():
    assert 20000 * 20000 > 2 * Image.MAX_IMAGE_PIXELS  # Pillow refuses it in open() already
    assert code_of(png_header_only(20000, 20000)) == "image_bomb"


def test_just_under_the_cap_is_not_refused_for_its_size():
    side = int(MAX_PIXELS ** 0.5)
    assert code_of(png_header_only(side, side)) == "image_broken"  # no pixel data: broken, not too big


def test_too_many_bytes():
    with pytest.raises(ImageError) as info:
        decode_image(b"\x89PNG" + b"\x00" * MAX_BYTES)
    assert info.value.code == "image_too_many_bytes"
    assert info.value.params["max_mb"] == "5"


def test_random_damage_never_escapes_as_another_exception():
    good = encode(gray(np.random.default_rng(3).integers(0, 256, size=(16, 16))))
    rng = np.random.default_rng(4)
    for _ in range(60):
        data = bytearray(good)
        for pos in rng.integers(8, len(data), size=3):
            data[pos] = int(rng.integers(0, 256))
        try:
            out = decode_image(bytes(data), size=(4, 4))
        except ImageError:
            continue
        assert out.shape == (4, 4) and np.isfinite(out).all()


@pytest.mark.parametrize("kwargs", [{"channels": 2}, {"scale": "percent"}, {"size": (0, 4)}, {"size": (100, 4)}])
def test_bad_arguments_are_programming_errors(kwargs):
    with pytest.raises(ValueError) as info:
        decode_image(b"x", **kwargs)
    assert not isinstance(info.value, ImageError)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_code_has_a_sentence(lang):
    for code in CODES:
        assert f"errors.{code}" in catalog(lang)
    err = ImageError("image_too_many_pixels", "x", width=5000, height=5000, max_pixels="16,000,000")
    assert "5000×5000" in explain_error(err, lang)


# --------------------------------------------------------------------------- widget (AppTest)

def _upload_app():
    def app():
        import streamlit as st

        from ui.image_input import image_uploader
        from ui.matrix_input import matrix_editor

        st.session_state["shown"] = image_uploader("t.input", key="t.up", size=(4, 4))
        matrix = matrix_editor("Input", key="t.input", default=[[1, 2], [3, 4]], max_rows=4, max_cols=4)
        st.session_state["result"] = None if matrix is None else matrix.tolist()
        st.write("after")

    at = AppTest.from_function(app)
    at.session_state["t.up.open"] = True   # the panel is drawn only while open
    return at


def test_uploading_shows_the_matrix_and_use_fills_the_editor():
    at = _upload_app().run()
    assert not at.exception and at.session_state["result"] == [[1, 2], [3, 4]]
    img = np.repeat(np.repeat(np.array([[0, 255], [255, 0]], dtype=np.uint8), 4, axis=0), 4, axis=1)  # 8×8
    at.file_uploader(key="t.up.file").set_value(("x.png", encode(gray(img)), "image/png")).run()
    assert not at.exception and not at.error
    # shown before use, the editor is unchanged
    assert at.session_state["result"] == [[1, 2], [3, 4]]
    expected = [[0, 0, 1, 1], [0, 0, 1, 1], [1, 1, 0, 0], [1, 1, 0, 0]]
    np.testing.assert_array_equal(at.session_state["shown"], expected)
    at.button(key="t.up.use").click().run()
    assert at.session_state["result"] == expected
    at.radio(key="t.up.scale").set_value("byte").run()
    at.button(key="t.up.use").click().run()
    assert at.session_state["result"] == (np.array(expected) * 255).tolist()


def test_use_reads_the_file_and_scale_of_its_own_run():
    # the scale changed and the button pressed before any run in between (a click that interrupts a run):
    # the callback decodes what this run carries, not what an earlier run showed
    at = _upload_app().run()
    img = np.repeat(np.repeat(np.array([[0, 255], [255, 0]], dtype=np.uint8), 4, axis=0), 4, axis=1)
    at.file_uploader(key="t.up.file").set_value(("x.png", encode(gray(img)), "image/png")).run()
    at.radio(key="t.up.scale").set_value("byte")
    at.button(key="t.up.use").click().run()
    assert not at.exception
    assert at.session_state["result"] == [[0, 0, 255, 255], [0, 0, 255, 255], [255, 255, 0, 0], [255, 255, 0, 0]]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_broken_upload_is_explained_and_the_page_keeps_working(lang):
    at = _upload_app()
    at.session_state["lang"] = lang
    at.run()
    at.file_uploader(key="t.up.file").set_value(("big.png", png_header_only(20000, 20000), "image/png")).run()
    assert not at.exception and len(at.error) == 1
    assert at.error[0].value == explain_error(ImageError("image_bomb", "", max_pixels=f"{MAX_PIXELS:,}"), lang)
    assert at.session_state["result"] == [[1, 2], [3, 4]] and at.markdown[-1].value == "after"
    assert not at.button  # nothing to use


def _rgb_app():
    import streamlit as st

    from ui.image_input import image_uploader
    from ui.matrix_input import matrix_editor

    image_uploader(["t.r", "t.g", "t.b"], key="t.up", size=(2, 2))
    st.session_state["result"] = [None if m is None else m.tolist() for m in
                                  (matrix_editor(c, key=f"t.{c}", default=[[0]], max_rows=4, max_cols=4)
                                   for c in "rgb")]


def test_three_channels_fill_three_editors():
    at = AppTest.from_function(_rgb_app)
    at.session_state["t.up.open"] = True
    at.run()
    img = Image.new("RGB", (2, 2), (255, 0, 0))
    img.putpixel((1, 1), (0, 128, 255))
    at.file_uploader(key="t.up.file").set_value(("c.png", encode(img), "image/png")).run()
    assert not at.exception and not at.error
    assert at.radio(key="t.up.scale").value == "unit"
    at.button(key="t.up.use").click().run()
    assert at.session_state["result"] == [[[1, 1], [1, 0]], [[0, 0], [0, 0.5]], [[0, 0], [0, 1]]]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_empty_upload_is_explained(lang):
    at = _upload_app()
    at.session_state["lang"] = lang
    at.run()
    at.file_uploader(key="t.up.file").set_value(("empty.png", b"", "image/png")).run()
    assert not at.exception and len(at.error) == 1
    assert at.error[0].value == translate_error("image_empty", lang)


def translate_error(code, lang):
    return explain_error(ImageError(code, ""), lang)


def test_a_large_jpeg_photo_is_decoded_small_and_right():
    # 2000×1500 photo: left half dark, right half bright; decoded at reduced scale, then averaged
    a = np.full((1500, 2000), 30, np.uint8)
    a[:, 1000:] = 220
    out = decode_image(encode(gray(a), "JPEG", quality=90), size=(6, 6), scale="byte")
    # centre crop 1500×1500 (columns 250..1750): columns 1–3 dark, 4–6 bright
    assert np.abs(out[:, :3] - 30).max() <= 3 and np.abs(out[:, 3:] - 220).max() <= 3


def test_the_panel_is_drawn_only_while_open_and_keeps_the_scale():
    """#14 round 13: closed, the panel sends its header only (its uploader and scale radio were ~190 React components
    every pass of the page re-rendered); opened, they are drawn; a chosen scale outlives a close (the file does not)."""
    at = _upload_app()
    at.session_state["t.up.open"] = False
    at.run()
    assert not at.exception and not at.get("file_uploader") and not at.radio
    assert at.session_state["shown"] is None and at.markdown[-1].value == "after"
    at.session_state["t.up.open"] = True
    at.run()
    assert len(at.get("file_uploader")) == 1 and at.radio(key="t.up.scale").value == "unit"
    at.radio(key="t.up.scale").set_value("byte").run()
    at.session_state["t.up.open"] = False
    at.run()
    assert not at.radio and at.session_state["t.up.scale"] == "byte"
    at.session_state["t.up.open"] = True
    at.run()
    assert at.radio(key="t.up.scale").value == "byte"
