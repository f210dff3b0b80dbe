"""The admin API under ``/_mockcasa/``: everything a test or a demo needs beyond the public API."""

from __future__ import annotations

import functools
import json
import secrets
from collections.abc import Callable
from functools import wraps

from aiohttp import web

from mockcasa.admin import actions, faults, organizations, system
from mockcasa.admin.common import ADMIN_TOKEN, STARTUP, AdminRoute, Handler, check_token
from mockcasa.admin.openapi import build_admin_document
from mockcasa.config import ADMIN_PREFIX, Settings
from mockcasa.console.session import admin_session
from mockcasa.keys import SANDBOX
from mockcasa.snapshot import export_state

ADMIN_DOCUMENT: web.AppKey[Callable[[], bytes]] = web.AppKey("admin_openapi")


async def admin_openapi(request: web.Request) -> web.Response:
    return web.Response(body=request.app[ADMIN_DOCUMENT](), content_type="application/json")


def all_routes() -> list[AdminRoute]:
    routes = [AdminRoute("GET", "/openapi.json", admin_openapi, "This document", auth=False)]
    # Features declare their admin routes beside their own code; imported here, not at the top,
    # because they build on mockcasa.admin.common.
    from mockcasa.oauth import admin as oauth_admin
    from mockcasa.webhooks import admin as webhook_admin
    from mockcasa.webhooks import sink

    for module in (system, organizations, faults, actions, webhook_admin, sink, oauth_admin):
        routes += module.ROUTES
    return routes


def _guarded(handler: Handler) -> Handler:
    @wraps(handler)
    async def guarded(request: web.Request) -> web.StreamResponse:
        if not admin_session(request):  # the console's signed-in pages (cookie + CSRF header)
            check_token(request)
        return await handler(request)
    return guarded


def setup_admin(app: web.Application, settings: Settings) -> str:
    """Mount the admin routes; remembers the current state as the startup world. Returns the token."""
    app[ADMIN_TOKEN] = settings.admin_token or secrets.token_urlsafe(24)
    app[STARTUP] = export_state(app[SANDBOX])
    routes = all_routes()
    # Built on first request, like the public document: ~3 ms that every app (one per test) would pay.
    app[ADMIN_DOCUMENT] = functools.cache(lambda: json.dumps(build_admin_document(routes)).encode())
    prefix = ADMIN_PREFIX.rstrip("/")
    for route in routes:
        handler = _guarded(route.handler) if route.auth else route.handler
        app.router.add_route(route.method, prefix + route.path, handler)
    return app[ADMIN_TOKEN]


__all__ = ["ADMIN_TOKEN", "all_routes", "setup_admin"]
