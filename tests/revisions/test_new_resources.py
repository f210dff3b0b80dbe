"""The resources 2026-06-30 adds: event days, timeline items, event-day vendors, vendors, venues (CRUD);
forms, form submissions, client documents and document versions (read-only, made by seeds and actions)."""

from __future__ import annotations

SEED = {"records": {
    "forms": [{"alias": "inq", "name": "Inquiry", "kind": "inquiry", "isDefault": True, "slug": "inquire"},
              {"alias": "q", "name": "Questionnaire", "kind": "questionnaire"}],
    "clients": [{"alias": "acme", "name": "Acme"}],
    "client-documents": [{"alias": "doc", "title": "Proposal", "clientId": "acme"}],
    "form-submissions": [{"formId": "q", "clientId": "acme", "answers": [
        {"fieldId": "guests", "question": "Guests", "answer": "120"}]}],
}}


async def test_event_days_follow_their_project(api26, conforms26, app):
    client = await api26.create("clients", name="Acme")
    project = await api26.create("projects", name="Wedding", clientId=client["id"])
    first = await api26.post("event-days", {"date": "2026-09-12", "projectId": project["id"], "name": "Ceremony",
                                            "customAnchors": [{"key": "first-look", "time": "15:30"}]})
    conforms26(first, "createEventDay")
    assert (first.body["clientId"], first.body["isPrimary"], first.body["sortOrder"]) == (client["id"], True, 0)
    second = (await api26.post("event-days", {"date": "2026-09-13", "projectId": project["id"],
                                              "isPrimary": True})).body
    assert (second["isPrimary"], second["sortOrder"]) == (True, 1)
    assert (await api26.get(f"event-days/{first.body['id']}")).body["isPrimary"] is False  # one primary
    other = await api26.create("clients", name="Other")
    wrong = await api26.post("event-days", {"date": "2026-09-12", "projectId": project["id"], "clientId": other["id"]})
    assert wrong.status == 400 and "clientId" in wrong.error["details"]
    late = await api26.post("event-days", {"date": "2026-09-12", "dayStartMinute": 600, "dayEndMinute": 500})
    assert late.status == 400 and "dayEndMinute" in late.error["details"]
    twice = await api26.post("event-days", {"date": "2026-09-12", "customAnchors": [{"key": "a"}, {"key": "a"}]})
    assert twice.status == 400 and "customAnchors[1].key" in twice.error["details"]
    published = await api26.patch(f"event-days/{second['id']}", {"status": "published"})
    conforms26(published, "updateEventDay")
    conforms26(await api26.get("event-days", params={"projectId": project["id"]}), "listEventDays")
    assert (await api26.delete(f"projects/{project['id']}")).status == 409  # its days name it


async def test_timeline_items_are_timed_by_their_anchor(api26, conforms26):
    day = await api26.create("event-days", date="2026-09-12", customAnchors=[{"key": "first-look"}])
    item = await api26.post("timeline-items", {"eventDayId": day["id"], "title": "Hair", "durationMinutes": 90})
    conforms26(item, "createTimelineItem")
    assert (item.body["anchorType"], item.body["visibleTo"], item.body["status"]) == ("none", ["master"], "pending")
    pinned = await api26.post("timeline-items", {"eventDayId": day["id"], "title": "Vows", "durationMinutes": 20,
                                                 "anchorType": "fixed"})
    assert pinned.status == 400 and "requestedStartTime" in pinned.error["details"]
    custom = await api26.post("timeline-items", {"eventDayId": day["id"], "title": "Look", "durationMinutes": 20,
                                                 "anchorType": "custom-event", "anchorKey": "sunset-walk"})
    assert custom.status == 400 and "anchorKey" in custom.error["details"]
    ok = await api26.create("timeline-items", eventDayId=day["id"], title="Look", durationMinutes=20,
                            anchorType="custom-event", anchorKey="first-look")
    assert ok["sortOrder"] == 1
    missing = await api26.post("timeline-items", {"eventDayId": "nope", "title": "x", "durationMinutes": 1})
    assert missing.status == 400 and "eventDayId" in missing.error["details"]
    done = await api26.patch(f"timeline-items/{ok['id']}", {"status": "completed"})
    conforms26(done, "updateTimelineItem")
    assert [i["id"] for i in (await api26.get("timeline-items", params={"status": "completed"})).body["data"]] == \
        [ok["id"]]


