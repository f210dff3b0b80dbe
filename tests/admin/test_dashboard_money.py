"""Stripe through the admin API: card payments, chargebacks, dispute fees and payouts, read back publicly."""

import pytest

from tests.support.dashboard import TODAY


async def invoice_of(api, client, amount: float = 200, **fields) -> dict:
    return await api.create("invoices", clientId=client["id"], status="sent",
                            lineItems=[{"description": "Work", "quantity": 1, "unitPrice": amount}], **fields)


@pytest.fixture
async def invoice(api, client):
    return await invoice_of(api, client)


async def stripe_payment(dash, api, invoice, **params) -> dict:
    """Record a Stripe payment on ``invoice``; returns the payment it created."""
    before = {p["id"] for p in await api.list_all("payments")}
    await dash.ok("invoices", invoice["id"], "record_stripe_payment", params)
    [payment] = [p for p in await api.list_all("payments") if p["id"] not in before]
    return payment


# --- Stripe payments -----------------------------------------------------------------------------

async def test_record_a_stripe_payment(dash, api, invoice):
    paid = await dash.ok("invoices", invoice["id"], "record_stripe_payment")
    assert (paid["status"], paid["amountPaid"], paid["balanceDue"]) == ("paid", 200, 0)
    assert paid["paidAt"] == "2026-05-19T10:00:00.000Z"
    [payment] = (await api.get("payments", params={"invoiceId": invoice["id"]})).body["data"]
    assert (payment["method"], payment["kind"], payment["status"], payment["amount"]) == \
        ("stripe", "payment", "succeeded", 200)
    assert payment["netAmount"] == 193.9 and payment["receivedDate"] == TODAY  # fee 2.9% + 0.30
    assert payment["reference"].startswith("ch_") and payment["payoutId"] is None
    assert dash.last == [("payment_received", payment["id"]), ("invoice_paid", invoice["id"])]
    error = await dash.refused(409, "invoices", invoice["id"], "record_stripe_payment")
    assert "paid" in error["message"]


async def test_a_partial_stripe_payment_with_its_own_figures(dash, api, invoice):
    payment = await stripe_payment(dash, api, invoice, amount=50, fee=1.5, receivedDate="2026-05-18",
                                   reference="ch_partner")
    assert (payment["amount"], payment["netAmount"], payment["receivedDate"], payment["reference"]) == \
        (50, 48.5, "2026-05-18", "ch_partner")
    assert dash.names() == ["payment_received"]  # not paid yet: no invoice_paid
    shown = (await api.get(f"invoices/{invoice['id']}")).body
    assert (shown["status"], shown["amountPaid"], shown["balanceDue"]) == ("partial", 50, 150)


async def test_stripe_payment_refusals(dash, api, client, invoice):
    draft = await api.create("invoices", clientId=client["id"],
                             lineItems=[{"description": "x", "quantity": 1, "unitPrice": 5}])
    error = await dash.refused(409, "invoices", draft["id"], "record_stripe_payment")
    assert "draft" in error["message"]
    assert (await api.patch(f"invoices/{draft['id']}", {"status": "void"})).status == 200
    await dash.refused(409, "invoices", draft["id"], "record_stripe_payment")
    for params, field in (({"amount": 0}, "amount"), ({"amount": "5"}, "amount"), ({"fee": -1}, "fee"),
                          ({"amount": True}, "amount"), ({"receivedDate": "yesterday"}, "receivedDate")):
        error = await dash.refused(400, "invoices", invoice["id"], "record_stripe_payment", params)
        assert field in error["details"], (params, error)


# --- chargebacks and dispute fees ----------------------------------------------------------------

async def test_a_chargeback_reopens_the_invoice(dash, api, invoice):
    payment = await stripe_payment(dash, api, invoice)
    chargeback = await dash.ok("payments", payment["id"], "chargeback")
    assert (chargeback["kind"], chargeback["amount"], chargeback["method"], chargeback["status"]) == \
        ("chargeback", -200, "stripe", "succeeded")
    assert (chargeback["refundOfId"], chargeback["invoiceId"], chargeback["clientId"]) == \
        (payment["id"], invoice["id"], invoice["clientId"])
    assert dash.last == [("payment_chargeback", chargeback["id"])]
    reopened = (await api.get(f"invoices/{invoice['id']}")).body
    assert (reopened["status"], reopened["amountPaid"], reopened["balanceDue"], reopened["paidAt"]) == \
        ("sent", 0, 200, None)
    error = await dash.refused(400, "payments", payment["id"], "chargeback")  # nothing left to reverse
    assert "amount" in error["details"]
    await dash.refused(409, "payments", chargeback["id"], "chargeback")  # a chargeback of a chargeback


