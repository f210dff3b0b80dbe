"""Payments: manual only, kinds and signs, refunds, invoice checks, immutability, no DELETE, filters."""

from functools import partial

import pytest

from tests.support.api import listed_ids
from tests.support.money import TODAY, UNKNOWN, line, listen, make_client, make_invoice, seed

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
async def invoice(api):
    client = await make_client(api)
    return await make_invoice(api, client, line("Work", 1, 100), status="sent")


def payment(invoice: dict, amount: float, **fields) -> dict:
    return {"clientId": invoice["clientId"], "invoiceId": invoice["id"], "amount": amount,
            "receivedDate": TODAY, "method": "bank_transfer", **fields}


async def assert_refused(api, body: dict, field: str, status: int = 400, text: str | None = None) -> dict:
    before_payments = (await api.get("payments")).body["data"]
    before_invoices = (await api.get("invoices")).body["data"]
    reply = await api.post("payments", body)
    assert reply.status == status and reply.error["code"] == "invalid_request", reply
    assert field in reply.error["details"], reply.error
    if text:
        assert text in reply.error["details"][field], reply.error
    assert (await api.get("payments")).body["data"] == before_payments
    assert (await api.get("invoices")).body["data"] == before_invoices
    return reply.error


async def test_manual_payment_defaults(api, invoice):
    events = listen(api)
    events.clear()
    reply = await api.post("payments", payment(invoice, 40, reference="CHK-1", notes="thanks"))
    assert reply.status == 201
    body = reply.body
    assert (body["status"], body["kind"], body["method"]) == ("succeeded", "payment", "bank_transfer")
    assert body["netAmount"] == 40 and body["payoutId"] is None and body["refundOfId"] is None
    assert body["currency"] == "USD" and body["receivedDate"] == TODAY
    assert (body["reference"], body["notes"]) == ("CHK-1", "thanks")
    assert (await api.get(f"payments/{body['id']}")).body == body
    assert events == [("payment_received", body["id"])]
    assert (await api.get(f"invoices/{invoice['id']}")).body["amountPaid"] == 40


async def test_currency_defaults_to_the_invoices_else_the_contracts_usd(api, org):
    """The contract's PaymentCreate.currency reads ``default: USD``: that is the default without an
    invoice, whatever the organization's currency; an invoice's currency still wins (issue 12, defect 5)."""
    org.currency = "CAD"
    client = await make_client(api)
    body = await api.create("payments", clientId=client["id"], amount=10, receivedDate=TODAY, method="cash")
    assert body["currency"] == "USD" and body["invoiceId"] is None
    assert (await api.get(f"payments/{body['id']}")).body["currency"] == "USD"
    invoice = await make_invoice(api, client, line("Work", 1, 100), status="sent")
    on_invoice = await api.create("payments", clientId=client["id"], invoiceId=invoice["id"], amount=10,
                                  receivedDate=TODAY, method="cash")
    assert invoice["currency"] == on_invoice["currency"] == "CAD"
    lower = await api.create("payments", clientId=client["id"], amount=10, receivedDate=TODAY, method="cash",
                             currency="eur")
    assert lower["currency"] == "EUR"
    seeded = seed(api, "payments", client_id=client["id"], amount=5, received_date=TODAY)
    assert seeded.currency == "USD"  # a seed follows the same rule


async def test_amounts_are_rounded_half_up_to_cents(api, invoice):
    body = await api.create("payments", **payment(invoice, 10.005))
    assert body["amount"] == 10.01 and body["netAmount"] == 10.01
    await assert_refused(api, payment(invoice, 0.004), "amount")


async def test_stripe_is_refused(api, invoice):
    error = await assert_refused(api, payment(invoice, 10, method="stripe"), "method", text="Stripe")
    assert "cannot be created through the API" in error["message"]


