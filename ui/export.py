"""Take a worked example away: Markdown with LaTeX, a JSON setup to load back, PNG figures.

A page builds its worked example with a small builder and hands the builder, with its URL
specs, to one panel, which calls it only while open::

    def export_doc(...) -> ExportDoc:
        doc = ExportDoc(t("conv_single.title"))
        doc.step(input_heading, matrices={"X": x, "K": w})
        return doc.step(cell_heading, latex=[line])   # the same lines the page gives st.latex

    export_panel(PAGE, SPECS, lambda: export_doc(...))

* **Markdown** (:func:`to_markdown`): ``#`` title, ``##`` per step, every formula in a
  ``$$ … $$`` block (GitHub, Jupyter, Obsidian, Typora, pandoc/reveal.js all render it),
  matrices as ``bmatrix`` with the app's compact numbers (:func:`ui.latex.latex_matrix`),
  and at the end the setup as a link query, so the numbers can be reproduced.
* **JSON** (:func:`setup_json` / :func:`load_setup`): ``{"app", "format", "page", "params"}``
  where every value is written exactly as in the link (``"kernel": "1,0;0,-1"``). Loading
  validates with the very same parsers as the link (:func:`ui.url_state.read_query`): nothing
  is evaluated, bad values are reported and replaced by defaults, unknown keys are ignored.
* **PNG**: Plotly's own client-side "download plot as PNG" button; :func:`chart_config` turns
  the mode bar on with that single button (no server round trip, no extra package).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence
from urllib.parse import urlencode

import numpy as np

from cnn_core.errors import CoreValueError
from ui.latex import latex_matrix

__all__ = [
    "APP_ID",
    "SETUP_FORMAT",
    "MAX_SETUP_BYTES",
    "CHART_CONFIG",
    "chart_config",
    "ExportStep",
    "ExportDoc",
    "to_markdown",
    "setup_params",
    "setup_json",
    "setup_query",
    "SetupError",
    "load_setup",
    "setup_just_loaded",
    "export_panel",
]

APP_ID = "cnn-derivation-studio"
SETUP_FORMAT = 1
#: Largest setup file read (a page's setup is well under 10 kB).
MAX_SETUP_BYTES = 64 * 1024


def chart_config(filename: str = "figure") -> dict:
    """``st.plotly_chart(config=...)``: the mode bar with only Plotly's PNG download button.

    The picture is made in the browser by Plotly (``toImage``) at twice the screen size.
    """
    return {
        "displaylogo": False,
        "modeBarButtons": [["toImage"]],
        "toImageButtonOptions": {"format": "png", "scale": 2, "filename": filename},
    }


#: The same as :func:`chart_config` with the file name "figure".
CHART_CONFIG = chart_config()


@dataclass(frozen=True)
class ExportStep:
    """One part of a worked example: a heading, optional plain text, named matrices, formula lines."""

    heading: str
    text: str = ""
    matrices: tuple[tuple[str, np.ndarray], ...] = ()
    latex: tuple[str, ...] = ()


@dataclass
class ExportDoc:
    """A worked example being built step by step (see the module docstring)."""

    title: str
    steps: list[ExportStep] = field(default_factory=list)

    def step(self, heading: str, *, text: str = "", matrices: Mapping[str, Any] | None = None,
             latex: Sequence[str] = ()) -> "ExportDoc":
        """Add a step; ``matrices`` maps a LaTeX name (``"X"``, ``"\\\\delta"``) to a 2-D array."""
        pairs = tuple((str(name), np.array(value, dtype=float)) for name, value in (matrices or {}).items())
        self.steps.append(ExportStep(heading, text, pairs, tuple(str(line) for line in latex)))
        return self


def _block(latex: str) -> str:
    return "$$\n" + latex.strip() + "\n$$"


def to_markdown(doc: ExportDoc, *, query: str = "", lang: str | None = None) -> str:
    """The worked example as Markdown with LaTeX (display math in ``$$`` blocks).

    ``query`` (from :func:`setup_query`) is printed at the end so the setup can be reloaded.
    Headings and text come from the page (translated strings, never user input).
    """
    from ui.i18n import current_language, translate

    lang = lang or current_language()
    parts = [f"# {doc.title}"]
    for step in doc.steps:
        parts.append(f"## {step.heading}")
        if step.text:
            parts.append(step.text)
        for name, matrix in step.matrices:
            parts.append(_block(f"{name} = {latex_matrix(matrix)}"))
        for line in step.latex:
            parts.append(_block(line))
    parts.append("---")
    parts.append(translate(lang, "owndata.md_footer"))
    if query:
        parts.append(f"`?{query}`")
    return "\n\n".join(parts) + "\n"


def setup_params(specs: Sequence[Any], values: Mapping[str, Any]) -> dict[str, str]:
    """Every parameter as its link text (``spec.encode``), defaults included, in ``specs`` order."""
    return {spec.name: spec.encode(values.get(spec.name, spec.default)) for spec in specs}


def setup_json(page: str, specs: Sequence[Any], values: Mapping[str, Any]) -> str:
    """The page's setup as JSON text that :func:`load_setup` (and only data parsers) reads back."""
    body = {"app": APP_ID, "format": SETUP_FORMAT, "page": page, "params": setup_params(specs, values)}
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


