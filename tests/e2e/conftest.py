"""Real-browser fixtures: a Streamlit server on a free port and Debian's Chromium via Playwright.

Playwright cannot download its own browsers here, so the tests drive the system
Chromium (``/usr/bin/chromium``). Without it (or without the playwright package)
every e2e test is skipped with a message saying so.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout: float, what: str, pg=None):
    """Poll ``predicate`` (every 0.2 s) until it returns something truthy; fail the test after ``timeout`` s.

    Give ``pg`` when the predicate reads what a page's events update (``pg.url``, a list its listeners fill):
    Playwright hands events over only while one of its calls waits, so the pause is then ``pg.wait_for_timeout``.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if pg is None:
            time.sleep(0.2)
        else:
            pg.wait_for_timeout(200)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False


@contextmanager
def streamlit_server(script: Path, log_name: str = "server.log") -> Iterator[str]:
    """Run ``streamlit run <script>`` on a free loopback port (the repo's .streamlit/config.toml applies);
    yield its URL once ``/_stcore/health`` answers; stop the server afterwards.

    The one place the e2e tests start Streamlit: the app (``server_url``) and demonstration scripts
    (tests/e2e/test_owndata_browser.py, test_layout_browser.py) all come through here. The log goes to
    tests/e2e/screenshots/<log_name> (git-ignored) and the failure message points at it.
    """
    port = _free_port()
    log = SCREENSHOTS / log_name  # a git-ignored folder
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: proc.poll() is not None or _healthy(url), 60, f"the Streamlit server ({log})")
        if proc.poll() is not None:
            pytest.fail(f"streamlit server for {script.name} exited; see {log}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def pytest_collection_modifyitems(config, items):
    """Browser tests get one rerun on failure (pytest-rerunfailures): a real browser against a live
    server on a loaded 2-core machine sometimes misses a redraw. A test that fails twice fails."""
    for item in items:
        if item.get_closest_marker("e2e") is not None and item.get_closest_marker("flaky") is None:
            item.add_marker(pytest.mark.flaky(reruns=1))


@pytest.fixture(scope="session")
def server_url():
    """The app (`streamlit run app.py`) on a free loopback port, shared by every e2e test of the session."""
    with streamlit_server(ROOT / "app.py") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; skips with a clear reason when either is missing."""
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's 'chromium' package to run the e2e tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the 'playwright' Python package is not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield CountingBrowser(instance)
        instance.close()


class CountingBrowser:
    """Playwright's Browser whose every page counts its script runs from its first frame (:meth:`ScriptRuns.of`),
    so the shared helpers (``press_slider``, ``open_tab``, ``answer``) wait for the run an action starts instead of
    sleeping: a page's websocket is only seen by a listener attached before it opens, i.e. when the page is made.
    Everything else is the browser's own."""

    def __init__(self, browser) -> None:
        self._browser = browser

    def new_context(self, *args, **options):
        context = self._browser.new_context(*args, **options)
        context.on("page", ScriptRuns.attach)   # Playwright fires "page" before new_page() returns
        return context

    def new_page(self, *args, **options):
        return ScriptRuns.attach(self._browser.new_page(*args, **options))

    def __getattr__(self, name):
        return getattr(self._browser, name)


DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}  # an iPhone 12-14 in CSS pixels (#12 item 16)


@pytest.fixture
def new_page(browser):
    """A fresh browser page (1400x900) per test; closed afterwards."""
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def phone_page(browser):
    """A fresh browser page with a phone's viewport (390x844, touch, 2x pixels); closed afterwards."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="en-US")
    pg = context.new_page()
    yield pg
    context.close()


#: The page menu of the sidebar's component (ui/components/sidebar_menu.py; Playwright's CSS reaches into its shadow root).
SIDEBAR_NAV = '[data-testid="stSidebar"] .sidebar-menu nav'


def preset_menu(pg, editor_key: str):
    """The ``<select>`` of an editor's preset menu (ui/components/action_menu.py, key ``<editor>.preset``)."""
    return pg.locator(f".st-key-{editor_key.replace('.', '-')}-preset select")


