"""The store keeps what it is given: sharing field sets between records changes no answer."""

from __future__ import annotations

import gc
import sys
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError, create_model

from mockcasa.compact import updated
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


def test_combined_indexes_hold_records_once_their_values_are_hot(monkeypatch):
    """A combined index holds a record only when every value of it has had a big bucket (``_heat``):
    values turning hot on the way, in any order, and records leaving must still give scan answers."""
    monkeypatch.setattr("mockcasa.store.SCAN_LIMIT", 3)
    store = Collection(["status", "notes"], combined=[("status", "notes")])
    statuses, notes = ("active", "inactive", "prospect"), ("a", "b", "c", "d", "e")
    records = [client(i, status=statuses[i % 3 if i < 30 else 0], notes=notes[(i * 7) % 5 if i > 10 else 0])
               for i in range(60)]

    def check() -> None:
        for status in statuses:
            for note in notes:
                expected = [r.id for r in store if r.status == status and r.notes == note]
                page, total = store.page({"status": status, "notes": note}, None, 0, 100)
                assert [r.id for r in page] == expected and total == len(expected)

    for i, record in enumerate(records):
        store.add(record)
        if i % 7 == 0:
            check()
    for record in records[::4]:
        store.remove(record)
    store.replace(store.get(records[5].id).model_copy(update={"notes": "e"}))
    check()
    copy = store.copy()
    for record in records[1::4]:
        store.remove(record)
    check()
    store = copy
    check()


def test_buckets_of_every_size_answer_alike(monkeypatch):
    """An index value held by one record (the key alone), a few (a tuple, then a list) or many (a SortedList)."""
    monkeypatch.setattr("mockcasa.buckets.KEYS_LIMIT", 2)
    monkeypatch.setattr("mockcasa.buckets.BUCKET_LIMIT", 4)
    store = Collection(["notes"])
    records = [client(i, notes=str(min(i, 7))) for i in range(12)]  # "7": 5 records, past the limit
    for record in records:
        store.add(record)
    for note in map(str, range(8)):
        ids = [r.id for r in store if r.notes == note]
        assert [r.id for r in store.where("notes", note)] == ids and store.count("notes", note) == len(ids)
        assert store.page({"notes": note}, None, 0, 2) == ([store.get(i) for i in ids[:2]], len(ids))
    for record in records[7:11]:
        store.remove(record)
    assert [r.id for r in store.where("notes", "7")] == [records[11].id]
    store.remove(records[11])
    assert store.where("notes", "7") == [] and store.count("notes", "7") == 0
    copy = store.copy()
    store.remove(records[0])
    assert [r.id for r in copy.where("notes", "0")] == [records[0].id] and store.where("notes", "0") == []


def test_stored_records_share_their_field_names():
    """A stored model keeps its fields in a key-sharing dict (``compact.split``), smaller than its own."""
    store = Collection(["status"])
    given = client(1, status="active", notes="n")
    store.add(given)
    stored = store.get(given.id)
    assert stored == given and stored.model_dump_json() == given.model_dump_json()
    assert sys.getsizeof(stored.__dict__) < sys.getsizeof(dict(stored.__dict__))


def test_records_validated_many_times_before_storing_still_share_their_field_names():
    """CPython lets a class's shared names grow only while it has few instances: the models register
    theirs when the class is created (``compact.share_field_names``)."""
    Late = create_model("Late", __base__=Client)
    many = [Late.model_validate(client(i).model_dump()) for i in range(100)]
    store = Collection()
    store.add(many[0])
    stored = store.get(many[0].id)
    assert sys.getsizeof(stored.__dict__) < sys.getsizeof(dict(stored.__dict__))


def test_a_stored_model_copied_by_updated_equals_model_copy_and_keeps_no_dict():
    """``compact.updated`` answers as ``model_copy(update=...)`` does, without a dict for the stored model."""
    store = Collection(["status"])
    store.add(client(1, status="active"))
    stored = next(iter(store))
    copy = updated(stored, {"notes": "n"})
    expected = client(1, status="active").model_copy(update={"notes": "n"})
    assert copy == expected and copy.model_fields_set == expected.model_fields_set
    assert copy.model_dump_json() == expected.model_dump_json() and stored.notes is None
    assert not any(type(r) is dict for r in gc.get_referents(stored))


def test_equal_floats_of_a_record_share_one_object_and_negative_zero_stays_itself():
    Priced = create_model("Priced", __base__=Client, a=(float, 0.0), b=(float, 0.0), c=(float, 0.0))
    given = Priced(id=client(1).id, name="x", created_at=AT, updated_at=AT, a=1234.5, b=float("1234.5"), c=-0.0)
    store = Collection()
    store.add(given)
    stored = store.get(given.id)
    assert stored.a is stored.b and stored.model_dump_json() == given.model_dump_json()
    assert str(stored.c) == "-0.0"


