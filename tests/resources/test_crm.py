"""Clients, contacts and projects: every operation, filter and refusal."""

import pytest

UNKNOWN = "00000000-0000-4000-8000-00000000dead"


async def test_client_lifecycle(api):
    created = await api.post("clients", {"name": "Acme"})
    assert created.status == 201
    client = created.body
    assert client["status"] == "active" and client["notes"] is None
    assert client["createdAt"].endswith("Z") and len(client["createdAt"]) == 24
    got = await api.get(f"clients/{client['id']}")
    assert got.body == client
    patched = await api.patch(f"clients/{client['id']}", {"notes": "VIP", "status": "prospect"})
    assert patched.status == 200
    assert patched.body["notes"] == "VIP" and patched.body["status"] == "prospect"
    assert patched.body["name"] == "Acme"
    deleted = await api.delete(f"clients/{client['id']}")
    assert deleted.status == 204 and deleted.body is None
    assert (await api.get(f"clients/{client['id']}")).status == 404


@pytest.mark.parametrize("body, field", [
    ({}, "name"), ({"name": ""}, "name"), ({"name": "x" * 201}, "name"), ({"name": 5}, "name"),
    ({"name": "A", "status": "gone"}, "status"), ({"name": "A", "notes": None}, "notes"),
    ({"name": "A", "createdAt": "2026-01-01T00:00:00.000Z"}, "createdAt"), ({"name": "A", "colour": "red"}, "colour"),
])
async def test_client_create_validation(api, body, field):
    reply = await api.post("clients", body)
    assert reply.status == 400 and reply.error["code"] == "invalid_request"
    assert field in reply.error["details"], reply.error
    assert (await api.get("clients")).body["pagination"]["total"] == 0


async def test_patch_with_unchanged_defaults_is_accepted(api):
    client = await api.create("clients", name="Acme", status="active")
    reply = await api.patch(f"clients/{client['id']}", {"status": "active"})
    assert reply.status == 200 and reply.body["updatedAt"] == client["updatedAt"]


async def test_rejected_patch_changes_nothing(api):
    client = await api.create("clients", name="Acme")
    reply = await api.patch(f"clients/{client['id']}", {"name": "", "notes": "x"})
    assert reply.status == 400 and "name" in reply.error["details"]
    assert (await api.get(f"clients/{client['id']}")).body == client
    assert (await api.patch(f"clients/{client['id']}", {"id": UNKNOWN})).status == 400


async def test_client_status_filter(api):
    await api.create("clients", name="A", status="prospect")
    await api.create("clients", name="B")
    await api.create("clients", name="C", status="inactive")
    reply = await api.get("clients", params={"status": "prospect"})
    assert [c["name"] for c in reply.body["data"]] == ["A"]
    assert reply.body["pagination"]["total"] == 1
    bad = await api.get("clients", params={"status": "nope"})
    assert bad.status == 400 and "status" in bad.error["details"]


async def test_contact_defaults_and_client_reference(api):
    client = await api.create("clients", name="Acme")
    contact = await api.create("contacts", name="Ada", email="ada@acme.test", clientId=client["id"])
    assert contact["role"] == "other" and contact["isPrimary"] is False
    assert contact["phone"] is None and contact["inquiryId"] is None
    assert contact["clientId"] == client["id"]
    bad = await api.post("contacts", {"name": "Bob", "clientId": UNKNOWN})
    assert bad.status == 400 and "clientId" in bad.error["details"]
    bad_email = await api.post("contacts", {"name": "Bob", "email": "not-an-email"})
    assert bad_email.status == 400 and "email" in bad_email.error["details"]
    long_phone = await api.post("contacts", {"name": "Bob", "phone": "1" * 51})
    assert long_phone.status == 400 and "phone" in long_phone.error["details"]


