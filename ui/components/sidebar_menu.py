"""The whole sidebar — the pages, the reader's settings, the Notation and About panels — as one component (#14).

Why one component and not ``st.navigation``'s menu, radios, a toggle and two expanders: Streamlit re-renders every
element of the page, sidebar included, two to four times per action (docs/ARCHITECTURE.md, "What a control costs the
browser"). Those elements were ~1,000 of a page's 3,000–4,200 React components (the 13-link menu ~520, the settings
and panels ~440) — a quarter of every control's browser time on every page. This component is ~20, and the browser
parses its markup natively and only when it changed.

What it does in the browser:
- **A page link** is a real ``<a href>`` (open in a new tab works). A plain click does what the browser's back
  button does in a Streamlit app: the URL changes (``history.pushState``) and a ``popstate`` event asks Streamlit's
  frontend to open the page of that URL — one script run, as its own menu makes. On a phone the sidebar then closes,
  as Streamlit's menu does. (Streamlit 1.67's frontend listens to ``popstate`` for its back/forward support;
  tests/e2e/test_sidebar_menu_browser.py fails if that changes.)
- **A setting** (language, digits, presentation) is a native radio group or switch; a change sends
  ``{"name": …, "value": …}`` as the trigger value ``set`` and Python's callback applies it
  (:func:`ui.frame.apply_setting`, which checks it: a tampered message changes nothing).
- A rebuild keeps the keyboard focus and the open panels.

The markup must be trusted: :func:`menu_html` builds it with every text escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Callable

from ui.components.markup_box import KEPT_BOX_JS, sent

NAME = "cnn_studio_sidebar_menu"


@dataclass(frozen=True)
class Link:
    """One page of the menu: ``page`` its key, ``href`` its URL relative to the app's root, ``icon`` a Material
    Symbols name (``grid_on``)."""

    page: str
    href: str
    title: str
    icon: str
    current: bool = False


@dataclass(frozen=True)
class Section:
    title: str
    links: tuple[Link, ...]


@dataclass(frozen=True)
class Choice:
    """A radio group: ``name`` is the setting it sends, ``options`` (value, label) pairs."""

    name: str
    legend: str
    options: tuple[tuple[str | int, str], ...]
    chosen: str | int
    help: str = ""


@dataclass(frozen=True)
class Switch:
    name: str
    label: str
    on: bool
    help: str = ""


@dataclass(frozen=True)
class Panel:
    """A closed-by-default panel: ``body`` is trusted markup (from :func:`table_html` / :func:`prose_html`)."""

    name: str
    title: str
    body: str
    icon: str = ""


CSS = """
.sidebar-menu { font-size: 1rem; line-height: 1.4; color: rgb(49, 51, 63); }
.sidebar-menu nav { margin: 0 0 1rem; }
.sidebar-menu .sm-section { margin: 0.75rem 0 0.15rem; padding: 0 0.5rem; font-size: 0.875rem; font-weight: 600;
  color: rgba(49, 51, 63, 0.6); }
.sidebar-menu .sm-section:first-child { margin-top: 0; }
.sidebar-menu ul { list-style: none; margin: 0; padding: 0; }
.sidebar-menu a { display: flex; align-items: center; gap: 0.5rem; padding: 0.2rem 0.5rem; margin: 0.1rem 0;
  border-radius: 0.5rem; color: rgb(49, 51, 63); text-decoration: none; }
.sidebar-menu a:hover { background: rgba(151, 166, 195, 0.15); }
.sidebar-menu a[aria-current="page"] { background: rgba(151, 166, 195, 0.25); font-weight: 600; }
.sidebar-menu .sm-icon { font-family: "Material Symbols Rounded"; font-weight: normal; font-style: normal;
  font-size: 1.25rem; line-height: 1; letter-spacing: normal; text-transform: none; white-space: nowrap;
  direction: ltr; -webkit-font-feature-settings: "liga"; font-feature-settings: "liga";
  color: rgba(49, 51, 63, 0.6); width: 1.25rem; overflow: hidden; flex: none; }
.sidebar-menu fieldset { border: 0; margin: 0 0 0.9rem; padding: 0; min-width: 0; }
.sidebar-menu legend, .sidebar-menu .sm-label { padding: 0; margin-bottom: 0.25rem; font-size: 0.875rem; }
.sidebar-menu .sm-options { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; }
.sidebar-menu .sm-options label, .sidebar-menu .sm-switch { display: inline-flex; align-items: center;
  gap: 0.35rem; cursor: pointer; }
