"""Script time of every page (Streamlit AppTest): a plain rerun and a change of every control kind.

Run:  .venv/bin/python benchmarks/bench_pages.py [--runs 15] [--per-kind 2] [--pages ...]

Each page is opened once (cold: imports, caches), then, in both languages:

- ``rerun``: ``--runs`` reruns with nothing changed (the median is what every interaction pays
  at least; budget 80 ms);
- per control kind — sliders, number inputs, selects, radios, text areas, up to ``--per-kind``
  of each in the page's main area: the median of ``--runs`` runs that each change that control
  to another valid value and back (the script's share of bench_browser.py's latency).

Two columns for the plain rerun: **AppTest** as shipped (recompiles the scripts every run) and
**server-like** (compiled scripts reused, as ``streamlit run`` does). The control rows are
server-like.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import streamlit.testing.v1.app_test as app_test_module  # noqa: E402
from streamlit.runtime.scriptrunner.script_cache import ScriptCache  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from ui.frame import available_pages  # noqa: E402

BUDGET_MS = 80.0
KINDS = ("slider", "number_input", "selectbox", "radio", "text_area")

_SHARED_CACHE = ScriptCache()


def share_script_cache(enabled: bool) -> None:
    """AppTest compiles every script anew on each run; the server compiles once and reuses the
    bytecode. With ``enabled`` the benchmark reuses one ScriptCache, as the server does."""
    app_test_module.ScriptCache = (lambda: _SHARED_CACHE) if enabled else ScriptCache


def open_app(page_path: str, lang: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    if not page_path.endswith("home.py"):
        at.switch_page(page_path)
        at.run()
    if at.exception:
        raise RuntimeError(f"{page_path} raised: {at.exception[0].value}")
    return at


def rerun_times(page_path: str, lang: str, runs: int) -> list[float]:
    at = open_app(page_path, lang)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def other_value(widget, kind: str):
    """A different valid value for ``widget`` (None when it has none)."""
    if kind in ("slider", "number_input"):
        value, low, high = widget.value, widget.min, widget.max
        if isinstance(value, (tuple, list)) or value is None:
            return None
        delta = widget.step or 1
        if high is None or value + delta <= high:
            return value + delta
        return value - delta if low is None or value - delta >= low else None
    if kind in ("selectbox", "radio"):
        options = list(widget.options)
        if len(options) < 2:
            return None
        index = options.index(widget.value) if widget.value in options else 0
        return widget.options[(index + 1) % len(options)]
    if kind == "text_area":
        return re.sub(r"\d", lambda m: str((int(m.group()) + 1) % 10), widget.value or "", count=1)
    return None


def control_times(page_path: str, lang: str, runs: int, per_kind: int) -> dict[str, list[float]]:
    """Script time of changing each control to another value and back, ``runs`` times."""
    at = open_app(page_path, lang)
    results: dict[str, list[float]] = {}
    for kind in KINDS:
        widgets = [w for w in getattr(at, kind) if w.key and w.key != "lang"]
        for index, widget in enumerate(widgets[:per_kind] if per_kind else widgets):
            key, home = widget.key, widget.value
            away = other_value(widget, kind)
            if away is None or away == home:
                continue
            times = []
            for step in range(runs):
                target = getattr(at, kind)(key=key)
                value = away if step % 2 == 0 else home
                target.input(value) if kind == "text_area" else target.set_value(value)
                start = time.perf_counter()
                try:
                    at.run()
                except ValueError:
                    # AppTest offers a select's options only as displayed labels; with a
                    # format_func it cannot map a label back to a value (bench_browser.py drives
                    # these in the browser). Reopen the page and go on with the next control.
                    at = open_app(page_path, lang)
                    times = []
                    break
                times.append((time.perf_counter() - start) * 1000)
                if at.exception:
                    raise RuntimeError(f"{page_path} {key} raised: {at.exception[0].value}")
            if times:
                results[f"{kind}[{index}] {key}"] = times
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--per-kind", type=int, default=2, help="controls of each kind per page (0 = all)")
    parser.add_argument("--pages", default="", help="comma-separated page keys (default: every page)")
    args = parser.parse_args()
    wanted = set(filter(None, args.pages.split(",")))
    print(f"median script time in ms; budget {BUDGET_MS:.0f} ms (AppTest column for the plain rerun)")
    print(f"{'page':<15}{'lang':<5}{'what':<44}{'AppTest':>9}{'server-like':>13}")
    worst = 0.0
    for entry in available_pages():
        if wanted and entry.key not in wanted:
            continue
        for lang in ("en", "zh"):
            share_script_cache(False)
            plain = statistics.median(rerun_times(entry.path, lang, args.runs))
            share_script_cache(True)
            shared = statistics.median(rerun_times(entry.path, lang, args.runs))
            worst = max(worst, plain)
            flag = "" if plain <= BUDGET_MS else "  OVER BUDGET (AppTest)"
            print(f"{entry.key:<15}{lang:<5}{'rerun':<44}{plain:>9.1f}{shared:>13.1f}{flag}")
            for name, times in control_times(entry.path, lang, args.runs, args.per_kind).items():
                median = statistics.median(times)
                print(f"{entry.key:<15}{lang:<5}{name:<44}{'':>9}{median:>13.1f}")
    print(f"worst AppTest median rerun: {worst:.1f} ms ({'within' if worst <= BUDGET_MS else 'over'} budget)")


if __name__ == "__main__":
    main()
