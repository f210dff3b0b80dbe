"""The clock's edges (issue 13 §4): a jump outside years 0001-9999 is a 400 that changes nothing,
oversized durations are 400s, and one organization's failing time rule never stops the ticker."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from mockcasa.clock import LATEST, Clock, ClockRangeError, parse_duration
from tests.support.money import line, make_client, make_invoice

END = "9999-12-31T23:00:00Z"


class FakeSource:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def test_advancing_past_year_9999_is_refused_and_changes_nothing(admin, org):
    clock_path = f"/organizations/{org.id}/clock"
    assert (await admin.post(clock_path + "/freeze", {"at": END})).status == 200
    before = (await admin.get(clock_path)).body
    reply = await admin.post(clock_path + "/advance", {"by": "2h"})
    assert reply.status == 400 and reply.error["code"] == "invalid_request" and "by" in reply.error["details"]
    assert (await admin.get(clock_path)).body == before
    assert (await admin.get("/organizations")).status == 200
    assert (await admin.post(clock_path + "/advance", {"by": "30m"})).body["now"] == "9999-12-31T23:30:00.000Z"
    assert (await admin.post(clock_path + "/set", {"at": "2026-05-19T10:00:00Z"})).status == 200
    assert (await admin.post(clock_path + "/reset")).status == 200


async def test_a_running_clock_near_the_end_is_checked_too(admin, org):
    clock_path = f"/organizations/{org.id}/clock"
    assert (await admin.post(clock_path + "/set", {"at": END})).status == 200
    offset = (await admin.get(clock_path)).body["offsetSeconds"]
    reply = await admin.post(clock_path + "/advance", {"by": "2h"})
    assert reply.status == 400
    assert (await admin.get(clock_path)).body["offsetSeconds"] == offset


@pytest.mark.parametrize("at", ["9999-12-31T23:00:00-05:00", "0001-01-01T00:30:00+01:00"])
async def test_instants_outside_the_range_in_utc_are_refused(admin, org, at):
    for operation in ("set", "freeze"):
        reply = await admin.post(f"/organizations/{org.id}/clock/{operation}", {"at": at})
        assert reply.status == 400 and "at" in reply.error["details"], reply
    assert not org.clock.frozen


@pytest.mark.parametrize("by", ["99999999999999999999d", "9" * 400, 1e300, "10000000d"])
async def test_oversized_durations_are_400(admin, org, by):
    reply = await admin.post(f"/organizations/{org.id}/clock/advance", {"by": by})
    assert reply.status == 400 and reply.error["code"] == "invalid_request", reply


async def test_an_oversized_fault_latency_is_400(api):
    reply = await api.get("clients", headers={"X-Mockcasa-Fault": "latency=99999999999999999999d"})
    assert reply.status == 400 and "X-Mockcasa-Fault" in reply.error["details"], reply


def test_durations_are_bounded_and_never_overflow():
    for text in ("99999999999999999999d", "9" * 400, float("inf"), 1e300, -1e300):
        with pytest.raises(ValueError):
            parse_duration(text)
    clock = Clock()
    clock.freeze(END)
    with pytest.raises(ClockRangeError):
        clock.advance("2h")
    with pytest.raises(ClockRangeError):
        clock.advance(timedelta(days=-4_000_000))
    assert clock.now() == datetime(9999, 12, 31, 23, tzinfo=UTC)


def test_real_time_carrying_a_running_clock_past_the_end_stops_there():
    source = FakeSource(datetime(2030, 1, 1, tzinfo=UTC))
    clock = Clock(source)
    clock.set(LATEST - timedelta(seconds=1))
    source.now += timedelta(hours=1)
    assert clock.now() == LATEST
    assert clock.describe()["now"] == "9999-12-31T23:59:59.999Z"
    assert clock.timestamp() == LATEST.timestamp()
    assert clock.set("2026-05-19T10:00:00Z") == datetime(2026, 5, 19, 10, tzinfo=UTC)


async def test_the_ticker_survives_a_failing_organization_and_logs_it(api, other_api, sandbox, monkeypatch, caplog):
    """Real time passes a due date in two organizations; the first one's rule fails, the second still fires."""
    events = []
    sandbox.listeners.append(lambda org, batch: events.extend((org.id, name) for name, _ in batch))
    for client_api in (api, other_api):
        client_api.org.clock.set("2026-05-19T10:00:00Z")
        invoice_client = await make_client(client_api)
        await make_invoice(client_api, invoice_client, line(), status="sent", issueDate="2026-05-01",
                           dueDate="2026-05-19")
    invoices = sandbox.resources["invoices"]
    real = invoices.on_clock_change

    def fail_for_the_first(ctx, before, after):
        if ctx.org is api.org:
            raise RuntimeError("injected failure in a time rule")
        real(ctx, before, after)

    monkeypatch.setattr(invoices, "on_clock_change", fail_for_the_first)
    sandbox.tick()  # marks where each clock was seen
    for client_api in (api, other_api):  # a week of real time, without a jump
        monkeypatch.setattr(client_api.org.clock, "_offset", client_api.org.clock._offset + timedelta(days=7))
    with caplog.at_level(logging.ERROR, logger="mockcasa"):
        sandbox.tick()
    assert (other_api.org.id, "invoice_overdue") in events
    assert (api.org.id, "invoice_overdue") not in events
    assert any(api.org.id in record.getMessage() for record in caplog.records)


def test_seeds_near_the_end_of_the_range_are_refused_with_their_location(tmp_path, capsys):
    from mockcasa.cli import main

    seed = tmp_path / "edge.yaml"
    seed.write_text("organizations:\n"
                    "  - name: Edge\n"
                    "    clock: {freezeAt: 9999-12-31T00:00:00Z}\n"
                    "    records:\n"
                    "      clients: [{alias: a, name: A}]\n"
                    "      projects: [{name: P, clientId: a, startDate: +3d}]\n"
                    "    generate: {invoices: 3}\n")
    assert main(["validate", str(seed)]) == 1
    err = capsys.readouterr().err
    assert f"{seed}:6: organizations[0].records.projects[0].startDate: '+3d' falls outside the years 0001-9999" in err
    assert "organizations[0].generate.invoices: cannot generate invoices around 9999-12-31" in err
