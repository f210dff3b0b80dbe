"""System money: Stripe payments, refunds, chargebacks, dispute fees, payouts, and seeded paid invoices.

These states have no public route; the tests drive them as the admin API will (resource actions,
``create_payout``, seeds) and check what a partner then reads over HTTP.
"""

from datetime import timedelta
from functools import partial

import pytest

from mockcasa.errors import Conflict, Invalid
from mockcasa.resources.payouts import create_payout
from tests.support.api import listed_ids
from tests.support.money import act, line, listen, make_client, make_invoice, pay, run, seed

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
async def invoice(api):
    return await make_invoice(api, await make_client(api), line("Work", 1, 200), status="sent")


async def stripe_payment(api, invoice: dict, **params) -> dict:
    before = {p["id"] for p in await api.list_all("payments")}
    act(api, "invoices", "record_stripe_payment", invoice["id"], **params)
    [payment] = [p for p in await api.list_all("payments") if p["id"] not in before]
    return payment


async def test_stripe_payment_settles_the_invoice(api, invoice):
    events = listen(api)
    shown, emitted = act(api, "invoices", "record_stripe_payment", invoice["id"])
    assert emitted == ["payment_received", "invoice_paid"] and shown.status == "paid"
    payment = (await api.get("payments", params={"invoiceId": invoice["id"]})).body["data"][0]
    assert (payment["method"], payment["status"], payment["amount"]) == ("stripe", "succeeded", 200)
    assert payment["netAmount"] == 193.9  # 2.9% + 0.30
    assert payment["reference"].startswith("ch_") and payment["payoutId"] is None
    paid = (await api.get(f"invoices/{invoice['id']}")).body
    assert paid["status"] == "paid" and paid["paidAt"] == "2026-05-19T10:00:00.000Z"
    assert events == [("payment_received", payment["id"]), ("invoice_paid", invoice["id"])]


async def test_stripe_payment_refusals(api, invoice):
    draft = await make_invoice(api, await make_client(api, "B"))
    with pytest.raises(Conflict, match="draft"):
        act(api, "invoices", "record_stripe_payment", draft["id"])
    for params in ({"amount": 0}, {"amount": "5"}, {"fee": -1}, {"amount": float("inf")}):
        with pytest.raises(Invalid):
            act(api, "invoices", "record_stripe_payment", invoice["id"], **params)
    assert (await api.get("payments")).body["data"] == []


async def test_partial_stripe_payment_and_stripe_refund(api, invoice):
    payment = await stripe_payment(api, invoice, amount=150, fee=0)
    assert payment["netAmount"] == 150
    assert (await api.get(f"invoices/{invoice['id']}")).body["status"] == "partial"
    refund, emitted = act(api, "payments", "refund", payment["id"], amount=50)
    assert emitted == ["payment_refunded"] and refund.amount == -50 and refund.method == "stripe"
    assert (await api.get(f"invoices/{invoice['id']}")).body["amountPaid"] == 100
    with pytest.raises(Invalid, match="left to refund"):
        act(api, "payments", "refund", payment["id"], amount=100.01)
    with pytest.raises(Conflict):
        act(api, "payments", "refund", refund.id)


async def test_chargeback_and_dispute_fee(api, invoice):
    payment = await stripe_payment(api, invoice)
    events = listen(api)
    chargeback, emitted = act(api, "payments", "chargeback", payment["id"])
    assert emitted == ["payment_chargeback"]
    body = (await api.get(f"payments/{chargeback.id}")).body
    assert (body["kind"], body["amount"], body["refundOfId"], body["invoiceId"]) == \
        ("chargeback", -200, payment["id"], invoice["id"])
    reopened = (await api.get(f"invoices/{invoice['id']}")).body
    assert (reopened["status"], reopened["amountPaid"], reopened["paidAt"]) == ("sent", 0, None)
    fee, emitted = act(api, "payments", "dispute_fee", payment["id"])
    assert emitted == [] and fee.amount == -15 and fee.kind == "dispute_fee"
    assert (await api.get(f"invoices/{invoice['id']}")).body["amountPaid"] == 0  # a fee is not a refund
    kinds = {p["kind"] for p in (await api.get("payments", params={"invoiceId": invoice["id"]})).body["data"]}
    assert kinds == {"payment", "chargeback", "dispute_fee"}
    assert events == [("payment_chargeback", chargeback.id)]
    with pytest.raises(Invalid):
        act(api, "payments", "refund", payment["id"], amount=1)  # nothing left after the chargeback


async def test_payouts_are_read_only(api):
    for method in ("post", "patch", "delete"):
        path = "payouts" if method == "post" else "payouts/00000000-0000-4000-8000-000000000001"
        reply = await api.request(method.upper(), path, json={} if method != "delete" else None)
        assert reply.status == 405 and reply.error["code"] == "invalid_request"