def test_shared_strings_and_empty_lists_change_no_answer():
    """Repeated strings share one object, a record's own id stays its own, and every empty list field
    of a collection is one list: the stored records still equal and render as they were given."""
    Tagged = create_model("Tagged", __base__=Client, tag_ids=(list[str], []), owner_id=(str | None, None))
    given = [Tagged(id=client(i).id, name="A studio with a long name", created_at=AT, updated_at=AT,
                    owner_id=str(client(99).id) if i else None, tag_ids=[] if i % 2 else ["x" * 20])
             for i in range(4)]
    store = Collection()
    for record in given:
        store.add(record.model_copy(deep=True))
    stored = [store.get(r.id) for r in given]
    assert stored == given and [s.model_dump_json() for s in stored] == [g.model_dump_json() for g in given]
    assert stored[1].name is stored[2].name and stored[1].owner_id is stored[2].owner_id
    assert stored[1].tag_ids is stored[3].tag_ids == [] and stored[0].tag_ids is not stored[1].tag_ids


def test_equal_nested_models_are_stored_once_and_change_no_answer():
    """A nested model equal to one already stored (a venue's "Lawn" space) is stored as that one; models
    equal only as Python compares them (``1 == 1.0 == True``, ``0.0 == -0.0``) or set differently stay apart."""
    Space = create_model("Space", name=(str, ...), size=(float | int | bool | None, None))
    Spaced = create_model("Spaced", __base__=Client, spaces=(list[Space], []))
    sizes = [1.0, 1.0, 1, True, 0.0, -0.0, -0.0, None]
    given = [Spaced(id=client(i).id, name="x", created_at=AT, updated_at=AT,
                    spaces=[Space(name="Lawn", size=size)] if size is not None else [Space(name="Lawn")])
             for i, size in enumerate(sizes)]
    given.append(given[-1].model_copy(update={"id": client(9).id, "spaces": [Space(name="Lawn", size=None)]}))
    store = Collection()
    for record in given:
        store.add(record.model_copy(deep=True))
    stored = [store.get(r.id).spaces[0] for r in given]
    assert [store.get(r.id) for r in given] == given
    assert [store.get(r.id).model_dump_json() for r in given] == [r.model_dump_json() for r in given]
    assert stored[0] is stored[1] and stored[4] is not stored[5] and stored[5] is not stored[6]
    assert len({id(s) for s in stored[1:5]}) == 4 and stored[7] is not stored[8]


def test_parts_validate_render_and_document_as_the_models_of_their_fields():
    """A part (``models.common.Part``: a venue's space, an invoice's line item) is the API model of its
    fields kept in slots: the same validation, JSON, schema and ``model_dump``, and no ``__dict__``."""
    from pydantic import TypeAdapter

    from mockcasa.models.billing import InvoiceLineItem
    from mockcasa.models.common import ApiModel

    Model = create_model("InvoiceLineItem", __base__=ApiModel,
                         **{name: (info.annotation, info) for name, info in InvoiceLineItem.model_fields.items()})
    given = [{"id": "8E6F0B8A-1D2C-4F3A-9B7E-0C1D2E3F4A5B", "description": "Design", "quantity": 2, "unitPrice": 1.5,
              "total": 3}, {"id": "8e6f0b8a-1d2c-4f3a-9b7e-0c1d2e3f4a5c", "description": "Travel", "quantity": 1,
                            "unit_price": 0, "taxable": True, "discountPercent": 10, "total": 0}]
    parts, models = TypeAdapter(list[InvoiceLineItem]), TypeAdapter(list[Model])
    for mode in ("validation", "serialization"):
        assert parts.json_schema(mode=mode) == models.json_schema(mode=mode)
    part, model = parts.validate_python(given), models.validate_python(given)
    assert parts.dump_json(part) == models.dump_json(model)
    assert [p.model_dump() for p in part] == [m.model_dump() for m in model]
    assert [p.model_dump(by_alias=True) for p in part] == [m.model_dump(by_alias=True) for m in model]
    assert not hasattr(part[0], "__dict__") and part[0] == parts.validate_python(given)[0]
    bad = [{**given[0], "quantity": "2"}, {**given[1], "id": "nope"}]
    errors = [[(e["loc"], e["type"]) for e in exc.errors()] for exc in
              (pytest.raises(ValidationError, adapter.validate_python, bad).value for adapter in (parts, models))]
    assert errors[0] == errors[1]
    Lined = create_model("Lined", __base__=Client, line_items=(list[InvoiceLineItem], []))
    store = Collection()
    for n in range(3):
        store.add(Lined(id=client(n).id, name="x", created_at=AT, updated_at=AT,
                        line_items=given if n < 2 else [{**given[0], "total": -0.0}]))
    stored = [store.get(client(n).id) for n in range(3)]
    assert stored[0].line_items[1] is stored[1].line_items[1] and stored[2].line_items[0] is not stored[0].line_items[0]
    assert [parts.dump_json(s.line_items) for s in stored[:2]] == [parts.dump_json(part)] * 2
    assert str(stored[2].line_items[0].total) == "-0.0"
