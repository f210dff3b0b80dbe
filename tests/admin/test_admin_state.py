"""Admin API: snapshots, fault rules and scenarios at run time, the request journal."""

import json

import pytest

from mockcasa import create_app
from mockcasa.config import Settings
from tests.support.admin import Admin
from tests.support.api import Api


async def export(admin) -> bytes:
    async with admin.http.get("/_mockcasa/snapshot", headers={"x-admin-token": admin.token}) as resp:
        assert resp.status == 200 and resp.content_type == "application/json"
        return await resp.read()


async def import_(admin, data: bytes):
    return await admin.request("POST", "/snapshot", data=data, headers={"Content-Type": "application/json"})


async def busy_world(admin):
    org, api = await admin.new_org(name="Busy", generate={"clients": 15, "contacts": 20, "projects": 25})
    client = await api.create("clients", name="Live one")  # microsecond timestamps from a running clock
    await api.create("projects", name="Live project", clientId=client["id"])
    await api.patch(f"clients/{client['id']}", {"notes": "edited"})
    _, api2 = await admin.new_org(name="Frozen", clock={"freezeAt": "2026-05-19T10:00:00Z"})
    await api2.create("clients", name="Same instant 1")
    await api2.create("clients", name="Same instant 2")
    await admin.post(f"/organizations/{org['id']}/clock/advance", {"by": "3h"})
    return api, api2


async def test_snapshot_round_trip_is_byte_for_byte(admin):
    api, api2 = await busy_world(admin)
    first = await export(admin)
    lists = [await api.list_all("projects"), await api2.list_all("clients")]
    reply = await import_(admin, first)
    assert reply.status == 200 and reply.body == {"organizations": 2, "apiKeys": 2}
    assert await export(admin) == first
    assert [await api.list_all("projects"), await api2.list_all("clients")] == lists


async def test_snapshot_import_into_another_server(admin, aiohttp_client):
    api, _ = await busy_world(admin)
    data = await export(admin)
    other = Admin(await aiohttp_client(create_app(Settings(admin_token="t"))), "t")
    assert (await import_(other, data)).status == 200
    assert await export(other) == data
    moved = Api(other.http, api.key)
    assert await moved.list_all("clients") == await api.list_all("clients")
    assert (await moved.create("clients", name="After import"))["name"] == "After import"


async def test_snapshot_contents(admin):
    _, api2 = await busy_world(admin)
    data = json.loads(await export(admin))
    assert data["format"] == "mockcasa-snapshot" and data["version"] == 2
    frozen = data["organizations"][1]
    assert frozen["clock"] == {"frozenAt": "2026-05-19T10:00:00+00:00", "offsetMicroseconds": 0}
    ids = [c["id"] for c in frozen["records"]["clients"]]
    assert ids == sorted(ids)  # same createdAt: the store's tie-break (id) is kept
    assert {"clients", "contacts", "projects"} <= set(frozen["records"])
    assert data["apiKeys"][1]["key"] == api2.key


async def test_import_replaces_everything(admin):
    _, before = await admin.new_org()
    empty = {"format": "mockcasa-snapshot", "version": 2, "organizations": [], "apiKeys": []}
    assert (await admin.post("/snapshot", empty)).status == 200
    assert (await before.get("clients")).status == 401


