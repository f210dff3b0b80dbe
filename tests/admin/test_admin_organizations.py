"""Admin API: token, health, version, its OpenAPI document, organizations on the fly, resets, clocks."""


import pytest

from mockcasa import create_app
from mockcasa.config import Settings
from tests.support.admin import Admin
from tests.support.api import Api

SEED = """
organizations:
  - id: 00000000-0000-4000-8000-0000000000e1
    apiKeys: [{key: cc_test_startup_key}]
    clock: {freezeAt: 2026-05-19T10:00:00Z}
    records:
      clients: [{name: Startup Client}]
"""


async def test_health_needs_no_token_everything_else_does(http, admin):
    async with http.get("/_mockcasa/health") as resp:
        assert resp.status == 200 and await resp.json() == {"status": "ok"}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"x-admin-token": "wrong"}, {"Authorization": "Basic x"}):
        async with http.get("/_mockcasa/version", headers=headers) as resp:
            body = await resp.json()
            assert resp.status == 401 and body["error"]["code"] == "unauthorized", headers
    reply = await admin.get("/version")
    assert reply.status == 200 and reply.body["version"] and reply.body["apiVersion"] == "1.0.0"
    async with http.get("/_mockcasa/version", headers={"x-admin-token": admin.token}) as resp:
        assert resp.status == 200


async def test_api_keys_do_not_open_the_admin_api(http, api):
    async with http.get("/_mockcasa/organizations", headers={"Authorization": f"Bearer {api.key}"}) as resp:
        assert resp.status == 401


async def test_token_from_settings_and_random_otherwise(aiohttp_client):
    http = await aiohttp_client(create_app(Settings(admin_token="s3cret")))
    assert (await Admin(http, "s3cret").get("/version")).status == 200
    from mockcasa.admin import ADMIN_TOKEN
    one, two = create_app(Settings()), create_app(Settings())
    assert one[ADMIN_TOKEN] != two[ADMIN_TOKEN] and len(one[ADMIN_TOKEN]) >= 24


async def test_admin_openapi_document(http, admin):
    async with http.get("/_mockcasa/openapi.json") as resp:
        assert resp.status == 200
        doc = await resp.json()
    assert doc["openapi"].startswith("3.1")
    paths = doc["paths"]
    assert "/_mockcasa/organizations/{orgId}/{resource}/{id}/actions/{action}" in paths
    assert {"get", "post"} <= set(paths["/_mockcasa/snapshot"])
    operations = [op for path in paths.values() for op in path.values()]
    assert len({op["operationId"] for op in operations}) == len(operations) > 20
    assert paths["/_mockcasa/health"]["get"]["security"] == []
    assert paths["/_mockcasa/organizations"]["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/NewOrganization"}
    assert "NewOrganization" in doc["components"]["schemas"]


async def test_create_isolated_organizations_with_fresh_keys(admin, http):
    one, api_one = await admin.new_org(name="Test A", currency="GBP", taxRate=0.2)
    two, api_two = await admin.new_org()
    assert one["name"] == "Test A" and one["currency"] == "GBP" and one["taxRate"] == 0.2
    assert two["name"] == "Sandbox Studio" and one["id"] != two["id"]
    client = await api_one.create("clients", name="Mine")
    assert (await api_two.get(f"clients/{client['id']}")).status == 404
    assert (await api_two.get("clients")).body["data"] == []
    assert (await api_one.post("projects", {"name": "P", "clientId": client["id"]})).status == 201


async def test_create_organization_with_scopes_and_seed_content(admin):
    reply = await admin.post("/organizations", {"scopes": ["clients:read"], "clock": {"freezeAt": "2026-03-01T00:00:00Z"},
                                                "records": {"clients": [{"name": "Seeded", "createdAt": "-1d"}]}})
    assert reply.status == 201
    assert reply.body["apiKey"]["scopes"] == ["clients:read"]
    api = Api(admin.http, reply.body["apiKey"]["key"])
    [client] = (await api.get("clients")).body["data"]
    assert client["createdAt"] == "2026-02-28T00:00:00.000Z"
    assert (await api.post("clients", {"name": "No"})).status == 403


async def test_bad_new_organization_creates_nothing(admin):
    for body in ({"scopes": ["clients:fly"]}, {"currency": "DOLLARS"}, {"records": {"clients": [{"nope": 1}]}},
                 {"colour": "red"}):
        reply = await admin.post("/organizations", body)
        assert reply.status == 400 and reply.error["code"] == "invalid_request", body
    assert (await admin.get("/organizations")).body["organizations"] == []


async def test_fifty_organizations_in_a_row_are_all_listed(admin):
    # How fast they are made is measured by `python -m bench --only org,orgs`, not asserted here.
    for _ in range(50):
        assert (await admin.post("/organizations")).status == 201
    assert len((await admin.get("/organizations")).body["organizations"]) == 50


