"""Contracts: draft creation, the limited PATCH, deletion, filters, and the signing flow actions."""

from functools import partial

import pytest

from mockcasa.errors import Conflict, Invalid
from tests.support.api import listed_ids
from tests.support.money import UNKNOWN, act, listen, make_client, seed

NOW = "2026-05-19T10:00:00.000Z"


pytestmark = pytest.mark.usefixtures("frozen")


async def make(api, client, **fields) -> dict:
    return await api.create("contracts", title="Services", clientId=client["id"], **fields)


async def test_create_makes_a_draft_with_defaults(api, client, org):
    org.currency = "EUR"
    proposal = await api.create("proposals", title="P", clientId=client["id"])
    contract = await make(api, client, proposalId=proposal["id"], effectiveDate="2026-06-01",
                          expirationDate="2027-06-01", issueDate="2026-05-19", contractValue=1000.005,
                          sourceTemplateId=UNKNOWN)
    assert contract["contractNumber"] == "CON-0001" and contract["status"] == "draft"
    assert (contract["signingMode"], contract["contentType"]) == ("client_only", "tiptap")
    assert contract["signers"] == []
    assert contract["currency"] == "EUR" and contract["archived"] is False and contract["signedDate"] is None
    assert contract["contractValue"] == 1000.01 and contract["proposalId"] == proposal["id"]
    assert contract["sourceTemplateId"] == UNKNOWN
    plain = await make(api, client)
    assert plain["contractNumber"] == "CON-0002" and plain["contractValue"] is None
    assert (await api.get(f"contracts/{contract['id']}")).body == contract


@pytest.mark.parametrize("fields, field", [
    ({"status": "sent"}, "status"), ({"signingMode": "counter_sign"}, "signingMode"),
    ({"contentType": "pdf"}, "contentType"), ({"signers": []}, "signers"), ({"title": ""}, "title"),
    ({"contractValue": -1}, "contractValue"), ({"proposalId": UNKNOWN}, "proposalId"),
    ({"projectId": UNKNOWN}, "projectId"), ({"clientId": UNKNOWN}, "clientId"),
    ({"contractNumber": "CON-9"}, "contractNumber"),
])
async def test_create_refusals(api, client, fields, field):
    reply = await api.post("contracts", {"title": "Services", "clientId": client["id"], **fields})
    assert reply.status == 400 and field in reply.error["details"], reply
    assert (await api.get("contracts")).body["data"] == []
    assert (await make(api, client))["contractNumber"] == "CON-0001"


async def test_patch_limited_fields_on_a_draft(api, client):
    contract = await make(api, client, effectiveDate="2026-06-01")
    path = f"contracts/{contract['id']}"
    reply = await api.patch(path, {"title": "Renamed", "effectiveDate": None, "expirationDate": "2027-01-01",
                                   "archived": True})
    assert reply.status == 200
    shown = [reply.body[k] for k in ("title", "effectiveDate", "expirationDate", "archived")]
    assert shown == ["Renamed", None, "2027-01-01", True]
    for field, value in (("status", "sent"), ("contractValue", 5), ("clientId", client["id"]),
                         ("signers", []), ("issueDate", "2026-05-20"), ("signingMode", "counter_sign")):
        refused = await api.patch(path, {field: value})
        assert refused.status == 400 and field in refused.error["details"], refused
    assert (await api.get(path)).body == reply.body


async def test_after_sending_only_archived_can_change(api, client):
    contract = await make(api, client)
    act(api, "contracts", "send", contract["id"])
    path = f"contracts/{contract['id']}"
    before = (await api.get(path)).body
    for body in ({"title": "New"}, {"effectiveDate": "2026-06-01"}, {"expirationDate": "2027-01-01"},
                 {"title": "New", "archived": True}):
        reply = await api.patch(path, body)
        assert reply.status == 409 and reply.error["code"] == "conflict"
        assert "only change while it is a draft" in reply.error["message"]
    assert (await api.get(path)).body == before
    assert (await api.patch(path, {"title": before["title"]})).status == 200  # unchanged value: a no-op
    archived = await api.patch(path, {"archived": True})
    assert archived.status == 200 and archived.body["archived"] is True


async def test_only_drafts_can_be_deleted(api, client):
    draft = await make(api, client)
    sent = await make(api, client)
    act(api, "contracts", "send", sent["id"])
    reply = await api.delete(f"contracts/{sent['id']}")
    assert reply.status == 409 and "Only draft contracts" in reply.error["message"]
    assert (await api.get(f"contracts/{sent['id']}")).status == 200
    assert (await api.delete(f"contracts/{draft['id']}")).status == 204
    assert (await api.get(f"contracts/{draft['id']}")).status == 404


