"""Dashboard and system actions: state changes the public API refuses (send a proposal, record a payout...).

Resources declare them. ``Resource.actions`` act on one record, ``action(ctx, record, params) ->
record``; ``Resource.collection_actions`` create one, ``action(ctx, params) -> record``. These
routes find the organization (and the record), run the action with the JSON body as params on a
staged copy of the organization, and only when it succeeds make the copy current and publish
the webhook events it emitted: a refused action (400/409) leaves nothing half done. The answer
is the record as the API would show it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web

from mockcasa.admin.common import AdminRoute, organization, reply
from mockcasa.admin.lookup import find_organization, find_record
from mockcasa.bounds import loads
from mockcasa.engine.records import dump, publish, render
from mockcasa.engine.resource import Ctx, Resource
from mockcasa.engine.routes import json_response
from mockcasa.errors import Invalid, NotFound
from mockcasa.keys import SANDBOX, SETTINGS
from mockcasa.revisions import resolve as resolve_revision


def actions_of(resources: Mapping[str, Resource]) -> dict[str, dict[str, list[str]]]:
    """The dashboard actions of ``resources`` (one revision's), per resource name."""
    return {
        "actions": {name: sorted(resource.actions) for name, resource in resources.items() if resource.actions},
        "collectionActions": {name: sorted(resource.collection_actions)
                              for name, resource in resources.items() if resource.collection_actions},
    }


def _listed_revision(request: web.Request) -> str:
    """``?organizationId=`` (an id or a name): its revision; else ``?revision=`` (``latest`` too); else the
    server's default (``--api-revision``), as ``/api/v1/openapi.json`` chooses the document it serves."""
    wanted = request.query.get("revision")
    try:
        revision = resolve_revision(wanted) if wanted is not None else None
    except ValueError as exc:
        raise Invalid(f"Query parameter 'revision': {exc}.", {"revision": str(exc)}) from None
    named = request.query.get("organizationId")
    if named is None:
        return revision or resolve_revision(request.config_dict[SETTINGS].api_revision)
    org = find_organization(request.config_dict[SANDBOX], named)
    if revision not in (None, org.api_revision):
        raise Invalid(f"Organization {org.id} is served API revision {org.api_revision}, not {revision}; name "
                      f"one or the other.", {"revision": f"must be {org.api_revision} (the organization's) or left out"})
    return org.api_revision


async def list_actions(request: web.Request) -> web.Response:
    """The actions of one revision (each organization runs those of its own): see ``_listed_revision``."""
    revision = _listed_revision(request)
    return reply({"apiRevision": revision, **actions_of(request.config_dict[SANDBOX].revisions[revision])})


async def _params(request: web.Request) -> dict:
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        params = loads(raw)
    except ValueError as exc:
        raise Invalid(f"The action parameters are not valid JSON: {exc}.", {"body": "must be a JSON object"}) \
            from None
    if not isinstance(params, dict):
        raise Invalid("The action parameters must be a JSON object.", {"body": "must be a JSON object"})
    return params


def _resource(request: web.Request) -> Resource:
    resources = organization(request).resources
    resource = resources.get(request.match_info["resource"])
    if resource is None:
        raise NotFound(f"No resource named {request.match_info['resource']!r}; known: {', '.join(resources)}.")
    return resource


def _action(resource: Resource, declared: dict[str, Callable], name: str, kind: str) -> Callable:
    action = declared.get(name)
    if action is None:
        known = ", ".join(sorted(declared)) or "none"
        raise NotFound(f"{resource.name} has no {kind} {name!r} (available: {known}).",
                       {"availableActions": sorted(declared)})
    return action


async def _staged(request: web.Request, run: Callable[[Ctx, dict], Any]) -> tuple[Ctx, Any]:
    """Run ``run(ctx, params)`` in one transaction of the organization; publish its events on success."""
    org = organization(request)
    params = await _params(request)
    ctx = Ctx.of(request.config_dict[SANDBOX], org)
    with org.transaction():
        result = run(ctx, params)
    publish(request.config_dict[SANDBOX], ctx)
    return ctx, result


async def run_action(request: web.Request) -> web.Response:
    resource = _resource(request)
    action = _action(resource, resource.actions, request.match_info["action"], "action")

    def run(ctx: Ctx, params: dict) -> Any:
        record = find_record(ctx, resource, request.match_info["id"])  # an id, INV-0001 or a seed alias
        result = action(ctx, render(resource, ctx, record), params)
        return result if result is not None else ctx.org[resource.name].get(record.id)

    ctx, result = await _staged(request, run)
    if result is None:
        return web.Response(status=204)
    return json_response(dump(render(resource, ctx, result)))


async def run_collection_action(request: web.Request) -> web.Response:
    resource = _resource(request)
    action = _action(resource, resource.collection_actions, request.match_info["action"], "collection action")
    ctx, record = await _staged(request, lambda ctx, params: action(ctx, params))
    return json_response(dump(render(resource, ctx, record)), status=201)


ROUTES = [
    AdminRoute("GET", "/actions", list_actions, "Dashboard actions per resource, of one API revision: the "
               "organization's (organizationId), else revision, else the server's default", tag="Actions",
               query=("organizationId", "revision")),
    AdminRoute("POST", "/organizations/{orgId}/{resource}/{id}/actions/{action}", run_action,
               "Run a dashboard/system action on a record (JSON body: the action's parameters)",
               body="object", tag="Actions"),
    AdminRoute("POST", "/organizations/{orgId}/{resource}/actions/{action}", run_collection_action,
               "Run a system action that creates a record (JSON body: the action's parameters)", 201,
               body="object", tag="Actions"),
]
