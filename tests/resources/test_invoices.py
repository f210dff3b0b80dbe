"""Invoices: totals, numbering, derived status, writable statuses, deletion, filters, refusals."""

from datetime import timedelta

import pytest

from tests.support.money import UNKNOWN, line, listen, make_client, make_invoice, pay

pytestmark = pytest.mark.usefixtures("frozen")


async def test_create_computes_totals_defaults_and_number(api):
    client = await make_client(api)
    invoice = await make_invoice(api, client, line("Design", 3, 33.333, discountPercent=10),
                                 line("Hosting", 2, 12.5, taxable=True))
    assert invoice["invoiceNumber"] == "INV-0001"
    assert invoice["status"] == "draft" and invoice["currency"] == "USD"
    assert invoice["issueDate"] == "2026-05-19" and invoice["dueDate"] == "2026-06-18"
    assert [li["total"] for li in invoice["lineItems"]] == [90.0, 25.0]
    assert [li["discountPercent"] for li in invoice["lineItems"]] == [10, None]
    assert invoice["lineItems"][1]["taxable"] is True and invoice["lineItems"][0]["taxable"] is False
    assert all(len(li["id"]) == 36 for li in invoice["lineItems"])
    assert (invoice["subtotal"], invoice["discountAmount"], invoice["taxAmount"]) == (125.0, 10.0, 0.0)
    assert (invoice["total"], invoice["amountPaid"], invoice["balanceDue"]) == (115.0, 0.0, 115.0)
    assert invoice["paidAt"] is None and invoice["projectIds"] == [] and invoice["billingContactId"] is None
    second = await make_invoice(api, client)
    assert second["invoiceNumber"] == "INV-0002"
    assert (await api.get(f"invoices/{invoice['id']}")).body == invoice


async def test_tax_uses_the_organization_rate_on_taxable_lines_and_rounds_half_up(api, org):
    org.tax_rate = 0.0825
    client = await make_client(api)
    invoice = await make_invoice(api, client, line("A", 1, 10.10, taxable=True),
                                 line("B", 1, 50, taxable=True, discountPercent=50), line("C", 1, 99))
    # taxable line totals 10.10 + 25.00 = 35.10; 35.10 × 0.0825 = 2.89575 -> 2.90
    assert invoice["taxAmount"] == 2.90
    assert invoice["subtotal"] == 159.10 and invoice["discountAmount"] == 25.0
    assert invoice["total"] == 137.0
    half = await make_invoice(api, client, line("Half cent", 1, 0.125))
    assert half["lineItems"][0]["total"] == 0.13 and half["total"] == 0.13


async def test_currency_comes_from_the_organization(api, org):
    org.currency = "EUR"
    invoice = await make_invoice(api, await make_client(api))
    assert invoice["currency"] == "EUR"


async def test_explicit_dates_and_references(api):
    client = await make_client(api)
    contact = await api.create("contacts", name="Bill", clientId=client["id"])
    project = await api.create("projects", name="Site", clientId=client["id"])
    invoice = await make_invoice(api, client, issueDate="2026-05-01", billingContactId=contact["id"],
                                 projectIds=[project["id"]], subject="May", paymentTerms="Net 30",
                                 notes="Thanks")
    assert invoice["issueDate"] == "2026-05-01" and invoice["dueDate"] == "2026-05-31"
    assert invoice["billingContactId"] == contact["id"] and invoice["projectIds"] == [project["id"]]
    assert (invoice["subject"], invoice["paymentTerms"], invoice["notes"]) == ("May", "Net 30", "Thanks")
    due = await make_invoice(api, client, dueDate="2026-07-01")
    assert due["issueDate"] == "2026-05-19" and due["dueDate"] == "2026-07-01"


