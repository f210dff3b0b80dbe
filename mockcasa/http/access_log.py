"""One line per request on stdout, so ``docker logs`` shows the traffic (``--quiet`` turns it off).

``10:00:03 GET /api/v1/clients?page=2 200 1.3ms req_5f0c…``: wall-clock time, method, path and
query, status, time to answer, request id (the ``X-Request-Id`` of the response). aiohttp calls
the logger after each response. Lines are written to the buffered stdout and flushed at most every
``FLUSH_AFTER`` seconds, so a busy server does not pay a system call per request, while a person
watching the log still sees each request at once.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from mockcasa.keys import REQUEST_ID

FLUSH_AFTER = 0.2
LOGGER = logging.getLogger("mockcasa.access")


class AccessLog(AbstractAccessLogger):
    """aiohttp's access-logger interface, writing plain lines to ``sys.stdout``."""

    def __init__(self, logger: logging.Logger, log_format: str) -> None:
        super().__init__(logger, log_format)
        self._flush_pending = False
        self._second = -1
        self._stamp = ""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time_taken: float) -> None:
        second = int(time.time())
        if second != self._second:  # one strftime a second, however many requests
            self._second, self._stamp = second, time.strftime("%H:%M:%S", time.localtime(second))
        request_id = request.get(REQUEST_ID) or response.headers.get("X-Request-Id", "-")
        sys.stdout.write(f"{self._stamp} {request.method} {request.path_qs} {response.status} "
                         f"{time_taken * 1000:.1f}ms {request_id}\n")
        if not self._flush_pending:
            self._flush_pending = True
            asyncio.get_running_loop().call_later(FLUSH_AFTER, self._flush)

    def _flush(self) -> None:
        self._flush_pending = False
        sys.stdout.flush()


def access_log_options(quiet: bool) -> dict[str, Any]:
    """Keyword arguments for ``web.run_app``/``AppRunner``: the access log, or none."""
    if quiet:
        return {"access_log": None}
    return {"access_log": LOGGER, "access_log_class": AccessLog}
