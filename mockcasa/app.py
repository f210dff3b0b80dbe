"""The application factory: wires the layers, the resources and the served documents."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
from collections.abc import Callable

from aiohttp import web

from mockcasa.admin import admin_app, setup_admin
from mockcasa.config import Settings, default_seed
from mockcasa.console import add_root_pages, console_app, setup_console
from mockcasa.engine.routes import add_routes, json_response
from mockcasa.errors import Invalid, Unauthorized
from mockcasa.http.auth import PRINCIPALS, Principals, principal_of
from mockcasa.http.envelope import REQUEST_IDS, RequestIds
from mockcasa.http.journal import JOURNAL, Journal
from mockcasa.http.layers import OPENAPI_PATH, layers_middleware
from mockcasa.http.ratelimit import RATE_LIMITER, RateLimiter
from mockcasa.keys import SANDBOX, SETTINGS
from mockcasa.oauth.endpoints import add_oauth_routes
from mockcasa.oauth.server import oauth_of
from mockcasa.openapi import build_document
from mockcasa.resources import Revisions, all_revisions, all_scopes, error_codes
from mockcasa.resources.outline import OUTLINE
from mockcasa.revisions import resolve as resolve_revision
from mockcasa.routing import Routes, SubApp, register, resources_of
from mockcasa.scenarios import setup_faults
from mockcasa.seeding import load_seed_files
from mockcasa.state import Sandbox
from mockcasa.state_file import setup_state_file
from mockcasa.webhooks.sink import setup_sinks
from mockcasa.webhooks.worker import install as install_webhooks

# Built on first request: it is the costliest part of create_app, and most apps (one per pytest
# test) never serve it.
OPENAPI_DOCUMENT: web.AppKey[Callable[[str], bytes]] = web.AppKey("openapi_document")


def _document_revision(request: web.Request) -> str:
    """``?revision=`` (anyone), else the caller's organization's (when credentials are sent), else the default."""
    wanted = request.query.get("revision")
    if wanted is not None:
        try:
            return resolve_revision(wanted)
        except ValueError as exc:
            raise Invalid(f"Query parameter 'revision': {exc}.", {"revision": str(exc)}) from None
    try:
        return principal_of(request).org.api_revision
    except Unauthorized:  # the document is public: no (or a bad) credential reads the default revision
        return request.app[SETTINGS].api_revision


async def serve_openapi(request: web.Request) -> web.Response:
    return json_response(request.app[OPENAPI_DOCUMENT](_document_revision(request)))


async def _clock_ticker(app: web.Application):
    """Let real time passing on running clocks fire time-driven events (see ``Sandbox.tick``)."""
    period = app[SETTINGS].clock_tick_seconds

    async def run() -> None:
        while True:
            await asyncio.sleep(period)
            app[SANDBOX].tick()

    task = asyncio.get_running_loop().create_task(run()) if period > 0 else None
    yield
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def build_routes(revisions: Revisions | None = None) -> Routes:
    """Every route of an app, for any number of ``create_app(routes=...)`` (see ``mockcasa.routing``).

    ``revisions``: where handlers find their resources (default: a ``Revisions`` of their own).
    """
    root = web.Application()  # a scratch app: only the route objects on its router are kept
    root.router.add_get(OPENAPI_PATH, serve_openapi)
    add_routes(root, all_revisions() if revisions is None else revisions, OUTLINE)
    add_oauth_routes(root)
    pages = web.Application()
    add_root_pages(pages)
    return Routes(resources_of(root), SubApp(admin_app), SubApp(console_app), resources_of(pages))


def create_app(settings: Settings | None = None, *, load_default_seed: bool = False,
               routes: Routes | None = None) -> web.Application:
    """Build a mockcasa application.

    ``settings.seeds`` are loaded in order (a bad file raises ``SeedError`` and nothing is
    served); with no seeds and ``load_default_seed`` the bundled ``seeds/default.yaml`` is used.
    ``settings.scenarios`` are loaded as fault rules (a bad file raises ``ScenarioError``).
    ``settings.state_file``, when it exists, then replaces that world (``StateFileError`` if unusable).
    Layers, outermost first: body read (timeout, size), journal, CORS (answers preflights), error
    envelope, faults, authentication (401, never counted), rate limit (429; headers on every
    authenticated response), route resolution (404/405), idempotency (replay or 409). The admin API
    and the console are sub-applications with their own layers.
    ``routes``: a ``build_routes()`` to share with other apps (else the app builds its own).
    """
    settings = settings or Settings()
    revisions = all_revisions()
    sandbox = Sandbox(revisions[settings.api_revision], all_scopes(), settings, revisions=revisions)
    seeds = list(settings.seeds)
    if not seeds and load_default_seed and default_seed() is not None:
        seeds = [default_seed()]
    load_seed_files(sandbox, seeds)

    limiter = RateLimiter(settings.rate_limit, settings.rate_limit_window)
    # The body read, CORS (preflights are answered before routing) and the envelope apply everywhere
    # (the admin API's errors too); the journal and the layers after the envelope are public only
    # (see mockcasa.http.layers).
    app = web.Application(middlewares=[layers_middleware(limiter)], client_max_size=settings.max_body_size)
    app[SETTINGS] = settings
    app[REQUEST_IDS] = RequestIds()
    app[RATE_LIMITER] = limiter
    app[SANDBOX] = sandbox
    app[PRINCIPALS] = Principals(sandbox)
    app[JOURNAL] = Journal(settings.journal_size, settings.journal_max_bytes)
    setup_faults(app, settings)
    routes = routes or build_routes(revisions)
    setup_admin(app, settings, routes)
    if settings.console:
        setup_console(app, routes)
    app[OPENAPI_DOCUMENT] = functools.cache(lambda revision: json.dumps(build_document(
        revisions[revision], revision=revision, error_codes=error_codes(revision))).encode())
    register(app, routes.root)
    install_webhooks(app)
    setup_sinks(app)
    app.cleanup_ctx.append(_clock_ticker)
    oauth_of(sandbox)
    setup_state_file(app, settings)  # last: what a reset returns to is the seeded world, not the file
    return app
