"""deploy/: the nginx configuration serve.py writes, and the pieces of serve.py that need no processes.

The processes themselves (two backends, nginx, a killed backend restarted) are exercised in
Chromium by tests/e2e/test_deploy_nginx_browser.py.
"""

import ast
import re
import stat
import subprocess
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import pytest

from deploy.serve import SECRET_ENV, TEMPLATE, cookie_secret, find_nginx, render_config
from ui.url_state import encode_matrix

ROOT = Path(__file__).resolve().parents[2]
LIMITS = dict(client_rate=50, client_burst=300, client_conn=32, addr_rate=300, addr_burst=3000, addr_conn=600)


def _config(tmp_path, ports=(8601, 8602), comments=False) -> str:
    conf = render_config(TEMPLATE.read_text(), run_dir=tmp_path, listen="127.0.0.1:8080",
                         backend_ports=list(ports), limits=LIMITS)
    return conf if comments else re.sub(r"#[^\n]*", "", conf)


def _block(conf: str, header: str) -> str:
    """The text of the ``header { ... }`` block (braces balanced)."""
    start = conf.index(header)
    depth, i = 0, conf.index("{", start)
    for j in range(i, len(conf)):
        depth += {"{": 1, "}": -1}.get(conf[j], 0)
        if depth == 0:
            return conf[i:j + 1]
    raise AssertionError(f"unbalanced block {header}")


def test_every_placeholder_is_filled_and_each_backend_listed(tmp_path):
    conf = _config(tmp_path, (9001, 9002, 9003))
    assert "@@" not in conf
    upstream = _block(conf, "upstream streamlit")
    assert re.findall(r"server 127\.0\.0\.1:(\d+)", upstream) == ["9001", "9002", "9003"]
    with pytest.raises(ValueError, match="CLIENT_RATE"):
        render_config(TEMPLATE.read_text(), run_dir=tmp_path, listen="x", backend_ports=[1],
                      limits={k: v for k, v in LIMITS.items() if k != "client_rate"})


def test_sessions_stick_by_cookie_not_by_address(tmp_path):
    conf = _config(tmp_path)
    assert "ip_hash" not in conf
    assert re.search(r"hash \$backend_key consistent;", _block(conf, "upstream streamlit"))
    backend_key = _block(conf, "map $cookie_cnn_studio_backend $backend_key")
    assert "$request_id" in backend_key and "default $cookie_cnn_studio_backend" in backend_key
    assert "add_header Set-Cookie $backend_cookie always;" in conf


def test_websocket_upgrade_and_long_read_timeout(tmp_path):
    stream = _block(_config(tmp_path), "location = /_stcore/stream")
    assert "proxy_set_header Upgrade $http_upgrade;" in stream
    assert "proxy_set_header Connection $connection_upgrade;" in stream
    assert "proxy_set_header Host $http_host;" in stream  # Origin must match Host, port included
    assert int(re.search(r"proxy_read_timeout (\d+)s;", stream).group(1)) >= 3600


def test_limits_timeouts_and_metrics_hidden(tmp_path):
    conf = _config(tmp_path)
    server = _block(conf, "server {")
    for directive in ("limit_conn per_client_conn 32;", "limit_conn per_addr_conn   600;",
                      "limit_req  zone=per_client_req burst=300 nodelay;", "client_header_timeout 10s;",
                      "client_body_timeout   10s;"):
        assert directive in server
    assert "rate=50r/s" in conf and "rate=300r/s" in conf
    assert "return 404;" in _block(conf, "location = /_stcore/metrics")


def _constants(page: str) -> dict:
    tree = ast.parse((ROOT / "app_pages" / f"{page}.py").read_text(encoding="utf-8"))
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value.value
    return found


def test_the_largest_link_the_app_writes_fits_the_header_buffer(tmp_path):
    """conv_multi holds the most numbers (3 channels and 2×3 kernels). Worst case: every cell a
    24-character number (the longest a typed matrix can hold under its 2,000-character cap)
    that the compact code cannot take, so the link falls back to the escaped text."""
    buffer = re.search(r"large_client_header_buffers (\d+) (\d+)k;", _config(tmp_path))
    one_buffer = int(buffer.group(2)) * 1024
    sizes = _constants("conv_multi")
    n, k = sizes["MAX_INPUT"], sizes["MAX_KERNEL"]
    worst = np.full((n, n), -1.2345678901234567e-100)
    query = {"lang": "zh", "stride": "4", "padding": "3", "b1": "-1.2345678901234567e-99",
             "b2": "-1.2345678901234567e-99", "filter": "2", "row": "14", "col": "14",
             **{f"x{c}": encode_matrix(worst) for c in (1, 2, 3)},
             **{f"w{f}{c}": encode_matrix(np.full((k, k), -1.2345678901234567e-100)) for f in (1, 2) for c in (1, 2, 3)}}
    request_line = f"GET /conv_multi?{urlencode(query)} HTTP/1.1"
    headers = 2000  # Host, User-Agent, Accept*, Cookie (backend + XSRF), Referer is not in the same buffer
    assert len(request_line) + headers < one_buffer, len(request_line)
    # and with the numbers people type (two decimals) the link is a few hundred bytes a matrix
    typical = encode_matrix(np.round(np.random.default_rng(0).uniform(-99, 99, (n, n)), 2))
    assert len(typical) < 4 * n * n


def test_nginx_accepts_the_configuration(tmp_path):
    nginx = find_nginx()
    if nginx is None:
        pytest.skip("nginx is not installed (Debian: apt-get install nginx-light)")
    conf = tmp_path / "nginx.conf"
    conf.write_text(_config(tmp_path, comments=True))
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / "tmp" / sub).mkdir(parents=True)
    result = subprocess.run([nginx, "-t", "-q", "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "e.log")],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


def test_the_cookie_secret_is_made_once_private_and_shared(tmp_path, monkeypatch):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    first = cookie_secret(tmp_path)
    assert len(first) >= 40
    assert stat.S_IMODE((tmp_path / "cookie_secret").stat().st_mode) == 0o600
    assert cookie_secret(tmp_path) == first  # a restarted backend gets the same one
    monkeypatch.setenv(SECRET_ENV, "from-the-environment")
    assert cookie_secret(tmp_path) == "from-the-environment"
