"""Helpers for the invoice, payment, payout, proposal and contract tests.

System transitions (Stripe, signing, payouts) have no public route; tests run them the way
the admin API will, through the resource's ``actions``, then read the result over HTTP.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mockcasa.engine.records import render
from mockcasa.engine.resource import Ctx
from mockcasa.keys import SANDBOX
from mockcasa.resources._system import system_create

UNKNOWN = "00000000-0000-4000-8000-00000000dead"
TODAY = "2026-05-19"


def freeze(org, day: str = TODAY, hour: int = 10) -> None:
    org.clock.freeze(datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC))


def line(description: str = "Design", quantity: float = 1, unit_price: float = 100, **extra) -> dict:
    return {"description": description, "quantity": quantity, "unitPrice": unit_price, **extra}


async def make_client(api, name: str = "Acme") -> dict:
    return await api.create("clients", name=name)


async def make_invoice(api, client: dict, *lines: dict, **fields) -> dict:
    return await api.create("invoices", clientId=client["id"], lineItems=list(lines) or [line()], **fields)


async def pay(api, invoice: dict, amount: float, **fields) -> dict:
    body = {"clientId": invoice["clientId"], "invoiceId": invoice["id"], "amount": amount,
            "receivedDate": TODAY, "method": "check", **fields}
    return await api.create("payments", **body)


def sandbox_of(api):
    return api.http.app[SANDBOX]


def act(api, resource_name: str, name: str, record_id: str, **params: Any) -> tuple[Any, list[str]]:
    """Run a dashboard/system action on a record of ``api``'s organization; returns (result, events).

    Events are published to the sandbox's listeners like a committed API write.
    """
    sandbox = sandbox_of(api)
    ctx = Ctx.of(sandbox, api.org)
    resource = sandbox.resources[resource_name]
    record = render(resource, ctx, ctx.find(resource_name, record_id))
    result = resource.actions[name](ctx, record, params)
    sandbox.publish(api.org, ctx.events)
    return result, [event for event, _ in ctx.events]


def run(api, function, *args: Any) -> tuple[Any, list[str]]:
    """Call a system helper ``function(ctx, *args)`` (e.g. ``create_payout``); returns (result, events)."""
    sandbox = sandbox_of(api)
    ctx = Ctx.of(sandbox, api.org)
    result = function(ctx, *args)
    sandbox.publish(api.org, ctx.events)
    return result, [event for event, _ in ctx.events]


def seed(api, resource_name: str, **values: Any) -> Any:
    """Write a record the way a seed file does (system fields allowed), through ``on_seed``."""
    return run(api, system_create, resource_name, values)[0]


def listen(api) -> list[tuple[str, str]]:
    """From now on, every webhook event published for ``api``'s organization, as (event, record id)."""
    seen: list[tuple[str, str]] = []
    org_id = api.org.id
    sandbox_of(api).listeners.append(
        lambda org, batch: seen.extend((e, payload[1].id) for e, payload in batch if org.id == org_id))
    return seen
