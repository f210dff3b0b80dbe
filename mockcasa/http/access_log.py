"""One line per request on stdout, so ``docker logs`` shows the traffic (``--quiet`` turns it off).

``10:00:03 GET /api/v1/clients?page=2 200 1.3ms req_5f0c…``: wall-clock time, method, path and
query, status, time to answer, request id (the ``X-Request-Id`` of the response). aiohttp calls
the logger after each response; the logger only notes what the line needs (the time, the method,
the request target as sent, the status, the request id, the duration) in its server's ``AccessLines``: small
objects the request and response already have, not the request and the response themselves, which
hundreds of waiting lines would keep alive (their transports, multidicts and caches) for later
requests to meet on cold memory. The lines are formatted and written together, in one ``write``,
``FLUSH_EVERY`` seconds after the first one waiting, as soon as ``FLUSH_AT`` lines wait, and when
the server stops: a busy server pays one system call (with ``PYTHONUNBUFFERED``, as in most
container images, each ``write`` is one) and no formatting on the request's path, while a person
watching the log sees each request within a twentieth of a second.
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from mockcasa.http.envelope import REQUEST_ID_HEADER
from mockcasa.keys import REQUEST_ID

FLUSH_EVERY = 0.05  # seconds a line may wait
FLUSH_AT = 512  # lines that may wait


class AccessLines:
    """One server's access log lines not yet written: ``(time, method, target, status, request id, seconds
    taken)`` each; the target is the path and query as the request line sent them (a string the
    parser made already: formatting a URL object cost ~0.25 µs a line)."""

    def __init__(self) -> None:
        self.pending: list[tuple[float, str, str, int, str, float]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._second = -1
        self._stamp = ""

    def add(self, line: tuple[float, str, str, int, str, float]) -> None:
        pending = self.pending
        pending.append(line)
        if len(pending) == 1:
            self._timer = asyncio.get_running_loop().call_later(FLUSH_EVERY, self.flush)
        elif len(pending) >= FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        """Format and write every waiting line (the server's shutdown calls it too)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        lines, self.pending = self.pending, []
        if lines:
            sys.stdout.write("".join([self._line(*line) for line in lines]))
            sys.stdout.flush()

    def _line(self, at: float, method: str, target: str, status: int, request_id: str, taken: float) -> str:
        second = int(at)
        if second != self._second:  # one strftime a second, however many requests
            self._second, self._stamp = second, time.strftime("%H:%M:%S", time.localtime(second))
        return f"{self._stamp} {method} {target} {status} {taken * 1000:.1f}ms {request_id}\n"


class AccessLog(AbstractAccessLogger):
    """aiohttp's access-logger interface (one per connection), noting each request in ``AccessLines``.

    aiohttp hands each connection's logger the server's ``access_log`` object: here the server's
    ``AccessLines`` (see ``access_log_options``), so all connections share one buffer.
    """

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time_taken: float) -> None:
        request_id = response.headers.get(REQUEST_ID_HEADER) or request.get(REQUEST_ID) or "-"
        self.logger.add((time.time(), request.method, request.raw_path, response.status, request_id,  # type: ignore[attr-defined]
                         time_taken))


def access_log_options(quiet: bool) -> dict[str, Any]:
    """Keyword arguments for ``web.run_app``/``AppRunner``: the access log, or none."""
    if quiet:
        return {"access_log": None}
    return {"access_log": AccessLines(), "access_log_class": AccessLog}