def pick_preset(pg, editor_key: str, label: str) -> None:
    """Choose the entry ``label`` in the editor's preset menu, as a reader does (a change event, then a run)."""
    preset_menu(pg, editor_key).select_option(label=label)


def choice_select(pg, state_key: str):
    """The ``<select>`` of a setting's choice menu (ui/components/choice_menu.py: component key ``<state_key>_menu``,
    e.g. check my work's kind ``check_work.kind``, training's ``training.sample``)."""
    return pg.locator(f".st-key-{state_key.replace('.', '-')}_menu select")


# Streamlit marks its root element with the script's state (1.67: initial, running, rerunRequested,
# notRunning, ...); the status widget ("Running...") only appears after a delay, so it alone is not enough.
SCRIPT_DONE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && !!document.querySelector('[data-testid="stHeading"], [data-testid="stException"]')
    && !document.querySelector('[data-testid="stStatusWidget"]');
}"""


def wait_for_app(pg, timeout_ms: int = 60000) -> None:
    """Wait until Streamlit has rendered the page and finished running the script (a long script run
    on a loaded machine can take tens of seconds: the default allows a minute)."""
    pg.wait_for_selector('[data-testid="stMain"]', timeout=timeout_ms)
    pg.wait_for_selector('[data-testid="stHeading"], [data-testid="stException"]', timeout=timeout_ms)
    pg.wait_for_function(SCRIPT_DONE, timeout=timeout_ms, polling=50)
    # the state flips with the session status message, after the run's last delta on the same websocket, and
    # React applies both in order; two animation frames let the browser draw what React committed
    pg.evaluate(NEXT_FRAMES)


# every Plotly figure on screen is laid out at its box's width (hidden ones, in a closed tab or expander, aside)
PLOTS_SETTLED = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).every((gd) =>
  !gd._fullLayout || gd.offsetParent === null || Math.abs(gd._fullLayout.width - gd.clientWidth) <= 1)"""


def screenshot(pg, name: str, max_height: int = 9000) -> Path:
    """Save a screenshot of the whole page under tests/e2e/screenshots/ (git-ignored).

    Streamlit scrolls inside its own main container, so Playwright's ``full_page`` sees
    only the viewport: the viewport is stretched to the content's height for the shot.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    size = pg.viewport_size or {"width": 1400, "height": 900}
    content = pg.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMain"]');
        return main ? main.scrollHeight : document.body.scrollHeight;
    }""")
    pg.set_viewport_size({"width": size["width"], "height": int(min(max(content, size["height"]), max_height))})
    # Plotly re-lays a figure out when its box changes width (a frame or two later): wait until every figure on
    # screen is as wide as its box, then for the browser to draw
    pg.wait_for_function(PLOTS_SETTLED, timeout=10000, polling="raf")
    pg.evaluate(NEXT_FRAMES)
    pg.screenshot(path=str(path), full_page=True)
    pg.set_viewport_size(size)
    return path


def slider_input(pg, key: str):
    """The focusable range input of the slider whose widget key is ``key`` (Streamlit 1.67 markup).

    Streamlit puts ``st-key-<key>`` on the widget's container, with the key's dots written as dashes
    (``conv_backward.padding`` -> ``st-key-conv_backward-padding``); the thumb is an ``<input type="range">``.
    """
    css_key = key.replace(".", "-")
    return pg.locator(f'.st-key-{css_key} input[type="range"]').first


# --------------------------------------------------------------------------- shared page helpers

