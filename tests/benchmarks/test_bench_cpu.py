"""benchmarks/bench_cpu.py: its trace arithmetic on a hand-written trace (the benchmark itself is run by hand)."""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("benchmarks_bench_cpu",
                                               Path(__file__).resolve().parents[2] / "benchmarks" / "bench_cpu.py")
bench_cpu = sys.modules["benchmarks_bench_cpu"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_cpu)


def _event(name, ts, tid=1, dur=None, tdur=None, **args):
    e = {"name": name, "ph": "X", "pid": 7, "tid": tid, "ts": ts, "args": args}
    if dur is not None:
        e.update(dur=dur, tdur=tdur)
    return e


def test_renderer_cpu_counts_the_main_thread_after_the_last_mark():
    mark = {"name": "TimeStamp", "ph": "I", "pid": 7, "tid": 1, "args": {"data": {"message": bench_cpu.MARK}}}
    events = [
        {"name": "thread_name", "ph": "M", "pid": 7, "tid": 1, "args": {"name": "CrRendererMain"}},
        {"name": "thread_name", "ph": "M", "pid": 7, "tid": 2, "args": {"name": "Compositor"}},
        _event("RunTask", 100, dur=9000, tdur=8000),            # before the action: not counted
        dict(mark, ts=1000),                                      # an earlier action's mark
        dict(mark, ts=5000),
        _event("RunTask", 6000, dur=30000, tdur=20000),           # 20 ms CPU, 30 ms wall
        _event("FunctionCall", 6100, dur=12000, tdur=11000),      # inside it: js
        _event("Layout", 20000, dur=3000, tdur=2500),             # inside it: layout
        _event("ThreadControllerImpl::RunTask", 40000, dur=5000, tdur=4000),
        _event("RunTask", 41000, tid=2, dur=50000, tdur=50000),   # another thread: not counted
    ]
    cpu, wall, kinds = bench_cpu.renderer_cpu(json.dumps({"traceEvents": events}).encode())
    assert cpu == pytest.approx(24.0) and wall == pytest.approx(35.0)
    assert kinds == {"js": pytest.approx(11.0), "layout": pytest.approx(2.5)}