@pytest.mark.parametrize("fields, field, text", [
    ({"amount": 0}, "amount", "greater than 0"),
    ({"amount": -5}, "amount", "greater than 0"),
    ({"kind": "adjustment", "amount": 0}, "amount", "must not be 0"),
    ({"kind": "refund", "amount": 5}, "amount", "negative"),
    ({"kind": "refund", "amount": -5}, "refundOfId", "required"),
    ({"kind": "chargeback", "amount": -5}, "kind", "Stripe disputes"),
    ({"kind": "dispute_fee", "amount": -5}, "kind", "Stripe disputes"),
    ({"refundOfId": UNKNOWN}, "refundOfId", "no payment"),
    ({"method": "card"}, "method", None),
    ({"currency": "EURO"}, "currency", None),
    ({"currency": "EUR"}, "currency", "invoice's currency"),
    ({"receivedDate": None}, "receivedDate", None),
    ({"invoiceId": UNKNOWN}, "invoiceId", "no invoice"),
    ({"clientId": UNKNOWN}, "clientId", "no client"),
    ({"status": "succeeded"}, "status", "read-only"),
    ({"netAmount": 10}, "netAmount", "read-only"),
    ({"payoutId": UNKNOWN}, "payoutId", "read-only"),
    ({"reference": "x" * 201}, "reference", None),
    ({"amount": "10"}, "amount", None),
])
async def test_create_refusals(api, invoice, fields, field, text):
    await assert_refused(api, {**payment(invoice, 10), **fields}, field, text=text)


async def test_invoice_must_belong_to_the_client_and_be_open(api, invoice):
    other = await make_client(api, "Other")
    await assert_refused(api, payment(invoice, 10, clientId=other["id"]), "invoiceId", text="another client")
    draft = await make_invoice(api, other)
    await assert_refused(api, payment(draft, 10), "invoiceId", text="draft")
    voided = await make_invoice(api, other, status="sent")
    await api.patch(f"invoices/{voided['id']}", {"status": "void"})
    await assert_refused(api, payment(voided, 10), "invoiceId", text="void")


async def test_adjustments_count_either_way(api, invoice):
    await api.create("payments", **payment(invoice, 30))
    await api.create("payments", **payment(invoice, -10, kind="adjustment"))
    adjusted = (await api.get(f"invoices/{invoice['id']}")).body
    assert adjusted["amountPaid"] == 20 and adjusted["status"] == "partial"


async def test_refunds_inherit_and_are_limited_to_what_is_left(api, invoice):
    events = listen(api)
    original = await api.create("payments", **payment(invoice, 100))
    assert (await api.get(f"invoices/{invoice['id']}")).body["status"] == "paid"
    events.clear()
    refund = await api.create("payments", clientId=invoice["clientId"], amount=-30, receivedDate=TODAY,
                              method="check", kind="refund", refundOfId=original["id"])
    assert refund["invoiceId"] == invoice["id"] and refund["refundOfId"] == original["id"]
    assert refund["currency"] == "USD" and refund["netAmount"] == -30
    assert events == [("payment_refunded", refund["id"])]
    reopened = (await api.get(f"invoices/{invoice['id']}")).body
    assert (reopened["status"], reopened["amountPaid"], reopened["paidAt"]) == ("partial", 70, None)
    refund_body = {"clientId": invoice["clientId"], "receivedDate": TODAY, "method": "check",
                   "kind": "refund", "refundOfId": original["id"]}
    error = await assert_refused(api, {**refund_body, "amount": -70.01}, "amount", text="left to refund")
    assert "70.00" in error["details"]["amount"]
    await api.create("payments", **refund_body, amount=-70)
    await assert_refused(api, {**refund_body, "amount": -0.01}, "amount", text="0.00")
    emptied = (await api.get(f"invoices/{invoice['id']}")).body
    assert (emptied["status"], emptied["amountPaid"], emptied["balanceDue"]) == ("sent", 0, 100)


async def test_refund_must_match_the_original(api, invoice):
    original = await api.create("payments", **payment(invoice, 50))
    other = await make_client(api, "Other")
    body = {"clientId": invoice["clientId"], "amount": -10, "receivedDate": TODAY, "method": "check",
            "kind": "refund", "refundOfId": original["id"]}
    await assert_refused(api, {**body, "clientId": other["id"]}, "clientId", text="refunded payment")
    second = await make_invoice(api, {"id": invoice["clientId"]}, status="sent")
    await assert_refused(api, {**body, "invoiceId": second["id"]}, "invoiceId", text="refunded payment")
    await assert_refused(api, {**body, "currency": "EUR"}, "currency", text="refunded payment")
    refund = await api.create("payments", **body, invoiceId=invoice["id"])
    await assert_refused(api, {**body, "refundOfId": refund["id"]}, "refundOfId", text="kind payment")
    await assert_refused(api, {**payment(invoice, 10), "refundOfId": original["id"]}, "refundOfId",
                         text="only allowed when kind is refund")