@pytest.mark.parametrize("body, field", [
    ({"lineItems": [line()]}, "clientId"),
    ({"clientId": "CLIENT"}, "lineItems"),
    ({"clientId": "CLIENT", "lineItems": []}, "lineItems"),
    ({"clientId": UNKNOWN, "lineItems": [line()]}, "clientId"),
    ({"clientId": "CLIENT", "lineItems": [line(quantity=0)]}, "lineItems[0].quantity"),
    ({"clientId": "CLIENT", "lineItems": [line(unit_price=-1)]}, "lineItems[0].unitPrice"),
    ({"clientId": "CLIENT", "lineItems": [line(description="")]}, "lineItems[0].description"),
    ({"clientId": "CLIENT", "lineItems": [line(discountPercent=101)]}, "lineItems[0].discountPercent"),
    ({"clientId": "CLIENT", "lineItems": [{"description": "x", "quantity": 1}]}, "lineItems[0].unitPrice"),
    ({"clientId": "CLIENT", "lineItems": [line(total=5)]}, "lineItems[0].total"),
    ({"clientId": "CLIENT", "lineItems": [line()], "status": "paid"}, "status"),
    ({"clientId": "CLIENT", "lineItems": [line()], "status": "void"}, "status"),
    ({"clientId": "CLIENT", "lineItems": [line()], "total": 5}, "total"),
    ({"clientId": "CLIENT", "lineItems": [line()], "invoiceNumber": "INV-9"}, "invoiceNumber"),
    ({"clientId": "CLIENT", "lineItems": [line()], "currency": "EUR"}, "currency"),
    ({"clientId": "CLIENT", "lineItems": [line()], "billingContactId": UNKNOWN}, "billingContactId"),
    ({"clientId": "CLIENT", "lineItems": [line()], "projectIds": [UNKNOWN]}, "projectIds[0]"),
    ({"clientId": "CLIENT", "lineItems": [line()], "dueDate": "2026-13-01"}, "dueDate"),
    ({"clientId": "CLIENT", "lineItems": [line()], "subject": "x" * 501}, "subject"),
])
async def test_create_refusals_leave_nothing_behind(api, body, field):
    client = await make_client(api)
    body = {**body, "clientId": client["id"]} if body.get("clientId") == "CLIENT" else body
    reply = await api.post("invoices", body)
    assert reply.status == 400 and reply.error["code"] == "invalid_request"
    assert field in reply.error["details"], reply.error
    assert (await api.get("invoices")).body["data"] == []
    # A refused request does not use up a number.
    assert (await make_invoice(api, client))["invoiceNumber"] == "INV-0001"


async def test_system_statuses_are_refused_with_a_reason(api):
    client = await make_client(api)
    reply = await api.post("invoices", {"clientId": client["id"], "lineItems": [line()], "status": "paid"})
    assert "derived from payments" in reply.error["details"]["status"]
    invoice = await make_invoice(api, client, status="sent")
    reply = await api.patch(f"invoices/{invoice['id']}", {"status": "overdue"})
    assert reply.status == 400 and "derived from payments" in reply.error["details"]["status"]
    assert (await api.get(f"invoices/{invoice['id']}")).body == invoice


async def test_sent_on_create_and_by_patch_emit_invoice_sent(api):
    events = listen(api)
    client = await make_client(api)
    events.clear()
    sent = await make_invoice(api, client, status="sent")
    assert sent["status"] == "sent" and events == [("invoice_sent", sent["id"])]
    draft = await make_invoice(api, client)
    patched = await api.patch(f"invoices/{draft['id']}", {"status": "sent"})
    assert patched.status == 200 and patched.body["status"] == "sent"
    assert events[-1] == ("invoice_sent", draft["id"]) and len(events) == 2
    again = await api.patch(f"invoices/{draft['id']}", {"status": "sent"})
    assert again.body["updatedAt"] == patched.body["updatedAt"] and len(events) == 2


async def test_status_is_derived_on_every_read(api, org):
    client = await make_client(api)
    invoice = await make_invoice(api, client, line("A", 1, 100), status="sent", dueDate="2026-05-25")
    assert invoice["status"] == "sent"
    await pay(api, invoice, 40)
    partial = (await api.get(f"invoices/{invoice['id']}")).body
    assert (partial["status"], partial["amountPaid"], partial["balanceDue"]) == ("partial", 40.0, 60.0)
    org.clock.advance(timedelta(days=7))
    assert (await api.get(f"invoices/{invoice['id']}")).body["status"] == "overdue"
    await pay(api, invoice, 60)
    paid = (await api.get(f"invoices/{invoice['id']}")).body
    assert (paid["status"], paid["balanceDue"], paid["paidAt"]) == ("paid", 0, "2026-05-26T10:00:00.000Z")


