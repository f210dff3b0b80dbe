"""Transactions: assignments and their references, billed amount, the billing freeze, filters."""

from functools import partial

import pytest

from mockcasa.errors import Invalid
from tests.support.api import listed_ids
from tests.support.work import UNKNOWN, Invoices, make_project, run_action, seed, unchanged


async def transaction(api, **fields) -> dict:
    return await api.create("transactions", **{"name": "Hosting", "amount": 120, "direction": "cost", **fields})


async def test_create_defaults(api):
    created = await transaction(api)
    assert created["frequency"] == "one-time" and created["mode"] == "each" and created["status"] == "active"
    assert created["assignments"] == [] and created["receiptVerified"] is False
    for key in ("catalogItemId", "taxCategoryId", "splitEvenly", "passThrough", "markupPercent", "billedAmount",
                "startDate", "endDate", "notes", "vendorName", "vendorEmail", "vendorTaxId"):
        assert created[key] is None, key
    assert (await api.get(f"transactions/{created['id']}")).body == created


async def test_assignments_are_stored_in_full_and_checked(api):
    project = await make_project(api)
    created = await transaction(api, mode="split", splitEvenly=False, assignments=[
        {"projectId": project["id"], "percentage": 60}, {"clientId": project["clientId"], "fixedAmount": 48.005,
                                                          "startDate": "2026-05-01"}])
    assert created["assignments"] == [
        {"projectId": project["id"], "clientId": None, "amount": None, "percentage": 60, "fixedAmount": None,
         "startDate": None, "endDate": None},
        {"projectId": None, "clientId": project["clientId"], "amount": None, "percentage": None,
         "fixedAmount": 48.01, "startDate": "2026-05-01", "endDate": None}]
    path = f"transactions/{created['id']}"
    reply = await api.patch(path, {"assignments": [{"projectId": project["id"]}, {"projectId": UNKNOWN}]})
    assert reply.status == 400 and reply.error["details"] == {
        "assignments[1].projectId": f"no project with id '{UNKNOWN}' exists in this organization"}
    await unchanged(api, path, created)
    for name, target in (("projects", project["id"]), ("clients", project["clientId"])):
        blocked = await api.delete(f"{name}/{target}")
        assert blocked.status == 409 and blocked.error["details"]["referencedBy"]["transactions"] == 1
    cleared = await api.patch(path, {"assignments": []})
    assert cleared.status == 200 and cleared.body["assignments"] == []
    assert (await api.delete(f"projects/{project['id']}")).status == 204


@pytest.mark.parametrize("fields, field", [
    ({"amount": 0}, "amount"), ({"amount": -5}, "amount"), ({"direction": "in"}, "direction"),
    ({"catalogItemId": UNKNOWN}, "catalogItemId"), ({"assignments": [{"projectId": UNKNOWN}]}, "assignments[0].projectId"),
    ({"assignments": [{"clientId": UNKNOWN}]}, "assignments[0].clientId"),
    ({"assignments": [{"percentage": 101}]}, "assignments[0].percentage"),
    ({"assignments": [{"colour": "red"}]}, "assignments[0].colour"), ({"assignments": None}, "assignments"),
    ({"frequency": "weekly"}, "frequency"), ({"mode": "all"}, "mode"), ({"markupPercent": -1}, "markupPercent"),
    ({"vendorEmail": "vendor"}, "vendorEmail"), ({"vendorTaxId": "x" * 51}, "vendorTaxId"),
    ({"billedAmount": 10}, "billedAmount"), ({"receiptVerified": True}, "receiptVerified"),
    ({"name": ""}, "name"), ({"status": "deleted"}, "status"), ({"taxCategoryId": "tax"}, "taxCategoryId"),
])
async def test_create_refusals(api, fields, field):
    reply = await api.post("transactions", {"name": "Hosting", "amount": 120, "direction": "cost", **fields})
    assert reply.status == 400 and reply.error["code"] == "invalid_request", reply
    assert field in reply.error["details"], reply.error
    assert (await api.get("transactions")).body["pagination"]["total"] == 0


async def test_required_fields(api):
    reply = await api.post("transactions", {})
    assert reply.error["details"] == {"name": "is required", "amount": "is required", "direction": "is required"}