async def test_create_payout_bundles_stripe_entries(api, invoice, org):
    payment = await stripe_payment(api, invoice)
    act(api, "payments", "refund", payment["id"], amount=20)
    act(api, "payments", "dispute_fee", payment["id"], amount=15)
    second = await make_invoice(api, await make_client(api, "B"), line("x", 1, 100), status="sent")
    other = await stripe_payment(api, second, fee=3)
    await pay(api, second, 10)  # manual: never in a payout
    payout, emitted = run(api, create_payout, {})
    assert emitted == []
    body = (await api.get(f"payouts/{payout.id}")).body
    assert body["status"] == "pending" and body["arrivalDate"] == "2026-05-21"
    assert (body["grossTotal"], body["refundTotal"], body["paymentCount"]) == (300, 20, 2)
    assert body["feeTotal"] == 6.1 + 3 + 15
    assert body["amount"] == 193.9 - 20 - 15 + 97
    assert body["stripePayoutId"].startswith("po_") and body["currency"] == "USD"
    linked = await api.list_all("payments", kind="payment")
    assert {p["id"]: p["payoutId"] for p in linked if p["method"] == "stripe"} == \
        {payment["id"]: payout.id, other["id"]: payout.id}
    assert [p["payoutId"] for p in linked if p["method"] == "check"] == [None]
    with pytest.raises(Conflict, match="no succeeded Stripe payments"):
        run(api, create_payout, {})
    with pytest.raises(Invalid):
        run(api, create_payout, {"paymentIds": [payment["id"]]})


async def test_payout_paid_and_failed(api, invoice, org):
    first = await stripe_payment(api, invoice, amount=50)
    paid_payout, _ = run(api, create_payout, {"paymentIds": [first["id"]]})
    second = await stripe_payment(api, invoice, amount=50)
    failed_payout, _ = run(api, create_payout, {"paymentIds": [second["id"]], "arrivalDate": "2026-05-25"})
    events = listen(api)
    assert act(api, "payouts", "mark_in_transit", paid_payout.id)[0].status == "in_transit"
    _, emitted = act(api, "payouts", "mark_paid", paid_payout.id)
    assert emitted == ["payout_paid"]
    body = (await api.get(f"payouts/{paid_payout.id}")).body
    assert body["status"] == "paid" and body["arrivalDate"] == "2026-05-19"
    _, emitted = act(api, "payouts", "mark_failed", failed_payout.id, failureCode="no_account")
    assert emitted == ["payout_failed"]
    body = (await api.get(f"payouts/{failed_payout.id}")).body
    assert (body["status"], body["failureCode"]) == ("failed", "no_account") and body["failureMessage"]
    assert events == [("payout_paid", paid_payout.id), ("payout_failed", failed_payout.id)]
    for name in ("mark_paid", "mark_failed", "cancel", "mark_in_transit"):
        with pytest.raises(Conflict):
            act(api, "payouts", name, failed_payout.id)


async def test_payout_filters(api, org):
    early = seed(api, "payouts", amount=100, status="paid", arrival_date="2026-05-01")
    middle = seed(api, "payouts", amount=200, status="in_transit", arrival_date="2026-05-10")
    late = seed(api, "payouts", amount=300.005, status="failed", arrival_date="2026-05-20")
    undated = seed(api, "payouts", amount=5)
    assert undated.status == "pending" and undated.arrival_date is None and late.amount == 300.01

    ids = partial(listed_ids, api, "payouts")
    assert await ids() == {early.id, middle.id, late.id, undated.id}
    assert await ids(status="paid") == {early.id}
    assert await ids(arrivalDateFrom="2026-05-10") == {middle.id, late.id}
    assert await ids(arrivalDateTo="2026-05-10") == {early.id, middle.id}
    assert await ids(arrivalDateFrom="2026-05-02", arrivalDateTo="2026-05-19") == {middle.id}
    assert await ids(status="failed", arrivalDateTo="2026-05-19") == set()
    for bad in ({"status": "sent"}, {"arrivalDateFrom": "May 1"}, {"arrivalDateTo": "2026-5-1"}):
        reply = await api.get("payouts", params=bad)
        assert reply.status == 400 and next(iter(bad)) in reply.error["details"]


async def test_seeded_paid_invoice_with_its_payments(api, org):
    org.tax_rate = 0.1
    client = await make_client(api)
    invoice = seed(api, "invoices", client_id=client["id"], status="paid", invoice_number="INV-0100",
                   issue_date="2026-04-01",
                   line_items=[{"description": "Shoot", "quantity": 2, "unitPrice": 50, "taxable": True}])
    body = (await api.get(f"invoices/{invoice.id}")).body
    shown = (body["status"], body["total"], body["taxAmount"], body["dueDate"])
    assert shown == ("overdue", 110, 10, "2026-05-01")
    org.clock.advance(timedelta(minutes=5))
    seed(api, "payments", invoice_id=invoice.id, amount=110, method="stripe", received_date="2026-04-10",
         net_amount=106.51)
    paid = (await api.get(f"invoices/{invoice.id}")).body
    assert (paid["status"], paid["amountPaid"], paid["paidAt"]) == ("paid", 110, "2026-05-19T10:05:00.000Z")
    payment = (await api.get("payments", params={"invoiceId": invoice.id})).body["data"][0]
    assert payment["clientId"] == client["id"] and payment["currency"] == "USD"
    assert (payment["status"], payment["netAmount"]) == ("succeeded", 106.51)
    assert (await make_invoice(api, client))["invoiceNumber"] == "INV-0101"
    pending = seed(api, "payments", invoice_id=invoice.id, amount=-110, kind="refund", status="pending",
                   refund_of_id=payment["id"])
    assert pending.client_id == client["id"]
    assert (await api.get(f"invoices/{invoice.id}")).body["status"] == "paid"  # only succeeded entries count
