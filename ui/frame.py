"""The shared frame around every page: language, navigation, sidebar.

``app.py`` calls :func:`run_app` once per rerun; pages never repeat any of this.

Language: ``?lang=en|zh`` selects it; otherwise the browser's locale
(``st.context.locale``, ``zh*`` -> Chinese), else English. The sidebar's switch
writes the choice back to the URL so a link keeps it. The sidebar is one component (``ui.components.sidebar_menu``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from ui.i18n import DEFAULT_LANGUAGE, LANGUAGES, normalize_language, t, translate
from ui.latex import DIGIT_CHOICES, SIGNIFICANT, escape_markdown, use_display_digits

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class PageEntry:
    """One page of the app: ``key`` names its strings (``nav.<key>``, ``nav.<key>_promise``)."""

    key: str
    path: str
    icon: str
    section: str  # key into nav.section_<section>


# The pages in navigation order (docs/CONVENTIONS.md "Pages"). Every script must exist (a test checks it),
# so a deleted page fails the tests instead of silently leaving the navigation.
PAGES: tuple[PageEntry, ...] = (
    PageEntry("home", "app_pages/home.py", ":material/home:", "start"),
    PageEntry("padding", "app_pages/padding.py", ":material/grid_on:", "forward"),
    PageEntry("conv_single", "app_pages/conv_single.py", ":material/filter_1:", "forward"),
    PageEntry("conv_multi", "app_pages/conv_multi.py", ":material/layers:", "forward"),
    PageEntry("pooling", "app_pages/pooling.py", ":material/compress:", "forward"),
    PageEntry("transposed", "app_pages/transposed.py", ":material/open_in_full:", "forward"),
    PageEntry("conv_backward", "app_pages/conv_backward.py", ":material/undo:", "backward"),
    PageEntry("dense", "app_pages/dense.py", ":material/hub:", "backward"),
    PageEntry("autodiff", "app_pages/autodiff.py", ":material/account_tree:", "backward"),
    PageEntry("training", "app_pages/training.py", ":material/model_training:", "backward"),
    PageEntry("worked_examples", "app_pages/worked_examples.py", ":material/fact_check:", "check"),
    PageEntry("check_work", "app_pages/check_work.py", ":material/task_alt:", "check"),
    PageEntry("practice", "app_pages/practice.py", ":material/school:", "check"),
)


def available_pages() -> tuple[PageEntry, ...]:
    """The registered pages, in navigation order (every script exists: tests/pages/test_home_and_frame.py)."""
    return PAGES


def page_entry(key: str) -> PageEntry | None:
    """The entry of an available page, or None."""
    return next((p for p in available_pages() if p.key == key), None)


# The rows of the notation panel (``notation.sym_<key>`` / ``notation.mean_<key>``), in reading order.
NOTATION = ("corr", "conv", "odot", "rot180", "delta", "delta_prev", "delta_tilde", "delta_up", "crop", "sigma",
            "indicator", "subscripts", "letters_conv", "letters_dense", "loss", "sizes", "eta", "floor", "approx")


def _choose_language() -> str | None:
    """Set st.session_state['lang'] on the session's first run; return a bad ?lang= value, if any."""
    if "lang" in st.session_state and st.session_state["lang"] in LANGUAGES:
        return None
    raw = st.query_params.get("lang")
    from_url = normalize_language(raw)
    locale = None
    try:
        locale = st.context.locale
    except Exception:  # not available outside a browser session
        locale = None
    st.session_state["lang"] = from_url or normalize_language(locale) or DEFAULT_LANGUAGE
    return raw if raw is not None and from_url is None else None


