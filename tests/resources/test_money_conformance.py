"""Every response of the invoice, proposal, contract, payment and payout operations matches the contract.

Records are put in every state a partner can meet (system states through actions and seeds),
so the lists and gets cover signers, refunds, chargebacks, payouts, paid and void invoices.
"""

from datetime import timedelta

import pytest

from mockcasa.resources.payouts import create_payout
from tests.support.money import UNKNOWN, act, line, make_client, make_invoice, pay, run, seed

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def conflict_conforms(contract):
    """409 is our convention on PATCH/DELETE (the contract lists none there): check the envelope."""
    from jsonschema import Draft202012Validator
    schema = contract["components"]["schemas"]["ApiError"]

    def check(reply) -> None:
        assert reply.status == 409, reply
        errors = list(Draft202012Validator(schema).iter_errors(reply.body))
        assert not errors and reply.error["code"] == "conflict", errors
    return check


async def test_invoice_operations(api, org, conforms, conflict_conforms):
    org.tax_rate = 0.05
    client = await make_client(api)
    contact = await api.create("contacts", name="Bill", email="bill@acme.test", clientId=client["id"])
    created = await api.post("invoices", {"clientId": client["id"], "billingContactId": contact["id"],
                                          "status": "sent", "subject": "S", "paymentTerms": "Net 30",
                                          "notes": "n", "dueDate": "2026-05-25",
                                          "lineItems": [line("A", 2.5, 10, taxable=True, discountPercent=5)]})
    conforms(created, "createInvoice")
    invoice = created.body
    conforms(await api.post("invoices", {"clientId": client["id"], "lineItems": []}), "createInvoice")
    draft = await make_invoice(api, client)
    paid = await make_invoice(api, client, status="sent")
    await pay(api, paid, paid["total"])
    voided = await make_invoice(api, client, status="sent")
    conforms(await api.patch(f"invoices/{voided['id']}", {"status": "void"}), "updateInvoice")
    await pay(api, invoice, 5)
    org.clock.advance(timedelta(days=10))
    for status in ("overdue", "paid", "void", "draft", "partial", "sent"):
        conforms(await api.get("invoices", params={"status": status}), "listInvoices")
    paged = {"clientId": client["id"], "pageSize": 2, "page": 2}
    conforms(await api.get("invoices", params=paged), "listInvoices")
    conforms(await api.get("invoices", params={"status": "late"}), "listInvoices")
    conforms(await api.get(f"invoices/{invoice['id']}"), "getInvoice")
    conforms(await api.get(f"invoices/{UNKNOWN}"), "getInvoice")
    conforms(await api.patch(f"invoices/{invoice['id']}", {"subject": None, "billingContactId": None}),
             "updateInvoice")
    conforms(await api.patch(f"invoices/{invoice['id']}", {"lineItems": []}), "updateInvoice")
    conforms(await api.patch(f"invoices/{UNKNOWN}", {"subject": "x"}), "updateInvoice")
    conflict_conforms(await api.patch(f"invoices/{voided['id']}", {"status": "sent"}))
    conflict_conforms(await api.delete(f"invoices/{paid['id']}"))
    conforms(await api.delete(f"invoices/{draft['id']}"), "deleteInvoice")
    conforms(await api.delete(f"invoices/{draft['id']}"), "deleteInvoice")


async def test_payment_and_payout_operations(api, conforms):
    client = await make_client(api)
    invoice = await make_invoice(api, client, line("A", 1, 300), status="sent")
    created = await api.post("payments", {"clientId": client["id"], "invoiceId": invoice["id"], "amount": 100,
                                          "receivedDate": "2026-05-19", "method": "zelle", "reference": "Z1"})
    conforms(created, "createPayment")
    refund = await api.post("payments", {"clientId": client["id"], "amount": -40, "method": "zelle",
                                         "receivedDate": "2026-05-19", "kind": "refund",
                                         "refundOfId": created.body["id"]})
    conforms(refund, "createPayment")
    conforms(await api.post("payments", {"clientId": client["id"], "amount": 1, "receivedDate": "2026-05-19",
                                         "method": "stripe"}), "createPayment")
    act(api, "invoices", "record_stripe_payment", invoice["id"], amount=150)
    stripe = (await api.get("payments", params={"kind": "payment", "invoiceId": invoice["id"]})).body["data"]
    stripe_id = next(p["id"] for p in stripe if p["method"] == "stripe")
    act(api, "payments", "chargeback", stripe_id, amount=20)
    act(api, "payments", "dispute_fee", stripe_id)
    payout, _ = run(api, create_payout, {})
    for params in ({}, {"kind": "chargeback"}, {"status": "succeeded", "clientId": client["id"]},
                   {"kind": "x"}):
        conforms(await api.get("payments", params=params), "listPayments")
    conforms(await api.get(f"payments/{stripe_id}"), "getPayment")
    conforms(await api.get(f"payments/{UNKNOWN}"), "getPayment")
    conforms(await api.patch(f"payments/{refund.body['id']}", {"notes": "n", "reference": None}),
             "updatePayment")
    conforms(await api.patch(f"payments/{refund.body['id']}", {"amount": 1}), "updatePayment")
    conforms(await api.patch(f"payments/{UNKNOWN}", {"notes": "n"}), "updatePayment")
    act(api, "payouts", "mark_failed", payout.id)
    seed(api, "payouts", amount=10, status="paid", arrival_date="2026-05-01", description="seeded",
         bank_account_last4="1234", bank_account_name="Bank")
    for params in ({}, {"status": "failed"}, {"arrivalDateFrom": "2026-05-01", "arrivalDateTo": "2026-06-01"},
                   {"arrivalDateTo": "bad"}):
        conforms(await api.get("payouts", params=params), "listPayouts")
    conforms(await api.get(f"payouts/{payout.id}"), "getPayout")
    conforms(await api.get(f"payouts/{UNKNOWN}"), "getPayout")


