"""Inquiries: always `new` on create, the status machine, conversion (admin action) and events."""

from functools import partial

import pytest

from mockcasa.errors import Conflict, Invalid
from tests.support.api import listed_ids
from tests.support.work import UNKNOWN, freeze, run_action, seed, unchanged


async def inquiry(api, **fields) -> dict:
    return await api.create("inquiries", name="Ada Lovelace", email="ada@example.com", **fields)


@pytest.fixture
def events(sandbox):
    seen = []
    sandbox.listeners.append(lambda org, batch: seen.extend((e, p[1].id) for e, p in batch))
    return seen


async def test_create_lands_in_new_with_defaults(api, events):
    created = await inquiry(api, preferredDate="2026-09-12", customAnswers={"budget": 5000, "venue": "Barn"})
    assert created["status"] == "new" and created["source"] == "manual"
    assert created["preferredDate"] == "2026-09-12" and created["customAnswers"] == {"budget": 5000, "venue": "Barn"}
    for key in ("phone", "contactId", "inquirySlug", "message", "convertedClientId", "convertedProjectId",
                "convertedAt", "lastContactedAt", "nextFollowUpAt", "notes"):
        assert created[key] is None, key
    assert events == [("inquiry_created", created["id"])]
    assert (await inquiry(api, source="inquiry_form"))["source"] == "inquiry_form"


@pytest.mark.parametrize("fields, field", [
    ({"status": "new"}, "status"), ({"status": "qualified"}, "status"), ({"convertedAt": None}, "convertedAt"),
    ({"inquirySlug": "wedding"}, "inquirySlug"), ({"email": "nope"}, "email"), ({"name": ""}, "name"),
    ({"source": "instagram"}, "source"), ({"phone": "1" * 51}, "phone"), ({"message": "x" * 5001}, "message"),
    ({"contactId": UNKNOWN}, "contactId"), ({"customAnswers": ["a"]}, "customAnswers"),
    ({"preferredDate": "2026-13-01"}, "preferredDate"), ({"lastContactedAt": "2026-05-19T10:00:00Z"}, "lastContactedAt"),
])
async def test_create_refusals(api, events, fields, field):
    reply = await api.post("inquiries", {"name": "Ada", "email": "ada@example.com", **fields})
    assert reply.status == 400 and reply.error["code"] == "invalid_request", reply
    assert field in reply.error["details"], reply.error
    assert (await api.get("inquiries")).body["pagination"]["total"] == 0
    assert events == []


async def test_status_on_create_is_read_only(api):
    reply = await api.post("inquiries", {"name": "Ada", "email": "ada@example.com", "status": "new"})
    assert reply.error["details"] == {"status": "is read-only and cannot be set through the API"}
    assert (await api.post("inquiries", {"name": "Ada"})).error["details"] == {"email": "is required"}


@pytest.mark.parametrize("path", [
    ["contacted", "qualified", "declined", "new"], ["qualified", "contacted", "new"], ["declined", "spam"]])
async def test_patch_moves_among_the_open_statuses_and_emits(api, events, path):
    created = await inquiry(api)
    for status in path:
        reply = await api.patch(f"inquiries/{created['id']}", {"status": status})
        assert reply.status == 200 and reply.body["status"] == status
    assert events[1:] == [("inquiry_status_changed", created["id"])] * len(path)


async def test_converted_is_never_writable(api, events):
    created = await inquiry(api)
    path = f"inquiries/{created['id']}"
    reply = await api.patch(path, {"status": "converted"})
    assert reply.status == 400 and reply.error["details"]["status"].startswith("cannot be set to converted")
    for body in ({"convertedClientId": UNKNOWN}, {"convertedAt": "2026-05-19T10:00:00.000Z"},
                 {"source": "referral"}, {"customAnswers": {}}, {"contactId": UNKNOWN}, {"name": None}):
        refused = await api.patch(path, body)
        assert refused.status == 400 and next(iter(body)) in refused.error["details"], (body, refused)
    await unchanged(api, path, created)
    assert events == [("inquiry_created", created["id"])]


