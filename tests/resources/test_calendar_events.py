"""Calendar events: manual vs synced (read-only) events, time order, references and filters."""

from functools import partial

import pytest

from mockcasa.errors import Invalid
from mockcasa.resources.calendar_events import sync_event
from tests.support.api import listed_ids
from tests.support.work import UNKNOWN, ctx_of, make_project, unchanged

START, END = "2026-05-20T09:00:00.000Z", "2026-05-20T10:00:00.000Z"


async def event(api, start=START, end=END, **fields) -> dict:
    return await api.create("calendar-events", title="Shoot", startDateTime=start, endDateTime=end, **fields)


def synced(api, sandbox, source="google", **fields):
    return sync_event(ctx_of(api, sandbox), source,
                      {"title": "Synced", "startDateTime": START, "endDateTime": END, **fields})


async def test_api_created_events_are_manual_and_editable(api):
    created = await event(api, start="2026-05-20T11:00:00+02:00", end="2026-05-20T09:30:00Z")
    assert created["source"] == "manual" and created["readOnly"] is False
    assert created["startDateTime"] == START and created["endDateTime"] == "2026-05-20T09:30:00.000Z"
    assert created["allDay"] is False and created["actionable"] is False and created["recurring"] is False
    for key in ("description", "projectId", "clientId", "completedAt", "rrule", "recurrenceEnd"):
        assert created[key] is None
    path = f"calendar-events/{created['id']}"
    done = await api.patch(path, {"completedAt": "2026-05-20T10:05:00.000Z", "actionable": True,
                                  "rrule": "FREQ=WEEKLY", "recurring": True})
    assert done.status == 200 and done.body["completedAt"] == "2026-05-20T10:05:00.000Z"
    assert (await api.delete(path)).status == 204


async def test_end_may_equal_but_not_precede_start(api):
    assert (await event(api, end=START))["endDateTime"] == START
    reply = await api.post("calendar-events", {"title": "Shoot", "startDateTime": START,
                                               "endDateTime": "2026-05-20T08:59:59.999Z"})
    assert reply.status == 400 and reply.error["details"] == {"endDateTime": "must not be before startDateTime"}
    created = await event(api)
    path = f"calendar-events/{created['id']}"
    for body in ({"endDateTime": "2026-05-20T08:00:00.000Z"}, {"startDateTime": "2026-05-20T10:00:00.001Z"}):
        reply = await api.patch(path, body)
        assert reply.status == 400 and "endDateTime" in reply.error["details"]
    await unchanged(api, path, created)
    moved = await api.patch(path, {"startDateTime": "2026-05-21T09:00:00.000Z", "endDateTime": "2026-05-21T10:00:00Z"})
    assert moved.status == 200 and moved.body["startDateTime"] == "2026-05-21T09:00:00.000Z"
    assert (await api.get("calendar-events")).body["pagination"]["total"] == 2


@pytest.mark.parametrize("fields, field", [
    ({"source": "google"}, "source"), ({"readOnly": True}, "readOnly"),
    ({"completedAt": END}, "completedAt"), ({"startDateTime": "2026-05-20T09:00:00"}, "startDateTime"),
    ({"endDateTime": "tomorrow"}, "endDateTime"), ({"title": ""}, "title"), ({"title": "x" * 301}, "title"),
    ({"projectId": UNKNOWN}, "projectId"), ({"clientId": UNKNOWN}, "clientId"),
    ({"rrule": "x" * 501}, "rrule"), ({"description": "x" * 5001}, "description"),
    ({"allDay": "yes"}, "allDay"),
])
async def test_create_refusals(api, fields, field):
    reply = await api.post("calendar-events", {"title": "Shoot", "startDateTime": START, "endDateTime": END,
                                               **fields})
    assert reply.status == 400 and reply.error["code"] == "invalid_request", reply
    assert field in reply.error["details"], reply.error
    assert (await api.get("calendar-events")).body["pagination"]["total"] == 0