async def test_vendors_are_booked_once_per_day_and_deleting_cascades(api26, conforms26):
    day = await api26.create("event-days", date="2026-09-12")
    vendor = await api26.post("vendors", {"name": "Petal & Stem", "rating": "preferred"})
    conforms26(vendor, "createVendor")
    booking = await api26.post("event-day-vendors", {"eventDayId": day["id"], "vendorId": vendor.body["id"],
                                                     "callTime": "14:00"})
    conforms26(booking, "createEventDayVendor")
    assert booking.body["confirmationStatus"] == "unconfirmed"
    again = await api26.post("event-day-vendors", {"eventDayId": day["id"], "vendorId": vendor.body["id"]})
    assert again.status == 409
    bad_time = await api26.post("event-day-vendors", {"eventDayId": day["id"], "vendorId": vendor.body["id"],
                                                      "callTime": "25:00"})
    assert bad_time.status == 400 and "callTime" in bad_time.error["details"]
    item = await api26.create("timeline-items", eventDayId=day["id"], title="Setup", durationMinutes=60,
                              vendorIds=[vendor.body["id"]])
    assert (await api26.delete(f"vendors/{vendor.body['id']}")).status == 204
    assert (await api26.get(f"event-day-vendors/{booking.body['id']}")).status == 404
    assert (await api26.get(f"timeline-items/{item['id']}")).body["vendorIds"] == []
    assert (await api26.delete(f"event-days/{day['id']}")).status == 204
    assert (await api26.get(f"timeline-items/{item['id']}")).status == 404


async def test_venues_have_distinct_spaces_and_a_real_time_zone(api26, conforms26):
    venue = await api26.post("venues", {"name": "The Grand Hall", "timezone": "America/New_York",
                                        "spaces": [{"name": "Ballroom"}], "address": {"postalCode": "10001"}})
    conforms26(venue, "createVenue")
    assert venue.body["contacts"] == [] and venue.body["address"]["postalCode"] == "10001"
    twice = await api26.post("venues", {"name": "X", "spaces": [{"name": "Hall"}, {"name": "hall"}]})
    assert twice.status == 400 and "spaces[1].name" in twice.error["details"]
    conforms26(await api26.patch(f"venues/{venue.body['id']}", {"status": "archived"}), "updateVenue")
    assert len((await api26.get("venues", params={"status": "archived"})).body["data"]) == 1


async def test_read_only_resources_come_from_seeds_and_actions(api26, admin, org26, conforms26):
    assert (await admin.post(f"/organizations/{org26.id}/seed", SEED)).status == 200
    forms = await api26.get("forms", params={"kind": "inquiry"})
    conforms26(forms, "listForms")
    assert [f["slug"] for f in forms.body["data"]] == ["inquire"]
    listed = await api26.get("form-submissions")
    conforms26(listed, "listFormSubmissions")
    assert [s["answers"] for s in listed.body["data"]] == [None]  # answers only on a GET
    one = await api26.get(f"form-submissions/{listed.body['data'][0]['id']}")
    conforms26(one, "getFormSubmission")
    assert one.body["answers"][0]["answer"] == "120" and one.body["kind"] == "questionnaire"
    assert (await api26.post("forms", {"name": "x"})).status == 405
    arrived = await admin.post(f"/organizations/{org26.id}/form-submissions/actions/receive",
                               {"name": "Ada", "email": "ada@example.com"})
    assert arrived.status == 201 and arrived.body["formId"] == forms.body["data"][0]["id"]
    [document] = (await api26.get("client-documents")).body["data"]
    for _ in range(2):
        published = await admin.post(f"/organizations/{org26.id}/client-documents/{document['id']}/actions/"
                                     f"publish_version")
        assert published.status == 200 and published.body["status"] == "sent"
    versions = await api26.get("document-versions", params={"documentId": document["id"]})
    conforms26(versions, "listDocumentVersions")
    by_number = sorted(versions.body["data"], key=lambda v: v["versionNumber"])
    assert [v["versionStatus"] for v in by_number] == ["superseded", "issued"]
    assert by_number[0]["supersededByVersionId"] == by_number[1]["id"]
    conforms26(await api26.get(f"client-documents/{document['id']}"), "getClientDocument")
    conforms26(await api26.get(f"document-versions/{by_number[0]['id']}"), "getDocumentVersion")