async def test_spam_is_a_dead_end(api, events):
    created = await inquiry(api)
    path = f"inquiries/{created['id']}"
    spam = (await api.patch(path, {"status": "spam"})).body
    for status in ("new", "contacted", "qualified", "declined"):
        reply = await api.patch(path, {"status": status})
        assert reply.status == 409 and reply.error["code"] == "conflict"
        assert reply.error["message"] == "This inquiry was marked as spam; its status can no longer change."
    await unchanged(api, path, spam)
    assert (await api.patch(path, {"status": "spam"})).status == 200  # unchanged: a no-op
    notes = await api.patch(path, {"notes": "bot"})
    assert notes.status == 200 and notes.body["notes"] == "bot" and notes.body["status"] == "spam"
    assert [e for e, _ in events].count("inquiry_status_changed") == 1


async def test_other_fields_and_follow_ups(api):
    created = await inquiry(api, phone="555", message="Hi")
    path = f"inquiries/{created['id']}"
    patched = await api.patch(path, {"lastContactedAt": "2026-05-19T10:00:00+02:00",
                                     "nextFollowUpAt": "2026-05-26T08:00:00Z", "phone": None, "message": None,
                                     "email": None, "preferredDate": "2026-10-01"})
    assert patched.status == 200
    assert patched.body["lastContactedAt"] == "2026-05-19T08:00:00.000Z"
    assert patched.body["nextFollowUpAt"] == "2026-05-26T08:00:00.000Z"
    assert patched.body["phone"] is None and patched.body["email"] is None
    assert (await api.delete(path)).status == 204
    assert (await api.get(path)).status == 404


async def test_convert_creates_client_and_project_and_emits(api, sandbox, events):
    freeze(api)
    contact = await api.create("contacts", name="Ada", email="ada@example.com")
    created = await inquiry(api, preferredDate="2026-09-12", contactId=contact["id"])
    _, emitted = run_action(api, sandbox, "inquiries", "convert", created["id"])
    body = (await api.get(f"inquiries/{created['id']}")).body
    assert body["status"] == "converted" and body["convertedAt"] == "2026-05-19T12:00:00.000Z"
    client = (await api.get(f"clients/{body['convertedClientId']}")).body
    project = (await api.get(f"projects/{body['convertedProjectId']}")).body
    assert client["name"] == "Ada Lovelace" and client["status"] == "active"
    assert project["clientId"] == client["id"] and project["eventDate"] == "2026-09-12"
    assert (await api.get(f"contacts/{contact['id']}")).body["clientId"] == client["id"]
    assert emitted == [("client_created", client["id"]), ("project_created", project["id"]),
                       ("inquiry_status_changed", created["id"]), ("inquiry_converted", created["id"])]
    assert events[-1] == ("inquiry_converted", created["id"])
    assert (await api.get("inquiries", params={"status": "converted"})).body["data"] == [body]
    # converted is terminal; its other fields stay editable.
    reply = await api.patch(f"inquiries/{created['id']}", {"status": "qualified"})
    assert reply.status == 409 and "converted into a client" in reply.error["message"]
    await unchanged(api, f"inquiries/{created['id']}", body)
    assert (await api.patch(f"inquiries/{created['id']}", {"notes": "Booked"})).body["notes"] == "Booked"
    # The converted client and project are referenced by the inquiry.
    assert (await api.delete(f"projects/{project['id']}")).status == 409


async def test_convert_into_an_existing_client_with_names(api, sandbox):
    existing = await api.create("clients", name="Acme")
    created = await inquiry(api)
    run_action(api, sandbox, "inquiries", "convert", created["id"],
               {"clientId": existing["id"], "projectName": "Spring shoot"})
    body = (await api.get(f"inquiries/{created['id']}")).body
    assert body["convertedClientId"] == existing["id"]
    assert (await api.get(f"projects/{body['convertedProjectId']}")).body["name"] == "Spring shoot"
    assert (await api.get("clients")).body["pagination"]["total"] == 1
    other = await inquiry(api)
    run_action(api, sandbox, "inquiries", "convert", other["id"], {"clientName": "Lovelace LLC"})
    names = {c["name"] for c in (await api.get("clients")).body["data"]}
    assert names == {"Acme", "Lovelace LLC"}


