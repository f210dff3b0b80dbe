"""The event catalogue, and time-driven events through the clock hook."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from mockcasa.engine.resource import Resource
from mockcasa.resources import all_resources, all_revisions, all_scopes
from mockcasa.state import Sandbox
from mockcasa.webhooks.events import CATALOGUE, EVENT_NAMES, KNOWN_EVENTS, events_of
from tests.conftest import CONTRACT_2026

NOON = datetime(2026, 5, 19, 12, 0, tzinfo=UTC)


def test_catalogue_is_the_contracts_enum(contract):
    enum = contract["components"]["schemas"]["Webhook"]["properties"]["events"]["items"]["enum"]
    assert list(EVENT_NAMES) == list(events_of("1.0.0")) == enum
    if CONTRACT_2026 is not None:
        import yaml
        revised = yaml.safe_load(CONTRACT_2026.read_text())["components"]["schemas"]["Webhook"]
        assert list(events_of("2026-06-30")) == revised["properties"]["events"]["items"]["enum"]
    resources = {name: r for revision in all_revisions().values() for name, r in revision.items()}
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
    org.resources = _with_clock_hook(org.resources, [])  # an organization is served its own resources
    await api.create("webhooks", name="t", url=receiver.url(), events=["client_created"])
    org.clock.freeze(NOON)
    client = await api.create("clients", name="Acme")
    org.clock.advance(timedelta(days=30))
    await deliveries.drain()
    first, second = (r.json for r in receiver.requests)
    assert first["data"] == second["data"] == client
    assert second["timestamp"] == "2026-06-18T12:00:00.000Z"
    assert receiver.requests[1].headers["X-Webhook-Timestamp"] == str(int((NOON + timedelta(days=30)).timestamp()))


def _emitted_in_resources() -> set[str]:
    """Every event name the resource modules mention as a string (ctx.emit, created_event, maps)."""
    import ast
    from pathlib import Path

    import mockcasa.resources

    names = set(KNOWN_EVENTS)
    found = set()
    for path in Path(mockcasa.resources.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and node.value in names:
                found.add(node.value)
    return found


def test_the_catalogue_triggers_are_exactly_what_the_resources_emit():
    triggered = {e.name for e in CATALOGUE if e.trigger is not None}
    assert _emitted_in_resources() == triggered


def test_the_docs_table_is_the_catalogue():
    """docs/webhooks.md lists every event of the enum once, with the catalogue's payload resource."""
    import re
    from pathlib import Path

    resources = {name: r for revision in all_revisions().values() for name, r in revision.items()}
    text = (Path(__file__).parents[2] / "docs" / "webhooks.md").read_text()
    text = text[text.index("\n## Events\n"):text.index("\n## For resource authors")]
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("| `") else []
        for name in re.findall(r"`([a-z_]+)`", cells[0]) if cells else ():
            assert name not in rows, f"{name} is listed twice"
            rows[name] = (cells[1], cells[2])
    assert set(rows) == set(KNOWN_EVENTS)
    for event in CATALOGUE:
        trigger, data = rows[event.name]
        if event.trigger is None:
            assert (trigger, data) == ("never", "—"), event.name
        else:
            assert trigger != "never" and data.startswith(resources[event.resource].model.__name__), event.name
