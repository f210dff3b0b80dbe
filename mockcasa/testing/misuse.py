"""Catching the ways a test can misuse the fixtures, fast and with a message that names the fix.

- ``BlockedLoopGuard``: the in-process server runs on the test's own event loop, so a synchronous
  client (``requests``, ``urllib``, a thread the test joins) pointed at ``mockcasa_url`` waits for
  an answer the blocked loop can never give, until its own timeout. The guard keeps a heartbeat
  on the loop; a watchdog thread that sees the heartbeat stop while a connection waits to be
  accepted takes that connection itself and answers 500 with a message pointing at
  ``mockcasa_live_org``, and the test fails at teardown with the same message.
- ``NotAwaited``: coroutines a test must await (``mockcasa_deliveries.drain()``,
  ``mockcasa_receiver.subscribe()``); one left un-awaited fails the test at teardown instead of
  only warning.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import select
import socket
import threading
import time
from collections.abc import Coroutine
from typing import Any

BEAT = 0.05  # seconds between heartbeats on the test's loop
BLOCKED_MESSAGE = (
    "mockcasa: {request} reached the in-process server (mockcasa_url) while the test's event loop was "
    "blocked for {blocked:.1f} s, so it could never be answered. The in-process server runs on the test's "
    "own loop: a synchronous client (requests, urllib, httpx.Client) or a thread the test waits on blocks "
    "it. Use mockcasa_live_org (a live server in its own thread: .url, .key, .headers) for synchronous "
    "code, or call mockcasa_url with an async client (await httpx.AsyncClient().get(...)).")


class BlockedLoopGuard:
    """Answers, on the test loop's behalf, requests the blocked loop cannot (see the module docstring)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, sockets: list[Any], blocked_after: float) -> None:
        self.loop = loop
        # Duplicates of the listening sockets: accepting on them takes from the same queue.
        self.sockets = [socket.socket(fileno=_dup(s)) for s in sockets]
        self.blocked_after = blocked_after
        self.misuses: list[str] = []
        self._last_beat = time.monotonic()
        self._stop = threading.Event()
        self._handle: asyncio.TimerHandle | None = None
        self._thread = threading.Thread(target=self._watch, name="mockcasa-loop-guard", daemon=True)

    def start(self) -> BlockedLoopGuard:
        self._beat()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._handle is not None:
            self._handle.cancel()
        self._thread.join(timeout=5)
        for sock in self.sockets:
            sock.close()

    def _beat(self) -> None:
        self._last_beat = time.monotonic()
        self._handle = self.loop.call_later(BEAT, self._beat)

    def _watch(self) -> None:
        while not self._stop.wait(BEAT):
            blocked = time.monotonic() - self._last_beat
            if blocked < self.blocked_after:
                continue
            for sock in self.sockets:
                if select.select([sock], [], [], 0)[0]:
                    self._answer(sock, blocked)

    def _answer(self, listener: socket.socket, blocked: float) -> None:
        try:
            conn, _ = listener.accept()
        except (BlockingIOError, OSError):
            return  # the loop woke up and took it
        with conn:
            conn.setblocking(True)
            conn.settimeout(2)
            request_line = _request_line(conn)
            message = BLOCKED_MESSAGE.format(request=request_line or "a request", blocked=blocked)
            self.misuses.append(message)
            body = json.dumps({"error": {"code": "internal_error", "message": message}}).encode()
            head = (f"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(body)}\r\nConnection: close\r\nX-Mockcasa-Misuse: blocked-loop\r\n\r\n")
            try:
                conn.sendall(head.encode() + body)
            except OSError:
                pass


def _dup(sock: Any) -> int:
    return os.dup(sock.fileno())


def _request_line(conn: socket.socket) -> str:
    data = b""
    try:
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = conn.recv(4096)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    method, _, rest = data.split(b"\r\n", 1)[0].decode("latin-1").partition(" ")
    return f"{method} {rest.rpartition(' ')[0]}".strip()


class NotAwaited:
    """Coroutines handed to a test that it must await; ``problems()`` names those it did not."""

    def __init__(self) -> None:
        self._tracked: list[tuple[Coroutine, str]] = []

    def track(self, coro: Coroutine, what: str) -> Coroutine:
        self._tracked.append((coro, what))
        return coro

    def problems(self) -> list[str]:
        found = []
        for coro, what in self._tracked:
            if inspect.getcoroutinestate(coro) == inspect.CORO_CREATED:
                coro.close()  # no "never awaited" warning on top of the failure
                found.append(f"{what} was called but not awaited: write `await {what}`")
        self._tracked.clear()
        return found
