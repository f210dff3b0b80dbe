"""Dashboard actions on proposals and contracts, through the admin API, read back over the public API."""

import pytest

from tests.support.dashboard import NOW, UNKNOWN


@pytest.fixture
async def proposal(api, client):
    return await api.create("proposals", title="Website", clientId=client["id"], expirationDate="2026-06-30")


async def sent_proposal(dash, proposal) -> dict:
    return await dash.ok("proposals", proposal["id"], "send")


# --- proposals ---------------------------------------------------------------------------------

async def test_send_a_proposal(dash, proposal):
    sent = await dash.ok("proposals", proposal["id"], "send")
    assert sent["status"] == "sent" and sent["issueDate"] == "2026-05-19" and sent["updatedAt"] == NOW
    assert dash.last == [("proposal_sent", proposal["id"])]
    await dash.refused(409, "proposals", proposal["id"], "send")


async def test_accept_a_proposal(dash, api, proposal):
    await dash.refused(409, "proposals", proposal["id"], "accept")  # still a draft
    await sent_proposal(dash, proposal)
    accepted = await dash.ok("proposals", proposal["id"], "accept")
    assert accepted["status"] == "accepted"
    assert dash.last == [("proposal_accepted", proposal["id"])]
    assert [p["id"] for p in (await api.get("proposals", params={"status": "accepted"})).body["data"]] == \
        [proposal["id"]]
    error = await dash.refused(409, "proposals", proposal["id"], "reject")
    assert "accepted" in error["message"]
    settled = await api.patch(f"proposals/{proposal['id']}", {"status": "sent"})
    assert settled.status == 409  # the client's answer is final for the public API too


async def test_reject_a_proposal(dash, proposal):
    await dash.refused(409, "proposals", proposal["id"], "reject")
    await sent_proposal(dash, proposal)
    rejected = await dash.ok("proposals", proposal["id"], "reject")
    assert rejected["status"] == "rejected"
    assert dash.last == [("proposal_rejected", proposal["id"])]
    await dash.refused(409, "proposals", proposal["id"], "accept")


async def test_expire_a_proposal(dash, api, proposal):
    await dash.refused(409, "proposals", proposal["id"], "expire")
    await sent_proposal(dash, proposal)
    expired = await dash.ok("proposals", proposal["id"], "expire")
    assert expired["status"] == "expired" and expired["expirationDate"] == "2026-06-30"
    assert dash.last == [("proposal_expired", proposal["id"])]
    await dash.refused(409, "proposals", proposal["id"], "accept")
    await dash.refused(409, "proposals", proposal["id"], "expire")


async def test_a_proposal_past_its_date_cannot_be_accepted_but_can_be_expired(dash, api, proposal):
    await sent_proposal(dash, proposal)
    await dash.admin.post(f"/organizations/{api.org.id}/clock/set", {"at": "2026-07-01T09:00:00Z"})
    assert (await api.get(f"proposals/{proposal['id']}")).body["status"] == "expired"
    await dash.refused(409, "proposals", proposal["id"], "accept")
    assert (await dash.ok("proposals", proposal["id"], "expire"))["status"] == "expired"
    assert dash.names() == ["proposal_expired"]


async def test_proposal_actions_on_unknown_or_foreign_records(dash, other_api, client):
    theirs = await other_api.create("proposals", title="Theirs",
                                    clientId=(await other_api.create("clients", name="B"))["id"])
    await dash.refused(404, "proposals", UNKNOWN, "send")
    await dash.refused(404, "proposals", theirs["id"], "send")
    error = await dash.refused(404, "proposals", theirs["id"], "sign")
    assert error["details"]["availableActions"] == ["accept", "expire", "reject", "send"]


# --- contracts ---------------------------------------------------------------------------------

@pytest.fixture
async def contact(api, client):
    return await api.create("contacts", name="Ada Client", email="ada@acme.test", clientId=client["id"])


@pytest.fixture
async def contract(api, client, contact):
    return await api.create("contracts", title="Services", clientId=client["id"], billingContactId=contact["id"])


async def test_send_a_contract_to_its_billing_contact(dash, contract, contact):
    sent = await dash.ok("contracts", contract["id"], "send")
    assert sent["status"] == "sent" and sent["issueDate"] == "2026-05-19" and sent["signingMode"] == "client_only"
    assert sent["signers"] == [{"contactId": contact["id"], "name": "Ada Client", "email": "ada@acme.test",
                                "role": "client", "order": 1, "status": "pending", "signedAt": None}]
    assert dash.last == [("contract_sent", contract["id"])]
    await dash.refused(409, "contracts", contract["id"], "send")


async def test_send_refuses_bad_signers_and_modes(dash, contract, other_api):
    stranger = await other_api.create("contacts", name="Not ours")
    cases = [({"signers": "Ada"}, "signers"), ({"signers": ["Ada"]}, "signers"),
             ({"signingMode": "whenever"}, "signingMode"),
             ({"signers": [{"name": "X", "contactId": stranger["id"]}]}, "signers[0].contactId")]
    for params, field in cases:
        error = await dash.refused(400, "contracts", contract["id"], "send", params)
        assert field in error["details"], (params, error)


