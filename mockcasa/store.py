"""Per-organization record storage with ordered pagination and equality indexes.

A ``Collection`` keeps one resource's records of one organization. Records are
ordered newest first (ties by id) in a sorted list, and every indexed field has a
sorted list per value, so a filtered page costs O(log n + pageSize) however many
records there are. List-valued fields (an invoice's projectIds) index each element.
A query on several indexed fields at once uses an index on that combination, built
the first time it is needed (unless one of its buckets is small enough to scan).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import product
from typing import Any

from pydantic import BaseModel
from pydantic_core import to_jsonable_python
from sortedcontainers import SortedList

Predicate = Callable[[Any], bool]
# A filtered query scans its smallest bucket when that bucket is at most this big (well under a
# millisecond); beyond it, a query on several indexed fields builds an index on the combination.
SCAN_LIMIT = 1000


def _order_key(record: Any) -> tuple[float, str]:
    return (-record.created_at.timestamp(), record.id)


class Collection:
    __slots__ = ("_combined", "_field_sets", "_indexes", "_order", "records")

    def __init__(self, indexed_fields: Iterable[str] = ()) -> None:
        self.records: dict[str, Any] = {}
        self._order = SortedList()
        self._indexes: dict[str, dict[Any, SortedList]] = {f: {} for f in indexed_fields}
        self._field_sets: dict[frozenset[str], set[str]] = {}
        # (field, field, ...) -> (value, value, ...) -> keys: built on demand by _combined_bucket.
        self._combined: dict[tuple[str, ...], dict[tuple, SortedList]] = {}

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[Any]:
        """Records newest first."""
        records = self.records
        return (records[key[1]] for key in self._order)

    def get(self, record_id: str) -> Any | None:
        return self.records.get(record_id)

    def add(self, record: Any) -> None:
        if isinstance(record, BaseModel):
            share_fields_sets(record, self._field_sets)
        key = _order_key(record)
        self.records[record.id] = record
        self._order.add(key)
        for field, index in self._indexes.items():
            _index_add(index, _values(getattr(record, field)), key)
        for fields, index in self._combined.items():
            _index_add(index, _combinations(record, fields), key)

    def remove(self, record: Any) -> None:
        # Keys are recomputed from the stored version: stored records are never changed in place.
        old = self.records.pop(record.id)
        key = _order_key(old)
        self._order.remove(key)
        for field, index in self._indexes.items():
            _index_remove(index, _values(getattr(old, field)), key)
        for fields, index in self._combined.items():
            _index_remove(index, _combinations(old, fields), key)

    def replace(self, record: Any) -> None:
        """Store a new version of a record (same id)."""
        old = self.records.get(record.id)
        if old is not None and all(getattr(old, f) == getattr(record, f) for f in self._indexes) \
                and old.created_at == record.created_at:
            if isinstance(record, BaseModel):
                share_fields_sets(record, self._field_sets)
            self.records[record.id] = record
            return
        if old is not None:
            self.remove(old)
        self.add(record)

    def copy(self) -> Collection:
        """An independent copy (records are immutable and shared); used to stage changes aside."""
        clone = Collection(())
        clone.records = dict(self.records)
        clone._order = self._order.copy()
        clone._indexes = {f: {v: bucket.copy() for v, bucket in index.items()}
                          for f, index in self._indexes.items()}
        return clone  # combined indexes are rebuilt on demand; field sets stay shared

    def clear(self) -> None:
        self.records.clear()
        self._order.clear()
        for index in self._indexes.values():
            index.clear()
        self._combined.clear()

    def count(self, field: str, value: Any) -> int:
        bucket = self._indexes[field].get(value)
        return len(bucket) if bucket else 0

    def values(self, field: str) -> list[Any]:
        """The distinct values an indexed field holds (in no particular order)."""
        return list(self._indexes[field])

    def where(self, field: str, value: Any) -> list[Any]:
        bucket = self._indexes[field].get(value) or ()
        return [self.records[key[1]] for key in bucket]

    def page(self, equals: dict[str, Any], predicate: Predicate | None,
             offset: int, limit: int) -> tuple[list[Any], int]:
        """One page of records matching ``equals`` (indexed fields) and ``predicate``, and the total."""
        # Walk the smallest index bucket that applies (or the combined index of all the indexed
        # fields, when every bucket is big); the other conditions are checked per record.
        base: SortedList = self._order
        chosen: tuple[str, ...] = ()
        indexed = {f: v for f, v in equals.items() if f in self._indexes}
        for field, value in indexed.items():
            bucket = self._indexes[field].get(value)
            if bucket is None:
                return [], 0
            if not chosen or len(bucket) < len(base):
                base, chosen = bucket, (field,)
        if len(indexed) > 1 and len(base) > SCAN_LIMIT:
            chosen = tuple(sorted(indexed))
            base = self._combined_bucket(chosen).get(tuple(indexed[f] for f in chosen))
            if base is None:
                return [], 0
        checks = [(f, v) for f, v in equals.items() if f not in chosen]
        records = self.records
        if not checks and predicate is None:
            keys = base.islice(offset, offset + limit)
            return [records[k[1]] for k in keys], len(base)

        def matches(record: Any) -> bool:
            for field, value in checks:
                if value not in _values(getattr(record, field)):
                    return False
            return predicate is None or predicate(record)

        matched = (r for r in (records[k[1]] for k in base) if matches(r))
        page: list[Any] = []
        total = 0
        for record in matched:
            if offset <= total < offset + limit:
                page.append(record)
            total += 1
        return page, total


    def _combined_bucket(self, fields: tuple[str, ...]) -> dict[tuple, SortedList]:
        """The index on ``fields`` together, built from every record the first time it is asked for."""
        index = self._combined.get(fields)
        if index is None:
            keys: dict[tuple, list] = {}
            records = self.records
            for key in self._order:  # in order, so each list is already sorted
                for value in _combinations(records[key[1]], fields):
                    keys.setdefault(value, []).append(key)
            index = self._combined[fields] = {value: SortedList(found) for value, found in keys.items()}
        return index


def _index_add(index: dict[Any, SortedList], values: Iterable, key: tuple[float, str]) -> None:
    for value in values:
        bucket = index.get(value)
        if bucket is None:
            bucket = index[value] = SortedList()
        bucket.add(key)


def _index_remove(index: dict[Any, SortedList], values: Iterable, key: tuple[float, str]) -> None:
    for value in values:
        bucket = index[value]
        bucket.remove(key)
        if not bucket:
            del index[value]


def _combinations(record: Any, fields: tuple[str, ...]) -> Iterator[tuple]:
    """Every value tuple a record has for ``fields`` (several when a field holds a list)."""
    return product(*(_values(getattr(record, field)) for field in fields))


def _values(value: Any) -> tuple:
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return (value,)


def share_fields_sets(model: BaseModel, pool: dict[frozenset[str], set[str]]) -> None:
    """Let stored models (and the models nested in them) with equal field sets share one set object.

    pydantic keeps a ``__pydantic_fields_set__`` per instance: ~700 bytes for five or more
    fields, half of what a stored record costs. The shared set has the same contents, so
    ``model_fields_set`` answers exactly as before; assigning a field on a stored record (which
    the engine never does: updates store a new version) would add its name for all of them.
    """
    fields_set = model.__pydantic_fields_set__
    key = frozenset(fields_set)
    shared = pool.setdefault(key, fields_set)
    if shared is not fields_set:
        object.__setattr__(model, "__pydantic_fields_set__", shared)
    for value in model.__dict__.values():
        if isinstance(value, BaseModel):
            share_fields_sets(value, pool)
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            for item in value:
                share_fields_sets(item, pool)


def snapshot_record(record: BaseModel) -> dict[str, Any]:
    """A record as plain JSON-ready data, including internal (never served) fields."""
    data = record.model_dump(mode="json", by_alias=False)
    for name, field in type(record).model_fields.items():
        if field.exclude:  # model_dump leaves out internal fields; a snapshot must keep them
            data[name] = to_jsonable_python(getattr(record, name))
    return data
