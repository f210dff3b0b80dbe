"""Rate limits: N requests per window per credential, counted on the organization's mock clock.

Semantics (the contract only says "1000 req/hour per key"):

- **Fixed window from the first request.** A credential's window opens at the mock instant of
  its first counted request and lasts ``window_seconds`` (3600); the first request at or after
  the window's end opens a new one. Moving the clock back before a window's start also opens a
  new one, so a test that rewinds time is never stuck behind a window in the future.
- Every authenticated request counts, whatever its outcome (403, 404 and 400 included); requests
  that fail authentication are not counted and carry no rate-limit headers. A request refused
  with 429 does not count either.
- The limit is the credential's own (``ApiKey.rate_limit``, seed ``apiKeys[].rateLimit``), else
  the sandbox-wide default (``--rate-limit`` / ``MOCKCASA_RATE_LIMIT``, 1000).
- Every counted response carries ``X-RateLimit-Limit``, ``X-RateLimit-Remaining`` (after this
  request) and ``X-RateLimit-Reset`` (Unix seconds, rounded up, when the window ends). A 429
  adds ``Retry-After``: whole seconds until then, at least 1.

State lives on the organization (``org.extras``), so ``org.reset()`` clears it and two
organizations never share a window.
"""

from __future__ import annotations

from math import ceil
from typing import TYPE_CHECKING

from aiohttp import web

from mockcasa.errors import RateLimited
from mockcasa.http.envelope import render_error
from mockcasa.keys import PRINCIPAL

if TYPE_CHECKING:
    from mockcasa.http.auth import Principal
    from mockcasa.state import Organization

WINDOWS = "rate_limit_windows"  # org.extras key: {credential_id: Window}
PURGE_ABOVE = 1024  # windows kept per organization before ended ones are dropped


class Window:
    """One credential's current window: when it ends and how many requests it has counted."""

    __slots__ = ("count", "reset_at", "reset_header", "start")

    def __init__(self, start: float, seconds: int) -> None:
        self.start = start
        self.reset_at = start + seconds
        self.reset_header = str(ceil(self.reset_at))
        self.count = 0


class RateLimiter:
    """The sandbox-wide defaults (on the app as ``RATE_LIMITER``; the admin API may change them)."""

    def __init__(self, limit: int = 1000, window_seconds: int = 3600) -> None:
        self.limit = limit
        self.window_seconds = window_seconds

    def window(self, org: Organization, credential_id: str, now: float) -> Window:
        """The credential's open window at ``now``, opening a new one when needed."""
        windows: dict[str, Window] | None = org.extras.get(WINDOWS)
        if windows is None:
            windows = org.extras[WINDOWS] = {}
        window = windows.get(credential_id)
        if window is None or now >= window.reset_at or now < window.start:
            if window is None and len(windows) >= PURGE_ABOVE:
                for ended in [c for c, w in windows.items() if now >= w.reset_at or now < w.start]:
                    del windows[ended]
            window = windows[credential_id] = Window(now, self.window_seconds)
        return window

    def used(self, org: Organization, credential_id: str) -> int:
        """Requests the credential has made in its current window (0 when none is open)."""
        window = org.extras.get(WINDOWS, {}).get(credential_id)
        now = org.clock.timestamp()
        return window.count if window is not None and window.start <= now < window.reset_at else 0

    def hit(self, principal: Principal) -> tuple[int, int, str]:
        """Count one request; raise 429 (with every rate-limit header) once the window is spent."""
        org = principal.org
        now = org.clock.timestamp()
        window = self.window(org, principal.credential_id, now)
        limit = principal.rate_limit or self.limit
        if window.count >= limit:
            retry_after = max(1, ceil(window.reset_at - now))
            raise RateLimited(
                f"Rate limit exceeded: this credential may make {limit} requests per "
                f"{self.window_seconds} seconds. Retry after {retry_after} seconds.",
                {"limit": limit, "windowSeconds": self.window_seconds, "retryAfterSeconds": retry_after},
                headers={"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": "0",
                         "X-RateLimit-Reset": window.reset_header, "Retry-After": str(retry_after)})
        window.count += 1
        return limit, limit - window.count, window.reset_header


def rate_limit_middleware(limiter: RateLimiter):
    """The layer after authentication: count the request, then stamp the headers on any outcome."""

    @web.middleware
    async def rate_limit(request: web.Request, handler) -> web.StreamResponse:
        principal = request.get(PRINCIPAL)
        if principal is None:  # not an authenticated API request: not counted
            return await handler(request)
        limit, remaining, reset = limiter.hit(principal)
        try:
            response = await handler(request)
        except Exception as exc:  # noqa: BLE001 - any failure is rendered (500 is logged)
            response = render_error(request, exc)
        headers = response.headers
        headers["X-RateLimit-Limit"] = str(limit)
        headers["X-RateLimit-Remaining"] = str(remaining)
        headers["X-RateLimit-Reset"] = reset
        return response

    return rate_limit
