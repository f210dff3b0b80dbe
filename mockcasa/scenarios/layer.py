"""The fault layer: injects errors, delays, dropped and hung connections in front of the API.

It sits inside the error envelope (so injected errors look like real ones) and before
authentication (an outage does not care who is calling). Resources never see it. A request
may also ask for one fault itself with the ``X-Mockcasa-Fault`` header; delays asked for that way
(latency, hang) need a valid credential and last at most ``MAX_HEADER_DELAY``.
"""

from __future__ import annotations

import asyncio
from asyncio import sleep
from typing import TYPE_CHECKING

from aiohttp import web
from pydantic import ValidationError

from mockcasa.errors import ApiError, Invalid, RateLimited, ServiceError
from mockcasa.http.auth import credential_of, principal_of
from mockcasa.keys import SETTINGS
from mockcasa.routing import operation_id
from mockcasa.scenarios.rules import Fault, FaultRules, RequestView

if TYPE_CHECKING:
    from mockcasa.scenarios.models import Step

FAULT_HEADER = "X-Mockcasa-Fault"
MAX_HANG = 300.0  # seconds a "hang: true" waits for the client to give up before dropping
# A delay any caller can ask for with the header: at most this long, and only with a valid credential,
# so an anonymous client cannot hold connections for minutes (scenario rules, set by the admin, may).
MAX_HEADER_DELAY = 30.0
FAULTS: web.AppKey[FaultRules] = web.AppKey("faults", FaultRules)
SHUTDOWN: web.AppKey[asyncio.Event] = web.AppKey("shutdown", asyncio.Event)
FAULT: web.RequestKey[Fault] = web.RequestKey("fault", Fault)
MESSAGES = {
    500: "Unexpected server error.",
    502: "Bad gateway: the upstream service returned an invalid response.",
    503: "Service unavailable: ClientCasa is temporarily unable to handle the request. Try again later.",
    504: "Gateway timeout: the upstream service did not respond in time.",
}


def header_fault(value: str) -> Fault:
    """``503``, ``429``, ``drop``, ``hang``, ``hang=50ms``, ``latency=200ms``, or several: ``latency=1s,503``."""
    from mockcasa.scenarios.models import Step, seconds  # see the package's docstring

    fields: dict = {}
    for part in (p.strip().lower() for p in value.split(",")):
        name, _, arg = part.partition("=")
        if part.isdigit():
            fields["status"] = int(part)
        elif name in ("drop", "hang") and not arg:
            fields[name] = True
        elif name in ("latency", "hang") and arg:
            fields[name] = arg
        elif name == "retry-after" and arg.isdigit():
            fields["retry_after"] = int(arg)
        else:
            raise Invalid(f"Unknown {FAULT_HEADER} value {part!r}: use a status (429, 500, 502, 503, 504), "
                          f"latency=200ms, drop, hang or hang=50ms.", {FAULT_HEADER: f"unknown fault {part!r}"})
    try:
        action = Step.model_validate(fields)
    except ValidationError as exc:
        reason = "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors(include_url=False))
        raise Invalid(f"Invalid {FAULT_HEADER} header: {reason}.", {FAULT_HEADER: reason}) from None
    latency = seconds(action.latency) if action.latency is not None else 0.0
    hang = 0.0 if action.hang is False else MAX_HEADER_DELAY if action.hang is True else seconds(action.hang)
    for name, delay in (("latency", latency), ("hang", hang)):
        if delay > MAX_HEADER_DELAY:
            reason = f"{name} may be at most {MAX_HEADER_DELAY:g}s when asked for with the header"
            raise Invalid(f"Invalid {FAULT_HEADER} header: {reason}.", {FAULT_HEADER: reason})
    if action.hang is True:  # "until the client gives up", within the header's bound
        action = action.model_copy(update={"hang": MAX_HEADER_DELAY})
    return Fault(latency, action if action.terminal else None, [FAULT_HEADER])


def view_of(request: web.Request) -> RequestView:
    try:
        org = principal_of(request).org
    except ApiError:
        org = None
    try:
        key = credential_of(request)
    except ApiError:
        key = None
    route = request.match_info.route
    return RequestView(request.method, request.path, operation_id(route), request.headers, org, key)


def fault_for(request: web.Request, app: web.Application) -> Fault | None:
    """The fault to inject into ``request`` (its header's, else the first matching rules' of ``app``), or None.

    Raises 400 for a malformed header, 401 for a header asking for a delay without a valid credential.
    """
    raw = request.headers.get(FAULT_HEADER)
    if raw is not None:
        fault = header_fault(raw)
        if fault.latency or (fault.ending is not None and fault.ending.hang is not False):
            principal_of(request)  # a delay costs the server a connection: 401 without a valid credential
        return fault
    rules = app[FAULTS]
    return rules.select(view_of(request)) if rules.rules else None


async def inject(request: web.Request, handler, fault: Fault) -> web.StreamResponse:
    if fault.latency > 0:
        await sleep(fault.latency)
    ending = fault.ending
    if ending is None:
        try:
            response = await handler(request)
        except ApiError as exc:
            exc.headers[FAULT_HEADER] = fault.label
            raise
        response.headers[FAULT_HEADER] = fault.label
        return response
    if ending.hang is not False:
        from mockcasa.scenarios.models import seconds

        limit = MAX_HANG if ending.hang is True else seconds(ending.hang)
        try:
            await asyncio.wait_for(request.app[SHUTDOWN].wait(), timeout=limit)
        except TimeoutError:
            pass
    if ending.drop or ending.hang is not False:
        fault.dropped = True
        if request.transport is not None:
            request.transport.close()
        return web.Response(status=204)
    raise error_for(request, ending, fault.label)


def error_for(request: web.Request, action: Step, label: str) -> ApiError:
    headers = {FAULT_HEADER: label}
    if action.status == 429:
        retry = 1 if action.retry_after is None else action.retry_after
        try:
            principal = principal_of(request)
        except ApiError:
            principal = None
        clock = principal.org.clock if principal else request.app[FAULTS].clock
        limit = (principal.rate_limit if principal else None) or request.app[SETTINGS].rate_limit
        headers.update({"Retry-After": str(retry), "X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": "0",
                        "X-RateLimit-Reset": str(int(clock.now().timestamp()) + retry)})
        message = action.message or f"Rate limit exceeded. Retry after {retry} seconds."
        return RateLimited(message, headers=headers)
    if action.retry_after is not None:
        headers["Retry-After"] = str(action.retry_after)
    error = ServiceError(action.status, action.message or MESSAGES[action.status])
    error.headers = headers
    return error