# z of the Plotly figure (or side-by-side panel) titled `title`; the graph div keeps the figure it
# drew, and Streamlit's theme wraps title text in <b> tags
FIGURE_Z = """(title) => {
  const plain = (text) => (text || '').replace(/<\\/?b>/g, '');
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    if (!gd.layout) { continue; }
    if (gd.layout.title && plain(gd.layout.title.text) === title) { return gd.data[0].z; }
    // side-by-side figures: panel k is titled by annotation k and drawn by value heatmap k
    const maps = gd.data.filter((d) => d.type === 'heatmap' && d.customdata);
    const k = (gd.layout.annotations || []).findIndex((a) => plain(a.text) === title);
    if (maps.length > 1 && k >= 0 && k < maps.length) { return maps[k].z; }
  }
  return null;
}"""


def figure_z(pg, title: str):
    """The z matrix of the figure titled ``title`` as the browser holds it (None if not drawn)."""
    return pg.evaluate(FIGURE_Z, title)


def wait_for_figure(pg, title: str, timeout_ms: int = 20000) -> None:
    pg.wait_for_function(f"() => ({FIGURE_Z})({title!r}) !== null", timeout=timeout_ms)


def press_slider(pg, label: str, key: str = "ArrowRight") -> None:
    """Press an arrow key on the slider labelled ``label`` and wait for the rerun.

    Streamlit 1.67 draws the thumb as <input type="range">: its role "slider" is implicit.
    """
    thumb = pg.locator('[data-testid="stSlider"]').filter(has_text=label).get_by_role("slider")
    thumb.focus()
    # a rerun follows only if the value moves: not when the key pushes the thumb against either end
    value, low, high = thumb.evaluate("(e) => [Number(e.value), Number(e.min), Number(e.max)]")
    stuck = (key in ("ArrowRight", "ArrowUp", "PageUp", "End") and value >= high) or \
        (key in ("ArrowLeft", "ArrowDown", "PageDown", "Home") and value <= low)
    after_run(pg, lambda: thumb.press(key), lambda: not stuck)


def after_run(pg, action, reruns=lambda: True) -> None:
    """Do ``action()`` and wait for the script run it starts (:meth:`ScriptRuns.after`), or only for the app to be
    idle when ``reruns()``, asked right after the action, says it starts none. A page made outside the ``browser``
    fixture (no counter) falls back to a pause before :func:`wait_for_app`."""
    runs = ScriptRuns.of(pg)
    if runs is None:
        action()
        pg.wait_for_timeout(400)
    else:
        runs.after(action, expect=reruns)
    wait_for_app(pg)


def answer(pg, key: str, text: str, button: str) -> None:
    """Type ``text`` into the text area whose widget key is ``key``, commit it (Ctrl+Enter: a rerun), then click
    the button named ``button`` (another rerun); returns when both runs are over (Check my work, Practice)."""
    area = pg.locator(f".st-key-{key.replace('.', '-')} textarea")
    # Ctrl+Enter commits the text, and reruns, only if it differs from the committed one (the area's own value
    # before the fill: the tests type and commit, nothing edits the area without committing)
    before = area.input_value()
    area.fill(text)
    after_run(pg, lambda: area.press("Control+Enter"), lambda: text != before)
    after_run(pg, lambda: pg.get_by_role("button", name=button, exact=True).click())


def open_panel(pg, title: str, holds: str, timeout_ms: int = 20000):
    """Open the expander titled ``title`` (a lazy panel: its content arrives with the rerun the click asks for) and
    wait until its first code block holds ``holds`` and the app is idle; returns that code block (a locator, so a
    later ``expect(code).to_contain_text(...)`` follows the panel as it changes)."""
    from playwright.sync_api import expect

    panel = pg.locator('[data-testid="stExpander"]').filter(
        has=pg.locator("summary").filter(has_text=title))
    panel.locator("summary").click()
    code = panel.locator('[data-testid="stCode"]').first
    expect(code).to_contain_text(holds, timeout=timeout_ms)
    wait_for_app(pg)
    return code


