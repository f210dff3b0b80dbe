"""The console's pages: organizations, one organization, its records and one record.

Pages only read (the organizations' descriptions from the admin API's own functions, records
through the public API's handlers); every button on them calls the admin API from the page's
script. Templates are Jinja2 with autoescaping, so a record's text is always shown as text.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from mockcasa.admin.actions import actions_of
from mockcasa.admin.common import describe_organization
from mockcasa.console import records as rec
from mockcasa.console.activity import ACTIVITY
from mockcasa.console.forms import action_params, shipped_scenarios, shipped_seeds
from mockcasa.console.views import PREFIX, page
from mockcasa.errors import NotFound
from mockcasa.http.masking import mask
from mockcasa.keys import SANDBOX
from mockcasa.source_files import DocumentError, read_document


def org_of(request: web.Request):
    org = request.config_dict[SANDBOX].organizations.get(request.match_info["orgId"].lower())
    if org is None:
        raise NotFound(f"No organization with id {request.match_info['orgId']!r}.")
    return org


def resource_of(request: web.Request) -> str:
    resource = request.match_info["resource"]
    if resource not in org_of(request).resources:
        raise NotFound(f"No resource named {resource!r}.")
    return resource


def shown_organization(request: web.Request, org) -> dict[str, Any]:
    """``describe_organization`` with the API keys' values masked (shown only when created)."""
    described = describe_organization(request, org)
    for key in described["apiKeys"]:
        key["key"] = mask(key["key"])
    described["total"] = sum(described["counts"].values())
    return described


async def _actions(request: web.Request) -> dict[str, dict[str, list[str]]]:
    return actions_of(org_of(request).resources)


@page("organizations.html")
async def organizations(request: web.Request) -> dict[str, Any]:
    orgs = request.config_dict[SANDBOX].organizations.values()
    return {"organizations": [shown_organization(request, org) for org in orgs], "seeds": sorted(shipped_seeds())}


@page("organization.html")
async def organization(request: web.Request) -> dict[str, Any]:
    org = org_of(request)
    actions = await _actions(request)
    collection_actions = [(resource, name, action_params(resource, name))
                          for resource, names in actions["collectionActions"].items() for name in names]
    return {"org": shown_organization(request, org), "resources": list(org.resources),
            "collection_actions": collection_actions, "activity": request.config_dict[ACTIVITY].last}


@page(None)
async def seed_body(request: web.Request) -> web.Response:
    """A shipped seed's first organization as a ``POST /_mockcasa/organizations`` body (a fresh copy:
    no id, API keys or OAuth apps of its own, which would collide with the loaded one)."""
    path = shipped_seeds().get(request.match_info["name"])
    if path is None:
        raise NotFound(f"No shipped seed named {request.match_info['name']!r}.")
    try:
        first = (read_document(path).data or {}).get("organizations", [{}])[0]
    except (DocumentError, AttributeError, IndexError):
        raise NotFound(f"The seed {path.name} has no organization to copy.") from None
    body = {k: v for k, v in first.items() if k not in ("id", "apiKeys", "oauthApps")}
    return web.Response(text=json.dumps(body, default=str), content_type="application/json")


@page(None)
async def scenario_text(request: web.Request) -> web.Response:
    path = shipped_scenarios().get(request.match_info["name"])
    if path is None:
        raise NotFound(f"No shipped scenario named {request.match_info['name']!r}.")
    return web.Response(text=path.read_text(), content_type="application/yaml")


@page(None)
async def org_events(request: web.Request) -> web.Response:
    """What the organization published after sequence ``after`` (the clock panel's summary)."""
    org = org_of(request)
    after = request.query.get("after", "0")
    activity = request.config_dict[ACTIVITY]
    happened = activity.since(org.id, int(after) if after.isdigit() else 0)
    return web.json_response({"events": [h.to_json() for h in happened], "last": activity.last,
                              "clock": org.clock.describe()})


def _cell(sandbox, org, resource: str, data: dict[str, Any], column: str) -> dict[str, Any]:
    """One table cell: text, and a link when the column holds another record's id."""
    value = data.get(column)
    target = rec.references(org, resource, data).get(column, (None, False))[0]
    if target and isinstance(value, str):
        return {"text": rec.label(org, target, value), "href": f"{PREFIX}/orgs/{org.id}/{target}/{value}"}
    if isinstance(value, bool):
        return {"text": "yes" if value else "no"}
    return {"text": "" if value is None else str(value)}


@page("records.html")
async def records(request: web.Request) -> dict[str, Any] | web.StreamResponse:
    org, resource = org_of(request), resource_of(request)
    sandbox = request.config_dict[SANDBOX]
    spec = org.resources[resource]
    text = request.query.get("q", "").strip()
    if rec.DOCUMENT_NUMBER.fullmatch(text):
        found = rec.find_number(org, text)
        if found:
            raise web.HTTPSeeOther(f"{PREFIX}/orgs/{org.id}/{found[0]}/{found[1]}")
    query = {k: v for k, v in request.query.items() if k != "q" and v != ""}
    status, body, rows, matches = 200, None, [], None
    if text:
        matches = rec.search(org, [resource], text)
    else:
        status, body = await rec.api_get(request, org, resource, query)
    columns = rec.COLUMNS.get(resource, ("id",))
    if status == 200 and body:
        rows = [{"id": r["id"], "cells": [_cell(sandbox, org, resource, r, c) for c in columns]} for r in body["data"]]
    filters = [{"param": f.param, "choices": f.schema.get("enum") or (["true", "false"] if f.schema.get("type") == [
        "boolean", "null"] else None), "value": request.query.get(f.param, ""),
        "type": "date" if f.schema.get("format") == "date" else "text"} for f in spec.filters]
    return {"org": shown_organization(request, org), "resource": resource, "columns": columns, "rows": rows,
            "filters": filters, "error": body["error"] if status != 200 else None, "q": text, "matches": matches,
            "pagination": body.get("pagination") if status == 200 and body else None, "query": query}


@page("record.html")
async def record(request: web.Request) -> dict[str, Any]:
    org, resource = org_of(request), resource_of(request)
    sandbox = request.config_dict[SANDBOX]
    status, data = await rec.api_get(request, org, f"{resource}/{request.match_info['id']}")
    if status != 200:
        raise NotFound(data["error"]["message"])
    actions = (await _actions(request))["actions"].get(resource, [])
    extra: dict[str, Any] = {}
    if resource == "invoices":
        _, paid = await rec.api_get(request, org, "payments", {"invoiceId": data["id"], "pageSize": "100"})
        extra["payments"] = paid["data"]
    return {"org": shown_organization(request, org), "resource": resource, "data": data,
            "singular": org.resources[resource].singular, "json": json.dumps(data, indent=2, ensure_ascii=False),
            "referenced": rec.referenced(sandbox, org, resource, data),
            "referencing": rec.referencing(sandbox, org, resource, data["id"]),
            "actions": [(name, action_params(resource, name)) for name in actions],
            "label": rec.label(org, resource, data["id"]), **extra}


@page("search.html")
async def search(request: web.Request) -> dict[str, Any] | web.StreamResponse:
    """Any record of the organization by document number (straight to it) or by name."""
    org = org_of(request)
    text = request.query.get("q", "").strip()
    found = rec.find_number(org, text) if rec.DOCUMENT_NUMBER.fullmatch(text) else None
    if found:
        raise web.HTTPSeeOther(f"{PREFIX}/orgs/{org.id}/{found[0]}/{found[1]}")
    matches = rec.search(org, list(org.resources), text)
    return {"org": shown_organization(request, org), "q": text, "matches": matches}
