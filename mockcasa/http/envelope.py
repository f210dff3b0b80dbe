"""Request ids, and every error as the API's envelope (the layers in ``http.layers`` apply them)."""

from __future__ import annotations

import itertools
import json
import logging
import secrets

from aiohttp import web
from multidict import istr

from mockcasa.errors import ApiError, Invalid, MethodNotAllowed, NotFound, ServiceError
from mockcasa.keys import REQUEST_ID

log = logging.getLogger("mockcasa")

# Header names the layers set on every response, as ``istr``: a plain ``str`` name costs the
# response's header map a case-folded copy when it is set and another when aiohttp writes the
# headers (~110 B per name, kept as long as the journal keeps the response's headers).
REQUEST_ID_HEADER = istr("X-Request-Id")


def new_request_id() -> str:
    """A random request id, for answers given outside an app's layers (malformed HTTP, refusals)."""
    return "req_" + secrets.token_hex(12)


class RequestIds:
    """The request ids of one app: ``req_`` + a random 12-hex-digit prefix + a 12-hex-digit counter.

    Same shape as ``new_request_id`` (24 hex digits) and still unique, within the app by the
    counter and between apps and restarts by the prefix, but without a call to the operating
    system's CSPRNG on every request (``secrets.token_hex`` was ~4 % of a GET's CPU). Request ids
    identify, they do not authenticate, so they need not be unpredictable.
    """

    __slots__ = ("_count", "_prefix")

    def __init__(self) -> None:
        self._prefix = "req_" + secrets.token_hex(6)
        self._count = itertools.count(1)

    def __call__(self) -> str:
        return "%s%012x" % (self._prefix, next(self._count) & 0xFFFF_FFFF_FFFF)  # noqa: UP031 (measured faster)


REQUEST_IDS: web.AppKey[RequestIds] = web.AppKey("request_ids", RequestIds)


def error_response(error: ApiError, request_id: str) -> web.Response:
    response = web.Response(body=json.dumps(error.envelope(request_id)).encode(), status=error.status,
                            content_type="application/json")
    response.headers.update(error.headers)
    return response


def _from_http(exc: web.HTTPException, request: web.Request) -> ApiError:
    if isinstance(exc, web.HTTPMethodNotAllowed):
        return MethodNotAllowed(request.method, sorted(exc.allowed_methods))
    if isinstance(exc, web.HTTPNotFound):
        return NotFound(f"No route matches {request.method} {request.path}. "
                        f"The API lives under /api/v1; see /api/v1/openapi.json.")
    if isinstance(exc, web.HTTPRequestEntityTooLarge):
        return Invalid("The request body is too large.", {"body": "is too large"})
    if exc.status < 500:
        error = Invalid(exc.reason or "Bad request.")
        error.status = exc.status
        return error
    return ServiceError(exc.status, exc.reason or "Server error.")


def render_error(request: web.Request, exc: Exception) -> web.Response:
    """The enveloped response for an exception raised below a layer (re-raises redirects).

    Shared by every layer that must see the final response, errors included (rate-limit
    headers, idempotent replays), so errors are rendered the same wherever they are caught.
    """
    request_id = request[REQUEST_ID]
    if isinstance(exc, ApiError):
        return error_response(exc, request_id)
    if isinstance(exc, web.HTTPException):
        if exc.status < 400:
            raise exc
        return error_response(_from_http(exc, request), request_id)
    log.error("unhandled error in %s %s (%s)", request.method, request.path, request_id, exc_info=exc)
    return error_response(ServiceError(500, "Unexpected server error; this is a mockcasa bug, "
                                            f"please report it with request id {request_id}."), request_id)
