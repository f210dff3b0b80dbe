"""Admin actions on leads and work: convert an inquiry, sync a calendar event, bill entries and transactions."""

import pytest

from tests.support.dashboard import NOW, UNKNOWN


@pytest.fixture
async def project(api, client):
    return await api.create("projects", name="Website", clientId=client["id"])


# --- inquiries -----------------------------------------------------------------------------------

@pytest.fixture
async def inquiry(api):
    contact = await api.create("contacts", name="Ada Lovelace", email="ada@example.com")
    return await api.create("inquiries", name="Ada Lovelace", email="ada@example.com", preferredDate="2026-09-12",
                            contactId=contact["id"])


async def test_convert_an_inquiry_into_a_client_and_project(dash, api, inquiry):
    converted = await dash.ok("inquiries", inquiry["id"], "convert")
    assert converted["status"] == "converted" and converted["convertedAt"] == NOW
    client = (await api.get(f"clients/{converted['convertedClientId']}")).body
    project = (await api.get(f"projects/{converted['convertedProjectId']}")).body
    assert client["name"] == "Ada Lovelace"
    assert (project["name"], project["clientId"], project["eventDate"]) == ("Ada Lovelace", client["id"],
                                                                            "2026-09-12")
    assert (await api.get(f"contacts/{inquiry['contactId']}")).body["clientId"] == client["id"]
    assert dash.last == [("client_created", client["id"]), ("project_created", project["id"]),
                         ("inquiry_status_changed", inquiry["id"]), ("inquiry_converted", inquiry["id"])]
    assert [i["id"] for i in (await api.get("inquiries", params={"status": "converted"})).body["data"]] == \
        [inquiry["id"]]
    await dash.refused(409, "inquiries", inquiry["id"], "convert")
    reopened = await api.patch(f"inquiries/{inquiry['id']}", {"status": "new"})
    assert reopened.status == 409  # converted is terminal for the public API too


async def test_convert_for_an_existing_client_with_names(dash, api, client):
    inquiry = await api.create("inquiries", name="Bob", email="bob@example.com")
    converted = await dash.ok("inquiries", inquiry["id"], "convert",
                              {"clientId": client["id"], "projectName": "Summer shoot"})
    assert converted["convertedClientId"] == client["id"]
    project = (await api.get(f"projects/{converted['convertedProjectId']}")).body
    assert (project["name"], project["clientId"], project["eventDate"]) == ("Summer shoot", client["id"], None)
    assert [c["id"] for c in await api.list_all("clients")] == [client["id"]]
    assert dash.names() == ["project_created", "inquiry_status_changed", "inquiry_converted"]


async def test_convert_refusals(dash, api, other_api, inquiry):
    theirs = await other_api.create("clients", name="Not ours")
    for params, field in (({"clientId": theirs["id"]}, "clientId"), ({"clientId": "acme"}, "clientId"),
                          ({"clientName": ""}, "clientName"), ({"projectName": "x" * 201}, "projectName"),
                          ({"client": "Acme"}, "client")):
        error = await dash.refused(400, "inquiries", inquiry["id"], "convert", params)
        assert field in error["details"], (params, error)
    spam = await api.create("inquiries", name="Buy now", email="spam@example.com")
    assert (await api.patch(f"inquiries/{spam['id']}", {"status": "spam"})).status == 200
    error = await dash.refused(409, "inquiries", spam["id"], "convert")
    assert "spam" in error["message"]


# --- calendar events -----------------------------------------------------------------------------

EVENT = {"title": "Dentist", "startDateTime": "2026-05-20T09:00:00Z", "endDateTime": "2026-05-20T10:00:00Z"}


async def test_sync_an_external_calendar_event(dash, api, project):
    synced = await dash.made("calendar-events", "sync", {"source": "google", **EVENT, "projectId": project["id"],
                                                         "description": "Check-up"})
    assert (synced["source"], synced["readOnly"], synced["title"], synced["projectId"]) == \
        ("google", True, "Dentist", project["id"])
    assert synced["startDateTime"] == "2026-05-20T09:00:00.000Z" and synced["createdAt"] == NOW
    assert dash.last == []  # the contract has no calendar events
    listed = await api.get("calendar-events", params={"projectId": project["id"]})
    assert [e["id"] for e in listed.body["data"]] == [synced["id"]]
    for reply in (await api.patch(f"calendar-events/{synced['id']}", {"title": "Moved"}),
                  await api.delete(f"calendar-events/{synced['id']}")):
        assert reply.status == 409 and reply.error["details"] == {"source": "google"}
    for source in ("microsoft", "apple"):
        assert (await dash.made("calendar-events", "sync", {"source": source, **EVENT}))["source"] == source