def setup_query(specs: Sequence[Any], values: Mapping[str, Any], *, include_defaults: bool = False) -> str:
    """The setup as a URL query (without ``?``): ``stride=2&kernel=1,0;0,-1``."""
    params = {}
    for spec in specs:
        text = spec.encode(values.get(spec.name, spec.default))
        if include_defaults or text != spec.encode(spec.default):
            params[spec.name] = text
    return urlencode(params, safe=",;")  # readable matrices: kernel=1,0;0,-1


class SetupError(CoreValueError):
    """A setup file that cannot be used at all: ``setup_too_large`` (``size``, ``max_size``),
    ``setup_not_json`` (``line``, ``col``), ``setup_bad_format``, ``setup_wrong_page``
    (``got``, ``expected``; escaped)."""


def load_setup(data: bytes | str, page: str, specs: Sequence[Any]) -> tuple[dict[str, Any], list[Any]]:
    """Read a setup file: ``(values, problems)`` exactly like a link, or raise :class:`SetupError`.

    ``values`` maps every spec name to the file's value or the default; ``problems`` are
    :class:`ui.url_state.UrlProblem` for bad values (shown with
    :func:`ui.url_state.describe_problem`). Parameters of other pages' specs are ignored.
    """
    from ui.latex import escape_markdown
    from ui.url_state import read_query

    size = len(data)
    if size > MAX_SETUP_BYTES:
        raise SetupError("setup_too_large", f"{size} bytes, at most {MAX_SETUP_BYTES}", size=size,
                         max_size=MAX_SETUP_BYTES)
    if isinstance(data, (bytes, bytearray)):
        data = bytes(data).decode("utf-8", errors="replace")
    try:
        body = json.loads(data, parse_constant=lambda name: name)  # NaN/Infinity stay text: the parsers refuse them
    except json.JSONDecodeError as err:
        raise SetupError("setup_not_json", f"not JSON: {err.msg}", line=err.lineno, col=err.colno) from None
    except RecursionError:
        raise SetupError("setup_not_json", "nested too deeply", line=1, col=1) from None
    if (not isinstance(body, dict) or body.get("app") != APP_ID or not isinstance(body.get("page"), str)
            or not isinstance(body.get("params"), dict)):
        raise SetupError("setup_bad_format", "missing app, page or params")
    if body["page"] != page:
        raise SetupError("setup_wrong_page", f"setup of page {body['page'][:40]!r}, not {page!r}",
                         got=escape_markdown(body["page"], 30), expected=escape_markdown(page, 30))
    query: dict[str, str] = {}
    for name, value in body["params"].items():
        if isinstance(value, bool):
            query[name] = "1" if value else "0"
        elif isinstance(value, (int, float, str)):
            query[name] = value if isinstance(value, str) else json.dumps(value)
        else:  # a list or an object: not a link value
            query[name] = json.dumps(value)[:200]
    return read_query(specs, query)


# --------------------------------------------------------------------------- Streamlit panel

def _current_values(page: str, specs: Sequence[Any]) -> dict[str, Any]:
    import streamlit as st

    from ui.url_state import widget_key

    values = {}
    for spec in specs:
        value = spec.from_state(st.session_state.get(widget_key(page, spec.name)))
        values[spec.name] = spec.default if value is None else value
    return values


