"""Browser latency of every control kind and first-view time of every page, against a bare page.

Run:  .venv/bin/python benchmarks/bench_browser.py [--repeats 5] [--per-kind 2] [--pages ...]

Starts ``benchmarks/bare_app.py`` (one slider, one heatmap) and the app, opens each in Debian's
Chromium and measures, inside the page:

- **controls**: for every control kind in the main area — sliders (arrow key), number inputs
  (the + / − buttons), selects (pick another option), radios (click another option) and text
  areas (change one digit, Ctrl+Enter) — the time from the action to the *updated page*: the
  last change of the page outside the control itself (figures, the cell stepper's shadow DOM,
  formulas, text) before it stays quiet for ``QUIET_MS`` with no script running. ``first`` is
  the first such change. Up to ``--per-kind`` controls of each kind per page (``--per-kind 0``:
  all of them); the median of ``--repeats`` actions each.
- **cell stepping**: for pages with a cell stepper, hover → formula shown, in the browser.
- **first view**: a fresh browser context opens the page; time from navigation start until the
  script has finished and every figure and component of the first view is drawn.

Budget (DESIGN.md): every control within 1.5× the bare page's slider, every first view within
1.3× the bare page's, in one run.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, _free_port  # noqa: E402

QUIET_MS = 500
PAGES = "padding,conv_single,conv_multi,pooling,conv_backward,dense,autodiff,training"
KINDS = {  # kind: the element container of one control, inside the main area
    "slider": '[data-testid="stMain"] [data-testid="stSlider"]',
    "number": '[data-testid="stMain"] [data-testid="stNumberInput"]',
    "select": '[data-testid="stMain"] [data-testid="stSelectbox"]',
    "radio": '[data-testid="stMain"] [data-testid="stRadio"]',
    "text": '[data-testid="stMain"] [data-testid="stTextArea"]',
}

# Record every change of the main area outside the control `sel`[`idx`] (and inside the shadow
# roots of components) with its time; return the start time.
WATCH = """([sel, idx]) => {
  const ctl = document.querySelectorAll(sel)[idx];
  const main = document.querySelector('[data-testid="stMain"]');
  window.__first = null; window.__last = null;
  const note = (muts) => {
    for (const m of muts) {
      if (ctl && ctl.contains(m.target)) continue;
      const now = performance.now();
      if (window.__first === null) window.__first = now;
      window.__last = now;
      return;
    }
  };
  const obs = new MutationObserver(note);
  // nodes added/removed and text changed: attribute changes include Streamlit's and Plotly's own
  // transitions, which go on long after the page has its new content
  const opts = {subtree: true, childList: true, characterData: true};
  obs.observe(main, opts);
  main.querySelectorAll('*').forEach((el) => { if (el.shadowRoot) obs.observe(el.shadowRoot, opts); });
  window.__obs = obs;
  return performance.now();
}"""

SETTLED = f"""() => window.__last !== null && performance.now() - window.__last > {QUIET_MS}
  && !document.querySelector('[data-testid="stStatusWidget"]')"""

# the first view is drawn: the script finished, a heading is there, every chart has its SVG and
# every component has content
DRAWN = """() => {
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  if (!document.querySelector('[data-testid="stMain"] h1, [data-testid="stMain"] [data-testid="stHeading"]')
      && !document.querySelector('[data-testid="stMain"] .stPlotlyChart')) return false;
  for (const chart of document.querySelectorAll('.stPlotlyChart')) {
    if (!chart.querySelector('.main-svg')) return false;
  }
  for (const host of document.querySelectorAll('[data-testid="stBidiComponentIsolated"]')) {
    if (!host.shadowRoot || !host.shadowRoot.querySelector('.cs, div')) return false;
  }
  return true;
}"""


# installed before the page's own scripts: the time of the last change of the document, shadow
# roots (components) included
LAST_CHANGE = """(() => {
  window.__lastChange = 0;
  const note = () => { window.__lastChange = performance.now(); };
  const opts = {subtree: true, childList: true, characterData: true};
  const observe = (node) => new MutationObserver(note).observe(node, opts);
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) { const root = attach.call(this, init); observe(root); return root; };
  document.addEventListener('DOMContentLoaded', () => observe(document.body));
})();"""


def start(script: Path) -> tuple[subprocess.Popen, str]:
    """``streamlit run script`` on a free port (cwd: the script's project root)."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
                             "--server.headless", "true", "--server.fileWatcherType", "none",
                             "--browser.gatherUsageStats", "false"],
                            cwd=script.parent if script.name == "app.py" else ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
            return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"server for {script} did not start")


