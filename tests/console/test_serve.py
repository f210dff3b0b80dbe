"""`mockcasa serve` as a person starts it: the console's sign-in link, and one log line per request."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def serve(*flags: str) -> tuple[subprocess.Popen, str, str]:
    """Start the server; returns (process, base URL, banner) once it is listening."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "mockcasa", "serve", "--port", str(port), *flags],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    lines: list[str] = []
    while not any("try:" in line for line in lines):
        line = proc.stdout.readline()
        assert line, proc.stderr.read()
        lines.append(line)
    return proc, f"http://127.0.0.1:{port}", "".join(lines)


def stop(proc: subprocess.Popen) -> str:
    """SIGTERM, then everything it printed after the banner."""
    proc.terminate()
    out, _ = proc.communicate(timeout=10)
    return out


def get(url: str, **headers: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5) as resp:
            return resp.status, dict(resp.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers)


def test_serve_prints_a_sign_in_link_and_logs_each_request():
    proc, base, banner = serve()
    try:
        link = re.search(r"Console: (\S+)", banner).group(1)
        assert link.startswith(base + "/_mockcasa/console/sign-in?ticket=")
        status, headers = get(link)
        assert status == 200 and "HttpOnly" in headers["Set-Cookie"] and "SameSite=Strict" in headers["Set-Cookie"]
        status, headers = get(base + "/api/v1/clients", **{"x-api-key": "cc_test_default_key"})
        assert status == 200
        request_id = headers["X-Request-Id"]
    finally:
        out = stop(proc)
    assert re.search(rf"^\d\d:\d\d:\d\d GET /api/v1/clients 200 \d+\.\dms {request_id}$", out, re.MULTILINE), out
    assert "cc_test_default_key" not in out


def test_quiet_and_no_console():
    proc, base, banner = serve("--quiet", "--no-console")
    try:
        assert "Console:" not in banner
        assert get(base + "/_mockcasa/console/")[0] == 404
        status, headers = get(base + "/api/v1/clients", **{"x-api-key": "cc_test_default_key"})
        assert status == 200
    finally:
        out = stop(proc)
    assert headers["X-Request-Id"] not in out and "GET /api/v1/clients" not in out