async def test_convert_refusals_change_nothing(api, sandbox):
    created = await inquiry(api)
    spam = await inquiry(api)
    await api.patch(f"inquiries/{spam['id']}", {"status": "spam"})
    for record_id, params, error in ((created["id"], {"clientId": UNKNOWN}, Invalid),
                                     (created["id"], {"clientName": ""}, Invalid),
                                     (created["id"], {"colour": "red"}, Invalid),
                                     (spam["id"], {}, Conflict)):
        with pytest.raises(error):
            run_action(api, sandbox, "inquiries", "convert", record_id, params)
    assert (await api.get("clients")).body["pagination"]["total"] == 0
    assert (await api.get("projects")).body["pagination"]["total"] == 0
    await unchanged(api, f"inquiries/{created['id']}", created)
    run_action(api, sandbox, "inquiries", "convert", created["id"])
    with pytest.raises(Conflict, match="already|converted"):
        run_action(api, sandbox, "inquiries", "convert", created["id"])
    assert (await api.get("clients")).body["pagination"]["total"] == 1


async def test_seeded_converted_inquiry(api, sandbox):
    now = freeze(api)
    client = await api.create("clients", name="Acme")
    project = await api.create("projects", name="Wedding", clientId=client["id"])
    record = seed(api, sandbox, "inquiries", name="Ada", email="ada@example.com", status="converted",
                  inquirySlug="wedding-2026", convertedClientId=client["id"], convertedProjectId=project["id"],
                  convertedAt="2026-04-01T09:00:00Z", source="inquiry_form")
    body = (await api.get(f"inquiries/{record.id}")).body
    assert body["status"] == "converted" and body["convertedAt"] == "2026-04-01T09:00:00.000Z"
    assert body["inquirySlug"] == "wedding-2026" and body["source"] == "inquiry_form"
    for values, field in (({"status": "converted", "convertedClientId": client["id"]}, "convertedProjectId"),
                          ({"status": "converted", "convertedClientId": UNKNOWN,
                            "convertedProjectId": project["id"]}, "convertedClientId"),
                          ({"status": "new", "convertedClientId": client["id"]}, "status"),
                          ({"status": "new", "email": "x"}, "email")):
        with pytest.raises(Invalid) as refused:
            seed(api, sandbox, "inquiries", **{"name": "Bob", "email": "bob@example.com", **values})
        assert field in refused.value.details
    defaulted = seed(api, sandbox, "inquiries", name="Cy", email="cy@example.com", status="converted",
                     convertedClientId=client["id"], convertedProjectId=project["id"])
    assert defaulted.converted_at == now


async def test_filters(api, sandbox):
    a = await inquiry(api, source="referral")
    b = await inquiry(api)
    await api.patch(f"inquiries/{b['id']}", {"status": "qualified"})

    ids = partial(listed_ids, api, "inquiries")
    assert await ids(source="referral") == {a["id"]}
    assert await ids(status="qualified") == {b["id"]}
    assert await ids(status="new", source="manual") == set()
    for param, value in (("status", "open"), ("source", "web")):
        bad = await api.get("inquiries", params={param: value})
        assert bad.status == 400 and param in bad.error["details"]


async def test_other_organizations_inquiries_are_404(api, other_api):
    created = await inquiry(api)
    path = f"inquiries/{created['id']}"
    assert (await other_api.get(path)).status == 404
    assert (await other_api.patch(path, {"status": "spam"})).status == 404
    assert (await other_api.delete(path)).status == 404
    await unchanged(api, path, created)
