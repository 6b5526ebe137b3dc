"""Images as input matrices: a safe decoder (pure) and an upload widget.

:func:`decode_image` turns the bytes of an uploaded file into a small matrix, in this order:

1. refuse empty files and files over :data:`MAX_BYTES`;
2. ``Image.open`` (only PNG, JPEG, GIF, BMP decoders are tried) reads the **header only**;
   an image over :data:`MAX_PIXELS` is refused before any pixel is decoded, and Pillow's own
   decompression-bomb guard (``DecompressionBombError``, and its warning, turned into an
   error) is caught too;
3. the first frame of an animated image is taken; the pixels are decoded (truncated or
   corrupt data -> ``image_broken``);
4. the EXIF orientation is applied (``ImageOps.exif_transpose``: a phone photo stands upright);
5. palette images are expanded, transparency is composited on white, 16-bit images are
   scaled to 8 bits; then grayscale (ITU-R 601-2 luma, Pillow's ``"L"``) or RGB;
6. the centre is cropped to the target's aspect ratio and resized with area averaging
   (``BOX``) to exactly ``size``;
7. values as ``"byte"`` integers 0–255 or ``"unit"`` = byte/255 rounded to 2 decimals
   (short enough to read and to fit the matrix text boxes).

Failures raise :class:`ImageError` (a ``CoreValueError``) whose ``code`` is translated by
:func:`ui.i18n.explain_error` (``errors.image_*``).
"""

from __future__ import annotations

import io
import struct
import warnings
from typing import Callable, Literal, Sequence

import numpy as np

from cnn_core.errors import CoreValueError

__all__ = ["MAX_BYTES", "MAX_PIXELS", "FORMATS", "UPLOAD_TYPES", "ImageError", "decode_image", "image_uploader"]

#: Largest file accepted (bytes). The uploader states it in MB.
MAX_BYTES = 5 * 1024 * 1024
#: Largest image accepted, in pixels (width × height), checked on the header before decoding.
MAX_PIXELS = 4000 * 4000
#: Pillow decoders that may be tried on an upload (nothing else is even identified).
FORMATS: tuple[str, ...] = ("PNG", "JPEG", "GIF", "BMP")
#: File name endings offered by the upload widget.
UPLOAD_TYPES: tuple[str, ...] = ("png", "jpg", "jpeg", "gif", "bmp")
#: Decimals kept for ``scale="unit"``.
UNIT_DECIMALS = 2


class ImageError(CoreValueError):
    """Why an uploaded file cannot be used: ``code`` is ``image_empty``, ``image_too_many_bytes``
    (``size_mb``, ``max_mb``), ``image_not_an_image``, ``image_too_many_pixels`` (``width``,
    ``height``, ``max_pixels``), ``image_bomb`` (``max_pixels``) or ``image_broken``."""


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def _check_target(channels: int, size: Sequence[int], scale: str) -> tuple[int, int]:
    if channels not in (1, 3):
        raise ValueError(f"channels must be 1 or 3, got {channels!r}")
    if scale not in ("unit", "byte"):
        raise ValueError(f"scale must be 'unit' or 'byte', got {scale!r}")
    h, w = (int(v) for v in size)
    if not (1 <= h <= 64 and 1 <= w <= 64):
        raise ValueError(f"size must be between 1x1 and 64x64, got {h}x{w}")
    return h, w


def _to_rgb_or_l(img, channels: int):
    """Any Pillow mode -> "L" or "RGB": palette expanded, alpha on white, 16-bit scaled."""
    from PIL import Image

    if img.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        a = np.asarray(img, dtype=np.float64)
        top = 65535.0 if img.mode.startswith("I;16") or (a.size and a.max() > 255) else 255.0
        img = Image.fromarray(np.clip(np.rint(a * 255.0 / top), 0, 255).astype(np.uint8))
    if img.mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    elif img.mode in ("L", "1") and "transparency" in img.info:
        img = img.convert("LA")
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, rgba)
    return img.convert("L" if channels == 1 else "RGB")


