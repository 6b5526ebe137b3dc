"""Query-string parameters: read and validate (pure), then mirror widgets to the URL.

A page declares its parameters once::

    SPECS = (IntParam("stride", 2, 1, 5), ChoiceParam("mode", "max", ("max", "avg")),
             MatrixParam("input", DEFAULT_INPUT, 12, 12))
    init_from_url("pool", SPECS)           # before the widgets: fills st.session_state
    stride = st.slider(LABEL, 1, 5, key="pool.stride")   # no value=: it comes from state
    ...
    sync_to_url("pool", SPECS)             # after the widgets: writes the URL

Widget keys are ``f"{page}.{name}"``; the URL uses the bare ``name`` (``?stride=2``).
A bad value in a link (letters, out of range, NaN, HTML, a megabyte, repeated keys)
never raises: the default is used and the user gets one translated ``st.warning`` per
bad value, with the raw text escaped and truncated.

Matrices go into the link in a compact, versioned, URL-safe code (``~1…``, see
:func:`encode_matrix`): a 12×12 matrix of one-digit numbers costs 149 characters
instead of ~630 percent-escaped ones (two decimals under 10: ~370 instead of ~1,050).
Old ``1,2;3,4`` links keep working.

Reconnects keep the user's values: when a session's first run already carries widget
values from the browser (the server restarted, or a proxy moved the tab to another
backend), those values win over the link (:func:`init_from_url`).

Don't also give these widgets ``bind="query-params"``: Streamlit then forbids writing
those keys through ``st.query_params``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence, Union
from urllib.parse import quote

import numpy as np

from ui.latex import escape_markdown, fmt
from ui.matrix_input import ParseError, format_matrix, format_number, parse_matrix, parse_number

__all__ = [
    "IntParam",
    "FloatParam",
    "ChoiceParam",
    "BoolParam",
    "MatrixParam",
    "Param",
    "UrlProblem",
    "read_query",
    "describe_problem",
    "init_from_url",
    "sync_to_url",
    "widget_key",
    "encode_matrix",
    "decode_matrix",
]

#: Raw URL values longer than this are refused without being parsed.
MAX_RAW = 2000
#: Characters of a bad raw value shown back to the user.
RAW_SHOWN = 30

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


@dataclass(frozen=True)
class UrlProblem:
    """One bad value in the link: which parameter, the raw text, why (``code``), and details.

    ``code`` is one of ``invalid``, ``out_of_range`` (params ``lo``, ``hi``),
    ``not_a_choice`` (``choices``), ``repeated`` (``count``), ``invalid_matrix``
    (``error``: the :class:`~ui.matrix_input.ParseError`).
    """

    name: str
    raw: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- compact matrices
#
# ``~1`` + scale digit s + rows + cols + one varint per cell, row-major. Each cell is the
# integer n = x·10^s (zigzag: 0, -1, 1, -2 -> 0, 1, 2, 3) written 5 bits per character,
# least significant first, with 32 added to every character but the last; characters,
# rows and cols come from the base64url alphabet, so the code is never percent-escaped.
# s is the fewest decimals (0–9) that give every cell back exactly; a matrix needing more
# (1/3, 1e-12, 1e300) is written the old way (``1,2;3,4``), which every reader accepts.

COMPACT_PREFIX = "~1"
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_INDEX = {c: i for i, c in enumerate(_ALPHABET)}
_MAX_SCALE = 9
_MAX_DIGITS = 11  # 55 bits: any |n| < 2**53 fits; longer runs are refused


def _scale_for(a: np.ndarray) -> int | None:
    with np.errstate(all="ignore"):
        for s in range(_MAX_SCALE + 1):
            n = np.rint(a * 10.0 ** s)
            if np.all(np.abs(n) < 2.0 ** 53) and np.array_equal(n / 10.0 ** s, a):
                return s
    return None


def encode_matrix(value: Any) -> str:
    """A matrix as a short URL-safe code, e.g. ``[[1, 2], [3, 4]]`` -> ``"~10CCCEGI"``.

    Falls back to ``"1,2;3,4"`` when that is shorter once percent-escaped (``1/3``,
    ``1e300``: no scale 0–9 represents them exactly) or the matrix has more than 63
    rows/cols. :func:`decode_matrix` reads both.
    """
    a = np.asarray(value, dtype=float)
    if a.ndim == 1:
        a = a.reshape(1, -1)
    legacy = format_matrix(a, row_sep=";", col_sep=",")
    scale = _scale_for(a) if 0 < a.shape[0] < 64 and 0 < a.shape[1] < 64 else None
    if scale is None or not np.all(np.isfinite(a)):
        return legacy
    out = [COMPACT_PREFIX, str(scale), _ALPHABET[a.shape[0]], _ALPHABET[a.shape[1]]]
    for n in np.rint(a * 10.0 ** scale).astype(np.int64).ravel().tolist():
        z = 2 * n if n >= 0 else -2 * n - 1
        while z >= 32:
            out.append(_ALPHABET[32 | (z & 31)])
            z >>= 5
        out.append(_ALPHABET[z])
    code = "".join(out)
    return code if len(code) <= len(quote(legacy, safe="")) else legacy


def _bad_code(why: str) -> ParseError:
    return ParseError("matrix_bad_link_code", f"the link's matrix code is damaged: {why}")


def decode_matrix(raw: str, *, max_rows: int = 12, max_cols: int = 12) -> tuple[np.ndarray | None, ParseError | None]:
    """Read a matrix from a link: the compact ``~1…`` code or the old ``1,2;3,4`` text.

    Both go through the same limits as typed text (``matrix_too_large`` for more than
    ``max_rows`` × ``max_cols``); a cut or edited code gives ``matrix_bad_link_code``.
    Pure; never raises for any string.
    """
    if not raw.startswith("~"):
        result = parse_matrix(raw, max_rows=max_rows, max_cols=max_cols)
        return result.matrix, result.error
    if not raw.startswith(COMPACT_PREFIX) or len(raw) < 5 or not raw[2].isdigit() or not raw[2].isascii():
        return None, _bad_code("unknown version or header")
    scale = int(raw[2])
    rows, cols = _INDEX.get(raw[3], 0), _INDEX.get(raw[4], 0)
    if rows == 0 or cols == 0:
        return None, _bad_code("no rows or columns")
    if rows > max_rows or cols > max_cols:
        return None, ParseError("matrix_too_large", f"{rows}x{cols} is larger than {max_rows}x{max_cols}",
                                rows=rows, cols=cols, max_rows=max_rows, max_cols=max_cols)
    cells: list[int] = []
    z, shift, digits = 0, 0, 0
    for ch in raw[5:]:
        d = _INDEX.get(ch)
        digits += 1
        if d is None or digits > _MAX_DIGITS or len(cells) >= rows * cols:
            return None, _bad_code("bad character or too long")
        z |= (d & 31) << shift
        shift += 5
        if d < 32:
            cells.append(z >> 1 if z % 2 == 0 else -((z + 1) >> 1))
            z, shift, digits = 0, 0, 0
    if digits or len(cells) != rows * cols:
        return None, _bad_code("cut off")
    return np.array(cells, dtype=np.float64).reshape(rows, cols) / 10.0 ** scale, None


def _problem(name: str, raw: str, code: str, **params: Any) -> UrlProblem:
    return UrlProblem(name=name, raw=str(raw)[: MAX_RAW + 1], code=code, params=params)


@dataclass(frozen=True)
class IntParam:
    """A whole number in [lo, hi] (``"3"``, ``"+3"``, ``"3.0"`` accepted; ``"3.5"``, ``"abc"`` not)."""

    name: str
    default: int
    lo: int
    hi: int
    label_key: str | None = None

    def parse(self, raw: str) -> tuple[int, UrlProblem | None]:
        value = parse_number(raw) if len(raw) <= 100 else None
        if value is None or not float(value).is_integer():
            return self.default, _problem(self.name, raw, "invalid")
        if not self.lo <= value <= self.hi:
            return self.default, _problem(self.name, raw, "out_of_range", lo=self.lo, hi=self.hi)
        return int(value), None

    def encode(self, value: int) -> str:
        return str(int(value))

    def to_state(self, value: int) -> int:
        return int(value)

    def from_state(self, state: Any) -> int | None:
        if isinstance(state, bool) or not isinstance(state, (int, np.integer, float)):
            return None
        if not float(state).is_integer():
            return None
        return int(state)

    def show(self, value: int) -> str:
        return str(int(value))


@dataclass(frozen=True)
class FloatParam:
    """A finite real number in [lo, hi] (``"0.5"``, ``"1e-3"``; not ``nan``, ``inf``, ``1e309``)."""

    name: str
    default: float
    lo: float
    hi: float
    label_key: str | None = None

    def parse(self, raw: str) -> tuple[float, UrlProblem | None]:
        value = parse_number(raw) if len(raw) <= 100 else None
        if value is None:
            return self.default, _problem(self.name, raw, "invalid")
        if not self.lo <= value <= self.hi:
            return self.default, _problem(self.name, raw, "out_of_range", lo=fmt(self.lo), hi=fmt(self.hi))
        return float(value), None

    def encode(self, value: float) -> str:
        return format_number(value)

    def to_state(self, value: float) -> float:
        return float(value)

    def from_state(self, state: Any) -> float | None:
        if isinstance(state, bool) or not isinstance(state, (int, float, np.integer, np.floating)):
            return None
        return float(state) if math.isfinite(float(state)) else None

    def show(self, value: float) -> str:
        return fmt(value)


@dataclass(frozen=True)
class ChoiceParam:
    """One of ``choices`` (matched exactly, then ignoring case: ``SAME`` finds ``same``)."""

    name: str
    default: Any
    choices: tuple
    label_key: str | None = None

    def parse(self, raw: str) -> tuple[Any, UrlProblem | None]:
        if len(raw) <= 100:
            for choice in self.choices:
                if str(choice) == raw:
                    return choice, None
            folded = raw.strip().casefold()
            for choice in self.choices:
                if str(choice).casefold() == folded:
                    return choice, None
        return self.default, _problem(self.name, raw, "not_a_choice",
                                      choices=", ".join(str(c) for c in self.choices))

    def encode(self, value: Any) -> str:
        return str(value)

    def to_state(self, value: Any) -> Any:
        return value

    def from_state(self, state: Any) -> Any:
        return state if state in self.choices else None

    def show(self, value: Any) -> str:
        return str(value)


@dataclass(frozen=True)
class BoolParam:
    """On/off: ``1/0``, ``true/false``, ``yes/no``, ``on/off`` (any case)."""

    name: str
    default: bool
    label_key: str | None = None

    def parse(self, raw: str) -> tuple[bool, UrlProblem | None]:
        folded = raw.strip().casefold() if len(raw) <= 100 else ""
        if folded in _TRUE:
            return True, None
        if folded in _FALSE:
            return False, None
        return self.default, _problem(self.name, raw, "invalid")

    def encode(self, value: bool) -> str:
        return "1" if value else "0"

    def to_state(self, value: bool) -> bool:
        return bool(value)

    def from_state(self, state: Any) -> bool | None:
        return bool(state) if isinstance(state, (bool, np.bool_)) else None

    def show(self, value: bool) -> str:
        return "1" if value else "0"


@dataclass(frozen=True, eq=False)
class MatrixParam:
    """A matrix, in the URL as a compact code (:func:`encode_matrix`; old ``1,2;3,4`` links work too).

    In ``st.session_state`` it is the text of a :func:`ui.matrix_input.matrix_editor`
    (key ``f"{page}.{name}"``).
    """

    name: str
    default: Any
    max_rows: int = 12
    max_cols: int = 12
    label_key: str | None = None

    def parse(self, raw: str) -> tuple[np.ndarray, UrlProblem | None]:
        matrix, error = decode_matrix(raw, max_rows=self.max_rows, max_cols=self.max_cols)
        if error is not None:
            return np.asarray(self.default, dtype=float), _problem(self.name, raw, "invalid_matrix", error=error)
        return matrix, None

    def encode(self, value: Any) -> str:
        return encode_matrix(value)

    def to_state(self, value: Any) -> str:
        return format_matrix(value)

    def from_state(self, state: Any) -> np.ndarray | None:
        if not isinstance(state, str):
            return None
        return parse_matrix(state, max_rows=self.max_rows, max_cols=self.max_cols).matrix

    def show(self, value: Any) -> str:
        return format_matrix(value, row_sep=";", col_sep=",")


Param = Union[IntParam, FloatParam, ChoiceParam, BoolParam, MatrixParam]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        return a.shape == b.shape and bool(np.array_equal(a, b))
    return a == b


def widget_key(page: str, name: str) -> str:
    """The widget / session-state key of a parameter: ``widget_key("pool", "stride") == "pool.stride"``."""
    return f"{page}.{name}"


def read_query(specs: Sequence[Param], query: Mapping[str, Any]) -> tuple[dict[str, Any], list[UrlProblem]]:
    """Validate a query string against the specs. Pure; never raises for any value.

    Parameters
    ----------
    specs : sequence of parameter specs
    query : mapping name -> str or list of str (repeated keys, as ``st.query_params.get_all``)

    Returns
    -------
    values : dict name -> value
        The parsed value, or the default when the key is absent or bad.
    problems : list of UrlProblem
        One per bad value, in ``specs`` order. Unknown keys (``lang``, ...) are ignored.
    """
    values: dict[str, Any] = {}
    problems: list[UrlProblem] = []
    for spec in specs:
        values[spec.name] = spec.default
        if spec.name not in query:
            continue
        raw = query[spec.name]
        if isinstance(raw, (list, tuple)):
            distinct = list(dict.fromkeys(str(v) for v in raw))
            if len(distinct) > 1:
                problems.append(_problem(spec.name, distinct[-1], "repeated", count=len(raw)))
                continue
            raw = distinct[0] if distinct else ""
        raw = str(raw)
        if len(raw) > MAX_RAW:
            problems.append(_problem(spec.name, raw, "invalid_matrix" if isinstance(spec, MatrixParam) else "invalid",
                                     **({"error": parse_matrix(raw).error} if isinstance(spec, MatrixParam) else {})))
            continue
        try:
            value, problem = spec.parse(raw)
        except Exception:  # a spec bug must not become a traceback for a link
            value, problem = spec.default, _problem(spec.name, raw, "invalid")
        values[spec.name] = value
        if problem is not None:
            problems.append(problem)
    return values, problems


def _display_name(spec: Param, lang: str) -> str:
    from ui.i18n import DEFAULT_LANGUAGE, catalog, translate

    if spec.label_key:
        return translate(lang, spec.label_key)
    if f"words.{spec.name}" in catalog(DEFAULT_LANGUAGE):
        return translate(lang, f"words.{spec.name}")
    return escape_markdown(spec.name)


def describe_problem(problem: UrlProblem, spec: Param, lang: str | None = None) -> str:
    """A bad link value as one sentence in ``lang`` (markdown-safe: the raw text is escaped).

    >>> describe_problem(UrlProblem("stride", "abc", "invalid"), IntParam("stride", 2, 1, 5), "en")
    "The link's value for Stride, 'abc', is not valid; using 2."
    """
    from ui.i18n import current_language, explain_error, translate

    lang = lang or current_language()
    name = _display_name(spec, lang)
    raw = escape_markdown(problem.raw, RAW_SHOWN)
    default = (translate(lang, "input.default_matrix") if isinstance(spec, MatrixParam)
               else escape_markdown(spec.show(spec.default), RAW_SHOWN))
    if problem.code == "invalid_matrix":
        error = problem.params.get("error")
        reason = explain_error(error, lang) if isinstance(error, ParseError) else raw
        return translate(lang, "input.url_invalid_matrix", name=name, reason=reason.rstrip("。."))
    if problem.code == "out_of_range":
        return translate(lang, "input.url_out_of_range", name=name, raw=raw, default=default,
                         lo=problem.params.get("lo"), hi=problem.params.get("hi"))
    if problem.code == "not_a_choice":
        return translate(lang, "input.url_not_a_choice", name=name, raw=raw, default=default,
                         choices=escape_markdown(problem.params.get("choices", ""), 200))
    if problem.code == "repeated":
        return translate(lang, "input.url_repeated", name=name, count=problem.params.get("count"),
                         default=default)
    return translate(lang, "input.url_invalid", name=name, raw=raw, default=default)


# --------------------------------------------------------------------------- Streamlit glue

def _flag(page: str) -> str:
    return f"_url_state.{page}.initialised"


def _shadow(page: str) -> str:
    return f"_url_state.{page}.last"


def _current_query() -> dict[str, list[str]]:
    import streamlit as st

    return {key: st.query_params.get_all(key) for key in st.query_params}


def _sent_by_browser() -> dict[str, Any]:
    """Widget values the browser sent with this run and no widget has claimed yet, by user key.

    Non-empty on a session's first run after a reconnect: the server restarted or a proxy
    moved the tab to another backend, and the browser resends what its widgets show. The
    values are raw ``WidgetState`` protos (Streamlit deserialises them when the widget is
    created). Reads Streamlit internals (checked on 1.67); returns {} if they move.
    """
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx
        from streamlit.runtime.state.common import user_key_from_element_id

        ctx = get_script_run_ctx()
        states = ctx.session_state._state._new_widget_state.states  # type: ignore[union-attr]
        found: dict[str, Any] = {}
        for widget_id, wstate in states.items():
            user_key = user_key_from_element_id(widget_id) if widget_id.startswith("$$") else None
            if user_key is not None:
                found[user_key] = getattr(wstate, "value", None)
        return found
    except Exception:  # pragma: no cover - Streamlit internals changed: behave as before
        return {}


def _browser_text(sent: Any) -> str | None:
    if isinstance(sent, str):
        return sent
    try:
        return sent.string_value if sent.WhichOneof("value") == "string_value" else None
    except Exception:
        return None


def init_from_url(page: str, specs: Sequence[Param]) -> list[UrlProblem]:
    """Fill the widget keys ``f"{page}.{name}"`` from the URL; call before the widgets.

    First run of ``page`` in the session: every key gets the link's value when valid,
    else the default, and one ``st.warning`` per bad value is shown (translated, raw text
    escaped). Except after a reconnect: a widget whose value the browser sent with this
    run keeps that value (it is at least as new as the link; the user may have moved it
    while the connection was down), and the link's value for it is neither used nor
    warned about. Later runs only restore keys Streamlit dropped (after a visit to another
    page) from the last values :func:`sync_to_url` saw. Returns the problems found
    (empty after the first run).
    """
    import streamlit as st

    state = st.session_state
    if not state.get(_flag(page), False):
        values, problems = read_query(specs, _current_query())
        from_browser = _sent_by_browser()
        for spec in specs:
            key = widget_key(page, spec.name)
            sent = from_browser.get(key)
            if sent is None:
                state[key] = spec.to_state(values[spec.name])
            elif isinstance(spec, MatrixParam):
                # A matrix editor is a text area: its text is the state (matrix_editor needs it set).
                text = _browser_text(sent)
                if text is not None:
                    state[key] = text
            # else: leave the key unset so the widget takes the browser's value
        state[_flag(page)] = True
        state[_shadow(page)] = dict(values)
        by_name = {spec.name: spec for spec in specs}
        problems = [p for p in problems if widget_key(page, p.name) not in from_browser]
        for problem in problems:
            st.warning(describe_problem(problem, by_name[problem.name]))
        return problems
    last = state.get(_shadow(page), {})
    for spec in specs:
        key = widget_key(page, spec.name)
        if key not in state:
            state[key] = spec.to_state(last.get(spec.name, spec.default))
    return []


def sync_to_url(page: str, specs: Sequence[Param], *, include_defaults: bool = False) -> None:
    """Write the widgets' current values (``st.session_state[f"{page}.{name}"]``) to the URL.

    Call after the widgets. Values equal to the default are left out unless
    ``include_defaults``; a widget holding an invalid value (e.g. a matrix text that does
    not parse) keeps its last valid value in the link. Keys that are not in ``specs``
    (``lang``, ...) are kept. The URL is only rewritten when it changes.
    """
    import streamlit as st

    state = st.session_state
    last = dict(state.get(_shadow(page), {}))
    current = _current_query()
    wanted: dict[str, str | list[str]] = {k: (v if len(v) != 1 else v[0])
                                          for k, v in current.items()
                                          if k not in {spec.name for spec in specs}}
    for spec in specs:
        value = spec.from_state(state.get(widget_key(page, spec.name)))
        if value is None:
            value = last.get(spec.name, spec.default)
        last[spec.name] = value
        if include_defaults or not _same(value, spec.default):
            wanted[spec.name] = spec.encode(value)
    state[_shadow(page)] = last
    as_lists = {k: (v if isinstance(v, list) else [v]) for k, v in wanted.items()}
    if as_lists != current:
        st.query_params.from_dict(wanted)
