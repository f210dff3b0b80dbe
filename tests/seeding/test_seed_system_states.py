"""Seed files with the system-managed states the public API refuses, read back (and pushed on) over HTTP.

One world written by hand: records of every resource naming each other by alias, dates
relative to a frozen clock, and the states only the dashboard, Stripe or a calendar sync
reach (paid invoices, accepted proposals, signed contracts, converted inquiries, synced
events, billed entries and transactions, payouts).
"""

import pytest

from tests.support.api import Api

ORG_ID = "00000000-0000-4000-8000-0000000000e1"
WORLD = f"""
organizations:
  - id: {ORG_ID}
    taxRate: 0.1
    clock: {{freezeAt: 2026-05-19T10:00:00Z}}
    members:
      - {{alias: maya, name: Maya Chen, email: maya@studio.example}}
      - {{alias: leo, name: Leo Park}}
    apiKeys: [{{key: cc_test_states_key}}]
    records:
      clients:
        - {{alias: acme, name: Acme, createdAt: -200d}}
      contacts:
        - {{alias: ada, name: Ada Lovelace, email: ada@acme.example, clientId: acme, role: primary, isPrimary: true}}
      projects:
        - {{alias: site, name: Website, clientId: acme, startDate: -90d, createdAt: -95d}}
        - {{alias: shoot, name: Launch shoot, clientId: acme, createdAt: -20d}}
      catalog-items:
        - {{alias: design, name: Design, type: charge, unit: hour, defaultRate: 100}}
      invoices:
        - alias: paid-invoice
          clientId: acme
          projectIds: [site]
          status: paid                    # stored as sent: paid follows from the payments below
          issueDate: -60d
          lineItems: [{{description: Design, quantity: 10, unitPrice: 100, taxable: true}}]
          createdAt: -60d
        - alias: sent-invoice
          clientId: acme
          status: sent
          issueDate: -5d
          lineItems: [{{description: Prints, quantity: 2, unitPrice: 50}}]
          createdAt: -5d
      payouts:
        - {{alias: payout, status: paid, arrivalDate: -40d, createdAt: -42d}}
      payments:
        - {{alias: deposit, invoiceId: paid-invoice, amount: 500, method: check, receivedDate: -50d, createdAt: -50d}}
        - {{invoiceId: paid-invoice, amount: 600, method: stripe, netAmount: 582.30, receivedDate: -45d,
           payoutId: payout, createdAt: -45d+2h}}
      proposals:
        - {{alias: offer, title: Website proposal, clientId: acme, projectId: site, status: accepted, issueDate: -100d,
           expirationDate: -70d, subtotal: 1000, total: 1000, createdAt: -101d, updatedAt: -97d}}
      contracts:
        - alias: agreement
          title: Website agreement
          clientId: acme
          proposalId: offer
          status: active
          signingMode: counter_sign
          signedDate: -95d
          signers:
            - {{contactId: ada, name: Ada Lovelace, email: ada@acme.example, status: signed, signedAt: -96d}}
            - {{name: Maya Chen, email: maya@studio.example, role: countersigner, status: signed, signedAt: -95d}}
          createdAt: -97d
      inquiries:
        - {{name: Ada Lovelace, email: ada@acme.example, contactId: ada, status: converted, convertedClientId: acme,
           convertedProjectId: site, convertedAt: -200d, createdAt: -210d}}
      calendar-events:
        - {{alias: synced, title: Call with Ada, source: google, clientId: acme, startDateTime: today-2d+15h,
           endDateTime: today-2d+15h30m}}
        - {{title: Shoot, projectId: shoot, startDateTime: today+7d+9h, endDateTime: today+7d+17h}}
      time-entries:
        - {{alias: billed-entry, projectId: site, memberId: maya, catalogItemId: design, date: -62d, hours: 3,
           rateType: overtime, invoiceId: paid-invoice}}
        - {{projectId: site, memberId: leo, date: -1d, hours: 1, invoiceId: sent-invoice}}
      transactions:
        - {{alias: billed-cost, name: Prints, amount: 80, direction: cost, passThrough: true, markupPercent: 25,
           assignments: [{{projectId: shoot, clientId: acme, amount: 80}}], invoiceId: sent-invoice}}
      milestones:
        - {{parentType: projects, parentId: site, title: Launch, date: -30d, status: completed, completedAt: -30d,
           assigneeId: leo, catalogItemId: design}}
        - {{parentType: proposals, parentId: offer, title: Deposit due, date: -98d}}
      webhooks:
        - {{name: Books, url: "https://books.example/hook", events: [invoice_paid], secret: a-long-enough-secret}}
"""