async def test_a_partial_chargeback(dash, api, invoice):
    payment = await stripe_payment(dash, api, invoice)
    chargeback = await dash.ok("payments", payment["id"], "chargeback", {"amount": 80})
    assert chargeback["amount"] == -80
    shown = (await api.get(f"invoices/{invoice['id']}")).body
    assert (shown["status"], shown["amountPaid"]) == ("partial", 120)
    await dash.refused(400, "payments", payment["id"], "chargeback", {"amount": 120.01})
    for bad in ({"amount": -5}, {"amount": "all"}):
        await dash.refused(400, "payments", payment["id"], "chargeback", bad)


async def test_a_dispute_fee(dash, api, invoice):
    payment = await stripe_payment(dash, api, invoice)
    fee = await dash.ok("payments", payment["id"], "dispute_fee")
    assert (fee["kind"], fee["amount"], fee["method"], fee["refundOfId"]) == \
        ("dispute_fee", -15, "stripe", payment["id"])
    assert fee["reference"].startswith("du_") and dash.last == []  # the contract has no event for it
    assert (await api.get(f"invoices/{invoice['id']}")).body["amountPaid"] == 200  # the business's cost
    custom = await dash.ok("payments", payment["id"], "dispute_fee", {"amount": 20})
    assert custom["amount"] == -20
    await dash.refused(400, "payments", payment["id"], "dispute_fee", {"amount": 0})
    kinds = sorted(p["kind"] for p in await api.list_all("payments", invoiceId=invoice["id"]))
    assert kinds == ["dispute_fee", "dispute_fee", "payment"]


async def test_disputes_only_happen_to_stripe_payments(dash, api, invoice):
    manual = await api.create("payments", clientId=invoice["clientId"], invoiceId=invoice["id"], amount=50,
                              receivedDate=TODAY, method="check")
    for action in ("chargeback", "dispute_fee"):
        error = await dash.refused(409, "payments", manual["id"], action)
        assert "Stripe" in error["message"]
    refund = await dash.ok("payments", manual["id"], "refund", {"amount": 10})  # a manual refund is fine
    assert (refund["kind"], refund["method"], refund["amount"]) == ("refund", "check", -10)
    assert dash.last == [("payment_refunded", refund["id"])]
    await dash.refused(409, "payments", refund["id"], "dispute_fee")


async def test_reversals_cannot_predate_the_payment(dash, api, invoice):
    """Refunds, chargebacks and dispute fees from the dashboard follow the API's rule (issue 12, defect 8)."""
    payment = await stripe_payment(dash, api, invoice, receivedDate="2026-05-15")
    for action in ("refund", "chargeback", "dispute_fee"):
        error = await dash.refused(400, "payments", payment["id"], action, {"receivedDate": "2026-05-14"})
        assert "2026-05-15" in error["details"]["receivedDate"], (action, error)
    await dash.refused(400, "payments", payment["id"], "refund", {"receivedDate": "soon"})
    refund = await dash.ok("payments", payment["id"], "refund", {"amount": 10, "receivedDate": "2026-05-15"})
    assert refund["receivedDate"] == "2026-05-15"


# --- payouts -------------------------------------------------------------------------------------

async def test_create_a_payout_from_what_stripe_holds(dash, api, client, invoice):
    payment = await stripe_payment(dash, api, invoice)
    await dash.ok("payments", payment["id"], "dispute_fee")
    other = await stripe_payment(dash, api, await invoice_of(api, client, 100), fee=3)
    await api.create("payments", clientId=client["id"], amount=10, receivedDate=TODAY, method="cash")
    payout = await dash.made("payouts", "create")
    assert (payout["status"], payout["arrivalDate"], payout["currency"]) == ("pending", "2026-05-21", "USD")
    assert (payout["grossTotal"], payout["feeTotal"], payout["refundTotal"], payout["paymentCount"]) == \
        (300, 6.1 + 3 + 15, 0, 2)
    assert payout["amount"] == 193.9 - 15 + 97 and payout["stripePayoutId"].startswith("po_")
    assert dash.last == []  # the contract has events for paid and failed payouts only
    in_payout = {p["id"]: p["payoutId"] for p in await api.list_all("payments") if p["method"] == "stripe"}
    assert set(in_payout.values()) == {payout["id"]} and payment["id"] in in_payout and other["id"] in in_payout
    error = await dash.refused(409, "payouts", None, "create")
    assert "no succeeded Stripe payments" in error["message"]