# One static stylesheet for every page (st.html, no user data: only this text and our own locale strings,
# escaped for CSS). Each rule names the issue item it serves; tests/e2e/test_layout_browser.py checks them.
LAYOUT_CSS = """
:root { --cnn-studio-frame-css: 1; }  /* a marker: tests wait for it before measuring the layout */
/* #12 item 8: a display formula wider than its column scrolls inside the column (never cut). Streamlit
   already sets overflow-x: auto but paints every scrollbar transparent until hovered, so a reader saw a
   formula cut at the edge: keep the bar visible and shade the edge that hides more terms (the shades
   are backgrounds attached to the scrolled content, so they move away when the end is reached). */
[data-testid="stMain"] .katex-display {
  overflow-x: auto; overflow-y: hidden; max-width: 100%;
  padding: 0.2em 0.3em 0.45em; scrollbar-width: thin; scrollbar-color: rgba(49, 51, 63, 0.45) transparent;
  background:
    linear-gradient(to right, #fff 1em, rgba(255, 255, 255, 0)) left center / 2em 100% no-repeat local,
    linear-gradient(to left, #fff 1em, rgba(255, 255, 255, 0)) right center / 2em 100% no-repeat local,
    radial-gradient(farthest-side at 0 50%, rgba(49, 51, 63, 0.22), rgba(49, 51, 63, 0)) left center / 0.8em 100% no-repeat scroll,
    radial-gradient(farthest-side at 100% 50%, rgba(49, 51, 63, 0.22), rgba(49, 51, 63, 0)) right center / 0.8em 100% no-repeat scroll;
}
/* the shades' covers are the page's white (config.toml: light theme); a tinted box keeps the bar only */
[data-testid="stMain"] [data-testid="stAlert"] .katex-display { background: none; }
/* #12 item 16: a chart never makes the page wider than the phone; it scrolls in its own box */
[data-testid="stPlotlyChart"] { max-width: 100%; overflow-x: auto; overflow-y: hidden; }
"""

# #12 item 13: Streamlit 1.67 writes its own controls' words in English only (no locale option; checked in
# its frontend bundle). In Chinese, show none of them (docs/ARCHITECTURE.md, "Streamlit's own words"):
# the tables' toolbar (CSV download, search, full screen) and column menu are hidden; the file uploader's
# button, its "2MB per file • PNG" line (the image uploader's caption states its limits; a settings file is
# a few hundred bytes) and the "Drag and drop a file here" shown while dragging are replaced by our words;
# so is the tooltip of Plotly's PNG button (Plotly draws it in CSS from the button's data-title; Streamlit
# bundles no Plotly locale).
CHINESE_CSS = """
[data-testid="stDataFrame"] [data-testid="stElementToolbar"],
[data-testid="stDataFrameColumnMenuTarget"] { display: none !important; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"],
[data-testid="stFileUploaderDropzoneInstructions"] span { display: none; }
[data-testid="stFileUploaderDropzone"] button span[data-has-shortcut]::after { content: "{upload}"; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::after { content: "{drop}"; font-size: 0.875rem; opacity: 0.7; }
[data-testid="stFileUploaderDropzone"] > div:not([data-testid]) > span { font-size: 0; }
[data-testid="stFileUploaderDropzone"] > div:not([data-testid]) > span::after { content: "{drop_here}"; font-size: 1rem; }
.js-plotly-plot .plotly .modebar .modebar-btn[data-title^="Download plot"]::after { content: "{png}"; }
"""

# Presentation mode (a projector in class): everything sized in rem grows by a quarter (text, widgets, the
# cell stepper's grids), display formulas by a half, and the content takes the whole width. Plotly draws its
# text in SVG at fixed pixel sizes: CSS cannot enlarge it, and a CSS zoom or transform on a chart breaks its
# hovers (measured on Chromium: with zoom 1.4 the pointer over cell 29 of an 8x8 heatmap reported cell 39, and
# farther cells nothing); charts instead follow the wider column. Static CSS, no user data.
PRESENTATION_CSS = """
html { font-size: 20px !important; }  /* Streamlit sets 16px on html too: ours must win whatever the order */
[data-testid="stMain"] .katex-display .katex { font-size: 1.45em; }
/* the math boxes' display formulas (MathML in a component's shadow root, ui/components/math_box.py): a custom
   property is inherited into it, and the box multiplies its formulas' size by it (1.25 x 1.16 = 1.45) */
[data-testid="stMain"] { --math-box-scale: 1.16; }
[data-testid="stMain"] h1 { font-size: 3rem; }
[data-testid="stMainBlockContainer"] { max-width: 100%; padding-left: 2rem; padding-right: 2rem; }
"""


def _css_string(text: str) -> str:
    """``text`` as the body of a CSS string literal: quotes, backslashes, line breaks and ``<`` escaped."""
    return "".join(ch if ch.isalnum() or ch in " .,-()（）·、" else f"\\{ord(ch):x} " for ch in text)


