"""Time entries: references, derived client, rates, billing freeze, filters and events."""

from functools import partial

import pytest

from mockcasa.errors import Conflict, Invalid
from tests.support.api import listed_ids
from tests.support.work import (
    UNKNOWN,
    Invoices,
    freeze,
    make_project,
    member_id,
    run_action,
    unchanged,
)


async def entry_for(api, project, **fields) -> dict:
    body = {"projectId": project["id"], "memberId": member_id(api), "date": "2026-05-19", "hours": 2, **fields}
    return await api.create("time-entries", **body)


async def test_create_fills_defaults_and_derives_the_client(api):
    project = await make_project(api)
    entry = await entry_for(api, project)
    assert entry["clientId"] == project["clientId"]
    assert entry["billable"] is True and entry["rateType"] == "standard"
    assert entry["catalogItemId"] is None and entry["description"] is None and entry["workerName"] is None
    assert entry["rateOverride"] is None and entry["effectiveRate"] is None
    assert entry["customMultiplierName"] is None
    assert (await api.get(f"time-entries/{entry['id']}")).body == entry


async def test_moving_an_entry_to_another_project_moves_its_client(api):
    first, second = await make_project(api, "A"), await make_project(api, "B")
    entry = await entry_for(api, first)
    moved = await api.patch(f"time-entries/{entry['id']}", {"projectId": second["id"]})
    assert moved.status == 200 and moved.body["clientId"] == second["clientId"]
    assert (await api.get("time-entries", params={"clientId": first["clientId"]})).body["data"] == []


async def test_the_client_follows_when_the_project_moves_to_another_client(api, sandbox):
    """Issue 12, defect 3: clientId is computed from the project, also after the project changes client."""
    project = await make_project(api, "A")
    first_client = project["clientId"]
    second_client = (await api.create("clients", name="B"))["id"]
    entry = await entry_for(api, project)
    freeze(api)
    moved = await api.patch(f"projects/{project['id']}", {"clientId": second_client})
    assert moved.status == 200 and moved.body["clientId"] == second_client
    shown = (await api.get(f"time-entries/{entry['id']}")).body
    assert shown["clientId"] == second_client and shown["projectId"] == project["id"]
    assert shown["updatedAt"] == "2026-05-19T12:00:00.000Z"  # the entry as the API shows it changed
    ids = partial(listed_ids, api, "time-entries")
    assert await ids(clientId=second_client) == {entry["id"]} and await ids(clientId=first_client) == set()
    refused = await api.delete(f"clients/{second_client}")
    assert refused.status == 409 and refused.error["details"]["referencedBy"] == {"projects": 1, "time-entries": 1}
    assert (await api.delete(f"clients/{first_client}")).status == 204  # no phantom referrer left behind


async def test_a_project_with_entries_billed_to_a_paid_invoice_keeps_its_client(api, sandbox):
    """Moving the project would change frozen entries: 409 like editing them, and nothing moves."""
    project = await make_project(api, "A")
    second_client = (await api.create("clients", name="B"))["id"]
    entry = await entry_for(api, project)
    invoice_id = await Invoices(api, sandbox).make(project["clientId"], "paid")
    run_action(api, sandbox, "time-entries", "bill", entry["id"], {"invoiceId": invoice_id})
    before = (await api.get(f"time-entries/{entry['id']}")).body
    reply = await api.patch(f"projects/{project['id']}", {"clientId": second_client})
    assert reply.status == 409 and reply.error["code"] == "conflict", reply
    assert reply.error["details"] == {"invoiceId": invoice_id, "invoiceStatus": "paid"}
    await unchanged(api, f"projects/{project['id']}", project)
    await unchanged(api, f"time-entries/{entry['id']}", before)


