"""Slider-to-updated-figure latency in a real browser: our pages vs a bare Streamlit page.

Run:  .venv/bin/python benchmarks/bench_browser.py [--repeats 10]

For each target (the bare page of bare_app.py, then pages of the app) it opens
the page in Debian's Chromium, focuses the first slider (each one with --all-sliders), presses ArrowRight /
ArrowLeft alternately and measures, inside the page, the time from the key
press to the first change of any Plotly figure. Budget: the app's median within
1.5x of the bare page's.
"""

from __future__ import annotations

import argparse
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

WATCH = """() => {
  window.__changed = null;
  const obs = new MutationObserver(() => { if (window.__changed === null) window.__changed = performance.now(); });
  document.querySelectorAll('.js-plotly-plot').forEach(el => obs.observe(el, {subtree: true, childList: true, attributes: true, characterData: true}));
  window.__obs = obs;
  return performance.now();
}"""


def start(script: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
                             "--server.headless", "true", "--server.fileWatcherType", "none"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
            return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"server for {script} did not start")


def measure(browser, url: str, repeats: int, slider_index: int = 0) -> list[float]:
    """Key-press-to-first-figure-change times (ms) for one slider of the page at ``url``."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(url)
    page.wait_for_selector(".js-plotly-plot", timeout=30000)
    page.wait_for_timeout(1500)
    thumb = page.locator('[data-testid="stSlider"] input[type="range"]').nth(slider_index)
    times = []
    for i in range(repeats):
        thumb.focus()
        before = thumb.input_value()
        t0 = page.evaluate(WATCH)
        thumb.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
        if thumb.input_value() == before:  # at the end of its range: go the other way
            thumb.press("ArrowLeft" if i % 2 == 0 else "ArrowRight")
        try:
            page.wait_for_function("window.__changed !== null", timeout=5000)
            times.append(page.evaluate("window.__changed") - t0)
        except Exception:  # this slider changes no figure (e.g. it drives formulas only)
            pass
        page.evaluate("window.__obs.disconnect()")
        page.wait_for_timeout(700)  # let the rerun finish before the next press
    page.close()
    return times


def slider_count(browser, url: str) -> int:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(url)
    page.wait_for_selector(".js-plotly-plot", timeout=30000)
    page.wait_for_timeout(1000)
    count = page.locator('[data-testid="stSlider"] input[type="range"]').count()
    page.close()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--pages", default="padding,conv_single,conv_multi,pooling,conv_backward,training",
                        help="comma-separated page keys (url paths) of the app to measure")
    parser.add_argument("--all-sliders", action="store_true",
                        help="measure every slider of each page (default: the first one)")
    args = parser.parse_args()
    results = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        proc, url = start(ROOT / "benchmarks" / "bare_app.py")
        try:
            results["bare page"] = measure(browser, url, args.repeats)
        finally:
            proc.terminate()
        proc, url = start(ROOT / "app.py")
        try:
            for key in filter(None, args.pages.split(",")):
                page_url = f"{url}/{key}?lang=en"
                for index in range(slider_count(browser, page_url) if args.all_sliders else 1):
                    times = measure(browser, page_url, args.repeats, index)
                    if times:
                        results[f"{key}[{index}]"] = times
        finally:
            proc.terminate()
        browser.close()
    bare = statistics.median(results["bare page"])
    print(f"{'target[slider]':<20}{'median ms':>10}{'ratio':>8}   budget: ratio <= 1.5")
    for name, times in results.items():
        median = statistics.median(times)
        print(f"{name:<20}{median:>10.1f}{median / bare:>8.2f}")


if __name__ == "__main__":
    main()