async def test_a_contract_made_from_a_proposal_links_it_back(api, client, org):
    """Issue 12, defect 7: creating a contract with proposalId sets the proposal's linkedContractId, as
    seeds (and the dashboard's conversion) do; the first contract keeps the link; deleting that draft
    hands the link to the next contract made from the proposal, else clears it."""
    events = listen(api)
    proposal = await api.create("proposals", title="P", clientId=client["id"])
    org.clock.advance("1h")
    contract = await make(api, client, proposalId=proposal["id"])
    linked = (await api.get(f"proposals/{proposal['id']}")).body
    assert linked["linkedContractId"] == contract["id"]
    assert linked["updatedAt"] == contract["createdAt"] == "2026-05-19T11:00:00.000Z"
    assert {k: v for k, v in linked.items() if k not in ("linkedContractId", "updatedAt")} == \
        {k: v for k, v in proposal.items() if k not in ("linkedContractId", "updatedAt")}
    second = await make(api, client, proposalId=proposal["id"])
    assert (await api.get(f"proposals/{proposal['id']}")).body["linkedContractId"] == contract["id"]
    assert (await api.delete(f"contracts/{contract['id']}")).status == 204
    assert (await api.get(f"proposals/{proposal['id']}")).body["linkedContractId"] == second["id"]
    assert (await api.delete(f"contracts/{second['id']}")).status == 204
    assert (await api.get(f"proposals/{proposal['id']}")).body["linkedContractId"] is None
    assert (await api.delete(f"proposals/{proposal['id']}")).status == 204
    assert [e for e, _ in events if e.startswith("proposal_")] == []
    # A seeded contract follows the same rules as one made through the API.
    offer = await api.create("proposals", title="Offer", clientId=client["id"])
    seeded = seed(api, "contracts", title="Seeded", client_id=client["id"], proposal_id=offer["id"],
                  contract_value=1000.005)
    assert (await api.get(f"proposals/{offer['id']}")).body["linkedContractId"] == seeded.id
    assert (await api.get(f"contracts/{seeded.id}")).body["contractValue"] == 1000.01


async def test_a_proposal_with_a_contract_cannot_be_deleted(api, client):
    proposal = await api.create("proposals", title="P", clientId=client["id"])
    await make(api, client, proposalId=proposal["id"])
    reply = await api.delete(f"proposals/{proposal['id']}")
    assert reply.status == 409 and reply.error["details"]["referencedBy"] == {"contracts": 1}


async def test_filters(api, client):
    other = await make_client(api, "Other")
    draft = await make(api, client)
    sent = await make(api, client)
    act(api, "contracts", "send", sent["id"])
    theirs = await make(api, other)

    ids = partial(listed_ids, api, "contracts")
    assert await ids(clientId=client["id"]) == {draft["id"], sent["id"]}
    assert await ids(status="draft") == {draft["id"], theirs["id"]}
    assert await ids(status="sent", clientId=client["id"]) == {sent["id"]}
    assert await ids(status="active") == set()
    for bad in ({"status": "signed"}, {"clientId": "x"}):
        assert (await api.get("contracts", params=bad)).status == 400


async def test_client_only_signing_flow(api, client):
    events = listen(api)
    contact = await api.create("contacts", name="Ada", email="ada@acme.test", clientId=client["id"])
    contract = await make(api, client, billingContactId=contact["id"])
    events.clear()
    sent, emitted = act(api, "contracts", "send", contract["id"])
    assert emitted == ["contract_sent"] and sent.issue_date.isoformat() == "2026-05-19"
    body = (await api.get(f"contracts/{contract['id']}")).body
    assert body["status"] == "sent"
    assert body["signers"] == [{"contactId": contact["id"], "name": "Ada", "email": "ada@acme.test",
                                "role": "client", "order": 1, "status": "pending", "signedAt": None}]
    assert act(api, "contracts", "view", contract["id"])[1] == ["contract_viewed"]
    _, emitted = act(api, "contracts", "sign", contract["id"])
    assert emitted == ["contract_recipient_signed", "contract_signed"]
    body = (await api.get(f"contracts/{contract['id']}")).body
    assert body["status"] == "active" and body["signedDate"] == NOW
    assert body["signers"][0]["status"] == "signed" and body["signers"][0]["signedAt"] == NOW
    assert act(api, "contracts", "complete", contract["id"])[1] == ["contract_completed"]
    assert (await api.get(f"contracts/{contract['id']}")).body["status"] == "completed"
    with pytest.raises(Conflict):
        act(api, "contracts", "void", contract["id"])


