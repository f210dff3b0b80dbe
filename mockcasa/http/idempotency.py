"""Idempotency keys: a retried POST or PATCH replays its first response instead of running twice.

Semantics:

- ``Idempotency-Key`` is honoured on POST and PATCH (ignored on GET and DELETE). It must be 1 to
  255 characters, else 400 ``invalid_request``.
- Keys are scoped to the organization and the credential that sent them: another API key, even
  of the same organization, can use the same key for its own request.
- The same key with the same request (method, path and body, the body compared as parsed JSON so
  whitespace and key order do not matter) within 24 hours of the organization's mock clock
  replays the first response: same status, byte-identical body, no second record, plus the header
  ``Idempotent-Replayed: true``. ``X-Request-Id`` names the new request; an error body keeps the
  ``requestId`` it was first rendered with.
- The same key with a different request (other body, path or method) → 409 ``conflict``.
- Error responses are stored and replayed too, except 5xx and 429: those leave the key free so
  the retry really runs.
- Concurrent requests with the same key run the work once: later ones **wait** for the first to
  finish and then replay its response (or, when it ended in 5xx/429, one of them runs).
- After 24 hours of mock-clock time (counted from the first request) the key is forgotten;
  forgotten keys are purged as new keys arrive, so memory stays bounded.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from typing import TYPE_CHECKING

from aiohttp import web
from multidict import CIMultiDict

from mockcasa.errors import Conflict, Invalid
from mockcasa.http.envelope import render_error
from mockcasa.keys import PRINCIPAL

if TYPE_CHECKING:
    from mockcasa.state import Organization

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
METHODS = frozenset({"POST", "PATCH"})
MAX_LENGTH = 255
WINDOW_SECONDS = 24 * 3600
KEYS = "idempotency_keys"  # org.extras key: IdempotencyKeys

Scope = tuple[str, str]  # (credential id, key)


class Entry:
    """One key's first request: its fingerprint and, once finished, the response to replay."""

    __slots__ = ("body", "done", "expires_at", "fingerprint", "headers", "status")

    def __init__(self, fingerprint: tuple, expires_at: float) -> None:
        self.fingerprint = fingerprint
        self.expires_at = expires_at
        self.status: int | None = None  # None while the first request is still running
        self.body = b""
        self.headers: tuple[tuple[str, str], ...] = ()
        self.done = asyncio.Event()

    def replay(self) -> web.Response:
        headers = CIMultiDict(self.headers)
        headers[REPLAYED] = "true"
        return web.Response(status=self.status, body=self.body, headers=headers)


class IdempotencyKeys:
    """An organization's remembered keys, oldest first so expired ones are cheap to drop."""

    __slots__ = ("_order", "entries")

    def __init__(self) -> None:
        self.entries: dict[Scope, Entry] = {}
        self._order: deque[tuple[Scope, Entry]] = deque()

    def find(self, scope: Scope, now: float) -> Entry | None:
        entry = self.entries.get(scope)
        if entry is not None and entry.status is not None and now >= entry.expires_at:
            del self.entries[scope]
            return None
        return entry

    def begin(self, scope: Scope, fingerprint: tuple, now: float) -> Entry:
        self.purge(now)
        entry = self.entries[scope] = Entry(fingerprint, now + WINDOW_SECONDS)
        self._order.append((scope, entry))
        return entry

    def finish(self, scope: Scope, entry: Entry, response: web.StreamResponse | None) -> None:
        """Remember the response, or free the key (5xx, 429, a failure, a streamed body)."""
        body = response.body if isinstance(response, web.Response) else False
        if (body is None or isinstance(body, bytes)) and response.status < 500 and response.status != 429:
            entry.status = response.status
            entry.body = body or b""
            entry.headers = tuple(response.headers.items())
        elif self.entries.get(scope) is entry:
            del self.entries[scope]
        entry.done.set()

    def purge(self, now: float) -> None:
        """Drop expired keys from the oldest end (a clock moved backwards only delays this)."""
        order = self._order
        while order:
            scope, entry = order[0]
            if self.entries.get(scope) is not entry:
                order.popleft()
            elif entry.status is not None and now >= entry.expires_at:
                order.popleft()
                del self.entries[scope]
            else:
                break

    def __len__(self) -> int:
        return len(self.entries)


def keys_of(org: Organization) -> IdempotencyKeys:
    keys = org.extras.get(KEYS)
    if keys is None:
        keys = org.extras[KEYS] = IdempotencyKeys()
    return keys


def _canonical(raw: bytes) -> str | bytes:
    """The body as parsed JSON in a canonical text form; the raw bytes when it is not JSON."""
    if not raw.strip():
        return ""
    try:
        return json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":"))
    except (ValueError, RecursionError):
        return raw


def _conflict(key: str, first: tuple, method: str, path: str) -> Conflict:
    what = "with a different body" if first[:2] == (method, path) else f"for {first[0]} {first[1]}"
    return Conflict(f"The Idempotency-Key {key!r} was already used {what} within the last 24 hours; "
                    f"send a new key for a new request.", {HEADER: "was used for a different request"})


@web.middleware
async def idempotency_middleware(request: web.Request, handler) -> web.StreamResponse:
    """Replay, refuse or run a keyed POST/PATCH; every other request passes straight through."""
    if request.method not in METHODS:
        return await handler(request)
    key = request.headers.get(HEADER)
    principal = request.get(PRINCIPAL)
    if key is None or principal is None:
        return await handler(request)
    if not 0 < len(key) <= MAX_LENGTH:
        raise Invalid(f"The {HEADER} header must be 1 to {MAX_LENGTH} characters long; got {len(key)}.",
                      {HEADER: f"must be 1 to {MAX_LENGTH} characters"})
    method, path = request.method, request.path
    fingerprint = (method, path, _canonical(await request.read()))
    org = principal.org
    keys = keys_of(org)
    scope = (principal.credential_id, key)
    while True:
        entry = keys.find(scope, org.clock.timestamp())
        if entry is None:
            break
        if entry.fingerprint != fingerprint:
            raise _conflict(key, entry.fingerprint, method, path)
        if entry.status is not None:
            return entry.replay()
        await entry.done.wait()  # the first request with this key is still running

    entry = keys.begin(scope, fingerprint, org.clock.timestamp())
    response = None
    try:
        try:
            response = await handler(request)
        except Exception as exc:  # noqa: BLE001 - any failure is rendered (500 is logged)
            response = render_error(request, exc)
    finally:
        keys.finish(scope, entry, response)
    return response