def open_tab(pg, label: str) -> None:
    """Click a tab (sections are lazy: the server renders the one opened) and wait for the rerun."""
    tab = pg.get_by_role("tab", name=label)
    # the app's tab bars rerun on a switch (on_change="rerun"); clicking the tab already open switches nothing
    switches = tab.get_attribute("aria-selected") != "true"
    after_run(pg, tab.click, lambda: switches)


def wait_for_text(pg, text: str, timeout_ms: int = 20000) -> None:
    """wait_for_app can return before the script's last elements arrive: wait for a known text too."""
    pg.get_by_text(text, exact=False).first.wait_for(timeout=timeout_ms)


def assert_no_exception(pg) -> None:
    assert pg.locator('[data-testid="stException"]').count() == 0, pg.inner_text("body")[:2000]


@contextmanager
def opened(browser, url: str, viewport: dict | None = None, *, locale: str = "en-US", **options) -> Iterator:
    """A page of a fresh browser context showing ``url`` once the app has run (:func:`wait_for_app`); the
    context is closed on leaving the ``with``. ``viewport`` defaults to DESKTOP; ``options`` go to Playwright's
    ``new_context`` (``is_mobile=True``, ``accept_downloads=True``, ...)::

        with opened(browser, f"{server_url}/dense?lang=zh", PHONE, is_mobile=True) as pg:
            assert_no_exception(pg)
    """
    context = browser.new_context(viewport=viewport or DESKTOP, locale=locale, **options)
    try:
        pg = context.new_page()
        pg.goto(url)
        wait_for_app(pg)
        yield pg
    finally:
        context.close()


# --------------------------------------------------------------------------- layout (#12 items 8, 16)

# Every display formula on screen: KaTeX's (st.latex, $$ in markdown) and the MathML blocks the cell
# stepper draws inside its shadow root. For each, its content must be reachable: either it fits inside
# every box that clips it, or the first box around it that does not fit is a horizontal scroller
# (overflow-x auto/scroll) lying inside the page's column. Returns one line per formula that is cut.
FORMULA_PROBLEMS = """() => {
  const formulas = [];
  const visit = (root) => {
    // KaTeX also writes a visually hidden MathML copy (.katex-mathml) for screen readers: not a formula on screen
    root.querySelectorAll('.katex-display, math[display="block"]').forEach((e) => {
      if (!e.closest('.katex-mathml')) { formulas.push(e); }
    });
    root.querySelectorAll('*').forEach((e) => { if (e.shadowRoot) { visit(e.shadowRoot); } });
  };
  visit(document);
  const up = (e) => e.parentElement || (e.getRootNode() instanceof ShadowRoot ? e.getRootNode().host : null);
  const column = document.querySelector('[data-testid="stMainBlockContainer"]').getBoundingClientRect();
  const scrolls = (e) => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX);
  const problems = [];
  for (const f of formulas) {
    const box = f.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) { continue; }  // in a closed tab or expander
    const what = `${f.tagName.toLowerCase()} "${f.textContent.slice(0, 50)}"`;
    let right = scrolls(f) ? box.right : box.left + f.scrollWidth;
    if (scrolls(f) && box.right > column.right + 1) {
      problems.push(`${what}: its scroll box ends at ${Math.round(box.right)} px, the column at ${Math.round(column.right)}`);
      continue;
    }
    for (let a = up(f); a; a = up(a)) {
      if (a.getAttribute && a.getAttribute('data-testid') === 'stMainBlockContainer') {
        if (right > column.right + 1) { problems.push(`${what}: ends at ${Math.round(right)} px, beyond the column (${Math.round(column.right)})`); }
        break;
      }
      const ox = getComputedStyle(a).overflowX;
      if (ox === 'visible') { continue; }
      const edge = a.getBoundingClientRect().right;
      if (right <= edge + 1) { continue; }
      if (ox === 'auto' || ox === 'scroll') {
        if (edge > column.right + 1) { problems.push(`${what}: scrolls in a box wider than the column`); }
      } else {
        problems.push(`${what}: cut at ${Math.round(edge)} px (content ends at ${Math.round(right)}; overflow-x ${ox})`);
      }
      break;
    }
  }
  return problems;
}"""


