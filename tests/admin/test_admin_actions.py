"""Admin API: the generic dashboard-actions route (resources declare the actions themselves)."""

import dataclasses

import pytest

from mockcasa import create_app
from mockcasa.config import Settings
from mockcasa.engine.records import create_record, update_record
from mockcasa.errors import Conflict, Invalid
from tests.support.admin import Admin


def archive(ctx, record, params):
    """A test-only action: archive a client (status inactive, a note), emitting an event."""
    if record.status == "inactive":
        raise Conflict("This client is already archived.")
    reason = params.get("reason", "no reason given")
    if not isinstance(reason, str):
        raise Invalid(field="reason", reason="must be a string")
    updated = update_record(ctx.resources["clients"], ctx, record,
                            {"status": "inactive", "notes": f"Archived: {reason}"})
    ctx.emit("client_archived", "clients", updated)
    return updated


def forget(ctx, record, params):
    ctx.org["clients"].remove(record)


def half_done(ctx, record, params):
    """Writes, emits, then refuses: the route must leave nothing of it behind."""
    archive(ctx, record, params)
    create_record(ctx.resources["clients"], ctx, {"name": "Orphan"})
    raise Conflict("Changed my mind.")


def import_client(ctx, params):
    """A test-only collection action: a client arriving from another system."""
    if "name" not in params:
        raise Invalid(field="name", reason="is required")
    created = create_record(ctx.resources["clients"], ctx, {"name": params["name"]})
    if params.get("fail"):
        raise Conflict("The other system hung up.")
    return created


@pytest.fixture
def with_actions(sandbox, monkeypatch):
    resource = sandbox.resources["clients"]
    monkeypatch.setitem(sandbox.resources, "clients", dataclasses.replace(
        resource, actions={"archive": archive, "forget": forget, "half_done": half_done},
        collection_actions={"import": import_client}))


@pytest.fixture
def events(sandbox):
    seen = []
    sandbox.listeners.append(lambda org, batch: seen.extend((org.id, e, p[1].id) for e, p in batch))
    return seen


async def test_list_actions(admin, with_actions):
    body = (await admin.get("/actions")).body  # the server's default revision's (1.0.0)
    actions = body["actions"]
    assert body["apiRevision"] == "1.0.0" and actions["clients"] == ["archive", "forget", "half_done"]
    assert "accept" in actions["proposals"] and "convert" in actions["inquiries"]
    assert "projects" not in actions and "client-documents" not in actions and "write_off" not in actions["invoices"]
    assert body["collectionActions"] == {"clients": ["import"], "payouts": ["create"], "calendar-events": ["sync"]}


async def test_list_one_revision_s_actions_the_organization_s_or_a_named_one(admin, with_actions):
    org, _ = await admin.new_org(apiRevision="2026-06-30", name="Lumen")
    for query in ({"revision": "2026-06-30"}, {"revision": "latest"}, {"organizationId": org["id"]},
                  {"organizationId": "Lumen"}, {"organizationId": org["id"], "revision": "latest"}):
        body = (await admin.get("/actions", params=query)).body
        assert body["apiRevision"] == "2026-06-30", query
        assert "proposals" not in body["actions"] and "publish_version" in body["actions"]["client-documents"]
        assert {"reissue", "write_off"} <= set(body["actions"]["invoices"])
        assert body["collectionActions"]["form-submissions"] == ["receive"]
    mismatch = await admin.get("/actions", params={"organizationId": org["id"], "revision": "1.0.0"})
    assert mismatch.status == 400 and "revision" in mismatch.error["details"]
    assert (await admin.get("/actions", params={"revision": "3.0"})).status == 400
    assert (await admin.get("/actions", params={"organizationId": "Nobody"})).status == 404
    assert (await admin.get("/actions", params={"revision": "1.0.0"})).body["actions"]["clients"] == [
        "archive", "forget", "half_done"]


async def test_list_actions_defaults_to_the_server_s_revision(aiohttp_client):
    admin = Admin(await aiohttp_client(create_app(Settings(admin_token="t", api_revision="2026-06-30"))), "t")
    body = (await admin.get("/actions")).body
    assert body["apiRevision"] == "2026-06-30" and "proposals" not in body["actions"]


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
    assert unknown.error["details"] == {"availableActions": ["archive", "forget", "half_done"]}
    assert (await api.get(f"clients/{client['id']}")).body == client


async def test_actions_need_the_admin_token(http, api, with_actions):
    client = await api.create("clients", name="Acme")
    async with http.post(f"/_mockcasa/organizations/{api.org.id}/clients/{client['id']}/actions/archive",
                         headers={"x-api-key": api.key}) as resp:
        assert resp.status == 401


async def test_a_refused_action_leaves_nothing_half_done(admin, api, with_actions, events):
    client = await api.create("clients", name="Acme")
    events.clear()
    before = (await admin.get("/snapshot")).body
    reply = await admin.post(f"/organizations/{api.org.id}/clients/{client['id']}/actions/half_done")
    assert reply.status == 409 and reply.error["message"] == "Changed my mind."
    assert (await admin.get("/snapshot")).body == before
    assert events == []
    assert [c["name"] for c in await api.list_all("clients")] == ["Acme"]


async def test_run_a_collection_action(admin, api, with_actions, events):
    path = f"/organizations/{api.org.id}/clients/actions/import"
    reply = await admin.post(path, {"name": "From elsewhere"})
    assert reply.status == 201 and reply.body["name"] == "From elsewhere"
    assert reply.body == (await api.get(f"clients/{reply.body['id']}")).body
    assert events == [(api.org.id, "client_created", reply.body["id"])]
    before = (await admin.get("/snapshot")).body
    failed = await admin.post(path, {"name": "Lost", "fail": True})
    assert failed.status == 409 and failed.error["code"] == "conflict"
    assert (await admin.get("/snapshot")).body == before and len(events) == 1
    cases = [(path, {}, 400), (path, [1], 400), (path.replace("import", "explode"), {"name": "x"}, 404),
             (path.replace("/clients/", "/widgets/"), {"name": "x"}, 404),
             (path.replace(api.org.id, "00000000-0000-4000-8000-00000000dead"), {"name": "x"}, 404)]
    for target, body, status in cases:
        refused = await admin.post(target, body)
        assert refused.status == status and refused.error["requestId"], (target, refused)
    unknown = await admin.post(path.replace("import", "explode"))
    assert unknown.error["details"] == {"availableActions": ["import"]}
    none = await admin.post(f"/organizations/{api.org.id}/projects/actions/create")
    assert none.status == 404 and none.error["details"] == {"availableActions": []}
    assert (await admin.get("/snapshot")).body == before
