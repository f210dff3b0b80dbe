"""Per-organization record storage with ordered pagination and equality indexes.

A ``Collection`` keeps one resource's records of one organization. Records are
ordered newest first (ties by id) in a sorted list, and every indexed field has a
sorted list per value, so a filtered page costs O(log n + pageSize) however many
records there are. List-valued fields (an invoice's projectIds) index each element.
A query on several indexed fields at once uses an index on that combination, built
the first time it is needed (unless one of its buckets is small enough to scan). A combined index
holds only the records whose values are all *hot* (their buckets have held more than ``SCAN_LIMIT``
keys): a query reads it only when every bucket is that big, and most pairs of values (one client's
invoices in one status) are not, so it costs nothing for them. Fields with
range filters (dates, timestamps) are also kept in value order, so a range is counted by
bisection and only its own records are looked at.

Derived fields (an invoice's status, computed from its payments, due date and the organization's
clock) are indexed like stored ones. A collection whose kind declares a ``Derivation`` keeps each
record's derived values beside it, recomputed whenever the record, a record it reads (an invoice's
payments: ``Derivation.inputs``) or the day changes; a day change recomputes only the records whose
``Derivation.dates`` lie between the old and the new day. The values are a function of the stored
records and the day, so rolling a transaction back (which takes each record change back through
``add``/``remove``/``take_back``) recomputes them as they were. Rendered JSON of recently read records
is kept too (``rendered``/``keep_rendered``) and dropped whenever the record or its derived values change.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, timedelta
from itertools import product
from typing import Any, Protocol

from pydantic import BaseModel
from sortedcontainers import SortedList

from mockcasa import buckets
from mockcasa.compact import Pool, compact
from mockcasa.undo import UndoLog

Predicate = Callable[[Any], bool]
# A filtered query scans its smallest bucket when that bucket is at most this big (well under a
# millisecond); beyond it, a query on several indexed fields builds an index on the combination.
SCAN_LIMIT = 1000
_NONE_HOT: frozenset = frozenset()  # a field without hot values
_NO_FIELDS: frozenset[str] = frozenset()  # a collection without derived fields
# Sorts after every order key, so (value, _TOP) bounds every entry holding ``value``.
_TOP = (math.inf, "")
# Rendered JSON kept per collection: the most recently rendered records, oldest dropped first.
RENDERED_LIMIT = 4096


class Derivation(Protocol):
    """How a kind's derived fields are computed (``engine.resource.Resource.derivation``)."""

    fields: tuple[str, ...]  # derived fields to index, in ``values`` order
    names: frozenset[str]  # the same fields, as a set (looked up on every add, update and removal)
    inputs: tuple[tuple[str, str], ...]  # (resource, field naming our record): records the values read
    dates: tuple[str, ...]  # indexed date fields: the values change only when the day passes one

    def values(self, collections: Mapping[str, Collection], today: date, record: Any) -> tuple: ...


def _order_key(record: Any) -> tuple[float, str]:
    return (-record.created_at.timestamp(), record.id)