def wait_for_frame_css(pg, timeout_ms: int = 20000) -> None:
    """Wait until the frame's stylesheet (ui.frame.global_css) applies: its <style> can reach the page a
    moment after the first elements, and a layout measured before it is Streamlit's own."""
    pg.wait_for_function(
        "() => getComputedStyle(document.documentElement).getPropertyValue('--cnn-studio-frame-css').trim() === '1'",
        timeout=timeout_ms)


def formula_problems(pg) -> list[str]:
    """The display formulas on screen whose right part is cut off (empty when every one fits or scrolls).

    Waits for the web fonts first: KaTeX measures with its own fonts, and a formula measured before
    they load is narrower than the one the reader sees. Needs the frame's stylesheet (app pages, or a
    script that draws ``global_css``).
    """
    wait_for_frame_css(pg)
    pg.evaluate("() => document.fonts.ready.then(() => true)")
    return pg.evaluate(FORMULA_PROBLEMS)


# Every display formula: its width, its column's width, and the overflow-x of the first box around it that
# does not let it overflow freely (a formula is never clipped at the right: it fits, or that box scrolls).
FORMULA_WIDTHS = """() => Array.from(document.querySelectorAll('.katex-display')).map(el => {
  const column = el.closest('[data-testid="stElementContainer"]') || el.parentElement;
  let box = el, overflow = 'visible';
  while (box && box !== column.parentElement) {
    const o = getComputedStyle(box).overflowX;
    if (o !== 'visible') { overflow = o; break; }
    box = box.parentElement;
  }
  return {width: el.scrollWidth, column: column.getBoundingClientRect().width, overflow};
})"""


def formula_widths(pg) -> list[dict]:
    """``{"width", "column", "overflow"}`` of every KaTeX display formula on the page (see FORMULA_WIDTHS)."""
    return pg.evaluate(FORMULA_WIDTHS)


# Every formula line of the math boxes (MathML drawn by the browser, ui.components.math_box): its content width, the
# width shown, the width of its page column, and its overflow-x (a line that does not fit must scroll sideways).
MATH_WIDTHS = """(lines) => lines.map(el => {
  const host = el.getRootNode().host || el;
  const column = host.closest('[data-testid="stElementContainer"]') || host.parentElement;
  return {width: el.scrollWidth, shown: el.getBoundingClientRect().width, column: column.getBoundingClientRect().width,
          overflow: getComputedStyle(el).overflowX};
})"""


def math_widths(pg) -> list[dict]:
    """``{"width", "shown", "column", "overflow"}`` of every math box line on the page (see MATH_WIDTHS)."""
    return pg.locator(".math-box .math-line").evaluate_all(MATH_WIDTHS)


def horizontal_overflow(pg) -> int:
    """How many CSS pixels the page is wider than the window (0: nothing makes the reader scroll sideways)."""
    return pg.evaluate("""() => {
      const main = document.querySelector('[data-testid="stMain"]');
      return Math.max(0, document.documentElement.scrollWidth - window.innerWidth,
                      main ? main.scrollWidth - main.clientWidth : 0);
    }""")


# --------------------------------------------------------------------------- cell stepper pages
# a flag set when Streamlit shows its "running" status widget (a script rerun), from now on
WATCH_RUNNING = """() => {
  window.__ran = document.querySelector('[data-testid="stStatusWidget"]') !== null;
  const obs = new MutationObserver(() => {
    if (document.querySelector('[data-testid="stStatusWidget"]')) window.__ran = true;
  });
  obs.observe(document.body, {subtree: true, childList: true});
}"""

