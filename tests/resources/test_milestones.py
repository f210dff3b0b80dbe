"""Milestones: polymorphic parent, completion timestamps, time of day, sort order, filters."""

from datetime import timedelta
from functools import partial

import pytest

from tests.support.api import listed_ids
from tests.support.work import (
    UNKNOWN,
    freeze,
    has_real,
    make_project,
    member_id,
    stand_in,
    unchanged,
)


async def milestone_for(api, parent_id, parent_type="projects", **fields) -> dict:
    return await api.create("milestones", parentType=parent_type, parentId=parent_id, title="Kickoff",
                            date="2026-06-01", **fields)


async def test_create_defaults_and_sort_order_at_the_end_of_the_parent(api):
    project, other = await make_project(api, "A"), await make_project(api, "B")
    first = await milestone_for(api, project["id"])
    assert first["status"] == "pending" and first["completedAt"] is None and first["sortOrder"] == 0
    assert first["description"] is None and first["time"] is None
    assert first["assigneeId"] is None and first["catalogItemId"] is None
    assert (await milestone_for(api, project["id"]))["sortOrder"] == 1
    assert (await milestone_for(api, project["id"], sortOrder=10))["sortOrder"] == 10
    assert (await milestone_for(api, project["id"]))["sortOrder"] == 11
    assert (await milestone_for(api, other["id"]))["sortOrder"] == 0


async def test_completed_sets_and_clears_completed_at_from_the_mock_clock(api):
    now = freeze(api)
    project = await make_project(api)
    done = await milestone_for(api, project["id"], status="completed")
    assert done["completedAt"] == "2026-05-19T12:00:00.000Z"
    path = f"milestones/{done['id']}"
    api.org.clock.advance(timedelta(hours=1))
    reopened = await api.patch(path, {"status": "in-progress"})
    assert reopened.body["status"] == "in-progress" and reopened.body["completedAt"] is None
    again = await api.patch(path, {"status": "completed"})
    assert again.body["completedAt"] == "2026-05-19T13:00:00.000Z"
    api.org.clock.advance(timedelta(hours=1))
    # Staying completed keeps the original completion time.
    kept = await api.patch(path, {"status": "completed", "title": "Launch"})
    assert kept.body["completedAt"] == "2026-05-19T13:00:00.000Z" and kept.body["title"] == "Launch"
    assert now.year == 2026


@pytest.mark.parametrize("time", ["09:30", "00:00", "23:59"])
async def test_time_of_day_is_hh_mm(api, time):
    project = await make_project(api)
    assert (await milestone_for(api, project["id"], time=time))["time"] == time


@pytest.mark.parametrize("fields, field", [
    ({"time": "9:30"}, "time"), ({"time": "24:00"}, "time"), ({"time": "12:60"}, "time"),
    ({"time": "12:00:00"}, "time"), ({"parentType": "clients"}, "parentType"),
    ({"parentId": UNKNOWN}, "parentId"), ({"parentType": "proposals"}, "parentId"),
    ({"title": ""}, "title"), ({"title": "x" * 301}, "title"), ({"date": None}, "date"),
    ({"status": "done"}, "status"), ({"assigneeId": UNKNOWN}, "assigneeId"),
    ({"catalogItemId": UNKNOWN}, "catalogItemId"), ({"completedAt": "2026-05-19T12:00:00.000Z"}, "completedAt"),
    ({"sortOrder": 1.5}, "sortOrder"), ({"description": "x" * 2001}, "description"),
])
async def test_create_refusals(api, fields, field):
    project = await make_project(api)
    body = {"parentType": "projects", "parentId": project["id"], "title": "Kickoff", "date": "2026-06-01",
            **fields}
    reply = await api.post("milestones", body)
    assert reply.status == 400 and reply.error["code"] == "invalid_request", reply
    assert field in reply.error["details"], reply.error
    assert (await api.get("milestones")).body["pagination"]["total"] == 0


async def test_missing_parent_and_date_are_required(api):
    reply = await api.post("milestones", {"title": "Kickoff"})
    assert set(reply.error["details"]) == {"parentType", "parentId", "date"}
    unknown_proposal = await api.post("milestones", {"parentType": "proposals", "parentId": UNKNOWN,
                                                     "title": "x", "date": "2026-06-01"})
    assert unknown_proposal.error["details"] == {
        "parentId": f"no proposal with id '{UNKNOWN}' exists in this organization"}


