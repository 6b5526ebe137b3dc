"""Two languages for every visible string.

Strings live in ``assets/locales/<lang>/<namespace>.json`` (flat ``{"key": "text"}``
objects); a key is addressed as ``"<namespace>.<key>"``, e.g. ``t("home.title")``.
Texts are ``str.format`` templates: ``t("errors.not_positive", name="stride", value=0)``.

The chosen language is kept in ``st.session_state["lang"]`` by the app frame
(``ui/frame.py``); :func:`t` reads it. :func:`translate` is the pure version.
"""

from __future__ import annotations

import json
import string
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Callable

LANGUAGES: tuple[str, ...] = ("en", "zh")
DEFAULT_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "assets" / "locales"


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    """All strings of one language, keyed ``"<namespace>.<key>"`` (read once per process)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGUAGES}")
    strings: dict[str, str] = {}
    for path in sorted((LOCALE_DIR / lang).glob("*.json")):
        with path.open(encoding="utf-8") as fh:
            data = json.load(fh)
        for key, text in data.items():
            strings[f"{path.stem}.{key}"] = text
    return strings


class _KeepMissing(dict):
    """format_map helper: leave unknown {fields} visible instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def translate(lang: str, key: str, **params: Any) -> str:
    """The text of ``key`` in ``lang`` with ``params`` substituted.

    A missing key falls back to English, then to the key itself (never raises),
    so a forgotten string shows up as ``namespace.key`` on screen and in tests.
    """
    text = catalog(lang).get(key)
    if text is None:
        text = catalog(DEFAULT_LANGUAGE).get(key, key)
    if not params:
        return text
    return string.Formatter().vformat(text, (), _KeepMissing(params))


def translator(lang: str) -> Callable[..., str]:
    """:func:`translate` bound to one language: ``translator("zh")("common.title")``.

    Payload and formula builders take this instead of :func:`t` (which reads the session), so that a cached
    builder is keyed by the language it is given."""
    return partial(translate, lang)


def normalize_language(value: str | None) -> str | None:
    """'zh', 'zh-CN', 'zh_TW' -> 'zh'; 'en-GB' -> 'en'; anything else -> None."""
    if not value or not isinstance(value, str):
        return None
    base = value.strip().lower().replace("_", "-").split("-")[0]
    return base if base in LANGUAGES else None


_last_language = DEFAULT_LANGUAGE


def current_language() -> str:
    """The language the frame chose for this session.

    Outside a script run (plain Python; AppTest calling a widget's ``format_func`` after the
    run) there is no session: the language last seen in a run is used, else English.
    """
    global _last_language
    try:
        import streamlit as st
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        if get_script_run_ctx(suppress_warning=True) is None:
            return _last_language
        lang = st.session_state.get("lang", DEFAULT_LANGUAGE)
    except Exception:  # no usable session state
        return _last_language
    _last_language = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    return _last_language


def t(key: str, **params: Any) -> str:
    """``translate`` in the session's current language."""
    return translate(current_language(), key, **params)


def explain_error(err: Exception, lang: str | None = None) -> str:
    """A core or parser error as a sentence in the user's language.

    ``CoreValueError`` (and parser errors) carry ``code`` and ``params``; the text is
    ``errors.<code>``. Parameters named ``axis`` or ``name`` whose value is a known word
    (``height``, ``stride``, ...) are translated too (``words.<value>``).
    Anything else falls back to ``str(err)``.
    """
    lang = lang or current_language()
    code = getattr(err, "code", None)
    params = dict(getattr(err, "params", {}) or {})
    key = f"errors.{code}"
    if code is None or key not in catalog(DEFAULT_LANGUAGE):
        return translate(lang, "errors.generic", detail=str(err))
    if params.get("axis") == "" and f"{key}_noaxis" in catalog(DEFAULT_LANGUAGE):
        key = f"{key}_noaxis"  # a 1-D computation: no height/width to name
    for name in ("axis", "name"):
        value = params.get(name)
        if isinstance(value, str) and f"words.{value}" in catalog(DEFAULT_LANGUAGE):
            params[name] = translate(lang, f"words.{value}")
    return translate(lang, key, **params)
