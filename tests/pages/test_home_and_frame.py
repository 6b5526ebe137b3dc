"""The frame (language, navigation, sidebar) and the home page, through the real app.py."""

import pytest

from ui.frame import available_pages
from ui.i18n import translate

from .conftest import all_text, no_exception, open_page, plotly_figures, set_setting, sidebar_menu_markup


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_home_in_both_languages(lang):
    at = open_page("home", lang)
    no_exception(at)
    assert at.title[0].value == translate(lang, "home.title")
    text = all_text(at)
    for stage in ("input", "conv", "pool", "fc", "softmax"):
        assert translate(lang, f"home.stage_{stage}") in text
    # every available page is linked from the map or the list, with its translated title
    links = [el.proto.label for el in at.get("page_link")]
    for entry in available_pages():
        if entry.key != "home":
            assert translate(lang, f"nav.{entry.key}") in links


def test_every_registered_page_has_its_script_and_titles():
    from ui.frame import PAGES, ROOT
    from ui.i18n import catalog

    expected = {"home", "padding", "conv_single", "conv_multi", "pooling", "transposed", "conv_backward", "dense",
                "autodiff", "training", "worked_examples", "check_work", "practice"}
    assert {entry.key for entry in PAGES} == expected
    for entry in PAGES:
        assert (ROOT / entry.path).is_file(), f"page {entry.key}: {entry.path} is missing"
        for lang in ("en", "zh"):
            assert f"nav.{entry.key}" in catalog(lang) and f"nav.section_{entry.section}" in catalog(lang)


def test_language_comes_from_the_url_and_is_written_back():
    """?lang=zh translates the page; a language chosen without ?lang= (browser locale, then the switch)
    is written into the URL by the frame, so a copied link keeps it."""
    from streamlit.testing.v1 import AppTest

    from .conftest import APP

    at = open_page("home", "zh")
    assert at.title[0].value == translate("zh", "home.title")
    fresh = AppTest.from_file(APP, default_timeout=30)
    fresh.context["locale"] = "zh-CN"
    fresh.run()
    assert fresh.query_params["lang"] in ("zh", ["zh"])        # written by the frame, not by the test
    set_setting(fresh, "lang", "en")
    assert fresh.query_params["lang"] in ("en", ["en"])
    assert fresh.title[0].value == translate("en", "home.title")


def test_tampered_language_gets_a_message_and_english():
    at = open_page("home", "<img src=x onerror=alert(1)>")
    no_exception(at)
    assert at.session_state["lang"] == "en"
    assert len(at.warning) == 1
    assert "not available" in at.warning[0].value
    assert at.title[0].value == translate("en", "home.title")


def test_browser_locale_decides_without_lang_parameter():
    from streamlit.testing.v1 import AppTest

    from .conftest import APP

    at = AppTest.from_file(APP, default_timeout=30)
    at.context["locale"] = "zh-CN"
    at.run()
    no_exception(at)
    assert at.session_state["lang"] == "zh"


def test_switching_language_retranslates_the_page():
    at = open_page("home", "en")
    set_setting(at, "lang", "zh")
    no_exception(at)
    assert at.title[0].value == translate("zh", "home.title")
    menu = sidebar_menu_markup(at)
    assert translate("zh", "nav.section_forward") in menu and translate("en", "nav.section_forward") not in menu


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page_key", ["home", "conv_backward", "dense"])
def test_every_page_links_the_notation_panel(lang, page_key):
    """The sidebar of every page holds the Notation panel with every symbol the formulas use."""
    at = open_page(page_key, lang)
    no_exception(at)
    menu = sidebar_menu_markup(at)
    assert menu.count('<details data-focus="panel-notation">') == 1
    assert f"<span>{translate(lang, 'notation.title')}</span></summary>" in menu
    table = menu.split('data-focus="panel-notation"')[1].split("</details>")[0]
    for symbol in ("⋆", "∗", "⊙", "rot180", "δ̃", "δ↑", "crop", "σ'", "𝟙[i = j]", "x₁₂", "ℓₙ", "η", "≈"):
        assert symbol in table, symbol
    assert translate(lang, "notation.mean_delta_tilde") in table