async def test_sync_refusals(dash, other_api):
    theirs = await other_api.create("clients", name="Not ours")
    cases = [({**EVENT}, "source"), ({"source": "manual", **EVENT}, "source"),
             ({"source": ["google"], **EVENT}, "source"),
             ({"source": "google", **EVENT, "endDateTime": "2026-05-20T08:00:00Z"}, "endDateTime"),
             ({"source": "google", **EVENT, "clientId": theirs["id"]}, "clientId"),
             ({"source": "google", "title": "No times"}, "startDateTime"),
             ({"source": "google", **EVENT, "id": UNKNOWN}, "id"),
             ({"source": "google", **EVENT, "readOnly": False}, "readOnly"),
             ({"source": "google", **EVENT, "colour": "red"}, "colour")]
    for params, field in cases:
        error = await dash.refused(400, "calendar-events", None, "sync", params)
        assert field in error["details"], (params, error)


# --- billing time entries and transactions -------------------------------------------------------

async def invoice_for(api, client, **fields) -> dict:
    return await api.create("invoices", clientId=client["id"], status="sent",
                            lineItems=[{"description": "Work", "quantity": 1, "unitPrice": 100}], **fields)


@pytest.fixture
async def entry(api, project):
    member = next(iter(api.org.members))
    return await api.create("time-entries", projectId=project["id"], memberId=member, date="2026-05-18", hours=2)


async def test_bill_time_entries_to_an_invoice(dash, api, client, entry):
    invoice = await invoice_for(api, client)
    billed = await dash.ok("time-entries", entry["id"], "bill", {"invoiceId": invoice["id"]})
    assert billed["updatedAt"] == NOW and "invoiceId" not in billed  # the link itself is never served
    assert dash.last == []
    assert (await api.patch(f"time-entries/{entry['id']}", {"hours": 3})).status == 200  # sent: still editable
    await dash.ok("invoices", invoice["id"], "record_stripe_payment")
    frozen = await api.patch(f"time-entries/{entry['id']}", {"hours": 4})
    assert frozen.status == 409 and frozen.error["details"] == {"invoiceId": invoice["id"], "invoiceStatus": "paid"}
    assert (await api.delete(f"time-entries/{entry['id']}")).status == 409
    error = await dash.refused(409, "time-entries", entry["id"], "bill", {"invoiceId": None})
    assert error["details"] == {"invoiceId": invoice["id"], "invoiceStatus": "paid"}


async def test_unbill_a_time_entry(dash, api, client, entry):
    invoice = await invoice_for(api, client)
    await dash.ok("time-entries", entry["id"], "bill", {"invoiceId": invoice["id"]})
    await dash.ok("time-entries", entry["id"], "bill", {"invoiceId": None})
    await dash.ok("invoices", invoice["id"], "record_stripe_payment")
    assert (await api.patch(f"time-entries/{entry['id']}", {"hours": 4})).status == 200  # no longer billed


async def test_bill_time_entry_refusals(dash, api, client, entry):
    other_client = await api.create("clients", name="Other")
    void = await invoice_for(api, client)
    assert (await api.patch(f"invoices/{void['id']}", {"status": "void"})).status == 200
    error = await dash.refused(409, "time-entries", entry["id"], "bill", {"invoiceId": void["id"]})
    assert error["details"] == {"invoiceStatus": "void"}
    for params in ({"invoiceId": (await invoice_for(api, other_client))["id"]}, {"invoiceId": UNKNOWN},
                   {"invoiceId": 5}):
        error = await dash.refused(400, "time-entries", entry["id"], "bill", params)
        assert "invoiceId" in error["details"], (params, error)


async def test_bill_transactions_to_an_invoice(dash, api, client):
    transaction = await api.create("transactions", name="Hosting", amount=120, direction="cost", passThrough=True,
                                   markupPercent=10)
    draft = await api.create("invoices", clientId=client["id"],
                             lineItems=[{"description": "Hosting", "quantity": 1, "unitPrice": 132}])
    await dash.ok("transactions", transaction["id"], "bill", {"invoiceId": draft["id"]})
    assert (await api.patch(f"transactions/{transaction['id']}", {"notes": "draft"})).status == 200
    assert (await api.patch(f"invoices/{draft['id']}", {"status": "sent"})).status == 200
    frozen = await api.patch(f"transactions/{transaction['id']}", {"notes": "sent"})
    assert frozen.status == 409 and frozen.error["details"] == {"invoiceId": draft["id"], "invoiceStatus": "sent"}
    assert (await api.delete(f"transactions/{transaction['id']}")).status == 409
    other = await invoice_for(api, await api.create("clients", name="Other"))
    error = await dash.refused(409, "transactions", transaction["id"], "bill", {"invoiceId": other["id"]})
    assert error["details"] == {"invoiceId": draft["id"], "invoiceStatus": "sent"}


async def test_bill_a_transaction_of_any_client(dash, api, client):
    transaction = await api.create("transactions", name="Hosting", amount=120, direction="cost", passThrough=True,
                                   markupPercent=10)
    await dash.refused(400, "transactions", transaction["id"], "bill", {"invoiceId": UNKNOWN})
    invoice = await invoice_for(api, client)  # transactions have no client of their own to match
    billed = await dash.ok("transactions", transaction["id"], "bill", {"invoiceId": invoice["id"]})
    assert billed["billedAmount"] == 132 and dash.last == []
    assert (await api.delete(f"transactions/{transaction['id']}")).status == 409
