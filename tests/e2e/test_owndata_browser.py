"""Own data in a real browser: grid edits, presets, an uploaded PNG, the Markdown download, the PNG button.

The pieces on their own, in a small demonstration script (below) on its own Streamlit server (shared
``browser`` fixture and helpers); test_owndata_pages_browser.py checks them on the topic pages.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from ui.i18n import translate

from .conftest import ROOT, assert_no_exception, screenshot, streamlit_server, wait_for_app

pytestmark = pytest.mark.e2e

DEMO = '''
import sys
sys.path.insert(0, {root!r})
import numpy as np
import streamlit as st

from cnn_core.conv import correlate2d
from ui.export import CHART_CONFIG, ExportDoc, export_panel
from ui.heatmap import matrix_heatmap
from ui.image_input import image_uploader
from ui.latex import latex_matrix
from ui.library_code import conv2d_code
from ui.matrix_input import matrix_editor
from ui.page_kit import lazy_code_panel
from ui.presets import preset_selector
from ui.url_state import MatrixParam, init_from_url, sync_to_url

st.session_state["lang"] = st.query_params.get("lang", "en")
X0 = np.arange(16.0).reshape(4, 4)
K0 = np.array([[1.0, 0.0], [0.0, -1.0]])
SPECS = (MatrixParam("input", X0, 12, 12), MatrixParam("kernel", K0, 6, 6))
init_from_url("demo", SPECS)
st.header("Own data")
left, right = st.columns(2)
with left:
    preset_selector("demo.input", kind="input", example=X0, max_rows=12, max_cols=12)
    x = matrix_editor("X", key="demo.input", default=X0)
    image_uploader("demo.input", key="demo.upload", size=(6, 6))
with right:
    preset_selector("demo.kernel", kind="kernel", example=K0, max_rows=6, max_cols=6)
    w = matrix_editor("K", key="demo.kernel", default=K0, max_rows=6, max_cols=6)
if x is not None and w is not None and w.shape[0] <= x.shape[0] and w.shape[1] <= x.shape[1]:
    y = correlate2d(x, w)
    st.plotly_chart(matrix_heatmap(y, title="Y"), config=CHART_CONFIG, key="demo.fig")
    st.latex("Y = " + latex_matrix(y))
    export_panel("demo", SPECS, lambda: ExportDoc("Demo").step("Input", matrices={{"X": x, "K": w}})
                 .step("Output", matrices={{"Y": y}}))
    lazy_code_panel("demo", lambda: conv2d_code(x, w))
sync_to_url("demo", SPECS)
'''


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    script = tmp_path_factory.mktemp("owndata") / "demo.py"
    script.write_text(DEMO.format(root=str(ROOT)), encoding="utf-8")
    with streamlit_server(script, "owndata_server.log") as url:
        yield url


def _open(browser, url, lang="en"):
    context = browser.new_context(viewport={"width": 1300, "height": 1100}, locale="en-US", accept_downloads=True)
    pg = context.new_page()
    pg.goto(f"{url}/?lang={lang}")
    pg.get_by_text("Own data").first.wait_for(timeout=30000)
    pg.locator("textarea").nth(1).wait_for()
    return context, pg


def _edit(pg, kernel, row: int, col: int, text: str, expected: str) -> None:
    """Type into one grid box (1-based) and press Enter; the text box must then hold every edit made so far."""
    from playwright.sync_api import expect

    box = pg.locator(".ge-table").first.locator(f'input[data-r="{row - 1}"][data-c="{col - 1}"]')
    box.fill(text)
    box.press("Enter")
    expect(kernel).to_have_value(expected, timeout=15000)


def test_grid_edits_and_resizing_rewrite_the_text(browser, demo_url):
    from playwright.sync_api import expect

    context, pg = _open(browser, demo_url)
    kernel = pg.locator("textarea").nth(1)
    expect(kernel).to_have_value("1, 0\n0, -1")
    pg.get_by_text("Edit as a grid").nth(1).click()
    pg.locator(".ge-table").first.wait_for()
    _edit(pg, kernel, 1, 1, "7", "7, 0\n0, -1")
    _edit(pg, kernel, 2, 2, "\u22123.5", "7, 0\n0, -3.5")  # a second edit (typed minus sign): the first survives
    # a box that is not a number: a message in the grid, nothing sent, the text box unchanged
    bad = pg.locator(".ge-table").first.locator('input[data-r="0"][data-c="1"]')
    bad.fill("1e999")
    bad.press("Enter")
    expect(pg.locator(".ge-message").first).to_have_text(translate("en", "owndata.grid_bad_cell", row=1, col=2))
    expect(bad).to_have_attribute("aria-invalid", "true")
    expect(kernel).to_have_value("7, 0\n0, -3.5")
    bad.press("Escape")
    expect(bad).to_have_value("0")
    pg.get_by_role("button", name="+ column").first.click()
    expect(kernel).to_have_value("7, 0, 0\n0, -3.5, 0", timeout=15000)
    from urllib.parse import parse_qs, urlparse

    from ui.url_state import decode_matrix, encode_matrix

    # the run of "+ column" has finished when the link carries the new kernel (written at the end of the run)
    import re

    code = encode_matrix(np.array([[7, 0, 0], [0, -3.5, 0]]))
    expect(pg).to_have_url(re.compile(rf"[?&]kernel={re.escape(code)}(&|$)"), timeout=15000)
    # the result follows: Y = X ⋆ K with X = arange(16) in 4×4: y11 = 7·0 - 3.5·5 = -17.5, Y is 3×2
    pg.get_by_text("-17.5").first.wait_for(timeout=15000)
    (raw,) = parse_qs(urlparse(pg.url).query)["kernel"]          # the link's compact matrix code
    linked, problem = decode_matrix(raw)
    assert problem is None and linked is not None and linked.tolist() == [[7, 0, 0], [0, -3.5, 0]], raw
    assert_no_exception(pg)
    screenshot(pg, "owndata_grid_en")
    context.close()


def test_upload_a_png_then_use_it(browser, demo_url):
    from playwright.sync_api import expect

    context, pg = _open(browser, demo_url)
    pg.get_by_text("Use your own image").click()
    img = np.zeros((12, 12), np.uint8)
    img[:, 6:] = 255  # a vertical edge
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="PNG")
    pg.locator('input[type="file"]').first.set_input_files(
        {"name": "edge.png", "mimeType": "image/png", "buffer": buf.getvalue()})
    pg.get_by_text("Your image as a 6×6 matrix").wait_for(timeout=15000)
    # as a student does: press the button once the preview's run is over (on a loaded CI machine a click made
    # while that run was still sending its last parts was lost twice in a row)
    wait_for_app(pg)
    pg.get_by_role("button", name="Use this image").click()
    expect(pg.locator("textarea").first).to_have_value("\n".join(["0, 0, 0, 1, 1, 1"] * 6), timeout=15000)
    assert_no_exception(pg)
    screenshot(pg, "owndata_upload_en")
    # a text file renamed .png: a clear message, the page keeps working
    pg.locator('input[type="file"]').first.set_input_files(
        {"name": "notes.png", "mimeType": "image/png", "buffer": b"1 2\n3 4\n"})
    pg.get_by_text("not an image the app can read").wait_for(timeout=15000)
    assert_no_exception(pg)
    context.close()


def test_markdown_download_and_png_button(browser, demo_url):
    context, pg = _open(browser, demo_url, lang="zh")
    pg.get_by_text("导出这个例子").click()
    download = pg.get_by_role("button", name="带 LaTeX 的 Markdown（.md）")
    download.wait_for(timeout=20000)                  # drawn by the rerun that opening the panel asks for
    with pg.expect_download() as info:
        download.click()
    text = open(info.value.path(), encoding="utf-8").read()
    # the default example: X = arange(16) 4×4, K = [[1, 0], [0, -1]] -> every output cell is -5
    assert "Y = \\begin{bmatrix} -5 & -5 & -5 \\\\ -5 & -5 & -5 \\\\ -5 & -5 & -5 \\end{bmatrix}" in text
    assert text.startswith("# Demo") and "由 CNN Derivation Studio 生成" in text
    fig = pg.locator('[data-testid="stPlotlyChart"]').first
    fig.hover()
    buttons = fig.locator(".modebar-btn")
    buttons.first.wait_for(timeout=10000)
    assert buttons.count() == 1 and buttons.first.get_attribute("data-title").lower() == "download plot as a png"
    assert_no_exception(pg)
    screenshot(pg, "owndata_export_zh")
    context.close()