async def test_overdue_needs_a_past_due_date_and_a_balance(api, org):
    client = await make_client(api)
    invoice = await make_invoice(api, client, status="sent", dueDate="2026-05-19")
    assert invoice["status"] == "sent"  # due today is not overdue
    draft = await make_invoice(api, client, dueDate="2026-05-01")
    assert draft["status"] == "draft"  # drafts stay as set
    org.clock.advance(timedelta(days=1))
    assert (await api.get(f"invoices/{invoice['id']}")).body["status"] == "overdue"
    assert (await api.get(f"invoices/{draft['id']}")).body["status"] == "draft"


async def test_zero_total_invoice_reads_paid_once_sent(api, org):
    client = await make_client(api)
    free = await make_invoice(api, client, line("Gift", 1, 0), status="sent")
    assert free["status"] == "paid" and free["paidAt"] == "2026-05-19T10:00:00.000Z"
    draft = await make_invoice(api, client, line("Gift", 1, 0))
    assert draft["status"] == "draft" and draft["paidAt"] is None
    org.clock.advance(timedelta(hours=1))
    edited = await api.patch(f"invoices/{free['id']}", {"notes": "later"})
    assert edited.body["paidAt"] == "2026-05-19T10:00:00.000Z"
    sent = await api.patch(f"invoices/{draft['id']}", {"status": "sent"})
    assert sent.body["status"] == "paid" and sent.body["paidAt"] == "2026-05-19T11:00:00.000Z"


async def test_status_filter_matches_the_derived_status(api, org):
    client = await make_client(api)
    other = await make_client(api, "Other")
    draft = await make_invoice(api, client)
    sent = await make_invoice(api, client, status="sent")
    partial = await make_invoice(api, client, status="sent")
    await pay(api, partial, 10)
    late = await make_invoice(api, other, status="sent", dueDate="2026-05-20")
    org.clock.advance(timedelta(days=2))
    expected = {"draft": [draft], "sent": [sent], "partial": [partial], "overdue": [late],
                "paid": [], "void": []}
    for status, invoices in expected.items():
        reply = await api.get("invoices", params={"status": status})
        assert [i["id"] for i in reply.body["data"]] == [i["id"] for i in invoices], status
        assert reply.body["pagination"]["total"] == len(invoices)
    both = await api.get("invoices", params={"status": "overdue", "clientId": client["id"]})
    assert both.body["data"] == []
    by_client = await api.get("invoices", params={"clientId": other["id"]})
    assert [i["id"] for i in by_client.body["data"]] == [late["id"]]
    bad = await api.get("invoices", params={"status": "late"})
    assert bad.status == 400 and "status" in bad.error["details"]


async def test_patch_edits_fields_but_not_line_items(api):
    client = await make_client(api)
    invoice = await make_invoice(api, client)
    reply = await api.patch(f"invoices/{invoice['id']}", {"subject": "New", "dueDate": "2026-07-01",
                                                           "notes": None, "paymentTerms": "Net 15"})
    assert reply.status == 200
    assert (reply.body["subject"], reply.body["dueDate"], reply.body["paymentTerms"]) == \
        ("New", "2026-07-01", "Net 15")
    assert reply.body["total"] == invoice["total"]
    for body, field in (({"lineItems": [line()]}, "lineItems"), ({"total": 1}, "total"),
                        ({"currency": "EUR"}, "currency"), ({"clientId": client["id"]}, "clientId"),
                        ({"amountPaid": 5}, "amountPaid"), ({"status": "partial"}, "status")):
        refused = await api.patch(f"invoices/{invoice['id']}", body)
        assert refused.status == 400 and field in refused.error["details"], refused
    assert (await api.get(f"invoices/{invoice['id']}")).body == reply.body


async def test_void_is_terminal(api):
    invoice = await make_invoice(api, await make_client(api), status="sent")
    voided = await api.patch(f"invoices/{invoice['id']}", {"status": "void"})
    assert voided.status == 200 and voided.body["status"] == "void"
    for status in ("sent", "draft"):
        reply = await api.patch(f"invoices/{invoice['id']}", {"status": status})
        assert reply.status == 409 and reply.error["code"] == "conflict"
        assert "void is terminal" in reply.error["message"]
    assert (await api.patch(f"invoices/{invoice['id']}", {"status": "void"})).status == 200
    assert (await api.get(f"invoices/{invoice['id']}")).body == voided.body