class Collection:
    __slots__ = (
        "_combined",
        "_derived",
        "_hot",
        "_indexes",
        "_order",
        "_pool",
        "_ranges",
        "_rendered",
        "_stale",
        "_today",
        "derivation",
        "family",
        "log",
        "records",
        "watchers",
    )

    def __init__(self, indexed_fields: Iterable[str] = (), ranged_fields: Iterable[str] = (),
                 derivation: Derivation | None = None, combined: Iterable[tuple[str, ...]] = ()) -> None:
        self.records: dict[str, Any] = {}
        self._order = SortedList()
        self.derivation = derivation
        derived_fields = derivation.fields if derivation is not None else ()
        self._indexes: dict[str, dict[Any, SortedList]] = {f: {} for f in (*indexed_fields, *derived_fields)}
        # id -> the record's derived values (``derivation.fields`` order), computed for ``_today``;
        # ids in ``_stale`` have none yet (no day known, or inputs changed before it was).
        self._derived: dict[str, tuple] = {}
        self._stale: set[str] = set()
        self._today: date | None = None
        # The organization's collections by resource name (``link``), and the collections whose
        # derived values read this one's records: (field naming their record, collection).
        self.family: Mapping[str, Collection] = {}
        self.watchers: list[tuple[str, Collection]] = []
        self._rendered: dict[str, bytes] = {}
        self._pool = Pool()  # values its records share (``mockcasa.compact``)
        # (field, field, ...) -> (value, value, ...) -> keys: built on demand by _combined_bucket.
        # Declared combinations (``combined``, sorted names) are kept as records arrive; others are
        # built the first time a query needs them.
        self._combined: dict[tuple[str, ...], dict[tuple, SortedList]] = {tuple(sorted(f)): {} for f in combined}
        # field -> (value, order key) for every record whose value is not None, in value order.
        self._ranges: dict[str, SortedList] = {f: SortedList() for f in ranged_fields}
        # field -> the values whose bucket has held more than SCAN_LIMIT keys: only records whose
        # values are all hot are in the combined indexes (see ``_heat``).
        # Sets made for a field when its first value turns hot (most fields of most collections never do).
        self._hot: dict[str, set] = {}
        # Where a transaction logs how to take back each change: one log for the whole family (``link``).
        self.log = UndoLog()

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[Any]:
        """Records newest first."""
        records = self.records
        return (records[key[1]] for key in self._order)

    def get(self, record_id: str) -> Any | None:
        return self.records.get(record_id)

    def add(self, record: Any) -> None:
        """Store ``record``: an equal, compacted copy of it (``mockcasa.compact``), which reads return."""
        if isinstance(record, BaseModel):
            record = compact(record, self._pool, self._indexes)
        changes = self.log.changes
        if changes is not None:
            changes.append((self, "added", record))
        key = _order_key(record)
        self.records[record.id] = record
        self._order.add(key)
        derived = self._derived_fields()
        stored = [f for f in self._indexes if f not in derived] if derived else self._indexes
        for field in stored:
            buckets.add(self._indexes[field], _values(getattr(record, field)), key)
        for fields, index in self._combined.items():
            if derived.isdisjoint(fields):
                buckets.add(index, self._hot_combinations(record, fields), key)
        self._heat(record, stored)
        for field, ordered in self._ranges.items():
            value = getattr(record, field)
            if value is not None:
                ordered.add((value, key))
        if self.derivation is not None:
            self._derive(record, key)
        if self.watchers:
            self._inputs_changed(record)

    def remove(self, record: Any) -> None:
        # Keys are recomputed from the stored version: stored records are never changed in place.
        old = self.records[record.id]
        changes = self.log.changes
        if changes is not None:
            changes.append((self, "removed", old))
        key = _order_key(old)
        self._underive(old, key)
        del self.records[record.id]
        self._order.remove(key)
        derived = self._derived_fields()
        for field, index in self._indexes.items():
            if field not in derived:
                buckets.remove(index, _values(getattr(old, field)), key)
        for fields, index in self._combined.items():
            if derived.isdisjoint(fields):
                buckets.remove(index, self._hot_combinations(old, fields), key)
        for field, ordered in self._ranges.items():
            value = getattr(old, field)
            if value is not None:
                ordered.remove((value, key))
        self._inputs_changed(old)

    def replace(self, record: Any) -> None:
        """Store a new version of a record (same id)."""
        old = self.records.get(record.id)
        derived = self._derived_fields()
        if old is not None and old.created_at == record.created_at \
                and all(getattr(old, f) == getattr(record, f) for f in (*self._indexes, *self._ranges)
                        if f not in derived):
            if isinstance(record, BaseModel):
                record = compact(record, self._pool, self._indexes)
            changes = self.log.changes
            if changes is not None:
                changes.append((self, "swapped", old))
            self._swap(old, record)
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
            self._swap(self.records[record.id], record)

    def _swap(self, old: Any, record: Any) -> None:
        """``record`` in place of ``old``, which has the same id, creation time and indexed values."""
        key = self._stored_key(old)
        self._underive(old, key)
        self.records[record.id] = record
        if self.derivation is not None:
            self._derive(record, key)
        self._inputs_changed(old, record)

    def _stored_key(self, record: Any) -> tuple[float, str]:
        """The order key object of a stored record, which every index holds (not an equal new one)."""
        return self._order[self._order.bisect_left(_order_key(record))]

    # -- hot values: the ones the combined indexes hold

    def _hot_combinations(self, record: Any, fields: tuple[str, ...]) -> Iterable[tuple]:
        """The value tuples of ``record`` for ``fields`` that a combined index holds: all values hot."""
        held = []
        for field in fields:
            hot = self._hot.get(field, _NONE_HOT)
            value = self._value(record, field)
            if isinstance(value, (list, tuple)):
                value = [v for v in value if v in hot]
                if not value:
                    return ()
                held.append(value)
            elif value in hot:
                held.append((value,))
            else:
                return ()  # the usual answer, found at the first field
        return product(*held)

    def _heat(self, record: Any, fields: Iterable[str]) -> None:
        """Mark the values of ``record`` (just indexed) whose bucket now holds more than SCAN_LIMIT keys
        hot, and add to the combined indexes the records that this makes all hot (once per value)."""
        for field in fields:
            index, hot = self._indexes[field], self._hot.get(field, _NONE_HOT)
            for value in _values(self._value(record, field)):
                if value not in hot and buckets.size(index, value) > SCAN_LIMIT:
                    hot = self._hot.setdefault(field, set())
                    hot.add(value)
                    self._backfill(field, value)

    def _backfill(self, field: str, value: Any) -> None:
        """Index in every combination with ``field`` the records holding ``value`` (just made hot)
        whose other values are hot too; none was indexed there with ``value`` before."""
        derived = self._derived_fields()
        records = self.records
        for fields, index in self._combined.items():
            if field not in fields:
                continue
            at = fields.index(field)
            for key in buckets.held(self._indexes[field], value) or ():
                if not derived.isdisjoint(fields) and key[1] not in self._derived:
                    continue  # not derived yet: ``_derive`` indexes it
                found = [t for t in self._hot_combinations(records[key[1]], fields) if t[at] == value]
                buckets.add(index, found, key)

    # -- derived fields

    def _derived_fields(self) -> frozenset[str]:
        return self.derivation.names if self.derivation is not None else _NO_FIELDS

    def _value(self, record: Any, field: str) -> Any:
        """A field's value, stored or derived."""
        if self.derivation is not None and field in self.derivation.fields:
            return self._derived[record.id][self.derivation.fields.index(field)]
        return getattr(record, field)

    def _derive(self, record: Any, key: tuple[float, str]) -> None:
        """Compute and index the derived values of a stored record (or leave it stale: no day yet)."""
        self._rendered.pop(record.id, None)
        if self._today is None:
            self._stale.add(record.id)
            return
        self._stale.discard(record.id)
        values = self._derived[record.id] = self._pool.shared_values(
            tuple(self.derivation.values(self.family, self._today, record)))
        for field, value in zip(self.derivation.fields, values, strict=True):
            buckets.add(self._indexes[field], (value,), key)
        derived = self._derived_fields()
        for fields, index in self._combined.items():
            if not derived.isdisjoint(fields):
                buckets.add(index, self._hot_combinations(record, fields), key)
        self._heat(record, self.derivation.fields)

    def _underive(self, record: Any, key: tuple[float, str]) -> None:
        self._rendered.pop(record.id, None)
        self._stale.discard(record.id)
        if record.id not in self._derived:
            return
        derived = self._derived_fields()
        for fields, index in self._combined.items():
            if not derived.isdisjoint(fields):
                buckets.remove(index, self._hot_combinations(record, fields), key)
        for field, value in zip(self.derivation.fields, self._derived.pop(record.id), strict=True):
            buckets.remove(self._indexes[field], (value,), key)

    def rederive(self, record_ids: Iterable[str | None]) -> None:
        """Recompute the derived values of these records (those still stored): what they read changed."""
        for record_id in record_ids:
            record = self.records.get(record_id) if record_id is not None else None
            if record is not None:
                key = self._stored_key(record)
                self._underive(record, key)
                self._derive(record, key)

    def _inputs_changed(self, *versions: Any) -> None:
        """Records of other collections whose derived values read this record: recompute them."""
        for field, watcher in self.watchers:
            ids = {value for version in versions for value in _values(getattr(version, field))}
            watcher.rederive(ids)

    def sync(self, today: date) -> None:
        """Bring derived values up to ``today`` (the organization's): before they are filtered or shown.

        Moving the day recomputes only the records whose ``Derivation.dates`` lie between the old day
        and the new one; records waiting for a day (``_stale``) are computed now.
        """
        if self.derivation is None:
            return
        before, self._today = self._today, today
        if before is not None and before != today:
            low, high = min(before, today), max(before, today)
            for field in self.derivation.dates:
                self.rederive([r.id for r in self._dated(field, low, high)])
        if self._stale:
            self.rederive(list(self._stale))

    def _dated(self, field: str, low: date, high: date) -> list[Any]:
        """Records whose (indexed) date ``field`` lies in [low, high]."""
        days = (high - low).days + 1
        held = self._indexes[field]
        wanted = [low + timedelta(days=i) for i in range(days)] if days <= len(held) \
            else [d for d in held if d is not None and low <= d <= high]
        return [record for day in wanted for record in self.where(field, day)]

    # -- rendered JSON of recently read records

    def rendered(self, record: Any) -> bytes | None:
        """The JSON kept for this stored version of ``record`` (derived values as of the last ``sync``)."""
        if self.records.get(record.id) is not record:
            return None
        return self._rendered.get(record.id)

    def keep_rendered(self, record: Any, body: bytes) -> None:
        if self.records.get(record.id) is not record or (self.derivation is not None and record.id in self._stale):
            return
        if len(self._rendered) >= RENDERED_LIMIT:
            del self._rendered[next(iter(self._rendered))]
        self._rendered[record.id] = body

    def copy(self) -> Collection:
        """An independent copy (records are immutable and shared); used to stage changes aside.

        Its ``family`` is set by whoever copies the organization's collections (``link``)."""
        clone = Collection((), (), self.derivation)
        clone._combined = {f: {v: buckets.copied(bucket) for v, bucket in index.items()} for f, index in self._combined.items()}
        clone.records = dict(self.records)
        clone._order = self._order.copy()
        clone._indexes = {f: {v: buckets.copied(bucket) for v, bucket in index.items()}
                          for f, index in self._indexes.items()}
        clone._ranges = {f: ordered.copy() for f, ordered in self._ranges.items()}
        clone._derived = dict(self._derived)
        clone._stale = set(self._stale)
        clone._today = self._today
        clone._hot = {f: set(values) for f, values in self._hot.items()}
        return clone

    def clear(self) -> None:
        self.records.clear()
        self._order.clear()
        for index in self._indexes.values():
            index.clear()
        for index in self._combined.values():
            index.clear()
        for ordered in self._ranges.values():
            ordered.clear()
        self._derived.clear()
        self._stale.clear()
        self._rendered.clear()
        self._hot.clear()

    def count(self, field: str, value: Any) -> int:
        bucket = buckets.held(self._indexes[field], value)
        return len(bucket) if bucket else 0

    def values(self, field: str) -> list[Any]:
        """The distinct values an indexed field holds (in no particular order)."""
        return list(self._indexes[field])

    def where(self, field: str, value: Any) -> list[Any]:
        bucket = buckets.held(self._indexes[field], value) or ()
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
            bucket = buckets.held(self._indexes[field], value)
            if bucket is None:
                return [], 0
            if not chosen or len(bucket) < len(base):
                base, chosen = bucket, (field,)
        if len(indexed) > 1 and len(base) > SCAN_LIMIT:
            chosen = tuple(sorted(indexed))
            base = buckets.held(self._combined_bucket(chosen), tuple(indexed[f] for f in chosen))
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
        matched = (r for r in (records[k[1]] for k in base) if _matches(r, checks, bounds, predicate, self._value))
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
                matched = (r for r in (records[k[1]] for k in self._order) if _matches(r, (), wide, None, self._value))
                return [r for _, r in zip(range(offset + limit), matched)][offset:], total
            keys = sorted(key for _, key in self._ranges[field].islice(start, stop))
            return [records[k[1]] for k in keys[offset:offset + limit]], total
        # Check first, then sort only what matched (the page is in newest-first order).
        keys = sorted(key for _, key in self._ranges[field].islice(start, stop)
                      if _matches(records[key[1]], checks, bounds, predicate, self._value))
        return [records[k[1]] for k in keys[offset:offset + limit]], len(keys)

    def _combined_bucket(self, fields: tuple[str, ...]) -> dict[tuple, SortedList]:
        """The index on ``fields`` together, built from every record the first time it is asked for."""
        index = self._combined.get(fields)
        if index is None:
            keys: dict[tuple, list] = {}
            records = self.records
            derived = not self._derived_fields().isdisjoint(fields)
            for key in self._order:  # in order, so each list is already sorted
                if derived and key[1] not in self._derived:
                    continue  # stale: indexed when its values are computed (``_derive``)
                for value in self._hot_combinations(records[key[1]], fields):
                    keys.setdefault(value, []).append(key)
            index = self._combined[fields] = {value: buckets.of_keys(found) for value, found in keys.items()}
        return index


