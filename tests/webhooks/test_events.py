"""The event catalogue, and time-driven events through the clock hook."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from mockcasa.engine.spec import Resource
from mockcasa.keys import SANDBOX
from mockcasa.resources import all_resources, all_scopes
from mockcasa.state import Sandbox
from mockcasa.webhooks.events import CATALOGUE, EVENT_NAMES

NOON = datetime(2026, 5, 19, 12, 0, tzinfo=UTC)


def test_catalogue_is_the_contracts_enum(contract):
    enum = contract["components"]["schemas"]["Webhook"]["properties"]["events"]["items"]["enum"]
    assert list(EVENT_NAMES) == enum
    resources = all_resources()
    for event in CATALOGUE:
        assert (event.resource is None) == (event.trigger is None), event
        assert event.resource is None or event.resource in resources or event.resource in {
            "invoices", "payments", "payouts", "proposals", "contracts", "inquiries", "time-entries"}


def _with_clock_hook(resources: dict[str, Resource], seen: list) -> dict[str, Resource]:
    """Clients that emit client_created for every client whenever the clock jumps (a stand-in for
    invoices emitting invoice_overdue)."""
    def on_clock_change(ctx, before, after):
        seen.append((before, after))
        for client in ctx.org["clients"]:
            ctx.emit("client_created", "clients", client)
    return {**resources, "clients": replace(resources["clients"], on_clock_change=on_clock_change)}


def test_clock_jumps_run_resource_hooks_and_publish_their_events():
    seen, published = [], []
    resources = _with_clock_hook(all_resources(), seen)
    sandbox = Sandbox(resources, all_scopes(resources))
    sandbox.listeners.append(lambda org, events: published.append((org.id, [e for e, _ in events])))
    org = sandbox.create_organization()
    org.clock.freeze(NOON)
    org.clock.advance(timedelta(days=1))
    org.clock.set(NOON)
    org.clock.freeze()  # no jump: already frozen there
    org.clock.unfreeze()  # no jump: time flows on from the same instant
    assert [after for _, after in seen] == [NOON, NOON + timedelta(days=1), NOON]
    assert seen[1][0] == NOON
    assert published == []  # no clients, nothing emitted
    org.clock.reset()
    assert len(seen) == 4


async def test_clock_driven_events_are_delivered(app, api, org, receiver, deliveries):
    sandbox = app[SANDBOX]
    sandbox.resources = _with_clock_hook(sandbox.resources, [])
    await api.create("webhooks", name="t", url=receiver.url(), events=["client_created"])
    org.clock.freeze(NOON)
    client = await api.create("clients", name="Acme")
    org.clock.advance(timedelta(days=30))
    await deliveries.drain()
    first, second = (r.json for r in receiver.requests)
    assert first["data"] == second["data"] == client
    assert second["timestamp"] == "2026-06-18T12:00:00.000Z"
    assert receiver.requests[1].headers["X-Webhook-Timestamp"] == str(int((NOON + timedelta(days=30)).timestamp()))
