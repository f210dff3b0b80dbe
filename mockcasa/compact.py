"""Smaller stored records: what many records hold equal, they hold once.

A stored record is a pydantic model whose ``__dict__`` holds one object per value, and records
arriving through JSON or a generator each bring their own copies of equal values: the id of the
client a hundred invoices name, ``"sent"``, ``"USD"``, the same due date, ``0.0``. ``compact`` swaps
such values for one shared object before the record is stored. The values stay equal (``-0.0`` is
left alone: it renders differently), so nothing reading a record can tell, except by ``is``.

The model itself is stored as a copy whose fields are set one by one (``split``): CPython then keeps
them in a values array beside the object, its field names shared by every instance of the class
(a key-sharing dict), where pydantic's own ``__dict__`` is a dict of its own: ~250 bytes instead of
~830 for an invoice's 22 fields, ~80 instead of ~270 for a line item's 7.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Container
from datetime import date
from typing import Any

from pydantic import BaseModel

# Strings at most this long are interned wherever they are (statuses, currencies, payment terms);
# longer ones only in indexed fields (the ids records name), which repeat by design.
SHORT = 12
# Whole-number floats 0..SMALL_FLOATS (quantities, rates, round amounts) share one object each.
SMALL_FLOATS = 1000
_FLOATS = tuple(float(n) for n in range(SMALL_FLOATS + 1))
# Distinct tuples of derived values a collection shares (``Pool.shared_values``).
SHARED_TUPLES = 1024
_PLAIN = (str, bool, type(None), date)


class Pool:
    """What a collection's records share: field-set objects and dates (a few thousand days at most)."""

    __slots__ = ("dates", "derived", "fields_sets")

    def __init__(self) -> None:
        self.fields_sets: dict[frozenset[str], set[str]] = {}
        self.dates: dict[date, date] = {}
        self.derived: dict[tuple, tuple] = {}

    def shared_values(self, values: tuple) -> tuple:
        """One tuple object per distinct tuple of derived values (an invoice's ``("overdue",)``), for
        the first ``SHARED_TUPLES`` distinct ones: values such as amounts need not repeat."""
        if not all(type(v) in _PLAIN for v in values):
            return values  # 0.0 == -0.0, which renders differently: numbers are left alone
        shared = self.derived.get(values)
        if shared is not None:
            return shared
        if len(self.derived) < SHARED_TUPLES:
            self.derived[values] = values
        return values


def compact(model: BaseModel, pool: Pool, indexed: Container[str] = ()) -> BaseModel:
    """The version of ``model`` to store: an equal model sharing its field-set object and its repeated
    values (nested models too) with other records, its fields in a key-sharing dict (``split``)."""
    share_fields_sets(model, pool.fields_sets)
    values = model.__dict__
    created = values.get("created_at")
    for name, value in values.items():
        shared = _shared(value, name in indexed, pool)
        if name == "updated_at" and value == created and type(value) is type(created):
            shared = created
        if shared is not value:
            values[name] = shared
    return split(model)


def share_field_names(kind: type[BaseModel]) -> None:
    """Register ``kind``'s field names with CPython as the names its instances share (``split``).

    Called when the class is created (``ApiModel.__pydantic_init_subclass__``): CPython 3.11 lets
    the shared names grow only while few instances exist (each new one shrinks the room left), so a
    class validated a few dozen times before its first ``split`` would never share them.
    """
    instance = kind.__new__(kind)
    for name in kind.model_fields:
        object.__setattr__(instance, name, None)


def split(model: BaseModel) -> BaseModel:
    """An equal model whose fields CPython keeps beside the object, names shared with the class's
    other instances: set one by one on a new instance (pydantic assigns a whole dict instead)."""
    kind = type(model)
    copy = kind.__new__(kind)
    for name, value in model.__dict__.items():
        object.__setattr__(copy, name, value)
    object.__setattr__(copy, "__pydantic_fields_set__", model.__pydantic_fields_set__)
    object.__setattr__(copy, "__pydantic_extra__", model.__pydantic_extra__)
    object.__setattr__(copy, "__pydantic_private__", model.__pydantic_private__)
    return copy


def _shared(value: Any, indexed: bool, pool: Pool) -> Any:
    kind = type(value)
    if kind is str:
        return sys.intern(value) if indexed or len(value) <= SHORT else value
    if kind is float:
        if 0 <= value <= SMALL_FLOATS and value.is_integer() and math.copysign(1, value) > 0:
            return _FLOATS[int(value)]
        return value
    if kind is date:
        return pool.dates.setdefault(value, value)
    if kind is list and value:
        items = [_shared(item, indexed, pool) for item in value]
        if any(new is not old for new, old in zip(items, value, strict=True)):
            value[:] = items
        return value
    if isinstance(value, BaseModel):
        return _compact_nested(value, pool)
    return value


def _compact_nested(model: BaseModel, pool: Pool) -> BaseModel:
    values = model.__dict__
    for name, value in values.items():
        shared = _shared(value, False, pool)
        if shared is not value:
            values[name] = shared
    return split(model)


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
