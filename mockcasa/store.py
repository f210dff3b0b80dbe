"""Per-organization record storage with ordered pagination and equality indexes.

A ``Collection`` keeps one resource's records of one organization. Records are
ordered newest first (ties by id) in a sorted list, and every indexed field has a
sorted list per value, so a filtered page costs O(log n + pageSize) however many
records there are. List-valued fields (an invoice's projectIds) index each element.
A query on several indexed fields at once uses an index on that combination, built
the first time it is needed (unless one of its buckets is small enough to scan). Fields with
range filters (dates, timestamps) are also kept in value order, so a range is counted by
bisection and only its own records are looked at.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from itertools import product
from typing import Any

from pydantic import BaseModel
from sortedcontainers import SortedList

Predicate = Callable[[Any], bool]
# A filtered query scans its smallest bucket when that bucket is at most this big (well under a
# millisecond); beyond it, a query on several indexed fields builds an index on the combination.
SCAN_LIMIT = 1000
# Sorts after every order key, so (value, _TOP) bounds every entry holding ``value``.
_TOP = (math.inf, "")


def _order_key(record: Any) -> tuple[float, str]:
    return (-record.created_at.timestamp(), record.id)


class Collection:
    __slots__ = ("_combined", "_field_sets", "_indexes", "_order", "_ranges", "records", "undo")

    def __init__(self, indexed_fields: Iterable[str] = (), ranged_fields: Iterable[str] = ()) -> None:
        self.records: dict[str, Any] = {}
        self._order = SortedList()
        self._indexes: dict[str, dict[Any, SortedList]] = {f: {} for f in indexed_fields}
        self._field_sets: dict[frozenset[str], set[str]] = {}
        # (field, field, ...) -> (value, value, ...) -> keys: built on demand by _combined_bucket.
        self._combined: dict[tuple[str, ...], dict[tuple, SortedList]] = {}
        # field -> (value, order key) for every record whose value is not None, in value order.
        self._ranges: dict[str, SortedList] = {f: SortedList() for f in ranged_fields}
        # While a transaction is open: how to take back each change, in order (see ``rollback``).
        self.undo: list[tuple[Collection, str, Any]] | None = None

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[Any]:
        """Records newest first."""
        records = self.records
        return (records[key[1]] for key in self._order)

    def get(self, record_id: str) -> Any | None:
        return self.records.get(record_id)

    def add(self, record: Any) -> None:
        if self.undo is not None:
            self.undo.append((self, "added", record))
        if isinstance(record, BaseModel):
            share_fields_sets(record, self._field_sets)
        key = _order_key(record)
        self.records[record.id] = record
        self._order.add(key)
        for field, index in self._indexes.items():
            _index_add(index, _values(getattr(record, field)), key)
        for fields, index in self._combined.items():
            _index_add(index, _combinations(record, fields), key)
        for field, ordered in self._ranges.items():
            value = getattr(record, field)
            if value is not None:
                ordered.add((value, key))

    def remove(self, record: Any) -> None:
        # Keys are recomputed from the stored version: stored records are never changed in place.
        old = self.records.pop(record.id)
        if self.undo is not None:
            self.undo.append((self, "removed", old))
        key = _order_key(old)
        self._order.remove(key)
        for field, index in self._indexes.items():
            _index_remove(index, _values(getattr(old, field)), key)
        for fields, index in self._combined.items():
            _index_remove(index, _combinations(old, fields), key)
        for field, ordered in self._ranges.items():
            value = getattr(old, field)
            if value is not None:
                ordered.remove((value, key))

    def replace(self, record: Any) -> None:
        """Store a new version of a record (same id)."""
        old = self.records.get(record.id)
        if old is not None and old.created_at == record.created_at \
                and all(getattr(old, f) == getattr(record, f) for f in (*self._indexes, *self._ranges)):
            if isinstance(record, BaseModel):
                share_fields_sets(record, self._field_sets)
            if self.undo is not None:
                self.undo.append((self, "swapped", old))
            self.records[record.id] = record
            return
        if old is not None:
            self.remove(old)
        self.add(record)

    def take_back(self, change: str, record: Any) -> None:
        """Undo one logged change (``rollback`` calls this newest first, with logging off)."""
        if change == "added":
            self.remove(record)
        elif change == "removed":
            self.add(record)
        else:
            self.records[record.id] = record

    def copy(self) -> Collection:
        """An independent copy (records are immutable and shared); used to stage changes aside."""
        clone = Collection(())
        clone.records = dict(self.records)
        clone._order = self._order.copy()
        clone._indexes = {f: {v: bucket.copy() for v, bucket in index.items()}
                          for f, index in self._indexes.items()}
        clone._ranges = {f: ordered.copy() for f, ordered in self._ranges.items()}
        return clone  # combined indexes are rebuilt on demand; field sets stay shared

    def clear(self) -> None:
        self.records.clear()
        self._order.clear()
        for index in self._indexes.values():
            index.clear()
        self._combined.clear()
        for ordered in self._ranges.values():
            ordered.clear()

    def count(self, field: str, value: Any) -> int:
        bucket = self._indexes[field].get(value)
        return len(bucket) if bucket else 0

    def values(self, field: str) -> list[Any]:
        """The distinct values an indexed field holds (in no particular order)."""
        return list(self._indexes[field])

    def where(self, field: str, value: Any) -> list[Any]:
        bucket = self._indexes[field].get(value) or ()
        return [self.records[key[1]] for key in bucket]

    def page(self, equals: dict[str, Any], predicate: Predicate | None, offset: int, limit: int,
             ranges: dict[str, list[Any]] | None = None) -> tuple[list[Any], int]:
        """One page of records matching ``equals`` (indexed fields), ``ranges`` (field -> [low, high],
        inclusive, either may be None) and ``predicate``, and the total."""
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
        bounds = [(f, lo, hi) for f, (lo, hi) in (ranges or {}).items()]
        spans = {f: self._span(f, lo, hi) for f, lo, hi in bounds if f in self._ranges}
        if spans:
            field = min(spans, key=lambda f: spans[f][1] - spans[f][0])
            start, stop = spans[field]
            if base is self._order or stop - start < len(base):
                checks = list(equals.items())
                others = [b for b in bounds if b[0] != field]
                return self._range_page(field, start, stop, checks, others, predicate, offset, limit)
        checks = [(f, v) for f, v in equals.items() if f not in chosen]
        records = self.records
        if not checks and not bounds and predicate is None:
            keys = base.islice(offset, offset + limit)
            return [records[k[1]] for k in keys], len(base)
        matched = (r for r in (records[k[1]] for k in base) if _matches(r, checks, bounds, predicate))
        return _slice(matched, offset, limit)

    def _span(self, field: str, low: Any, high: Any) -> tuple[int, int]:
        """Positions in the field's value order of the entries with low <= value <= high."""
        ordered = self._ranges[field]
        start = 0 if low is None else ordered.bisect_left((low,))
        stop = len(ordered) if high is None else ordered.bisect_right((high, _TOP))
        return start, max(start, stop)

    def _range_page(self, field: str, start: int, stop: int, checks: list, bounds: list,
                    predicate: Predicate | None, offset: int, limit: int) -> tuple[list[Any], int]:
        """A page served from a range: counted by bisection, ordered by sorting only its own keys."""
        records = self.records
        if not checks and not bounds and predicate is None:
            total = stop - start
            if total > 8 * SCAN_LIMIT and (offset + limit) * 8 < len(self._order):
                # A wide range: walking the newest-first order finds a page after a few pages' worth.
                low, high = self._ranges[field][start][0], self._ranges[field][stop - 1][0]
                wide = [(field, low, high)]
                matched = (r for r in (records[k[1]] for k in self._order) if _matches(r, (), wide, None))
                return [r for _, r in zip(range(offset + limit), matched)][offset:], total
            keys = sorted(key for _, key in self._ranges[field].islice(start, stop))
            return [records[k[1]] for k in keys[offset:offset + limit]], total
        # Check first, then sort only what matched (the page is in newest-first order).
        keys = sorted(key for _, key in self._ranges[field].islice(start, stop)
                      if _matches(records[key[1]], checks, bounds, predicate))
        return [records[k[1]] for k in keys[offset:offset + limit]], len(keys)

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


def _matches(record: Any, checks: Iterable[tuple[str, Any]], bounds: Iterable[tuple[str, Any, Any]],
             predicate: Predicate | None) -> bool:
    for field, value in checks:
        if value not in _values(getattr(record, field)):
            return False
    for field, low, high in bounds:
        value = getattr(record, field)
        if value is None or (low is not None and value < low) or (high is not None and value > high):
            return False
    return predicate is None or predicate(record)


def _slice(matched: Iterable[Any], offset: int, limit: int) -> tuple[list[Any], int]:
    """The page of ``matched`` at ``offset`` and how many there are in all."""
    page: list[Any] = []
    total = 0
    for record in matched:
        if offset <= total < offset + limit:
            page.append(record)
        total += 1
    return page, total


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