async def test_an_entry_billed_to_an_unpaid_invoice_stays_with_its_client(api, sandbox):
    """Issue 12, defect 6: an entry billed to client A's unpaid invoice cannot move onto client B's
    project (400 naming projectId), nor follow its project to B (400 naming the project's clientId)."""
    project, theirs = await make_project(api, "A"), await make_project(api, "B")
    sibling = await api.create("projects", name="A too", clientId=project["clientId"])
    entry = await entry_for(api, project)
    invoice_id = await Invoices(api, sandbox).make(project["clientId"], "sent")
    run_action(api, sandbox, "time-entries", "bill", entry["id"], {"invoiceId": invoice_id})
    path = f"time-entries/{entry['id']}"
    before = (await api.get(path)).body
    reply = await api.patch(path, {"projectId": theirs["id"], "hours": 3})
    assert reply.status == 400 and reply.error["code"] == "invalid_request", reply
    assert "another client" in reply.error["details"]["projectId"]
    await unchanged(api, path, before)
    moved = await api.patch(f"projects/{project['id']}", {"clientId": theirs["clientId"]})
    assert moved.status == 400 and "another client" in moved.error["details"]["clientId"], moved
    await unchanged(api, f"projects/{project['id']}", project)
    await unchanged(api, path, before)
    within = await api.patch(path, {"projectId": sibling["id"]})  # another project of the same client
    assert within.status == 200 and within.body["clientId"] == project["clientId"]


@pytest.mark.parametrize("fields, field", [
    ({"projectId": UNKNOWN}, "projectId"),
    ({"memberId": UNKNOWN}, "memberId"),
    ({"catalogItemId": UNKNOWN}, "catalogItemId"),
    ({"hours": 0}, "hours"), ({"hours": -1}, "hours"), ({"hours": 24.01}, "hours"), ({"hours": "2"}, "hours"),
    ({"date": "19/05/2026"}, "date"),
    ({"clientId": UNKNOWN}, "clientId"), ({"effectiveRate": 5}, "effectiveRate"),
    ({"rateType": "double"}, "rateType"), ({"rateOverride": -1}, "rateOverride"),
    ({"description": "x" * 2001}, "description"), ({"workerName": "x" * 201}, "workerName"),
    ({"rateType": "custom", "rateOverride": 90}, "customMultiplierName"),
    ({"rateType": "custom", "customMultiplierName": "Holiday"}, "rateOverride"),
])
async def test_create_refusals(api, fields, field):
    project = await make_project(api)
    body = {"projectId": project["id"], "memberId": member_id(api), "date": "2026-05-19", "hours": 2, **fields}
    reply = await api.post("time-entries", body)
    assert reply.status == 400 and reply.error["code"] == "invalid_request", reply
    assert field in reply.error["details"], reply.error
    assert (await api.get("time-entries")).body["pagination"]["total"] == 0


async def test_hours_up_to_24_and_member_message(api):
    project = await make_project(api)
    assert (await entry_for(api, project, hours=24))["hours"] == 24
    reply = await api.post("time-entries", {"projectId": project["id"], "memberId": UNKNOWN,
                                            "date": "2026-05-19", "hours": 1})
    assert reply.error["details"] == {"memberId": f"no member with id '{UNKNOWN}' belongs to this organization"}


@pytest.mark.parametrize("rate_type, expected", [
    ("standard", 80.0), ("overtime", 120.0), ("emergency", 160.0)])
async def test_effective_rate_from_the_catalog_item_and_multiplier(api, rate_type, expected):
    project = await make_project(api)
    item = await api.create("catalog-items", name="Design", type="charge", defaultRate=80, unit="hour")
    entry = await entry_for(api, project, catalogItemId=item["id"], rateType=rate_type)
    assert entry["effectiveRate"] == expected