async def test_invoices_with_money_cannot_be_voided_or_drafted(api):
    invoice = await make_invoice(api, await make_client(api), status="sent")
    await pay(api, invoice, 20)
    before = (await api.get(f"invoices/{invoice['id']}")).body
    void = await api.patch(f"invoices/{invoice['id']}", {"status": "void"})
    assert void.status == 409 and "refund the payments" in void.error["message"]
    draft = await api.patch(f"invoices/{invoice['id']}", {"status": "draft"})
    assert draft.status == 409 and "back to draft" in draft.error["message"]
    assert (await api.get(f"invoices/{invoice['id']}")).body == before
    sent = await api.patch(f"invoices/{invoice['id']}", {"status": "sent"})
    assert sent.status == 200 and sent.body["status"] == "partial"


async def test_a_sent_invoice_without_payments_can_go_back_to_draft(api):
    invoice = await make_invoice(api, await make_client(api), status="sent")
    reply = await api.patch(f"invoices/{invoice['id']}", {"status": "draft"})
    assert reply.status == 200 and reply.body["status"] == "draft"


async def test_only_drafts_can_be_deleted(api):
    client = await make_client(api)
    sent = await make_invoice(api, client, status="sent")
    reply = await api.delete(f"invoices/{sent['id']}")
    assert reply.status == 409 and reply.error["code"] == "conflict"
    assert "Only draft invoices" in reply.error["message"]
    assert (await api.get(f"invoices/{sent['id']}")).body == sent
    voided = (await api.patch(f"invoices/{sent['id']}", {"status": "void"})).body
    assert (await api.delete(f"invoices/{voided['id']}")).status == 409
    draft = await make_invoice(api, client)
    assert (await api.delete(f"invoices/{draft['id']}")).status == 204
    assert (await api.get(f"invoices/{draft['id']}")).status == 404


async def test_invoices_keep_their_client_and_projects(api):
    client = await make_client(api)
    project = await api.create("projects", name="Site", clientId=client["id"])
    await make_invoice(api, client, projectIds=[project["id"]])
    reply = await api.delete(f"projects/{project['id']}")
    assert reply.status == 409 and reply.error["details"]["referencedBy"] == {"invoices": 1}
    assert (await api.delete(f"clients/{client['id']}")).status == 409


async def test_projects_and_billing_contact_must_be_the_clients(api):
    """Issue 12, defect 6: another client's project or contact is a 400 naming the field, on create and
    on PATCH, like a payment naming another client's invoice; nothing changes."""
    client, other = await make_client(api), await make_client(api, "Other")
    mine = await api.create("projects", name="Mine", clientId=client["id"])
    theirs = await api.create("projects", name="Theirs", clientId=other["id"])
    their_contact = await api.create("contacts", name="Olga", clientId=other["id"])
    loose_contact = await api.create("contacts", name="Lou")  # at no client: anyone's to bill
    body = {"clientId": client["id"], "lineItems": [line()]}
    for fields, field in (({"projectIds": [mine["id"], theirs["id"]]}, "projectIds[1]"),
                          ({"billingContactId": their_contact["id"]}, "billingContactId")):
        reply = await api.post("invoices", {**body, **fields})
        assert reply.status == 400 and reply.error["code"] == "invalid_request", reply
        assert "another client" in reply.error["details"][field], reply.error
    assert (await api.get("invoices")).body["data"] == []
    invoice = await make_invoice(api, client, projectIds=[mine["id"]], billingContactId=loose_contact["id"])
    assert invoice["invoiceNumber"] == "INV-0001"  # the refusals used no number
    path = f"invoices/{invoice['id']}"
    for fields, field in (({"projectIds": [theirs["id"]]}, "projectIds[0]"),
                          ({"billingContactId": their_contact["id"], "subject": "x"}, "billingContactId")):
        reply = await api.patch(path, fields)
        assert reply.status == 400 and "another client" in reply.error["details"][field], reply
    assert (await api.get(path)).body == invoice


async def test_a_project_or_contact_on_an_invoice_keeps_its_client(api):
    """Moving them would leave the invoice naming another client's project or contact: 409, counted."""
    client, other = await make_client(api), await make_client(api, "Other")
    project = await api.create("projects", name="Site", clientId=client["id"])
    contact = await api.create("contacts", name="Bill", clientId=client["id"])
    await make_invoice(api, client, projectIds=[project["id"]], billingContactId=contact["id"], status="sent")
    for path, record in ((f"projects/{project['id']}", project), (f"contacts/{contact['id']}", contact)):
        reply = await api.patch(path, {"clientId": other["id"]})
        assert reply.status == 409 and reply.error["code"] == "conflict", reply
        assert reply.error["details"]["referencedBy"] == {"invoices": 1}
        assert (await api.get(path)).body == record
    assert (await api.patch(f"contacts/{contact['id']}", {"name": "Bill B."})).status == 200


