"""Transactions: one-off or recurring costs and revenue, optionally assigned to projects and clients.

Every catalog item, project and client they name must exist (400 naming ``assignments[i].projectId``).
``billedAmount`` is what a pass-through cost is billed at: ``amount × (1 + markupPercent/100)``;
null unless ``passThrough``. A transaction billed to an invoice that has been sent (sent, partial,
overdue or paid; written off, from 2026-06-30) is frozen: PATCH and DELETE answer 409.
"""

from __future__ import annotations

from typing import Any

from mockcasa.engine.resource import Ctx, Filter, Ref, Resource
from mockcasa.models.catalog import (
    ActiveStatus,
    Direction,
    Frequency,
    Transaction,
    TransactionCreate,
    TransactionUpdate,
)
from mockcasa.resources._rules import bill_action, merged, refuse_if_billed, seed_billable
from mockcasa.resources._util import money

FROZEN_BY = frozenset({"sent", "partial", "overdue", "paid", "written_off"})  # written_off: 2026-06-30


def _check_assignments(ctx: Ctx, assignments: list[dict[str, Any]]) -> None:
    for i, assignment in enumerate(assignments):
        for name, target, alias in (("project_id", "projects", "projectId"),
                                    ("client_id", "clients", "clientId")):
            if assignment.get(name) is not None:
                ctx.lookup(target, assignment[name], f"assignments[{i}].{alias}")


def billed_amount(values: dict[str, Any]) -> float | None:
    if not values.get("pass_through") or values.get("amount") is None:
        return None
    return money(values["amount"] * (1 + (values.get("markup_percent") or 0) / 100))


def on_create(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    values["assignments"] = values.get("assignments") or []
    _check_assignments(ctx, values["assignments"])
    return {**values, "billed_amount": billed_amount(values)}


def on_update(ctx: Ctx, record: Transaction, changes: dict[str, Any]) -> dict[str, Any]:
    if not changes:
        return changes
    refuse_if_billed(ctx, record, FROZEN_BY, "transaction", "edited")
    if "assignments" in changes:
        _check_assignments(ctx, changes["assignments"])
    amount = billed_amount(merged(record, changes))
    return {**changes, "billed_amount": amount} if amount != record.billed_amount else changes


def on_delete(ctx: Ctx, record: Transaction) -> None:
    refuse_if_billed(ctx, record, FROZEN_BY, "transaction", "deleted")


def on_seed(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    """Checked like a create; may carry ``invoiceId`` (billed) and ``receiptVerified``."""
    return seed_billable(RESOURCE, ctx, values, ("receipt_verified",))


RESOURCE = Resource(
    name="transactions", singular="transaction",
    model=Transaction, create_model=TransactionCreate, update_model=TransactionUpdate,
    filters=[Filter.enum("direction", Direction),
             Filter.enum("status", ActiveStatus),
             Filter.enum("frequency", Frequency)],
    refs=[Ref("catalog_item_id", "catalog-items"),
          # Properties of Transaction over its assignments: indexed so an assigned project or client
          # cannot be deleted (409); the write check is _check_assignments (it names the list index).
          Ref("assigned_project_ids", "projects", many=True), Ref("assigned_client_ids", "clients", many=True)],
    on_create=on_create, on_update=on_update, on_delete=on_delete, on_seed=on_seed,
    actions={"bill": bill_action("transactions", frozen_by=FROZEN_BY)},
    descriptions={"update": "Transactions billed to a sent/paid invoice are frozen: 409.",
                  "delete": "Transactions billed to a sent/paid invoice cannot be deleted (409)."},
)
