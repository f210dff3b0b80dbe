"""Rules 2026-06-30 changed for existing resources: invoices, clients (leads), milestones, inquiries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mockcasa.keys import SANDBOX

LINE = [{"description": "Design", "quantity": 2, "unitPrice": 50}]


async def _client(api, **fields):
    return await api.create("clients", name="Acme", **fields)


async def test_overdue_is_a_flag_beside_the_status_and_a_filter(api26, org26, conforms26):
    client = await _client(api26)
    due = (await api26.post("invoices", {"clientId": client["id"], "status": "sent", "lineItems": LINE,
                                         "issueDate": "2026-05-01", "dueDate": "2026-06-01"}))
    conforms26(due, "createInvoice")
    assert (due.body["status"], due.body["overdue"]) == ("sent", True)
    fresh = await api26.create("invoices", clientId=client["id"], status="sent", lineItems=LINE)
    assert (fresh["status"], fresh["overdue"]) == ("sent", False)
    await api26.create("payments", clientId=client["id"], invoiceId=fresh["id"], amount=40, method="check",
                       receivedDate="2026-07-01")
    part = (await api26.get(f"invoices/{fresh['id']}")).body
    assert (part["status"], part["amountPaid"], part["balanceDue"]) == ("sent", 40, 60)  # no partial
    overdue = await api26.get("invoices", params={"overdue": "true"})
    conforms26(overdue, "listInvoices")
    assert [i["id"] for i in overdue.body["data"]] == [due.body["id"]]
    assert {i["id"] for i in (await api26.get("invoices", params={"overdue": "false"})).body["data"]} == {fresh["id"]}
    assert (await api26.get("invoices", params={"status": "partial"})).status == 400
    assert (await api26.get("invoices", params={"overdue": "yes"})).status == 400


async def test_the_clock_makes_an_invoice_overdue_and_announces_it(api26, org26, app):
    seen = []
    app[SANDBOX].listeners.append(lambda org, events: seen.extend(e for e, _ in events))
    client = await _client(api26)
    invoice = await api26.create("invoices", clientId=client["id"], status="sent", lineItems=LINE)
    org26.clock.advance(timedelta(days=31))
    assert (await api26.get(f"invoices/{invoice['id']}")).body["overdue"] is True
    assert seen.count("invoice_overdue") == 1


async def test_patch_sets_only_sent_or_void_and_written_off_is_terminal(api26, admin, org26):
    client = await _client(api26)
    invoice = await api26.create("invoices", clientId=client["id"], lineItems=LINE)
    refused = await api26.patch(f"invoices/{invoice['id']}", {"status": "draft"})
    assert refused.status == 400 and "status" in refused.error["details"]
    assert (await api26.patch(f"invoices/{invoice['id']}", {"status": "written_off"})).status == 400
    path = f"/organizations/{org26.id}/invoices/{invoice['id']}/actions/write_off"
    assert (await admin.post(path)).status == 409  # a draft owes nothing yet
    assert (await api26.patch(f"invoices/{invoice['id']}", {"status": "sent"})).body["status"] == "sent"
    written = await admin.post(path)
    assert written.status == 200 and written.body["status"] == "written_off" and written.body["overdue"] is False
    assert (await api26.patch(f"invoices/{invoice['id']}", {"status": "void"})).status == 409
    payment = await api26.post("payments", {"clientId": client["id"], "invoiceId": invoice["id"], "amount": 5,
                                            "method": "check", "receivedDate": "2026-07-01"})
    assert payment.status == 400 and "invoiceId" in payment.error["details"]
    assert [i["id"] for i in (await api26.get("invoices", params={"status": "written_off"})).body["data"]] == \
        [invoice["id"]]


async def test_a_reissue_supersedes_the_void_invoice(api26, admin, org26):
    client = await _client(api26)
    invoice = await api26.create("invoices", clientId=client["id"], status="sent", lineItems=LINE)
    path = f"/organizations/{org26.id}/invoices/{invoice['id']}/actions/reissue"
    assert (await admin.post(path)).status == 409
    await api26.patch(f"invoices/{invoice['id']}", {"status": "void"})
    reissued = (await admin.post(path)).body
    assert reissued["supersedesInvoice"] == invoice["id"] and reissued["status"] == "draft"
    assert reissued["total"] == invoice["total"] and reissued["invoiceNumber"] == "INV-0002"
    found = (await api26.get("invoices", params={"supersedesInvoice": invoice["id"]})).body["data"]
    assert [i["id"] for i in found] == [reissued["id"]]
    assert (await api26.patch(f"invoices/{reissued['id']}", {"supersedesInvoice": None})).status == 400


async def test_a_client_overriding_the_tax_rate_is_taxed_at_it(api26):
    refused = await api26.post("clients", {"name": "X", "taxSettings": {"defaultTaxable": True,
                                                                        "overrideTaxRate": True, "taxRate": None}})
    assert refused.status == 400 and "taxSettings.taxRate" in refused.error["details"]
    client = await _client(api26, taxSettings={"defaultTaxable": True, "overrideTaxRate": True, "taxRate": 10})
    invoice = await api26.create("invoices", clientId=client["id"],
                                 lineItems=[{**LINE[0], "taxable": True}])
    assert (invoice["taxAmount"], invoice["total"]) == (10, 110)


async def test_a_line_that_does_not_say_is_taxable_as_its_client_says(api26, org26):
    org26.tax_rate = 0.1
    taxed = await _client(api26)  # taxSettings left out: defaultTaxable true
    exempt = await _client(api26, taxSettings={"defaultTaxable": False, "overrideTaxRate": False, "taxRate": None})
    lines = [LINE[0], {**LINE[0], "taxable": False}, {**LINE[0], "taxable": True}]
    for client, expected in ((taxed, [True, False, True]), (exempt, [False, False, True])):
        invoice = await api26.create("invoices", clientId=client["id"], lineItems=lines)
        assert [line["taxable"] for line in invoice["lineItems"]] == expected  # an explicit taxable wins
        assert invoice["taxAmount"] == 10 * expected.count(True)
    await api26.patch(f"clients/{exempt['id']}", {"taxSettings": {"defaultTaxable": True, "overrideTaxRate": False,
                                                                  "taxRate": None}})
    later = await api26.create("invoices", clientId=exempt["id"], lineItems=LINE)
    assert later["lineItems"][0]["taxable"] is True and later["taxAmount"] == 10


async def test_the_lead_pipeline_is_on_clients(api26, app, conforms26):
    seen = []
    app[SANDBOX].listeners.append(lambda org, events: seen.extend(e for e, _ in events))
    lead = await api26.post("clients", {"name": "Maybe", "status": "new"})
    conforms26(lead, "createClient")
    assert lead.body["recurringBilling"] == {"status": "pending_setup", "nextBillingDate": None}
    assert lead.body["invoiceRemindersEnabled"] is True and lead.body["sourceSubmissionId"] is None
    assert seen == ["lead_created", "client_created"]
    await api26.patch(f"clients/{lead.body['id']}", {"status": "qualified"})
    await api26.patch(f"clients/{lead.body['id']}", {"status": "active"})
    assert seen[2:] == ["lead_status_changed", "lead_status_changed", "client_won"]
    lost = await _client(api26, status="contacted")
    await api26.patch(f"clients/{lost['id']}", {"status": "declined"})
    assert seen[-2:] == ["lead_status_changed", "client_lost"]
    assert [c["id"] for c in (await api26.get("clients", params={"status": "declined"})).body["data"]] == [lost["id"]]
    assert (await api26.post("clients", {"name": "Old", "status": "prospect"})).status == 400


async def test_inquiry_creation_submits_the_form_and_makes_a_lead(api26, conforms26, app):
    seen = []
    app[SANDBOX].listeners.append(lambda org, events: seen.extend(e for e, _ in events))
    reply = await api26.post("inquiries", {"name": "Jane Doe", "email": "jane@example.com", "preferredDate": "2026-09-12",
                                           "fields": {"Event Type": "Wedding", "Guests": ["120", "plus kids"]}})
    conforms26(reply, "createInquiry")
    inquiry = reply.body
    assert set(inquiry) == {"id", "status", "clientId", "contactId", "submissionId"} and inquiry["status"] == "received"
    client = (await api26.get(f"clients/{inquiry['clientId']}")).body
    contact = (await api26.get(f"contacts/{inquiry['contactId']}")).body
    submission = (await api26.get(f"form-submissions/{inquiry['submissionId']}")).body
    assert (client["status"], client["sourceSubmissionId"]) == ("new", inquiry["submissionId"])
    assert (contact["clientId"], contact["sourceSubmissionId"]) == (client["id"], inquiry["submissionId"])
    assert "inquiryId" not in contact
    assert {"question": "Guests", "answer": "120, plus kids", "fieldId": "guests"} in submission["answers"]
    assert submission["status"] == "submitted" and submission["submittedAt"] == "2026-07-01"
    assert "form_submission_completed" in seen and "lead_created" in seen
    again = (await api26.post("inquiries", {"name": "Jane", "email": "JANE@example.com"})).body
    assert (again["contactId"], again["clientId"]) == (inquiry["contactId"], inquiry["clientId"])  # known email
    assert (await api26.post("inquiries", {"name": "J", "email": "j@x.co", "preferredDate": "12/09/2026"})).status == 400
    assert (await api26.get(f"inquiries/{inquiry['id']}")).status == 410


async def test_milestones_hang_under_projects_or_client_documents(api26, org26, sandbox):
    client = await _client(api26)
    project = await api26.create("projects", name="Wedding", clientId=client["id"])
    document = sandbox.resources_of("2026-06-30")["client-documents"].model.model_validate(
        {"id": "6f0b8f4e-2f43-4c0e-9d1e-1a2b3c4d5e6f", "createdAt": org26.clock.now(), "updatedAt": org26.clock.now(),
         "title": "Proposal", "clientId": client["id"]})
    org26["client-documents"].add(document)
    for parent_type, parent_id in (("projects", project["id"]), ("client-documents", document.id)):
        milestone = await api26.create("milestones", parentType=parent_type, parentId=parent_id, title="Deposit",
                                       date="2026-08-01")
        assert milestone["parentType"] == parent_type
    refused = await api26.post("milestones", {"parentType": "proposals", "parentId": project["id"], "title": "x",
                                              "date": "2026-08-01"})
    assert refused.status == 400 and "parentType" in refused.error["details"]
    wrong = await api26.post("milestones", {"parentType": "client-documents", "parentId": project["id"], "title": "x",
                                            "date": "2026-08-01"})
    assert wrong.status == 400 and "parentId" in wrong.error["details"]


async def test_contracts_lose_proposal_id_and_webhooks_take_the_revisions_events(api26, conforms26):
    client = await _client(api26)
    contract = await api26.post("contracts", {"title": "Agreement", "clientId": client["id"]})
    conforms26(contract, "createContract")
    assert "proposalId" not in contract.body
    assert (await api26.post("contracts", {"title": "A", "clientId": client["id"],
                                           "proposalId": client["id"]})).status == 400
    hook = await api26.post("webhooks", {"name": "h", "url": "https://example.com/h", "events": ["lead_created"]})
    assert hook.status == 201
    old = await api26.post("webhooks", {"name": "h", "url": "https://example.com/h", "events": ["proposal_sent"]})
    assert old.status == 400


@pytest.mark.parametrize("composition", ["atom", "bundle"])
async def test_catalog_items_read_their_composition(api26, composition, org26, sandbox, conforms26):
    item = await api26.post("catalog-items", {"name": "Flowers", "type": "charge"})
    conforms26(item, "createCatalogItem")
    assert (item.body["composition"], item.body["bundlePriceMode"]) == ("atom", None)
    found = await api26.get("catalog-items", params={"composition": composition})
    assert len(found.body["data"]) == (composition == "atom")


async def test_a_written_off_invoice_freezes_what_is_billed_to_it_and_takes_no_more(api26, admin, org26):
    client = await _client(api26)
    invoice = await api26.create("invoices", clientId=client["id"], status="sent", lineItems=LINE)
    billed, other = [await api26.create("transactions", name=name, direction="cost", amount=10)
                     for name in ("Flowers", "Cake")]
    base = f"/organizations/{org26.id}"
    assert (await admin.post(f"{base}/transactions/{billed['id']}/actions/bill",
                             {"invoiceId": invoice["id"]})).status == 200
    assert (await admin.post(f"{base}/invoices/{invoice['id']}/actions/write_off")).status == 200
    refused = await api26.patch(f"transactions/{billed['id']}", {"name": "Roses"})
    assert refused.status == 409 and refused.error["details"]["invoiceStatus"] == "written_off"
    assert (await api26.delete(f"transactions/{billed['id']}")).status == 409
    late = await admin.post(f"{base}/transactions/{other['id']}/actions/bill", {"invoiceId": invoice["id"]})
    assert late.status == 409