BAD_SNAPSHOTS = {
    "not a snapshot": ({"hello": 1}, "hello"),
    "another version": ({"version": 3}, "version"),
    "record fails its model": ({"organizations": [{"id": "00000000-0000-4000-8000-000000000001", "name": "A",
                                                   "currency": "USD", "taxRate": 0,
                                                   "records": {"clients": [{"id": "x"}]}}]},
                               "organizations[0].records.clients[0].id"),
    "dangling reference": ({"organizations": [{"id": "00000000-0000-4000-8000-000000000001", "name": "A",
                                               "currency": "USD", "taxRate": 0, "records": {"projects": [{
                                                   "id": "00000000-0000-4000-8000-000000000002", "name": "P",
                                                   "clientId": "00000000-0000-4000-8000-000000000003",
                                                   "createdAt": "2026-01-01T00:00:00+00:00",
                                                   "updatedAt": "2026-01-01T00:00:00+00:00"}]}}]},
                           "organizations[0].records.projects[0].clientId"),
    "key of no organization": ({"apiKeys": [{"id": "k", "key": "cc_test_x", "organizationId": "nope",
                                             "scopes": []}]}, "apiKeys[0].organizationId"),
    "record is not an object": ({"organizations": [{"id": "00000000-0000-4000-8000-000000000001", "name": "A",
                                                    "currency": "USD", "taxRate": 0,
                                                    "records": {"clients": [["a list"]]}}]},
                                "organizations[0].records.clients[0]"),
    "unknown resource": ({"organizations": [{"id": "00000000-0000-4000-8000-000000000001", "name": "A",
                                             "currency": "USD", "taxRate": 0, "records": {"widgets": []}}]},
                         "organizations[0].records.widgets"),
}


@pytest.mark.parametrize("case", list(BAD_SNAPSHOTS))
async def test_bad_snapshot_changes_nothing(case, admin):
    body, path = BAD_SNAPSHOTS[case]
    _, api = await admin.new_org()
    await api.create("clients", name="Kept")
    before = await export(admin)
    reply = await admin.post("/snapshot", {"format": "mockcasa-snapshot", "version": 1, **body})
    assert reply.status == 400 and path in reply.error["details"], reply
    assert await export(admin) == before


async def test_fault_rules_at_run_time(admin, api):
    added = await admin.post_yaml("/faults", "name: slow-down\nmatch: {method: POST}\naction: {status: 503}\n"
                                             "schedule: {first: 1}\n")
    assert added.status == 201 and added.body["name"] == "slow-down" and added.body["id"].startswith("rule_")
    second = await admin.post("/faults", {"action": {"status": 500}, "match": {"path": "/api/v1/projects"}})
    assert (await api.post("clients", {"name": "A"})).status == 503
    assert (await api.post("clients", {"name": "A"})).status == 201
    rules = (await admin.get("/faults")).body["rules"]
    assert [(r["name"], r["stats"]) for r in rules] == [("slow-down", {"matched": 2, "fired": 1}),
                                                        (second.body["id"], {"matched": 0, "fired": 0})]
    assert rules[0]["match"] == {"method": "POST"} and rules[0]["schedule"] == {"first": 1}
    assert (await admin.delete("/faults/slow-down")).status == 204
    assert (await admin.delete(f"/faults/{second.body['id']}")).status == 204
    assert (await admin.delete("/faults/slow-down")).status == 404
    assert (await admin.get("/faults")).body["rules"] == []


async def test_bad_rule_is_refused(admin):
    reply = await admin.post("/faults", {"action": {"status": 503}, "schedule": {"every": "often"}})
    assert reply.status == 400 and "schedule.every" in reply.error["details"]
    assert (await admin.post("/faults", None)).status == 400
    assert (await admin.get("/faults")).body["rules"] == []


async def test_load_scenario_at_run_time(admin, api):
    scenario = "name: chaos\nrules:\n  - {name: a, action: {status: 502}, schedule: {first: 1}}\n  - {name: b, action: {latency: 1ms}}\n"
    reply = await admin.post_yaml("/scenarios", scenario)
    assert reply.status == 201 and [r["name"] for r in reply.body["rules"]] == ["a", "b"]
    assert {r["source"] for r in reply.body["rules"]} == {"chaos"}
    await admin.post_yaml("/scenarios", scenario)
    assert len((await admin.get("/faults")).body["rules"]) == 4
    await admin.post_yaml("/scenarios", scenario, params={"replace": "true"})
    assert len((await admin.get("/faults")).body["rules"]) == 2
    assert (await api.get("clients")).status == 502
    assert (await admin.delete("/faults")).status == 204
    assert (await api.get("clients")).status == 200


