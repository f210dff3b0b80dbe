"""End to end, as a partner's integration would live it: from a new client to an overdue invoice."""

from datetime import timedelta

from tests.support.money import freeze, listen


async def test_invoice_life_from_client_to_overdue(api, org):
    freeze(org, "2026-05-19")
    events = listen(api)
    client = await api.create("clients", name="Acme Studio")
    contact = await api.create("contacts", name="Ada Billing", email="ada@acme.test", clientId=client["id"],
                               role="billing")
    project = await api.create("projects", name="Brand refresh", clientId=client["id"])

    invoice = await api.create("invoices", clientId=client["id"], billingContactId=contact["id"],
                               projectIds=[project["id"]], status="sent", dueDate="2026-06-01",
                               lineItems=[{"description": "Design", "quantity": 10, "unitPrice": 120},
                                          {"description": "Prints", "quantity": 4, "unitPrice": 50,
                                           "discountPercent": 25}])
    path = f"invoices/{invoice['id']}"
    assert (invoice["invoiceNumber"], invoice["status"], invoice["total"]) == ("INV-0001", "sent", 1350)

    deposit = await api.create("payments", clientId=client["id"], invoiceId=invoice["id"], amount=500,
                               receivedDate="2026-05-20", method="bank_transfer", reference="DEP")
    partial = (await api.get(path)).body
    assert (partial["status"], partial["amountPaid"], partial["balanceDue"]) == ("partial", 500, 850)

    org.clock.advance(timedelta(days=3))
    rest = await api.create("payments", clientId=client["id"], invoiceId=invoice["id"], amount=850,
                            receivedDate="2026-05-22", method="check")
    paid = (await api.get(path)).body
    assert (paid["status"], paid["balanceDue"], paid["paidAt"]) == ("paid", 0, "2026-05-22T10:00:00.000Z")
    assert [i["id"] for i in (await api.get("invoices", params={"status": "paid"})).body["data"]] \
        == [invoice["id"]]

    refund = await api.create("payments", clientId=client["id"], amount=-200, receivedDate="2026-05-23",
                              method="check", kind="refund", refundOfId=rest["id"])
    assert refund["invoiceId"] == invoice["id"]
    reopened = (await api.get(path)).body
    assert (reopened["status"], reopened["amountPaid"], reopened["balanceDue"], reopened["paidAt"]) == \
        ("partial", 1150, 200, None)

    org.clock.set(org.clock.now() + timedelta(days=10))  # 2026-06-01, the due date itself: not overdue yet
    assert (await api.get(path)).body["status"] == "partial"
    org.clock.advance(timedelta(days=1))
    overdue = (await api.get(path)).body
    assert (overdue["status"], overdue["balanceDue"]) == ("overdue", 200)
    assert [i["id"] for i in (await api.get("invoices", params={"status": "overdue"})).body["data"]] \
        == [invoice["id"]]

    invoice_events = [e for e in events if e[0].startswith(("invoice_", "payment_"))]
    assert invoice_events == [("invoice_sent", invoice["id"]), ("payment_received", deposit["id"]),
                              ("payment_received", rest["id"]), ("invoice_paid", invoice["id"]),
                              ("payment_refunded", refund["id"]), ("invoice_overdue", invoice["id"])]
