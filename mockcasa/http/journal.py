"""The request journal: the most recent requests and what was answered, for the admin API.

The outermost layer, so it sees the final response (error envelopes and injected faults
included). Bounded twice, oldest dropped first: by entries (``Settings.journal_size``) and by
bytes (``Settings.journal_max_bytes``, counting bodies and headers). Each body is cut to
``BODY_LIMIT`` *before* it is kept, whoever sent it, so one client cannot fill the memory with
large bodies (no entry keeps the request, which holds the whole body). Headers are kept as sent;
bodies as bytes. Both are decoded, and their secrets masked (``mockcasa.http.masking``), only when
someone reads an entry.

On a request's path the journal only stores one tuple of small objects the request and the response
already have (the method, the relative URL, the header pairs as parsed, the request id, the
principal, the fault, the matched route, the response's status, headers and body, two sizes, the
instant, the duration and what the entry costs) in a ring of slots; ``Entry`` derives everything
else from them when asked. Not the request itself: kept 1,000 requests long, each one's transport
objects, multidicts, caches and state made every request of a busy server work on cold memory
(4.3 KB held per GET entry, against 0.9 KB now; ``bench/journal_bytes.py``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import chain
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from aiohttp import web
from aiohttp.helpers import parse_content_type

from mockcasa.bounds import loads
from mockcasa.clock import EARLIEST, LATEST, Clock, format_timestamp
from mockcasa.errors import ApiError
from mockcasa.http.auth import PRINCIPAL, principal_of
from mockcasa.http.envelope import REQUEST_ID_HEADER
from mockcasa.http.masking import (
    headers_shown,
    mask_form,
    mask_header,
    mask_json,
    mask_text,
    might_hold_secrets,
)
from mockcasa.keys import REQUEST_ID
from mockcasa.routing import operation_id
from mockcasa.scenarios.layer import FAULT

if TYPE_CHECKING:
    from yarl import URL

    from mockcasa.http.auth import Principal

BODY_LIMIT = 64 * 1024
# Bytes an entry costs besides its bodies and headers: the tuple, and the small objects of the
# request and response it keeps alive (``bench/journal_bytes.py``).
ENTRY_OVERHEAD = 1500
Headers = tuple[tuple[str, str], ...]
RawHeaders = tuple[tuple[bytes, bytes], ...]
SEPARATOR = b"\0"  # between the names and values of packed headers

# What the request path keeps of each request: one plain tuple of references it already has, read
# through ``Entry``'s accessors: what the request was, what was answered, and a few numbers.
ID, METHOD, REL_URL, RAW_HEADERS, REQUEST_ID_, PRINCIPAL_, FAULT_, ROUTE, STATUS, RESPONSE_HEADERS, RESPONSE_BODY, \
    RESPONSE_SIZE, REQUEST_BODY, REQUEST_SIZE, AT, DURATION, COST = range(17)


class Entry(tuple):
    """One request and what was answered: the journal's tuple, formatted only when read.

    Building an entry is on every request's path, reading one is not (the admin API, the console):
    so the journal keeps parts the request and response already have (``record``) and this view
    derives the path, the query string, the content types and the operation id only when asked.
    """

    __slots__ = ()

    id: int = property(itemgetter(ID))  # type: ignore[assignment]
    method: str = property(itemgetter(METHOD))  # type: ignore[assignment]
    url: URL = property(itemgetter(REL_URL))  # type: ignore[assignment]  # the relative URL: path and query
    request_id: str | None = property(itemgetter(REQUEST_ID_))  # type: ignore[assignment]
    principal: Principal | None = property(itemgetter(PRINCIPAL_))  # type: ignore[assignment]
    # None: the connection was dropped or abandoned without a response
    status: int | None = property(itemgetter(STATUS))  # type: ignore[assignment]
    # The response's own header mapping, not a copy: aiohttp adds Date, Server and Content-Length
    # to it as it sends, so the entry shows the headers as sent.
    response_headers: Any = property(itemgetter(RESPONSE_HEADERS))  # type: ignore[assignment]
    response_body: bytes | None = property(itemgetter(RESPONSE_BODY))  # type: ignore[assignment]  # None: dropped
    response_size: int = property(itemgetter(RESPONSE_SIZE))  # type: ignore[assignment]
    request_body: bytes = property(itemgetter(REQUEST_BODY))  # type: ignore[assignment]  # at most BODY_LIMIT bytes
    request_size: int = property(itemgetter(REQUEST_SIZE))  # type: ignore[assignment]  # before the cut
    cost: int = property(itemgetter(COST))  # type: ignore[assignment]

    @property
    def at(self) -> datetime:
        """The instant on the organization's clock, kept as its Unix seconds (no datetime per request):
        exact to the microsecond until about year 2250, within a few microseconds after it."""
        seconds = self[AT]
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (ValueError, OverflowError, OSError):  # the clock's last instant rounds up past year 9999
            return LATEST if seconds > 0 else EARLIEST

    @property
    def raw_headers(self) -> RawHeaders:
        """The request's header pairs as the parser read them (see ``packed``)."""
        return unpacked(self[RAW_HEADERS])

    @property
    def path(self) -> str:
        return self.url.path

    @property
    def query(self) -> str:
        return self.url.query_string

    @property
    def duration_ms(self) -> float:
        return round(self[DURATION] * 1000, 3)

    @property
    def organization_id(self) -> str | None:
        principal = self.principal
        return principal.org.id if principal else None

    @property
    def api_key_id(self) -> str | None:
        principal = self.principal
        return principal.credential_id if principal else None

    @property
    def credential_kind(self) -> str | None:
        principal = self.principal
        return principal.kind if principal else None

    @property
    def fault(self) -> str | None:
        fault = self[FAULT_]
        return fault.label if fault else None

    @property
    def operation_id(self) -> str | None:
        route = self[ROUTE]
        return None if route is None else operation_id(route)

    @property
    def request_type(self) -> str | None:
        """The request's content type, None when it sent no Content-Type (a GET, mostly)."""
        for name, value in self.raw_headers:  # the first, as ``request.headers.get`` reads it
            if name.lower() == b"content-type":  # decoded as aiohttp decodes header values
                return _parsed_type(value.decode("utf-8", "surrogateescape"))
        return None

    @property
    def response_type(self) -> str | None:
        if self.response_body is None:
            return None
        return _parsed_type(self.response_headers.get("Content-Type"))

    @property
    def request_headers(self) -> Headers:
        """The request's headers as the parser read them, decoded."""
        return tuple((n.decode("latin-1"), v.decode("latin-1")) for n, v in self.raw_headers)

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