async def test_get_list_and_delete_an_organization(admin):
    org, api = await admin.new_org(name="Short lived")
    await api.create("clients", name="A")
    got = (await admin.get(f"/organizations/{org['id']}")).body
    assert got["counts"]["clients"] == 1
    assert sum(got["counts"].values()) == 1
    assert [k["key"] for k in got["apiKeys"]] == [api.key]
    assert [o["id"] for o in (await admin.get("/organizations")).body["organizations"]] == [org["id"]]
    assert (await admin.delete(f"/organizations/{org['id']}")).status == 204
    assert (await api.get("clients")).status == 401
    assert (await admin.get(f"/organizations/{org['id']}")).status == 404
    assert (await admin.delete(f"/organizations/{org['id']}")).status == 404


@pytest.fixture
def seeded_app(tmp_path):
    seed = tmp_path / "startup.yaml"
    seed.write_text(SEED)
    return create_app(Settings(seeds=[seed], admin_token="t"))


async def test_reset_an_organization(aiohttp_client, seeded_app):
    admin = Admin(await aiohttp_client(seeded_app), "t")
    startup = Api(admin.http, "cc_test_startup_key")
    original = (await startup.get("clients")).body
    org_path = "/organizations/00000000-0000-4000-8000-0000000000e1"
    await startup.create("clients", name="Added later")
    await admin.post(org_path + "/clock/advance", {"by": "1d"})
    reply = await admin.post(org_path + "/reset")
    assert reply.status == 200 and reply.body["clock"]["now"] == "2026-05-19T10:00:00.000Z"
    assert (await startup.get("clients")).body == original

    later, api = await admin.new_org()
    await api.create("clients", name="Gone after reset")
    reply = await admin.post(f"/organizations/{later['id']}/reset")
    assert reply.body["counts"]["clients"] == 0
    assert (await api.get("clients")).body["data"] == []  # the key still works


async def test_reset_everything(aiohttp_client, seeded_app):
    admin = Admin(await aiohttp_client(seeded_app), "t")
    startup = Api(admin.http, "cc_test_startup_key")
    original = (await startup.get("clients")).body
    await startup.create("clients", name="Added")
    _, other = await admin.new_org()
    await admin.post("/faults", {"action": {"status": 503}})
    reply = await admin.post("/reset")
    assert reply.body == {"organizations": 1, "apiKeys": 1, "faultRules": 0}
    assert (await startup.get("clients")).body == original
    assert (await other.get("clients")).status == 401
    assert (await admin.get("/journal")).body["entries"][-1]["path"] == "/api/v1/clients"  # only since reset
    assert len((await admin.get("/journal")).body["entries"]) == 2
    emptied = await admin.post("/reset", params={"empty": "true"})
    assert emptied.body == {"organizations": 0, "apiKeys": 0, "faultRules": 0}
    assert (await startup.get("clients")).status == 401


async def test_clock_endpoints(api, admin):
    path = f"/organizations/{api.org.id}/clock"
    assert (await admin.get(path)).body["frozen"] is False
    frozen = await admin.post(path + "/freeze", {"at": "2026-05-19T10:00:00Z"})
    assert frozen.body == {"now": "2026-05-19T10:00:00.000Z", "frozen": True, "offsetSeconds": None}
    assert (await api.create("clients", name="A"))["createdAt"] == "2026-05-19T10:00:00.000Z"
    assert (await admin.post(path + "/advance", {"by": "1d12h"})).body["now"] == "2026-05-20T22:00:00.000Z"
    assert (await admin.post(path + "/set", {"at": "2027-01-01T00:00:00+02:00"})).body["now"] == \
        "2026-12-31T22:00:00.000Z"
    running = await admin.post(path + "/unfreeze")
    assert running.body["frozen"] is False and running.body["now"].startswith("2026-12-31T22:00")
    refrozen = await admin.post(path + "/freeze")
    assert refrozen.body["frozen"] is True and refrozen.body["now"].startswith("2026-12-31T22:00")
    reset = await admin.post(path + "/reset")
    assert reset.body["frozen"] is False and reset.body["offsetSeconds"] == 0


@pytest.mark.parametrize("endpoint, body, field", [
    ("/set", {}, "at"), ("/set", {"at": "tomorrow"}, "at"), ("/set", {"at": "2026-01-01T00:00:00"}, "at"),
    ("/advance", {"by": "soon"}, "by"), ("/advance", {"by": "-1h"}, "by"), ("/freeze", {"at": 5}, "at"),
])
async def test_bad_clock_requests(endpoint, body, field, api, admin):
    reply = await admin.post(f"/organizations/{api.org.id}/clock{endpoint}", body)
    assert reply.status == 400 and field in reply.error["details"], reply
    assert (await admin.get(f"/organizations/{api.org.id}/clock")).body["frozen"] is False


async def test_unknown_organization_is_a_404(admin):
    for method, path in (("GET", "/clock"), ("POST", "/clock/freeze"), ("POST", "/reset"), ("POST", "/seed"),
                         ("GET", "")):
        reply = await admin.request(method, "/organizations/00000000-0000-4000-8000-00000000dead" + path)
        assert reply.status == 404 and reply.error["code"] == "not_found", path
