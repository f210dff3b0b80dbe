"""Helpers for the time, calendar, inquiry, transaction and catalog tests.

System-side states (seeded records, admin actions, invoices in a given status) are reached the way
the seed loader and the admin API reach them: through the resource declarations on the sandbox. Results
are then read back over HTTP like a partner would.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from mockcasa.engine.records import build_record
from mockcasa.engine.resource import Ctx, Resource
from mockcasa.models.common import Record
from mockcasa.store import Collection

UNKNOWN = "00000000-0000-4000-8000-00000000dead"
NOON = datetime(2026, 5, 19, 12, 0, tzinfo=UTC)


def freeze(api, at: datetime = NOON) -> datetime:
    """Freeze the organization's mock clock so timestamps can be asserted exactly."""
    return api.org.clock.freeze(at)


async def make_project(api, name: str = "Site") -> dict:
    client = await api.create("clients", name=f"{name} client")
    return await api.create("projects", name=name, clientId=client["id"])


def member_id(api) -> str:
    return next(iter(api.org.members))


def ctx_of(api, sandbox) -> Ctx:
    return Ctx.of(sandbox, api.org)


def run_action(api, sandbox, resource_name: str, action: str, record_id: str,
               params: dict | None = None) -> tuple[Any, list]:
    """Call an admin action as the admin API will; returns (record, events published)."""
    ctx = ctx_of(api, sandbox)
    record = ctx.find(resource_name, record_id)
    result = sandbox.resources[resource_name].actions[action](ctx, record, params or {})
    sandbox.publish(api.org, ctx.events)
    return result, [(event, payload[1].id) for event, payload in ctx.events]


def seed(api, sandbox, resource_name: str, **values) -> Any:
    """Store a record as a seed file would: the resource's on_seed, then straight into the store."""
    ctx = ctx_of(api, sandbox)
    resource = sandbox.resources[resource_name]
    record = build_record(resource, ctx, resource.on_seed(ctx, values))
    api.org[resource_name].add(record)
    return record


class StandIn(Record):
    """A record of a resource this build does not have yet (invoices, proposals): only what our rules read."""

    client_id: str
    status: str = "draft"
    invoice_number: str | None = None


def has_real(sandbox, resource_name: str) -> bool:
    return resource_name in sandbox.resources and sandbox.resources[resource_name].model is not StandIn


def stand_in(api, sandbox, resource_name: str, **fields) -> str:
    """Store a StandIn record under ``resource``, registering a bare resource for it if needed."""
    if resource_name not in sandbox.resources:
        sandbox.resources[resource_name] = Resource(name=resource_name, singular=resource_name.rstrip("s"), model=StandIn)
    api.org.collections.setdefault(resource_name, Collection())
    record = build_record(sandbox.resources[resource_name], ctx_of(api, sandbox), fields)
    api.org[resource_name].add(record)
    return record.id


class Invoices:
    """Invoices in a wanted status, through the invoices API when this build has one."""

    def __init__(self, api, sandbox) -> None:
        self.api = api
        self.sandbox = sandbox

    async def make(self, client_id: str, status: str) -> str:
        if has_real(self.sandbox, "invoices"):
            return await self._through_api(client_id, status)
        return stand_in(self.api, self.sandbox, "invoices", client_id=client_id, status=status,
                        invoice_number=self.api.org.next_number("INV"))

    async def void(self, invoice_id: str) -> None:
        """Void an invoice after something was billed to it."""
        if has_real(self.sandbox, "invoices"):
            assert (await self.api.patch(f"invoices/{invoice_id}", {"status": "void"})).status == 200
        else:
            invoices = self.api.org["invoices"]
            invoices.replace(invoices.get(invoice_id).model_copy(update={"status": "void"}))

    async def _through_api(self, client_id: str, status: str) -> str:
        today = self.api.org.clock.today()
        body: dict[str, Any] = {"clientId": client_id, "status": "draft" if status == "draft" else "sent",
                                "lineItems": [{"description": "Work", "quantity": 1, "unitPrice": 100}]}
        if status == "overdue":
            body |= {"issueDate": str(today - timedelta(days=40)), "dueDate": str(today - timedelta(days=10))}
        invoice = await self.api.create("invoices", **body)
        paid = {"partial": 40, "paid": 100}.get(status)
        if paid:
            await self.api.create("payments", clientId=client_id, invoiceId=invoice["id"], amount=paid,
                                  receivedDate=str(today), method="cash")
        if status == "void":
            assert (await self.api.patch(f"invoices/{invoice['id']}", {"status": "void"})).status == 200
        assert (await self.api.get(f"invoices/{invoice['id']}")).body["status"] == status
        return invoice["id"]


async def unchanged(api, path: str, before: dict) -> None:
    """The record reads exactly as it did before a refused request."""
    after = await api.get(path)
    assert after.status == 200 and after.body == before, after
