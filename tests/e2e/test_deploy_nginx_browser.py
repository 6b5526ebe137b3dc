"""The multi-process deployment (deploy/serve.py): two backends behind nginx, driven in Chromium.

- Each browser sticks to one backend by its cookie. Killing one backend: the other backend's
  tab keeps working without a reconnect; the killed backend's tab reconnects (to the survivor
  or to its restarted backend) and keeps what the user set, and the user's next move sticks.
- The script restarts the dead backend.
- The largest setup a page allows makes a link that opens through nginx (no 414).

Skipped with a message where nginx is absent (CI installs nginx-light: .ci/run).
"""

from __future__ import annotations

import ast
import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import pytest
from playwright.sync_api import expect

from deploy.serve import find_nginx
from tests.e2e.conftest import (DESKTOP, ROOT, _free_port, after_run, assert_no_exception, screenshot, wait_for_app,
                               wait_until)
from ui.matrix_input import format_number
from ui.url_state import encode_matrix

pytestmark = pytest.mark.e2e
COOKIE = "cnn_studio_backend"


def _status(run_dir: Path) -> dict:
    try:
        return json.loads((run_dir / "status.json").read_text())
    except (OSError, ValueError):
        return {}


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """deploy/serve.py with two backends on free ports; yields (nginx url, run dir)."""
    if find_nginx() is None:
        pytest.skip("nginx is not installed (Debian: apt-get install nginx-light); deployment test skipped")
    run_dir = tmp_path_factory.mktemp("deploy")
    port, backends = _free_port(), [_free_port(), _free_port()]
    log = open(run_dir / "serve.out", "w")
    proc = subprocess.Popen([sys.executable, str(ROOT / "deploy" / "serve.py"), "--port", str(port),
                             "--backend-ports", ",".join(map(str, backends)), "--run-dir", str(run_dir),
                             "--check-interval", "0.5", "--fail-after", "2"],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: proc.poll() is not None or all(b.get("ready") for b in _status(run_dir).get("backends", [{}])),
              60, "two healthy backends")
        if proc.poll() is not None:
            pytest.fail(f"deploy/serve.py exited: {(run_dir / 'serve.out').read_text()}")
        yield f"http://127.0.0.1:{port}", run_dir
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _backend_of_cookie(url: str, run_dir: Path, value: str) -> str:
    """The backend (host:port) nginx picks for a browser holding ``value``, from its access log."""
    request = urllib.request.Request(f"{url}/_stcore/health?probe={value}", headers={"Cookie": f"{COOKIE}={value}"})
    urllib.request.urlopen(request, timeout=5).read()

    def logged() -> str | None:   # nginx writes the line after the response has gone out: poll for it
        for line in reversed((run_dir / "nginx-access.log").read_text().splitlines()):
            if f"probe={value} " in line:
                return line.split()[-2]
        return None

    return wait_until(logged, 5, f"an access-log line for {value}")


