"""Records as the console shows them: read through the public API's own handlers, in-process.

``api_get`` resolves ``/api/v1/...`` with the app's router and calls the route's handler on a copy
of the console's request, authenticated as the organization with every scope. The handler alone
runs (no journal, faults, rate limit or idempotency layer), so the console costs the API nothing
and shows exactly the JSON, filters, pagination and errors the API gives. Labels, links between
records and the search by name or document number read the organization's records directly.
"""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import web
from multidict import MultiDict

from mockcasa.engine.records import dump, render
from mockcasa.engine.resource import Ctx
from mockcasa.engine.routes import parse_query, render_page
from mockcasa.errors import ApiError
from mockcasa.keys import REQUEST_ID, SANDBOX
from mockcasa.state import Organization

NUMBER_FIELDS = {"invoices": "invoiceNumber", "proposals": "proposalNumber", "contracts": "contractNumber"}
NUMBER_PREFIXES = {"INV": "invoices", "PROP": "proposals", "CON": "contracts"}
DOCUMENT_NUMBER = re.compile(r"(INV|PROP|CON)-\d+", re.IGNORECASE)
LABEL_FIELDS = ("invoice_number", "proposal_number", "contract_number", "name", "title", "description",
                "stripe_payout_id")
SEARCH_LIMIT = 50
# References held by two fields: one names the resource (a milestone's parentType: projects,
# proposals or client-documents), the other the id (parentId).
TYPED_REFERENCES = {"milestones": ("parentType", "parentId")}
# The JSON field behind the references a model computes for its indexes (a milestone's
# parent_project_id, a transaction's assigned_client_ids): what the console names them by.
COMPUTED_FROM = {"milestones": "parentId", "transactions": "assignments"}
# The columns of each resource's table, in the API's words; a referenced id shows its record's label.
COLUMNS: dict[str, tuple[str, ...]] = {
    "clients": ("name", "status", "createdAt"),
    "contacts": ("name", "email", "role", "clientId"),
    "projects": ("name", "status", "clientId", "startDate"),
    "invoices": ("invoiceNumber", "clientId", "status", "total", "balanceDue", "dueDate"),
    "proposals": ("proposalNumber", "title", "clientId", "status", "total", "expirationDate"),
    "contracts": ("contractNumber", "title", "clientId", "status", "signingMode"),
    "payments": ("receivedDate", "kind", "method", "amount", "status", "invoiceId"),
    "payouts": ("arrivalDate", "status", "amount", "paymentCount", "description"),
    "time-entries": ("date", "hours", "description", "projectId", "billable"),
    "milestones": ("title", "status", "date", "parentType", "parentId"),
    "calendar-events": ("title", "startDateTime", "source", "readOnly"),
    "inquiries": ("name", "email", "status", "source", "createdAt"),
    "transactions": ("name", "direction", "amount", "status", "frequency"),
    "catalog-items": ("name", "type", "defaultRate", "status"),
    "webhooks": ("name", "url", "enabled", "lastStatus"),
    # API revision 2026-06-30
    "vendors": ("name", "companyName", "email", "phone", "rating"),
    "venues": ("name", "address", "timezone", "status"),
    "event-days": ("name", "date", "status", "clientId", "projectId"),
    "timeline-items": ("title", "eventDayId", "requestedStartTime", "durationMinutes"),
    "event-day-vendors": ("eventDayId", "vendorId", "role", "callTime"),
    "forms": ("name", "title", "kind", "enabled"),
    "form-submissions": ("submittedAt", "formId", "kind", "status", "clientId"),
    "client-documents": ("title", "kind", "status", "clientId", "projectId"),
    "document-versions": ("documentType", "documentId", "versionNumber", "versionStatus", "issuedAt"),
}