def test_the_notation_panel_lists_every_key_of_its_namespace():
    import json
    from pathlib import Path

    from ui.frame import NOTATION

    for lang in ("en", "zh"):
        path = Path(__file__).resolve().parents[2] / "assets" / "locales" / lang / "notation.json"
        keys = set(json.loads(path.read_text(encoding="utf-8")))
        rows = {k.split("_", 1)[1] for k in keys if k.startswith(("sym_", "mean_"))}
        assert rows == set(NOTATION), rows ^ set(NOTATION)
        # plain text, no KaTeX: the sidebar must not add formula elements to every page
        assert "$" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_digits_shown_follow_the_link_and_the_sidebar(lang):
    """?digits=2 writes the dense page's softmax numbers with 2 significant digits; the choice is kept in the URL."""
    at = open_page("dense", lang, {"digits": "2"})
    no_exception(at)
    assert at.session_state["digits"] == 2
    from .math_boxes import math_box_formulas   # dense's formulas are MathML in math boxes (#14 round 8)

    latex = "\n".join(math_box_formulas(at, "dense.") + [el.value for el in at.latex])
    at4 = open_page("dense", lang)
    latex4 = "\n".join(math_box_formulas(at4, "dense.") + [el.value for el in at4.latex])
    assert latex != latex4  # fewer digits are written
    import re
    decimals = re.findall(r"\d+\.\d+", latex)
    assert decimals
    significant = [len(d.replace(".", "").lstrip("0")) for d in decimals]
    assert max(significant) <= 2, decimals  # 0.27, 0.0012 — never 0.2689
    set_setting(at, "digits", 6)
    assert at.query_params["digits"] == ["6"] or at.query_params["digits"] == "6"


@pytest.mark.parametrize("raw", ["3", "abc", "<b>x</b>", "1e309"])
def test_bad_digits_in_the_link_get_a_message(raw):
    at = open_page("home", "en", {"digits": raw})
    no_exception(at)
    assert at.session_state["digits"] == 4
    assert any("digits" in w.value for w in at.sidebar.warning)


def test_presentation_mode_from_the_link():
    at = open_page("home", "zh", {"present": "1"})
    no_exception(at)
    assert at.session_state["present"] is True
    assert 'role="switch" name="present" data-focus="present" checked>' in sidebar_menu_markup(at)
    bad = open_page("home", "zh", {"present": "maybe"})
    assert bad.session_state["present"] is False and bad.sidebar.warning


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("page", "query"), [("padding", {"mode": "valid", "h": "4", "w": "4", "k": "5", "s": "1"}),
                                           ("conv_multi", {"tab": "partials"}),
                                           ("training", {"runs": "2,0.1", "view": "update"})])
def test_presentation_mode_sends_every_chart_with_larger_text(page, query, lang):
    """#12 item 15: Plotly's text cannot grow by CSS; every chart of a page is sent with larger fonts.
    (conv_multi draws a chart only on its partial-sums tab, opened by the link; the padding page draws a chart
    only where the kernel fits nowhere, its grid is otherwise the browser-side cell stepper; training's loss
    curve is an SVG, which grows with the page's text (``ui.svg_chart``): its update tab has Plotly charts.)"""
    normal, present = open_page(page, lang, query), open_page(page, lang, {**query, "present": "1"})
    no_exception(present)
    before, after = plotly_figures(normal), plotly_figures(present)
    assert before and len(after) == len(before)
    for small, large in zip(before, after):
        assert large["layout"]["font"]["size"] > small["layout"].get("font", {}).get("size", 12)
        assert large["layout"]["title"]["font"]["size"] > 16
        for t_small, t_large in zip(small["data"], large["data"]):
            if "textfont" in t_small and "size" in t_small["textfont"]:
                assert t_large["textfont"]["size"] > t_small["textfont"]["size"]
