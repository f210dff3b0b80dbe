"""Proposals: drafts on create, writable statuses, derived expiry, filters, deletion, system actions."""

from datetime import timedelta
from functools import partial

import pytest

from mockcasa.errors import Conflict
from tests.support.api import listed_ids
from tests.support.money import UNKNOWN, act, listen, make_client, seed

pytestmark = pytest.mark.usefixtures("frozen")


async def make(api, client, **fields) -> dict:
    return await api.create("proposals", title="Website", clientId=client["id"], **fields)


async def test_create_makes_a_numbered_draft_with_zero_totals(api, client, org):
    org.currency = "GBP"
    contact = await api.create("contacts", name="Bill", clientId=client["id"])
    project = await api.create("projects", name="Site", clientId=client["id"])
    proposal = await make(api, client, billingContactId=contact["id"], projectId=project["id"],
                          sendMode="agreement", issueDate="2026-05-19", expirationDate="2026-06-19",
                          eventDate="2026-08-01", notes="n")
    assert proposal["proposalNumber"] == "PROP-0001" and proposal["status"] == "draft"
    assert proposal["currency"] == "GBP" and proposal["archived"] is False
    assert [proposal[k] for k in ("subtotal", "discountAmount", "taxAmount", "total")] == [0, 0, 0, 0]
    assert proposal["sendMode"] == "agreement" and proposal["linkedContractId"] is None
    assert (proposal["issueDate"], proposal["expirationDate"], proposal["eventDate"]) == \
        ("2026-05-19", "2026-06-19", "2026-08-01")
    plain = await make(api, client)
    assert plain["proposalNumber"] == "PROP-0002" and plain["sendMode"] == "proposal"
    assert plain["issueDate"] is None and plain["billingContactId"] is None
    assert (await api.get(f"proposals/{proposal['id']}")).body == proposal


@pytest.mark.parametrize("fields, field", [
    ({"status": "sent"}, "status"), ({"total": 10}, "total"),
    ({"proposalNumber": "PROP-7"}, "proposalNumber"),
    ({"title": ""}, "title"), ({"title": "x" * 301}, "title"), ({"sendMode": "email"}, "sendMode"),
    ({"projectId": UNKNOWN}, "projectId"), ({"billingContactId": UNKNOWN}, "billingContactId"),
    ({"clientId": UNKNOWN}, "clientId"), ({"archived": True}, "archived"),
    ({"expirationDate": "soon"}, "expirationDate"),
])
async def test_create_refusals(api, client, fields, field):
    reply = await api.post("proposals", {"title": "Website", "clientId": client["id"], **fields})
    assert reply.status == 400 and field in reply.error["details"], reply
    assert (await api.get("proposals")).body["data"] == []
    assert (await make(api, client))["proposalNumber"] == "PROP-0001"


async def test_patch_may_set_draft_sent_or_void_only(api, client):
    events = listen(api)
    proposal = await make(api, client)
    path = f"proposals/{proposal['id']}"
    for status in ("accepted", "rejected", "expired"):
        reply = await api.patch(path, {"status": status})
        assert reply.status == 400 and "set by the system" in reply.error["details"]["status"]
    events.clear()
    sent = await api.patch(path, {"status": "sent"})
    assert sent.status == 200 and sent.body["status"] == "sent"
    assert events == [("proposal_sent", proposal["id"])]
    assert (await api.patch(path, {"status": "draft"})).body["status"] == "draft"
    voided = await api.patch(path, {"status": "void"})
    assert voided.body["status"] == "void"
    for status in ("draft", "sent"):
        reply = await api.patch(path, {"status": status})
        assert reply.status == 409 and reply.error["code"] == "conflict"
    assert (await api.get(path)).body == voided.body


async def test_patching_to_sent_dates_the_proposal_like_the_dashboard_send(api, client, org):
    """Issue 12, defect 7: a PATCH to sent sets issueDate to today when it has none, as the dashboard's
    ``send`` does; a date already set, or sent with the PATCH, is kept."""
    undated, dated, given = await make(api, client), await make(api, client, issueDate="2026-05-01"), \
        await make(api, client)
    org.clock.advance("1d")
    sent = await api.patch(f"proposals/{undated['id']}", {"status": "sent"})
    assert sent.status == 200 and (sent.body["status"], sent.body["issueDate"]) == ("sent", "2026-05-20")
    assert (await api.get(f"proposals/{undated['id']}")).body == sent.body
    kept = await api.patch(f"proposals/{dated['id']}", {"status": "sent"})
    assert kept.body["issueDate"] == "2026-05-01"
    chosen = await api.patch(f"proposals/{given['id']}", {"status": "sent", "issueDate": "2026-05-18"})
    assert chosen.body["issueDate"] == "2026-05-18"
    sent_by_dashboard, _ = act(api, "proposals", "send", (await make(api, client))["id"])
    assert sent_by_dashboard.issue_date.isoformat() == sent.body["issueDate"]


async def test_patch_edits_metadata(api, client):
    proposal = await make(api, client, notes="a")
    reply = await api.patch(f"proposals/{proposal['id']}", {"title": "New", "notes": None,
                                                             "eventDate": None, "archived": True,
                                                             "expirationDate": "2026-07-01"})
    assert reply.status == 200
    assert (reply.body["title"], reply.body["notes"], reply.body["archived"]) == ("New", None, True)
    for body, field in (({"expirationDate": None}, "expirationDate"), ({"sendMode": "agreement"}, "sendMode"),
                        ({"clientId": client["id"]}, "clientId"), ({"total": 3}, "total"),
                        ({"projectId": UNKNOWN}, "projectId")):
        refused = await api.patch(f"proposals/{proposal['id']}", body)
        assert refused.status == 400 and field in refused.error["details"], refused
    assert (await api.get(f"proposals/{proposal['id']}")).body == reply.body


