"""The request journal: the most recent requests and what was answered, for the admin API.

The outermost layer, so it sees the final response (error envelopes and injected faults
included). Bounded twice, oldest dropped first: by entries (``Settings.journal_size``) and by
bytes (``Settings.journal_max_bytes``, counting bodies and headers). Each body is cut to
``BODY_LIMIT`` *before* it is kept, whoever sent it, so one client cannot fill the memory with
large bodies. Headers are kept as sent; bodies as bytes. Both are decoded, and their secrets
masked (``mockcasa.http.masking``), only when someone reads an entry.
"""

from __future__ import annotations

import time
from collections import deque
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web
from aiohttp.helpers import parse_content_type

from mockcasa.bounds import loads
from mockcasa.clock import Clock, format_timestamp
from mockcasa.errors import ApiError
from mockcasa.http.auth import PRINCIPAL, principal_of
from mockcasa.http.masking import (
    headers_shown,
    mask_form,
    mask_header,
    mask_json,
    mask_text,
    might_hold_secrets,
)
from mockcasa.keys import REQUEST_ID
from mockcasa.scenarios.layer import FAULT

if TYPE_CHECKING:
    from yarl import URL

    from mockcasa.http.auth import Principal

BODY_LIMIT = 64 * 1024
ENTRY_OVERHEAD = 400  # bytes an entry costs besides its bodies and headers (the object, its fields)
Headers = tuple[tuple[str, str], ...]


class Entry:
    """One request and what was answered, kept as the request path left it and formatted when read.

    Building an entry is on every request's path, reading one is not (the admin API, the console):
    so an entry holds what the request already has (the parsed URL, the raw header pairs, the
    response's own header map, the route) and derives the query string, the content types and
    the operation id only when someone asks.
    """

    __slots__ = (
        "api_key_id",
        "at",
        "content_type",
        "cost",
        "credential_kind",
        "duration_ms",
        "fault",
        "id",
        "method",
        "organization_id",
        "path",
        "raw_request_headers",
        "request_body",
        "request_id",
        "request_size",
        "response_body",
        "response_headers",
        "response_size",
        "route",
        "status",
        "url",
    )

    def __init__(self, id: int, request_id: str | None, at: datetime, method: str, url: URL,
                 status: int | None, duration_ms: float, principal: Principal | None, route: Any,
                 fault: str | None, content_type: str | None, request_body: bytes, response_body: bytes | None,
                 raw_request_headers: tuple[tuple[bytes, bytes], ...], response_headers: Any,
                 request_size: int, response_size: int) -> None:
        self.id = id
        self.request_id = request_id
        self.at = at
        self.method = method
        self.url = url  # the request's relative URL: path and query string
        self.path: str = url.path
        self.status = status  # None: the connection was dropped or abandoned without a response
        self.duration_ms = duration_ms
        self.organization_id = principal.org.id if principal else None
        self.api_key_id = principal.credential_id if principal else None
        self.credential_kind = principal.kind if principal else None
        self.route = route  # aiohttp's route (its name is the operation id), or None
        self.fault = fault
        self.content_type = content_type  # the request's Content-Type header, parsed when read
        self.request_body = request_body  # at most BODY_LIMIT bytes
        self.response_body = response_body  # None: dropped
        # The request's headers as the parser read them (bytes pairs, kept as they are: no copy on the
        # request path); decoded by ``request_headers`` when someone reads the entry.
        self.raw_request_headers = raw_request_headers
        # The response's own header mapping, not a copy: aiohttp adds Date, Server and Content-Length to
        # it as it sends, so the entry shows the headers as sent.
        self.response_headers = response_headers
        self.request_size = request_size  # the body's full length, before it was cut to BODY_LIMIT
        self.response_size = response_size
        # What the entry holds in memory, near enough: what the byte bound counts. A client chooses its
        # headers: count them. Ours are short: a fixed estimate each.
        self.cost = (ENTRY_OVERHEAD + len(request_body) + len(response_body or b"") + 64 * len(response_headers)
                     + sum([len(n) + len(v) for n, v in raw_request_headers]))

    @property
    def query(self) -> str:
        return self.url.query_string

    @property
    def operation_id(self) -> str | None:
        return getattr(self.route, "name", None)

    @property
    def request_type(self) -> str:
        """The request's content type, as ``request.content_type`` says it."""
        return _parsed_type(self.content_type)

    @property
    def response_type(self) -> str | None:
        if self.response_body is None:
            return None
        return _parsed_type(self.response_headers.get("Content-Type"))

    @property
    def request_headers(self) -> Headers:
        return tuple((n.decode("latin-1"), v.decode("latin-1")) for n, v in self.raw_request_headers)

    def credential(self) -> str | None:
        """The credential the request presented, masked (``cc_t…``), or None."""
        for name, value in self.request_headers:
            if name.lower() in ("x-api-key", "authorization"):
                return mask_header(name, value)
        return None

    def summary(self) -> dict[str, Any]:
        """The entry without headers and bodies: what a list or a live view needs."""
        return {
            "id": self.id, "requestId": self.request_id, "at": format_timestamp(self.at),
            "method": self.method, "path": self.path, "query": self.query, "status": self.status,
            "durationMs": self.duration_ms, "organizationId": self.organization_id, "apiKeyId": self.api_key_id,
            "credentialKind": self.credential_kind, "credential": self.credential(),
            "operationId": self.operation_id, "fault": self.fault,
        }

    def describe(self) -> dict[str, Any]:
        return {
            **self.summary(),
            "request": _message(self.request_type, self.request_body, self.request_size, self.request_headers),
            "response": None if self.response_body is None else _message(
                self.response_type, self.response_body, self.response_size, tuple(self.response_headers.items())
                if self.response_headers else ()),
        }