# widths of every formula/stepper element that is wider than its column (nothing may be clipped)
TOO_WIDE = """() => {
  const out = [];
  for (const el of document.querySelectorAll('.katex-display, .cs-formula .eq-line')) {
    const box = el.closest('[data-testid="stVerticalBlock"]') || el.parentElement;
    if (el.scrollWidth > box.clientWidth + 2 && getComputedStyle(el).overflowX !== 'auto') {
      out.push([el.className, el.scrollWidth, box.clientWidth]);
    }
  }
  return out;
}"""


def watch_round_trips(pg) -> list:
    """Every frame the page sends on Streamlit's websocket from now on (a rerun request is one)."""
    sent: list = []
    pg.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    return sent


def stepper_formula(pg, stepper: str) -> str:
    """The plain-text formula (aria-label) the cell stepper ``stepper`` (a CSS selector) shows now."""
    return pg.locator(f"{stepper} .cs-formula").get_attribute("aria-label") or ""


def pick(pg, stepper: str, grid: int, index: int):
    """Cell ``index`` of grid ``grid`` of a cell stepper."""
    return pg.locator(f'{stepper} figure[data-grid="{grid}"] [data-cell="{index}"]')


# --------------------------------------------------------------------------- what the server sends

def watch_frames(pg) -> list:
    """Every frame the server sends on Streamlit's websocket from now on, in a list the test may clear between
    actions. Call before the ``goto`` (a websocket opened earlier is not seen)."""
    received: list = []
    pg.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.append(payload)))
    return received


def open_app(pg, url: str, selector: str | None = None, timeout_ms: int = 30000) -> list:
    """Open ``url`` in ``pg`` and wait until the app has run (:func:`wait_for_app`) and, when given, until
    ``selector`` is drawn (a part that arrives after the script's end state: a stepper, a component's SVG, ...).

    Returns the frames the server has sent since just before the ``goto`` (:func:`watch_frames`: the page's own
    websocket is seen); clear the list before the action whose frames the test counts, or ignore it::

        received = open_app(pg, f"{server_url}/dense?lang=en", STEPPER)
        received.clear()
    """
    received = watch_frames(pg)
    pg.goto(url)
    wait_for_app(pg)
    if selector is not None:
        pg.locator(selector).first.wait_for(timeout=timeout_ms)
    return received


# resolves after two animation frames: React has drawn what it was handed before the call
NEXT_FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))"


class ScriptRuns:
    """The script runs a page's server has finished, counted on the websocket (Streamlit ends every run, a
    fragment's too, with a ``script_finished`` message after all the run's elements): a test waits for the run its
    action starts instead of sleeping for a guess of when the run starts and ends. Every page the ``browser``
    fixture makes has one from its start (:meth:`of`; :func:`after_run` uses it); another is created before the
    ``goto``::

        runs = ScriptRuns.of(pg)          # or ScriptRuns(pg) before pg.goto
        runs.after(lambda: pg.goto(url))
        runs.after(lambda: pg.get_by_role("tab", name=label).click())

    An action that starts no run (a text committed unchanged) fails after ``timeout_ms`` rather than passing, unless
    ``expect`` says beforehand that it starts none.
    """

    def __init__(self, pg) -> None:
        self.pg, self.finished = pg, 0
        pg.on("websocket", lambda ws: ws.on("framereceived", self._received))

    @staticmethod
    def attach(pg):
        """Give ``pg`` its own counter from now on (every page the ``browser`` fixture makes has one); returns ``pg``."""
        pg._script_runs = ScriptRuns(pg)
        return pg

    @staticmethod
    def of(pg) -> ScriptRuns | None:
        """The counter the ``browser`` fixture attached to ``pg`` (None for a page made some other way)."""
        return getattr(pg, "_script_runs", None)

    def _received(self, payload) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = ForwardMsg()
        msg.ParseFromString(payload if isinstance(payload, bytes) else payload.encode("latin-1"))
        if msg.WhichOneof("type") == "script_finished":
            self.finished += 1

    def after(self, action, timeout_ms: int = 60000, expect=lambda: True) -> None:
        """Do ``action()``; return once the run it started has finished and the browser has drawn it (when
        ``expect()``, asked after the action, is false, the action started no run: return at once)."""
        before = self.finished
        action()
        if not expect():
            return
        deadline = time.monotonic() + timeout_ms / 1000
        while self.finished <= before:   # Playwright hands the websocket events over while it waits
            if time.monotonic() > deadline:
                pytest.fail(f"no script run finished within {timeout_ms / 1000:.0f} s of the action")
            self.pg.wait_for_timeout(50)
        # the app shows the run's end (a second run the first one asked for included), then React draws it
        self.pg.wait_for_function(SCRIPT_DONE, timeout=timeout_ms, polling=50)
        self.pg.evaluate(NEXT_FRAMES)

    def answer(self, key: str, text: str, button: str) -> None:
        """:func:`answer` without its sleeps: commit ``text`` in the text area ``key`` (a run), click ``button``
        (another run)."""
        area = self.pg.locator(f".st-key-{key.replace('.', '-')} textarea")
        area.fill(text)
        self.after(lambda: area.press("Control+Enter"))
        self.after(lambda: self.pg.get_by_role("button", name=button, exact=True).click())