async def test_a_sent_proposal_past_its_expiration_reads_expired(api, client, org):
    proposal = await make(api, client, expirationDate="2026-05-20")
    draft = await make(api, client, expirationDate="2026-05-01")
    sent = (await api.patch(f"proposals/{proposal['id']}", {"status": "sent"})).body
    assert sent["status"] == "sent"
    org.clock.advance(timedelta(days=1))
    assert (await api.get(f"proposals/{proposal['id']}")).body["status"] == "sent"  # expires after the date
    org.clock.advance(timedelta(days=1))
    assert (await api.get(f"proposals/{proposal['id']}")).body["status"] == "expired"
    assert (await api.get(f"proposals/{draft['id']}")).body["status"] == "draft"
    assert [p["id"] for p in (await api.get("proposals", params={"status": "expired"})).body["data"]] \
        == [proposal["id"]]
    assert (await api.get("proposals", params={"status": "sent"})).body["data"] == []
    resend = await api.patch(f"proposals/{proposal['id']}", {"status": "sent"})
    assert resend.status == 200 and resend.body["status"] == "expired"
    extended = await api.patch(f"proposals/{proposal['id']}", {"expirationDate": "2026-06-30"})
    assert extended.body["status"] == "sent"


async def test_filters(api, client):
    other = await make_client(api, "Other")
    first = await make(api, client)
    archived = await make(api, client)
    await api.patch(f"proposals/{archived['id']}", {"archived": True, "status": "sent"})
    theirs = await make(api, other)

    ids = partial(listed_ids, api, "proposals")
    assert await ids(clientId=client["id"]) == {first["id"], archived["id"]}
    assert await ids(archived="true") == {archived["id"]}
    assert await ids(archived="false") == {first["id"], theirs["id"]}
    assert await ids(status="draft", clientId=client["id"]) == {first["id"]}
    assert await ids(status="sent", archived="true") == {archived["id"]}
    for bad in ({"archived": "yes"}, {"status": "won"}, {"clientId": "x"}):
        assert (await api.get("proposals", params=bad)).status == 400


async def test_only_drafts_can_be_deleted(api, client):
    proposal = await make(api, client)
    sent = await make(api, client)
    await api.patch(f"proposals/{sent['id']}", {"status": "sent"})
    reply = await api.delete(f"proposals/{sent['id']}")
    assert reply.status == 409 and "Only draft proposals" in reply.error["message"]
    assert (await api.get(f"proposals/{sent['id']}")).body["status"] == "sent"
    assert (await api.delete(f"proposals/{proposal['id']}")).status == 204
    assert (await api.get(f"proposals/{proposal['id']}")).status == 404


async def test_system_actions_send_accept_reject_expire(api, client):
    events = listen(api)
    accepted = await make(api, client)
    events.clear()
    shown, emitted = act(api, "proposals", "send", accepted["id"])
    assert shown.status == "sent" and emitted == ["proposal_sent"]
    assert (await api.get(f"proposals/{accepted['id']}")).body["issueDate"] == "2026-05-19"
    _, emitted = act(api, "proposals", "accept", accepted["id"])
    assert emitted == ["proposal_accepted"]
    body = (await api.get(f"proposals/{accepted['id']}")).body
    assert body["status"] == "accepted"
    reply = await api.patch(f"proposals/{accepted['id']}", {"status": "void"})
    assert reply.status == 409 and "accepted" in reply.error["message"]
    assert (await api.patch(f"proposals/{accepted['id']}", {"archived": True})).status == 200
    assert (await api.delete(f"proposals/{accepted['id']}")).status == 409

    rejected = await make(api, client)
    act(api, "proposals", "send", rejected["id"])
    _, emitted = act(api, "proposals", "reject", rejected["id"])
    assert emitted == ["proposal_rejected"]
    assert (await api.get(f"proposals/{rejected['id']}")).body["status"] == "rejected"

    expired = await make(api, client)
    act(api, "proposals", "send", expired["id"])
    _, emitted = act(api, "proposals", "expire", expired["id"])
    assert emitted == ["proposal_expired"]
    assert (await api.get(f"proposals/{expired['id']}")).body["status"] == "expired"
    assert [e for e, _ in events].count("proposal_sent") == 3


async def test_actions_refuse_moves_the_service_never_makes(api, client):
    proposal = await make(api, client)
    for name in ("accept", "reject", "expire"):
        with pytest.raises(Conflict, match="when sent"):
            act(api, "proposals", name, proposal["id"])
    act(api, "proposals", "send", proposal["id"])
    with pytest.raises(Conflict):
        act(api, "proposals", "send", proposal["id"])
    assert (await api.get(f"proposals/{proposal['id']}")).body["status"] == "sent"


async def test_seeded_proposals_keep_their_numbers_and_totals(api, client):
    seeded = seed(api, "proposals", title="Old", client_id=client["id"], status="accepted",
                  proposal_number="PROP-0041", total=1234.567, subtotal=1234.567)
    body = (await api.get(f"proposals/{seeded.id}")).body
    assert (body["status"], body["proposalNumber"], body["total"]) == ("accepted", "PROP-0041", 1234.57)
    assert (await make(api, client))["proposalNumber"] == "PROP-0042"
