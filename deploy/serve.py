#!/usr/bin/env python3
"""Start CNN Derivation Studio as N Streamlit processes behind nginx, and keep them alive.

    python deploy/serve.py                      # one backend per core, nginx on 127.0.0.1:8080
    python deploy/serve.py --backends 2 --port 8080 --listen 0.0.0.0

One Streamlit process uses at most one core (benchmarks/README.md, "Classroom load"), so a
machine with C cores runs C of them. What this script does:

- starts the backends on 127.0.0.1 (ports 8601, 8602, ...; ``--backend-ports`` to choose) with
  a shared ``server.cookieSecret`` (from ``$STREAMLIT_SERVER_COOKIE_SECRET``, else generated once
  and kept in the run directory, mode 600) and the file watcher off;
- writes ``nginx.conf`` from ``deploy/nginx.conf.template`` into the run directory and runs nginx
  unprivileged in front (sticky sessions by cookie, websocket upgrade, per-client limits);
- every ``--check-interval`` s asks each backend's ``/_stcore/health``; a backend that exited, or
  failed ``--fail-after`` checks in a row, is killed and started again (its tabs reconnect to
  another backend meanwhile and keep their values); nginx is restarted if it dies;
- writes ``status.json`` in the run directory (ports, pids, restarts) after every check;
- stops everything on Ctrl-C / SIGTERM.

Needs nginx (Debian: ``apt-get install nginx-light``). The Python is the one running this script
(use the project's venv: ``.venv/bin/python deploy/serve.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
SECRET_ENV = "STREAMLIT_SERVER_COOKIE_SECRET"


def find_nginx(explicit: str | None = None) -> str | None:
    """The nginx binary: ``explicit``, else on PATH, else /usr/sbin/nginx; None if absent."""
    for candidate in (explicit, shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def render_config(template: str, *, run_dir: Path, listen: str, backend_ports: list[int],
                  limits: dict[str, int]) -> str:
    """nginx.conf text: the template with every ``@@NAME@@`` filled in (none may remain)."""
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in backend_ports)
    values = {"RUN": str(run_dir), "LISTEN": listen, "SERVERS": servers,
              **{k.upper(): str(v) for k, v in limits.items()}}
    text = template
    for name, value in values.items():
        text = text.replace(f"@@{name}@@", value)
    if "@@" in text:
        missing = sorted({part.split("@@")[0] for part in text.split("@@")[1::2]})
        raise ValueError(f"nginx template placeholders without a value: {missing}")
    return text


def cookie_secret(run_dir: Path) -> str:
    """The secret every backend shares (XSRF tokens and auth cookies must verify on each one)."""
    if os.environ.get(SECRET_ENV):
        return os.environ[SECRET_ENV]
    path = run_dir / "cookie_secret"
    if path.exists():
        return path.read_text().strip()
    value = secrets.token_urlsafe(32)
    path.touch(mode=0o600)
    path.write_text(value)
    return value


def healthy(port: int, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=timeout) as reply:
            return reply.status == 200
    except OSError:
        return False


@dataclass
class Backend:
    index: int
    port: int
    proc: subprocess.Popen | None = None
    started: float = 0.0
    failures: int = 0
    restarts: int = 0
    ready: bool = False
    log: Path | None = None


@dataclass
class Deployment:
    run_dir: Path
    listen: str
    backends: list[Backend]
    nginx_bin: str
    limits: dict[str, int]
    python: str = sys.executable
    grace: float = 90.0
    fail_after: int = 3
    nginx: subprocess.Popen | None = None
    secret: str = field(default="", repr=False)

    def start_backend(self, b: Backend) -> None:
        env = dict(os.environ, **{SECRET_ENV: self.secret})
        b.log = self.run_dir / f"backend-{b.index}.log"
        cmd = [self.python, "-m", "streamlit", "run", str(ROOT / "app.py"),
               "--server.port", str(b.port), "--server.address", "127.0.0.1",
               "--server.headless", "true", "--server.fileWatcherType", "none",
               "--browser.gatherUsageStats", "false"]
        with open(b.log, "ab") as log:
            b.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        b.started, b.failures, b.ready = time.monotonic(), 0, False
        say(f"backend {b.index}: started on 127.0.0.1:{b.port} (pid {b.proc.pid})")

    def stop_backend(self, b: Backend) -> None:
        if b.proc is not None and b.proc.poll() is None:
            b.proc.terminate()
            try:
                b.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                b.proc.kill()
                b.proc.wait()

    def start_nginx(self) -> None:
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.run_dir / "tmp" / sub).mkdir(parents=True, exist_ok=True)
        conf = self.run_dir / "nginx.conf"
        conf.write_text(render_config(TEMPLATE.read_text(), run_dir=self.run_dir, listen=self.listen,
                                      backend_ports=[b.port for b in self.backends], limits=self.limits))
        base = [self.nginx_bin, "-p", str(self.run_dir), "-c", str(conf), "-e", str(self.run_dir / "nginx-error.log")]
        check = subprocess.run([*base, "-t", "-q"], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t failed:\n{check.stderr}")
        self.nginx = subprocess.Popen([*base, "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                                      stderr=open(self.run_dir / "nginx-stderr.log", "ab"), start_new_session=True)
        say(f"nginx: listening on {self.listen} (pid {self.nginx.pid})")

    def check(self) -> None:
        """One round of health checks; restart what died or stopped answering."""
        for b in self.backends:
            code = b.proc.poll() if b.proc is not None else -1
            if code is not None:
                say(f"backend {b.index}: exited ({code}); restarting")
                b.restarts += 1
                self.start_backend(b)
                continue
            if healthy(b.port):
                if not b.ready:
                    say(f"backend {b.index}: healthy")
                b.ready, b.failures = True, 0
            elif b.ready or time.monotonic() - b.started > self.grace:
                b.failures += 1
                if b.failures >= self.fail_after:
                    say(f"backend {b.index}: {b.failures} failed health checks; restarting")
                    self.stop_backend(b)
                    b.restarts += 1
                    self.start_backend(b)
        if self.nginx is not None and self.nginx.poll() is not None:
            say(f"nginx: exited ({self.nginx.returncode}); restarting")
            self.start_nginx()
        self.write_status()

    def write_status(self) -> None:
        status = {"listen": self.listen, "nginx_pid": self.nginx.pid if self.nginx else None,
                  "backends": [{"index": b.index, "port": b.port, "pid": b.proc.pid if b.proc else None,
                                "ready": b.ready, "restarts": b.restarts} for b in self.backends]}
        tmp = self.run_dir / "status.json.tmp"
        tmp.write_text(json.dumps(status, indent=1))
        tmp.replace(self.run_dir / "status.json")

    def stop(self) -> None:
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)  # graceful: finish open requests
            try:
                self.nginx.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.nginx.kill()
        for b in self.backends:
            self.stop_backend(b)
        say("stopped")


def say(text: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {text}", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backends", type=int, default=os.cpu_count() or 1, help="Streamlit processes (default: cores)")
    ap.add_argument("--listen", default="127.0.0.1", help="address nginx listens on")
    ap.add_argument("--port", type=int, default=8080, help="port nginx listens on")
    ap.add_argument("--backend-ports", default="", help="comma-separated ports (default 8601, 8602, ...)")
    ap.add_argument("--run-dir", default="", help="config, logs, pid, secret (default /tmp/cnn-studio-<port>)")
    ap.add_argument("--nginx", default=None, help="nginx binary")
    ap.add_argument("--check-interval", type=float, default=2.0)
    ap.add_argument("--fail-after", type=int, default=3, help="failed health checks before a restart")
    ap.add_argument("--client-rate", type=int, default=50, help="requests/s per browser (cookie)")
    ap.add_argument("--client-burst", type=int, default=300)
    ap.add_argument("--client-conn", type=int, default=32, help="connections per browser (tabs + assets)")
    ap.add_argument("--addr-rate", type=int, default=300, help="requests/s per address (a school's NAT)")
    ap.add_argument("--addr-burst", type=int, default=3000)
    ap.add_argument("--addr-conn", type=int, default=600)
    args = ap.parse_args(argv)

    nginx = find_nginx(args.nginx)
    if nginx is None:
        print("nginx not found: install it (Debian: apt-get install nginx-light) or pass --nginx", file=sys.stderr)
        return 2
    ports = ([int(p) for p in args.backend_ports.split(",") if p.strip()] if args.backend_ports
             else [8601 + i for i in range(args.backends)])
    if not ports:
        ap.error("at least one backend")
    run_dir = Path(args.run_dir or f"/tmp/cnn-studio-{args.port}").resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    limits = {"client_rate": args.client_rate, "client_burst": args.client_burst, "client_conn": args.client_conn,
              "addr_rate": args.addr_rate, "addr_burst": args.addr_burst, "addr_conn": args.addr_conn}
    dep = Deployment(run_dir=run_dir, listen=f"{args.listen}:{args.port}",
                     backends=[Backend(i + 1, p) for i, p in enumerate(ports)], nginx_bin=nginx,
                     limits=limits, fail_after=args.fail_after)
    dep.secret = cookie_secret(run_dir)

    stopping = False

    def on_signal(signum, frame):  # noqa: ARG001
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        for b in dep.backends:
            dep.start_backend(b)
        dep.start_nginx()
        announced = False
        while not stopping:
            dep.check()
            if not announced and all(b.ready for b in dep.backends):
                say(f"ready: http://{dep.listen}/")
                announced = True
            deadline = time.monotonic() + args.check_interval
            while not stopping and time.monotonic() < deadline:
                time.sleep(0.1)
    finally:
        dep.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
