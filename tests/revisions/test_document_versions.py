"""Document versions issued by what reaches a client (2026-06-30): invoices sent, contracts sent for signature."""

from __future__ import annotations

LINE = [{"description": "Design", "quantity": 2, "unitPrice": 50}]


async def _versions(api, **params):
    reply = await api.get("document-versions", params=params)
    assert reply.status == 200
    return sorted(reply.body["data"], key=lambda v: v["versionNumber"])


async def test_sending_an_invoice_issues_a_version_and_edits_supersede_it(api26, conforms26):
    client = await api26.create("clients", name="Acme")
    project = await api26.create("projects", name="Wedding", clientId=client["id"])
    invoice = await api26.create("invoices", clientId=client["id"], lineItems=LINE, projectIds=[project["id"]])
    assert await _versions(api26, invoiceId=invoice["id"]) == []  # a draft is not issued
    await api26.patch(f"invoices/{invoice['id']}", {"status": "sent"})
    listed = await api26.get("document-versions", params={"invoiceId": invoice["id"]})
    conforms26(listed, "listDocumentVersions")
    [first] = listed.body["data"]
    assert (first["documentType"], first["documentRef"], first["documentId"]) == (
        "invoice", {"relationTo": "invoices", "value": invoice["id"]}, None)
    assert (first["versionNumber"], first["versionStatus"], first["issuedAt"]) == (1, "issued", "2026-07-01T12:00:00.000Z")
    assert first["currency"] == invoice["currency"] and first["engagementProjectId"] == project["id"]
    assert (await _versions(api26, documentType="invoice")) == [first]

    await api26.patch(f"invoices/{invoice['id']}", {"status": "sent", "notes": None})  # nothing the client reads
    assert len(await _versions(api26, invoiceId=invoice["id"])) == 1
    await api26.patch(f"invoices/{invoice['id']}", {"dueDate": "2026-09-01"})
    old, new = await _versions(api26, invoiceId=invoice["id"])
    assert (old["versionStatus"], old["supersededByVersionId"], new["parentVersionId"]) == (
        "superseded", new["id"], old["id"])
    assert (new["versionNumber"], new["versionStatus"]) == (2, "issued") and new["contentHash"] != old["contentHash"]

    await api26.patch(f"invoices/{invoice['id']}", {"status": "void"})
    old, new = await _versions(api26, invoiceId=invoice["id"])
    assert (old["versionStatus"], new["versionStatus"], new["voidedAt"]) == (
        "superseded", "voided", "2026-07-01T12:00:00.000Z")
    conforms26(await api26.get(f"document-versions/{new['id']}"), "getDocumentVersion")


async def test_an_invoice_created_as_sent_is_issued_at_once(api26):
    client = await api26.create("clients", name="Acme")
    invoice = await api26.create("invoices", clientId=client["id"], status="sent", lineItems=LINE)
    [version] = await _versions(api26, invoiceId=invoice["id"])
    assert version["versionNumber"] == 1 and version["engagementProjectId"] is None


async def test_a_contract_s_version_is_issued_viewed_accepted_or_voided(api26, admin, org26, conforms26):
    client = await api26.create("clients", name="Acme")
    signed, voided = [await api26.create("contracts", title=title, clientId=client["id"]) for title in ("A", "B")]
    actions = f"/organizations/{org26.id}/contracts"
    for contract in (signed, voided):
        assert (await admin.post(f"{actions}/{contract['id']}/actions/send")).status == 200
    await admin.post(f"{actions}/{signed['id']}/actions/view")
    [viewed] = await _versions(api26, contractId=signed["id"])
    assert (viewed["documentType"], viewed["documentRef"]["relationTo"]) == ("standalone-contract", "contracts")
    assert (viewed["viewedAt"], viewed["acceptedAt"]) == ("2026-07-01T12:00:00.000Z", None)
    assert (await admin.post(f"{actions}/{signed['id']}/actions/sign")).body["status"] == "active"
    [accepted] = await _versions(api26, contractId=signed["id"])
    assert (accepted["versionStatus"], accepted["acceptedBy"], accepted["acceptedAt"]) == (
        "issued", "signing", "2026-07-01T12:00:00.000Z")
    conforms26(await api26.get(f"document-versions/{accepted['id']}"), "getDocumentVersion")
    await admin.post(f"{actions}/{voided['id']}/actions/void")
    [void] = await _versions(api26, contractId=voided["id"])
    assert (void["versionStatus"], void["voidedAt"], void["acceptedAt"]) == ("voided", "2026-07-01T12:00:00.000Z", None)
