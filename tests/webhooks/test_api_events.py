"""Events raised through the public API reach a real receiver, each carrying the record as GET shows it."""

import pytest

from tests.support.webhook_flow import Flow


@pytest.fixture
async def flow(api, admin, receiver) -> Flow:
    return await Flow(api, admin, receiver).start()


async def test_created_events(flow, api, org):
    client = await api.create("clients", name="Acme")
    contact = await api.create("contacts", name="Ada", email="ada@acme.test", clientId=client["id"])
    project = await api.create("projects", name="Rebrand", clientId=client["id"])
    member = next(iter(org.members))
    entry = await api.create("time-entries", projectId=project["id"], memberId=member, date="2026-05-19", hours=2)
    inquiry = await api.create("inquiries", name="Bea", email="bea@example.com")
    assert await flow.received() == [
        ("client_created", await flow.get("clients", client["id"])),
        ("contact_created", await flow.get("contacts", contact["id"])),
        ("project_created", await flow.get("projects", project["id"])),
        ("time_entry_created", await flow.get("time-entries", entry["id"])),
        ("inquiry_created", await flow.get("inquiries", inquiry["id"]))]
    assert client == await flow.get("clients", client["id"])  # the create's answer is the same record

    # Changes without an event in the contract's enum deliver nothing.
    await flow.patch("clients", client["id"], notes="VIP")
    await flow.patch("projects", project["id"], name="Rebrand 2")
    await api.create("catalog-items", name="Design hour", type="charge")
    await api.create("milestones", parentType="projects", parentId=project["id"], title="Kickoff",
                     date="2026-06-01")
    assert await flow.received() == []


async def test_inquiry_status_changes(flow, api):
    inquiry = await api.create("inquiries", name="Bea", email="bea@example.com")
    await flow.received()
    contacted = await flow.patch("inquiries", inquiry["id"], status="contacted")
    await flow.patch("inquiries", inquiry["id"], notes="Called", status="contacted")  # same status: no event
    qualified = await flow.patch("inquiries", inquiry["id"], status="qualified")
    assert await flow.received() == [("inquiry_status_changed", contacted),
                                     ("inquiry_status_changed", qualified)]
    assert qualified == await flow.get("inquiries", inquiry["id"])


async def test_invoice_and_payment_events(flow, api):
    client = await api.create("clients", name="Acme")
    draft = await flow.invoice(client["id"])
    assert await flow.received() == [("client_created", client)]  # a draft is not announced

    sent = await flow.patch("invoices", draft["id"], status="sent")
    direct = await flow.invoice(client["id"], status="sent")
    assert await flow.received() == [("invoice_sent", sent), ("invoice_sent", direct)]
    assert sent["status"] == "sent"

    deposit = await flow.pay(sent, 400)
    assert await flow.received() == [("payment_received", deposit)]
    assert (await flow.get("invoices", sent["id"]))["status"] == "partial"  # partial: no event

    rest = await flow.pay(sent, 600)
    paid = await flow.get("invoices", sent["id"])
    assert paid["status"] == "paid"
    assert await flow.received() == [("payment_received", await flow.get("payments", rest["id"])),
                                     ("invoice_paid", paid)]

    refund = await flow.pay(sent, -100, kind="refund", refundOfId=rest["id"])
    assert refund["invoiceId"] == sent["id"]
    assert await flow.received() == [("payment_refunded", await flow.get("payments", refund["id"]))]
    adjustment = await flow.pay(sent, 100, kind="adjustment")  # no payment_* event, but paid again
    assert adjustment["kind"] == "adjustment"
    assert await flow.received() == [("invoice_paid", await flow.get("invoices", sent["id"]))]

    await flow.patch("payments", deposit["id"], notes="by check")
    await flow.patch("invoices", direct["id"], status="void")
    assert await flow.received() == []


async def test_status_events_follow_the_status_the_api_shows(flow, api):
    """invoice_paid/invoice_overdue and proposal_expired fire whenever the shown status becomes so."""
    client = await api.create("clients", name="Acme")
    await flow.received()
    free = await api.create("invoices", clientId=client["id"], status="sent",
                            lineItems=[{"description": "Gift", "quantity": 1, "unitPrice": 0}])
    late = await flow.invoice(client["id"], status="sent", issueDate="2026-04-01", dueDate="2026-05-01")
    assert (free["status"], late["status"]) == ("paid", "overdue")
    assert await flow.received() == [("invoice_sent", free), ("invoice_paid", free),
                                     ("invoice_sent", late), ("invoice_overdue", late)]

    current = await flow.invoice(client["id"], status="sent", dueDate="2026-06-01")
    moved = await flow.patch("invoices", current["id"], dueDate="2026-05-10")
    assert await flow.received() == [("invoice_sent", current), ("invoice_overdue", moved)]

    # A refund reopening a paid, past-due invoice makes it overdue again.
    payment = await flow.pay(moved, 1000)
    refund = await flow.pay(moved, -1000, kind="refund", refundOfId=payment["id"])
    reopened = await flow.get("invoices", moved["id"])
    assert [e for e, _ in await flow.received()] == ["payment_received", "invoice_paid", "payment_refunded",
                                                     "invoice_overdue"]
    assert refund["amount"] == -1000 and reopened["status"] == "overdue"

    proposal = await api.create("proposals", title="Wedding", clientId=client["id"], expirationDate="2026-06-30")
    sent = await flow.patch("proposals", proposal["id"], status="sent")
    lapsed = await flow.patch("proposals", proposal["id"], expirationDate="2026-05-01")
    reopened = await flow.patch("proposals", proposal["id"], expirationDate="2026-07-31")
    assert (sent["status"], lapsed["status"], reopened["status"]) == ("sent", "expired", "sent")
    assert await flow.received() == [("proposal_sent", sent), ("proposal_expired", lapsed),
                                     ("proposal_sent", reopened)]

    stale = await api.create("proposals", title="Old", clientId=client["id"], expirationDate="2026-05-01")
    shown = await flow.patch("proposals", stale["id"], status="sent")
    assert shown["status"] == "expired"
    assert await flow.received() == [("proposal_sent", shown), ("proposal_expired", shown)]


async def test_other_organizations_events_stay_there(flow, api, other_api):
    await other_api.create("clients", name="Not yours")
    mine = await api.create("clients", name="Mine")
    assert await flow.received() == [("client_created", mine)]