def _loaded_key(page: str) -> str:
    return f"{page}.export.just_loaded"


def setup_just_loaded(page: str) -> bool:
    """True once, on the run right after a setup file was loaded into ``page`` (the flag is cleared).

    For a page whose state is more than its widgets (the training page's weights): the file's
    values are in the widget keys already; the page rebuilds what follows from them (e.g. replays
    the progress from the seed) instead of keeping what it had.
    """
    import streamlit as st

    return bool(st.session_state.pop(_loaded_key(page), False))


def setup_load_pending(page: str) -> bool:
    """True when a setup file was loaded into ``page`` and :func:`setup_just_loaded` has not read it yet (the flag is
    kept): a part of its own that holds the export panel reruns the page, whose run then reads it."""
    import streamlit as st

    return bool(st.session_state.get(_loaded_key(page), False))


def _load(page: str, specs: Sequence[Any], upload_key: str) -> None:
    """Upload callback: validate the file and write its values into the widgets (before they are drawn)."""
    import streamlit as st

    from ui.i18n import explain_error
    from ui.url_state import describe_problem, widget_key

    state = st.session_state
    upload = state.get(upload_key)
    messages: list[tuple[str, str]] = []
    if upload is not None:
        try:
            values, problems = load_setup(upload.getvalue(), page, specs)
        except SetupError as err:
            messages.append(("error", explain_error(err)))
        else:
            for spec in specs:
                state[widget_key(page, spec.name)] = spec.to_state(values[spec.name])
            by_name = {spec.name: spec for spec in specs}
            messages += [("warning", describe_problem(p, by_name[p.name])) for p in problems]
            messages.append(("success", "owndata.setup_loaded"))
            state[_loaded_key(page)] = True
    state[f"{upload_key}.messages"] = messages


def export_panel(page: str, specs: Sequence[Any], build: Callable[[], ExportDoc], *,
                 key: str | None = None) -> str | None:
    """An expander with the downloads (Markdown, JSON), a setup loader and the link, drawn only while open.

    ``build()`` returns the page's :class:`ExportDoc`; it runs only when the panel is open (pass
    ``lambda: _export_doc(...)``). Closed (the default), a rerun sends one element (the header), builds
    no document and registers no download file. Opening or closing reruns the page
    (``ui.page_kit.lazy_expander``); the expander's widget key is ``<page>.export_open`` (set it to ``True``
    in session state to open the panel in a test or a link). Returns the Markdown offered while open,
    ``None`` while closed.

    The other widget keys start with ``key`` (default ``f"{page}.export"``). The loader writes the
    widget keys ``f"{page}.{name}"`` through ``spec.to_state``, so call this anywhere on the page; the
    values appear on the next run (the upload's callback runs before the widgets are drawn, and the
    panel is still open on that run). Closing the panel drops the uploaded file, so its messages go too.
    """
    import streamlit as st

    from ui.i18n import t
    from ui.page_kit import lazy_expander

    key = key or f"{page}.export"
    upload_key = f"{key}.load"
    box = lazy_expander(page, "export_open", t("owndata.export_title"))
    if box is None:
        st.session_state.pop(f"{upload_key}.messages", None)   # the uploader (and its file) is gone while closed
        return None
    values = _current_values(page, specs)
    query = setup_query(specs, values)
    markdown = to_markdown(build(), query=query)
    with box:
        with st.container(horizontal=True):
            st.download_button(t("owndata.download_md"), markdown, file_name=f"{page}.md", mime="text/markdown",
                               key=f"{key}.md", on_click="ignore")
            st.download_button(t("owndata.download_json"), setup_json(page, specs, values),
                               file_name=f"{page}-setup.json", mime="application/json", key=f"{key}.json",
                               on_click="ignore")
        st.file_uploader(t("owndata.load_json"), type=["json"], key=upload_key, on_change=_load,
                         args=(page, specs, upload_key), max_upload_size=1)
        for kind, message in st.session_state.get(f"{upload_key}.messages", []):
            if kind == "success":
                st.success(t(message))
            else:
                getattr(st, kind)(message)
        if query:
            st.caption(t("owndata.link_caption"))
            st.code(f"?{query}", language=None)
        else:
            st.caption(t("owndata.link_default"))
        st.caption(t("owndata.png_hint"))
    return markdown
