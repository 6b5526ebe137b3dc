"""#13 on the real topic pages in Chromium, both languages: the transposed page's presets, Markdown
export and library code; the grid with its stated cap; a training setup saved as JSON and loaded
into another running session shows the same numbers (steps, loss, accuracy)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from cnn_core.transposed import conv_transpose2d_naive
from ui.i18n import translate
from ui.latex import latex_matrix

from .conftest import assert_no_exception, opened, screenshot, wait_for_app, wait_for_text

pytestmark = pytest.mark.e2e


def _opened(browser, url: str, lang: str):
    """``url`` in a fresh 1400x1000 context in the reader's locale, downloads allowed (conftest.opened)."""
    return opened(browser, url, {"width": 1400, "height": 1000}, locale="zh-CN" if lang == "zh" else "en-US",
                  accept_downloads=True)


def _download(pg, lang: str, button: str) -> str:
    """Click a download of the export panel (just opened: its content arrives with the rerun the header asks for)."""
    download = pg.get_by_role("button", name=translate(lang, f"owndata.{button}"))
    download.wait_for(timeout=20000)
    with pg.expect_download() as info:
        download.click()
    return open(info.value.path(), encoding="utf-8").read()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_transposed_page_presets_markdown_and_code(browser, server_url, lang):
    with _opened(browser, f"{server_url}/transposed?lang={lang}&tab=transposed", lang) as pg:
        wait_for_text(pg, translate(lang, "transposed.counts_title"))
        assert_no_exception(pg)
        # a preset menu above z and above w
        menus = pg.locator("[data-action-menu] label").filter(has_text=translate(lang, "owndata.preset_label"))
        menus.nth(1).wait_for(timeout=20000)
        assert menus.count() == 2
        pg.get_by_text(translate(lang, "owndata.export_title")).click()
        text = _download(pg, lang, "download_md")
        # the text's z = [[1, 2], [3, 4]] and w, stride 2: the loop reference's 5×5 output
        want = conv_transpose2d_naive(np.array([[[[1.0, 2], [3, 4]]]]),
                                      np.array([[[[1.0, 2, 0], [0, 1, -1], [1, 0, 2]]]]), None, 2, 0)[0, 0]
        assert text.startswith("# " + translate(lang, "transposed.title"))
        assert "y = " + latex_matrix(want) in text
        pg.get_by_text(translate(lang, "owndata.code_title")).click()
        wait_for_text(pg, "nn.ConvTranspose2d(1, 1, kernel_size=(3, 3), stride=(2, 2)")
        assert_no_exception(pg)
        screenshot(pg, f"owndata-transposed-{lang}")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_grid_on_a_topic_page_states_its_cap(browser, server_url, lang):
    with _opened(browser, f"{server_url}/pooling?lang={lang}", lang) as pg:
        pg.get_by_text(translate(lang, "owndata.grid_toggle")).first.click()
        pg.locator(".ge-table").first.wait_for(timeout=20000)
        wait_for_text(pg, translate(lang, "owndata.grid_caption", rows=4, cols=4, max_rows=12, max_cols=12))
        assert_no_exception(pg)
        screenshot(pg, f"owndata-pooling-grid-{lang}")


def _metrics(pg, lang: str) -> dict[str, str]:
    out = {}
    for name in ("metric_steps", "metric_loss", "metric_accuracy"):
        metric = pg.locator(".mr-item").filter(has_text=translate(lang, f"training.{name}")).first
        out[name] = metric.locator(".mr-value").inner_text()
    return out


def _step(pg, lang: str, times: int) -> None:
    for done in range(times):
        steps = pg.locator(".mr-item").filter(has_text=translate(lang, "training.metric_steps"))
        before = steps.locator(".mr-value").inner_text()
        pg.get_by_role("button", name=translate(lang, "training.step_button")).click()
        pg.wait_for_function(
            "([label, before]) => [...document.querySelectorAll('.mr-item')]"
            ".some((m) => m.querySelector('.mr-label').innerText.trim() === label"
            " && m.querySelector('.mr-value').innerText.trim() === String(Number(before) + 1))",
            arg=[translate(lang, "training.metric_steps"), before], timeout=60000)
        wait_for_app(pg)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_training_setup_loaded_into_another_session_shows_the_same_numbers(browser, server_url, lang):
    with _opened(browser, f"{server_url}/training?lang={lang}&seed=5", lang) as pg:
        _step(pg, lang, 2)
        want = _metrics(pg, lang)
        assert want["metric_steps"] == "2"
        pg.get_by_text(translate(lang, "owndata.export_title")).click()
        setup = _download(pg, lang, "download_json")
        assert json.loads(setup)["params"]["seed"] == "5"

        with _opened(browser, f"{server_url}/training?lang={lang}&seed=2", lang) as other:
            _step(other, lang, 2)
            assert _metrics(other, lang) != want                      # same steps, another seed: other numbers
            other.get_by_text(translate(lang, "owndata.export_title")).click()
            wait_for_text(other, translate(lang, "owndata.load_json"))   # the panel is drawn by the rerun opening it
            panel = other.locator('[data-testid="stExpander"]').filter(has_text=translate(lang, "owndata.load_json"))
            panel.locator('input[type="file"]').set_input_files(
                {"name": "training-setup.json", "mimeType": "application/json", "buffer": setup.encode()})
            wait_for_text(other, translate(lang, "owndata.setup_loaded"))
            wait_for_app(other)
            wait_for_text(other, translate(lang, "training.runs_restored", steps=2, runs=1))
            assert _metrics(other, lang) == want
            assert_no_exception(other)
            screenshot(other, f"owndata-training-loaded-{lang}")


# one preset menu per page (its editor's key, the query that shows it, the preset): a pick is an action whose text
# must reach the editor's box on the screen, not only the server (round 11: a component's pick followed by a rerun of
# named parts left the box showing its old text while the results used the new matrix)
PRESET_MENUS = (("conv_single", "", "conv_single.kernel", "identity"),
                ("conv_single", "", "conv_single.input", "checkerboard"),
                ("pooling", "", "pooling.input", "checkerboard"),
                ("conv_multi", "", "conv_multi.x1", "checkerboard"),
                ("conv_multi", "", "conv_multi.w11", "identity"),
                ("conv_backward", "", "conv_backward.w", "mean"),
                ("dense", "", "dense.W", "identity"),
                ("transposed", "", "transposed.signal", "checkerboard"),
                ("transposed", "tab=transposed", "transposed.w", "identity"))


@pytest.mark.parametrize(("page", "query", "editor", "preset"), PRESET_MENUS,
                         ids=[f"{c[0]}-{c[2].split('.')[-1]}" for c in PRESET_MENUS])
def test_every_preset_menu_fills_its_editor_on_screen(browser, server_url, page, query, editor, preset):
    from .conftest import ScriptRuns, pick_preset, preset_menu

    with _opened(browser, f"{server_url}/{page}?lang=en&{query}", "en") as pg:
        runs = ScriptRuns.of(pg)
        box = pg.locator(f".st-key-{editor.replace('.', '-')} textarea")
        box.wait_for(timeout=30000)
        wait_for_app(pg)
        before = box.input_value()
        label = translate("en", f"owndata.preset_{preset}")
        runs.after(lambda: pick_preset(pg, editor, label))
        wait_for_text(pg, translate("en", "owndata.preset_loaded", name=label))
        wait_for_app(pg)
        assert box.input_value() != before, "the box still shows the text it had before the preset"
        assert preset_menu(pg, editor).input_value() == ""   # the menu is back at its placeholder
        assert_no_exception(pg)
