"""Per-organization record storage with ordered pagination and equality indexes.

A ``Collection`` keeps one resource's records of one organization. Records are
ordered newest first (ties by id) in a sorted list, and every indexed field has a
sorted list per value, so a filtered page costs O(log n + pageSize) however many
records there are. List-valued fields (an invoice's projectIds) index each element.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pydantic import BaseModel
from pydantic_core import to_jsonable_python
from sortedcontainers import SortedList

Predicate = Callable[[Any], bool]


def _order_key(record: Any) -> tuple[float, str]:
    return (-record.created_at.timestamp(), record.id)


class Collection:
    __slots__ = ("_indexes", "_keys", "_order", "records")

    def __init__(self, indexed_fields: Iterable[str] = ()) -> None:
        self.records: dict[str, Any] = {}
        self._order = SortedList()
        self._indexes: dict[str, dict[Any, SortedList]] = {f: {} for f in indexed_fields}
        self._keys: dict[str, tuple[float, str]] = {}

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[Any]:
        """Records newest first."""
        records = self.records
        return (records[key[1]] for key in self._order)

    def get(self, record_id: str) -> Any | None:
        return self.records.get(record_id)

    def add(self, record: Any) -> None:
        key = _order_key(record)
        self.records[record.id] = record
        self._keys[record.id] = key
        self._order.add(key)
        for field, index in self._indexes.items():
            for value in _values(getattr(record, field)):
                bucket = index.get(value)
                if bucket is None:
                    bucket = index[value] = SortedList()
                bucket.add(key)

    def remove(self, record: Any) -> None:
        key = self._keys.pop(record.id)
        old = self.records.pop(record.id)
        self._order.remove(key)
        for field, index in self._indexes.items():
            for value in _values(getattr(old, field)):
                bucket = index[value]
                bucket.remove(key)
                if not bucket:
                    del index[value]

    def replace(self, record: Any) -> None:
        """Store a new version of a record (same id)."""
        old = self.records.get(record.id)
        if old is not None and all(getattr(old, f) == getattr(record, f) for f in self._indexes) \
                and old.created_at == record.created_at:
            self.records[record.id] = record
            return
        if old is not None:
            self.remove(old)
        self.add(record)

    def copy(self) -> Collection:
        """An independent copy (records are immutable and shared); used to stage changes aside."""
        clone = Collection(())
        clone.records = dict(self.records)
        clone._keys = dict(self._keys)
        clone._order = self._order.copy()
        clone._indexes = {f: {v: bucket.copy() for v, bucket in index.items()}
                          for f, index in self._indexes.items()}
        return clone

    def clear(self) -> None:
        self.records.clear()
        self._keys.clear()
        self._order.clear()
        for index in self._indexes.values():
            index.clear()

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
        # Walk the smallest index bucket that applies; the other conditions are checked per record.
        base: SortedList = self._order
        chosen: str | None = None
        for field, value in equals.items():
            index = self._indexes.get(field)
            if index is None:
                continue
            bucket = index.get(value)
            if bucket is None:
                return [], 0
            if chosen is None or len(bucket) < len(base):
                base, chosen = bucket, field
        checks = [(f, v) for f, v in equals.items() if f != chosen]
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


def _values(value: Any) -> tuple:
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return (value,)


def snapshot_record(record: BaseModel) -> dict[str, Any]:
    """A record as plain JSON-ready data, including internal (never served) fields."""
    data = record.model_dump(mode="json", by_alias=False)
    for name, field in type(record).model_fields.items():
        if field.exclude:  # model_dump leaves out internal fields; a snapshot must keep them
            data[name] = to_jsonable_python(getattr(record, name))
    return data
