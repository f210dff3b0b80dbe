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

The windows are declared state of the organization (``Organization.rate_windows``, stored by
``mockcasa.state.rate_windows``), so a reset clears them, a snapshot carries them, and two
organizations never share a window.
"""

from __future__ import annotations

from math import ceil
from typing import TYPE_CHECKING

from aiohttp import web
from multidict import istr

from mockcasa.errors import RateLimited
from mockcasa.state.rate_windows import Window, open_window

if TYPE_CHECKING:
    from mockcasa.http.auth import Principal
    from mockcasa.state import Organization


class RateLimiter:
    """The sandbox-wide defaults (on the app as ``RATE_LIMITER``; the admin API may change them)."""

    def __init__(self, limit: int = 1000, window_seconds: int = 3600) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self._limit_headers: dict[int, str] = {}

    def window(self, org: Organization, credential_id: str, now: float) -> Window:
        """The credential's open window at ``now``, opening a new one when needed."""
        return open_window(org.rate_windows, credential_id, now, self.window_seconds)

    def used(self, org: Organization, credential_id: str) -> int:
        """Requests the credential has made in its current window (0 when none is open)."""
        window = org.rate_windows.get(credential_id)
        return window.count if window is not None and window.open_at(org.clock.timestamp()) else 0

    def hit(self, principal: Principal) -> tuple[str, str, str]:
        """Count one request; raise 429 (with every rate-limit header) once the window is spent.

        Returns the counted response's ``X-RateLimit-*`` header values (limit, remaining, reset).
        """
        org = principal.org
        now = org.clock.timestamp()
        window = org.rate_windows.get(principal.credential_id)
        if window is None or not window.start <= now < window.reset_at:  # none open (``Window.open_at``)
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
        return self._limit_header(limit), str(limit - window.count), window.reset_header

    def _limit_header(self, limit: int) -> str:
        """``str(limit)``, made once per limit (every counted response carries it)."""
        header = self._limit_headers.get(limit)
        if header is None:
            header = self._limit_headers[limit] = str(limit)
        return header


RATE_LIMITER: web.AppKey[RateLimiter] = web.AppKey("rate_limiter", RateLimiter)
# On every counted response: ``istr``, as ``envelope.REQUEST_ID_HEADER`` says why.
LIMIT_HEADER, REMAINING_HEADER, RESET_HEADER = istr("X-RateLimit-Limit"), istr("X-RateLimit-Remaining"), \
    istr("X-RateLimit-Reset")


def stamp(response: web.StreamResponse, counted: tuple[str, str, str]) -> None:
    """The rate-limit headers of a counted request (``RateLimiter.hit``), on any outcome."""
    headers = response.headers
    headers[LIMIT_HEADER], headers[REMAINING_HEADER], headers[RESET_HEADER] = counted