async def test_contact_filters(api):
    a = await api.create("clients", name="A")
    b = await api.create("clients", name="B")
    await api.create("contacts", name="A1", clientId=a["id"], role="billing")
    await api.create("contacts", name="A2", clientId=a["id"])
    await api.create("contacts", name="B1", clientId=b["id"], role="billing")
    by_client = await api.get("contacts", params={"clientId": a["id"]})
    assert sorted(c["name"] for c in by_client.body["data"]) == ["A1", "A2"]
    both = await api.get("contacts", params={"clientId": a["id"], "role": "billing"})
    assert [c["name"] for c in both.body["data"]] == ["A1"]
    assert both.body["pagination"]["total"] == 1
    assert (await api.get("contacts", params={"clientId": "x"})).status == 400
    assert (await api.get("contacts", params={"clientId": UNKNOWN})).body["data"] == []


async def test_project_rules(api):
    client = await api.create("clients", name="Acme")
    project = await api.create("projects", name="Site", clientId=client["id"], startDate="2026-05-19",
                               contractValue=1500)
    assert project["status"] == "active" and project["startDate"] == "2026-05-19"
    assert project["contractValue"] == 1500 and project["endDate"] is None
    assert (await api.post("projects", {"name": "X"})).error["details"] == {"clientId": "is required"}
    assert "clientId" in (await api.post("projects", {"name": "X", "clientId": UNKNOWN})).error["details"]
    assert "startDate" in (await api.post("projects", {"name": "X", "clientId": client["id"],
                                                       "startDate": "19/05/2026"})).error["details"]
    assert "contractValue" in (await api.post("projects", {"name": "X", "clientId": client["id"],
                                                           "contractValue": -1})).error["details"]
    moved = await api.patch(f"projects/{project['id']}", {"clientId": UNKNOWN})
    assert moved.status == 400
    assert (await api.get(f"projects/{project['id']}")).body == project
    paused = await api.patch(f"projects/{project['id']}", {"status": "paused"})
    assert paused.body["status"] == "paused"
    assert [p["id"] for p in (await api.get("projects", params={"status": "paused",
                                                                "clientId": client["id"]})).body["data"]] \
        == [project["id"]]


async def test_deleting_a_referenced_client_is_refused(api):
    client = await api.create("clients", name="Acme")
    project = await api.create("projects", name="Site", clientId=client["id"])
    await api.create("contacts", name="Ada", clientId=client["id"])
    reply = await api.delete(f"clients/{client['id']}")
    assert reply.status == 409 and reply.error["code"] == "conflict"
    assert reply.error["details"]["referencedBy"] == {"contacts": 1, "projects": 1}
    assert (await api.get(f"clients/{client['id']}")).status == 200
    assert (await api.delete(f"projects/{project['id']}")).status == 204
    contacts = (await api.get("contacts")).body["data"]
    assert (await api.patch(f"contacts/{contacts[0]['id']}", {"clientId": client['id']})).status == 200
    assert (await api.delete(f"contacts/{contacts[0]['id']}")).status == 204
    assert (await api.delete(f"clients/{client['id']}")).status == 204


@pytest.mark.parametrize("resource, body", [
    ("clients", {"name": "Mine"}),
    ("contacts", {"name": "Mine"}),
])
async def test_other_organizations_records_are_404_for_every_operation(api, other_api, resource, body):
    mine = await api.create(resource, **body)
    path = f"{resource}/{mine['id']}"
    assert (await other_api.get(path)).status == 404
    assert (await other_api.patch(path, {"name": "Theirs"})).status == 404
    assert (await other_api.delete(path)).status == 404
    assert (await other_api.get(resource)).body["data"] == []
    assert (await api.get(path)).body == mine


async def test_cross_org_references_are_refused(api, other_api):
    theirs = await other_api.create("clients", name="Theirs")
    reply = await api.post("projects", {"name": "P", "clientId": theirs["id"]})
    assert reply.status == 400 and "clientId" in reply.error["details"]
    reply = await api.post("contacts", {"name": "P", "clientId": theirs["id"]})
    assert reply.status == 400
    project_of_other = await other_api.create("projects", name="P", clientId=theirs["id"])
    assert (await api.get(f"projects/{project_of_other['id']}")).status == 404
