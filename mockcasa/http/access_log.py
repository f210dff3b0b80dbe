"""One line per request on stdout, so ``docker logs`` shows the traffic (``--quiet`` turns it off).

``10:00:03 GET /api/v1/clients?page=2 200 1.3ms req_5f0c…``: wall-clock time, method, path and
query, status, time to answer, request id (the ``X-Request-Id`` of the response). aiohttp calls
the logger after each response. The lines of one server wait in its ``AccessLines`` and are
written together at the end of the event loop's turn: a busy server pays one write to stdout
for all the requests a turn answered, not one each (with ``PYTHONUNBUFFERED``, as in most
container images, each ``write`` is a system call), while a person watching the log still sees
each request at once.
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from mockcasa.keys import REQUEST_ID


class AccessLines:
    """One server's access log lines not yet written, and the clock stamp they share."""

    def __init__(self) -> None:
        self.pending: list[str] = []
        self.second = -1
        self.stamp = ""

    def add(self, line: str) -> None:
        if not self.pending:
            asyncio.get_running_loop().call_soon(self.flush)
        self.pending.append(line)

    def flush(self) -> None:
        lines, self.pending = self.pending, []
        sys.stdout.write("".join(lines))
        sys.stdout.flush()


class AccessLog(AbstractAccessLogger):
    """aiohttp's access-logger interface (one per connection), writing plain lines through ``AccessLines``.

    aiohttp hands each connection's logger the server's ``access_log`` object: here the server's
    ``AccessLines`` (see ``access_log_options``), so all connections share one buffer.
    """

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time_taken: float) -> None:
        lines: AccessLines = self.logger  # type: ignore[assignment]
        second = int(time.time())
        if second != lines.second:  # one strftime a second, however many requests
            lines.second, lines.stamp = second, time.strftime("%H:%M:%S", time.localtime(second))
        request_id = response.headers.get("X-Request-Id") or request.get(REQUEST_ID) or "-"
        lines.add(f"{lines.stamp} {request.method} {request.path_qs} {response.status} "
                  f"{time_taken * 1000:.1f}ms {request_id}\n")


def access_log_options(quiet: bool) -> dict[str, Any]:
    """Keyword arguments for ``web.run_app``/``AppRunner``: the access log, or none."""
    if quiet:
        return {"access_log": None}
    return {"access_log": AccessLines(), "access_log_class": AccessLog}
