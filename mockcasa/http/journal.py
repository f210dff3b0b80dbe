"""The request journal: the most recent requests and what was answered, for the admin API.

The outermost layer, so it sees the final response (error envelopes and injected faults
included). Bounded (``Settings.journal_size``, oldest dropped first); bodies are kept as
bytes up to ``BODY_LIMIT`` and only decoded when someone asks.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web

from mockcasa.bounds import loads
from mockcasa.clock import Clock, format_timestamp
from mockcasa.config import ADMIN_PREFIX
from mockcasa.errors import ApiError
from mockcasa.http.auth import principal_of
from mockcasa.keys import PRINCIPAL, REQUEST_ID
from mockcasa.scenarios.layer import FAULT

BODY_LIMIT = 64 * 1024


@dataclass(slots=True)
class Entry:
    id: int
    request_id: str | None
    at: datetime
    method: str
    path: str
    query: str
    status: int | None  # None: the connection was dropped or abandoned without a response
    duration_ms: float
    organization_id: str | None
    api_key_id: str | None
    credential_kind: str | None
    operation_id: str | None
    fault: str | None
    request_type: str
    request_body: bytes
    response_type: str | None
    response_body: bytes | None

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id, "requestId": self.request_id, "at": format_timestamp(self.at),
            "method": self.method, "path": self.path, "query": self.query, "status": self.status,
            "durationMs": self.duration_ms, "organizationId": self.organization_id, "apiKeyId": self.api_key_id,
            "credentialKind": self.credential_kind, "operationId": self.operation_id, "fault": self.fault,
            "request": _body(self.request_type, self.request_body),
            "response": _body(self.response_type, self.response_body),
        }


def _body(content_type: str | None, raw: bytes | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    out: dict[str, Any] = {"contentType": content_type or None, "body": None}
    if len(raw) > BODY_LIMIT:
        raw, out["truncated"] = raw[:BODY_LIMIT], True
    if raw:
        text = raw.decode("utf-8", errors="replace")
        try:
            out["body"] = loads(text) if content_type == "application/json" else text
        except ValueError:
            out["body"] = text
    return out


class Journal:
    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: deque[Entry] = deque(maxlen=size or None)
        self.clock = Clock()  # for requests without an organization
        self._next_id = 1

    def next_id(self) -> int:
        n, self._next_id = self._next_id, self._next_id + 1
        return n

    def add(self, entry: Entry) -> None:
        if self.size:
            self.entries.append(entry)

    def clear(self) -> None:
        self.entries.clear()

    def query(self, *, organization_id: str | None = None, method: str | None = None, path=None,
              status: str | None = None, limit: int = 100) -> list[Entry]:
        """Newest first. ``path`` is a compiled pattern; ``status`` is ``503`` or a class like ``5xx``."""
        out = []
        for entry in reversed(self.entries):
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


@web.middleware
async def journal_middleware(request: web.Request, handler) -> web.StreamResponse:
    journal = request.app[JOURNAL]
    if not journal.size or request.path.startswith(ADMIN_PREFIX):
        return await handler(request)
    started = time.perf_counter()
    response = None
    try:
        response = await handler(request)
        return response
    finally:
        duration = round((time.perf_counter() - started) * 1000, 3)
        try:
            request_body = await request.read() if request.body_exists else b""
        except (OSError, ValueError, web.HTTPException):  # unread and now unreadable (dropped, too large)
            request_body = b""
        journal.add(_entry(request, response, journal, duration, request_body))


def _entry(request: web.Request, response: web.StreamResponse | None, journal: Journal,
           duration: float, request_body: bytes) -> Entry:
    principal = request.get(PRINCIPAL)
    if principal is None:  # answered before authentication (an injected fault): still say whose it was
        try:
            principal = principal_of(request)
        except ApiError:
            principal = None
    fault = request.get(FAULT)
    dropped = response is None or (fault is not None and fault.dropped)
    body = getattr(response, "body", None) if not dropped else None
    route = request.match_info.route
    return Entry(
        id=journal.next_id(), request_id=request.get(REQUEST_ID),
        at=(principal.org.clock if principal else journal.clock).now(), method=request.method,
        path=request.path, query=request.query_string, status=None if dropped else response.status,
        duration_ms=duration, organization_id=principal.org.id if principal else None,
        api_key_id=principal.credential_id if principal else None,
        credential_kind=principal.kind if principal else None, operation_id=getattr(route, "name", None),
        fault=fault.label if fault else None, request_type=request.content_type, request_body=request_body,
        response_type=None if dropped else response.content_type,
        response_body=body if isinstance(body, bytes) else None if dropped else b"")