async def test_view_a_contract(dash, contract):
    await dash.refused(409, "contracts", contract["id"], "view")  # a draft has not been sent
    await dash.ok("contracts", contract["id"], "send")
    viewed = await dash.ok("contracts", contract["id"], "view")
    assert viewed["status"] == "viewed"
    assert dash.last == [("contract_viewed", contract["id"])]
    await dash.refused(409, "contracts", contract["id"], "view")


async def test_sign_a_client_only_contract(dash, api, contract):
    await dash.refused(409, "contracts", contract["id"], "sign")
    two = [{"name": "Ada", "email": "ada@acme.test"}, {"name": "Bob", "email": "bob@acme.test"}]
    await dash.ok("contracts", contract["id"], "send", {"signers": two})
    await dash.ok("contracts", contract["id"], "view")
    first = await dash.ok("contracts", contract["id"], "sign", {"order": 1})
    assert first["status"] == "viewed" and first["signedDate"] is None
    assert [(s["name"], s["status"], s["signedAt"]) for s in first["signers"]] == [
        ("Ada", "signed", NOW), ("Bob", "pending", None)]
    assert dash.last == [("contract_recipient_signed", contract["id"])]
    await dash.refused(409, "contracts", contract["id"], "sign", {"order": 1})  # already signed
    done = await dash.ok("contracts", contract["id"], "sign")
    assert done["status"] == "active" and done["signedDate"] == NOW
    assert all(s["status"] == "signed" for s in done["signers"])
    assert dash.names() == ["contract_recipient_signed", "contract_signed"]
    assert [c["id"] for c in (await api.get("contracts", params={"status": "active"})).body["data"]] == \
        [contract["id"]]
    await dash.refused(409, "contracts", contract["id"], "sign")
    await dash.refused(409, "contracts", contract["id"], "countersign")  # client_only: nobody countersigns


async def test_countersign_after_the_client(dash, api, contract):
    sent = await dash.ok("contracts", contract["id"], "send", {"signingMode": "counter_sign"})
    assert [(s["role"], s["name"]) for s in sent["signers"]] == [("client", "Ada Client"),
                                                                 ("countersigner", "Sandbox Owner")]
    await dash.refused(409, "contracts", contract["id"], "countersign")  # the client has not signed
    signed = await dash.ok("contracts", contract["id"], "sign")
    assert signed["status"] == "sent" and signed["signedDate"] is None
    assert dash.names() == ["contract_recipient_signed", "contract_signed"]
    countersigned = await dash.ok("contracts", contract["id"], "countersign")
    assert countersigned["status"] == "active" and countersigned["signedDate"] == NOW
    assert countersigned["signers"][1]["status"] == "signed"
    assert dash.last == [("contract_countersigned", contract["id"])]
    await dash.refused(409, "contracts", contract["id"], "countersign")


async def test_auto_countersign(dash, contract):
    await dash.ok("contracts", contract["id"], "send", {"signingMode": "auto_counter_sign"})
    active = await dash.ok("contracts", contract["id"], "sign")
    assert active["status"] == "active" and all(s["status"] == "signed" for s in active["signers"])
    assert dash.names() == ["contract_recipient_signed", "contract_signed", "contract_countersigned"]


async def active_contract(dash, contract) -> None:
    await dash.ok("contracts", contract["id"], "send")
    await dash.ok("contracts", contract["id"], "sign")


async def test_complete_a_contract(dash, api, contract):
    await dash.refused(409, "contracts", contract["id"], "complete")
    await active_contract(dash, contract)
    completed = await dash.ok("contracts", contract["id"], "complete")
    assert completed["status"] == "completed"
    assert dash.last == [("contract_completed", contract["id"])]
    await dash.refused(409, "contracts", contract["id"], "complete")
    await dash.refused(409, "contracts", contract["id"], "void")
    frozen = await api.patch(f"contracts/{contract['id']}", {"title": "Renamed"})
    assert frozen.status == 409


async def test_expire_a_contract(dash, contract):
    await dash.refused(409, "contracts", contract["id"], "expire")  # drafts do not expire
    await active_contract(dash, contract)
    expired = await dash.ok("contracts", contract["id"], "expire")
    assert expired["status"] == "expired"
    assert dash.last == [("contract_expired", contract["id"])]
    for action in ("expire", "sign", "complete", "void"):
        await dash.refused(409, "contracts", contract["id"], action)


async def test_void_a_contract(dash, api, contract):
    await dash.ok("contracts", contract["id"], "send")
    voided = await dash.ok("contracts", contract["id"], "void")
    assert voided["status"] == "voided"
    assert dash.last == [("contract_voided", contract["id"])]
    await dash.refused(409, "contracts", contract["id"], "void")
    assert (await api.delete(f"contracts/{contract['id']}")).status == 409
    draft = await api.create("contracts", title="Never sent", clientId=contract["clientId"])
    assert (await dash.ok("contracts", draft["id"], "void"))["status"] == "voided"
