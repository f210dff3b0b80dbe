"""Index buckets: the order keys of the records holding one value of an indexed field.

Most index values are held by one record or a few (one client's invoices in one status), a few by
many (every active client). A bucket is stored in the form that costs least for its size; ``held``
reads any of them as a sorted sequence of keys, and ``add``/``remove`` move a bucket from one form
to the next as it grows or shrinks.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Iterator
from typing import Any

from sortedcontainers import SortedList

# An index bucket is the order key itself while it is the only one (most are: one invoice of a client
# in a given status), then a sorted tuple (``Keys``) while it holds at most KEYS_LIMIT keys, then a
# plain sorted list (``Bucket``) until it holds BUCKET_LIMIT keys, then a ``SortedList`` (~570 bytes
# even for one key; inserts stay O(log n) however big it grows). ``held`` reads any of them as a bucket.
KEYS_LIMIT = 16
BUCKET_LIMIT = 1024


class Keys(tuple):
    """A few order keys, sorted, in a tuple: 40 + 8 bytes a key, where a list that grew by inserts
    costs 56 + 8 a slot it keeps spare (a bucket of three keys: 64 bytes against 120). Replaced,
    never changed, by ``add`` and ``remove``: a tuple subclass with no slots costs what a tuple does.
    An index holding a day's invoices or one client's has mostly such buckets."""

    __slots__ = ()

    def islice(self, start: int, stop: int) -> Iterator[Any]:
        return iter(self[start:stop])


class Bucket(list):
    """The order keys of an index value, sorted: the ``SortedList`` methods the store uses, on a list.

    Most buckets hold a few keys (one client's invoices, one pair of values), where a ``SortedList``
    costs ten times the list; ``add`` swaps a bucket grown past ``BUCKET_LIMIT`` for one.
    """

    __slots__ = ()

    def add(self, key: Any) -> None:
        insort(self, key)

    def remove(self, key: Any) -> None:
        i = bisect_left(self, key)
        if i == len(self) or self[i] != key:
            raise ValueError(f"{key!r} not in bucket")
        del self[i]

    def islice(self, start: int, stop: int) -> Iterator[Any]:
        return iter(self[start:stop])

    def copy(self) -> Bucket:
        return Bucket(self)


def of_keys(keys: list) -> tuple | Keys | Bucket | SortedList:
    """What an index holds for ``keys`` (sorted): the key itself when it is the only one."""
    if len(keys) == 1:
        return keys[0]
    return _few(keys) if len(keys) < BUCKET_LIMIT else SortedList(keys)


def _few(keys: Iterable) -> Keys | Bucket:
    """A bucket of a few keys (sorted, fewer than BUCKET_LIMIT): a tuple while it is small enough."""
    keys = tuple(keys)
    return Keys(keys) if len(keys) <= KEYS_LIMIT else Bucket(keys)


def held(index: dict[Any, Any], value: Any) -> Keys | Bucket | SortedList | None:
    """The bucket of ``value`` in ``index`` (None: no record has it)."""
    bucket = index.get(value)
    return Keys((bucket,)) if type(bucket) is tuple else bucket


def size(index: dict[Any, Any], value: Any) -> int:
    """How many keys ``index`` holds for ``value``."""
    bucket = index.get(value)
    return 0 if bucket is None else 1 if type(bucket) is tuple else len(bucket)


def copied(bucket: Any) -> Any:
    return bucket if type(bucket) is tuple or type(bucket) is Keys else bucket.copy()


def add(index: dict[Any, Bucket | SortedList], values: Iterable, key: tuple[float, str]) -> None:
    for value in values:
        bucket = index.get(value)
        if bucket is None:
            index[value] = key
        elif type(bucket) is tuple:
            index[value] = _few(sorted((bucket, key)))
        elif type(bucket) is Keys:
            at = bisect_right(bucket, key)
            index[value] = _few((*bucket[:at], key, *bucket[at:]))
        elif type(bucket) is Bucket and len(bucket) >= BUCKET_LIMIT:
            index[value] = SortedList(bucket)
            index[value].add(key)
        else:
            bucket.add(key)


def remove(index: dict[Any, SortedList], values: Iterable, key: tuple[float, str]) -> None:
    for value in values:
        bucket = index[value]
        if type(bucket) is tuple:
            if bucket != key:
                raise ValueError(f"{key!r} not in bucket")
            del index[value]
            continue
        if type(bucket) is Keys:
            at = bisect_left(bucket, key)
            if at == len(bucket) or bucket[at] != key:
                raise ValueError(f"{key!r} not in bucket")
            index[value] = bucket[1 - at] if len(bucket) == 2 else Keys((*bucket[:at], *bucket[at + 1:]))
            continue
        bucket.remove(key)
        if len(bucket) == 1:
            index[value] = bucket[0]  # as it was before a second key came