def global_css(lang: str, present: bool = False) -> str:
    """The frame's one ``<style>`` for this language (and presentation mode): static rules, our own words."""
    css = LAYOUT_CSS
    if lang != "en":
        css += (CHINESE_CSS.replace("{upload}", _css_string(translate(lang, "common.upload_button")))
                .replace("{drop}", _css_string(translate(lang, "common.upload_drop")))
                .replace("{drop_here}", _css_string(translate(lang, "common.upload_drop_here")))
                .replace("{png}", _css_string(translate(lang, "common.chart_png"))))
    if present:
        css += PRESENTATION_CSS
    return f"<style>{css}</style>"


def _url_choice(name: str, key: str, parse) -> str | None:
    """On the session's first run, set ``st.session_state[key]`` from ``?name=``; return a bad raw value."""
    if key in st.session_state:
        return None
    raw = st.query_params.get(name)
    value = parse(raw) if raw is not None else None
    if value is not None:
        st.session_state[key] = value
    return raw if raw is not None and value is None else None


def _parse_digits(raw: str) -> int | None:
    return int(raw) if raw.strip() in {str(d) for d in DIGIT_CHOICES} else None


def _parse_flag(raw: str) -> bool | None:
    folded = raw.strip().casefold()[:10]
    return True if folded in {"1", "true", "yes", "on"} else False if folded in {"0", "false", "no", "off"} else None


def _display_settings() -> list[str]:
    """Digits shown in formulas and presentation mode: sidebar controls kept in the URL (?digits=, ?present=)."""
    problems = []
    bad = _url_choice("digits", "digits", _parse_digits)
    if bad is not None:
        problems.append(t("common.bad_digits", value=escape_markdown(bad), choices=", ".join(map(str, DIGIT_CHOICES))))
    bad = _url_choice("present", "present", _parse_flag)
    if bad is not None:
        problems.append(t("common.bad_present", value=escape_markdown(bad)))
    st.session_state.setdefault("digits", SIGNIFICANT)
    st.session_state.setdefault("present", False)
    return problems


def _display_query() -> dict[str, str | None]:
    """The display settings as the URL keeps them: ``digits`` and ``present`` (None: the default, left out)."""
    return {"digits": None if st.session_state["digits"] == SIGNIFICANT else str(st.session_state["digits"]),
            "present": "1" if st.session_state["present"] else None}


def _sync_display_settings() -> None:
    for name, value in _display_query().items():
        if value is None and name in st.query_params:
            del st.query_params[name]
        elif value is not None and st.query_params.get(name) != value:
            st.query_params[name] = value


#: The key of the sidebar's component (``ui.components.sidebar_menu``).
MENU_KEY = "frame.menu"


def apply_setting(state, name: object, value: object) -> bool:
    """Apply a setting the sidebar sent (``name``: lang / digits / present) to ``state`` (the session state).

    The message comes from the browser and may be tampered with: only a known name with one of its allowed values
    changes anything. Returns whether it did."""
    if name == "lang" and value in LANGUAGES:
        state["lang"] = value
    elif name == "digits" and isinstance(value, (str, int)) and not isinstance(value, bool) \
            and _parse_digits(str(value)) is not None:
        state["digits"] = _parse_digits(str(value))
    elif name == "present" and isinstance(value, bool):
        state["present"] = value
    else:
        return False
    return True


def _on_menu_setting() -> None:
    from ui.components.sidebar_menu import sent_setting

    sent = sent_setting(MENU_KEY)
    if sent is not None:
        apply_setting(st.session_state, *sent)


def _page_href(entry: PageEntry) -> str:
    """A page's link relative to the app's root (the home page is the root), with the settings kept in the URL."""
    query = {"lang": st.session_state["lang"], **_display_query()}
    path = "./" if entry.key == "home" else entry.key
    return path + "?" + "&".join(f"{name}={value}" for name, value in query.items() if value is not None)


