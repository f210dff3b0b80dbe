"""CORS, so browser apps (the default seed's public SPA OAuth client) can call the sandbox.

Preflights (``OPTIONS`` with ``Access-Control-Request-Method``) on the public API and the OAuth
token and revoke endpoints are answered here, before authentication and rate limits: they never
need a key and are never counted. Every other response to a request that carries ``Origin`` gets
``Access-Control-Allow-Origin`` and the headers a client may read. Allowed origins come from
``Settings.cors_origins`` (``MOCKCASA_CORS_ORIGINS``): ``*`` (the default) allows any origin
without credentials; a list echoes the request's origin when it is on the list.
"""

from __future__ import annotations

from aiohttp import web

from mockcasa.errors import Forbidden
from mockcasa.http.envelope import error_response, new_request_id

ALLOWED_HEADERS = "Authorization, x-api-key, Idempotency-Key, Content-Type"
EXPOSED_HEADERS = ("X-Request-Id, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, "
                   "Retry-After, Idempotent-Replayed")
ALLOWED_METHODS = "GET, POST, PATCH, DELETE"
MAX_AGE = "600"
# Where browser code may send requests: the API, and the OAuth endpoints an SPA calls with fetch.
PREFLIGHT_PATHS = ("/api/v1/", "/oauth/token", "/oauth/revoke")


def allowed_origin(origins: list[str], origin: str) -> str | None:
    """The value of ``Access-Control-Allow-Origin`` for ``origin``, or None when it is not allowed."""
    if "*" in origins:
        return "*"
    return origin if origin in origins else None


def _cors_headers(allow: str) -> dict[str, str]:
    headers = {"Access-Control-Allow-Origin": allow}
    if allow != "*":
        headers["Vary"] = "Origin"
    return headers


def preflight(request: web.Request, origin: str, allow: str | None) -> web.Response | None:
    """The answer to a preflight (before any other layer), or None when ``request`` is not one."""
    if not (request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers
            and request.path.startswith(PREFLIGHT_PATHS)):
        return None
    if allow is None:
        return error_response(Forbidden(f"Origin {origin} may not call this sandbox; allowed origins are set "
                                        f"with MOCKCASA_CORS_ORIGINS."), new_request_id())
    return web.Response(status=204, headers={
        **_cors_headers(allow), "Access-Control-Allow-Methods": ALLOWED_METHODS,
        "Access-Control-Allow-Headers": ALLOWED_HEADERS, "Access-Control-Max-Age": MAX_AGE})


def allow_reading(response: web.StreamResponse, allow: str) -> None:
    """Let the calling page read ``response`` and the headers a client needs."""
    response.headers.update(_cors_headers(allow))
    response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
