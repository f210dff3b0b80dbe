"""Dashboard and system actions: state changes the public API refuses (send a proposal, record a payout...).

Resources declare them in ``Resource.actions`` as ``action(ctx, record, params) -> record``; this
route finds the record in the organization, runs the action with the JSON body as params, publishes
the webhook events it emitted and answers with the record as the API would show it.
"""

from __future__ import annotations

import json

from aiohttp import web

from mockcasa.admin.common import AdminRoute, organization, reply
from mockcasa.engine.handlers import dump, json_response, render
from mockcasa.engine.spec import Ctx
from mockcasa.errors import Invalid, NotFound
from mockcasa.keys import SANDBOX


async def list_actions(request: web.Request) -> web.Response:
    resources = request.app[SANDBOX].resources
    return reply({"actions": {name: sorted(spec.actions) for name, spec in resources.items() if spec.actions}})


async def _params(request: web.Request) -> dict:
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        params = json.loads(raw)
    except ValueError as exc:
        raise Invalid(f"The action parameters are not valid JSON: {exc}.", {"body": "must be a JSON object"}) \
            from None
    if not isinstance(params, dict):
        raise Invalid("The action parameters must be a JSON object.", {"body": "must be a JSON object"})
    return params


async def run_action(request: web.Request) -> web.Response:
    org = organization(request)
    sandbox = request.app[SANDBOX]
    name, action_name = request.match_info["resource"], request.match_info["action"]
    spec = sandbox.resources.get(name)
    if spec is None:
        raise NotFound(f"No resource named {name!r}; known: {', '.join(sandbox.resources)}.")
    action = spec.actions.get(action_name)
    if action is None:
        known = ", ".join(sorted(spec.actions)) or "none"
        raise NotFound(f"{spec.name} has no action {action_name!r} (available: {known}).",
                       {"availableActions": sorted(spec.actions)})
    params = await _params(request)
    ctx = Ctx(org=org, sandbox=sandbox)
    record = ctx.find(spec.name, request.match_info["id"])
    result = action(ctx, render(spec, ctx, record), params)
    if ctx.events:
        sandbox.publish(org, ctx.events)
    if result is None:
        result = org[spec.name].get(record.id)
        if result is None:
            return web.Response(status=204)
    return json_response(dump(render(spec, ctx, result)))


ROUTES = [
    AdminRoute("GET", "/actions", list_actions, "Dashboard actions available per resource", tag="Actions"),
    AdminRoute("POST", "/organizations/{orgId}/{resource}/{id}/actions/{action}", run_action,
               "Run a dashboard/system action on a record (JSON body: the action's parameters)",
               body="object", tag="Actions"),
]