def packed(pairs: RawHeaders) -> bytes | RawHeaders:
    """The request's header pairs as one bytes object, names and values between NULs (``unpacked``
    reads them back): one object kept per entry instead of a tuple, a tuple per header and two bytes
    each (807 B for an aiohttp client's five headers, 159 B packed). Kept as they are when a name or
    value holds a NUL itself (none that a parser lets through should), or when there are none."""
    joined = SEPARATOR.join(chain.from_iterable(pairs))
    return joined if joined.count(SEPARATOR) == 2 * len(pairs) - 1 else pairs


def unpacked(raw: bytes | RawHeaders) -> RawHeaders:
    if raw.__class__ is not bytes:
        return raw  # type: ignore[return-value]
    parts = raw.split(SEPARATOR)  # type: ignore[union-attr]
    return tuple(zip(parts[::2], parts[1::2], strict=True))


def _parsed_type(raw: str | None) -> str | None:
    """A Content-Type header's type, as aiohttp's ``content_type`` gives it; None when there was none
    (aiohttp would say ``application/octet-stream``, which reads as if a bodiless GET sent bytes)."""
    return None if raw is None else parse_content_type(raw)[0]


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
    """The last ``size`` entries in a ring of slots (entry ``n`` in slot ``n % size``), within ``max_bytes``.

    A request adds one tuple to a slot and forgets the one it replaces: no object per entry besides
    the tuple, no deque to rebalance. Readers get ``Entry`` views, newest or oldest first.
    """

    def __init__(self, size: int, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self.bytes = 0  # what the kept entries cost (their COST)
        self.slots: list[tuple | None] = []  # grown as entries arrive, up to ``size``
        self.next_id = 1  # the id the next entry gets; ids only grow
        self.oldest = 1  # the id of the oldest entry kept (``next_id``: none)
        self.clock = Clock()  # for requests without an organization

    @property
    def last_id(self) -> int:
        """The id of the newest entry ever added (0: none yet)."""
        return self.next_id - 1

    def __len__(self) -> int:
        return self.next_id - self.oldest

    def add(self, raw: tuple) -> None:
        """Keep ``raw`` (its id is ``next_id``), dropping the oldest entries the bounds no longer allow."""
        slots = self.slots
        slot = raw[ID] % self.size
        if slot < len(slots):
            old = slots[slot]
            if old is not None:  # the entry ``size`` requests ago: the oldest one
                self.bytes -= old[COST]
                self.oldest = old[ID] + 1
        else:
            slots.extend([None] * (slot + 1 - len(slots)))
        slots[slot] = raw
        self.next_id = raw[ID] + 1
        self.bytes += raw[COST]
        if self.bytes > self.max_bytes:
            self._shed()

    def _shed(self) -> None:
        """Drop the oldest entries until the kept ones fit ``max_bytes``; none when one alone is over."""
        slots, size = self.slots, self.size
        while self.bytes > self.max_bytes and self.oldest < self.last_id:
            slot = self.oldest % size
            self.bytes -= slots[slot][COST]  # type: ignore[index]
            slots[slot] = None
            self.oldest += 1
        if self.bytes > self.max_bytes:
            self.clear()

    def clear(self) -> None:
        self.slots = []
        self.bytes = 0
        self.oldest = self.next_id

    @property
    def entries(self) -> list[Entry]:
        """The kept entries, oldest first."""
        return self.after(0)

    def _newest_first(self, down_to: int = 0) -> Iterator[Entry]:
        slots, size = self.slots, self.size
        for entry_id in range(self.last_id, max(self.oldest, down_to + 1) - 1, -1):
            yield Entry(slots[entry_id % size])  # type: ignore[arg-type]

    def get(self, entry_id: int) -> Entry | None:
        if self.oldest <= entry_id <= self.last_id:
            return Entry(self.slots[entry_id % self.size])  # type: ignore[arg-type]
        return None

    def after(self, entry_id: int) -> list[Entry]:
        """The entries newer than ``entry_id``, oldest first (what a live view has not shown yet)."""
        newer = list(self._newest_first(entry_id))
        newer.reverse()
        return newer

    def query(self, *, organization_id: str | None = None, method: str | None = None, path=None,
              status: str | None = None, limit: int = 100, after: int = 0) -> list[Entry]:
        """Newest first. ``path`` is a compiled pattern; ``status`` is ``503`` or a class like ``5xx``;
        ``after``: only entries with a greater id."""
        out = []
        for entry in self._newest_first(after):
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


def record(journal: Journal, request: web.Request, response: web.StreamResponse | None, started: float,
           request_body: bytes) -> None:
    """Add the journal's entry for ``request``, answered with ``response`` (None: it never was).

    ``request_body``: the body the layers read first (``serving.read_body_in_time``; b"" when the
    request has none). The layers set ``PRINCIPAL`` and ``FAULT`` on every request (None
    until known), so nothing here raises on the way. The entry names what it shows and not the
    request (see the module docstring); a body over ``BODY_LIMIT`` is kept as a cut copy.

    On every request's path, so written for the interpreter: Python-level calls are most of what
    it costs (each ~1,000 instructions), and it makes as few as it can. The request's state is read
    as the dict it is (``request[KEY]`` is a Python method) and the instant as the clock's float
    (``Entry.at`` makes the datetime when read).
    """
    duration = time.perf_counter() - started
    state = request._state  # the request's own dict (see the docstring)
    principal = state[PRINCIPAL]
    if principal is None:  # answered before authentication (an injected fault): still say whose it was
        try:
            principal = principal_of(request)
        except ApiError:
            principal = None
    fault = state[FAULT]
    size = len(request_body)
    if size > BODY_LIMIT:
        request_body = request_body[:BODY_LIMIT]
    pairs = request.raw_headers
    raw_headers = packed(pairs)
    # The headers' bytes (names and values) count towards the byte bound: packed, all but the separators.
    cost = ENTRY_OVERHEAD + len(request_body) + (len(raw_headers) - 2 * len(pairs) + 1 if raw_headers.__class__ is bytes
                                                 else sum([len(n) + len(v) for n, v in pairs]))
    at = (principal.org.clock if principal else journal.clock).timestamp()
    match_info = request.match_info
    # A 404's or 405's route is made for the request and holds the error raised, whose traceback
    # holds the request: keep no route then (it has no operation id anyway).
    route = match_info.route if match_info.http_exception is None else None
    if response is None or (fault is not None and fault.dropped):
        journal.add((journal.next_id, request.method, request.rel_url, raw_headers, state.get(REQUEST_ID),
                     principal, fault, route, None, (), None, 0, request_body, size, at, duration, cost))
        return
    body = getattr(response, "body", None)
    if body.__class__ is not bytes:
        body = b""
    headers = response.headers
    kept = body if len(body) <= BODY_LIMIT else body[:BODY_LIMIT]
    # The request id as the layers put it on every response they return (a C lookup, where the
    # request's state is a Python-level ``get``); a preflight has none, as ``request.get`` would say.
    journal.add((journal.next_id, request.method, request.rel_url, raw_headers, headers.get(REQUEST_ID_HEADER),
                 principal, fault, route, response.status, headers, kept, len(body), request_body, size, at,
                 duration, cost + len(kept) + 64 * len(headers)))
