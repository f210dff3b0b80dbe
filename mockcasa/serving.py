"""Serving the app on a socket, with the limits a shared server needs so no client can hold it.

aiohttp alone waits forever for a request body that never comes, keeps an idle keep-alive
connection for an hour, accepts connections until the process runs out of file descriptors, and
answers malformed HTTP in plain text. ``GuardedRunner`` (what ``mockcasa serve`` and the live
pytest server use) adds, from ``Settings``:

- ``header_timeout``: a client must finish a request's line and headers within it of their first
  byte (408, then the connection closes);
- ``keepalive_timeout``: an idle connection (no request yet, or between requests) closes after it;
- ``max_connections``: beyond it a new connection gets a 503 envelope and is closed at once;
- malformed HTTP that aiohttp's parser refuses (over-long request line or header, too many
  headers, bare LF, NUL in a header, Transfer-Encoding with Content-Length, ...) gets the API's JSON
  error envelope instead of aiohttp's text.

``read_body_in_time`` (the first of the app's layers, so in-process apps have it too) reads every request body
within ``body_timeout`` before anything else runs (408 otherwise), which also bounds it by
``max_body_size``.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import signal
import sys
from collections.abc import Callable
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from mockcasa.config import Settings
from mockcasa.errors import ApiError, Invalid, ServiceError
from mockcasa.http.access_log import access_log_options
from mockcasa.http.envelope import error_response, new_request_id, render_error
from mockcasa.keys import REQUEST_ID, SETTINGS

log = logging.getLogger("mockcasa")
REFUSAL_WAIT = 1.0  # seconds a refused connection may take to send its request before the 503 goes out
LINGER = 1.0
SWITCH_INTERVAL = 0.001  # seconds; see serve()
# Collections: a generation-0 one after 50,000 net allocations instead of 700 (see tune_gc).
GC_THRESHOLD = (50_000, 20, 100)
# Until the world is loaded and frozen: above what a start allocates (~95,000 objects for the
# default world), so it runs no collection, while a large state file is still collected as it loads.
STARTUP_GC_THRESHOLD = (200_000, 20, 100)


class RequestTimeout(ApiError):
    status = 408
    code = "invalid_request"


def raw_response(error: ApiError) -> bytes:
    """A whole HTTP/1.1 response carrying ``error``'s envelope, for answers outside aiohttp's requests."""
    request_id = new_request_id()
    body = json.dumps(error.envelope(request_id)).encode()
    headers = {"Content-Type": "application/json", "Content-Length": str(len(body)), "Connection": "close",
               "X-Request-Id": request_id, **error.headers}
    head = f"HTTP/1.1 {error.status} {_reason(error.status)}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in
                                                                            headers.items())
    return head.encode("latin-1") + b"\r\n" + body


def _reason(status: int) -> str:
    return {408: "Request Timeout", 503: "Service Unavailable"}.get(status, "Error")


async def read_body_in_time(request: web.Request) -> bytes | web.Response:
    """Read the whole body within ``body_timeout`` (and ``max_body_size``) before any layer runs.

    The first layer: the journal and every handler then find the body already read. A body that
    stalls is a 408 and the connection is closed, instead of a handler waiting forever. Returns
    the body's bytes (the journal keeps them), or that refusal.
    """
    try:
        if request.content.is_eof():  # the whole body came with the headers: no timer needed
            return await request.read()
        async with asyncio.timeout(_body_timeout(request)):
            return await request.read()
    except TimeoutError:
        timeout = _body_timeout(request)
        return _refused(request, RequestTimeout(f"The request body did not arrive within {timeout:g} s.",
                                                {"body": f"must arrive within {timeout:g} s"}))
    except web.HTTPException as exc:  # larger than max_body_size
        return _refused(request, exc)
    except web.RequestPayloadError as exc:  # bad chunked encoding, body shorter than its length
        return _refused(request, Invalid(f"The request body is malformed: {exc}.", {"body": "is malformed"}))


def _body_timeout(request: web.Request) -> float:
    """Read only when a timer is set: ``config_dict`` builds a ``ChainMapProxy`` on every call
    (~9,000 instructions per POST whose body came with its headers, ~1.7 µs)."""
    return request.config_dict[SETTINGS].body_timeout


def _refused(request: web.Request, exc: Exception) -> web.Response:
    """The envelope for a body that could not be read; the connection closes (the rest is not worth it)."""
    request[REQUEST_ID] = new_request_id()
    response = render_error(request, exc)
    response.headers["X-Request-Id"] = request[REQUEST_ID]
    response.force_close()
    return response


class GuardedHandler(RequestHandler):
    """aiohttp's connection handler with a header read timeout and JSON envelopes for bad HTTP."""

    def __init__(self, manager: web.Server, *, header_timeout: float, **kwargs: Any) -> None:
        super().__init__(manager, **kwargs)
        self._header_timeout = header_timeout
        self._header_timer: asyncio.TimerHandle | None = None

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._messages or self._request_in_progress:  # headers complete (or a body's bytes)
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None
        elif data and self._header_timer is None:
            # The first bytes of a request that did not bring all its headers start its header clock
            # (most requests arrive whole, and never pay for a timer).
            self._header_timer = self._loop.call_later(self._header_timeout, self._headers_too_slow)

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self._messages or self._request_in_progress or self.transport is None:
            return  # the bytes that started the clock were a body's, not a new request's
        self.transport.write(raw_response(RequestTimeout(
            f"The request line and headers did not arrive within {self._header_timeout:g} s.")))
        self.force_close()

    def connection_lost(self, exc: BaseException | None) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
        super().connection_lost(exc)

    def handle_error(self, request: Any, status: int = 500, exc: BaseException | None = None,
                     message: str | None = None) -> web.StreamResponse:
        """What aiohttp answers when it cannot hand a request to the app: the envelope, not text."""
        log.debug("refused malformed request from %s: %s", request.remote, message or exc, exc_info=exc)
        if request.writer.output_size > 0:
            raise ConnectionError("Response is sent already, cannot send another one with the error")
        if status < 500:
            # aiohttp's messages quote the offending bytes over several lines: one line, bounded.
            reason = " ".join((message or "the request could not be parsed").split())[:300]
            error: ApiError = Invalid(f"Malformed HTTP request: {reason}.")
            error.status = status
        else:
            error = ServiceError(status, "Unexpected server error.")
        request_id = new_request_id()
        response = error_response(error, request_id)
        response.headers["X-Request-Id"] = request_id
        response.force_close()
        return response