def _matches(record: Any, checks: Iterable[tuple[str, Any]], bounds: Iterable[tuple[str, Any, Any]],
             predicate: Predicate | None, value_of: Callable[[Any, str], Any] = getattr) -> bool:
    for field, value in checks:
        if value not in _values(value_of(record, field)):
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


def _combinations(record: Any, fields: tuple[str, ...],
                  value_of: Callable[[Any, str], Any] = getattr) -> Iterator[tuple]:
    """Every value tuple a record has for ``fields`` (several when a field holds a list)."""
    return product(*(_values(value_of(record, field)) for field in fields))


def _values(value: Any) -> tuple:
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return (value,)


class Family(dict):
    """An organization's collections by resource name, which each of them refers to weakly (``link``).

    A plain dict each collection held would make every organization a reference cycle: one dropped
    (removed, reset, replaced by an import; the pytest plugin removes one after every test) would
    wait for the cycle collector, ~230 objects each, and those collections made a fresh
    organization's p99 3.6x its median (1,185 against 327 µs with the collector off;
    ``bench/inprocess.py org``).
    """

    __slots__ = ("__weakref__",)


def link(collections: Mapping[str, Collection]) -> Family:
    """Make ``collections`` (an organization's, by resource name) one family, returned: each derivation
    reads its inputs from it, and a change to an input record recomputes the records that read it.
    Whoever keeps the collections keeps the family returned (its members only refer to it)."""
    family = collections if isinstance(collections, Family) else Family(collections)
    log = UndoLog()
    for collection in family.values():
        collection.family = weakref.proxy(family)
        collection.watchers = []
        collection.log = log
    for collection in family.values():
        for source, field in collection.derivation.inputs if collection.derivation is not None else ():
            family[source].watchers.append((field, collection))
    return family
