"""The layers in front of every request, run by one middleware in a fixed order.

Outermost first: the body read (timeout, size; ``serving.read_body_in_time``), the journal, CORS
(answers preflights), the request id and error envelope, faults, authentication (401, never
counted), the rate limit (429; headers on every authenticated response), route resolution
(404/405/410, before idempotency, so a used key on a request that matches no operation is not a
409) and idempotency (replay or 409). The admin API and the console are sub-applications with
their own middlewares: their requests get the body read, CORS and the envelope only.

Each layer's rules live in its own module; this one only orders them. They run as steps of one
coroutine, not as a chain of nested middlewares: a request pays two Python frames for all of
them instead of one (and a ``functools.partial``) per layer, and the steps a request does not
need (CORS without ``Origin``, faults when none are configured, idempotency without a key) cost
one test each.
"""

from __future__ import annotations

import functools
import time

from aiohttp import hdrs, web

from mockcasa.engine.routes import check_revision
from mockcasa.http.auth import PRINCIPAL, Principal, principal_of
from mockcasa.http.cors import allow_reading, allowed_origin, preflight
from mockcasa.http.envelope import REQUEST_ID_HEADER, REQUEST_IDS, render_error
from mockcasa.http.idempotency import HEADER as IDEMPOTENCY_KEY
from mockcasa.http.idempotency import METHODS as IDEMPOTENT_METHODS
from mockcasa.http.idempotency import run_once
from mockcasa.http.journal import JOURNAL, record
from mockcasa.http.ratelimit import RateLimiter, stamp
from mockcasa.keys import REQUEST_ID, SETTINGS
from mockcasa.scenarios.layer import FAULT, fault_for, inject
from mockcasa.serving import read_body_in_time

API_PREFIX = "/api/v1/"
OPENAPI_PATH = "/api/v1/openapi.json"


def layers_middleware(limiter: RateLimiter):
    """The app's one middleware; ``limiter`` holds the sandbox-wide rate-limit defaults."""

    @web.middleware
    async def layers(request: web.Request, handler) -> web.StreamResponse:
        body = b""
        if request.body_exists:
            body = await read_body_in_time(request)
            if body.__class__ is not bytes:  # refused: not journaled, the request never reached the API
                return body
        app = request.app  # read once: a property of a property
        apps = request.match_info.apps
        if apps and apps[-1] is not app:  # a sub-application's route: it brings its own layers
            return await _enveloped(request, handler, app, None)
        # Known later, or never: set now, so every later look is a plain read that cannot raise.
        # The request's state dict itself: ``request[KEY] = ...`` is a Python-level method call.
        state = request._state
        state[PRINCIPAL] = None
        state[FAULT] = None
        journal = app[JOURNAL]
        if not journal.size:
            return await _enveloped(request, handler, app, limiter)
        started = time.perf_counter()
        response = None
        try:
            response = await _enveloped(request, handler, app, limiter)
            return response
        finally:
            # The body as read above, not read again: ~4,000 instructions (~0.8 µs) per POST.
            record(journal, request, response, started, body)

    return layers


async def _enveloped(request: web.Request, handler, app: web.Application,
                     limiter: RateLimiter | None) -> web.StreamResponse:
    """CORS, then the request id and envelope around the public layers (``limiter`` None: none)."""
    origin = request.headers.get(hdrs.ORIGIN)  # an istr: no case-folded copy of the name per request
    allow = None
    if origin is not None:
        allow = allowed_origin(app[SETTINGS].cors_origins, origin)
        answer = preflight(request, origin, allow)
        if answer is not None:
            return answer
    request_id = app[REQUEST_IDS]()
    request._state[REQUEST_ID] = request_id  # as in ``layers``: no Python-level ``__setitem__``
    try:
        if limiter is None:
            response = await handler(request)
        else:
            # Faults come first: an outage does not care who is calling.
            fault = fault_for(request, app)
            if fault is None:
                response = await _authorized(request, handler, limiter)
            else:
                request[FAULT] = fault
                response = await inject(request, functools.partial(_authorized, handler=handler, limiter=limiter),
                                        fault)
    except Exception as exc:  # noqa: BLE001 - any failure is rendered (500 is logged)
        response = render_error(request, exc)
    response.headers[REQUEST_ID_HEADER] = request_id
    if allow is not None:
        allow_reading(response, allow)
    return response


async def _authorized(request: web.Request, handler, limiter: RateLimiter) -> web.StreamResponse:
    """Authentication, the rate limit, route resolution and idempotency, then the handler."""
    path = request.path
    principal: Principal | None
    if path.startswith(API_PREFIX) and path != OPENAPI_PATH:
        principal = principal_of(request)  # 401 before anything else looks at the request
    else:
        principal = request[PRINCIPAL]  # known already when a fault needed it
    if principal is None:  # not an authenticated API request: not counted
        await _check_route(request, None)
        return await handler(request)
    counted = limiter.hit(principal)
    try:
        if request.match_info.http_exception is not None:
            await _check_route(request, principal)
        key = request.headers.get(IDEMPOTENCY_KEY) if request.method in IDEMPOTENT_METHODS else None
        if key is None:  # a route the caller's revision lacks refuses itself (``RevisionRoute.handler``)
            response = await handler(request)
        else:  # refused before the key is looked at, so a used key is not a 409 there
            _check_revision(request, principal)
            response = await run_once(request, handler, key, principal)
    except Exception as exc:  # noqa: BLE001 - any failure is rendered (500 is logged)
        response = render_error(request, exc)
    stamp(response, counted)
    return response


async def _check_route(request: web.Request, principal: Principal | None) -> None:
    """An unknown path is 404, an undeclared method 405 with ``Allow``, a route the caller's API
    revision lacks 404 or 410."""
    error = request.match_info.http_exception
    if error is not None:
        await check_revision(request, error)  # the caller's revision may narrow a 405, or make it a 410
        raise error
    _check_revision(request, principal)


def _check_revision(request: web.Request, principal: Principal | None) -> None:
    """A matched route the caller's API revision does not serve: 404, or 410 when it was removed."""
    route = getattr(request.match_info.handler, "revision_route", None)
    if route is not None:
        refusal = route.refusal((principal or principal_of(request)).org.api_revision)
        if refusal is not None:
            raise refusal
