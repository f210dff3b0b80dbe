"""invoice_overdue and proposal_expired when the organization's clock moves (admin clock routes)."""

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from mockcasa.resources._dates import crossed
from mockcasa.store import Collection
from tests.support.webhook_flow import Flow


@pytest.fixture
async def flow(api, admin, receiver) -> Flow:
    return await Flow(api, admin, receiver).start()  # frozen at 2026-05-19T10:00Z


async def by_event(flow: Flow) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for event, data in await flow.received():
        out.setdefault(event, []).append(data)
    return out


async def test_invoices_become_overdue_and_proposals_expire_as_the_clock_moves(flow, api):
    client = (await api.create("clients", name="Acme"))["id"]
    due_25 = await flow.invoice(client, status="sent", dueDate="2026-05-25")
    due_jun = await flow.invoice(client, status="sent", dueDate="2026-06-10")
    await flow.invoice(client, dueDate="2026-05-21")  # draft: never overdue
    paid = await flow.invoice(client, status="sent", dueDate="2026-05-22")
    await flow.pay(paid, 1000)
    voided = await flow.invoice(client, status="sent", dueDate="2026-05-23")
    await flow.patch("invoices", voided["id"], status="void")

    async def proposal(expires: str, send: bool = True) -> dict:
        created = await api.create("proposals", title="P", clientId=client, expirationDate=expires)
        if send:
            await flow.act("proposals", created["id"], "send")
        return created
    exp_24, exp_jul = await proposal("2026-05-24"), await proposal("2026-07-01")
    await proposal("2026-05-20", send=False)  # draft: never expires
    accepted = await proposal("2026-05-21")
    await flow.act("proposals", accepted["id"], "accept")
    await flow.received()

    await flow.clock("advance", by="1d")  # to 05-20: crosses 05-19 only
    assert await flow.received() == []

    now = (await flow.clock("advance", by="7d"))["now"]  # to 05-27
    assert now == "2026-05-27T10:00:00.000Z"
    events = await by_event(flow)
    assert events == {"invoice_overdue": [await flow.get("invoices", due_25["id"])],
                      "proposal_expired": [await flow.get("proposals", exp_24["id"])]}
    assert events["invoice_overdue"][0]["status"] == "overdue"
    assert events["proposal_expired"][0]["status"] == "expired"
    assert {r.json["timestamp"] for r in flow.receiver.requests[-2:]} == {now}

    await flow.clock("advance", by="12h")  # nothing newly crossed: nothing sent again
    await flow.clock("set", at="2026-06-10T23:59:00Z")  # the due date itself: not overdue yet
    assert await flow.received() == []
    await flow.clock("advance", by="1m")  # 06-11 00:00
    assert await flow.received() == [("invoice_overdue", await flow.get("invoices", due_jun["id"]))]

    await flow.clock("set", at="2027-01-01T00:00:00Z")  # a long jump
    assert await flow.received() == [("proposal_expired", await flow.get("proposals", exp_jul["id"]))]


async def test_moving_back_and_forward_again_announces_again(flow, api):
    client = (await api.create("clients", name="Acme"))["id"]
    invoice = await flow.invoice(client, status="sent", dueDate="2026-05-20")
    await flow.received()
    await flow.clock("advance", by="2d")
    assert [e for e, _ in await flow.received()] == ["invoice_overdue"]
    await flow.clock("set", at="2026-05-19T10:00:00Z")  # back: sent again, nothing announced
    assert (await flow.get("invoices", invoice["id"]))["status"] == "sent"
    assert await flow.received() == []
    await flow.clock("unfreeze")
    await flow.clock("freeze", at="2026-05-30T00:00:00Z")
    assert await flow.received() == [("invoice_overdue", await flow.get("invoices", invoice["id"]))]


async def test_a_payment_after_the_due_date_is_not_announced_as_overdue(flow, api):
    client = (await api.create("clients", name="Acme"))["id"]
    invoice = await flow.invoice(client, status="sent", dueDate="2026-05-20")
    await flow.pay(invoice, 1000)
    await flow.received()
    await flow.clock("advance", by="30d")
    assert await flow.received() == []


def test_crossed_looks_up_only_the_dates_crossed():
    """The clock hooks find their records through the date index: no scan of the organization."""
    class Counting(Collection):
        lookups = 0

        def where(self, field, value):
            Counting.lookups += 1
            return super().where(field, value)

    start = datetime(2026, 5, 19, 10, tzinfo=UTC)
    records = Counting(("due_date",))
    for i in range(2000):  # 2000 records on 1000 dates, from 2026-05-19 on
        records.add(SimpleNamespace(id=f"r{i:04d}", created_at=start + timedelta(seconds=i),
                                    due_date=date(2026, 5, 19) + timedelta(days=i // 2)))

    hit = crossed(records, "due_date", start, start + timedelta(days=3))
    assert [r.id for r in hit] == ["r0000", "r0001", "r0002", "r0003", "r0004", "r0005"]
    assert Counting.lookups == 3

    Counting.lookups = 0
    far = crossed(records, "due_date", start + timedelta(days=990), start + timedelta(days=100_000))
    assert [r.id for r in far] == [f"r{i:04d}" for i in range(1980, 2000)]
    assert Counting.lookups == 10  # the dates held, not the 99,010 days crossed

    assert crossed(records, "due_date", start + timedelta(days=5), start) == []  # moving back
    assert crossed(records, "due_date", start, start + timedelta(hours=13)) == []  # same day


async def test_real_time_passing_a_due_date_fires_on_the_next_tick(flow, api, sandbox, monkeypatch):
    client = (await api.create("clients", name="Acme"))["id"]
    invoice = await flow.invoice(client, status="sent", dueDate="2026-05-25")
    await flow.received()
    await flow.clock("unfreeze")  # from here real time moves the clock, not a jump
    real = [datetime.now(UTC)]
    monkeypatch.setattr(api.org.clock, "_source", lambda: real[0])  # stand-in for a week of waiting
    sandbox.tick()
    assert await flow.received() == []
    real[0] += timedelta(days=7)
    sandbox.tick()
    assert [(event, data["id"]) for event, data in await flow.received()] == [("invoice_overdue", invoice["id"])]
    sandbox.tick()
    assert await flow.received() == []
