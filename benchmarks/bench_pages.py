"""Median script-rerun time of every page (Streamlit AppTest), against the 80 ms budget.

Run:  .venv/bin/python benchmarks/bench_pages.py [--runs 15]

Each page is opened once (cold: imports, caches), then rerun ``--runs`` times in
both languages; the median of the reruns is what a user waits for after moving
a widget (minus the browser's own work, measured by bench_browser.py).
"""

from __future__ import annotations

import argparse
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


_SHARED_CACHE = ScriptCache()


def share_script_cache(enabled: bool) -> None:
    """AppTest compiles every script anew on each run; the server compiles once and reuses the
    bytecode. With ``enabled`` the benchmark reuses one ScriptCache, as the server does."""
    app_test_module.ScriptCache = (lambda: _SHARED_CACHE) if enabled else ScriptCache


def rerun_times(page_path: str, lang: str, runs: int) -> list[float]:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    if not page_path.endswith("home.py"):
        at.switch_page(page_path)
        at.run()
    if at.exception:
        raise RuntimeError(f"{page_path} raised: {at.exception[0].value}")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    print("median rerun in ms: 'AppTest' as shipped (recompiles the scripts every run), "
          "'server-like' with the compiled scripts reused as `streamlit run` does")
    print(f"{'page':<16}{'lang':<6}{'AppTest':>9}{'server-like':>13}  budget {BUDGET_MS:.0f} ms")
    worst = 0.0
    for entry in available_pages():
        for lang in ("en", "zh"):
            share_script_cache(False)
            plain = statistics.median(rerun_times(entry.path, lang, args.runs))
            share_script_cache(True)
            shared = statistics.median(rerun_times(entry.path, lang, args.runs))
            worst = max(worst, plain)
            flag = "" if plain <= BUDGET_MS else "  OVER BUDGET (AppTest)"
            print(f"{entry.key:<16}{lang:<6}{plain:>9.1f}{shared:>13.1f}{flag}")
    print(f"worst AppTest median: {worst:.1f} ms ({'within' if worst <= BUDGET_MS else 'over'} budget)")


if __name__ == "__main__":
    main()
