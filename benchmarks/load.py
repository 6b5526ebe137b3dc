"""Classroom load: many sessions speaking Streamlit's own websocket protocol to one server.

Each simulated student is one websocket on ``/_stcore/stream`` that sends ``BackMsg``
rerun requests (the protobufs of the installed streamlit package, as the browser does) and
reads ``ForwardMsg`` replies. No browser, no rendering: what is measured is the server.

Modes (``--mode``)
  steady  N sessions open a page, then each moves a slider every ``--interval`` s (random
          phase) for ``--duration`` s. Latency = send of the rerun -> the next successful
          ``script_finished`` of that session.
  burst   ``--sessions`` sessions interact as in steady; after ``--burst-after`` s one extra
          client sends ``--burst`` rerun messages back to back. Reports the others' latency
          during the burst and the slowest ``/_stcore/health`` reply (polled every 100 ms).
  unique  ``--sessions`` sessions each type ``--inputs`` distinct matrices (one after the
          other, waiting for each reply); the server's RSS is sampled every ``--sample``
          inputs, to see whether memory levels off once the caches are full.

The server: ``--url`` of a running one (``--pid`` for its CPU/RSS, repeatable), or
``--serve`` to start ``streamlit run app.py`` here (extra ``--set runner.fastReruns=false``).
Loopback only: this is a load generator, keep it on your own machine.

Examples::

    .venv/bin/python benchmarks/load.py --serve --sessions 20 --interval 2 --duration 60
    .venv/bin/python benchmarks/load.py --serve --mode burst --burst 300 --set runner.fastReruns=true
    .venv/bin/python benchmarks/load.py --serve --mode unique --inputs 5000 --sample 500
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
MAX_SESSIONS = 200
MAX_BURST = 5000
TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


# --------------------------------------------------------------------------- pure helpers

def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation; nan for no values.

    >>> percentile([1, 2, 3, 4], 50), percentile([5], 95), percentile([0, 10], 95)
    (2.5, 5.0, 9.5)
    """
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def user_key(element_id: str) -> str | None:
    """The key a page gave a widget, from Streamlit's element id ``$$ID-<hash>-<key>``."""
    if not element_id.startswith("$$"):
        return None
    parts = element_id.split("-", 2)
    return parts[2] if len(parts) == 3 and parts[2] != "None" else None


def unique_matrix(n: int, rows: int = 4, cols: int = 4) -> str:
    """The n-th of many distinct matrix texts: n's digits spread over the cells (rows by newline).

    >>> unique_matrix(0, 2, 2), unique_matrix(123, 2, 2)
    ('0 0\\n0 0', '0 1\\n2 3')
    """
    digits = str(n).rjust(rows * cols, "0")[-rows * cols:]
    return "\n".join(" ".join(digits[r * cols + c] for c in range(cols)) for r in range(rows))


def schedule(sessions: int, interval: float, duration: float, seed: int = 0) -> list[list[float]]:
    """Send times (s from start) for each session: every ``interval`` with a random phase."""
    rng = random.Random(seed)
    plan = []
    for _ in range(sessions):
        t = rng.uniform(0, interval)
        times = []
        while t < duration:
            times.append(t)
            t += interval
        plan.append(times)
    return plan


# --------------------------------------------------------------------------- server process

@dataclass
class ProcSample:
    cpu_s: float
    rss_mib: float