@pytest.fixture
async def world(admin, http) -> Api:
    reply = await admin.post_yaml("/seeds", WORLD)
    assert reply.status == 201, reply
    return Api(http, "cc_test_states_key")


async def one(api: Api, resource: str, **params) -> dict:
    [record] = await api.list_all(resource, **params)
    return record


async def test_paid_invoice_with_its_payments_reads_paid(world):
    invoice = await one(world, "invoices", status="paid")
    assert (invoice["total"], invoice["taxAmount"], invoice["amountPaid"], invoice["balanceDue"]) == (1100, 100, 1100, 0)
    # paidAt: when the payments first covered the total (the second one, 45 days ago at noon).
    assert invoice["paidAt"] == "2026-04-04T12:00:00.000Z"
    assert invoice["issueDate"] == "2026-03-20" and invoice["dueDate"] == "2026-04-19"
    payments = await world.list_all("payments", invoiceId=invoice["id"])
    assert sorted(p["method"] for p in payments) == ["check", "stripe"]
    assert all(p["clientId"] == invoice["clientId"] and p["currency"] == "USD" for p in payments)
    refused = await world.patch(f"invoices/{invoice['id']}", {"status": "draft"})
    assert refused.status == 409 and refused.error["code"] == "conflict"


async def test_a_payout_adds_up_its_stripe_entries(world):
    payout = await one(world, "payouts")
    assert (payout["status"], payout["arrivalDate"]) == ("paid", "2026-04-09")
    assert (payout["amount"], payout["grossTotal"], payout["feeTotal"], payout["paymentCount"]) == (582.3, 600, 17.7, 1)
    assert payout["stripePayoutId"].startswith("po_")
    [entry] = [p for p in await world.list_all("payments") if p["payoutId"]]
    assert entry["payoutId"] == payout["id"] and entry["method"] == "stripe"


async def test_accepted_proposal_and_signed_contract_link_each_other(world):
    proposal = await one(world, "proposals")
    contract = await one(world, "contracts")
    assert proposal["status"] == "accepted" and proposal["proposalNumber"] == "PROP-0001"
    assert proposal["linkedContractId"] == contract["id"] and contract["proposalId"] == proposal["id"]
    assert (contract["status"], contract["contractNumber"], contract["signedDate"]) == (
        "active", "CON-0001", "2026-02-13T10:00:00.000Z")
    assert [(s["role"], s["order"], s["status"]) for s in contract["signers"]] == [
        ("client", 1, "signed"), ("countersigner", 2, "signed")]
    # The client answered: its status no longer moves; an active contract's dates are frozen.
    assert (await world.patch(f"proposals/{proposal['id']}", {"status": "void"})).status == 409
    assert (await world.patch(f"contracts/{contract['id']}", {"title": "New"})).status == 409
    assert (await world.delete(f"contracts/{contract['id']}")).status == 409


async def test_converted_inquiry_names_its_client_and_project(world):
    inquiry = await one(world, "inquiries")
    acme = await one(world, "clients")
    projects = {p["name"]: p for p in await world.list_all("projects")}
    ada = await one(world, "contacts")
    assert (inquiry["status"], inquiry["convertedClientId"], inquiry["convertedProjectId"]) == (
        "converted", acme["id"], projects["Website"]["id"])
    assert inquiry["convertedAt"] == "2025-10-31T10:00:00.000Z" and inquiry["contactId"] == ada["id"]
    refused = await world.patch(f"inquiries/{inquiry['id']}", {"status": "new"})
    assert refused.status == 409 and refused.error["details"] == {"status": "converted"}