async def test_other_organizations_invoices_are_invisible(api, other_api):
    invoice = await make_invoice(api, await make_client(api))
    path = f"invoices/{invoice['id']}"
    assert (await other_api.get(path)).status == 404
    assert (await other_api.patch(path, {"subject": "x"})).status == 404
    assert (await other_api.delete(path)).status == 404
    assert (await other_api.get("invoices")).body["data"] == []
    theirs = await make_client(other_api, "Theirs")
    reply = await api.post("invoices", {"clientId": theirs["id"], "lineItems": [line()]})
    assert reply.status == 400 and "clientId" in reply.error["details"]


async def test_extreme_values_are_refused_or_clamped_never_500(api):
    client = await make_client(api)
    huge = await api.post("invoices", {"clientId": client["id"], "lineItems": [line("x", 1e300, 1e300)]})
    assert huge.status == 400 and "lineItems[0].quantity" in huge.error["details"]
    # Amounts beyond ±1e12 are refused (issue 13), inputs and computed totals alike.
    big = await api.post("invoices", {"clientId": client["id"], "lineItems": [line("x", 1e12, 10)]})
    assert big.status == 400 and "total" in big.error["details"]
    late = await make_invoice(api, client, issueDate="9999-12-20")
    assert late["dueDate"] == "9999-12-31"
    payment = await api.post("payments", {"clientId": client["id"], "amount": 1e30, "receivedDate": "2026-05-19",
                                          "method": "cash"})
    assert payment.status == 400 and "amount" in payment.error["details"]


async def test_line_item_ids_read_back_as_the_same_text_everywhere(api, admin):
    """A stored line item keeps its id as a number (``compact``: ``PartId``); every read shows the text:
    the create reply, GET, a list page, a snapshot, and a record imported with an id that is no v4."""
    client = await make_client(api)
    invoice = await make_invoice(api, client, line("A"), line("B"))
    ids = [li["id"] for li in invoice["lineItems"]]
    assert all(len(i) == 36 and i == i.lower() and i[14] == "4" for i in ids)
    assert [li["id"] for li in (await api.get(f"invoices/{invoice['id']}")).body["lineItems"]] == ids
    listed = (await api.get("invoices")).body["data"]
    assert [li["id"] for li in listed[0]["lineItems"]] == ids
    data = (await admin.get("/snapshot")).body
    stored = next(o for o in data["organizations"] if o["records"].get("invoices"))
    assert [li["id"] for li in stored["records"]["invoices"][0]["lineItems"]] == ids
    stored["records"]["invoices"][0]["lineItems"][0]["id"] = "00000000-0000-0000-0000-0000000000AB"
    reply = await admin.request("POST", "/snapshot", json=data)
    assert reply.status == 200, reply
    shown = (await api.get(f"invoices/{invoice['id']}")).body["lineItems"]
    assert [li["id"] for li in shown] == ["00000000-0000-0000-0000-0000000000ab", ids[1]]


@pytest.mark.parametrize(("issued", "due"), [("2019-12-31", "2020-01-01"), ("2035-12-31", "2036-01-01"),
                                            ("0001-01-01", "9999-12-31")])
async def test_dates_inside_and_outside_the_shared_days_read_back_as_sent(api, issued, due):
    """Days of 2020-2035 are stored as one shared object each (``compact``), others as they come: both
    read back and derive alike (due before today: overdue once sent)."""
    client = await make_client(api)
    invoice = await make_invoice(api, client, issueDate=issued, dueDate=due, status="sent")
    assert (invoice["issueDate"], invoice["dueDate"]) == (issued, due)
    shown = (await api.get(f"invoices/{invoice['id']}")).body
    assert (shown["issueDate"], shown["dueDate"]) == (issued, due)
    assert shown["status"] == ("overdue" if due < "2026-05-19" else "sent")
    listed = (await api.get(f"invoices?clientId={client['id']}")).body["data"]
    assert [(i["id"], i["dueDate"]) for i in listed] == [(invoice["id"], due)]