def _cookies_per_backend(url: str, run_dir: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for i in range(40):
        found.setdefault(_backend_of_cookie(url, run_dir, f"probe{i}"), f"probe{i}")
        if len(found) == 2:
            return found
    pytest.fail(f"40 cookies all went to {list(found)}")


def _open(browser, url: str, cookie: str, path: str):
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    context.add_cookies([{"name": COOKIE, "value": cookie, "url": url}])
    pg = context.new_page()
    pg.goto(f"{url}/{path}")
    wait_for_app(pg)
    return context, pg


def _thumb(pg, key: str):
    """The slider thumb of the widget keyed ``key`` (Streamlit marks its container ``st-key-<key>``, dots as dashes)."""
    return pg.locator(f".st-key-{key.replace('.', '-')}").get_by_role("slider").first


def _move(pg, key: str) -> None:
    """One step right on the slider keyed ``key``; returns once the run it starts is drawn."""
    thumb = _thumb(pg, key)
    thumb.focus()
    after_run(pg, lambda: thumb.press("ArrowRight"))


def _page_ok(pg) -> None:
    """No exception, no asset that failed to load through the proxy, figures drawn (a Plotly chart or the
    cell stepper's grids: Playwright's CSS selectors pierce its shadow root)."""
    assert_no_exception(pg)
    pg.wait_for_selector(".js-plotly-plot, .cs-cell", timeout=20000)
    assert "Failed to fetch" not in pg.inner_text("body")


def _value(pg, key: str) -> str:
    thumb = _thumb(pg, key)
    return thumb.get_attribute("aria-valuenow") or thumb.input_value()


def test_killing_a_backend_keeps_every_tab_and_its_values(browser, deployment):
    url, run_dir = deployment
    cookies = _cookies_per_backend(url, run_dir)
    (victim_addr, victim_cookie), (other_addr, other_cookie) = sorted(cookies.items())
    ctx_a, a = _open(browser, url, victim_cookie, "conv_single?lang=en")
    ctx_b, b = _open(browser, url, other_cookie, "conv_single?lang=zh")
    try:
        _move(a, "conv_single.padding")          # A: padding 0 -> 1 (the text's example has 0)
        _move(b, "conv_single.stride")           # B: stride 1 -> 2
        assert _value(a, "conv_single.padding") == "1" and _value(b, "conv_single.stride") == "2"
        assert "padding=1" in a.url and "stride=2" in b.url

        victim = next(x for x in _status(run_dir)["backends"] if victim_addr.endswith(f":{x['port']}"))
        sockets = []   # A's websockets from now on: the one it opens to reconnect
        a.on("websocket", lambda ws: sockets.append(ws))
        os.kill(victim["pid"], signal.SIGKILL)

        # B's backend is untouched: its tab answers at once, no reconnect
        _move(b, "conv_single.padding")
        assert _value(b, "conv_single.padding") == "1" and _value(b, "conv_single.stride") == "2"
        assert "stride=2" in b.url and "padding=1" in b.url

        # A reconnects (to the survivor or the restarted backend); its next move sticks and the first stays. The
        # move waits for the new websocket: a key pressed while A is cut off is lost
        wait_until(lambda: sockets, 30, "A to open a new websocket after its backend died", a)
        wait_for_app(a)
        _move(a, "conv_single.stride")
        wait_until(lambda: "stride=2" in a.url, 30, "A's stride move to reach the link", a)
        wait_for_app(a)
        assert _value(a, "conv_single.stride") == "2"
        assert _value(a, "conv_single.padding") == "1"
        assert "padding=1" in a.url
        _page_ok(a)
        _page_ok(b)
        screenshot(a, "deploy_after_failover_en")
        screenshot(b, "deploy_other_backend_zh")

        restarted = wait_until(lambda: next((x for x in _status(run_dir)["backends"]
                                        if x["port"] == victim["port"] and x["restarts"] >= 1 and x["ready"]), None),
                          60, "the killed backend to be restarted and healthy")
        assert restarted["pid"] != victim["pid"]
    finally:
        ctx_a.close()
        ctx_b.close()


def _page_constants(page: str, names: tuple[str, ...]) -> dict[str, int]:
    tree = ast.parse((ROOT / "app_pages" / f"{page}.py").read_text(encoding="utf-8"))
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id in names:
                    found[target.id] = node.value.value
    return found


def test_the_largest_link_opens_through_nginx(browser, deployment):
    """conv_multi holds the most matrices: 3 input channels and 2×3 kernels at their largest sizes."""
    url, _ = deployment
    sizes = _page_constants("conv_multi", ("MAX_INPUT", "MAX_KERNEL"))
    n, k = sizes["MAX_INPUT"], sizes["MAX_KERNEL"]
    rng = np.random.default_rng(1)
    query = {"lang": "en", "stride": "1", "padding": "0", "b1": "-12.5", "b2": "99.75", "filter": "2",
             "row": str(n - k + 1), "col": str(n - k + 1)}
    for c in range(3):
        query[f"x{c + 1}"] = encode_matrix(np.round(rng.uniform(-99.99, 99.99, (n, n)), 2))
    for f in range(2):
        for c in range(3):
            query[f"w{f + 1}{c + 1}"] = encode_matrix(np.round(rng.uniform(-9.99, 9.99, (k, k)), 2))
    link = f"{url}/conv_multi?{urlencode(query)}"
    assert len(link) < 4000, len(link)  # compact: the old encoding made this ≈ 10 KB
    with urllib.request.urlopen(link, timeout=10) as reply:
        assert reply.status == 200
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    pg = context.new_page()
    try:
        pg.goto(link)
        wait_for_app(pg)
        _page_ok(pg)
        assert pg.locator('[data-testid="stAlert"]').filter(has_text="link").count() == 0, pg.inner_text("body")[:1500]
        # the page took the link's matrices (first input channel, top-left cell) rather than the defaults
        first = format_number(np.round(np.random.default_rng(1).uniform(-99.99, 99.99, (n, n)), 2)[0, 0])
        # (a text area's text can arrive a moment after the area: wait for it)
        expect(pg.locator(".st-key-conv_multi-x1 textarea")).to_have_value(re.compile(re.escape(first)), timeout=20000)
        screenshot(pg, "deploy_largest_link_en")
    finally:
        context.close()
