"""Shared pieces for rules that reach beyond one record: members, optional resources, billing, seeds.

Some states are reserved for the dashboard or for other systems (an entry billed to an invoice,
a converted inquiry, an event synced from Google). The public API refuses them; seeds (through
a resource's ``on_seed``) and the admin API (through its ``actions``) reach them with these helpers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from mockcasa.engine.body import describe, validation_details
from mockcasa.engine.records import check_refs, fill_derived
from mockcasa.engine.resource import Action, Ctx, OnSeed, Resource
from mockcasa.errors import Conflict, Invalid

RECORD_FIELDS = ("id", "created_at", "updated_at")


def merged(record: Any, changes: dict[str, Any]) -> dict[str, Any]:
    """A record's fields (internal ones included) with a PATCH's changes applied."""
    return {**dict(record), **changes}


def require_member(ctx: Ctx, member_id: str | None, field_name: str) -> None:
    """Members are not an API resource; they come from the organization (seed data)."""
    if member_id is not None and not any(m.lower() == member_id for m in ctx.org.members):
        raise Invalid(field=field_name,
                      reason=f"no member with id {member_id!r} belongs to this organization")


def find_optional(ctx: Ctx, resource_name: str, record_id: str | None) -> Any | None:
    """A record of a resource this build may not have (proposals, invoices); None when absent."""
    collection = ctx.org.collections.get(resource_name)
    return collection.get(record_id) if collection is not None and record_id else None


def lookup_optional(ctx: Ctx, resource_name: str, record_id: str | None, field_name: str,
                    singular: str) -> Any:
    """Like ``Ctx.lookup`` (400 naming the field) for a resource found by collection name only."""
    record = find_optional(ctx, resource_name, record_id)
    if record is None:
        raise Invalid(field=field_name,
                      reason=f"no {singular} with id {record_id!r} exists in this organization")
    return record


# --- invoices a record is billed to -----------------------------------------------------------

def billed_invoice(ctx: Ctx, invoice_id: str | None) -> Any | None:
    """The invoice as the API would show it now (its status is derived on read), or None."""
    invoice = find_optional(ctx, "invoices", invoice_id)
    resource = ctx.resources.get("invoices")
    if invoice is not None and resource is not None and resource.derive:
        invoice = resource.derive(ctx, invoice)
    return invoice


def refuse_if_billed(ctx: Ctx, record: Any, freezing: frozenset[str], singular: str, verb: str) -> None:
    """409 when ``record`` is billed to an invoice whose status freezes it."""
    invoice = billed_invoice(ctx, record.invoice_id)
    status = getattr(invoice, "status", None)
    if status in freezing:
        number = getattr(invoice, "invoice_number", None) or record.invoice_id
        raise Conflict(f"This {singular} is billed to invoice {number}, which is {status}; it can no "
                       f"longer be {verb}.", {"invoiceId": record.invoice_id, "invoiceStatus": status})


def invoice_of_another_client(ctx: Ctx, invoice_id: str | None, client_id: str | None) -> Any | None:
    """The invoice ``invoice_id`` if it is another client's than ``client_id``, else None.

    A time entry is billed only to its own client's invoice: the dashboard's ``bill`` action and a
    PATCH that would move a billed entry to another client (its project, or its project's client)
    apply this one rule.
    """
    invoice = find_optional(ctx, "invoices", invoice_id)
    return invoice if invoice is not None and getattr(invoice, "client_id", client_id) != client_id else None


def bill_action(resource_name: str, *, frozen_by: frozenset[str], same_client: bool = False) -> Action:
    """Admin action ``bill``: link a record to an invoice (``{"invoiceId": id}``; null unbills it).

    A record its invoice freezes (``frozen_by`` its status) cannot be moved or unbilled either (409).
    """
    def bill(ctx: Ctx, record: Any, params: dict[str, Any]) -> Any:
        refuse_if_billed(ctx, record, frozen_by, ctx.resources[resource_name].singular, "billed elsewhere")
        invoice_id = params.get("invoiceId", params.get("invoice_id"))
        if invoice_id is not None:
            invoice = lookup_optional(ctx, "invoices", str(invoice_id).lower(), "invoiceId", "invoice")
            invoice_id = invoice.id
            status = getattr(billed_invoice(ctx, invoice_id), "status", None)
            if status in ("void", "written_off"):  # closed for good (written_off: 2026-06-30)
                raise Conflict(f"A {status} invoice cannot be billed to.", {"invoiceStatus": status})
            if same_client and invoice_of_another_client(ctx, invoice_id, record.client_id) is not None:
                raise Invalid(field="invoiceId", reason="the invoice belongs to another client")
        updated = record.model_copy(update={"invoice_id": invoice_id, "updated_at": ctx.now()})
        ctx.org[resource_name].replace(updated)
        return updated
    return bill


# --- seeds ------------------------------------------------------------------------------------

def seeded_as_created(name: str) -> OnSeed:
    """The ``on_seed`` of a resource whose seeded records are checked exactly as a create (its
    system fields kept): ``seed_through_create`` with nothing more to say."""
    def on_seed(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
        values, system = seed_through_create(ctx.resources[name], ctx, values)
        return {**values, **system}
    return on_seed


def seed_through_create(resource: Resource, ctx: Ctx, values: dict[str, Any],
                        system_fields: Iterable[str] = ()) -> tuple[dict[str, Any], dict[str, Any]]:
    """Check a seeded record like an API create, keeping the system fields the API refuses.

    Returns (values after the resource's ``on_create``, the system fields as given). The seed's
    values may use camelCase or snake_case names and JSON-style strings for dates and timestamps;
    computed fields it carries are ignored, and so are nulls.
    """
    # The declaration of the organization's API revision (a resource's hooks name the first one's).
    resource = ctx.resources.get(resource.name, resource)
    # null is "not given" (a record copied from a GET carries nulls the create body would refuse).
    values = {k: v for k, v in _snake_keys(resource, values).items() if v is not None}
    system = {k: values.pop(k) for k in (*RECORD_FIELDS, *system_fields) if k in values}
    # Fields the resource computes (a time entry's clientId, effectiveRate) are recomputed, so a
    # generator may write whole records.
    for name in set(resource.model.model_fields) - set(resource.create_model.model_fields):
        values.pop(name, None)
    try:
        body = resource.create_model.model_validate(values, strict=False)
    except ValidationError as exc:
        details = validation_details(exc)
        raise Invalid(describe(details), details) from None
    values = body.model_dump(by_alias=False)
    check_refs(resource, ctx, values)
    fill_derived(resource, ctx, values)
    if resource.on_create:
        values = resource.on_create(ctx, values)
    return values, system


def seed_billable(resource: Resource, ctx: Ctx, values: dict[str, Any],
                  system_fields: Iterable[str] = ()) -> dict[str, Any]:
    """``seed_through_create`` for a record that may be billed: ``invoiceId`` must name an invoice."""
    values, system = seed_through_create(resource, ctx, values, ("invoice_id", *system_fields))
    if system.get("invoice_id") is not None:
        system["invoice_id"] = lookup_optional(ctx, "invoices", str(system["invoice_id"]).lower(),
                                               "invoiceId", "invoice").id
    return {**values, **system}


def _snake_keys(resource: Resource, values: dict[str, Any]) -> dict[str, Any]:
    names = {f.alias or n: n for n, f in resource.model.model_fields.items()}
    return {names.get(k, k): v for k, v in values.items()}