def sample(pids: list[int]) -> ProcSample:
    """CPU seconds (user+system) and RSS (MiB) summed over ``pids``, from /proc."""
    cpu, rss = 0.0, 0.0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            cpu += (int(stat[11]) + int(stat[12])) / TICK
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1]) / 1024
        except (OSError, IndexError, ValueError):
            pass
    return ProcSample(cpu, rss)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(settings: list[str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
           "--browser.gatherUsageStats", "false"]
    for item in settings:
        name, _, value = item.partition("=")
        cmd += [f"--{name}", value]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                return proc, url
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("streamlit did not start")
    except BaseException:  # Ctrl-C while waiting too: never leave the server behind
        proc.kill()
        raise


# --------------------------------------------------------------------------- one session

@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    sent_at: list[float] = field(default_factory=list)  # monotonic send time of each latency
    first_loads: list[float] = field(default_factory=list)
    errors: int = 0
    reruns: int = 0
    interrupted: int = 0  # FINISHED_EARLY_FOR_RERUN: a newer move restarted a run (its work is lost)
    links_written: int = 0  # page_info_changed: the page wrote the moved value into its link


class Session:
    """One browser tab, as far as the server can tell."""

    def __init__(self, url: str, page: str, query: str, stats: Stats):
        from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: F401  (fail early without streamlit)

        parts = urlsplit(url)
        self.http = f"{parts.scheme}://{parts.netloc}"
        self.ws_url = f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"
        self.page, self.query, self.stats = page, query, stats
        self.widgets: dict[str, str] = {}  # user key -> element id
        self.page_hash = ""
        self.query_seen = ""  # the link the app last wrote (page_info_changed): shows a value arrived
        self.pending: list[float] = []  # send times not yet answered
        self.finished = asyncio.Event()
        self.ws = None
        self.reader: asyncio.Task | None = None

    async def open(self, timeout: float = 120) -> float:
        from websockets.asyncio.client import connect

        start = time.monotonic()
        self.ws = await connect(self.ws_url, subprotocols=["streamlit"], origin=self.http, max_size=None,
                                open_timeout=timeout, ping_interval=None)
        self.reader = asyncio.create_task(self._read())
        await self.rerun({}, record=False)
        await asyncio.wait_for(self.finished.wait(), timeout)
        elapsed = time.monotonic() - start
        self.stats.first_loads.append(elapsed)
        return elapsed

    async def rerun(self, values: dict[str, object], record: bool = True) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        cs.page_name = self.page
        cs.page_script_hash = self.page_hash
        for key, value in values.items():
            ws = cs.widget_states.widgets.add()
            ws.id = self.widgets[key]
            if isinstance(value, str):
                ws.string_value = value
            else:
                ws.double_array_value.data.append(float(value))
        self.finished.clear()
        if record:
            self.pending.append(time.monotonic())
        await self.ws.send(msg.SerializeToString())

    async def _read(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        try:
            async for data in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                kind = msg.WhichOneof("type")
                if kind == "navigation":
                    # the page that ran (new_session's page_script_hash is the entry script's)
                    self.page_hash = msg.navigation.page_script_hash or self.page_hash
                elif kind == "page_info_changed":
                    self.query_seen = msg.page_info_changed.query_string
                    self.stats.links_written += 1
                elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                    element = msg.delta.new_element
                    inner = getattr(element, element.WhichOneof("type") or "empty", None)
                    element_id = getattr(inner, "id", "") if inner is not None else ""
                    if element.WhichOneof("type") == "exception":
                        self.stats.errors += 1
                    elif isinstance(element_id, str) and (k := user_key(element_id)):
                        self.widgets[k] = element_id
                elif kind == "script_finished":
                    status = msg.script_finished
                    if status == 0:  # FINISHED_SUCCESSFULLY
                        now = time.monotonic()
                        self.stats.reruns += 1
                        for sent in self.pending:
                            self.stats.latencies.append(now - sent)
                            self.stats.sent_at.append(sent)
                        self.pending.clear()
                        self.finished.set()
                    elif status == 2:  # FINISHED_EARLY_FOR_RERUN
                        self.stats.interrupted += 1
                    elif status == 1:  # FINISHED_WITH_COMPILE_ERROR
                        self.stats.errors += 1
                        self.finished.set()
        except Exception:
            self.stats.errors += 1
        finally:
            self.finished.set()

    async def close(self) -> None:
        if self.pending:
            self.stats.errors += len(self.pending)  # never answered
            self.pending.clear()
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            self.reader.cancel()


# --------------------------------------------------------------------------- modes

async def open_all(url: str, args, stats: Stats) -> list[Session]:
    sessions = [Session(url, args.page, args.query, stats) for _ in range(args.sessions)]
    results = await asyncio.gather(*(s.open() for s in sessions), return_exceptions=True)
    ok = []
    for s, r in zip(sessions, results):
        if isinstance(r, BaseException):
            stats.errors += 1
        else:
            ok.append(s)
    return ok


async def drive(session: Session, times: list[float], start: float, widget: str, values: list[float]) -> None:
    for i, t in enumerate(times):
        await asyncio.sleep(max(0.0, start + t - time.monotonic()))
        if widget not in session.widgets:
            session.stats.errors += 1
            return
        await session.rerun({widget: values[i % len(values)]})


async def poll_health(http: str, stop: asyncio.Event, out: list[float]) -> None:
    parts = urlsplit(http)
    while not stop.is_set():
        t = time.monotonic()
        try:
            reader, writer = await asyncio.open_connection(parts.hostname, parts.port or 80)
            writer.write(f"GET /_stcore/health HTTP/1.0\r\nHost: {parts.netloc}\r\n\r\n".encode())
            await writer.drain()
            await reader.read()
            writer.close()
        except OSError:
            pass
        out.append(time.monotonic() - t)
        await asyncio.sleep(0.1)


def windows(stats: Stats, start: float, width: float) -> str:
    """p50/p95/max (ms) of the latencies per ``width``-second window of send time."""
    buckets: dict[int, list[float]] = {}
    for sent, lat in zip(stats.sent_at, stats.latencies):
        buckets.setdefault(int((sent - start) // width), []).append(1000 * lat)
    return "\n".join(f"  {k * width:5.0f}–{(k + 1) * width:.0f} s: n={len(v):4d} p50 {percentile(v, 50):6.0f} "
                     f"p95 {percentile(v, 95):6.0f} max {max(v):6.0f}" for k, v in sorted(buckets.items()))


def report_row(label: str, stats: Stats, wall: float, before: ProcSample, after: ProcSample, pids: list[int]) -> str:
    ms = [x * 1000 for x in stats.latencies]
    cpu = after.cpu_s - before.cpu_s
    cpu_cols = (f"{100 * cpu / wall:.0f} | {1000 * cpu / max(stats.reruns, 1):.0f} | "
                f"{before.rss_mib:.0f} → {after.rss_mib:.0f}") if pids else "– | – | –"
    return (f"| {label} | {len(ms)} | {stats.reruns / wall:.1f} | {percentile(ms, 50):.0f} | {percentile(ms, 95):.0f} | "
            f"{max(ms, default=math.nan):.0f} | {stats.errors} | {percentile(stats.first_loads, 50):.1f} / "
            f"{max(stats.first_loads, default=math.nan):.1f} | {cpu_cols} |")


HEADER = ("| run | interactions | reruns/s | p50 ms | p95 ms | max ms | errors | first load p50 / max s | "
          "server CPU % | CPU ms / rerun | RSS MiB start → end |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")


async def steady(url: str, args, pids: list[int]) -> None:
    stats = Stats()
    sessions = await open_all(url, args, stats)
    values = [float(v) for v in args.values.split(",")]
    plan = schedule(len(sessions), args.interval, args.duration, args.seed)
    first_loads = list(stats.first_loads)
    stats = Stats(first_loads=first_loads, errors=stats.errors)
    for s in sessions:
        s.stats = stats
    before, start = sample(pids), time.monotonic()
    await asyncio.gather(*(drive(s, p, start, args.widget, values) for s, p in zip(sessions, plan)))
    await asyncio.sleep(0)
    deadline = time.monotonic() + 30
    while any(s.pending for s in sessions) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    wall = time.monotonic() - start
    after = sample(pids)
    for s in sessions:
        await s.close()
    print(HEADER)
    print(report_row(f"{args.page}, {args.sessions} sessions, 1 per {args.interval:g} s", stats, wall, before, after, pids))
    print(f"check: the page rewrote its link {stats.links_written} times for {len(stats.latencies)} moves "
          f"(each move between two values changes it); {stats.interrupted} runs interrupted by a newer move")
    print(windows(stats, start, 10.0))


async def burst(url: str, args, pids: list[int]) -> None:
    stats = Stats()
    sessions = await open_all(url, args, stats)
    noisy_stats = Stats()
    noisy = Session(url, args.page, args.query, noisy_stats)
    await noisy.open()
    values = [float(v) for v in args.values.split(",")]
    others = Stats(first_loads=list(stats.first_loads), errors=stats.errors)
    for s in sessions:
        s.stats = others
    health: list[float] = []
    stop = asyncio.Event()
    poller = asyncio.create_task(poll_health(noisy.http, stop, health))
    before, start = sample(pids), time.monotonic()
    duration = args.burst_after + args.duration
    plan = schedule(len(sessions), args.interval, duration, args.seed)

    async def flood() -> float:
        await asyncio.sleep(args.burst_after)
        t0 = time.monotonic()
        for i in range(args.burst):
            await noisy.rerun({args.widget: values[i % len(values)]})
        sent = time.monotonic() - t0
        print(f"burst: {args.burst} rerun messages sent in {1000 * sent:.0f} ms")
        await asyncio.wait_for(_settled(noisy), 300)
        return time.monotonic() - t0

    tasks = [drive(s, p, start, args.widget, values) for s, p in zip(sessions, plan)]
    results = await asyncio.gather(flood(), *tasks)
    deadline = time.monotonic() + 30
    while any(s.pending for s in sessions) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    stop.set()
    await poller
    wall = time.monotonic() - start
    after = sample(pids)
    for s in [*sessions, noisy]:
        await s.close()
    print(HEADER)
    print(report_row(f"{args.sessions} others during a burst of {args.burst}", others, wall, before, after, pids))
    print(f"\nburst client: last reply {results[0]:.1f} s after its first message; "
          f"{noisy_stats.reruns} runs completed for {args.burst} messages")
    print(f"/_stcore/health: {len(health)} polls, max {1000 * max(health, default=0):.0f} ms, "
          f"p95 {1000 * percentile(health, 95):.0f} ms")


async def _settled(session: Session) -> None:
    while session.pending:
        await asyncio.sleep(0.02)


async def unique(url: str, args, pids: list[int]) -> None:
    stats = Stats()
    sessions = await open_all(url, args, stats)
    print(f"{'inputs':>7} | {'RSS MiB':>8} | {'p50 ms':>7}")
    done = 0
    base = sample(pids)
    print(f"{0:>7} | {base.rss_mib:8.0f} | {'':>7}")
    counter = iter(range(10 ** 9))

    async def one(s: Session) -> None:
        nonlocal done
        while done < args.inputs:
            n = next(counter) + args.offset
            done += 1
            await s.rerun({args.widget: unique_matrix(n)})
            await asyncio.wait_for(_settled(s), 120)
            if done % args.sample == 0:
                lat = [x * 1000 for x in stats.latencies[-args.sample:]]
                print(f"{done:>7} | {sample(pids).rss_mib:8.0f} | {percentile(lat, 50):7.0f}", flush=True)

    await asyncio.gather(*(one(s) for s in sessions))
    for s in sessions:
        await s.close()
    print(f"errors: {stats.errors}; the page rewrote its link {stats.links_written} times for {done} inputs")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", help="a running server (http://127.0.0.1:8501); else --serve")
    ap.add_argument("--serve", action="store_true", help="start `streamlit run app.py` for the run")
    ap.add_argument("--set", action="append", default=[], metavar="OPTION=VALUE",
                    help="streamlit option for --serve, e.g. runner.fastReruns=false")
    ap.add_argument("--pid", type=int, action="append", default=[], help="server process(es) to sample")
    ap.add_argument("--mode", choices=("steady", "burst", "unique"), default="steady")
    ap.add_argument("--page", default="conv_single")
    ap.add_argument("--query", default="lang=en")
    ap.add_argument("--widget", default=None, help="widget key (default: <page>.padding, <page>.input for unique)")
    ap.add_argument("--values", default="0,1", help="slider values to alternate between")
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--interval", type=float, default=2.0)
    ap.add_argument("--duration", type=float, default=60.0)
    ap.add_argument("--burst", type=int, default=300)
    ap.add_argument("--burst-after", type=float, default=5.0)
    ap.add_argument("--inputs", type=int, default=5000)
    ap.add_argument("--sample", type=int, default=500)
    ap.add_argument("--offset", type=int, default=0, help="first unique input number")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if not 0 < args.sessions <= MAX_SESSIONS or not 0 <= args.burst <= MAX_BURST:
        ap.error(f"at most {MAX_SESSIONS} sessions and {MAX_BURST} burst messages")
    args.widget = args.widget or f"{args.page}.{'input' if args.mode == 'unique' else 'padding'}"
    proc = None
    url, pids = args.url, list(args.pid)
    if args.serve:
        proc, url = serve(args.set)
        pids.append(proc.pid)
    if not url:
        ap.error("give --url or --serve")
    if urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
        ap.error("loopback only")
    try:
        asyncio.run({"steady": steady, "burst": burst, "unique": unique}[args.mode](url, args, pids))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=20)


if __name__ == "__main__":
    main()
