"""Time entries: hours a member worked on a project, priced from a catalog item or an override.

``clientId`` follows the project, also when the project moves to another client (``Derived``).
``effectiveRate`` is ``rateOverride``, else the catalog item's ``defaultRate`` times the rate
type's multiplier, else null; it is fixed when the entry is written.
An entry billed to a paid invoice is frozen: PATCH and DELETE answer 409.
"""

from __future__ import annotations

from typing import Any

from mockcasa.engine.resource import Ctx, Derived, Filter, Ref, Resource
from mockcasa.errors import Invalid
from mockcasa.models.work import TimeEntry, TimeEntryCreate, TimeEntryUpdate
from mockcasa.resources._rules import (
    bill_action,
    invoice_of_another_client,
    merged,
    refuse_if_billed,
    require_member,
    seed_billable,
)
from mockcasa.resources._util import money

MULTIPLIERS = {"standard": 1.0, "overtime": 1.5, "emergency": 2.0}
FROZEN_BY = frozenset({"paid"})


def effective_rate(ctx: Ctx, values: dict[str, Any]) -> float | None:
    if values.get("rate_override") is not None:
        return money(values["rate_override"])
    multiplier = MULTIPLIERS.get(values.get("rate_type") or "standard")
    item = ctx.org["catalog-items"].get(values.get("catalog_item_id") or "")
    if item is None or item.default_rate is None or multiplier is None:
        return None
    return money(item.default_rate * multiplier)


def _check(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    """Rules on the whole entry as it would be stored; fills effectiveRate (clientId is ``derived``)."""
    require_member(ctx, values.get("member_id"), "memberId")
    if values.get("rate_type") == "custom":
        missing = {f: "is required when rateType is custom" for f, name in
                   (("customMultiplierName", "custom_multiplier_name"), ("rateOverride", "rate_override"))
                   if values.get(name) is None}
        if missing:
            raise Invalid("A custom rate needs a customMultiplierName and a rateOverride.", missing)
    return {**values, "effective_rate": effective_rate(ctx, values)}


def on_create(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    return _check(ctx, values)


def on_update(ctx: Ctx, record: TimeEntry, changes: dict[str, Any]) -> dict[str, Any]:
    if not changes:
        return changes
    refuse_if_billed(ctx, record, FROZEN_BY, "time entry", "edited")
    _stay_with_the_invoices_client(ctx, record, changes)
    rate = _check(ctx, merged(record, changes))["effective_rate"]
    return {**changes, "effective_rate": rate} if rate != record.effective_rate else changes


def _stay_with_the_invoices_client(ctx: Ctx, record: TimeEntry, changes: dict[str, Any]) -> None:
    """A billed entry cannot move to another client than its invoice's: 400 naming the field that moves it.

    ``projectId`` when the PATCH is the entry's; ``clientId`` when its project moves (``Derived``), which
    is the project PATCH's own field.
    """
    invoice = invoice_of_another_client(ctx, record.invoice_id, changes.get("client_id", record.client_id))
    if invoice is not None:
        number = getattr(invoice, "invoice_number", None) or invoice.id
        raise Invalid(field="projectId" if "project_id" in changes else "clientId",
                      reason=f"a time entry billed to invoice {number} would move to another client than the "
                             f"invoice's; unbill it first")


def on_delete(ctx: Ctx, record: TimeEntry) -> None:
    refuse_if_billed(ctx, record, FROZEN_BY, "time entry", "deleted")


def on_seed(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    """A seeded entry is checked like a create; it may also carry ``invoiceId`` (billed)."""
    return seed_billable(RESOURCE, ctx, values)


RESOURCE = Resource(
    name="time-entries", singular="time entry",
    model=TimeEntry, create_model=TimeEntryCreate, update_model=TimeEntryUpdate,
    operation_names={"plural": "TimeEntries"},
    created_event="time_entry_created",
    filters=[Filter.uuid("projectId"), Filter.uuid("clientId"), Filter.uuid("memberId"),
             Filter.date_bound("dateFrom", "date", ">="), Filter.date_bound("dateTo", "date", "<="),
             Filter.boolean("billable")],
    refs=[Ref("project_id", "projects"), Ref("client_id", "clients"),
          Ref("catalog_item_id", "catalog-items")],
    derived=[Derived("client_id", via="project_id", source="client_id")],  # follows the project
    on_create=on_create, on_update=on_update, on_delete=on_delete, on_seed=on_seed,
    actions={"bill": bill_action("time-entries", frozen_by=FROZEN_BY, same_client=True)},
    descriptions={"update": "Time entries billed to a paid invoice cannot be edited (409).",
                  "delete": "Time entries billed to a paid invoice cannot be deleted (409)."},
)
