"""Document versions issued by what reaches a client (2026-06-30): invoices sent, contracts sent for signature,
smart files published, and what their clients do with them."""

from __future__ import annotations

from datetime import timedelta

from mockcasa.keys import SANDBOX

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


async def test_a_smart_file_moves_as_its_client_answers_it(api26, admin, org26, app):
    seen = []
    app[SANDBOX].listeners.append(lambda org, events: seen.extend(e for e, _ in events))
    seeded = await admin.post(f"/organizations/{org26.id}/seed", {"records": {
        "clients": [{"alias": "acme", "name": "Acme"}],
        "client-documents": [{"alias": name, "title": name, "clientId": "acme"} for name in ("won", "late", "gone")]}})
    assert seeded.status == 200
    documents = {d["title"]: d["id"] for d in (await api26.get("client-documents")).body["data"]}

    async def act(title, action, body=None):
        return await admin.post(f"/organizations/{org26.id}/client-documents/{documents[title]}/actions/{action}",
                                body)

    assert (await act("won", "view")).status == 409  # a draft has not reached its client
    for title in documents:
        await act(title, "publish_version")
    seen.clear()
    assert (await act("won", "view")).body["status"] == "viewed"
    assert (await act("won", "accept", {"by": "robot"})).status == 400
    assert (await act("won", "accept")).body["status"] == "accepted"
    assert (await act("won", "complete")).body["status"] == "completed"
    assert seen == ["smart_file_viewed", "smart_file_accepted", "smart_file_completed"]
    [won] = await _versions(api26, documentId=documents["won"])
    assert (won["viewedAt"], won["acceptedAt"], won["acceptedBy"], won["versionStatus"]) == (
        "2026-07-01T12:00:00.000Z", "2026-07-01T12:00:00.000Z", "client", "issued")
    assert (await act("won", "void")).status == 409  # completed is closed

    expired = (await act("late", "expire")).body
    assert (expired["status"], expired["expiresAt"]) == ("expired", "2026-07-01T12:00:00.000Z")
    assert seen[-1] == "smart_file_expired"
    assert (await act("gone", "start")).body["status"] == "in_progress"
    assert (await act("gone", "void")).body["status"] == "void"
    [gone] = await _versions(api26, documentId=documents["gone"])
    assert (gone["versionStatus"], gone["voidedAt"]) == ("voided", "2026-07-01T12:00:00.000Z")
    assert (await act("gone", "publish_version")).status == 409


async def test_the_client_viewing_an_invoice_is_announced_and_recorded_once(api26, admin, org26, app):
    seen = []
    app[SANDBOX].listeners.append(lambda org, events: seen.extend(e for e, _ in events))
    client = await api26.create("clients", name="Acme")
    invoice = await api26.create("invoices", clientId=client["id"], lineItems=LINE)
    path = f"/organizations/{org26.id}/invoices/{invoice['id']}/actions/view"
    assert (await admin.post(path)).status == 409  # a draft has not reached its client
    await api26.patch(f"invoices/{invoice['id']}", {"status": "sent"})
    viewed = await admin.post(path)
    assert viewed.status == 200 and viewed.body["status"] == "sent" and seen[-1] == "invoice_viewed"
    org26.clock.advance(timedelta(hours=1))
    await admin.post(path)
    assert seen.count("invoice_viewed") == 2
    [version] = await _versions(api26, invoiceId=invoice["id"])
    assert version["viewedAt"] == "2026-07-01T12:00:00.000Z"  # the first time