async def api_get(request: web.Request, org: Organization, path: str, query: dict[str, str] | None = None
                  ) -> tuple[int, Any]:
    """What ``GET /api/v1/{path}?{query}`` answers ``org`` with every scope: (status, parsed JSON body).

    Served by the API's own query parsing, page rendering and records library, so the console's
    tables show exactly what a partner's client gets, filters and errors included.
    """
    sandbox = request.config_dict[SANDBOX]
    name, _, record_id = path.strip("/").partition("/")
    resource = org.resources.get(name)
    if resource is None or "/" in record_id:
        return 404, {"error": {"code": "not_found", "message": f"No API route for /api/v1/{path}."}}
    ctx = Ctx.of(sandbox, org)
    try:
        if record_id:
            body = dump(render(resource, ctx, ctx.find(name, record_id)))
        else:
            body = render_page(resource, ctx, parse_query(resource, MultiDict(query or {})))
    except ApiError as exc:
        return exc.status, exc.envelope(request.get(REQUEST_ID, ""))
    return 200, json.loads(body)


def label(org: Organization, resource: str, record_id: str | None) -> str:
    """How a person names a record: its number, name or title; else the start of its id."""
    record = org[resource].get(record_id) if record_id else None
    if record is None:
        return (record_id or "")[:8]
    for name in LABEL_FIELDS:
        value = getattr(record, name, None)
        if isinstance(value, str) and value:
            return value
    return record.id[:8]


def alias_of(spec, field: str) -> str:
    """The JSON name of ``field``; a reference the model computes is named by the field behind it."""
    if field not in spec.model.model_fields:
        return COMPUTED_FROM[spec.name]
    return spec.model.model_fields[field].alias or field


def references(org: Organization, resource: str, data: dict[str, Any] | None = None
               ) -> dict[str, tuple[str | None, bool]]:
    """The JSON fields of ``resource`` holding ids of other records: alias -> (target, many).

    ``data``: the record (as the API returns it) whose typed reference says what it names: a
    milestone's ``parentId`` is of its ``parentType``. Without it, that field names nothing.
    """
    spec = org.resources[resource]
    refs: dict[str, tuple[str | None, bool]] = {
        alias_of(spec, ref.field): (ref.target, ref.many) for ref in spec.refs if ref.field in spec.model.model_fields}
    if resource in TYPED_REFERENCES:
        kind, id_field = TYPED_REFERENCES[resource]
        target = (data or {}).get(kind)
        refs[id_field] = (target if target in org.resources else None, False)
    return refs


def referenced(sandbox, org: Organization, resource: str, data: dict[str, Any]) -> list[dict[str, str]]:
    """The records this one points at, as links: field, resource, id, label."""
    links = []
    for alias, (target, many) in references(org, resource, data).items():
        value = data.get(alias)
        if target is None or not value:
            continue
        for record_id in value if many else [value]:
            links.append({"field": alias, "resource": target, "id": record_id,
                          "label": label(org, target, record_id)})
    return links


def referencing(sandbox, org: Organization, resource: str, record_id: str) -> list[dict[str, Any]]:
    """The records pointing at this one, per resource and field (at most SEARCH_LIMIT each)."""
    found = []
    for name, spec in org.resources.items():
        for ref in spec.refs:
            if ref.target != resource:
                continue
            records = org[name].where(ref.field, record_id)
            if records:
                found.append({"resource": name, "field": alias_of(spec, ref.field), "total": len(records),
                              "records": [{"id": r.id, "label": label(org, name, r.id)}
                                          for r in records[:SEARCH_LIMIT]]})
    return found


def find_number(org: Organization, number: str) -> tuple[str, str] | None:
    """(resource, id) of the document numbered ``number`` (``INV-0007``), if there is one."""
    number = number.strip().upper()
    resource = NUMBER_PREFIXES.get(number.split("-")[0])
    if resource is None:
        return None
    field = {"invoices": "invoice_number", "proposals": "proposal_number", "contracts": "contract_number"}[resource]
    for record in org[resource]:
        if getattr(record, field, None) == number:
            return resource, record.id
    return None


def search(org: Organization, resources: list[str], text: str) -> list[dict[str, str]]:
    """Records whose name, title, number or email contains ``text`` (case-insensitive), a bounded number."""
    needle = text.strip().lower()
    found: list[dict[str, str]] = []
    if not needle:
        return found
    for resource in resources:
        for record in org[resource]:
            values = [getattr(record, name, None) for name in LABEL_FIELDS + ("email",)]
            if any(isinstance(v, str) and needle in v.lower() for v in values):
                found.append({"resource": resource, "id": record.id, "label": label(org, resource, record.id)})
                if len(found) >= SEARCH_LIMIT:
                    return found
    return found