async def test_effective_rate_override_custom_and_rounding(api):
    project = await make_project(api)
    item = await api.create("catalog-items", name="Design", type="charge", defaultRate=33.33)
    assert (await entry_for(api, project, catalogItemId=item["id"], rateType="overtime"))["effectiveRate"] == 50.0
    override = await entry_for(api, project, catalogItemId=item["id"], rateType="overtime", rateOverride=70.005)
    assert override["rateOverride"] == 70.01 and override["effectiveRate"] == 70.01
    custom = await entry_for(api, project, rateType="custom", customMultiplierName="Holiday", rateOverride=95)
    assert custom["effectiveRate"] == 95 and custom["customMultiplierName"] == "Holiday"
    no_rate = await api.create("catalog-items", name="Misc", type="charge")
    assert (await entry_for(api, project, catalogItemId=no_rate["id"]))["effectiveRate"] is None


async def test_patch_recomputes_the_rate_and_checks_the_whole_entry(api):
    project = await make_project(api)
    item = await api.create("catalog-items", name="Design", type="charge", defaultRate=100)
    entry = await entry_for(api, project, catalogItemId=item["id"])
    path = f"time-entries/{entry['id']}"
    overtime = await api.patch(path, {"rateType": "overtime"})
    assert overtime.status == 200 and overtime.body["effectiveRate"] == 150
    custom = await api.patch(path, {"rateType": "custom"})
    assert custom.status == 400 and set(custom.error["details"]) == {"customMultiplierName", "rateOverride"}
    await unchanged(api, path, overtime.body)
    for body, field in (({"memberId": UNKNOWN}, "memberId"), ({"hours": 25}, "hours"),
                        ({"projectId": UNKNOWN}, "projectId"), ({"description": None}, "description"),
                        ({"clientId": project["clientId"]}, "clientId")):
        reply = await api.patch(path, body)
        assert reply.status == 400 and field in reply.error["details"], reply
    await unchanged(api, path, overtime.body)
    done = await api.patch(path, {"rateType": "custom", "customMultiplierName": "Night", "rateOverride": 120})
    assert done.body["effectiveRate"] == 120


async def test_entry_billed_to_a_paid_invoice_is_frozen(api, sandbox):
    project = await make_project(api)
    entry = await entry_for(api, project)
    path = f"time-entries/{entry['id']}"
    invoice_id = await Invoices(api, sandbox).make(project["clientId"], "paid")
    billed, events = run_action(api, sandbox, "time-entries", "bill", entry["id"], {"invoiceId": invoice_id})
    assert billed.invoice_id == invoice_id and events == []
    before = (await api.get(path)).body
    assert "invoiceId" not in before
    patched = await api.patch(path, {"hours": 3})
    assert patched.status == 409 and patched.error["code"] == "conflict"
    assert "paid" in patched.error["message"] and "edited" in patched.error["message"]
    assert patched.error["details"] == {"invoiceId": invoice_id, "invoiceStatus": "paid"}
    deleted = await api.delete(path)
    assert deleted.status == 409 and "deleted" in deleted.error["message"]
    await unchanged(api, path, before)
    # A PATCH that changes nothing (the SDK resends defaults) is still a no-op 200.
    assert (await api.patch(path, {"billable": True, "rateType": "standard"})).status == 200
    with pytest.raises(Conflict, match="billed elsewhere"):  # nor can it be unbilled
        run_action(api, sandbox, "time-entries", "bill", entry["id"], {"invoiceId": None})


@pytest.mark.parametrize("status", ["draft", "sent", "partial", "overdue"])
async def test_entry_billed_to_an_unpaid_invoice_stays_editable(api, sandbox, status):
    project = await make_project(api)
    entry = await entry_for(api, project)
    invoice_id = await Invoices(api, sandbox).make(project["clientId"], status)
    run_action(api, sandbox, "time-entries", "bill", entry["id"], {"invoiceId": invoice_id})
    assert (await api.patch(f"time-entries/{entry['id']}", {"hours": 5})).body["hours"] == 5
    assert (await api.delete(f"time-entries/{entry['id']}")).status == 204