async def test_synced_calendar_event_is_read_only(world):
    events = {e["title"]: e for e in await world.list_all("calendar-events")}
    synced, own = events["Call with Ada"], events["Shoot"]
    assert (synced["source"], synced["readOnly"]) == ("google", True)
    assert (synced["startDateTime"], synced["endDateTime"]) == ("2026-05-17T15:00:00.000Z", "2026-05-17T15:30:00.000Z")
    refused = await world.patch(f"calendar-events/{synced['id']}", {"title": "Renamed"})
    assert refused.status == 409 and refused.error["code"] == "conflict"
    assert "Google Calendar" in refused.error["message"]
    assert (await world.delete(f"calendar-events/{synced['id']}")).status == 409
    assert (await world.get(f"calendar-events/{synced['id']}")).body["title"] == "Call with Ada"
    assert (own["source"], own["readOnly"], own["startDateTime"]) == ("manual", False, "2026-05-26T09:00:00.000Z")
    assert (await world.patch(f"calendar-events/{own['id']}", {"title": "Launch shoot"})).status == 200


async def test_time_entry_billed_to_a_paid_invoice_is_frozen(world):
    entries = {e["hours"]: e for e in await world.list_all("time-entries")}
    billed, open_ = entries[3], entries[1]
    assert billed["effectiveRate"] == 150 and billed["rateType"] == "overtime" and "invoiceId" not in billed
    refused = await world.patch(f"time-entries/{billed['id']}", {"hours": 2})
    assert refused.status == 409 and refused.error["details"]["invoiceStatus"] == "paid"
    assert (await world.delete(f"time-entries/{billed['id']}")).status == 409
    assert (await world.get(f"time-entries/{billed['id']}")).body["hours"] == 3
    # Billed to an invoice that is only sent: still editable.
    assert (await world.patch(f"time-entries/{open_['id']}", {"hours": 2})).status == 200


async def test_transaction_billed_to_a_sent_invoice_cannot_be_deleted(world):
    cost = await one(world, "transactions")
    assert cost["billedAmount"] == 100 and cost["assignments"][0]["amount"] == 80
    refused = await world.delete(f"transactions/{cost['id']}")
    assert refused.status == 409 and refused.error["details"]["invoiceStatus"] == "sent"
    assert (await world.patch(f"transactions/{cost['id']}", {"notes": "x"})).status == 409
    assert (await world.get(f"transactions/{cost['id']}")).status == 200


async def test_milestones_under_projects_and_proposals(world):
    milestones = {m["title"]: m for m in await world.list_all("milestones")}
    launch, deposit = milestones["Launch"], milestones["Deposit due"]
    assert (launch["parentType"], launch["status"], launch["completedAt"]) == (
        "projects", "completed", "2026-04-19T10:00:00.000Z")
    assert (deposit["parentType"], deposit["status"], deposit["completedAt"], deposit["date"]) == (
        "proposals", "pending", None, "2026-02-10")


async def test_aliases_name_records_across_resources_and_members(world, sandbox):
    org = sandbox.organizations[ORG_ID]
    leo = next(m.id for m in org.members.values() if m.name == "Leo Park")
    catalog = await one(world, "catalog-items")
    milestone = next(m for m in await world.list_all("milestones") if m["title"] == "Launch")
    assert (milestone["assigneeId"], milestone["catalogItemId"]) == (leo, catalog["id"])
    offer = await one(world, "proposals")
    assert next(m for m in await world.list_all("milestones") if m["parentType"] == "proposals")["parentId"] == \
        offer["id"]
    webhook = await one(world, "webhooks")
    assert webhook["hasSecret"] is True and "secret" not in webhook and webhook["lastTriggered"] is None


async def test_seeding_publishes_no_webhook_events(admin, http, sandbox):
    seen = []
    sandbox.listeners.append(lambda org, batch: seen.extend(batch))
    assert (await admin.post_yaml("/seeds", WORLD)).status == 201
    assert seen == []