def _parsed_type(raw: str | None) -> str:
    """A Content-Type header's type, as aiohttp's ``content_type`` gives it (its default when absent)."""
    return "application/octet-stream" if raw is None else parse_content_type(raw)[0]


def _message(content_type: str | None, raw: bytes, size: int, headers: Headers) -> dict[str, Any]:
    out: dict[str, Any] = {"contentType": content_type or None, "headers": headers_shown(headers), "body": None}
    if size > len(raw):
        out["truncated"], out["size"] = True, size
    if raw:
        out["body"] = _decoded(content_type, raw.decode("utf-8", errors="replace"), secrets=might_hold_secrets(raw))
    return out


def _decoded(content_type: str | None, text: str, *, secrets: bool) -> Any:
    if content_type == "application/json":
        try:
            value = loads(text)  # bounded depth: a deeply nested body never breaks the journal
        except (ValueError, RecursionError):
            return mask_text(text) if secrets else text
        return mask_json(value) if secrets else value
    if not secrets:
        return text
    if content_type == "application/x-www-form-urlencoded":
        return mask_form(text)
    return mask_text(text)


class Journal:
    def __init__(self, size: int, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self.bytes = 0  # what the kept entries cost (Entry.cost)
        self.entries: deque[Entry] = deque()
        self.clock = Clock()  # for requests without an organization
        self._next_id = 1

    def next_id(self) -> int:
        n, self._next_id = self._next_id, self._next_id + 1
        return n

    @property
    def last_id(self) -> int:
        """The id of the newest entry ever added (0: none yet); ids only grow."""
        return self._next_id - 1

    def add(self, entry: Entry) -> None:
        if not self.size:
            return
        entries = self.entries
        entries.append(entry)
        self.bytes += entry.cost
        while len(entries) > self.size or (self.bytes > self.max_bytes and len(entries) > 1):
            self.bytes -= entries.popleft().cost
        if self.bytes > self.max_bytes:  # one entry alone is over the bound: keep none
            self.clear()

    def clear(self) -> None:
        self.entries.clear()
        self.bytes = 0

    def get(self, entry_id: int) -> Entry | None:
        for entry in reversed(self.entries):
            if entry.id == entry_id:
                return entry
            if entry.id < entry_id:
                break
        return None

    def after(self, entry_id: int) -> list[Entry]:
        """The entries newer than ``entry_id``, oldest first (what a live view has not shown yet)."""
        newer: list[Entry] = []
        for entry in reversed(self.entries):
            if entry.id <= entry_id:
                break
            newer.append(entry)
        newer.reverse()
        return newer

    def query(self, *, organization_id: str | None = None, method: str | None = None, path=None,
              status: str | None = None, limit: int = 100, after: int = 0) -> list[Entry]:
        """Newest first. ``path`` is a compiled pattern; ``status`` is ``503`` or a class like ``5xx``;
        ``after``: only entries with a greater id."""
        out = []
        for entry in reversed(self.entries):
            if entry.id <= after:
                break
            if organization_id and entry.organization_id != organization_id:
                continue
            if method and entry.method != method.upper():
                continue
            if path is not None and not path.match(entry.path):
                continue
            if status and not _status_matches(entry.status, status):
                continue
            out.append(entry)
            if len(out) >= limit:
                break
        return out


def _status_matches(status: int | None, wanted: str) -> bool:
    if wanted.lower() == "dropped":
        return status is None
    if status is None:
        return False
    if wanted.lower().endswith("xx"):
        return str(status)[0] == wanted[0]
    return str(status) == wanted


JOURNAL: web.AppKey[Journal] = web.AppKey("journal", Journal)


def _kept(body: bytes) -> bytes:
    """A body as the journal keeps it: at most BODY_LIMIT bytes (a copy, so the rest can be freed)."""
    return body if len(body) <= BODY_LIMIT else body[:BODY_LIMIT]


async def read_body(request: web.Request) -> bytes:
    """The request's body as the journal keeps it, b"" when it has none or it is now unreadable."""
    if not request.body_exists:
        return b""
    try:
        return await request.read()
    except (OSError, ValueError, web.HTTPException):  # unread and now unreadable (dropped, too large)
        return b""


def record(journal: Journal, request: web.Request, response: web.StreamResponse | None, started: float,
           request_body: bytes) -> None:
    """Add the journal's entry for ``request``, answered with ``response`` (None: it never was).

    ``request_body``: ``read_body``'s; a plain function, so a request without a body (most) does
    not pay for a coroutine.
    """
    duration = round((time.perf_counter() - started) * 1000, 3)
    try:
        principal = request[PRINCIPAL]  # not .get(): one Python call instead of two, on every request
    except KeyError:  # answered before authentication (an injected fault): still say whose it was
        try:
            principal = principal_of(request)
        except ApiError:
            principal = None
    fault = request.get(FAULT)
    dropped = response is None or (fault is not None and fault.dropped)
    if dropped:
        status = response_body = None
        response_headers: Any = ()
    else:
        body = getattr(response, "body", None)
        status, response_body = response.status, _kept(body) if isinstance(body, bytes) else b""
        response_headers = response.headers
    journal.add(Entry(
        journal.next_id(), request.get(REQUEST_ID), (principal.org.clock if principal else journal.clock).now(),
        request.method, request.rel_url, status, duration, principal, request.match_info.route,
        fault.label if fault else None, request.headers.get("Content-Type"), _kept(request_body),
        response_body, request.raw_headers, response_headers, len(request_body),
        0 if dropped else len(body) if isinstance(body, bytes) else 0))
