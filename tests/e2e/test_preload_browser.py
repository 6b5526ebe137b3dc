"""The frame asks the browser for the chart library early (ui/components/preload.py, #14 first view)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import wait_for_app
from ui.components.preload import plotly_chunk
from ui.i18n import translate

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_chart_library_is_hinted_once_and_fetched_once(new_page, server_url, lang):
    pg = new_page
    fetched: list[str] = []
    pg.on("request", lambda request: fetched.append(request.url) if plotly_chunk() in request.url else None)
    pg.goto(f"{server_url}/padding?lang={lang}")
    wait_for_app(pg)
    pg.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30000)   # a chart is drawn
    hints = pg.evaluate("() => [...document.querySelectorAll('link[data-cnn-preload]')].map((l) => l.href)")
    assert len(hints) == 1 and hints[0].startswith(server_url) and hints[0].endswith(plotly_chunk())
    # the chart element imports the very file the hint fetched: one request, from the app's own server
    assert fetched == [hints[0]]
    # moving to another page keeps one hint (added once per document)
    pg.get_by_role("link", name=translate(lang, "nav.transposed")).first.click()
    wait_for_app(pg)
    assert pg.evaluate("() => document.querySelectorAll('link[data-cnn-preload]').length") == 1