async def test_a_proposal_can_be_the_parent(api, sandbox):
    client = await api.create("clients", name="Acme")
    if has_real(sandbox, "proposals"):
        proposal_id = (await api.create("proposals", clientId=client["id"], title="Website"))["id"]
    else:
        proposal_id = stand_in(api, sandbox, "proposals", client_id=client["id"])
    milestone = await milestone_for(api, proposal_id, "proposals")
    assert milestone["parentType"] == "proposals" and milestone["sortOrder"] == 0
    assert (await milestone_for(api, proposal_id, "proposals"))["sortOrder"] == 1
    listed = await api.get("milestones", params={"parentType": "proposals", "parentId": proposal_id})
    assert listed.body["pagination"]["total"] == 2
    if has_real(sandbox, "proposals"):
        reply = await api.delete(f"proposals/{proposal_id}")
        assert reply.status == 409 and reply.error["details"]["referencedBy"] == {"milestones": 2}


async def test_patch_rules_and_refusals(api):
    project = await make_project(api)
    item = await api.create("catalog-items", name="Design", type="charge")
    milestone = await milestone_for(api, project["id"], description="d", time="10:00")
    path = f"milestones/{milestone['id']}"
    patched = await api.patch(path, {"assigneeId": member_id(api), "catalogItemId": item["id"], "time": "11:15"})
    assert patched.status == 200 and patched.body["assigneeId"] == member_id(api)
    for body, field in (({"parentId": UNKNOWN}, "parentId"), ({"parentType": "proposals"}, "parentType"),
                        ({"time": "7pm"}, "time"), ({"assigneeId": UNKNOWN}, "assigneeId"),
                        ({"catalogItemId": UNKNOWN}, "catalogItemId"), ({"title": None}, "title"),
                        ({"status": None}, "status"), ({"completedAt": None}, "completedAt")):
        reply = await api.patch(path, body)
        assert reply.status == 400 and field in reply.error["details"], (body, reply)
    await unchanged(api, path, patched.body)
    cleared = await api.patch(path, {"description": None, "date": None, "time": None, "assigneeId": None,
                                     "catalogItemId": None})
    assert cleared.status == 200
    assert [cleared.body[k] for k in ("description", "date", "time", "assigneeId", "catalogItemId")] == [None] * 5


async def test_filters(api):
    a, b = await make_project(api, "A"), await make_project(api, "B")
    m1 = await milestone_for(api, a["id"])
    m2 = await milestone_for(api, a["id"], status="completed")
    m3 = await milestone_for(api, b["id"], status="in-progress")

    ids = partial(listed_ids, api, "milestones")
    assert await ids(parentId=a["id"]) == {m1["id"], m2["id"]}
    assert await ids(parentType="projects") == {m1["id"], m2["id"], m3["id"]}
    assert await ids(parentType="proposals") == set()
    assert await ids(status="completed") == {m2["id"]}
    assert await ids(status="in-progress", parentId=b["id"]) == {m3["id"]}
    for param, value in (("parentType", "project"), ("parentId", "x"), ("status", "done")):
        bad = await api.get("milestones", params={param: value})
        assert bad.status == 400 and param in bad.error["details"]


async def test_a_parent_with_milestones_cannot_be_deleted(api):
    project = await make_project(api)
    milestone = await milestone_for(api, project["id"])
    reply = await api.delete(f"projects/{project['id']}")
    assert reply.status == 409 and reply.error["details"]["referencedBy"] == {"milestones": 1}
    assert (await api.delete(f"milestones/{milestone['id']}")).status == 204
    assert (await api.get(f"milestones/{milestone['id']}")).status == 404
    assert (await api.delete(f"projects/{project['id']}")).status == 204


async def test_other_organizations_milestones_are_404(api, other_api):
    project = await make_project(api)
    milestone = await milestone_for(api, project["id"])
    path = f"milestones/{milestone['id']}"
    assert (await other_api.get(path)).status == 404
    assert (await other_api.patch(path, {"title": "x"})).status == 404
    assert (await other_api.delete(path)).status == 404
    foreign = await other_api.post("milestones", {"parentType": "projects", "parentId": project["id"],
                                                  "title": "x", "date": "2026-06-01"})
    assert foreign.status == 400 and "parentId" in foreign.error["details"]
    await unchanged(api, path, milestone)
