"""Seeded system states (the resources' on_seed hooks), read back over HTTP.

Seeds may carry what the public API refuses (billed entries, synced events, completion times),
and are otherwise checked exactly like an API create.
"""

from datetime import UTC, datetime

import pytest

from mockcasa.errors import Invalid
from mockcasa.models.common import new_id
from mockcasa.snapshot import record_data
from tests.support.work import UNKNOWN, Invoices, freeze, make_project, member_id, seed


async def test_seeded_time_entry_billed_to_a_paid_invoice(api, sandbox):
    project = await make_project(api)
    item = await api.create("catalog-items", name="Design", type="charge", defaultRate=60)
    invoice_id = await Invoices(api, sandbox).make(project["clientId"], "paid")
    record = seed(api, sandbox, "time-entries", projectId=project["id"], memberId=member_id(api),
                  catalogItemId=item["id"], date="2026-05-01", hours=3, rateType="overtime", invoiceId=invoice_id)
    body = (await api.get(f"time-entries/{record.id}")).body
    assert body["clientId"] == project["clientId"] and body["effectiveRate"] == 90 and "invoiceId" not in body
    assert (await api.patch(f"time-entries/{record.id}", {"hours": 1})).status == 409
    assert record_data(record)["invoiceId"] == invoice_id  # kept in snapshots, never served


async def test_computed_fields_in_a_seed_are_recomputed(api, sandbox):
    project = await make_project(api)
    record = seed(api, sandbox, "time-entries", projectId=project["id"], memberId=member_id(api),
                  date="2026-05-01", hours=1, clientId=UNKNOWN, effectiveRate=999, rateOverride=50)
    assert (record.client_id, record.effective_rate) == (project["clientId"], 50)
    moved = seed(api, sandbox, "transactions", name="x", amount=10, direction="cost", billedAmount=1)
    assert moved.billed_amount is None


async def test_seeded_records_keep_their_own_ids_and_times(api, sandbox):
    project = await make_project(api)
    wanted = new_id()
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    record = seed(api, sandbox, "time-entries", id=wanted, created_at=at, updated_at=at, project_id=project["id"],
                  member_id=member_id(api), date="2026-01-02", hours=1)
    body = (await api.get(f"time-entries/{wanted}")).body
    assert record.id == wanted and body["createdAt"] == "2026-01-02T03:04:05.000Z"


@pytest.mark.parametrize("values, field", [
    ({"projectId": UNKNOWN}, "projectId"), ({"memberId": UNKNOWN}, "memberId"), ({"hours": 25}, "hours"),
    ({"invoiceId": UNKNOWN}, "invoiceId"), ({"rateType": "custom"}, "customMultiplierName"),
    ({"colour": "red"}, "colour"),
])
async def test_seeded_time_entries_are_checked_like_creates(api, sandbox, values, field):
    project = await make_project(api)
    base = {"projectId": project["id"], "memberId": member_id(api), "date": "2026-05-01", "hours": 1}
    with pytest.raises(Invalid) as refused:
        seed(api, sandbox, "time-entries", **{**base, **values})
    assert field in refused.value.details
    assert (await api.get("time-entries")).body["data"] == []


async def test_seeded_synced_event_is_read_only(api, sandbox):
    record = seed(api, sandbox, "calendar-events", title="Dentist", startDateTime="2026-05-20T09:00:00Z",
                  endDateTime="2026-05-20T09:30:00Z", source="microsoft", readOnly=False)
    body = (await api.get(f"calendar-events/{record.id}")).body
    assert body["source"] == "microsoft" and body["readOnly"] is True
    assert (await api.delete(f"calendar-events/{record.id}")).status == 409
    manual = seed(api, sandbox, "calendar-events", title="Call", startDateTime="2026-05-20T09:00:00Z",
                  endDateTime="2026-05-20T09:30:00Z", completedAt="2026-05-20T09:30:00Z")
    body = (await api.get(f"calendar-events/{manual.id}")).body
    assert body["source"] == "manual" and body["readOnly"] is False
    assert body["completedAt"] == "2026-05-20T09:30:00.000Z"
    with pytest.raises(Invalid) as refused:
        seed(api, sandbox, "calendar-events", title="x", startDateTime="2026-05-20T09:00:00Z",
             endDateTime="2026-05-20T09:30:00Z", source="yahoo")
    assert "source" in refused.value.details


async def test_seeded_milestones(api, sandbox):
    freeze(api)
    project = await make_project(api)
    done = seed(api, sandbox, "milestones", parentType="projects", parentId=project["id"], title="Deposit",
                date="2026-04-01", status="completed", completedAt="2026-04-01T08:00:00Z")
    now_done = seed(api, sandbox, "milestones", parent_type="projects", parent_id=project["id"], title="Shoot",
                    date="2026-05-01", status="completed")
    pending = seed(api, sandbox, "milestones", parentType="projects", parentId=project["id"], title="Edit",
                   date="2026-06-01", completedAt="2026-04-01T08:00:00Z")
    bodies = {m["title"]: m for m in (await api.get("milestones")).body["data"]}
    assert bodies["Deposit"]["completedAt"] == "2026-04-01T08:00:00.000Z"
    assert bodies["Shoot"]["completedAt"] == "2026-05-19T12:00:00.000Z"
    assert bodies["Edit"]["completedAt"] is None
    assert [done.sort_order, now_done.sort_order, pending.sort_order] == [0, 1, 2]
    with pytest.raises(Invalid) as refused:
        seed(api, sandbox, "milestones", parentType="proposals", parentId=project["id"], title="x", date="2026-06-01")
    assert "parentId" in refused.value.details


async def test_seeded_transaction_assignments_are_checked(api, sandbox):
    with pytest.raises(Invalid) as refused:
        seed(api, sandbox, "transactions", name="x", amount=1, direction="cost",
             assignments=[{"clientId": UNKNOWN}])
    assert "assignments[0].clientId" in refused.value.details
