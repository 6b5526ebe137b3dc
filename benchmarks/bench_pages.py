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

from streamlit.testing.v1 import AppTest  # noqa: E402

from ui.frame import available_pages  # noqa: E402

BUDGET_MS = 80.0


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
    print(f"{'page':<16}{'lang':<6}{'median ms':>10}{'max ms':>9}  budget {BUDGET_MS:.0f} ms")
    worst = 0.0
    for entry in available_pages():
        for lang in ("en", "zh"):
            times = rerun_times(entry.path, lang, args.runs)
            median = statistics.median(times)
            worst = max(worst, median)
            flag = "" if median <= BUDGET_MS else "  OVER BUDGET"
            print(f"{entry.key:<16}{lang:<6}{median:>10.1f}{max(times):>9.1f}{flag}")
    print(f"worst median: {worst:.1f} ms ({'within' if worst <= BUDGET_MS else 'over'} budget)")


if __name__ == "__main__":
    main()