def forward_msgs(frames: list) -> list:
    """The frames decoded with Streamlit's own protobuf class (``ForwardMsg``): a test fails, rather than passes,
    if Streamlit changes its messages."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    out = []
    for frame in frames:
        msg = ForwardMsg()
        msg.ParseFromString(frame if isinstance(frame, bytes) else frame.encode("latin-1"))
        out.append(msg)
    return out


def runs_sent(frames: list) -> tuple[int, int]:
    """(script runs in ``frames`` that sent elements, full app runs): a full run sends the frame's navigation again.
    A new setup that reruns named parts is ``(1, 0)``."""
    msgs = forward_msgs(frames)
    runs, sent = 0, False
    for msg in msgs:
        if msg.WhichOneof("type") == "delta":
            sent = True
        elif msg.WhichOneof("type") == "script_finished":
            runs, sent = runs + sent, False
    return runs, sum(msg.WhichOneof("type") == "navigation" for msg in msgs)


def script_runs(frames: list) -> int:
    """The script runs that ended in ``frames`` (``script_finished`` messages), those that sent nothing included: a
    callback that reruns parts by name ends an empty run first (two), a control in the part it changes one."""
    return sum(msg.WhichOneof("type") == "script_finished" for msg in forward_msgs(frames))


def new_element_types(frames: list) -> list[str]:
    """The element type (``"table"``, ``"text_area"``, ``"plotly_chart"``, ...) of every new element in ``frames``; a
    preset menu (ui/components/action_menu.py, a components-v2 element like the steppers and math boxes) is
    ``"preset_menu"``, not ``"bidi_component"``; so is a choice menu (ui/components/choice_menu.py: the same
    component); a tab strip (ui/components/tab_strip.py) ``"tab_strip"``."""
    from ui.components.action_menu import NAME as MENU
    from ui.components.tab_strip import NAME as STRIP

    named = {MENU: "preset_menu", STRIP: "tab_strip"}
    types = []
    for msg in forward_msgs(frames):
        if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
            el = msg.delta.new_element
            kind = el.WhichOneof("type")
            types.append(named.get(el.bidi_component.component_name, kind) if kind == "bidi_component" else kind)
    return types


def new_block_types(frames: list) -> list[str]:
    """The block type (``"tab_container"``, ``"expandable"``, ``"flex_container"``, ...) of every block in ``frames``."""
    return [msg.delta.add_block.WhichOneof("type") for msg in forward_msgs(frames)
            if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "add_block"]