class _Refusal(asyncio.Protocol):
    """A connection beyond ``max_connections``: read what it sends first, answer 503, close."""

    def __init__(self, loop: asyncio.AbstractEventLoop, answer: bytes) -> None:
        self._loop = loop
        self._answer = answer
        self._transport: asyncio.Transport | None = None
        self._timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]
        # Answering after the request arrived lets the client read the 503 instead of a reset.
        self._timer = self._loop.call_later(REFUSAL_WAIT, self._refuse)

    def data_received(self, data: bytes) -> None:
        self._refuse()

    def _refuse(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._transport is not None and not self._transport.is_closing():
            self._transport.write(self._answer)
            self._transport.close()

    def connection_lost(self, exc: BaseException | None) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._transport = None


class GuardedServer(web.Server):
    """Hands each connection a ``GuardedHandler``, or a 503 ``_Refusal`` beyond ``max_connections``."""

    def __init__(self, *args: Any, settings: Settings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.settings = settings
        self.refused = 0

    def __call__(self) -> asyncio.Protocol:
        limit = self.settings.max_connections
        if len(self._connections) >= limit:
            self.refused += 1
            error = ServiceError(503, f"The server is at its limit of {limit} open connections; "
                                      f"retry shortly.")
            error.headers = {"Retry-After": "1"}
            return _Refusal(self._loop, raw_response(error))
        return GuardedHandler(self, loop=self._loop, header_timeout=self.settings.header_timeout,
                              **self._kwargs)


class GuardedRunner(web.AppRunner):
    """An ``AppRunner`` whose server is a ``GuardedServer`` configured from the app's ``Settings``."""

    def __init__(self, app: web.Application, **kwargs: Any) -> None:
        settings = app[SETTINGS]
        kwargs.setdefault("keepalive_timeout", settings.keepalive_timeout)
        # After an answer to an unfinished body (408, too large), read what still comes for at most
        # this long, so the client sees the answer rather than a reset, then close (aiohttp: 10 s).
        kwargs.setdefault("lingering_time", min(LINGER, settings.body_timeout))
        super().__init__(app, **kwargs)

    async def _make_server(self) -> web.Server:
        plain = await super()._make_server()
        return GuardedServer(plain.request_handler, request_factory=plain.request_factory,
                             handler_cancellation=plain.handler_cancellation, loop=plain._loop,
                             settings=self.app[SETTINGS], **plain._kwargs)


def tune_gc() -> None:
    """Keep the garbage collector off the long-lived heap of a server whose world is loaded.

    A request allocates a few hundred container objects (an idempotent POST more), so with
    CPython's default threshold of 700 a busy server ran a generation-0 collection every few
    requests and a full one, walking every record, imports and all, often enough to put the POST
    p99 at 10-15x the raw aiohttp app's (8 generation-2 pauses of up to 94 ms in one 8 s run).
    What exists once the startup world is loaded lives as long as the process: ``gc.freeze``
    moves it out of every collection's reach, and a higher generation-0 threshold makes the
    remaining collections rarer (reference counting frees almost everything a request makes).
    For ``mockcasa serve`` only: in-process apps (pytest) share their interpreter with the tests.
    No collection first: after loading the default world it found nothing to free and took ~30 ms
    of the cold start.
    """
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)


def serve(app: web.Application, on_ready: Callable[[], None]) -> None:
    """Run ``app`` on its settings' host and port until SIGINT/SIGTERM (``web.run_app``, guarded)."""
    settings = app[SETTINGS]
    tune_gc()
    # Admin jobs (generating, exporting) run on a worker thread that holds the GIL while it computes;
    # the event loop gets it back after at most this long (CPython's default, 5 ms, made a small
    # organization's GET wait ~28 ms at p99 while a 100,000-record one was generated; 1 ms: ~9 ms).
    sys.setswitchinterval(SWITCH_INTERVAL)

    async def main() -> None:
        # handler_cancellation: a hung fault ends when its client gives up.
        logging = access_log_options(settings.quiet)
        runner = GuardedRunner(app, handle_signals=False, shutdown_timeout=1.0, handler_cancellation=True,
                               **logging)
        await runner.setup()
        # SIGTERM/SIGINT end the wait below, so the cleanup (the app's cleanup_ctx: saving the state
        # file, closing webhook sessions) runs to its end on a live loop, as web.run_app does.
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows' loops
                loop.add_signal_handler(signum, stop.set)
        try:
            await web.TCPSite(runner, settings.host, settings.port).start()
            on_ready()
            await stop.wait()
        finally:
            await runner.cleanup()
            if logging["access_log"] is not None:
                logging["access_log"].flush()  # the last requests' lines, not left waiting for a timer

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