def _crop_to_aspect(img, h: int, w: int):
    """The centred part of ``img`` with the aspect ratio w:h (the whole image if it already has it)."""
    iw, ih = img.size
    if iw * h > ih * w:  # too wide
        new_w = max(1, round(ih * w / h))
        left = (iw - new_w) // 2
        return img.crop((left, 0, left + new_w, ih))
    if iw * h < ih * w:  # too tall
        new_h = max(1, round(iw * h / w))
        top = (ih - new_h) // 2
        return img.crop((0, top, iw, top + new_h))
    return img


def decode_image(data: bytes, *, channels: Literal[1, 3] = 1, size: Sequence[int] = (12, 12),
                 scale: Literal["unit", "byte"] = "unit") -> np.ndarray:
    """The bytes of an image file as a small matrix (see the module docstring for the steps).

    Parameters
    ----------
    data : bytes
        The uploaded file's content (never trusted: any bytes are fine).
    channels : 1 or 3
        Grayscale or RGB.
    size : (h, w)
        Output size; the image is centre-cropped to this aspect ratio and resized.
    scale : "unit" or "byte"
        Values in [0, 1] (byte/255 rounded to 2 decimals) or integers 0–255.

    Returns
    -------
    np.ndarray, float64, shape (h, w) for ``channels=1``, (3, h, w) for ``channels=3`` (CHW)

    Raises
    ------
    ImageError
        For every problem of the file (translated codes ``image_*``).
    ValueError
        For bad arguments (a programming error, not a user's file).
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    h, w = _check_target(channels, size, scale)
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ValueError(f"data must be bytes, got {type(data).__name__}")
    n = len(data)
    if n == 0:
        raise ImageError("image_empty", "the file is empty")
    if n > MAX_BYTES:
        raise ImageError("image_too_many_bytes", f"{n} bytes, at most {MAX_BYTES}",
                         size_mb=_mb(n), max_mb=_mb(MAX_BYTES))
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            img = Image.open(io.BytesIO(bytes(data)), formats=list(FORMATS))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageError("image_bomb", "Pillow's decompression-bomb guard refused the header",
                             max_pixels=f"{MAX_PIXELS:,}") from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise ImageError("image_not_an_image", "not a PNG, JPEG, GIF or BMP image") from None
        with img:
            iw, ih = img.size
            if iw * ih > MAX_PIXELS or iw < 1 or ih < 1:
                raise ImageError("image_too_many_pixels", f"{iw}x{ih} pixels, at most {MAX_PIXELS}",
                                 width=iw, height=ih, max_pixels=f"{MAX_PIXELS:,}")
            try:
                img.seek(0)  # animated: the first frame
                if img.format == "JPEG":  # decode a big photo at 1/2..1/8 scale: less memory and time
                    side = 4 * max(h, w)
                    img.draft("L" if channels == 1 else "RGB", (side, side))
                img.load()
                frame = ImageOps.exif_transpose(img)
                frame = _to_rgb_or_l(frame, channels)
            except (Image.DecompressionBombError, Image.DecompressionBombWarning):
                raise ImageError("image_bomb", "Pillow's decompression-bomb guard refused the image",
                                 max_pixels=f"{MAX_PIXELS:,}") from None
            except (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error):
                raise ImageError("image_broken", "the image data is truncated or corrupt") from None
    small = _crop_to_aspect(frame, h, w).resize((w, h), Image.Resampling.BOX)
    a = np.asarray(small, dtype=np.float64)
    if channels == 3:
        a = np.moveaxis(a, -1, 0)
    if scale == "unit":
        a = np.round(a / 255.0, UNIT_DECIMALS)
    return np.ascontiguousarray(a)


# --------------------------------------------------------------------------- Streamlit widget

def _decode_cached(data: bytes, channels: int, size: tuple[int, int], scale: str) -> np.ndarray:
    import streamlit as st

    @st.cache_data(max_entries=8, show_spinner=False)
    def _decode(data: bytes, channels: int, size: tuple[int, int], scale: str) -> np.ndarray:
        return decode_image(data, channels=channels, size=size, scale=scale)

    return _decode(data, channels, size, scale)


def _use(targets: tuple[str, ...], key: str, channels: int, size: tuple[int, int]) -> None:
    """Button callback: decode the uploader's current file and write its channels into the editors' text keys.

    It reads the file and the scale the button's own run carries (``f"{key}.file"``, ``f"{key}.scale"``),
    not a value left by an earlier run: a click that interrupts a run still uses the picture on screen.
    """
    import streamlit as st

    from ui.matrix_input import format_matrix

    upload = st.session_state.get(f"{key}.file")
    if upload is None:
        return
    try:
        matrix = _decode_cached(upload.getvalue(), channels, size, st.session_state.get(f"{key}.scale", "unit"))
    except ImageError:
        return  # the run that follows shows the file's problem where the preview was
    planes = [matrix] if matrix.ndim == 2 else list(matrix)
    for target, plane in zip(targets, planes):
        st.session_state[target] = format_matrix(plane)


def image_uploader(targets: str | Sequence[str], *, key: str, size: Sequence[int] = (12, 12),
                   label: str | None = None, on_change: Callable[[], None] | None = None) -> np.ndarray | None:
    """Upload a picture, see it as numbers, then put it into matrix editors.

    Parameters
    ----------
    targets : str or sequence of str
        ``st.session_state`` keys of :func:`ui.matrix_input.matrix_editor` widgets: one key for a
        grayscale input, three (R, G, B) for a three-channel input.
    key : str
        Widget key prefix, e.g. ``"conv_single.upload"``.
    size : (h, w)
        The page's cap; the picture is resized to exactly this.

    Returns the decoded matrix shown (``None`` when no usable file is chosen). Bad files get a
    translated ``st.error`` here and the rest of the page keeps working. Nothing is written into
    the editors until the user presses "Use this image" (its callback runs before the editors
    are drawn on the next run, so they show the new matrix). ``on_change()`` follows that callback (a page's
    follow-up, ``ui.matrix_input.then``).

    The panel (an expander, key ``f"{key}.open"``) is drawn only while open: opening it reruns the part that holds it.
    Closing it forgets the chosen file (the scale is kept).
    """
    import streamlit as st

    from ui.heatmap import channels_heatmap, matrix_heatmap
    from ui.i18n import explain_error, t
    from ui.page_kit import for_screen
    from ui.matrix_input import then

    targets = (targets,) if isinstance(targets, str) else tuple(targets)
    channels = 1 if len(targets) == 1 else 3
    if channels == 3 and len(targets) != 3:
        raise ValueError(f"give one target (grayscale) or three (RGB), got {len(targets)}")
    h, w = (int(v) for v in size)
    # drawn only while open (#14 round 13): closed, an expander's content is still in the page's React tree (the
    # uploader and the scale radio, ~190 components that every pass of the page re-rendered, whatever control moved)
    box = st.expander(label or t("owndata.upload_title"), expanded=False, key=f"{key}.open", on_change="rerun")
    if not box.open:
        if f"{key}.scale" in st.session_state:   # the chosen scale outlives its widget (the file does not)
            st.session_state[f"{key}.scale"] = st.session_state[f"{key}.scale"]
        return None
    with box:
        st.caption(t("owndata.upload_help", h=h, w=w, max_mb=_mb(MAX_BYTES), max_pixels=f"{MAX_PIXELS:,}"))
        upload = st.file_uploader(t("owndata.upload_label"), type=list(UPLOAD_TYPES), key=f"{key}.file",
                                  max_upload_size=max(1, MAX_BYTES // (1024 * 1024)))
        scale = st.radio(t("owndata.upload_scale"), ("unit", "byte"), key=f"{key}.scale", horizontal=True,
                         format_func=lambda s: t(f"owndata.scale_{s}"))
        if upload is None:
            return None
        try:
            matrix = _decode_cached(upload.getvalue(), channels, (h, w), scale)
        except ImageError as err:
            st.error(explain_error(err))
            return None
        title = t("owndata.upload_preview", h=h, w=w)
        fig = (matrix_heatmap(matrix, title=title, signed=False) if channels == 1 else
               channels_heatmap(matrix, title=title, titles=[t(f"owndata.channel_{c}") for c in "rgb"], signed=False))
        st.plotly_chart(for_screen(fig), key=f"{key}.preview", config={"displayModeBar": False})
        st.button(t("owndata.upload_use"), key=f"{key}.use", on_click=then(_use, on_change), args=(targets, key, channels, (h, w)),
                  type="primary")
        return matrix
