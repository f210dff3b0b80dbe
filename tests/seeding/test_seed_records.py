"""Seed files: organizations, members, keys, clocks and hand-written records (aliases, relative dates)."""

import dataclasses

from mockcasa.errors import Invalid
from tests.support.api import Api

ORG_ID = "00000000-0000-4000-8000-0000000000c1"
WORLD = f"""
organizations:
  - id: {ORG_ID}
    name: Lumen Studio
    currency: eur
    taxRate: 0.2
    clock: {{freezeAt: 2026-05-19T10:00:00Z}}
    members:
      - {{alias: sam, name: Sam Rivera, email: sam@lumen.example, role: admin}}
    apiKeys:
      - {{key: cc_test_lumen_all, name: ci}}
      - {{key: cc_test_lumen_read, scopes: [clients:read], rateLimit: 50}}
    records:
      projects:                        # written before the client they name: order does not matter
        - alias: site
          name: Website
          clientId: acme
          startDate: -30d
          endDate: +14d
          eventDate: today+1w
          createdAt: -40d
          contractValue: 12000
      clients:
        - {{alias: acme, name: Acme, status: prospect, notes: VIP}}
        - id: 00000000-0000-4000-8000-00000000a001
          name: Globex
          createdAt: 2026-01-02T03:04:05.678Z
          updatedAt: now
      contacts:
        - {{name: Ada, clientId: acme, isPrimary: true, role: primary,
            inquiryId: 00000000-0000-4000-8000-00000000beef}}
"""


async def load(admin, text):
    reply = await admin.post_yaml("/seeds", text)
    assert reply.status == 201, reply
    return reply.body["organizations"]


async def test_organization_settings_members_keys_and_clock(admin, http):
    [org] = await load(admin, WORLD)
    assert org["id"] == ORG_ID and org["name"] == "Lumen Studio"
    assert org["currency"] == "EUR" and org["taxRate"] == 0.2
    assert org["clock"] == {"now": "2026-05-19T10:00:00.000Z", "frozen": True, "offsetSeconds": None}
    assert [(m["name"], m["email"], m["role"]) for m in org["members"]] == [("Sam Rivera", "sam@lumen.example",
                                                                            "admin")]
    keys = {k["key"]: k for k in org["apiKeys"]}
    assert keys["cc_test_lumen_read"]["scopes"] == ["clients:read"] and keys["cc_test_lumen_read"]["rateLimit"] == 50
    assert "projects:write" in keys["cc_test_lumen_all"]["scopes"]
    reader = Api(http, "cc_test_lumen_read")
    assert (await reader.get("clients")).body["pagination"]["total"] == 2
    assert (await reader.get("projects")).status == 403


async def test_aliases_become_ids_and_relative_dates_follow_the_clock(admin, http):
    await load(admin, WORLD)
    api = Api(http, "cc_test_lumen_all")
    clients = {c["name"]: c for c in await api.list_all("clients")}
    acme = clients["Acme"]
    assert acme["status"] == "prospect" and acme["notes"] == "VIP"
    assert acme["createdAt"] == acme["updatedAt"] == "2026-05-19T10:00:00.000Z"
    [project] = await api.list_all("projects")
    assert project["clientId"] == acme["id"]
    assert (project["startDate"], project["endDate"], project["eventDate"]) == ("2026-04-19", "2026-06-02",
                                                                                "2026-05-26")
    assert project["createdAt"] == project["updatedAt"] == "2026-04-09T10:00:00.000Z"
    assert project["contractValue"] == 12000
    [contact] = await api.list_all("contacts")
    assert contact["clientId"] == acme["id"] and contact["isPrimary"] is True


async def test_system_managed_fields_are_accepted(admin, http):
    await load(admin, WORLD)
    api = Api(http, "cc_test_lumen_all")
    globex = (await api.get("clients/00000000-0000-4000-8000-00000000a001")).body
    assert globex["createdAt"] == "2026-01-02T03:04:05.678Z" and globex["updatedAt"] == "2026-05-19T10:00:00.000Z"
    [contact] = await api.list_all("contacts")
    assert contact["inquiryId"] == "00000000-0000-4000-8000-00000000beef"  # read-only through the API


async def test_seeded_records_behave_like_any_other(admin, http):
    await load(admin, WORLD)
    api = Api(http, "cc_test_lumen_all")
    acme = (await api.get("clients", params={"status": "prospect"})).body["data"][0]
    refused = await api.delete(f"clients/{acme['id']}")
    assert refused.status == 409 and refused.error["details"]["referencedBy"] == {"contacts": 1, "projects": 1}
    assert (await api.get("projects", params={"clientId": acme["id"]})).body["pagination"]["total"] == 1


