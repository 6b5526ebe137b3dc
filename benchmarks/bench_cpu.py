"""CPU time per control action: the browser's main thread and the server's script thread (#14 round 7).

Run:  .venv/bin/python benchmarks/bench_cpu.py [--app app.py] [--repeats 8] dense:text:1 dense:tabs:0 bare:slider:0

``bench_browser.py`` judges wall-clock times (action -> page updated). On the shared 2-core machine those
swing by 2-5x with the other engineers' load (the same control measured 265 ms and 1366 ms within an hour),
so a change worth 10-20 % cannot be seen in them. CPU time is much steadier (about +-20 % under a load
average of 15): this tool measures, for each action of ``bench_browser.act`` (same controls, same kinds and
indices; ``bare`` = ``benchmarks/bare_app.py``'s slider):

- ``browser``: the renderer main thread's CPU time (Chrome trace, the ``tdur`` of every task) from the
  action until the page is quiet (``bench_browser._wait_settled``); the tasks' wall time beside it;
- ``script``: the CPU time of the server's script runs the action caused (``time.thread_time`` around
  ``ScriptRunner._run_script``; this file starts the server with that wrapper, see ``--serve``);
- ``server``: the whole server process's CPU time over the action (script + serialising and sending).

Medians of ``--repeats`` actions (even: the control ends where it started). A browser test of its own:
run it on a few controls, not on every page.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRACE_CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute"]
KIND_OF = {"FunctionCall": "js", "EvaluateScript": "js", "TimerFire": "js", "EventDispatch": "js",
           "FireAnimationFrame": "js", "RunMicrotasks": "js", "UpdateLayoutTree": "style", "Layout": "layout",
           "Paint": "paint", "PrePaint": "paint", "MajorGC": "gc", "MinorGC": "gc"}
MARK = "bench_cpu:action"


def serve(argv: list[str]) -> None:
    """``streamlit run`` with every script run's thread CPU ms appended to $BENCH_CPU_LOG (one line per run)."""
    from streamlit.runtime.scriptrunner import script_runner

    log = os.environ["BENCH_CPU_LOG"]
    original = script_runner.ScriptRunner._run_script

    def timed(self, *args, **kwargs):
        start = time.thread_time()
        try:
            return original(self, *args, **kwargs)
        finally:
            with open(log, "a") as f:
                f.write(f"{(time.thread_time() - start) * 1000:.2f}\n")

    script_runner.ScriptRunner._run_script = timed
    from streamlit.web.cli import main

    sys.argv = ["streamlit", "run", *argv]
    main()


def _start(script: Path, log: Path):
    """bench_browser's server, run through this file's ``--serve`` timing wrapper, logging script CPU to ``log``."""
    import bench_browser as bb

    return bb.start(script, command=[sys.executable, __file__, "--serve", str(script)],
                    env=dict(os.environ, BENCH_CPU_LOG=str(log)), tries=300)


def _process_cpu_ms(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def _script_runs(log: Path) -> list[float]:
    return [float(line) for line in log.read_text().split()] if log.exists() else []


def renderer_cpu(trace: bytes) -> tuple[float, float, dict[str, float]]:
    """(CPU ms, wall ms, CPU ms by kind) of the renderer main thread's tasks after the last action mark."""
    events = json.loads(trace)["traceEvents"]
    names = {(e["pid"], e["tid"]): e["args"]["name"] for e in events if e.get("name") == "thread_name"}
    marks = [e["ts"] for e in events
             if e.get("name") == "TimeStamp" and e.get("args", {}).get("data", {}).get("message") == MARK]
    start = marks[-1] if marks else 0
    main = [e for e in events if e.get("ph") == "X" and e.get("ts", 0) >= start
            and names.get((e.get("pid"), e.get("tid"))) == "CrRendererMain"]
    tasks = [e for e in main if e["name"] in ("RunTask", "ThreadControllerImpl::RunTask")]
    kinds: dict[str, float] = collections.Counter()
    for e in main:
        if e["name"] in KIND_OF and e.get("tdur") is not None:
            kinds[KIND_OF[e["name"]]] += e["tdur"] / 1000
    return (sum(e.get("tdur", 0) for e in tasks) / 1000, sum(e.get("dur", 0) for e in tasks) / 1000, dict(kinds))


def measure(app: Path, targets: list[str], repeats: int) -> list[dict]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    sys.path.insert(0, str(ROOT))
    import bench_browser as bb
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=bb.CHROMIUM, headless=True, args=bb.CHROMIUM_FLAGS)
        servers = {}
        try:
            for target in targets:
                page_key, kind, index = target.split(":")
                script = ROOT / "benchmarks" / "bare_app.py" if page_key == "bare" else app
                if script not in servers:
                    log = Path(f"/tmp/bench_cpu_{os.getpid()}_{len(servers)}.log")
                    log.unlink(missing_ok=True)
                    servers[script] = (*_start(script, log), log)
                proc, url, log = servers[script]
                where = "" if page_key == "bare" else page_key if page_key.startswith("?") else f"/{page_key}?lang=en"
                page = bb.open_page(browser, f"{url}{where}")

                def watch(page=page, kind=kind, index=int(index)):
                    page.evaluate(f"console.timeStamp('{MARK}')")
                    page.evaluate(bb.WATCH, [bb.KINDS[kind], index])

                samples = []
                for step in range(repeats + repeats % 2):
                    browser.start_tracing(page=page, categories=TRACE_CATEGORIES)
                    runs_before, cpu_before = len(_script_runs(log)), _process_cpu_ms(proc.pid)
                    bb.act(page, kind, int(index), step, watch)
                    bb._wait_settled(page)
                    server = _process_cpu_ms(proc.pid) - cpu_before
                    script_runs = _script_runs(log)[runs_before:]
                    cpu, wall, kinds = renderer_cpu(browser.stop_tracing())
                    samples.append(dict(browser=cpu, browser_wall=wall, script=sum(script_runs), runs=len(script_runs),
                                        server=server, **{f"browser_{k}": v for k, v in kinds.items()}))
                page.close()
                keys = sorted({k for s in samples for k in s})
                row = {"control": target, **{k: round(statistics.median(s.get(k, 0.0) for s in samples), 1) for k in keys},
                       "browser_all": [round(s["browser"]) for s in samples]}
                rows.append(row)
                print(f"{target:22s} browser {row['browser']:6.1f} ms (each {row['browser_all']})  "
                      f"script {row['script']:5.1f} ms in {row['runs']:.0f} run(s)  server {row['server']:5.1f} ms  "
                      f"js {row.get('browser_js', 0):.0f} paint {row.get('browser_paint', 0):.0f} "
                      f"layout {row.get('browser_layout', 0):.0f} style {row.get('browser_style', 0):.0f}", flush=True)
        finally:
            for proc, _, log in servers.values():
                proc.terminate()
                log.unlink(missing_ok=True)
    return rows


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("targets", nargs="+", help="page:kind:index as in bench_browser (page 'bare': the bare app; "
                                                   "'?query': the app's own start page with that query)")
    parser.add_argument("--app", type=Path, default=ROOT / "app.py")
    parser.add_argument("--repeats", type=int, default=8)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rows = measure(args.app.resolve(), args.targets, args.repeats)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
