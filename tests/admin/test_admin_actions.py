"""Admin API: the generic dashboard-actions route (resources declare the actions themselves)."""

import dataclasses

import pytest

from mockcasa.engine.handlers import update_record
from mockcasa.errors import Conflict, Invalid


def archive(ctx, record, params):
    """A test-only action: archive a client (status inactive, a note), emitting an event."""
    if record.status == "inactive":
        raise Conflict("This client is already archived.")
    reason = params.get("reason", "no reason given")
    if not isinstance(reason, str):
        raise Invalid(field="reason", reason="must be a string")
    updated = update_record(ctx.sandbox.resources["clients"], ctx, record,
                            {"status": "inactive", "notes": f"Archived: {reason}"})
    ctx.emit("client_archived", "clients", updated)
    return updated


def forget(ctx, record, params):
    ctx.org["clients"].remove(record)


@pytest.fixture
def with_actions(sandbox, monkeypatch):
    spec = sandbox.resources["clients"]
    monkeypatch.setitem(sandbox.resources, "clients",
                        dataclasses.replace(spec, actions={"archive": archive, "forget": forget}))


@pytest.fixture
def events(sandbox):
    seen = []
    sandbox.listeners.append(lambda org, batch: seen.extend((org.id, e, p[1].id) for e, p in batch))
    return seen


async def test_list_actions(admin, with_actions):
    actions = (await admin.get("/actions")).body["actions"]
    assert actions["clients"] == ["archive", "forget"]
    assert "accept" in actions["proposals"] and "convert" in actions["inquiries"]
    assert "projects" not in actions


async def test_run_an_action(admin, api, with_actions, events):
    client = await api.create("clients", name="Acme")
    events.clear()
    path = f"/organizations/{api.org.id}/clients/{client['id']}/actions/archive"
    reply = await admin.post(path, {"reason": "closed"})
    assert reply.status == 200
    assert reply.body["status"] == "inactive" and reply.body["notes"] == "Archived: closed"
    assert reply.body == (await api.get(f"clients/{client['id']}")).body
    assert events == [(api.org.id, "client_archived", client["id"])]

    again = await admin.post(path)
    assert again.status == 409 and again.error["code"] == "conflict"
    assert len(events) == 1


async def test_action_without_a_record_to_show(admin, api, with_actions):
    client = await api.create("clients", name="Acme")
    reply = await admin.post(f"/organizations/{api.org.id}/clients/{client['id']}/actions/forget")
    assert reply.status == 204
    assert (await api.get(f"clients/{client['id']}")).status == 404


async def test_action_errors(admin, api, other_api, with_actions):
    client = await api.create("clients", name="Acme")
    org = api.org.id
    cases = [
        (f"/organizations/{org}/widgets/{client['id']}/actions/archive", None, 404),
        (f"/organizations/{org}/clients/{client['id']}/actions/explode", None, 404),
        (f"/organizations/{org}/clients/00000000-0000-4000-8000-00000000dead/actions/archive", None, 404),
        (f"/organizations/{other_api.org.id}/clients/{client['id']}/actions/archive", None, 404),
        (f"/organizations/00000000-0000-4000-8000-00000000dead/clients/{client['id']}/actions/archive", None, 404),
        (f"/organizations/{org}/clients/{client['id']}/actions/archive", [1, 2], 400),
        (f"/organizations/{org}/clients/{client['id']}/actions/archive", {"reason": 5}, 400),
    ]
    for path, body, status in cases:
        reply = await admin.post(path, body)
        assert reply.status == status, (path, reply)
    unknown = await admin.post(f"/organizations/{org}/clients/{client['id']}/actions/explode")
    assert unknown.error["details"] == {"availableActions": ["archive", "forget"]}
    assert (await api.get(f"clients/{client['id']}")).body == client


async def test_actions_need_the_admin_token(http, api, with_actions):
    client = await api.create("clients", name="Acme")
    async with http.post(f"/_mockcasa/organizations/{api.org.id}/clients/{client['id']}/actions/archive",
                         headers={"x-api-key": api.key}) as resp:
        assert resp.status == 401
