"""Signing in to the console: a one-time link or the admin token, then a cookie.

``serve`` prints a sign-in URL carrying a one-time ticket; opening it (or posting the admin token
to the sign-in form) starts a session: an ``HttpOnly``, ``SameSite=Strict`` cookie naming it,
scoped to ``/_mockcasa/``. The console's pages read with that cookie; everything they change goes
through the admin API, which accepts the cookie in place of the token only together with the
session's CSRF token in the ``X-CSRF-Token`` header (a header no other site can make a browser
send), so a cross-site request can change nothing.
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from aiohttp import web

from mockcasa.errors import Forbidden

COOKIE = "mockcasa_console"
COOKIE_PATH = "/_mockcasa/"
CSRF_HEADER = "X-CSRF-Token"
MAX_SESSIONS = 100  # the oldest session is signed out beyond this
SESSION_SECONDS = 7 * 24 * 3600


@dataclass
class Session:
    id: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    started: float = field(default_factory=time.monotonic)


class Sessions:
    """The console's signed-in browsers, and the one-time ticket of the printed sign-in link."""

    def __init__(self, admin_token: str) -> None:
        self._admin_token = admin_token
        self.ticket: str | None = secrets.token_urlsafe(24)
        self._sessions: OrderedDict[str, Session] = OrderedDict()

    def start(self) -> Session:
        session = Session()
        self._sessions[session.id] = session
        while len(self._sessions) > MAX_SESSIONS:
            self._sessions.popitem(last=False)
        return session

    def redeem(self, ticket: str) -> Session | None:
        """A session for the printed link's ticket, once: the ticket is spent."""
        if self.ticket is None or not secrets.compare_digest(ticket.encode(), self.ticket.encode()):
            return None
        self.ticket = None
        return self.start()

    def sign_in(self, token: str) -> Session | None:
        if not secrets.compare_digest(token.encode(), self._admin_token.encode()):
            return None
        return self.start()

    def of(self, request: web.Request) -> Session | None:
        """The session the request's cookie names, if it is current."""
        session_id = request.cookies.get(COOKIE)
        session = self._sessions.get(session_id) if session_id else None
        if session is None:
            return None
        if time.monotonic() - session.started > SESSION_SECONDS:
            del self._sessions[session.id]
            return None
        return session

    def end(self, session: Session) -> None:
        self._sessions.pop(session.id, None)


SESSIONS: web.AppKey[Sessions] = web.AppKey("console_sessions", Sessions)


def set_cookie(response: web.StreamResponse, session: Session) -> None:
    response.set_cookie(COOKIE, session.id, path=COOKIE_PATH, httponly=True, samesite="Strict",
                        max_age=SESSION_SECONDS)


def clear_cookie(response: web.StreamResponse) -> None:
    response.del_cookie(COOKIE, path=COOKIE_PATH)


def admin_session(request: web.Request) -> bool:
    """Whether an admin API request is authorised by a console session (else the token decides).

    A request that presents a token is judged by the token alone. One that presents a current
    session cookie must also carry the session's CSRF token: 403 otherwise.
    """
    sessions = request.config_dict.get(SESSIONS)
    if sessions is None or "x-admin-token" in request.headers or "Authorization" in request.headers:
        return False
    session = sessions.of(request)
    if session is None:
        return False
    sent = request.headers.get(CSRF_HEADER, "")
    if not secrets.compare_digest(sent.encode(), session.csrf.encode()):
        raise Forbidden(f"A console session must send its page's {CSRF_HEADER} header; nothing was changed.")
    return True