async def test_proposal_operations(api, org, conforms, conflict_conforms):
    client = await make_client(api)
    created = await api.post("proposals", {"title": "P", "clientId": client["id"], "sendMode": "agreement",
                                           "issueDate": "2026-05-19", "expirationDate": "2026-05-20",
                                           "eventDate": "2026-09-01", "notes": "n"})
    conforms(created, "createProposal")
    conforms(await api.post("proposals", {"title": "P"}), "createProposal")
    proposal = created.body
    for name in ("accept", "reject"):
        other = await api.create("proposals", title=name, clientId=client["id"])
        act(api, "proposals", "send", other["id"])
        act(api, "proposals", name, other["id"])
    conforms(await api.patch(f"proposals/{proposal['id']}", {"status": "sent", "archived": True}),
             "updateProposal")
    org.clock.advance(timedelta(days=3))
    for params in ({}, {"status": "expired"}, {"archived": "true", "clientId": client["id"]},
                   {"archived": "x"}):
        conforms(await api.get("proposals", params=params), "listProposals")
    conforms(await api.get(f"proposals/{proposal['id']}"), "getProposal")
    conforms(await api.get(f"proposals/{UNKNOWN}"), "getProposal")
    conforms(await api.patch(f"proposals/{proposal['id']}", {"status": "accepted"}), "updateProposal")
    conforms(await api.patch(f"proposals/{UNKNOWN}", {"title": "x"}), "updateProposal")
    conforms(await api.patch(f"proposals/{proposal['id']}", {"status": "void"}), "updateProposal")
    conflict_conforms(await api.patch(f"proposals/{proposal['id']}", {"status": "draft"}))
    conflict_conforms(await api.delete(f"proposals/{proposal['id']}"))
    draft = await api.create("proposals", title="D", clientId=client["id"])
    conforms(await api.delete(f"proposals/{draft['id']}"), "deleteProposal")
    conforms(await api.delete(f"proposals/{draft['id']}"), "deleteProposal")


async def test_contract_operations(api, conforms, conflict_conforms):
    client = await make_client(api)
    contact = await api.create("contacts", name="Ada", email="ada@acme.test", clientId=client["id"])
    created = await api.post("contracts", {"title": "C", "clientId": client["id"],
                                           "billingContactId": contact["id"], "issueDate": "2026-05-19",
                                           "effectiveDate": "2026-06-01", "expirationDate": "2027-06-01",
                                           "contractValue": 2500})
    conforms(created, "createContract")
    conforms(await api.post("contracts", {"title": "C", "clientId": client["id"], "contractValue": -1}),
             "createContract")
    contract = created.body
    conforms(await api.patch(f"contracts/{contract['id']}", {"effectiveDate": None, "archived": True}),
             "updateContract")
    act(api, "contracts", "send", contract["id"], signingMode="counter_sign",
        signers=[{"name": "Ada", "email": "ada@acme.test", "contactId": contact["id"]}, {"name": "No Mail"}])
    act(api, "contracts", "sign", contract["id"], order=1)
    for params in ({}, {"status": "sent"}, {"clientId": client["id"]}, {"status": "signed"}):
        conforms(await api.get("contracts", params=params), "listContracts")
    act(api, "contracts", "sign", contract["id"])
    act(api, "contracts", "countersign", contract["id"])
    conforms(await api.get(f"contracts/{contract['id']}"), "getContract")
    conforms(await api.get(f"contracts/{UNKNOWN}"), "getContract")
    conflict_conforms(await api.patch(f"contracts/{contract['id']}", {"title": "Late"}))
    conforms(await api.patch(f"contracts/{contract['id']}", {"archived": False}), "updateContract")
    conforms(await api.patch(f"contracts/{contract['id']}", {"status": "voided"}), "updateContract")
    conforms(await api.patch(f"contracts/{UNKNOWN}", {"archived": True}), "updateContract")
    conflict_conforms(await api.delete(f"contracts/{contract['id']}"))
    draft = await api.create("contracts", title="D", clientId=client["id"])
    conforms(await api.delete(f"contracts/{draft['id']}"), "deleteContract")
    conforms(await api.delete(f"contracts/{draft['id']}"), "deleteContract")


@pytest.mark.parametrize("name", [
    "Invoice", "InvoiceLineItem", "InvoiceCreate", "InvoiceUpdate",
    "Proposal", "ProposalCreate", "ProposalUpdate",
    "Contract", "ContractSigner", "ContractCreate", "ContractUpdate",
    "Payment", "PaymentCreate", "PaymentUpdate", "Payout"])
async def test_served_schemas_have_the_contracts_fields(http, contract, name):
    served = (await http.get("/api/v1/openapi.json"))
    ours = (await served.json())["components"]["schemas"][name]
    theirs = contract["components"]["schemas"][name]
    assert set(ours["properties"]) == set(theirs["properties"])
    assert set(ours.get("required", [])) == set(theirs.get("required", []))
    for field, schema in theirs["properties"].items():
        assert ours["properties"][field].get("enum") == schema.get("enum"), field
