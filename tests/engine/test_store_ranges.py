"""Range filters served from the value-ordered index give exactly what a plain scan gives."""

import random
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from mockcasa.store import Collection

START = datetime(2026, 1, 1, tzinfo=UTC)


def _world(n: int, seed: int) -> tuple[Collection, list]:
    rng = random.Random(seed)
    store = Collection(("status",), ("day",))
    records = []
    for i in range(n):
        record = SimpleNamespace(
            id=f"{i:08d}", created_at=START + timedelta(seconds=rng.randrange(n // 2 or 1)),
            status=rng.choice(["a", "b", "c"]),
            day=None if rng.random() < 0.1 else date(2026, 1, 1) + timedelta(days=rng.randrange(365)))
        store.add(record)
        records.append(record)
    return store, records


def _expected(records, status, low, high, offset, limit):
    kept = [r for r in records
            if (status is None or r.status == status) and r.day is not None
            and (low is None or r.day >= low) and (high is None or r.day <= high)]
    kept.sort(key=lambda r: (-r.created_at.timestamp(), r.id))
    return [r.id for r in kept[offset:offset + limit]], len(kept)


@pytest.mark.parametrize("n", [50, 3000, 30000])
def test_range_pages_match_a_scan(n):
    store, records = _world(n, seed=n)
    rng = random.Random(1)
    days = [date(2026, 1, 1) + timedelta(days=d) for d in (0, 3, 40, 200, 364, 400)]
    for _ in range(40):
        low, high = rng.choice(days + [None]), rng.choice(days + [None])
        status = rng.choice([None, "a"])
        offset, limit = rng.choice([0, 25, 100, 2000]), rng.choice([1, 25, 100])
        equals = {} if status is None else {"status": status}
        page, total = store.page(equals, None, offset, limit, {"day": [low, high]})
        assert ([r.id for r in page], total) == _expected(records, status, low, high, offset, limit)


def test_replaced_and_removed_records_leave_the_range_index():
    store, records = _world(100, seed=7)
    first = next(r for r in records if r.day is not None)
    moved = SimpleNamespace(**{**vars(first), "day": date(2030, 1, 1)})
    store.replace(moved)
    page, total = store.page({}, None, 0, 10, {"day": [date(2030, 1, 1), None]})
    assert [r.id for r in page] == [first.id] and total == 1
    store.remove(moved)
    assert store.page({}, None, 0, 10, {"day": [date(2030, 1, 1), None]}) == ([], 0)
    assert store.copy().page({}, None, 0, 10, {"day": [None, None]})[1] == sum(
        1 for r in records if r.day is not None and r.id != first.id)
