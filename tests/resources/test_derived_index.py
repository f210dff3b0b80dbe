"""Derived fields are indexed and stay right (issue 17).

An invoice's status (and revision 2026-06-30's ``overdue``) is computed from its payments, its own
fields and the organization's clock; a proposal's ``expired`` from its expiration date and the clock.
The store keeps those values in the same ordered indexes as stored fields, so ``status=`` filters are
a lookup, not a scan. Each test checks every filter value against what a GET of each record shows,
after a payment, a refund, a chargeback, a change to the invoice, a clock move, and a failed write.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mockcasa.resources import _ledger
from tests.support.api import Api
from tests.support.money import TODAY, act, freeze, line, make_client, make_invoice, pay

pytestmark = pytest.mark.usefixtures("frozen")

STATUSES = ("draft", "sent", "partial", "paid", "overdue", "void")


async def listed(api, resource: str = "invoices", **params) -> list[str]:
    reply = await api.get(resource, params={"pageSize": "100", **params})
    assert reply.status == 200, reply
    assert reply.body["pagination"]["total"] == len(reply.body["data"])
    return [record["id"] for record in reply.body["data"]]


async def statuses(api, resource: str = "invoices", values: tuple[str, ...] = STATUSES) -> dict[str, list[str]]:
    """Each status filter's ids, checked against the status a GET of each record shows."""
    by_filter = {status: sorted(await listed(api, resource, status=status)) for status in values}
    shown: dict[str, list[str]] = {status: [] for status in values}
    for record_id in await listed(api, resource):
        shown[(await api.get(f"{resource}/{record_id}")).body["status"]].append(record_id)
    assert by_filter == {status: sorted(ids) for status, ids in shown.items()}
    return by_filter


async def test_payments_move_an_invoice_between_status_filters(api):
    client = await make_client(api)
    invoice = await make_invoice(api, client, line("Work", 1, 100), status="sent")
    draft = await make_invoice(api, client)
    assert (await statuses(api))["sent"] == [invoice["id"]]
    assert (await statuses(api))["draft"] == [draft["id"]]
    first = await pay(api, invoice, 40)
    assert (await statuses(api))["partial"] == [invoice["id"]]
    await pay(api, invoice, 60)
    assert (await statuses(api))["paid"] == [invoice["id"]]
    assert (await api.get(f"invoices/{invoice['id']}")).body["amountPaid"] == 100
    refund = await api.create("payments", clientId=client["id"], amount=-40, receivedDate=TODAY, method="check",
                              kind="refund", refundOfId=first["id"])
    assert refund["invoiceId"] == invoice["id"]
    listing = await statuses(api)
    assert listing["partial"] == [invoice["id"]] and listing["paid"] == []
    assert (await api.get(f"invoices/{invoice['id']}")).body["balanceDue"] == 40


async def test_a_chargeback_reopens_a_paid_invoice_in_the_filters(api):
    client = await make_client(api)
    invoice = await make_invoice(api, client, line("Work", 1, 100), status="sent")
    act(api, "invoices", "record_stripe_payment", invoice["id"], amount=100)
    assert (await statuses(api))["paid"] == [invoice["id"]]
    [stripe] = await listed(api, "payments", invoiceId=invoice["id"])
    act(api, "payments", "chargeback", stripe)
    listing = await statuses(api)
    assert listing["paid"] == [] and listing["sent"] == [invoice["id"]]


async def test_changing_the_invoice_moves_it(api):
    client = await make_client(api)
    invoice = await make_invoice(api, client, line("Work", 1, 100))
    assert (await statuses(api))["draft"] == [invoice["id"]]
    await api.patch(f"invoices/{invoice['id']}", {"status": "sent", "dueDate": "2026-05-01"})
    assert (await statuses(api))["overdue"] == [invoice["id"]]
    await api.patch(f"invoices/{invoice['id']}", {"dueDate": "2026-06-01"})
    assert (await statuses(api))["sent"] == [invoice["id"]]
    await api.patch(f"invoices/{invoice['id']}", {"status": "void"})
    assert (await statuses(api))["void"] == [invoice["id"]]
    other = await make_invoice(api, client)
    assert (await api.delete(f"invoices/{other['id']}")).status == 204
    assert (await statuses(api))["draft"] == []


