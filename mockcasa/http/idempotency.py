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
- After 24 hours of mock-clock time (counted from the first request) the key is forgotten.

Memory stays bounded whoever sends the bytes (the store is ``mockcasa.state.idempotency``):

- a request is remembered by method, path and a SHA-256 digest of its canonical body;
- a response larger than ``idempotency_max_response_bytes`` (``MOCKCASA_IDEMPOTENCY_MAX_RESPONSE_BYTES``,
  64 KiB) is not stored: the key is freed as after a 5xx, and a retry runs again;
- expired keys are purged in expiry order when a new key arrives and whenever the clock jumps
  or ticks, so a frozen clock moved by the admin API purges too;
- each credential keeps at most ``idempotency_max_keys`` (``MOCKCASA_IDEMPOTENCY_MAX_KEYS``, 1000)
  keys: beyond that its oldest finished key is forgotten (a retry of it runs again).
"""

from __future__ import annotations

import hashlib
import json
from json.encoder import c_make_encoder, encode_basestring_ascii
from typing import TYPE_CHECKING

from aiohttp import web
from multidict import CIMultiDict
from pydantic_core import from_json

from mockcasa.errors import Conflict, Invalid
from mockcasa.http.envelope import render_error
from mockcasa.keys import SETTINGS
from mockcasa.state.idempotency import Entry, IdempotencyKeys

if TYPE_CHECKING:
    from mockcasa.http.auth import Principal
    from mockcasa.state import Organization

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
METHODS = frozenset({"POST", "PATCH"})
MAX_LENGTH = 255
WINDOW_SECONDS = 24 * 3600
# The canonical text form: keys sorted, no spaces, ASCII. Built once: ``json.dumps`` with options
# builds a new encoder on every call, and ``JSONEncoder.encode`` a new C encoder (parsed JSON holds
# no cycles, so the C one is made without their check).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"))
_ENCODE = c_make_encoder(None, _CANONICAL.default, encode_basestring_ascii, None, ":", ",", True, False, True) \
    if c_make_encoder is not None else None


def keys_of(org: Organization) -> IdempotencyKeys:
    return org.idempotency_keys


def digest(raw: bytes) -> str:
    """SHA-256 of the body as parsed JSON in a canonical text form (of the raw bytes when not JSON)."""
    if not raw or raw.isspace():
        canonical = b""
    else:
        try:
            value = _parsed(raw)
            canonical = ("".join(_ENCODE(value, 0)) if _ENCODE is not None else _CANONICAL.encode(value)).encode()
        except (ValueError, RecursionError):
            canonical = b"raw:" + raw
    return hashlib.sha256(canonical).hexdigest()


def _parsed(raw: bytes) -> object:
    """``json.loads(raw)``, by pydantic-core's parser (~0.3 µs against ~2 µs for a small body) where it
    accepts the text; where it does, both give equal values (tests/http/test_idempotency_digest.py).
    What only ``json`` accepts (lone surrogates, nesting past 200 levels, a UTF-8 BOM, UTF-16 or 32)
    goes to ``json``, so a digest is the same as ever."""
    try:
        return from_json(raw)
    except ValueError:
        return json.loads(raw)


def replay(entry: Entry) -> web.Response:
    headers = CIMultiDict(entry.headers)
    headers[REPLAYED] = "true"
    return web.Response(status=entry.status, body=entry.body, headers=headers)


def _conflict(key: str, first: Entry, method: str, path: str) -> Conflict:
    what = "with a different body" if (first.method, first.path) == (method, path) \
        else f"for {first.method} {first.path}"
    return Conflict(f"The Idempotency-Key {key!r} was already used {what} within the last 24 hours; "
                    f"send a new key for a new request.", {HEADER: "was used for a different request"})


def _finish(keys: IdempotencyKeys, scope: tuple[str, str], entry: Entry, response: web.StreamResponse | None,
            max_bytes: int) -> None:
    """Keep the response to replay, or free the key (5xx, 429, a failure, a streamed or too large body)."""
    body = response.body if isinstance(response, web.Response) else False
    if (body is None or isinstance(body, bytes)) and response.status < 500 and response.status != 429 \
            and len(body or b"") <= max_bytes:
        keys.finish(scope, entry, response.status, body or b"", tuple(response.headers.items()))
    else:
        keys.free(scope, entry)


async def run_once(request: web.Request, handler, key: str, principal: Principal) -> web.StreamResponse:
    """Replay, refuse or run a POST/PATCH sent with ``key`` (the layers call it for those only)."""
    if not 0 < len(key) <= MAX_LENGTH:
        raise Invalid(f"The {HEADER} header must be 1 to {MAX_LENGTH} characters long; got {len(key)}.",
                      {HEADER: f"must be 1 to {MAX_LENGTH} characters"})
    method, path = request.method, request.path
    body_digest = digest(await request.read())
    org = principal.org
    scope = (principal.credential_id, key)
    while True:
        # Looked up afresh after every wait: a reset or an import may have replaced the store.
        now = org.clock.timestamp()
        entry = org.idempotency_keys.find(scope, now)
        if entry is None:
            break
        if not entry.same_request(method, path, body_digest):
            raise _conflict(key, entry, method, path)
        if entry.status is not None:
            return replay(entry)
        await entry.wait()  # the first request with this key is still running

    settings = request.app[SETTINGS]
    entry = org.idempotency_keys.begin(scope, method, path, body_digest, now,
                                       window=WINDOW_SECONDS, cap=settings.idempotency_max_keys)
    response = None
    try:
        try:
            response = await handler(request)
        except Exception as exc:  # noqa: BLE001 - any failure is rendered (500 is logged)
            response = render_error(request, exc)
    finally:
        # The store as it is now: a seed staged meanwhile may have replaced it with a copy.
        _finish(org.idempotency_keys, scope, entry, response, settings.idempotency_max_response_bytes)
    return response
