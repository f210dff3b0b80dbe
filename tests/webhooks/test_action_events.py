"""Each dashboard/system action's event, triggered through the admin API, reaches a real receiver."""

import pytest

from tests.support.webhook_flow import Flow


@pytest.fixture
async def flow(api, admin, receiver) -> Flow:
    return await Flow(api, admin, receiver).start()


@pytest.fixture
async def client(flow, api) -> dict:
    client = await api.create("clients", name="Acme")
    await flow.received()
    return client


async def test_proposal_actions(flow, api, client):
    async def sent_proposal() -> dict:
        proposal = await api.create("proposals", title="Wedding", clientId=client["id"],
                                    expirationDate="2026-06-30")
        shown = (await flow.act("proposals", proposal["id"], "send")).body
        assert await flow.received() == [("proposal_sent", shown)]
        assert shown == await flow.get("proposals", proposal["id"]) and shown["status"] == "sent"
        return shown

    for action, event, status in (("accept", "proposal_accepted", "accepted"),
                                  ("reject", "proposal_rejected", "rejected"),
                                  ("expire", "proposal_expired", "expired")):
        proposal = await sent_proposal()
        shown = (await flow.act("proposals", proposal["id"], action)).body
        assert shown["status"] == status
        assert await flow.received() == [(event, await flow.get("proposals", proposal["id"]))]


async def test_contract_actions(flow, api, client):
    async def draft(**fields) -> dict:
        return await api.create("contracts", title="Services", clientId=client["id"], **fields)

    contract = await draft()
    sent = (await flow.act("contracts", contract["id"], "send")).body
    viewed = (await flow.act("contracts", contract["id"], "view")).body
    assert await flow.received() == [("contract_sent", sent), ("contract_viewed", viewed)]

    signed = (await flow.act("contracts", contract["id"], "sign")).body
    assert signed == await flow.get("contracts", contract["id"]) and signed["status"] == "active"
    # The signer signs (still viewed), then the contract is signed and active.
    signer_signed = {**signed, "status": "viewed", "signedDate": None}
    assert await flow.received() == [("contract_recipient_signed", signer_signed), ("contract_signed", signed)]
    completed = (await flow.act("contracts", contract["id"], "complete")).body
    assert await flow.received() == [("contract_completed", completed)]

    countersigned = await draft()
    await flow.act("contracts", countersigned["id"], "send", {"signingMode": "counter_sign"})
    await flow.received()
    awaiting = (await flow.act("contracts", countersigned["id"], "sign")).body
    assert awaiting["status"] == "sent"  # waits for the business to countersign
    assert await flow.received() == [("contract_recipient_signed", awaiting), ("contract_signed", awaiting)]
    active = (await flow.act("contracts", countersigned["id"], "countersign")).body
    assert active["status"] == "active"
    assert await flow.received() == [("contract_countersigned", await flow.get("contracts", active["id"]))]

    expiring = await draft()
    await flow.act("contracts", expiring["id"], "send")
    expired = (await flow.act("contracts", expiring["id"], "expire")).body
    voided = (await flow.act("contracts", (await draft())["id"], "void")).body
    assert (expired["status"], voided["status"]) == ("expired", "voided")
    assert [e for e, _ in await flow.received()] == ["contract_sent", "contract_expired", "contract_voided"]
    assert voided == await flow.get("contracts", voided["id"])


async def test_inquiry_conversion(flow, api):
    inquiry = await api.create("inquiries", name="Bea Lee", email="bea@example.com", preferredDate="2026-09-12")
    await flow.received()
    converted = (await flow.act("inquiries", inquiry["id"], "convert")).body
    assert converted == await flow.get("inquiries", inquiry["id"]) and converted["status"] == "converted"
    assert await flow.received() == [
        ("client_created", await flow.get("clients", converted["convertedClientId"])),
        ("project_created", await flow.get("projects", converted["convertedProjectId"])),
        ("inquiry_status_changed", converted),
        ("inquiry_converted", converted)]


async def test_stripe_payment_refund_chargeback_and_dispute_fee(flow, api, client):
    invoice = await flow.invoice(client["id"], status="sent")
    await flow.received()
    paid = (await flow.act("invoices", invoice["id"], "record_stripe_payment")).body
    [payment] = (await api.get("payments", params={"invoiceId": invoice["id"]})).body["data"]
    assert payment["method"] == "stripe" and paid["status"] == "paid"
    assert await flow.received() == [("payment_received", payment), ("invoice_paid", paid)]

    refund = (await flow.act("payments", payment["id"], "refund", {"amount": 100})).body
    assert refund["kind"] == "refund" and refund == await flow.get("payments", refund["id"])
    assert await flow.received() == [("payment_refunded", refund)]  # partial again: no invoice event
    chargeback = (await flow.act("payments", payment["id"], "chargeback")).body
    assert chargeback["kind"] == "chargeback" and chargeback["amount"] == -900
    assert await flow.received() == [("payment_chargeback", await flow.get("payments", chargeback["id"]))]
    await flow.act("payments", payment["id"], "dispute_fee")  # the business's cost: no event
    assert await flow.received() == []


async def test_the_client_viewing_an_invoice(flow, client):
    invoice = await flow.invoice(client["id"], status="sent")
    await flow.received()
    viewed = (await flow.act("invoices", invoice["id"], "view")).body
    assert viewed == await flow.get("invoices", invoice["id"])  # nothing changes
    assert await flow.received() == [("invoice_viewed", viewed)]


async def test_payout_actions(flow):
    await flow.seed({"payouts": [{"alias": "p1", "amount": 970.7, "status": "pending"},
                                 {"alias": "p2", "amount": 120, "status": "in_transit"},
                                 {"alias": "p3", "amount": 50, "status": "pending"}]})
    payouts = {p["amount"]: p for p in await flow.api.list_all("payouts")}
    assert await flow.received() == []  # seeding publishes nothing

    await flow.act("payouts", payouts[50]["id"], "mark_in_transit")  # no event in the enum
    assert await flow.received() == []
    paid = (await flow.act("payouts", payouts[970.7]["id"], "mark_paid")).body
    failed = (await flow.act("payouts", payouts[120]["id"], "mark_failed")).body
    assert (paid["status"], failed["status"], failed["failureCode"]) == ("paid", "failed", "account_closed")
    assert await flow.received() == [("payout_paid", await flow.get("payouts", paid["id"])),
                                     ("payout_failed", await flow.get("payouts", failed["id"]))]


async def test_a_refused_action_emits_nothing(flow, api, client):
    proposal = await api.create("proposals", title="Wedding", clientId=client["id"])
    reply = await flow.admin.post(f"/organizations/{flow.org_id}/proposals/{proposal['id']}/actions/accept")
    assert reply.status == 409
    assert await flow.received() == []
