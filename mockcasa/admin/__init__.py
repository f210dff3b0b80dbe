"""The admin API under ``/_mockcasa/``: everything a test or a demo needs beyond the public API."""

from __future__ import annotations

import functools
import json
import secrets
from collections.abc import Callable

from aiohttp import web

from mockcasa.admin.common import ADMIN_TOKEN, STARTUP, AdminRoute, Handler, check_token
from mockcasa.config import ADMIN_PREFIX, Settings
from mockcasa.keys import SANDBOX
from mockcasa.routing import Routes, mount, seal
from mockcasa.snapshot import export_state

ADMIN_DOCUMENT: web.AppKey[Callable[[], bytes]] = web.AppKey("admin_openapi")


async def admin_openapi(request: web.Request) -> web.Response:
    return web.Response(body=request.config_dict[ADMIN_DOCUMENT](), content_type="application/json")


def all_routes() -> list[AdminRoute]:
    routes = [AdminRoute("GET", "/openapi.json", admin_openapi, "This document", auth=False)]
    # Features declare their admin routes beside their own code; imported here, not at the top,
    # because they build on mockcasa.admin.common, and because the admin API is built on its first
    # request (``routing.SubApp``): a server that never sees one never imports them.
    from mockcasa.admin import actions, faults, organizations, shipped, system
    from mockcasa.oauth import admin as oauth_admin
    from mockcasa.webhooks import admin as webhook_admin
    from mockcasa.webhooks import sink

    for module in (system, shipped, organizations, faults, actions, webhook_admin, sink, oauth_admin):
        routes += module.ROUTES
    return routes


def _admin_document() -> bytes:
    from mockcasa.admin.openapi import build_admin_document

    return json.dumps(build_admin_document(all_routes())).encode()


OPEN_HANDLERS: web.AppKey[frozenset] = web.AppKey("admin_open_handlers", frozenset)
# Other ways to be signed in to the admin API besides the token (the console's session cookie with
# its CSRF header): each returns True to let the request through, False to let the token decide.
SIGN_INS: web.AppKey[list[Callable[[web.Request], bool]]] = web.AppKey("admin_sign_ins", list)


@web.middleware
async def token_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every admin route needs the admin token, except those declared ``auth=False`` (health, docs).

    An unknown path or method is 404/405 first: the admin API's routes are public knowledge (its
    OpenAPI document is served without a token).
    """
    if request.match_info.http_exception is not None:
        raise request.match_info.http_exception
    if request.match_info.handler not in request.app[OPEN_HANDLERS] \
            and not any(signed_in(request) for signed_in in request.config_dict[SIGN_INS]):
        check_token(request)
    return await handler(request)


def admin_app() -> web.Application:
    """The admin API as a sub-application, ``seal``ed at its prefix (see ``mockcasa.routing``).

    Its own middleware checks the token. The public layers of the root app (journal, faults, rate
    limits, idempotency) apply only to the root app's own routes, so they never see these.
    Handlers read shared state through ``request.config_dict``, so one can serve many apps.
    """
    routes = all_routes()
    admin = web.Application(middlewares=[token_middleware])
    admin[OPEN_HANDLERS] = frozenset(route.handler for route in routes if not route.auth)
    prefix = ADMIN_PREFIX.rstrip("/")
    for route in routes:
        admin.router.add_route(route.method, prefix + route.path, route.handler)
    return seal(prefix, admin)


def setup_admin(app: web.Application, settings: Settings, routes: Routes) -> str:
    """Mount the admin API (``routes.admin``, an ``admin_app()`` built on its first request); remembers the
    current state as the startup world.

    Returns the token.
    """
    app[ADMIN_TOKEN] = settings.admin_token or secrets.token_urlsafe(24)
    app[STARTUP] = export_state(app[SANDBOX])
    app[SIGN_INS] = []
    # Built on first request, like the public document: ~3 ms that every app (one per test) would pay.
    app[ADMIN_DOCUMENT] = functools.cache(_admin_document)
    mount(app, ADMIN_PREFIX.rstrip("/"), routes.admin)
    return app[ADMIN_TOKEN]


__all__ = ["ADMIN_TOKEN", "SIGN_INS", "admin_app", "all_routes", "setup_admin"]
