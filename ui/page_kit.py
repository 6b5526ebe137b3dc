"""What every page repeats, written once: charts, cached figures, lazy tabs, widget keys.

Pages import from here instead of keeping their own copy::

    from ui.page_kit import cached_figure, lazy_tabs, show_chart

- :func:`show_chart` draws a Plotly figure with the app's chart config under the key ``"<page>.<name>"``.
- :func:`cached_figure` builds a heatmap / window animation once per distinct input (bounded cache);
  :func:`figure_cache` makes any other figure builder cached the same way.
- :func:`keep_in_range` / :func:`clamp_on_change` (+ :func:`clamped`): a number typed beyond its range is
  moved to the nearest end, and the page says so.
- :func:`url_tabs` / :func:`open_section` / :func:`opened_tabs`: tabs kept in the link by name; the open one;
  the ones to draw.
- :func:`lazy_tabs` / :func:`lazy_expander`: only the open tab / expander is computed and sent.
- :func:`lazy_code_panel`: the "same in PyTorch / NumPy" panel, built and sent only while open.
- :func:`url_fragment`: a part of the page whose controls rerun only that part, the link kept up to date;
  :func:`follow_open_panels`: the export / code panels below such a part follow its settings;
  :func:`page_body`: marks the page's full run, so such a part tells it from its own rerun.
- :func:`activation_name`, :func:`text_title`: the shared words from ``words.json``.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import math
from typing import Any, Callable, NamedTuple, Sequence

import streamlit as st

from ui.heatmap import channels_heatmap, channels_window_animation, matrix_heatmap, window_animation
from ui.i18n import t, translate
from ui.latex import fmt_power
from ui.library_code import show_library_code
from ui.url_state import sync_to_url, widget_key

CHART_CONFIG: dict[str, Any] = {"displayModeBar": False}
FIGURE_CACHE_ENTRIES = 512

# The five source texts, by number: their short titles are ``words.text_<n>``.
TEXTS = ("000", "001", "002", "003", "004")


# --------------------------------------------------------------------------- charts
#: How much larger a chart's text is in presentation mode (``?present=1``; the frame's CSS makes the page's
#: text a quarter larger and display formulas half larger; Plotly's SVG text can only grow from Python).
PRESENT_SCALE = 1.4
# The sizes Plotly (under Streamlit's theme) uses where a figure sets none: body text and ticks 12 px,
# axis titles 14 px, the figure title 16 px.
_BASE_FONT, _AXIS_TITLE_FONT, _TITLE_FONT = 12, 14, 16


def _scale_fonts(node: Any, factor: float) -> None:
    """Every explicit ``size`` of a ``*font`` dict inside ``node`` (a figure dict), multiplied in place."""
    if isinstance(node, dict):
        for name, value in node.items():
            if name.endswith("font") and isinstance(value, dict) and isinstance(value.get("size"), (int, float)):
                value["size"] = round(value["size"] * factor, 1)
            _scale_fonts(value, factor)
    elif isinstance(node, list):
        for item in node:
            _scale_fonts(item, factor)


def _set_default_size(parent: dict, path: Sequence[str], size: float) -> None:
    """``parent[path[0]][path[1]]...["size"] = size`` unless a size is already there (after scaling)."""
    for name in path:
        child = parent.get(name)
        if not isinstance(child, dict):
            child = parent[name] = {} if child is None else ({"text": child} if isinstance(child, str) else child)
        parent = child
    parent.setdefault("size", size)


def presentation_figure(fig, factor: float = PRESENT_SCALE):
    """A copy of ``fig`` for a projector: every text (titles, ticks, cell numbers, annotations, hovers,
    the player's buttons) ``factor`` times larger, the height and margins grown with it. ``fig`` is unchanged.

    Plotly draws its text in SVG at fixed pixel sizes; a CSS zoom would break the hovers (ui/frame.py), so the
    figure itself is rebuilt with larger fonts. Sizes a figure leaves unset get Plotly's (Streamlit theme's)
    defaults times ``factor``, so a figure without a single font setting grows too.
    """
    import plotly.graph_objects as go

    spec = fig.to_dict() if hasattr(fig, "to_dict") else copy.deepcopy(fig)
    _scale_fonts(spec, factor)
    layout = spec.setdefault("layout", {})
    _set_default_size(layout, ("font",), round(_BASE_FONT * factor, 1))
    if layout.get("title"):
        _set_default_size(layout, ("title", "font"), round(_TITLE_FONT * factor, 1))
    for name in [k for k in layout if k.startswith(("xaxis", "yaxis"))]:
        _set_default_size(layout, (name, "tickfont"), round(_BASE_FONT * factor, 1))
        if layout[name].get("title"):
            _set_default_size(layout, (name, "title", "font"), round(_AXIS_TITLE_FONT * factor, 1))
    _set_default_size(layout, ("hoverlabel", "font"), round(_BASE_FONT * factor, 1))
    _set_default_size(layout, ("legend", "font"), round(_BASE_FONT * factor, 1))
    if isinstance(layout.get("height"), (int, float)):
        layout["height"] = int(round(layout["height"] * factor))
    margin = layout.get("margin")
    if isinstance(margin, dict):
        layout["margin"] = {k: (int(round(v * factor)) if k in "lrtb" and isinstance(v, (int, float)) else v)
                            for k, v in margin.items()}
    return go.Figure(spec, _validate=False)


# A figure's presentation copy is kept only for figures built by the bounded figure cache (cached_figure,
# figure_cache), on the figure object itself: such a figure is shared and never mutated after it is built,
# so its copy can never go stale, and the copy is dropped with the figure when the cache evicts it (the
# same max_entries bound). The mark holds the figure's own id(), checked against the object carrying it:
# Plotly's copy/deepcopy rebuild a figure from its dict (no marks), and should any other copy carry the
# attributes along, the copy (which a caller may change) has another id and counts as unshared. An id()
# is never used as a key across objects: it is only compared with the object it sits on. Any other figure
# may be changed between reruns (the same object updated in place, or a new object at a freed id), and the
# only safe key for it would be its content, i.e. serialising it: the very cost the copy saves (~1 ms for a
# heatmap, ~30 ms for a 100-frame animation). It is rebuilt each time.
_SHARED_MARK = "_page_kit_shared"
_PRESENT_COPY = "_page_kit_present"


def _mark_shared(fig):
    """``fig`` marked as built by the figure cache (never mutated afterwards); returned for chaining."""
    try:
        object.__setattr__(fig, _SHARED_MARK, id(fig))
    except (AttributeError, TypeError):          # not an object with attributes (a dict): never memoised
        pass
    return fig


def for_screen(fig):
    """``fig`` as this session shows it: enlarged in presentation mode (``st.session_state["present"]``).

    A figure from the figure cache is enlarged once and the copy reused on every rerun (see above).
    """
    if not st.session_state.get("present"):
        return fig
    if getattr(fig, _SHARED_MARK, None) != id(fig):
        return presentation_figure(fig)
    big = getattr(fig, _PRESENT_COPY, None)
    if big is None:
        big = presentation_figure(fig)
        object.__setattr__(fig, _PRESENT_COPY, big)
    return big


def show_chart(fig, page: str, name: str, *, where=None, stretch: bool = True, config: dict | None = None) -> None:
    """Draw ``fig`` with the app's chart config (or ``config``); its widget key is ``widget_key(page, name)``.

    ``where`` is a container or column (default: the current one). In presentation mode the figure's text is
    larger (:func:`presentation_figure`): every chart of the app goes through here.
    """
    target = st if where is None else where
    target.plotly_chart(for_screen(fig), key=widget_key(page, name), config=CHART_CONFIG if config is None else config,
                        width="stretch" if stretch else "content")


_RENDERERS: dict[str, Callable] = {
    "heat": matrix_heatmap,
    "channels": channels_heatmap,
    "animation": window_animation,
    "channels_animation": channels_window_animation,
}


# Figures are built once per distinct input and shared (Plotly's validation costs ~40 ms a figure);
# st.plotly_chart only reads them. cache_resource, not cache_data: unpickling a Figure re-validates it.
@st.cache_resource(max_entries=FIGURE_CACHE_ENTRIES, show_spinner=False)
def cached_figure(kind: str, *args, **kwargs):
    """``ui.heatmap``'s ``matrix_heatmap`` ("heat"), ``channels_heatmap`` ("channels"), ``window_animation``
    ("animation") or ``channels_window_animation`` ("channels_animation"), cached (bounded)."""
    return _mark_shared(_RENDERERS[kind](*args, **kwargs))


def figure_cache(builder: Callable, max_entries: int = 128) -> Callable:
    """``builder`` wrapped in a bounded ``st.cache_resource`` (for a page's own figure builders).

    The builder must be pure and must not mutate the figure it returns (callers share it); its presentation
    copy is then built once too (:func:`for_screen`).
    """
    @functools.wraps(builder)          # the cache is keyed by the builder's name and source, not the wrapper's
    def build(*args, **kwargs):
        return _mark_shared(builder(*args, **kwargs))

    return st.cache_resource(max_entries=max_entries, show_spinner=False)(build)


# --------------------------------------------------------------------------- numbers that must stay valid
def keep_number(key: str, low: int, high: int) -> None:
    """Before a number input: a remembered value outside [low, high] (or not a number) is moved inside."""
    value = st.session_state.get(key, low)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        st.session_state[key] = low
    elif not low <= value <= high:
        st.session_state[key] = low if value < low else high


# --------------------------------------------------------------------------- tabs kept in the link, reset
def url_tabs(page: str, name: str, spec_name: str, sections: Sequence[str], labels: Sequence[str], *,
             on_change: Callable[[str], None] | None = None) -> list:
    """A tab bar over ``sections`` (shown as ``labels``) whose open tab is kept by name; returns one container per
    section, in order: ``with tab:`` writes into that section's place, ``tab.open`` is True for the open one only.

    The open section's name is kept under ``<page>.<spec_name>``; put ``ChoiceParam(spec_name, sections[0],
    sections)`` in the page's URL specs and a link opens that tab, in either language (an unknown name opens the
    first). Draw only the open one (``tab.open``), or with :func:`opened_tabs` also those opened before.

    The bar is a tab strip (``ui.components.tab_strip``, component key ``<page>.<name>``), not ``st.tabs``: one
    element of ~20 React components instead of ~110 that every pass of the page re-rendered, whatever control moved
    (#14 round 13). Each section's place is ``st.container(key="<page>.<name>.<section>")``; the strip's style hides
    the closed ones, and a click shows the picked one in the browser at once (a section drawn while closed needs no
    server), then reruns (the app, or the part that holds the bar).

    ``on_change(section)``, when given, runs in the pick's callback with the new section's name already kept
    (:func:`open_section` reads it) and may replace that rerun by the parts it names (``st.rerun([key, ...])``).
    A pick the strip did not offer changes nothing.
    """
    from ui.components.tab_strip import box_class, strip_html, tab_strip

    strip_key, url_key = widget_key(page, name), widget_key(page, spec_name)
    state = st.session_state
    state[url_key] = open_section(page, spec_name, sections)   # the link's name, or the first when none or unknown
    index = list(sections).index(state[url_key])
    keys = [f"{strip_key}.{section}" for section in sections]
    tab_strip(strip_html(labels, index, "", [box_class(key) for key in keys]), strip_key,
              functools.partial(_tab_switched, strip_key, url_key, tuple(sections), on_change))
    boxes = [st.container(key=key) for key in keys]
    for k, box in enumerate(boxes):
        box.open = k == index
    return boxes


def _tab_switched(strip_key: str, url_key: str, sections: tuple, then: Callable[[str], None] | None) -> None:
    """A :func:`url_tabs` strip's callback: keep the picked section by name (a position the strip did not offer is
    ignored: the value is the browser's), then the page's own callback."""
    from ui.components.tab_strip import picked

    state = st.session_state
    index = picked(state, strip_key, len(sections))
    if index is None:
        return
    state[url_key] = sections[index]
    if then is not None:
        then(sections[index])


def open_section(page: str, spec_name: str, sections: Sequence[str]) -> str:
    """The open section of a :func:`url_tabs` bar: the name kept under ``<page>.<spec_name>`` (the link's, or the
    last clicked), ``sections[0]`` when none or an unknown one is kept. Reads only: usable anywhere in a run, in a
    callback, or in a part that reruns alone."""
    wanted = st.session_state.get(widget_key(page, spec_name))
    return wanted if wanted in sections else sections[0]


def opened_so_far(page: str, spec_name: str) -> frozenset[str]:
    """The sections of a :func:`url_tabs` bar :func:`opened_tabs` has drawn so far in this session (reads only: a
    switch's callback tells a section's first visit from a return to it)."""
    return frozenset(st.session_state.get(widget_key(page, f"{spec_name}_opened"), ()))


def opened_tabs(page: str, spec_name: str, sections: Sequence[str]) -> set[str]:
    """The sections of a :func:`url_tabs` bar to draw in this run: the open one and every one opened before in this
    session (#14 round 9).

    A section drawn while closed is the browser's to show: switching back to it is the tab bar's own switch, at
    once, and the rerun the switch starts (it keeps the link on the open tab) changes nothing on screen. The first
    view still draws the open section only. Draw ``section`` when it is in the returned set (not ``tab.open``).
    """
    state = st.session_state
    opened = state.setdefault(widget_key(page, f"{spec_name}_opened"), set())
    opened.add(open_section(page, spec_name, sections))
    return opened


def reset_state(page: str, specs: Sequence[Any], extra: Callable[[], None] | None = None,
                keep: Sequence[str] = ()) -> None:
    """Every spec's widget back to its default but those named in ``keep`` (a button callback: runs before
    the widgets are drawn)."""
    for spec in specs:
        if spec.name not in keep:
            st.session_state[widget_key(page, spec.name)] = spec.to_state(spec.default)
    if extra is not None:
        extra()


def reset_button(page: str, specs: Sequence[Any], label: str, *, help: str | None = None,
                 extra: Callable[[], None] | None = None, keep: Sequence[str] = (), where=None) -> None:
    """A button that puts every parameter of the page back to the text's example (the specs' defaults).

    ``keep`` names parameters left as they are (e.g. the open tab); ``extra`` runs after the reset.
    """
    (st if where is None else where).button(label, key=widget_key(page, "reset"), on_click=reset_state,
                                            args=(page, specs, extra, keep), help=help, icon=":material/restart_alt:")


def _nearest_inside(value: float, low: float, high: float) -> float:
    """``value`` if it lies in [low, high], else the nearer end (±inf included); NaN -> 0 brought inside."""
    if math.isnan(value):
        value = 0.0
    return low if value < low else high if value > high else value


def keep_in_range(key: str, low: float, high: float, default: float) -> tuple[float, float] | None:
    """Before a number input drawn without bounds: a value outside [low, high] is moved to the nearest
    bound. Returns (typed, used) when it moved, for the page's message; None otherwise.

    A number input *with* bounds refuses a typed value in the browser and silently keeps the old one
    (#12 item 3); without bounds the typed value arrives, and the page can say what it uses instead.
    The message shows on the one run that moved the value (:func:`clamp_on_change` keeps it until the
    next edit).
    """
    value = st.session_state.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        st.session_state[key] = default
        return None
    used = _nearest_inside(value, low, high)
    if used == value:
        return None
    st.session_state[key] = type(value)(used)
    return value, used


class Clamped(NamedTuple):
    """A typed number that :func:`clamp_on_change` moved: what was typed, what is used, the range."""
    typed: float
    used: float
    low: float
    high: float


def clamped(page: str) -> dict[str, Clamped]:
    """The numbers of ``page`` that :func:`clamp_on_change` moved, by widget name
    (``st.session_state["<page>._clamped"]``).

    The page shows one message per entry next to its widget; ``clamped(page).clear()`` forgets them all
    (a reset button).
    """
    return st.session_state.setdefault(widget_key(page, "_clamped"), {})


def clamp_on_change(page: str, name: str, low: float, high: float, *, integer: bool = False) -> None:
    """``on_change`` of a number input drawn without bounds (widget key ``"<page>.<name>"``): a typed value
    outside [low, high] is replaced by the nearest end (rounded to an int with ``integer``; NaN -> 0 brought
    inside), and ``clamped(page)[name] = Clamped(typed, used, low, high)`` is stored in session state under
    ``"<page>._clamped"`` so the page can say "you typed 12000, 9999 is used" until the next edit of that
    input (a value inside the range removes the entry).

    Use: ``st.number_input(..., key=widget_key(page, name), on_change=clamp_on_change,
    args=(page, name, low, high), kwargs={"integer": True})``, then show each entry of :func:`clamped`.
    Unlike :func:`keep_in_range` (checked before drawing, message shown on one run), the message stays while
    the moved value is shown.
    """
    key = widget_key(page, name)
    notes = clamped(page)
    notes.pop(name, None)
    typed = st.session_state.get(key)
    if typed is None or isinstance(typed, bool) or not isinstance(typed, (int, float)):
        return
    used = _nearest_inside(float(typed), low, high)
    used = int(round(used)) if integer else float(used)
    if used != typed:
        st.session_state[key] = used
        notes[name] = Clamped(typed, used, low, high)


# --------------------------------------------------------------------------- lazy tabs and expanders
def lazy_tabs(page: str, name: str, sections: Sequence[tuple[str, Callable[[], None]]]) -> None:
    """Tabs whose content is computed only while open: ``sections`` = (label, render) pairs. A :func:`url_tabs`
    strip (component key ``<page>.<name>``); the open tab's position is kept under ``<page>.<name>_open``
    (``"s0"``, ``"s1"``, ...), not in the link."""
    names = [f"s{k}" for k in range(len(sections))]
    tabs = url_tabs(page, name, f"{name}_open", names, [label for label, _ in sections])
    for tab, (_, render) in zip(tabs, sections):
        if tab.open:
            with tab:
                render()


def lazy_expander(page: str, name: str, label: str, where=None, expanded: bool = False):
    """An expander that reruns when toggled; returns it when open (draw inside), else None."""
    target = st if where is None else where
    box = target.expander(label, expanded=expanded, key=widget_key(page, name), on_change="rerun")
    return box if box.open else None


def lazy_code_panel(page: str, build: Callable[[], Any], *, open_tab_only: bool = False) -> None:
    """The "same in PyTorch / NumPy" panel (``ui.library_code.show_library_code``), drawn only while open.

    Closed (the default), a rerun sends one element instead of five and the first view loads no code
    highlighter (Streamlit's ``st.code`` brings 1.5 MB of JavaScript); ``build()`` returns the
    ``LibraryCode`` and runs only when the panel is open. Widget key ``<page>.code_open``.

    ``open_tab_only``: of the PyTorch / NumPy tabs only the open one is sent and highlighted (#14 round 10: opening
    the panel highlighted both); a switch reruns the page, so use it where the panel sits in a part of its own
    (:func:`url_fragment`), whose rerun it then is. Tab widget key ``<page>.code_tab``.
    """
    box = lazy_expander(page, "code_open", t("owndata.code_title"))
    if box is None:
        return
    code = build()
    with box:
        if not open_tab_only:
            show_library_code(code, widget_key(page, "code_view"))
            return
        st.caption(t("owndata.code_caption"))
        lazy_tabs(page, "code_tab", [(t("owndata.code_tab_torch"), lambda: st.code(code.torch, language="python")),
                                     (t("owndata.code_tab_numpy"), lambda: st.code(code.numpy, language="python"))])


# --------------------------------------------------------------------------- parts that rerun alone
def url_fragment(page: str, specs: Sequence[Any], key: str | None = None) -> Callable[[Callable], Callable]:
    """Decorator: ``st.fragment`` whose every run ends by writing the page's parameters into the link.

    A control drawn inside reruns only this function (not the frame, not the rest of the page), so the
    browser receives and redraws only its elements. Use it for a part whose output depends on nothing
    but its own controls and its arguments (a full run passes them again). Returns what the function
    returns on a full run. With a ``key`` (``st.fragment(key=...)``), a widget callback anywhere on the page
    can rerun this part alone, or with others (``st.rerun([key, ...])``): such a part reads what it shows from
    session state, since a rerun started elsewhere passes it the arguments of the page's last full run.
    """
    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def run(*args, **kwargs):
            result = func(*args, **kwargs)
            sync_to_url(page, specs)   # a fragment rerun does not reach the page's own sync_to_url
            return result
        return st.fragment(run, key=key)
    return decorate


def follow_open_panels(page: str, names: Sequence[str], panels: Sequence[str] = ("export_open",), *,
                       own_rerun: bool | None = None) -> None:
    """In a part (:func:`url_fragment`) drawn above the page's export / code panels, after its widgets: when one of
    the settings ``names`` changed since this part last ran and one of ``panels`` (widget names) is open, rerun the
    whole page.

    A part's own rerun does not reach the panels below it, whose link, setup file and code hold those settings;
    without this they kept showing the old setup. With every panel closed the part still reruns alone (the
    cheap path #14 is about). The last seen values are kept per ``names`` in ``<page>._seen:<names>``. In the
    page's full run (its body inside :func:`page_body`) the values are only noted: the page is running anyway, and
    a rerun would run it twice. ``own_rerun`` overrides that reading (``False``: only note; ``True``: this is the
    part's own rerun).
    """
    state = st.session_state
    if own_rerun is None:
        own_rerun = not page_body_running(page)
    seen = tuple(state.get(widget_key(page, name)) for name in names)
    memo = widget_key(page, "_seen:" + ",".join(names))
    changed = memo in state and state[memo] != seen
    state[memo] = seen
    if own_rerun and changed and any(state.get(widget_key(page, panel)) for panel in panels):
        st.rerun(scope="app")


# --------------------------------------------------------------------------- shared words
def activation_name(name: str, lang: str | None = None) -> str:
    """The translated name of an activation (``words.act_<name>``); pass ``lang`` inside a format_func."""
    return t(f"words.act_{name}") if lang is None else translate(lang, f"words.act_{name}")


def text_title(number: str, lang: str | None = None) -> str:
    """The short title of source text ``number`` ("000" … "004"), as named in the interface."""
    return t(f"words.text_{number}") if lang is None else translate(lang, f"words.text_{number}")


#: Below this (relative or, for values of order one, absolute) difference two computations agree to machine
#: precision: float64 rounds at 1.1e-16 a step, and a sum of a few hundred products stays far below 1e-12.
MACHINE_PRECISION = 1e-12


def agreement(difference: float, *, relative: bool = True, lang: str | None = None) -> str:
    """How two computations agree, as the verb phrase of a sentence in the reader's language.

    ``0`` -> "agree exactly" / "完全一致"; ``3.2e-16`` -> "agree to machine precision (largest relative
    difference 3 × 10⁻¹⁶)"; larger -> "agree to within a relative difference of 2 × 10⁻¹⁰". Every message that
    says two results agree uses it (``common.agree_*``), so no sentence reads "differ by at most 0".
    """
    kind = "rel" if relative else "abs"
    difference = abs(float(difference))
    if difference == 0:
        key, params = "common.agree_exactly", {}
    elif difference <= MACHINE_PRECISION:
        key, params = f"common.agree_machine_{kind}", {"value": fmt_power(difference)}
    else:
        key, params = f"common.agree_close_{kind}", {"value": fmt_power(difference, 2)}
    return t(key, **params) if lang is None else translate(lang, key, **params)


def error_phrase(error: float, *, lang: str | None = None) -> str:
    """A finite-difference check's largest relative error for a sentence: ``0`` -> "no error at all" / "误差为零"
    (never "largest relative error 0"), else "largest relative error 3.1 × 10⁻¹¹"."""
    if float(error) == 0:
        key, params = "common.error_none", {}
    else:
        key, params = "common.error_largest", {"value": fmt_power(error, 2)}
    return t(key, **params) if lang is None else translate(lang, key, **params)


# --------------------------------------------------------------------------- the page's full run
def _body_key(page: str) -> str:
    return widget_key(page, "_body_running")


def page_body_running(page: str) -> bool:
    """True while the page's body runs (:func:`page_body`); a part's (:func:`url_fragment`) own rerun sees False."""
    return bool(st.session_state.get(_body_key(page), False))


def mark_page_body(page: str, running: bool) -> None:
    """Mark the start (``True``) / end (``False``) of the page's body where it cannot sit inside :func:`page_body`."""
    st.session_state[_body_key(page)] = bool(running)


@contextlib.contextmanager
def page_body(page: str):
    """``with page_body(PAGE):`` around the parts of the page's full run.

    A part that reruns alone (:func:`url_fragment`) then knows whether the page is running (its values are only
    noted by :func:`follow_open_panels`) or it is its own rerun (an open panel below it follows). The mark is
    removed also when the run is cut short (a newer rerun, ``st.rerun``, an error).
    """
    mark_page_body(page, True)
    try:
        yield
    finally:
        mark_page_body(page, False)