async def test_the_clock_moves_invoices_into_and_out_of_overdue(api, org):
    client = await make_client(api)
    soon = await make_invoice(api, client, line("Work", 1, 100), status="sent", dueDate="2026-05-25")
    later = await make_invoice(api, client, line("Work", 1, 100), status="sent", dueDate="2026-07-01")
    partly = await make_invoice(api, client, line("Work", 1, 100), status="sent", dueDate="2026-05-20")
    await pay(api, partly, 10)
    assert (await statuses(api))["overdue"] == []
    freeze(org, "2026-05-26")  # past the first due date, and the third's
    listing = await statuses(api)
    assert listing["overdue"] == sorted([soon["id"], partly["id"]]) and listing["sent"] == [later["id"]]
    org.clock.advance("60d")
    assert (await statuses(api))["overdue"] == sorted([soon["id"], later["id"], partly["id"]])
    freeze(org, TODAY)  # back before every due date
    listing = await statuses(api)
    assert listing["overdue"] == [] and listing["partial"] == [partly["id"]]


async def test_real_time_passing_a_due_date_needs_no_clock_event(api, org):
    """A running clock carries the day on between jumps: lists catch up when they are asked."""
    client = await make_client(api)
    invoice = await make_invoice(api, client, line("Work", 1, 100), status="sent", dueDate="2026-05-19")
    assert await listed(api, status="overdue") == []
    listeners, org.clock.listeners = org.clock.listeners, []  # as if no tick had run yet
    try:
        freeze(org, "2026-05-21")
    finally:
        org.clock.listeners = listeners
    assert await listed(api, status="overdue") == [invoice["id"]]
    assert (await api.get(f"invoices/{invoice['id']}")).body["status"] == "overdue"


async def test_a_failed_payment_leaves_index_and_rendered_invoice_as_they_were(api, org, monkeypatch):
    client = await make_client(api)
    invoice = await make_invoice(api, client, line("Work", 1, 100), status="sent")
    assert (await api.get(f"invoices/{invoice['id']}")).body["amountPaid"] == 0  # rendered and kept
    before = await statuses(api)

    def fail(*args, **kwargs):
        raise RuntimeError("after the payment was stored and the invoice re-derived")
    monkeypatch.setattr(_ledger, "status_events", fail)
    reply = await api.post("payments", {"clientId": client["id"], "invoiceId": invoice["id"], "amount": 100,
                                        "receivedDate": TODAY, "method": "check"})
    assert reply.status == 500, reply
    monkeypatch.undo()
    assert len(org["payments"]) == 0
    assert await statuses(api) == before
    shown = (await api.get(f"invoices/{invoice['id']}")).body
    assert (shown["status"], shown["amountPaid"]) == ("sent", 0)
    await pay(api, invoice, 100)
    assert (await statuses(api))["paid"] == [invoice["id"]]


async def test_filters_combine_with_stored_fields(api):
    acme, other = await make_client(api), await make_client(api, "Other")
    mine = await make_invoice(api, acme, line("Work", 1, 100), status="sent", dueDate="2026-05-01")
    await make_invoice(api, other, line("Work", 1, 100), status="sent", dueDate="2026-05-01")
    await make_invoice(api, acme, line("Work", 1, 100), status="sent")
    assert await listed(api, status="overdue", clientId=acme["id"]) == [mine["id"]]


async def test_proposals_read_expired_through_the_index(api, org):
    client = await make_client(api)
    proposal = await api.create("proposals", clientId=client["id"], title="Plan", expirationDate="2026-05-30")
    act(api, "proposals", "send", proposal["id"])
    values = ("draft", "sent", "expired")
    assert (await statuses(api, "proposals", values))["sent"] == [proposal["id"]]
    org.clock.freeze(datetime(2026, 6, 2, tzinfo=UTC))
    assert (await statuses(api, "proposals", values))["expired"] == [proposal["id"]]


async def test_revision_2026_overdue_flag_is_indexed(http, sandbox):
    org26 = sandbox.create_organization(name="Revised Studio", api_revision="2026-06-30")
    freeze(org26, "2026-07-01")
    api26 = Api(http, sandbox.issue_key(org26).key, org26)
    client = await make_client(api26)
    late = await make_invoice(api26, client, line("Work", 1, 100), status="sent", dueDate="2026-06-01")
    open_ = await make_invoice(api26, client, line("Work", 1, 100), status="sent", dueDate="2026-08-01")
    draft = await make_invoice(api26, client)
    assert await listed(api26, overdue="true") == [late["id"]]
    assert sorted(await listed(api26, overdue="false")) == sorted([open_["id"], draft["id"]])
    assert sorted(await listed(api26, status="sent")) == sorted([late["id"], open_["id"]])
    await pay(api26, late, 100)
    assert await listed(api26, overdue="true") == []
    assert await listed(api26, status="paid") == [late["id"]]
    org26.clock.advance("45d")
    assert await listed(api26, overdue="true") == [open_["id"]]