async def test_journal_records_requests_and_responses(admin, api, other_api):
    created = await api.post("clients", {"name": "Journalled"}, headers={"X-Mockcasa-Fault": "latency=1ms"})
    await api.get("clients/00000000-0000-4000-8000-00000000dead")
    await other_api.get("projects")
    await admin.get("/faults")  # admin calls are not journalled
    entries = (await admin.get("/journal")).body["entries"]
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [
        ("GET", "/api/v1/projects", 200), ("GET", "/api/v1/clients/00000000-0000-4000-8000-00000000dead", 404),
        ("POST", "/api/v1/clients", 201)]
    post = entries[2]
    assert post["organizationId"] == api.org.id and post["operationId"] == "createClient"
    assert post["apiKeyId"] and post["credentialKind"] == "api_key"
    assert post["requestId"] == created.headers["X-Request-Id"]
    assert post["request"]["contentType"] == "application/json"
    assert post["request"]["body"] == {"name": "Journalled"}
    assert post["response"]["body"] == created.body and post["fault"].startswith("latency=1ms")
    assert post["durationMs"] >= 1 and post["at"].endswith("Z")
    assert entries[1]["response"]["body"]["error"]["code"] == "not_found"


async def test_journal_filters(admin, api, other_api):
    await api.post("clients", {"name": "A"})
    await api.post("clients", {"name": ""})
    await api.get("clients", headers={"X-Mockcasa-Fault": "503"})
    await other_api.get("projects", params={"page": 2})
    q = lambda **p: admin.get("/journal", params=p)
    assert [e["status"] for e in (await q(organizationId=api.org.id)).body["entries"]] == [503, 400, 201]
    assert [e["status"] for e in (await q(method="post")).body["entries"]] == [400, 201]
    assert [e["query"] for e in (await q(path="/api/v1/projects")).body["entries"]] == ["page=2"]
    assert len((await q(path="/api/v1/**")).body["entries"]) == 4
    assert [e["status"] for e in (await q(status="4xx")).body["entries"]] == [400]
    assert [e["status"] for e in (await q(status="503")).body["entries"]] == [503]
    assert len((await q(limit=2)).body["entries"]) == 2
    bad = await q(status="teapot", limit="0")
    assert bad.status == 400 and set(bad.error["details"]) == {"status", "limit"}
    assert (await admin.delete("/journal")).status == 204
    assert (await admin.get("/journal")).body["entries"] == []


async def test_journal_is_bounded(aiohttp_client):
    app = create_app(Settings(admin_token="t", journal_size=3))
    admin = Admin(await aiohttp_client(app), "t")
    _, api = await admin.new_org()
    for i in range(5):
        await api.post("clients", {"name": f"C{i}"})
    body = (await admin.get("/journal")).body
    assert [e["request"]["body"]["name"] for e in body["entries"]] == ["C4", "C3", "C2"]
    assert body["capacity"] == 3 and body["size"] == 3


async def test_journal_can_be_disabled(aiohttp_client):
    app = create_app(Settings(admin_token="t", journal_size=0))
    admin = Admin(await aiohttp_client(app), "t")
    _, api = await admin.new_org()
    await api.get("clients")
    assert (await admin.get("/journal")).body["entries"] == []


async def test_snapshot_keeps_fields_the_api_never_shows(admin, sandbox, monkeypatch):
    import dataclasses

    from mockcasa.models.common import Internal, internal
    from mockcasa.models.crm import Client

    class SecretClient(Client):
        secret: Internal[str | None] = internal()

    resource = sandbox.resources["clients"]
    monkeypatch.setitem(sandbox.resources, "clients", dataclasses.replace(resource, model=SecretClient))
    _, api = await admin.new_org(records={"clients": [{"name": "Hidden", "secret": "s3"}]})
    [client] = (await api.get("clients")).body["data"]
    assert "secret" not in client
    data = await export(admin)
    assert json.loads(data)["organizations"][0]["records"]["clients"][0]["secret"] == "s3"
    assert (await import_(admin, data)).status == 200 and await export(admin) == data
