"""AppTest helpers: run any page of the real app (frame included) in a chosen language."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Mapping

import numpy as np
import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest, app_test

from ui.frame import page_entry

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


class _SessionPages(PagesManager):
    """AppTest makes a new page registry for every run; a browser session keeps one. So in AppTest a run of named
    parts only (``st.rerun([keys])`` from a callback: the frame's ``st.navigation`` does not run) knew no page, and an
    ``st.page_link`` in such a part raised where the browser draws it. This one starts with the last pages that
    ``st.navigation`` registered (the app's pages are the same in every test)."""

    registered: dict | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if _SessionPages.registered is not None:
            self._set_pages(dict(_SessionPages.registered))

    def set_pages_and_resolve(self, pages, *args, **kwargs):
        _SessionPages.registered = dict(pages)
        return super().set_pages_and_resolve(pages, *args, **kwargs)


@pytest.fixture(autouse=True)
def _pages_kept_across_runs(monkeypatch):
    monkeypatch.setattr(app_test, "PagesManager", _SessionPages)


def open_page(page_key: str, lang: str = "en", query: Mapping[str, str] | None = None,
              timeout: float = 30) -> AppTest:
    """Run app.py, switch to ``page_key`` and return the AppTest after the page ran once.

    ``query`` sets URL query parameters as a shared link would (``lang`` is set from ``lang``).
    """
    entry = page_entry(page_key)
    assert entry is not None, f"page {page_key!r} is not available"
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.query_params["lang"] = lang
    for name, value in (query or {}).items():
        at.query_params[name] = value
    if page_key != "home":
        at.switch_page(entry.path)
    at.run()
    return at


def link_of(at: AppTest) -> dict[str, str]:
    """The page's link as a shared link carries it: every query parameter but ``lang``, one value each (pass it
    as ``open_page``'s ``query`` to open the link in a new session)."""
    return {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items() if k != "lang"}


def set_setting(at: AppTest, name: str, value) -> AppTest:
    """What the sidebar's menu does when the reader changes a setting (``lang``, ``digits``, ``present``): its
    callback applies the browser's message with ``ui.frame.apply_setting``, then the app reruns. (AppTest cannot
    click inside a component; tests/e2e/test_sidebar_menu_browser.py clicks the real one.)"""
    from ui.frame import apply_setting

    assert apply_setting(at.session_state, name, value), (name, value)
    return at.run()


def sidebar_menu_markup(at: AppTest) -> str:
    """The markup of the sidebar's menu component (``ui.components.sidebar_menu``), HTML entities decoded."""
    import html
    import json

    from ui.frame import MENU_KEY

    menus = [el for el in at.sidebar.get("bidi_component") if el.key == MENU_KEY]
    assert len(menus) == 1, "the sidebar has one menu"
    return html.unescape(json.loads(menus[0].proto.json))


def choose_preset(at: AppTest, editor_key: str, name: str) -> AppTest:
    """What an editor's preset menu does when the reader picks ``name``: its callback (``ui.presets.apply_pick``)
    writes the preset into the editor, then the app reruns. (AppTest cannot pick inside a component; the e2e tests
    pick in the real menu.)"""
    from ui.presets import apply_pick

    assert apply_pick(at.session_state, editor_key, name), (editor_key, name, preset_names(at, editor_key))
    return at.run()


def preset_names(at: AppTest, editor_key: str) -> tuple[str, ...]:
    """The presets the editor's menu lists in this run (``ui.presets.MenuOffer``)."""
    from ui.presets import menu_offer

    offer = menu_offer(at.session_state, editor_key)
    return offer.names if offer is not None else ()


def preset_menus(at: AppTest) -> list[str]:
    """The editors whose preset menu (``ui.components.action_menu``, key ``<editor>.preset``) this run drew, in
    page order (a part rerun alone draws only its own)."""
    return [el.key.removesuffix(".preset") for el in at.get("bidi_component") if el.key.endswith(".preset")]


def preset_menu_markup(at: AppTest, editor_key: str) -> str:
    """The markup of the editor's preset menu as this run drew it, HTML entities decoded."""
    import html
    import json

    menus = [el for el in at.get("bidi_component") if el.key == f"{editor_key}.preset"]
    assert len(menus) == 1, (editor_key, preset_menus(at))
    return html.unescape(json.loads(menus[0].proto.json))


def choose(at: AppTest, state_key: str, value) -> AppTest:
    """What a choice menu (``ui.components.choice_menu``: check my work's kind, training's sample and filter) does
    when the reader picks ``value``: the browser sends the option's value as text, its callback
    (``apply_choice``) writes the value into ``state_key``, then the app reruns. (AppTest cannot pick inside a
    component; the e2e tests pick in the real ``<select>``.)"""
    from ui.components.choice_menu import apply_choice

    assert apply_choice(at.session_state, state_key, str(value)), (state_key, value, choice_values(at, state_key))
    return at.run()


def choice_values(at: AppTest, state_key: str) -> tuple[str, ...]:
    """The option values (as the browser sends them) the menu of ``state_key`` offered in its last run."""
    from ui.components.choice_menu import ChoiceOffer, offer_key

    offer = at.session_state[offer_key(state_key)] if offer_key(state_key) in at.session_state else None
    return tuple(text for text, _ in offer.values) if isinstance(offer, ChoiceOffer) else ()


def choice_markup(at: AppTest, state_key: str) -> str:
    """The markup of the choice menu of ``state_key`` as this run drew it (HTML entities left as sent)."""
    import json

    from ui.components.choice_menu import menu_key

    menus = [el for el in at.get("bidi_component") if el.key == menu_key(state_key)]
    assert len(menus) == 1, (state_key, [el.key for el in at.get("bidi_component")])
    return json.loads(menus[0].proto.json)


def chosen(at: AppTest, state_key: str) -> tuple[str | None, list[tuple[str, str]]]:
    """What the choice menu of ``state_key`` shows as this run drew it: (the value of the option marked
    ``selected``, every option's (value, text)), read with the standard HTML parser as the browser reads it."""
    from html.parser import HTMLParser

    class Options(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.options: list[list[str]] = []
            self.selected: str | None = None
            self.inside = False

        def handle_starttag(self, tag, attrs):
            if tag == "option":
                attrs = dict(attrs)
                self.options.append([attrs.get("value") or "", ""])
                self.inside = True
                if "selected" in attrs:
                    self.selected = attrs.get("value")

        def handle_endtag(self, tag):
            self.inside = self.inside and tag != "option"

        def handle_data(self, data):
            if self.inside:
                self.options[-1][1] += data

    parser = Options()
    parser.feed(choice_markup(at, state_key))
    return parser.selected, [tuple(option) for option in parser.options]


def pick_in_menu(at: AppTest, state_key: str, sent: object) -> AppTest:
    """What the browser does when the reader picks the option whose value is ``sent`` in the choice menu of
    ``state_key``: the component's trigger ``pick`` carries it with the next run, so the menu's own callback runs
    (``apply_choice``, then the page's ``on_change`` follow-up: a rerun of named parts, say), as in the browser.
    Unlike :func:`choose`, a value the menu did not offer is sent as is (the callback must refuse it). (AppTest has
    no way to touch a component: this adds the trigger's widget state to what the tree sends, with Streamlit's own
    id for it; Streamlit 1.67's components v2.)"""
    import json

    from streamlit.components.v2.bidi_component.main import _make_trigger_id

    from ui.components.choice_menu import menu_key

    menus = [el for el in at.get("bidi_component") if el.key == menu_key(state_key)]
    assert len(menus) == 1, (state_key, [el.key for el in at.get("bidi_component")])
    states = at._tree.get_widget_states()
    trigger = states.widgets.add()
    trigger.id = _make_trigger_id(menus[0].proto.id, "events")
    trigger.json_trigger_value = json.dumps([{"event": "pick", "value": sent}])
    return at._run(states)


class PageSource:
    """A page script read as code (``app_pages/<page>.py``): which functions a function calls, and whether any
    ``st.rerun`` names parts. For the tests of where a page draws each control (AppTest reruns whole scripts, so it
    cannot see which part a control reruns; the e2e tests count the runs)."""

    def __init__(self, page: str) -> None:
        import ast

        self.tree = ast.parse((ROOT / "app_pages" / f"{page}.py").read_text(encoding="utf-8"))
        self.funcs = {node.name: node for node in ast.walk(self.tree) if isinstance(node, ast.FunctionDef)}

    def calls(self, name: str) -> set[str]:
        """The names of the functions and methods called inside function ``name``."""
        import ast

        return {n.func.id if isinstance(n.func, ast.Name) else n.func.attr for n in ast.walk(self.funcs[name])
                if isinstance(n, ast.Call) and isinstance(n.func, (ast.Name, ast.Attribute))}

    def names(self, name: str) -> set[str]:
        """Every name used inside function ``name`` (a function passed along, not called, too)."""
        import ast

        return {n.id for n in ast.walk(self.funcs[name]) if isinstance(n, ast.Name)}

    def reruns_by_name(self) -> list:
        """Every ``….rerun(...)`` call with arguments (``st.rerun([keys])``: a second script run)."""
        import ast

        return [n for n in ast.walk(self.tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                and n.func.attr == "rerun" and n.args]


def no_exception(at: AppTest) -> None:
    """Fail with the traceback text when the page raised."""
    assert not at.exception, "\n".join(str(e.value) for e in at.exception)


def all_text(at: AppTest) -> str:
    """Every markdown, caption, title, header, latex, alert and widget label on the page, joined."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "latex", "error", "warning",
                 "info", "success", "text", "code"):
        parts.extend(str(getattr(el, "value", "")) for el in getattr(at, kind))
    for kind in ("slider", "selectbox", "radio", "number_input", "text_area", "text_input",
                 "checkbox", "toggle", "select_slider", "button"):
        parts.extend(str(getattr(el, "label", "")) for el in getattr(at, kind))
    # the math boxes' texts too (claim notes, worked solutions: their sentences, inline formulas as $…$)
    from .math_boxes import markup_as_text, math_box_markups

    parts.extend(markup_as_text(markup) for markup in math_box_markups(at, ""))
    return "\n".join(parts)


def plotly_figures(at: AppTest) -> list[dict]:
    """The Plotly figures on the page as dicts (``data``, ``layout``, ``frames``)."""
    import json

    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


@pytest.fixture
def page() -> Callable[..., AppTest]:
    return open_page


def latex_lines(at: AppTest) -> list[str]:
    """Every ``st.latex`` on the page, in order."""
    return [el.value for el in at.latex]


def latex_text(at: AppTest) -> str:
    """Every ``st.latex`` on the page, joined by newlines."""
    return "\n".join(latex_lines(at))


def figure_titled(at: AppTest, title: str, *, prefix: bool = False) -> dict:
    """The first Plotly figure whose title is ``title`` (or starts with it); fails listing the titles there are."""
    figs = plotly_figures(at)
    for fig in figs:
        text = (fig["layout"].get("title") or {}).get("text", "")
        if text == title or (prefix and text.startswith(title)):
            return fig
    raise AssertionError(f"no figure titled {title!r}; have {[(f['layout'].get('title') or {}).get('text') for f in figs]}")


def heat_z(fig: dict, trace: int = 0) -> np.ndarray:
    """A heatmap's values as floats (empty cells -> nan)."""
    return np.array([[np.nan if v is None else v for v in row] for row in fig["data"][trace]["z"]], dtype=float)


def open_tab(at: AppTest, key: str, label: str) -> AppTest:
    """Open the lazily drawn tab whose widget key is ``key`` by its (translated) label, and rerun."""
    at.session_state[key] = label
    at.run()
    return at


def stepper_data(el) -> dict:
    """A cell stepper element's payload: sent as zlib-compressed JSON bytes (``cell_stepper.pack``)."""
    import json

    from ui.components.cell_stepper import unpack

    return unpack(el.proto.bytes) if el.proto.WhichOneof("data") == "bytes" else json.loads(el.proto.json)


def steppers(at: AppTest) -> dict[str, dict]:
    """The cell-stepper payloads on the page, by the last part of the component key (``stepper``, ``way3_stepper``);
    the math boxes' markups too (``db_math``); not the preset menus (``ui.components.action_menu``) nor the tab strips
    (``ui.components.tab_strip``: :func:`tab_strip_tabs`)."""
    from ui.components.action_menu import NAME
    from ui.components.tab_strip import NAME as STRIP

    return {el.key.split(".")[-1]: stepper_data(el) for el in at.main.get("bidi_component")
            if el.proto.component_name not in (NAME, STRIP)}


def stepper(at: AppTest, name: str = "stepper") -> dict:
    """One cell-stepper payload; fails naming the ones there are."""
    found = steppers(at)
    assert name in found, f"no cell stepper {name!r}; have {sorted(found)}"
    return found[name]


def stepper_grid(payload: dict, title: str):
    """The values of the payload's grid titled ``title``, as a float array."""
    import numpy as np

    for g in payload["grids"]:
        if g["title"] == title:
            return np.array(g["values"], dtype=float)
    raise AssertionError(f"no grid titled {title!r}; have {[g['title'] for g in payload['grids']]}")



def tab_strip_tabs(at: AppTest, page: str, name: str) -> list[dict]:
    """The tabs of the :func:`ui.page_kit.url_tabs` bar ``<page>.<name>`` as this run drew them (its tab strip's
    markup read with the standard HTML parser, as the browser reads it): per tab, in order, its ``label``,
    ``selected`` (aria-selected) and ``box`` (the CSS class of its section's container)."""
    import json
    from html.parser import HTMLParser

    strips = [el for el in at.get("bidi_component") if el.key == f"{page}.{name}"]
    assert len(strips) == 1, (page, name, [el.key for el in at.get("bidi_component")])

    class Tabs(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tabs: list[dict] = []
            self.inside = False

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if attrs.get("role") == "tab":
                self.tabs.append({"label": "", "selected": attrs.get("aria-selected") == "true",
                                  "box": attrs.get("data-box"), "index": attrs.get("data-index")})
                self.inside = True

        def handle_endtag(self, tag):
            self.inside = self.inside and tag != "button"

        def handle_data(self, data):
            if self.inside:
                self.tabs[-1]["label"] += data

    parser = Tabs()
    parser.feed(json.loads(strips[0].proto.json))
    return parser.tabs


def tab_labels(at: AppTest, page: str, name: str) -> list[str]:
    """The labels of the url_tabs bar ``<page>.<name>`` (what ``[tab.label for tab in at.tabs]`` read of st.tabs)."""
    return [tab["label"] for tab in tab_strip_tabs(at, page, name)]


def pick_tab(at: AppTest, page: str, name: str, section: object, label: str | None = None) -> AppTest:
    """What the browser does when the reader clicks the tab of ``section`` in the url_tabs bar ``<page>.<name>``:
    the strip's trigger ``pick`` carries the tab's position with the next run, so the bar's callback runs
    (``page_kit._tab_switched``, then the page's ``on_change``), as in the browser. ``label``: the tab's label must
    be this one (the reader's language). A ``section`` that is not a str is sent as is (a tampered position)."""
    import json

    from streamlit.components.v2.bidi_component.main import _make_trigger_id

    from ui.components.tab_strip import box_class

    if not [el for el in at.get("bidi_component") if el.key == f"{page}.{name}"]:
        at.run()   # the last run was a part's alone (AppTest's tree holds just it): the browser shows the whole page
    if isinstance(section, str):
        tabs = tab_strip_tabs(at, page, name)
        wanted = box_class(f"{page}.{name}.{section}")
        at_index = [k for k, tab in enumerate(tabs) if tab["box"] == wanted]
        assert at_index, (section, [tab["box"] for tab in tabs])
        if label is not None:
            assert tabs[at_index[0]]["label"] == label, (tabs[at_index[0]]["label"], label)
        sent = at_index[0]
    else:
        sent = section
    strips = [el for el in at.get("bidi_component") if el.key == f"{page}.{name}"]
    assert len(strips) == 1, (page, name, [el.key for el in at.get("bidi_component")])
    states = at._tree.get_widget_states()
    trigger = states.widgets.add()
    trigger.id = _make_trigger_id(strips[0].proto.id, "events")
    trigger.json_trigger_value = json.dumps([{"event": "pick", "value": sent}])
    at = at._run(states)
    if not [el for el in at.get("bidi_component") if el.key == f"{page}.{name}"]:
        # the page's callback reran only named parts (transposed, training): AppTest's tree then holds just those,
        # while the browser keeps the rest of the page; run the page again to read it all, as the tests did before
        at.run()
    return at