async def test_bill_action_refusals(api, sandbox):
    project, other = await make_project(api, "A"), await make_project(api, "B")
    entry = await entry_for(api, project)
    invoices = Invoices(api, sandbox)
    with pytest.raises(Invalid) as missing:
        run_action(api, sandbox, "time-entries", "bill", entry["id"], {"invoiceId": UNKNOWN})
    assert missing.value.status == 400 and "invoiceId" in missing.value.details
    theirs = await invoices.make(other["clientId"], "paid")
    with pytest.raises(Invalid) as foreign:
        run_action(api, sandbox, "time-entries", "bill", entry["id"], {"invoiceId": theirs})
    assert foreign.value.status == 400 and foreign.value.details == {
        "invoiceId": "the invoice belongs to another client"}
    void = await invoices.make(project["clientId"], "void")
    with pytest.raises(Conflict) as voided:
        run_action(api, sandbox, "time-entries", "bill", entry["id"], {"invoiceId": void})
    assert voided.value.status == 409
    assert (await api.patch(f"time-entries/{entry['id']}", {"hours": 4})).status == 200


async def test_filters(api, sandbox):
    a, b = await make_project(api, "A"), await make_project(api, "B")
    other_member = api.org.add_member("Second", "second@example.com").id
    e1 = await entry_for(api, a, date="2026-05-01")
    e2 = await entry_for(api, a, date="2026-05-10", billable=False, memberId=other_member)
    e3 = await entry_for(api, b, date="2026-05-20")

    ids = partial(listed_ids, api, "time-entries")
    assert await ids(projectId=a["id"]) == {e1["id"], e2["id"]}
    assert await ids(clientId=b["clientId"]) == {e3["id"]}
    assert await ids(memberId=other_member) == {e2["id"]}
    assert await ids(dateFrom="2026-05-10") == {e2["id"], e3["id"]}
    assert await ids(dateTo="2026-05-10") == {e1["id"], e2["id"]}
    assert await ids(dateFrom="2026-05-10", dateTo="2026-05-10") == {e2["id"]}
    assert await ids(billable="false") == {e2["id"]}
    assert await ids(billable="true", projectId=a["id"]) == {e1["id"]}
    for param, value in (("projectId", "nope"), ("dateFrom", "2026-5-1"), ("dateTo", "tomorrow"),
                         ("billable", "yes"), ("memberId", "1")):
        bad = await api.get("time-entries", params={param: value})
        assert bad.status == 400 and param in bad.error["details"], bad


async def test_created_event_and_references_block_deletes(api, sandbox):
    seen = []
    sandbox.listeners.append(lambda org, events: seen.extend(e for e, _ in events))
    project = await make_project(api)
    item = await api.create("catalog-items", name="Design", type="charge")
    entry = await entry_for(api, project, catalogItemId=item["id"])
    assert seen[-1] == "time_entry_created"
    for path in (f"projects/{project['id']}", f"catalog-items/{item['id']}", f"clients/{project['clientId']}"):
        reply = await api.delete(path)
        assert reply.status == 409 and reply.error["details"]["referencedBy"]["time-entries"] == 1
    assert (await api.delete(f"time-entries/{entry['id']}")).status == 204
    assert (await api.delete(f"catalog-items/{item['id']}")).status == 204


async def test_other_organizations_cannot_see_or_touch_entries(api, other_api):
    project = await make_project(api)
    entry = await entry_for(api, project)
    path = f"time-entries/{entry['id']}"
    assert (await other_api.get(path)).status == 404
    assert (await other_api.patch(path, {"hours": 1})).status == 404
    assert (await other_api.delete(path)).status == 404
    reply = await other_api.post("time-entries", {"projectId": project["id"], "memberId": member_id(other_api),
                                                  "date": "2026-05-19", "hours": 1})
    assert reply.status == 400 and "projectId" in reply.error["details"]
    theirs = await make_project(other_api)
    foreign_member = await api.post("time-entries", {"projectId": project["id"], "memberId": member_id(other_api),
                                                     "date": "2026-05-19", "hours": 1})
    assert foreign_member.status == 400 and "memberId" in foreign_member.error["details"]
    assert theirs["id"] != project["id"]
    await unchanged(api, path, entry)
