"""Catalog items: the contract's defaults, validation, references and filters."""

from functools import partial

import pytest

from tests.support.api import listed_ids
from tests.support.work import UNKNOWN, make_project, member_id, unchanged


async def test_create_defaults_and_lifecycle(api):
    created = await api.create("catalog-items", name="Design hour", type="charge")
    assert created["unit"] == "flat" and created["defaultFrequency"] == "one-time"
    assert created["pricingMode"] == "fixed" and created["status"] == "active"
    for key in ("invoiceLabel", "description", "invoiceDescription", "defaultRate", "taxCategoryId", "clientId"):
        assert created[key] is None, key
    path = f"catalog-items/{created['id']}"
    patched = await api.patch(path, {"pricingMode": "hourly", "unit": "hour", "defaultRate": 85.555,
                                     "status": "paused", "type": "expense", "invoiceLabel": "Design"})
    assert patched.status == 200
    assert (patched.body["pricingMode"], patched.body["unit"], patched.body["defaultRate"]) == ("hourly", "hour", 85.56)
    assert (await api.get(path)).body == patched.body
    assert (await api.delete(path)).status == 204
    assert (await api.get(path)).status == 404


@pytest.mark.parametrize("fields, field", [
    ({"type": None}, "type"), ({"type": "service"}, "type"), ({"pricingMode": "tiered"}, "pricingMode"),
    ({"unit": "day"}, "unit"), ({"defaultFrequency": "weekly"}, "defaultFrequency"),
    ({"defaultRate": -1}, "defaultRate"), ({"defaultRate": "10"}, "defaultRate"), ({"status": "gone"}, "status"),
    ({"clientId": UNKNOWN}, "clientId"), ({"name": "x" * 201}, "name"), ({"invoiceLabel": "x" * 201}, "invoiceLabel"),
    ({"description": "x" * 2001}, "description"), ({"taxCategoryId": "vat"}, "taxCategoryId"),
])
async def test_create_refusals(api, fields, field):
    reply = await api.post("catalog-items", {"name": "Design", "type": "charge", **fields})
    assert reply.status == 400 and reply.error["code"] == "invalid_request", reply
    assert field in reply.error["details"], reply.error
    assert (await api.get("catalog-items")).body["pagination"]["total"] == 0


async def test_patch_refusals_change_nothing(api):
    created = await api.create("catalog-items", name="Design", type="charge")
    path = f"catalog-items/{created['id']}"
    for body, field in (({"clientId": UNKNOWN}, "clientId"), ({"description": None}, "description"),
                        ({"pricingMode": "bom", "unit": "week"}, "unit"), ({"id": UNKNOWN}, "id")):
        reply = await api.patch(path, body)
        assert reply.status == 400 and field in reply.error["details"], (body, reply)
    await unchanged(api, path, created)


async def test_items_in_use_cannot_be_deleted(api):
    project = await make_project(api)
    item = await api.create("catalog-items", name="Design", type="charge", clientId=project["clientId"])
    await api.create("milestones", parentType="projects", parentId=project["id"], title="x", date="2026-06-01",
                     catalogItemId=item["id"])
    await api.create("transactions", name="x", amount=1, direction="revenue", catalogItemId=item["id"])
    await api.create("time-entries", projectId=project["id"], memberId=member_id(api), date="2026-05-19",
                     hours=1, catalogItemId=item["id"])
    reply = await api.delete(f"catalog-items/{item['id']}")
    assert reply.status == 409 and reply.error["details"]["referencedBy"] == {
        "time-entries": 1, "milestones": 1, "transactions": 1}
    assert (await api.get(f"catalog-items/{item['id']}")).body == item


async def test_filters(api):
    client = await api.create("clients", name="Acme")
    c1 = await api.create("catalog-items", name="A", type="charge", clientId=client["id"])
    c2 = await api.create("catalog-items", name="B", type="expense", status="archived")
    c3 = await api.create("catalog-items", name="C", type="expense", clientId=client["id"], status="paused")

    ids = partial(listed_ids, api, "catalog-items")
    assert await ids(type="expense") == {c2["id"], c3["id"]}
    assert await ids(status="archived") == {c2["id"]}
    assert await ids(clientId=client["id"]) == {c1["id"], c3["id"]}
    assert await ids(clientId=client["id"], type="expense", status="paused") == {c3["id"]}
    for param, value in (("type", "service"), ("status", "x"), ("clientId", "acme")):
        bad = await api.get("catalog-items", params={param: value})
        assert bad.status == 400 and param in bad.error["details"]


async def test_other_organizations_items_are_404(api, other_api):
    created = await api.create("catalog-items", name="Design", type="charge")
    path = f"catalog-items/{created['id']}"
    assert (await other_api.get(path)).status == 404
    assert (await other_api.patch(path, {"name": "x"})).status == 404
    assert (await other_api.delete(path)).status == 404
    assert (await other_api.get("catalog-items")).body["data"] == []
    theirs = await other_api.create("clients", name="Theirs")
    reply = await api.post("catalog-items", {"name": "x", "type": "charge", "clientId": theirs["id"]})
    assert reply.status == 400 and "clientId" in reply.error["details"]
    await unchanged(api, path, created)