async def test_create_a_payout_of_chosen_payments(dash, api, client, invoice):
    first = await stripe_payment(dash, api, invoice, amount=50, fee=0)
    second = await stripe_payment(dash, api, invoice, amount=25, fee=0)
    manual = await api.create("payments", clientId=client["id"], amount=10, receivedDate=TODAY, method="cash")
    for params, field in (({"paymentIds": first["id"]}, "paymentIds"),
                          ({"paymentIds": [first["id"], manual["id"]]}, "paymentIds[1]"),
                          ({"paymentIds": ["00000000-0000-4000-8000-00000000dead"]}, "paymentIds[0]"),
                          ({"paymentIds": [first["id"]], "arrivalDate": "soon"}, "arrivalDate"),
                          ({"paymentIds": [first["id"]], "status": "paid"}, "status")):
        error = await dash.refused(400, "payouts", None, "create", params)
        assert field in error["details"], (params, error)
    payout = await dash.made("payouts", "create", {"paymentIds": [first["id"]], "arrivalDate": "2026-05-25",
                                                   "description": "WEEKLY", "bankAccountLast4": "4242"})
    assert (payout["amount"], payout["arrivalDate"], payout["description"], payout["bankAccountLast4"]) == \
        (50, "2026-05-25", "WEEKLY", "4242")
    assert (await api.get(f"payments/{second['id']}")).body["payoutId"] is None
    error = await dash.refused(400, "payouts", None, "create", {"paymentIds": [first["id"]]})  # already paid out
    assert "paymentIds[0]" in error["details"]


async def payout_of(dash, api, invoice, amount: float = 50) -> dict:
    payment = await stripe_payment(dash, api, invoice, amount=amount, fee=0)
    return await dash.made("payouts", "create", {"paymentIds": [payment["id"]]})


async def test_mark_a_payout_paid(dash, api, invoice):
    payout = await payout_of(dash, api, invoice)
    moving = await dash.ok("payouts", payout["id"], "mark_in_transit")
    assert moving["status"] == "in_transit" and dash.last == []
    await dash.refused(409, "payouts", payout["id"], "mark_in_transit")
    paid = await dash.ok("payouts", payout["id"], "mark_paid")
    assert (paid["status"], paid["arrivalDate"]) == ("paid", TODAY)
    assert dash.last == [("payout_paid", payout["id"])]
    assert [p["id"] for p in (await api.get("payouts", params={"status": "paid"})).body["data"]] == [payout["id"]]
    for action in ("mark_paid", "mark_failed", "cancel", "mark_in_transit"):
        await dash.refused(409, "payouts", payout["id"], action)


async def test_mark_a_payout_failed(dash, api, invoice):
    payout = await payout_of(dash, api, invoice)
    failed = await dash.ok("payouts", payout["id"], "mark_failed", {"failureCode": "no_account",
                                                                   "failureMessage": "No such account."})
    assert (failed["status"], failed["failureCode"], failed["failureMessage"]) == \
        ("failed", "no_account", "No such account.")
    assert dash.last == [("payout_failed", payout["id"])]
    for action in ("mark_paid", "mark_failed"):
        await dash.refused(409, "payouts", payout["id"], action)
    default = await dash.ok("payouts", (await payout_of(dash, api, invoice, 25))["id"], "mark_failed")
    assert default["failureCode"] == "account_closed" and default["failureMessage"]


async def test_cancel_a_payout_and_bad_dates(dash, api, invoice):
    payout = await payout_of(dash, api, invoice)
    error = await dash.refused(400, "payouts", payout["id"], "mark_paid", {"arrivalDate": "20 May"})
    assert "arrivalDate" in error["details"]
    canceled = await dash.ok("payouts", payout["id"], "cancel")
    assert canceled["status"] == "canceled" and dash.last == []
    await dash.refused(409, "payouts", payout["id"], "mark_paid")
