"""``mockcasa serve`` in a subprocess, driven over real HTTP with the standard library (restart tests).

``with Served(path) as server:`` starts it on a free port with ``--state-file path`` and waits for
its banner; leaving the block sends SIGTERM (a clean shutdown, which saves) unless the test killed it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import queue
import secrets
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Self

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "served-admin-token"
TIMEOUT = 30.0
REDIRECT = "http://localhost:8765/callback"


def pkce(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any) -> None:
        return None


class Served:
    def __init__(self, path: Path, *, env: dict[str, str] | None = None, interval: float = 60.0) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.args = [sys.executable, "-m", "mockcasa", "serve", "--port", str(self.port), "--admin-token", TOKEN,
                     "--state-file", str(path), "--state-save-interval", str(interval), "--allow-local-webhooks"]
        # No clock ticks: nothing changes the state between two snapshots but the test's requests.
        self.env = {**os.environ, "MOCKCASA_CLOCK_TICK_SECONDS": "0", **(env or {})}
        self.proc: subprocess.Popen | None = None
        self.returncode: int | None = None
        self._lines: dict[str, queue.Queue[str]] = {"stdout": queue.Queue(), "stderr": queue.Queue()}
        self._opener = urllib.request.build_opener(_NoRedirect)

    def __enter__(self) -> Self:
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                                     env=self.env)
        for name in ("stdout", "stderr"):
            threading.Thread(target=self._pump, args=(getattr(self.proc, name), self._lines[name]),
                             daemon=True).start()
        self._wait_for("stdout", "try:")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        self.returncode = self.proc.wait(timeout=TIMEOUT)

    @staticmethod
    def _pump(stream: Any, lines: queue.Queue[str]) -> None:
        for line in stream:
            lines.put(line)

    def _wait_for(self, name: str, text: str) -> str:
        seen = []
        while True:
            try:
                line = self._lines[name].get(timeout=TIMEOUT)
            except queue.Empty:
                raise AssertionError(f"no {text!r} on {name}; got {''.join(seen)}") from None
            seen.append(line)
            if text in line:
                return line

    def wait_for_stderr(self, text: str) -> str:
        return self._wait_for("stderr", text)

    # -- requests

    def request(self, method: str, path: str, body: Any = None, headers: dict | None = None,
                form: dict | None = None) -> tuple[int, Any, dict]:
        data = None
        headers = dict(headers or {})
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with self._opener.open(request, timeout=TIMEOUT) as resp:
                status, raw, got = resp.status, resp.read(), dict(resp.headers)
        except urllib.error.HTTPError as exc:
            status, raw, got = exc.code, exc.read(), dict(exc.headers)
        return status, (json.loads(raw) if raw and got.get("Content-Type", "").startswith("application/json")
                        else raw), got

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        status, data, _ = self.request(method, "/_mockcasa" + path, body, {"x-admin-token": TOKEN})
        assert status < 300, (status, data)
        return data

    def snapshot(self) -> bytes:
        """The snapshot's bytes exactly as served."""
        request = urllib.request.Request(self.base + "/_mockcasa/snapshot", headers={"x-admin-token": TOKEN})
        with self._opener.open(request, timeout=TIMEOUT) as resp:
            return resp.read()

    def api(self, key: str, method: str, path: str, body: Any = None, headers: dict | None = None):
        return self.request(method, "/api/v1" + path, body, {"Authorization": f"Bearer {key}", **(headers or {})})

    def add_pending_delivery(self, org_id: str, webhook_id: str) -> None:
        """A delivery waiting for its second attempt, due far later: it stays pending across restarts."""
        data = self.admin("GET", "/snapshot")
        org = next(o for o in data["organizations"] if o["id"] == org_id)
        at = "2026-01-01T00:00:00+00:00"
        org["webhookDeliveries"].append({
            "id": "d-pending", "organizationId": org_id, "webhookId": webhook_id, "eventId": "evt",
            "event": "payout_paid", "body": "{}", "createdAt": at, "status": "pending",
            "nextAttemptAt": "2100-01-01T00:00:00+00:00",
            "attempts": [{"number": 1, "at": at, "url": "http://127.0.0.1:9/hook", "headers": {}, "status": 500}]})
        self.admin("POST", "/snapshot", data)

    def oauth_login(self, client_id: str) -> dict:
        verifier = secrets.token_urlsafe(48)
        query = urllib.parse.urlencode({"response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT,
                                        "code_challenge": pkce(verifier), "code_challenge_method": "S256"})
        status, _, headers = self.request("GET", "/api/auth/oauth2/authorize?" + query)
        assert status == 302, headers
        code = urllib.parse.parse_qs(urllib.parse.urlsplit(headers["Location"]).query)["code"][0]
        status, tokens, _ = self.request("POST", "/api/auth/oauth2/token", form={
            "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier,
            "client_id": client_id})
        assert status == 200, tokens
        return tokens

    def oauth_refresh(self, client_id: str, refresh_token: str) -> tuple[int, Any, dict]:
        return self.request("POST", "/api/auth/oauth2/token", form={
            "grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id})
