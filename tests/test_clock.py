"""The mock clock: its Python API, and records stamped by their own organization's clock."""

from datetime import UTC, date, datetime, timedelta

import pytest

from mockcasa.clock import Clock

T0 = datetime(2026, 5, 19, 10, tzinfo=UTC)


class FakeSource:
    """Real time as a test controls it."""

    def __init__(self) -> None:
        self.now = datetime(2030, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_freeze_set_advance_accept_datetimes_text_and_seconds():
    clock = Clock()
    assert clock.freeze("2026-05-19T10:00:00Z") == T0 and clock.frozen
    assert clock.advance("24h") == T0 + timedelta(hours=24)
    assert clock.advance(90) == T0 + timedelta(hours=24, seconds=90)
    assert clock.advance(timedelta(days=-1, seconds=-90)) == T0
    assert clock.set("2026-06-01") == datetime(2026, 6, 1, tzinfo=UTC) and clock.frozen
    assert clock.set(date(2026, 6, 1)) == datetime(2026, 6, 1, tzinfo=UTC)
    assert clock.set(datetime(2026, 6, 2, 12)) == datetime(2026, 6, 2, 12, tzinfo=UTC)  # naive is UTC
    assert clock.today().isoformat() == "2026-06-02"
    assert clock.timestamp() == datetime(2026, 6, 2, 12, tzinfo=UTC).timestamp()
    assert clock.describe() == {"now": "2026-06-02T12:00:00.000Z", "frozen": True, "offsetSeconds": None}


def test_a_running_clock_keeps_its_offset_from_real_time():
    source = FakeSource()
    clock = Clock(source)
    clock.set(T0)
    source.now += timedelta(minutes=5)
    assert clock.now() == T0 + timedelta(minutes=5) and not clock.frozen
    assert clock.timestamp() == clock.now().timestamp()
    clock.freeze()
    source.now += timedelta(hours=1)
    assert clock.now() == T0 + timedelta(minutes=5)
    clock.unfreeze()
    source.now += timedelta(seconds=1)
    assert clock.now() == T0 + timedelta(minutes=5, seconds=1)
    assert clock.reset() == source.now


def test_real_time_by_default():
    clock = Clock()
    assert abs(clock.timestamp() - datetime.now(UTC).timestamp()) < 5
    assert abs(clock.timestamp() - clock.now().timestamp()) < 1


@pytest.mark.parametrize("call, value", [("freeze", "yesterday"), ("set", "2026-13-01"), ("advance", "1 fortnight")])
def test_bad_text_is_refused(call, value):
    with pytest.raises(ValueError):
        getattr(Clock(), call)(value)


async def test_records_are_stamped_by_their_organizations_clock(api, other_api):
    api.org.clock.freeze("2026-05-19T10:00:00Z")
    first = await api.create("clients", name="Acme")
    assert first["createdAt"] == first["updatedAt"] == "2026-05-19T10:00:00.000Z"
    api.org.clock.advance("1d2h")
    patched = await api.patch(f"clients/{first['id']}", {"name": "Acme 2"})
    assert patched.body["updatedAt"] == "2026-05-20T12:00:00.000Z"
    elsewhere = await other_api.create("clients", name="Other")  # its own clock follows real time
    created = datetime.fromisoformat(elsewhere["createdAt"])
    assert abs((created - datetime.now(UTC)).total_seconds()) < 60
