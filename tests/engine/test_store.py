"""The store keeps what it is given: sharing field sets between records changes no answer."""

from __future__ import annotations

from datetime import UTC, datetime

from mockcasa.models.crm import Client
from mockcasa.store import Collection

AT = datetime(2026, 5, 19, 10, 0, tzinfo=UTC)


def client(n: int, **fields) -> Client:
    return Client(id=f"00000000-0000-4000-8000-{n:012d}", name=f"Client {n}", created_at=AT, updated_at=AT,
                  **fields)


def test_stored_records_report_the_fields_they_were_given():
    store = Collection(["status"])
    full = [client(i, status="active", notes="n") for i in range(3)]
    partial = [client(i) for i in range(3, 6)]
    expected = {r.id: set(r.model_fields_set) for r in full + partial}
    for record in full + partial:
        store.add(record)
    assert {r.id: r.model_fields_set for r in store} == expected
    assert store.get(full[0].id).model_fields_set == {"id", "name", "created_at", "updated_at", "status", "notes"}
    assert store.get(partial[0].id).model_fields_set == {"id", "name", "created_at", "updated_at"}


def test_replacing_and_removing_keep_order_and_indexes():
    store = Collection(["status"])
    records = [client(i, status="active") for i in range(4)]
    for record in records:
        store.add(record)
    store.replace(records[1].model_copy(update={"status": "inactive"}))
    store.replace(records[2].model_copy(update={"notes": "same index values"}))
    store.remove(records[0])
    assert [r.id for r in store] == [records[1].id, records[2].id, records[3].id]
    assert [r.id for r in store.where("status", "active")] == [records[2].id, records[3].id]
    assert store.count("status", "inactive") == 1
    assert store.get(records[2].id).notes == "same index values"
    assert store.page({"status": "active"}, None, 0, 1) == ([store.get(records[2].id)], 2)


def test_queries_on_several_fields_match_a_plain_scan(monkeypatch):
    monkeypatch.setattr("mockcasa.store.SCAN_LIMIT", 0)  # always use the combined index
    store = Collection(["status", "notes"])
    statuses, notes = ("active", "inactive", "prospect"), ("a", "b")
    records = [client(i, status=statuses[i % 3], notes=notes[i % 2]) for i in range(60)]

    def expected(status: str, note: str) -> list[str]:
        return [r.id for r in store if r.status == status and r.notes == note]

    for record in records[:40]:
        store.add(record)
    page, total = store.page({"status": "active", "notes": "a"}, None, 2, 3)
    assert total == len(expected("active", "a")) and [r.id for r in page] == expected("active", "a")[2:5]
    # The combined index now exists and must follow every later change.
    for record in records[40:]:
        store.add(record)
    store.remove(records[0])
    store.replace(records[6].model_copy(update={"notes": "b"}))
    for status in statuses:
        for note in notes:
            page, total = store.page({"status": status, "notes": note}, None, 0, 100)
            assert [r.id for r in page] == expected(status, note) and total == len(page)
    assert store.page({"status": "active", "notes": "zzz"}, None, 0, 10) == ([], 0)
    store.clear()
    assert store.page({"status": "active", "notes": "a"}, None, 0, 10) == ([], 0)