async def test_ids_are_stable_from_load_to_load(admin, http, aiohttp_client):
    [_first] = await load(admin, WORLD)
    ids = {c["name"]: c["id"] for c in await Api(http, "cc_test_lumen_all").list_all("clients")}
    await admin.post("/reset", params={"empty": "true"})
    await load(admin, WORLD)
    again = {c["name"]: c["id"] for c in await Api(http, "cc_test_lumen_all").list_all("clients")}
    assert again == ids


async def test_json_seed_bodies_are_accepted(admin, http):
    body = {"organizations": [{"name": "Json Co", "apiKeys": [{"key": "cc_test_json_key"}],
                               "records": {"clients": [{"alias": "a", "name": "A"}],
                                           "projects": [{"name": "P", "clientId": "a"}]}}]}
    reply = await admin.post("/seeds", body)
    assert reply.status == 201 and reply.body["organizations"][0]["counts"]["projects"] == 1


async def test_new_organization_without_members_gets_an_owner(admin):
    [org] = await load(admin, "organizations: [{name: Solo}]")
    assert [m["role"] for m in org["members"]] == ["owner"]
    assert org["clock"]["frozen"] is False


async def test_running_clock_can_start_at_an_instant(admin):
    [org] = await load(admin, "organizations: [{clock: {startAt: 2030-01-01T00:00:00Z}}]")
    assert org["clock"]["frozen"] is False and org["clock"]["now"].startswith("2030-01-01T00:00")


async def test_on_seed_hook_normalises_records(app, admin, http, monkeypatch, sandbox):
    def on_seed(ctx, values):
        values["notes"] = f"seeded at {ctx.today().isoformat()}"
        return values
    resource = sandbox.resources["clients"]
    monkeypatch.setitem(sandbox.resources, "clients", dataclasses.replace(resource, on_seed=on_seed))
    await load(admin, "organizations: [{apiKeys: [{key: cc_test_hook_key}], clock: {freezeAt: 2026-02-03T00:00:00Z},"
                      " records: {clients: [{name: A}]}}]")
    [client] = await Api(http, "cc_test_hook_key").list_all("clients")
    assert client["notes"] == "seeded at 2026-02-03"


async def test_on_seed_hook_errors_are_located(admin, monkeypatch, sandbox):
    def on_seed(ctx, values):
        if values["name"] == "Bad":
            raise Invalid(field="name", reason="is not allowed in seeds")
        return values
    resource = sandbox.resources["clients"]
    monkeypatch.setitem(sandbox.resources, "clients", dataclasses.replace(resource, on_seed=on_seed))
    reply = await admin.post_yaml("/seeds", "organizations:\n  - records:\n      clients:\n        - {name: Ok}\n"
                                            "        - {name: Bad}\n")
    assert reply.status == 400
    assert reply.error["details"] == {"organizations[0].records.clients[1].name": "is not allowed in seeds (line 5)"}
    assert (await admin.get("/organizations")).body["organizations"] == []


async def test_seed_into_an_existing_organization(admin):
    org, api = await admin.new_org(name="Per test")
    acme = await api.create("clients", name="Acme")
    reply = await admin.post_yaml(f"/organizations/{org['id']}/seed", f"""
records:
  projects:
    - {{name: Rebrand, clientId: {acme['id']}}}
    - {{name: Launch, clientId: newco}}
  clients:
    - {{alias: newco, name: NewCo}}
generate: {{contacts: 3}}
""")
    assert reply.status == 200, reply
    assert {k: v for k, v in reply.body["counts"].items() if v} == {"clients": 2, "contacts": 3, "projects": 2}
    projects = {p["name"]: p for p in await api.list_all("projects")}
    assert projects["Rebrand"]["clientId"] == acme["id"]
    # the same content again: new ids, no clash
    again = await admin.post_yaml(f"/organizations/{org['id']}/seed", "generate: {contacts: 3}")
    assert again.status == 200 and again.body["counts"]["contacts"] == 6


async def test_failed_seed_into_an_existing_organization_changes_nothing(admin):
    org, api = await admin.new_org(clock={"freezeAt": "2026-01-01T00:00:00Z"})
    await api.create("clients", name="Acme")
    before = (await admin.get(f"/organizations/{org['id']}")).body
    reply = await admin.post_yaml(f"/organizations/{org['id']}/seed", """
clock: {freezeAt: 2027-01-01T00:00:00Z}
members: [{name: New Person}]
apiKeys: [{key: cc_test_never_issued}]
records:
  clients: [{name: Fine}]
  projects: [{name: Orphan, clientId: nobody}]
""")
    assert reply.status == 400
    assert reply.error["details"] == {
        "records.projects[0].clientId": "no record or member has the alias 'nobody' (none are defined for clients)"
                                        " (line 7)"}
    assert (await admin.get(f"/organizations/{org['id']}")).body == before
    assert (await Api(api.http, "cc_test_never_issued").get("clients")).status == 401
