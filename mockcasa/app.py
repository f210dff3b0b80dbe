"""The application factory: wires the layers, the resources and the served documents."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
from collections.abc import Callable

from aiohttp import web

from mockcasa.admin import setup_admin
from mockcasa.config import Settings, default_seed
from mockcasa.engine.routes import add_routes, json_response
from mockcasa.http.auth import principal_of
from mockcasa.http.envelope import envelope_middleware
from mockcasa.http.idempotency import idempotency_middleware
from mockcasa.http.journal import JOURNAL, Journal, journal_middleware
from mockcasa.http.ratelimit import RateLimiter, rate_limit_middleware
from mockcasa.keys import RATE_LIMITER, SANDBOX, SETTINGS
from mockcasa.oauth.endpoints import add_oauth_routes
from mockcasa.openapi import build_document
from mockcasa.resources import all_resources, all_scopes
from mockcasa.scenarios import fault_middleware, setup_faults
from mockcasa.seeding import load_seed_files
from mockcasa.serving import read_body_in_time
from mockcasa.state import Sandbox
from mockcasa.webhooks.worker import install as install_webhooks

API_PREFIX = "/api/v1/"
OPENAPI_PATH = "/api/v1/openapi.json"
# Built on first request: it is the costliest part of create_app, and most apps (one per pytest
# test) never serve it.
OPENAPI_DOCUMENT: web.AppKey[Callable[[], bytes]] = web.AppKey("openapi_document")


@web.middleware
async def auth_middleware(request: web.Request, handler) -> web.StreamResponse:
    """Authenticate every public API request before anything else looks at it (401 first)."""
    if request.path.startswith(API_PREFIX) and request.path != OPENAPI_PATH:
        principal_of(request)
    return await handler(request)


async def serve_openapi(request: web.Request) -> web.Response:
    return json_response(request.app[OPENAPI_DOCUMENT]())


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


def create_app(settings: Settings | None = None, *, load_default_seed: bool = False) -> web.Application:
    """Build a mockcasa application.

    ``settings.seeds`` are loaded in order (a bad file raises ``SeedError`` and nothing is
    served); with no seeds and ``load_default_seed`` the bundled ``seeds/default.yaml`` is used.
    ``settings.scenarios`` are loaded as fault rules (a bad file raises ``ScenarioError``).
    Layers, outermost first: body read (timeout, size), journal, error envelope, faults,
    authentication (401, never counted), rate limit (429; headers on every authenticated response),
    idempotency (replay or 409).
    """
    settings = settings or Settings()
    resources = all_resources()
    sandbox = Sandbox(resources, all_scopes(resources), settings)
    seeds = list(settings.seeds)
    if not seeds and load_default_seed and default_seed() is not None:
        seeds = [default_seed()]
    load_seed_files(sandbox, seeds)

    limiter = RateLimiter(settings.rate_limit, settings.rate_limit_window)
    app = web.Application(middlewares=[read_body_in_time, journal_middleware, envelope_middleware,
                                       fault_middleware, auth_middleware, rate_limit_middleware(limiter),
                                       idempotency_middleware], client_max_size=settings.max_body_size)
    app[SETTINGS] = settings
    app[RATE_LIMITER] = limiter
    app[SANDBOX] = sandbox
    app[JOURNAL] = Journal(settings.journal_size)
    setup_faults(app, settings)
    setup_admin(app, settings)
    app[OPENAPI_DOCUMENT] = functools.cache(lambda: json.dumps(build_document(resources)).encode())
    app.router.add_get(OPENAPI_PATH, serve_openapi)
    add_routes(app, resources)
    install_webhooks(app)
    app.cleanup_ctx.append(_clock_ticker)
    add_oauth_routes(app)
    return app