async def test_a_refund_cannot_predate_the_payment_it_refunds(api, invoice):
    """Issue 12, defect 8: 400 on receivedDate, nothing recorded; the same day is fine."""
    original = await api.create("payments", **payment(invoice, 100, receivedDate="2026-05-10"))
    body = {"clientId": invoice["clientId"], "amount": -30, "method": "check", "kind": "refund",
            "refundOfId": original["id"]}
    error = await assert_refused(api, {**body, "receivedDate": "2026-05-09"}, "receivedDate", text="2026-05-10")
    assert "before" in error["details"]["receivedDate"]
    assert (await api.get(f"invoices/{invoice['id']}")).body["amountPaid"] == 100
    refund = await api.create("payments", **body, receivedDate="2026-05-10")
    assert refund["receivedDate"] == "2026-05-10"


async def test_refund_of_a_payment_without_invoice(api):
    client = await make_client(api)
    cash = {"clientId": client["id"], "receivedDate": TODAY, "method": "cash"}
    original = await api.create("payments", **cash, amount=25)
    refund = await api.create("payments", **cash, amount=-25, kind="refund", refundOfId=original["id"])
    assert refund["invoiceId"] is None


async def test_only_reference_and_notes_can_change(api, invoice):
    body = await api.create("payments", **payment(invoice, 40))
    path = f"payments/{body['id']}"
    reply = await api.patch(path, {"reference": "WIRE-9", "notes": "late"})
    assert reply.status == 200 and (reply.body["reference"], reply.body["notes"]) == ("WIRE-9", "late")
    assert reply.body["amount"] == 40
    cleared = await api.patch(path, {"reference": None})
    assert cleared.status == 200 and cleared.body["reference"] is None
    for field, value in (("amount", 50), ("method", "cash"), ("kind", "refund"), ("invoiceId", None),
                         ("status", "failed"), ("receivedDate", TODAY), ("currency", "USD")):
        refused = await api.patch(path, {field: value, "notes": "changed"})
        assert refused.status == 400 and field in refused.error["details"], refused
        assert "read-only" in refused.error["details"][field]
    assert (await api.get(path)).body == cleared.body


async def test_there_is_no_delete(api, invoice):
    body = await api.create("payments", **payment(invoice, 40))
    reply = await api.delete(f"payments/{body['id']}")
    assert reply.status == 405 and reply.error["code"] == "invalid_request"
    assert reply.headers["Allow"] == "GET, PATCH"
    assert (await api.get(f"payments/{body['id']}")).body == body


async def test_filters(api, invoice):
    first = await api.create("payments", **payment(invoice, 60))
    refund = await api.create("payments", clientId=invoice["clientId"], amount=-10, receivedDate=TODAY,
                              method="check", kind="refund", refundOfId=first["id"])
    other = await make_client(api, "Other")
    loose = await api.create("payments", clientId=other["id"], amount=5, receivedDate=TODAY, method="cash",
                             kind="adjustment")

    ids = partial(listed_ids, api, "payments")
    assert await ids(clientId=invoice["clientId"]) == {refund["id"], first["id"]}
    assert await ids(invoiceId=invoice["id"], kind="payment") == {first["id"]}
    assert await ids(kind="refund") == {refund["id"]}
    assert await ids(kind="adjustment", clientId=other["id"]) == {loose["id"]}
    assert len(await ids(status="succeeded")) == 3 and await ids(status="pending") == set()
    for bad in ({"kind": "gift"}, {"status": "done"}, {"invoiceId": "nope"}, {"clientId": "1"}):
        assert (await api.get("payments", params=bad)).status == 400


async def test_other_organizations_payments_are_invisible(api, other_api, invoice):
    body = await api.create("payments", **payment(invoice, 40))
    assert (await other_api.get(f"payments/{body['id']}")).status == 404
    assert (await other_api.patch(f"payments/{body['id']}", {"notes": "x"})).status == 404
    theirs = await make_client(other_api, "Theirs")
    reply = await other_api.post("payments", {"clientId": theirs["id"], "amount": -5, "receivedDate": TODAY,
                                              "method": "cash", "kind": "refund", "refundOfId": body["id"]})
    assert reply.status == 400 and "refundOfId" in reply.error["details"]
    reply = await other_api.post("payments", {"clientId": theirs["id"], "invoiceId": invoice["id"],
                                              "amount": 5, "receivedDate": TODAY, "method": "cash"})
    assert reply.status == 400 and "invoiceId" in reply.error["details"]
