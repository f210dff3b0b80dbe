"""Writes are all or nothing (issue 13 §1).

A request is validated, its rules run and its response is rendered before anything is committed:
a failure at any of those stages leaves records, indexes, counters and queued events exactly as
they were. Values the API cannot represent (instants beyond year 9999 or before year 1 in UTC,
amounts beyond ±1e12) are refused up front with a 400 naming the field.
"""

from __future__ import annotations

import pytest

from mockcasa.keys import SANDBOX
from tests.support.money import freeze, line, make_client, make_invoice

LAST_INSTANT = "9999-12-31T23:59:59-14:00"  # year 10000 once converted to UTC


def world(org) -> dict:
    """Everything a write may touch, indexes included (compared before and after a failed write)."""
    return {
        "counters": dict(org.counters),
        "members": dict(org.members),
        "collections": {
            name: (dict(c.records), list(c._order),
                   {f: {v: list(bucket) for v, bucket in index.items()} for f, index in c._indexes.items()},
                   {f: list(ordered) for f, ordered in c._ranges.items()})
            for name, c in org.collections.items()},
    }


@pytest.fixture
def published(api, org):
    """Every event the sandbox publishes for ``org`` (webhooks subscribe the same way)."""
    events: list = []
    api.http.app[SANDBOX].listeners.append(lambda o, batch: events.extend(batch) if o is org else None)
    return events


async def test_the_issue_repro_is_a_400_and_retries_store_nothing(api, org):
    body = {"title": "t", "startDateTime": LAST_INSTANT, "endDateTime": LAST_INSTANT}
    for _ in range(3):
        reply = await api.post("calendar-events", body, headers={"Idempotency-Key": "same-key"})
        assert reply.status == 400 and reply.error["code"] == "invalid_request", reply
        assert set(reply.error["details"]) == {"startDateTime", "endDateTime"}
    assert len(org["calendar-events"]) == 0
    listed = await api.get("calendar-events")
    assert listed.status == 200 and listed.body["data"] == []


@pytest.mark.parametrize("field", ["nextFollowUpAt", "lastContactedAt"])
@pytest.mark.parametrize("instant", [LAST_INSTANT, "0001-01-01T00:00:00+01:00"])
async def test_inquiry_timestamps_outside_the_utc_range_are_refused(api, org, field, instant):
    inquiry = await api.create("inquiries", name="Ada", email="ada@example.com")
    before = world(org)
    reply = await api.patch(f"inquiries/{inquiry['id']}", {field: instant})
    assert reply.status == 400 and field in reply.error["details"], reply
    assert "9999-12-31" in reply.error["details"][field]
    assert world(org) == before
    assert (await api.get("inquiries")).status == 200


async def test_timestamp_filters_outside_the_utc_range_are_refused(api):
    reply = await api.get("calendar-events", params={"startsAfter": LAST_INSTANT})
    assert reply.status == 400 and "startsAfter" in reply.error["details"], reply


@pytest.mark.parametrize("amount", [1.7e308, 1e12 + 1, -1e13])
async def test_payment_amounts_beyond_the_bound_are_refused(api, org, amount):
    freeze(org)
    client = await make_client(api)
    invoice = await make_invoice(api, client, line("Work", 1, 100), status="sent")
    before = world(org)
    reply = await api.post("payments", {"clientId": client["id"], "invoiceId": invoice["id"], "amount": amount,
                                        "receivedDate": "2026-05-19", "method": "check"})
    assert reply.status == 400 and reply.error["details"] == {"amount": "must be between -1e12 and 1e12"}, reply
    assert world(org) == before
    assert (await api.get(f"invoices/{invoice['id']}")).body["amountPaid"] == 0


async def test_the_bound_itself_is_accepted(api):
    client = await make_client(api)
    body = await api.create("payments", clientId=client["id"], amount=1e12, receivedDate="2026-05-19",
                            method="cash")
    assert body["amount"] == 1e12


async def test_a_failure_in_validation_after_a_rule_ran_changes_nothing(api, org, published):
    """The invoice rule claims a number (a counter) before the stored record fails validation."""
    client = await make_client(api)
    await make_invoice(api, client)
    before, published[:] = world(org), []
    reply = await api.post("invoices", {"clientId": client["id"], "lineItems": [line("Big", 1e7, 1e7)]})
    assert reply.status == 400 and "total" in reply.error["details"], reply
    assert world(org) == before and published == []
    assert (await make_invoice(api, client))["invoiceNumber"] == "INV-0002"


async def test_a_failing_hook_changes_nothing(api, org, published, monkeypatch):
    """A payment's hook re-derives and stores its invoice (and queues invoice_paid), then fails."""
    freeze(org)
    client = await make_client(api)
    invoice = await make_invoice(api, client, line("Work", 1, 100), status="sent")
    payments = api.http.app[SANDBOX].resources["payments"]
    real = payments.after_create

    def after_create_then_fail(ctx, record):
        real(ctx, record)
        assert ctx.events, "the hook queued events before failing"
        raise RuntimeError("injected failure in a hook")

    monkeypatch.setattr(payments, "after_create", after_create_then_fail)
    before, published[:] = world(org), []
    reply = await api.post("payments", {"clientId": client["id"], "invoiceId": invoice["id"], "amount": 100,
                                        "receivedDate": "2026-05-19", "method": "check"})
    assert reply.status == 500 and reply.error["code"] == "internal_error", reply
    assert world(org) == before and published == []
    assert (await api.get(f"invoices/{invoice['id']}")).body["status"] == "sent"


async def test_a_failure_while_rendering_the_response_changes_nothing(api, org, published, monkeypatch):
    freeze(org)
    client = await make_client(api)
    invoice = await make_invoice(api, client, line("Work", 1, 100), status="sent")
    invoices = api.http.app[SANDBOX].resources["invoices"]
    real = invoices.derive
    monkeypatch.setattr(invoices, "derive", lambda ctx, record: real(ctx, record) if record.subject != "boom"
                        else 1 / 0)
    before, published[:] = world(org), []
    reply = await api.patch(f"invoices/{invoice['id']}", {"subject": "boom"})
    assert reply.status == 500, reply
    assert world(org) == before and published == []
    monkeypatch.setattr(invoices, "derive", real)
    assert (await api.get(f"invoices/{invoice['id']}")).body["subject"] is None


async def test_a_failed_write_leaves_no_webhook_delivery(api, org, monkeypatch):
    from mockcasa.webhooks.log import log_of

    await api.create("webhooks", name="crm", url="https://example.com/hook", events=["client_created"])
    clients = api.http.app[SANDBOX].resources["clients"]
    monkeypatch.setattr(clients, "derive", lambda ctx, record: 1 / 0)
    reply = await api.post("clients", {"name": "Acme"})
    assert reply.status == 500 and len(org["clients"]) == 0
    assert len(log_of(org)) == 0