def open_page(browser, url: str):
    """A page at ``url`` with its first view drawn and quiet."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.add_init_script(LAST_CHANGE)
    page.goto(url)
    page.wait_for_function(f"() => ({DRAWN})() && window.__lastChange > 0 "
                           f"&& performance.now() - window.__lastChange > {QUIET_MS}", timeout=60000, polling=100)
    return page


def bump_digit(text: str) -> str:
    """The text with its first digit changed (same shape of matrix, other numbers)."""
    return re.sub(r"\d", lambda m: str((int(m.group()) + 1) % 10), text, count=1)


def act(page, kind: str, index: int, step: int) -> None:
    """One action on control ``index`` of ``kind``; ``step`` alternates the direction."""
    box = page.locator(KINDS[kind]).nth(index)
    if kind == "slider":
        thumb = box.locator('input[type="range"]')
        thumb.focus()
        before = thumb.input_value()   # the input's own value changes synchronously with the key
        thumb.press("ArrowRight" if step % 2 == 0 else "ArrowLeft")
        if thumb.input_value() == before:  # at the end of its range: go the other way
            thumb.press("ArrowLeft" if step % 2 == 0 else "ArrowRight")
    elif kind == "number":
        box.locator('[data-testid="stNumberInputStepUp"]' if step % 2 == 0
                    else '[data-testid="stNumberInputStepDown"]').click()
    elif kind == "select":
        box.click()
        options = page.locator('[role="option"]')
        options.first.wait_for(timeout=5000)
        chosen = [i for i in range(options.count()) if options.nth(i).get_attribute("aria-selected") == "true"]
        current = chosen[0] if chosen else 0
        options.nth((current + 1) % options.count()).click()
    elif kind == "radio":
        labels = box.locator('[data-testid="stRadioOption"]')
        checked = [i for i in range(labels.count()) if labels.nth(i).get_attribute("data-selected") == "true"]
        current = checked[0] if checked else 0
        labels.nth((current + 1) % labels.count()).click()
    elif kind == "text":
        area = box.locator("textarea")
        if step == 0:
            page.evaluate("(t) => { window.__orig = t; }", area.input_value())
        original = page.evaluate("window.__orig")
        area.fill(bump_digit(original) if step % 2 == 0 else original)
        area.press("Control+Enter")


def measure(browser, url: str, kind: str, index: int, repeats: int) -> tuple[list[float], list[float]]:
    """(first, done) times in ms of ``repeats`` actions on one control."""
    page = open_page(browser, url)
    first, done = [], []
    try:
        for step in range(repeats):
            t0 = page.evaluate(WATCH, [KINDS[kind], index])
            try:
                act(page, kind, index, step)
            except Exception as err:  # the control went away (e.g. redrawn by a fragment): skip it
                print(f"  {url} {kind}[{index}]: {type(err).__name__}", file=sys.stderr)
                break
            try:
                page.wait_for_function(SETTLED, timeout=15000, polling=50)
                first.append(page.evaluate("window.__first") - t0)
                done.append(page.evaluate("window.__last") - t0)
            except Exception:  # nothing outside the control changed (e.g. a value already at its end)
                pass
            page.evaluate("window.__obs.disconnect()")
    finally:
        page.close()
    return first, done


def visible_controls(browser, url: str) -> dict[str, list[int]]:
    """Indices of the visible controls of each kind (a control in a closed tab cannot be used)."""
    page = open_page(browser, url)
    found = {}
    for kind, sel in KINDS.items():
        controls = page.locator(sel)
        found[kind] = [i for i in range(controls.count()) if controls.nth(i).is_visible()]
    page.close()
    return found


def first_view(browser, url: str, repeats: int) -> list[float]:
    """Navigation start to the first view drawn (ms): the last change of the page before it stays
    quiet for ``QUIET_MS`` with every chart and component drawn; a fresh context each time."""
    times = []
    for _ in range(repeats):
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        context.add_init_script(LAST_CHANGE)
        page = context.new_page()
        page.goto(url)
        page.wait_for_function(f"() => ({DRAWN})() && window.__lastChange > 0 "
                               f"&& performance.now() - window.__lastChange > {QUIET_MS}", timeout=60000, polling=50)
        times.append(page.evaluate("window.__lastChange"))
        context.close()
    return times


def cell_hover(browser, url: str, repeats: int) -> list[float]:
    """Hover an output cell of the page's cell stepper -> its formula shown (ms), in the browser."""
    page = open_page(browser, url)
    stepper = page.locator(".cs").first
    if stepper.count() == 0:
        page.close()
        return []
    cells = page.locator(".cs [data-cell]")
    times = []
    for k in range(min(repeats, cells.count())):
        target = cells.nth(k % cells.count())
        index = target.get_attribute("data-cell")
        t0 = page.evaluate("performance.now()")
        target.hover()
        page.wait_for_function(f"() => document.querySelector('[data-testid=\"stBidiComponentIsolated\"]')"
                               f".shadowRoot.querySelector('.cs').dataset.cell === '{index}'", polling="raf")
        times.append(page.evaluate("performance.now()") - t0)
    page.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--per-kind", type=int, default=2, help="controls of each kind per page (0 = all)")
    parser.add_argument("--pages", default=PAGES, help="comma-separated page keys (url paths) of the app")
    parser.add_argument("--no-first-view", action="store_true")
    parser.add_argument("--app", default=str(ROOT / "app.py"),
                        help="the app's entry script (e.g. an exported older commit, for a before/after table)")
    args = parser.parse_args()
    controls: dict[str, tuple[list[float], list[float]]] = {}
    views: dict[str, list[float]] = {}
    hovers: dict[str, list[float]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        proc, url = start(ROOT / "benchmarks" / "bare_app.py")
        try:
            controls["bare page slider"] = measure(browser, url, "slider", 0, args.repeats)
            if not args.no_first_view:
                views["bare page"] = first_view(browser, url, args.repeats)
        finally:
            proc.terminate()
        proc, url = start(Path(args.app))
        try:
            for key in filter(None, args.pages.split(",")):
                page_url = f"{url}/{key}?lang=en"
                if not args.no_first_view:
                    views[key] = first_view(browser, page_url, args.repeats)
                for kind, indices in visible_controls(browser, page_url).items():
                    for index in indices if args.per_kind == 0 else indices[:args.per_kind]:
                        first, done = measure(browser, page_url, kind, index, args.repeats)
                        if done:
                            controls[f"{key} {kind}[{index}]"] = (first, done)
                hover = cell_hover(browser, page_url, args.repeats)
                if hover:
                    hovers[key] = hover
        finally:
            proc.terminate()
        browser.close()

    bare_first, bare_done = (statistics.median(v) for v in controls["bare page slider"])
    print(f"{'control':<28}{'first ms':>9}{'ratio':>7}{'done ms':>9}{'ratio':>7}   budget: done ratio <= 1.5")
    for name, (first, done) in controls.items():
        f, d = statistics.median(first), statistics.median(done)
        flag = "" if d / bare_done <= 1.5 else "  over"
        print(f"{name:<28}{f:>9.1f}{f / bare_first:>7.2f}{d:>9.1f}{d / bare_done:>7.2f}{flag}")
    if hovers:
        print(f"\n{'cell stepper hover':<28}{'median ms':>10}   (no server round trip)")
        for name, times in hovers.items():
            print(f"{name:<28}{statistics.median(times):>10.1f}")
    if views:
        bare = statistics.median(views["bare page"])
        print(f"\n{'first view':<28}{'median ms':>10}{'ratio':>7}   budget: ratio <= 1.3")
        for name, times in views.items():
            m = statistics.median(times)
            print(f"{name:<28}{m:>10.1f}{m / bare:>7.2f}{'' if m / bare <= 1.3 else '  over'}")


if __name__ == "__main__":
    main()
