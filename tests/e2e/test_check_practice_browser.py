"""Practice and Check my work in a real browser: solve one exercise wrong (the mistake is named) and right."""

from __future__ import annotations

import numpy as np
import pytest
from playwright.sync_api import expect

from cnn_core.exercises import make_exercise
from ui.exercise_view import check_link
from ui.i18n import translate
from ui.matrix_input import format_matrix

from tests.reference import correlate

from .conftest import answer, assert_no_exception, screenshot, wait_for_app, wait_for_text

pytestmark = pytest.mark.e2e

# The LaTeX of every formula line the math boxes of the page draw (MathML, ui.components.math_box), in order
LATEX = "(els) => els.map((e) => e.dataset.latex)"


def no_katex_left(pg, box: str) -> list[str]:
    """The page sends nothing to KaTeX; the formulas are ``math`` elements in the math box ``box``: their LaTeX."""
    assert pg.locator(".katex").count() == 0
    sel = f".st-key-{box.replace('.', '-')} .math-line"
    pg.locator(f"{sel} math").first.wait_for()
    return pg.locator(sel).evaluate_all(LATEX)

SEED, LEVEL = 5, 1


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_practice_wrong_then_right(server_url, new_page, lang):
    pg = new_page
    pg.goto(f"{server_url}/practice?lang={lang}&kind=conv_forward&level={LEVEL}&seed={SEED}")
    wait_for_app(pg)
    wait_for_text(pg, translate(lang, "practice.title"))
    assert_no_exception(pg)
    g = make_exercise("conv_forward", SEED, LEVEL).given
    right = correlate(g["x"], g["w"]) + g["b"]
    flipped = correlate(g["x"], np.array(g["w"])[::-1, ::-1]) + g["b"]
    assert not np.array_equal(right, flipped)

    check = translate(lang, "practice.check")
    answer(pg, "practice.answer", format_matrix(flipped), check)
    wait_for_text(pg, translate(lang, "exercises.mistake_flipped_kernel"))
    assert_no_exception(pg)
    assert translate(lang, "exercises.verdict_correct") not in pg.inner_text("body")
    # the statement, the given matrices and each wrong cell's terms: MathML, nothing typeset by KaTeX
    assert no_katex_left(pg, "practice.exercise_math")[0].startswith("x = \\begin{bmatrix}")
    terms = no_katex_left(pg, "practice.fig_answer.right_math")
    assert terms and all(t.startswith("\\begin{aligned} y_{") for t in terms)
    screenshot(pg, f"practice-{lang}-wrong")

    answer(pg, "practice.answer", format_matrix(right), check)
    wait_for_text(pg, translate(lang, "exercises.verdict_correct"))
    assert translate(lang, "practice.score", tried=1, solved=1) in pg.inner_text("body")
    assert "seed=5" in pg.url and "kind=conv_forward" in pg.url
    screenshot(pg, f"practice-{lang}-right")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_check_my_work_from_a_topic_link(server_url, new_page, lang):
    pg = new_page
    x = np.array([[1.0, 2, 0, 1], [0, 1, 3, 1], [2, 2, 1, 0], [1, 0, 1, 2]])
    w = np.array([[1.0, 0], [2, -1]])
    pg.goto(f"{server_url}{check_link('conv_forward', x=x, w=w, b=0, stride=1, padding=1)}&lang={lang}")
    wait_for_app(pg)
    wait_for_text(pg, translate(lang, "check_work.title"))
    answer(pg, "check_work.answer", format_matrix(correlate(x, w)), translate(lang, "check_work.check"))
    wait_for_text(pg, translate(lang, "exercises.mistake_no_padding"))
    assert_no_exception(pg)
    (given,) = no_katex_left(pg, "check_work.exercise_math")
    assert given.startswith("x = \\begin{bmatrix} 1 & 2 & 0 & 1") and "w = \\begin{bmatrix} 1 & 0" in given
    # the right answer of another shape: worked out as MathML, every cell's sum (4×4 with padding 1)
    right = no_katex_left(pg, "check_work.fig_answer.right_math")
    assert right[0].startswith("y = \\begin{bmatrix}") and len(right) == 1 + 16
    screenshot(pg, f"check_work-{lang}-no-padding")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_check_my_work_kind_menu_reruns_the_part_below_it(server_url, new_page, lang):
    """#14 rounds 10 and 12: another kind of exercise, chosen in the browser's own select (ui/components/choice_menu.py),
    is ONE run of the part below the introduction (the menu, the new kind's fields, the exercise), not the title and
    the introduction; the menu keeps showing the choice, the link follows, a reload of the link shows it again.
    From the keyboard: Tab reaches the menu, its focus is visible, an arrow key chooses the next kind."""
    from .conftest import ScriptRuns, choice_select, new_element_types, open_app, runs_sent, script_runs

    pg = new_page
    received = open_app(pg, f"{server_url}/check_work?lang={lang}", ".st-key-check_work-kind_menu select")
    runs = ScriptRuns.of(pg)
    menu = choice_select(pg, "check_work.kind")
    expect(menu).to_have_value("conv_forward")
    label = pg.locator(".st-key-check_work-kind_menu label")
    expect(label).to_contain_text(translate(lang, "check_work.kind"))
    assert menu.locator("option").nth(1).text_content() == translate(lang, "exercises.kind_same_padding")
    assert 300 < menu.bounding_box()["width"]   # as wide as the old select: the whole column
    received.clear()
    # the reader's pick: the browser sets the value, then fires change; the menu's script has run when dispatchEvent
    # returns, and the select still shows the choice (a preset menu would be back at its placeholder)
    shown = []
    runs.after(lambda: shown.append(menu.evaluate(
        "(m) => { m.value = 'same_padding'; m.dispatchEvent(new Event('change', {bubbles: true})); return m.value; }")))
    assert shown == ["same_padding"], shown
    assert script_runs(received) == 1 and runs_sent(received) == (1, 0)  # ONE run (no empty callback run first),
                                                                         # and not of the whole app
    sent = new_element_types(received)
    assert "number_input" in sent and "bidi_component" in sent, sent     # the new kind's fields and exercise
    assert not {"heading", "selectbox"} & set(sent), sent                # not the title, and no Streamlit select
    pg.wait_for_function("() => new URLSearchParams(location.search).get('kind') === 'same_padding'")
    expect(menu).to_have_value("same_padding")                           # kept, not back to a placeholder
    expect(pg.locator(".st-key-check_work-kind_menu option[selected]")).to_have_attribute("value", "same_padding")
    expect(pg.get_by_text(translate(lang, "check_work.field_kernel_h")).first).to_be_visible()
    assert_no_exception(pg)
    screenshot(pg, f"check_work-{lang}-kind-menu")

    # the keyboard: Tab from the element before it focuses the select, with a visible ring; ArrowDown = next kind
    pg.locator('[data-testid="stMarkdown"]').first.click()
    for _ in range(10):
        pg.keyboard.press("Tab")
        if pg.evaluate("() => { const a = document.activeElement; return !!a && !!a.shadowRoot"
                       " && a.shadowRoot.activeElement?.tagName === 'SELECT'; }") or menu.evaluate(
                "(m) => m.matches(':focus')"):
            break
    assert menu.evaluate("(m) => m.matches(':focus-visible')"), "Tab reaches the menu"
    assert menu.evaluate("(m) => getComputedStyle(m).boxShadow") != "none"    # the focus ring
    following = menu.locator("option").nth(2).get_attribute("value")
    runs.after(lambda: pg.keyboard.press("ArrowDown"))
    pg.wait_for_function(f"() => new URLSearchParams(location.search).get('kind') === '{following}'")
    expect(menu).to_have_value(following)

    # the link opens with that kind shown
    runs.after(lambda: pg.goto(pg.url))
    wait_for_app(pg)
    expect(choice_select(pg, "check_work.kind")).to_have_value(following)
    assert_no_exception(pg)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_practice_kind_and_level_menus(server_url, new_page, lang):
    """#14 round 12: practice's kind and level are the browser's own select (ui/components/choice_menu.py), in line
    with the exercise number and the button beside them; a link's choice is shown, a new level is one run and goes
    into the link, a bad link's kind shows the default."""
    from .conftest import ScriptRuns, choice_select

    pg = new_page
    pg.goto(f"{server_url}/practice?lang={lang}&kind=conv_forward&level=1&seed={SEED}")
    wait_for_app(pg)
    runs = ScriptRuns.of(pg)
    kind, level = choice_select(pg, "practice.kind"), choice_select(pg, "practice.level")
    expect(kind).to_have_value("conv_forward")
    expect(level).to_have_value("1")
    expect(pg.locator(".st-key-practice-level_menu label")).to_contain_text(translate(lang, "practice.level"))
    assert level.locator("option").nth(2).text_content() == translate(lang, "practice.level_3")
    assert pg.locator('[data-testid="stSelectbox"]').count() == 0
    seed = pg.locator(".st-key-practice-seed input")
    bottoms = [box["y"] + box["height"] for box in (kind.bounding_box(), level.bounding_box(), seed.bounding_box())]
    assert max(bottoms) - min(bottoms) < 3, bottoms                  # in line with the number beside them
    runs.after(lambda: level.select_option("2"))
    pg.wait_for_function("() => new URLSearchParams(location.search).get('level') === '2'")
    expect(level).to_have_value("2")
    expect(pg.get_by_text(translate(lang, "practice.exercise", kind=translate(lang, "exercises.kind_conv_forward"),
                                    level=2, seed=SEED))).to_be_visible()
    assert_no_exception(pg)
    screenshot(pg, f"practice-{lang}-menus", max_height=1400)
    runs.after(lambda: pg.goto(f"{server_url}/practice?lang={lang}&kind=bogus&level=2&seed={SEED}"))
    wait_for_app(pg)
    expect(choice_select(pg, "practice.kind")).to_have_value("mixed")
    expect(choice_select(pg, "practice.level")).to_have_value("2")
    expect(pg.locator('[data-testid="stAlert"]')).to_have_count(1)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_check_my_work_pooling_mode_menu_shows_the_link_and_a_pick_changes_the_exercise(server_url, new_page, lang):
    """#14 round 12: a pooling exercise's mode (max / average) is the browser's own select (ui/components/choice_menu.py
    via ui/exercise_view.render_fields): the link's mode is shown selected, a pick is one run (no Streamlit select
    sent) that restates the exercise in the reader's language and leaves the default out of the link."""
    from .conftest import ScriptRuns, choice_select, new_element_types, open_app, script_runs

    pg = new_page
    key = "check_work.pool_forward.mode"
    received = open_app(pg, f"{server_url}/check_work?lang={lang}&kind=pool_forward&mode=avg",
                        ".st-key-check_work-pool_forward-mode_menu select")
    menu = choice_select(pg, key)
    expect(menu).to_have_value("avg")
    assert menu.locator("option").all_inner_texts() == [translate(lang, f"exercises.mode_{m}") for m in ("max", "avg")]
    expect(pg.locator(".st-key-check_work-pool_forward-mode_menu label")).to_contain_text(
        translate(lang, "check_work.field_mode"))
    # the statement's words around the mode ("average pooling to the", "平均池化：窗口")
    stated = lambda mode: (translate(lang, f"exercises.mode_{mode}")  # noqa: E731
                           + translate(lang, "exercises.statement_pool_forward").split("{mode}")[1].split("{")[0]).strip()
    expect(pg.get_by_text(stated("avg")).first).to_be_visible()
    screenshot(pg, f"check_work-{lang}-pool-mode-menu")
    received.clear()
    ScriptRuns.of(pg).after(lambda: menu.select_option(value="max"))
    pg.wait_for_function("() => !new URLSearchParams(location.search).has('mode')")   # max: the default
    wait_for_app(pg)
    assert script_runs(received) == 1 and "selectbox" not in new_element_types(received)
    expect(menu).to_have_value("max")                                                    # kept after the run
    expect(pg.get_by_text(stated("max")).first).to_be_visible(timeout=20000)             # the exercise restated
    expect(pg.get_by_text(stated("avg"))).to_have_count(0)
    assert_no_exception(pg)