async def test_billed_amount_for_pass_through_costs(api):
    created = await transaction(api, amount=99.99, passThrough=True, markupPercent=15)
    assert created["billedAmount"] == 114.99  # 114.9885 rounded half up
    path = f"transactions/{created['id']}"
    assert (await api.patch(path, {"markupPercent": 0})).body["billedAmount"] == 99.99
    assert (await api.patch(path, {"amount": 10.005})).body["billedAmount"] == 10.01
    assert (await api.patch(path, {"passThrough": False})).body["billedAmount"] is None
    assert (await transaction(api, passThrough=True))["billedAmount"] == 120


@pytest.mark.parametrize("status, frozen", [
    ("draft", False), ("sent", True), ("partial", True), ("overdue", True), ("paid", True), ("void", False)])
async def test_billing_freeze_follows_the_invoice_status(api, sandbox, status, frozen):
    project = await make_project(api)
    created = await transaction(api, assignments=[{"projectId": project["id"]}])
    path = f"transactions/{created['id']}"
    invoices = Invoices(api, sandbox)
    billed_to = await invoices.make(project["clientId"], "sent" if status == "void" else status)
    run_action(api, sandbox, "transactions", "bill", created["id"], {"invoiceId": billed_to})
    if status == "void":
        await invoices.void(billed_to)
    before = (await api.get(path)).body
    patched = await api.patch(path, {"notes": "edited"})
    deleted_status = (await api.delete(path)).status if frozen else None
    if frozen:
        assert patched.status == 409 and patched.error["code"] == "conflict"
        assert patched.error["details"]["invoiceStatus"] == status
        assert "can no longer be edited" in patched.error["message"]
        assert deleted_status == 409
        await unchanged(api, path, before)
    else:
        assert patched.status == 200 and patched.body["notes"] == "edited"
        assert (await api.delete(path)).status == 204


async def test_filters(api):
    t1 = await transaction(api, frequency="monthly")
    t2 = await transaction(api, direction="revenue", status="paused")
    t3 = await transaction(api, direction="revenue", frequency="annual", status="archived")

    ids = partial(listed_ids, api, "transactions")
    assert await ids(direction="cost") == {t1["id"]}
    assert await ids(direction="revenue") == {t2["id"], t3["id"]}
    assert await ids(status="paused") == {t2["id"]}
    assert await ids(frequency="annual", direction="revenue") == {t3["id"]}
    assert await ids(frequency="quarterly") == set()
    for param, value in (("direction", "out"), ("status", "open"), ("frequency", "weekly")):
        bad = await api.get("transactions", params={param: value})
        assert bad.status == 400 and param in bad.error["details"]


async def test_seeded_billed_transaction(api, sandbox):
    project = await make_project(api)
    invoice_id = await Invoices(api, sandbox).make(project["clientId"], "sent")
    record = seed(api, sandbox, "transactions", name="Print", amount="40", direction="cost",
                  receiptVerified=True, invoiceId=invoice_id, assignments=[{"projectId": project["id"]}])
    body = (await api.get(f"transactions/{record.id}")).body
    assert body["receiptVerified"] is True and body["amount"] == 40 and "invoiceId" not in body
    assert (await api.delete(f"transactions/{record.id}")).status == 409
    with pytest.raises(Invalid) as refused:
        seed(api, sandbox, "transactions", name="Print", amount=40, direction="cost", invoiceId=UNKNOWN)
    assert "invoiceId" in refused.value.details


async def test_other_organizations_transactions_are_404(api, other_api):
    created = await transaction(api)
    path = f"transactions/{created['id']}"
    assert (await other_api.get(path)).status == 404
    assert (await other_api.patch(path, {"name": "x"})).status == 404
    assert (await other_api.delete(path)).status == 404
    project = await make_project(api)
    foreign = await other_api.post("transactions", {"name": "x", "amount": 1, "direction": "cost",
                                                    "assignments": [{"projectId": project["id"]}]})
    assert foreign.status == 400 and "assignments[0].projectId" in foreign.error["details"]
    await unchanged(api, path, created)