@pytest.mark.parametrize("source, provider", [
    ("google", "Google Calendar"), ("microsoft", "Microsoft Outlook"), ("apple", "Apple Calendar")])
async def test_synced_events_are_read_only(api, sandbox, source, provider):
    record = synced(api, sandbox, source)
    path = f"calendar-events/{record.id}"
    before = (await api.get(path)).body
    assert before["source"] == source and before["readOnly"] is True
    patched = await api.patch(path, {"title": "Mine now"})
    assert patched.status == 409 and patched.error["code"] == "conflict"
    assert patched.error["message"] == (f"This event is synced from {provider} and is read-only; it cannot be "
                                        "edited through the API.")
    deleted = await api.delete(path)
    assert deleted.status == 409 and "cannot be deleted" in deleted.error["message"]
    await unchanged(api, path, before)
    # A PATCH that changes nothing is a no-op, not an edit.
    assert (await api.patch(path, {"title": "Synced"})).status == 200


async def test_sync_checks_like_a_create(api, sandbox):
    project = await make_project(api)
    record = synced(api, sandbox, "apple", projectId=project["id"], description="From iCloud")
    assert (await api.get("calendar-events", params={"projectId": project["id"]})).body["data"][0]["id"] == record.id
    for source, fields, field in (("outlook", {}, "source"), ("google", {"projectId": UNKNOWN}, "projectId"),
                                  ("google", {"endDateTime": "2026-05-19T00:00:00Z"}, "endDateTime"),
                                  ("manual", {}, "source")):
        with pytest.raises(Invalid) as refused:
            synced(api, sandbox, source, **fields)
        assert field in refused.value.details
    assert (await api.get("calendar-events")).body["pagination"]["total"] == 1


async def test_filters(api):
    project = await make_project(api)
    client = await api.create("clients", name="Solo")
    e1 = await event(api, "2026-05-01T09:00:00Z", "2026-05-01T10:00:00Z", projectId=project["id"])
    e2 = await event(api, "2026-05-10T09:00:00Z", "2026-05-10T10:00:00Z", clientId=client["id"])
    e3 = await event(api, "2026-05-20T09:00:00Z", "2026-05-20T10:00:00Z", projectId=project["id"],
                     clientId=project["clientId"])

    ids = partial(listed_ids, api, "calendar-events")
    assert await ids(projectId=project["id"]) == {e1["id"], e3["id"]}
    assert await ids(clientId=client["id"]) == {e2["id"]}
    assert await ids(startsAfter="2026-05-10T09:00:00.000Z") == {e2["id"], e3["id"]}
    assert await ids(startsBefore="2026-05-10T09:00:00.000Z") == {e1["id"], e2["id"]}
    assert await ids(startsAfter="2026-05-10T11:00:00+02:00", startsBefore="2026-05-15T00:00:00Z") == {e2["id"]}
    for param, value in (("startsAfter", "2026-05-10"), ("startsBefore", "soon"), ("projectId", "p"),
                         ("clientId", "c")):
        bad = await api.get("calendar-events", params={param: value})
        assert bad.status == 400 and param in bad.error["details"], bad


async def test_references_are_checked_and_block_deletes(api, other_api):
    project = await make_project(api)
    created = await event(api, projectId=project["id"])
    path = f"calendar-events/{created['id']}"
    bad = await api.patch(path, {"clientId": UNKNOWN})
    assert bad.status == 400 and "clientId" in bad.error["details"]
    reply = await api.delete(f"projects/{project['id']}")
    assert reply.status == 409 and reply.error["details"]["referencedBy"] == {"calendar-events": 1}
    detached = await api.patch(path, {"projectId": None})
    assert detached.status == 200 and detached.body["projectId"] is None
    assert (await api.delete(f"projects/{project['id']}")).status == 204
    assert (await other_api.get(path)).status == 404
    assert (await other_api.patch(path, {"title": "x"})).status == 404
    assert (await other_api.delete(path)).status == 404
    await unchanged(api, path, detached.body)