.sidebar-menu input[type="radio"] { accent-color: #ff4b4b; width: 1rem; height: 1rem; margin: 0; }
.sidebar-menu .sm-switch { margin: 0 0 0.2rem; }
.sidebar-menu input[role="switch"] { appearance: none; -webkit-appearance: none; position: relative; margin: 0;
  width: 2rem; height: 1.1rem; border-radius: 0.55rem; background: rgba(151, 166, 195, 0.55); cursor: pointer;
  transition: background 0.15s; flex: none; }
.sidebar-menu input[role="switch"]::before { content: ""; position: absolute; top: 0.15rem; left: 0.15rem;
  width: 0.8rem; height: 0.8rem; border-radius: 50%; background: #fff; transition: left 0.15s; }
.sidebar-menu input[role="switch"]:checked { background: #ff4b4b; }
.sidebar-menu input[role="switch"]:checked::before { left: 1.05rem; }
.sidebar-menu :focus-visible { outline: 2px solid rgba(255, 75, 75, 0.8); outline-offset: 2px; }
.sidebar-menu .sm-help { margin: 0.2rem 0 0; font-size: 0.8rem; color: rgba(49, 51, 63, 0.6); }
.sidebar-menu details { border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem; margin: 0 0 0.75rem; }
.sidebar-menu summary { cursor: pointer; padding: 0.5rem 0.75rem; font-size: 0.95rem; display: flex;
  align-items: center; gap: 0.5rem; }
.sidebar-menu summary::-webkit-details-marker { display: none; }
.sidebar-menu summary::after { content: ""; margin-left: auto; width: 0.45rem; height: 0.45rem;
  border-right: 2px solid rgba(49, 51, 63, 0.6); border-bottom: 2px solid rgba(49, 51, 63, 0.6);
  transform: rotate(45deg); transition: transform 0.15s; }
.sidebar-menu details[open] summary::after { transform: rotate(-135deg); }
.sidebar-menu .sm-panel { padding: 0 0.75rem 0.6rem; font-size: 0.9rem; }
.sidebar-menu .sm-panel p { margin: 0 0 0.5rem; }
.sidebar-menu table { border-collapse: collapse; width: 100%; font-size: 0.85rem; }
.sidebar-menu th, .sidebar-menu td { text-align: left; vertical-align: top; padding: 0.25rem 0.3rem;
  border-top: 1px solid rgba(49, 51, 63, 0.1); }
.sidebar-menu td:first-child { white-space: nowrap; }
"""

# Rebuilt only when the markup changed; the focused control and the open panels are found again by data-focus.
JS = KEPT_BOX_JS + """export default function (component) {
  const { parentElement, data, setTriggerValue } = component;
  parentElement.__sidebarMenuSend = setTriggerValue;
  const markup = typeof data === "string" ? data : "";
  if (parentElement.__sidebarMenu === markup) return undefined;
  parentElement.__sidebarMenu = markup;
  const box = keptBox(parentElement, "sidebar-menu", (box) => {
    box.addEventListener("click", (event) => {
      const link = event.target.closest("a[data-page]");
      if (!link || !box.contains(link)) return;
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      // what the browser's back button does: Streamlit opens the page the URL names (one script run)
      window.history.pushState(null, "", link.href);
      window.dispatchEvent(new PopStateEvent("popstate", { state: null }));
      // on a phone the sidebar covers the page: close it, as Streamlit's own menu does
      if (window.matchMedia("(max-width: 767.98px)").matches) {
        const close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
        if (close) close.click();
      }
    });
    box.addEventListener("change", (event) => {
      const input = event.target;
      if (!input || !input.name) return;
      const value = input.type === "checkbox" ? input.checked : input.value;
      parentElement.__sidebarMenuSend("set", { name: input.name, value: value });
    });
  });
  const root = box.getRootNode();
  const focused = root.activeElement && box.contains(root.activeElement) ? root.activeElement.dataset.focus : null;
  const open = [...box.querySelectorAll("details[open]")].map((d) => d.dataset.focus);
  box.innerHTML = markup;
  for (const name of open) { const d = box.querySelector(`details[data-focus="${name}"]`); if (d) d.open = true; }
  if (focused) { const el = box.querySelector(`[data-focus="${focused}"]`); if (el) el.focus(); }
  return undefined;
}
"""

_component = None
_ICON = re.compile(r"^:material/([a-z0-9_]+):$")


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def material_name(icon: str) -> str:
    """``":material/grid_on:"`` -> ``"grid_on"`` (the ligature the Material Symbols font draws); anything else ''."""
    match = _ICON.match(icon)
    return match.group(1) if match else ""


def prose_html(text: str) -> str:
    """A locale text as paragraphs (blank lines), ``**bold**`` and ``*italic*``; everything else escaped."""
    out = []
    for para in re.split(r"\n\s*\n", text.strip()):
        body = _e(para)
        body = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", body)
        body = re.sub(r"\*(.+?)\*", r"<em>\1</em>", body)
        out.append(f"<p>{body}</p>")
    return "".join(out)


def table_html(intro: str, header: tuple[str, str], rows: Sequence[tuple[str, str]]) -> str:
    """An intro paragraph and a two-column table, every text escaped."""
    head = f"<tr><th>{_e(header[0])}</th><th>{_e(header[1])}</th></tr>"
    body = "".join(f"<tr><td>{_e(a)}</td><td>{_e(b)}</td></tr>" for a, b in rows)
    return f"<p>{_e(intro)}</p><table><thead>{head}</thead><tbody>{body}</tbody></table>"


def _link(link: Link) -> str:
    current = ' aria-current="page"' if link.current else ""
    icon = material_name(link.icon)
    glyph = f'<span class="sm-icon" aria-hidden="true">{_e(icon)}</span>' if icon else ""
    return (f'<li><a href="{_e(link.href)}" data-page="{_e(link.page)}" data-focus="page-{_e(link.page)}"{current}>'
            f"{glyph}<span>{_e(link.title)}</span></a></li>")


def _choice(choice: Choice) -> str:
    options = "".join(
        f'<label><input type="radio" name="{_e(choice.name)}" value="{_e(value)}" '
        f'data-focus="{_e(choice.name)}-{_e(value)}"{" checked" if value == choice.chosen else ""}>'
        f"<span>{_e(label)}</span></label>"
        for value, label in choice.options)
    helptext = f'<p class="sm-help">{_e(choice.help)}</p>' if choice.help else ""
    return (f'<fieldset><legend>{_e(choice.legend)}</legend><div class="sm-options" role="radiogroup">{options}</div>'
            f"{helptext}</fieldset>")


def _switch(switch: Switch) -> str:
    helptext = f'<p class="sm-help">{_e(switch.help)}</p>' if switch.help else ""
    return (f'<fieldset><label class="sm-switch"><input type="checkbox" role="switch" name="{_e(switch.name)}" '
            f'data-focus="{_e(switch.name)}"{" checked" if switch.on else ""}><span>{_e(switch.label)}</span></label>'
            f"{helptext}</fieldset>")


def _panel(panel: Panel) -> str:
    icon = material_name(panel.icon)
    glyph = f'<span class="sm-icon" aria-hidden="true">{_e(icon)}</span>' if icon else ""
    return (f'<details data-focus="panel-{_e(panel.name)}"><summary>{glyph}<span>{_e(panel.title)}</span></summary>'
            f'<div class="sm-panel">{panel.body}</div></details>')


def menu_html(nav_label: str, sections: Sequence[Section], choices: Sequence[Choice | Switch],
              panels: Sequence[Panel]) -> str:
    """The sidebar's markup: the page menu (``<nav>``), the settings, then the panels."""
    nav = "".join(f'<div class="sm-section">{_e(s.title)}</div><ul>{"".join(map(_link, s.links))}</ul>'
                  for s in sections)
    settings = "".join(_switch(c) if isinstance(c, Switch) else _choice(c) for c in choices)
    return f'<nav aria-label="{_e(nav_label)}">{nav}</nav>{settings}{"".join(map(_panel, panels))}'


def sidebar_menu(markup: str, key: str, on_set: Callable[[], None]) -> None:
    """Mount the menu (``markup`` from :func:`menu_html`) under ``key``; ``on_set()`` runs (a callback, before the
    rerun) when a setting was changed: :func:`sent_setting` reads which."""
    global _component
    import streamlit as st

    if _component is None:
        _component = st.components.v2.component(NAME, css=CSS, js=JS)
    _component(data=markup, key=key, on_set_change=on_set)


def sent_setting(key: str) -> tuple[str, object] | None:
    """The (name, value) the menu ``key`` sent with its last change, or None (nothing, or not that shape)."""
    import streamlit as st

    setting = sent(st.session_state, key, "set")
    if not isinstance(setting, Mapping) or not isinstance(setting.get("name"), str):
        return None
    return setting["name"], setting.get("value")