async def test_counter_sign_waits_for_the_business(api, client):
    contract = await make(api, client)
    signers = [{"name": "Ada", "email": "ada@acme.test"}, {"name": "Bob", "email": ""}]
    act(api, "contracts", "send", contract["id"], signers=signers, signingMode="counter_sign")
    body = (await api.get(f"contracts/{contract['id']}")).body
    assert body["signingMode"] == "counter_sign"
    assert [(s["name"], s["role"], s["order"]) for s in body["signers"]] == \
        [("Ada", "client", 1), ("Bob", "client", 2), ("Sandbox Owner", "countersigner", 3)]
    with pytest.raises(Conflict, match="not waiting"):
        act(api, "contracts", "countersign", contract["id"])
    assert act(api, "contracts", "sign", contract["id"], order=1)[1] == ["contract_recipient_signed"]
    assert (await api.get(f"contracts/{contract['id']}")).body["status"] == "sent"
    assert act(api, "contracts", "sign", contract["id"], order=2)[1] == \
        ["contract_recipient_signed", "contract_signed"]
    waiting = (await api.get(f"contracts/{contract['id']}")).body
    assert waiting["status"] == "sent" and waiting["signedDate"] is None
    assert act(api, "contracts", "countersign", contract["id"])[1] == ["contract_countersigned"]
    active = (await api.get(f"contracts/{contract['id']}")).body
    assert active["status"] == "active" and active["signedDate"] == NOW
    assert all(s["status"] == "signed" for s in active["signers"])


async def test_auto_counter_sign_and_default_signer(api, client):
    contract = await make(api, client)
    act(api, "contracts", "send", contract["id"], signingMode="auto_counter_sign")
    body = (await api.get(f"contracts/{contract['id']}")).body
    assert body["signers"][0]["name"] == "Acme" and body["signers"][0]["email"] == ""
    _, emitted = act(api, "contracts", "sign", contract["id"])
    assert emitted == ["contract_recipient_signed", "contract_signed", "contract_countersigned"]
    assert (await api.get(f"contracts/{contract['id']}")).body["status"] == "active"


async def test_expire_void_and_refused_moves(api, client):
    expiring = await make(api, client)
    with pytest.raises(Conflict):
        act(api, "contracts", "sign", expiring["id"])
    with pytest.raises(Conflict):
        act(api, "contracts", "view", expiring["id"])
    act(api, "contracts", "send", expiring["id"])
    assert act(api, "contracts", "expire", expiring["id"])[1] == ["contract_expired"]
    assert (await api.get(f"contracts/{expiring['id']}")).body["status"] == "expired"
    voided = await make(api, client)
    assert act(api, "contracts", "void", voided["id"])[1] == ["contract_voided"]
    assert (await api.get(f"contracts/{voided['id']}")).body["status"] == "voided"
    with pytest.raises(Conflict):
        act(api, "contracts", "send", voided["id"])
    bad = await make(api, client)
    with pytest.raises(Invalid):
        act(api, "contracts", "send", bad["id"], signingMode="everyone")
    with pytest.raises(Invalid):
        act(api, "contracts", "send", bad["id"], signers=[{"email": "x@y.co"}])
    with pytest.raises(Invalid, match="contactId"):
        act(api, "contracts", "send", bad["id"], signers=[{"name": "X", "contactId": UNKNOWN}])
    assert (await api.get(f"contracts/{bad['id']}")).body["status"] == "draft"


async def test_seeded_signed_contract(api, client):
    seeded = seed(api, "contracts", title="Signed", client_id=client["id"], status="active",
                  contract_number="CON-0010", signed_date="2026-05-01T12:00:00Z",
                  signers=[{"name": "Ada", "email": "ada@acme.test", "status": "signed",
                            "signed_at": "2026-05-01T12:00:00Z"}])
    body = (await api.get(f"contracts/{seeded.id}")).body
    assert body["status"] == "active" and body["signedDate"] == "2026-05-01T12:00:00.000Z"
    assert body["signers"][0]["order"] == 1 and body["signers"][0]["role"] == "client"
    assert (await make(api, client))["contractNumber"] == "CON-0011"
