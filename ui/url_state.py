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

Don't also give these widgets ``bind="query-params"``: Streamlit then forbids writing
those keys through ``st.query_params``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence, Union

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
    """A matrix, in the URL as ``1,2;3,4`` (rows by ``;``), parsed with :func:`parse_matrix`.

    In ``st.session_state`` it is the text of a :func:`ui.matrix_input.matrix_editor`
    (key ``f"{page}.{name}"``).
    """

    name: str
    default: Any
    max_rows: int = 12
    max_cols: int = 12
    label_key: str | None = None

    def parse(self, raw: str) -> tuple[np.ndarray, UrlProblem | None]:
        result = parse_matrix(raw, max_rows=self.max_rows, max_cols=self.max_cols)
        if result.error is not None:
            return np.asarray(self.default, dtype=float), _problem(self.name, raw, "invalid_matrix",
                                                                   error=result.error)
        return result.matrix, None

    def encode(self, value: Any) -> str:
        return format_matrix(value, row_sep=";", col_sep=",")

    def to_state(self, value: Any) -> str:
        return format_matrix(value)

    def from_state(self, state: Any) -> np.ndarray | None:
        if not isinstance(state, str):
            return None
        return parse_matrix(state, max_rows=self.max_rows, max_cols=self.max_cols).matrix

    def show(self, value: Any) -> str:
        return self.encode(value)


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


def init_from_url(page: str, specs: Sequence[Param]) -> list[UrlProblem]:
    """Fill the widget keys ``f"{page}.{name}"`` from the URL; call before the widgets.

    First run of ``page`` in the session: every key gets the link's value when valid,
    else the default, and one ``st.warning`` per bad value is shown (translated, raw text
    escaped). Later runs only restore keys Streamlit dropped (after a visit to another
    page) from the last values :func:`sync_to_url` saw. Returns the problems found
    (empty after the first run).
    """
    import streamlit as st

    state = st.session_state
    if not state.get(_flag(page), False):
        values, problems = read_query(specs, _current_query())
        for spec in specs:
            state[widget_key(page, spec.name)] = spec.to_state(values[spec.name])
        state[_flag(page)] = True
        state[_shadow(page)] = dict(values)
        by_name = {spec.name: spec for spec in specs}
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