def sidebar_markup(current_key: str) -> str:
    """The sidebar's trusted markup in the session's language: the pages (``current_key`` marked), the settings,
    the Notation and About panels (``ui.components.sidebar_menu``)."""
    from ui.components import sidebar_menu as menu

    sections: dict[str, list] = {}
    for entry in available_pages():
        sections.setdefault(entry.section, []).append(menu.Link(
            entry.key, _page_href(entry), t(f"nav.{entry.key}"), entry.icon, current=entry.key == current_key))
    settings = (
        menu.Choice("lang", t("common.language"), tuple((code, t(f"common.lang_{code}")) for code in LANGUAGES),
                    st.session_state["lang"]),
        menu.Choice("digits", t("common.digits"), tuple((d, str(d)) for d in DIGIT_CHOICES),
                    st.session_state["digits"], help=t("common.digits_help")),
        menu.Switch("present", t("common.present"), bool(st.session_state["present"]), help=t("common.present_help")),
    )
    notation = menu.table_html(t("notation.intro"), (t("notation.col_symbol"), t("notation.col_meaning")),
                               [(t(f"notation.sym_{key}"), t(f"notation.mean_{key}")) for key in NOTATION])
    panels = (menu.Panel("notation", t("notation.title"), notation, icon=":material/function:"),
              menu.Panel("about", t("common.about_title"), menu.prose_html(t("common.about_body"))))
    return menu.menu_html(t("nav.menu_label"),
                          [menu.Section(t(f"nav.section_{name}"), tuple(links)) for name, links in sections.items()],
                          settings, panels)


def _sidebar(current_key: str, bad_lang: str | None, problems: list[str]) -> None:
    """The sidebar: a message for a bad link (if any), then the one menu component (pages, settings, panels)."""
    from ui.components.sidebar_menu import sidebar_menu

    with st.sidebar:
        if bad_lang is not None:
            st.warning(t("common.bad_lang", value=escape_markdown(bad_lang)))
        for problem in problems:
            st.warning(problem)
        sidebar_menu(sidebar_markup(current_key), MENU_KEY, _on_menu_setting)


def run_app() -> None:
    """Configure the page, pick the language, draw the sidebar, run the chosen page."""
    st.set_page_config(page_title="CNN Derivation Studio", page_icon=":material/grid_on:", layout="wide")
    bad_lang = _choose_language()
    problems = _display_settings()
    pages = {entry.key: st.Page(entry.path, title=t(f"nav.{entry.key}"), icon=entry.icon,
                                url_path=entry.key, default=entry.key == "home")
             for entry in available_pages()}
    # the menu is the sidebar's component (``_sidebar``): Streamlit's own would cost ~520 React components per pass
    current = st.navigation(list(pages.values()), position="hidden")
    current_key = next((key for key, page in pages.items() if page is current), "home")
    _sidebar(current_key, bad_lang, problems)
    use_display_digits(st.session_state["digits"])
    st.html(global_css(st.session_state["lang"], st.session_state["present"]))
    # keep the language and display settings in the URL, so a shared link opens the same way
    if st.query_params.get("lang") != st.session_state["lang"]:
        st.query_params["lang"] = st.session_state["lang"]
    _sync_display_settings()
    _run_page_as_fragment(current)


#: The key of the part the chosen page runs in (``_run_page_as_fragment``): a page's widget callback reruns the page
#: alone, not the frame, with ``st.rerun([PAGE_PART, ...])`` (e.g. a control inside a part of the page whose change
#: the whole page must follow: pooling's input).
PAGE_PART = "frame.page_part"


def _run_page_as_fragment(current) -> None:
    """Run the chosen page inside one ``st.fragment``: a control of the page reruns the page only.

    Why: the frame (navigation, sidebar, stylesheet) does not change when a page's control moves, yet a full
    rerun sends it again and the browser reconciles it again (#14: the padding page's slider, 81 messages per
    move). The sidebar's controls and the navigation still rerun everything, so a language or digits change
    reaches the page. (The display digits need nothing: ``ui.latex.display_digits`` reads the session's choice
    in a run that did not set them.)

    ``Page.run`` may be called once per full run (Streamlit sets a private flag), and a fragment rerun calls
    the function registered by the last full run again: the flag is cleared before each call. Checked against
    the pinned Streamlit (1.67): tests/e2e/test_frame_fragment_browser.py fails if this changes.
    """

    def page_body() -> None:
        current._can_be_called = True  # noqa: SLF001 (see above)
        current.run()

    st.fragment(page_body, key=PAGE_PART)()
