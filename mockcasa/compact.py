"""Smaller stored records: what many records hold equal, they hold once.

A stored record is a pydantic model whose ``__dict__`` holds one object per value, and records
arriving through JSON or a generator each bring their own copies of equal values: the id of the
client a hundred invoices name, ``"sent"``, ``"USD"``, the same due date, ``0.0``. ``compact`` swaps
such values for one shared object before the record is stored: short strings and the ids records
name (fields ending in ``_id``, nested ones too) are interned, other strings up to ``POOLED``
characters shared through the collection's pool (the first ``SHARED_STRINGS`` distinct ones: a
generator's subjects and titles repeat, names mostly do not), and equal floats within one record (an
invoice's subtotal, total and balance due) are one object. The values stay equal (``-0.0`` is left
alone: it renders differently), so nothing reading a record can tell, except by ``is``. Nested
models and parts equal to one already stored (a venue's "Garden terrace" space) are that one
(``Pool.shared_model``). Days of 2020-2035 are one object per process (``_DAYS``). The ids parts hold
(a line item's: ``models.common.PartId``) are stored as their 128-bit integers, which render as the
same text (``id_text``): Python code reads them from a dump, or through ``unpacked``.

The model itself is stored as a copy whose fields are set one by one (``split``): CPython then keeps
them in a values array beside the object, its field names shared by every instance of the class
(a key-sharing dict), where pydantic's own ``__dict__`` is a dict of its own: ~250 bytes instead of
~830 for an invoice's 22 fields. Shapes nested in records (a line item) are parts
(``models.common.Part``), kept in slots: 88 bytes for a line item's 7 fields, where a split model
took 160 (and ~100 more once read).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Container, Mapping
from datetime import date, datetime
from itertools import repeat
from typing import Any

from pydantic import BaseModel

# Strings at most this long are interned wherever they are (statuses, currencies, payment terms);
# longer ones only in indexed fields (the ids records name), which repeat by design.
SHORT = 12
# Whole-number floats 0..SMALL_FLOATS (quantities, rates, round amounts: an invoice's 2,185.0) share
# one object each: the table costs ~320 KB once per process (built in under a millisecond), an amount 24
# bytes a record (generated invoices hold one or two such totals above 1,000: ~25 bytes each).
SMALL_FLOATS = 10000
_FLOATS = tuple(map(float, range(SMALL_FLOATS + 1)))
# The days of 2020-2035 (sandbox worlds are dated around now) share one object each, as small floats do:
# ~230 KB once per process, built in about a millisecond, where each collection's own table of the
# days its records hold (``Pool.dates``, for the days outside) cost ~30 bytes a distinct day.
FIRST_DAY = date(2020, 1, 1).toordinal()
_DAYS = tuple(map(date.fromordinal, range(FIRST_DAY, date(2036, 1, 1).toordinal())))
# Distinct tuples of derived values a collection shares (``Pool.shared_values``).
SHARED_TUPLES = 1024
# Strings longer than SHORT and at most POOLED characters: the first SHARED_STRINGS distinct ones a
# collection stores are shared by the records holding them again (``Pool.strings``).
POOLED = 64
SHARED_STRINGS = 256
# Nested models (a venue's spaces) equal to one already stored are stored as that one: the first
# SHARED_MODELS distinct ones of each kind are kept, and a kind whose first SHARED_MODELS models were
# all distinct (addresses, line items) is not kept at all (``Pool.shared_model``).
SHARED_MODELS = 64
# How a field's strings are shared (``Pool.sharing``).
INTERN, POOL, ALONE, PACK = 0, 1, 2, 3
_PLAIN = (str, bool, type(None), date)
_COMPARED = frozenset((*_PLAIN, int, float))
# Marks a kind of ``Pool.models`` one of whose models has been stored again.
_REPEATED = "repeated"
# Values stored as they are, whatever they hold (checked before the slower check for a nested model).
_AS_IS = frozenset((type(None), bool, int, datetime))


class Pool:
    """What a collection's records share: field-set objects and dates outside ``_DAYS`` (a few thousand at most)."""

    __slots__ = ("dates", "derived", "empty", "fields_sets", "models", "sharing_of", "strings")

    def __init__(self) -> None:
        self.fields_sets: dict[frozenset[str], set[str]] = {}
        self.dates: dict[date, date] = {}
        self.derived: dict[tuple, tuple] = {}
        self.strings: dict[str, str] = {}
        # kind -> (its values, field set) -> the stored nested model; None once the kind proved not to repeat.
        self.models: dict[type, dict[tuple, BaseModel] | None] = {}
        self.sharing_of: dict[type, dict[str, int]] = {}
        # The empty list every record with an empty list field holds (an invoice's projectIds): stored
        # records are never changed in place (updates store a new version), lists included.
        self.empty: list = []

    def shared_string(self, value: str) -> str:
        """The collection's object for ``value`` (kept for the first ``SHARED_STRINGS`` distinct ones)."""
        shared = self.strings.get(value)
        if shared is not None:
            return shared
        if len(self.strings) < SHARED_STRINGS:
            self.strings[value] = value
        return value

    def sharing(self, kind: type[BaseModel], indexed: Container[str]) -> dict[str, int]:
        """How each field of ``kind`` shares its strings longer than SHORT: ``INTERN`` (indexed fields and
        the ids of other records, ``..._id``), ``ALONE`` (``id``: a record's own, never repeated) or
        ``POOL`` (``strings``)."""
        found = self.sharing_of.get(kind)
        if found is None:
            found = self.sharing_of[kind] = {
                n: PACK if _packs(f) else INTERN if n in indexed or n.endswith("_id") else ALONE if n == "id" else POOL
                for n, f in kind.model_fields.items()}
        return found

    def shared_model(self, model: Any, fields_set: set[str] | None = None) -> Any:
        """The stored nested model equal to ``model`` (compacted), with the same ``fields_set`` (a pydantic
        model's; None for a part), if one of its kind is kept: a venue's "Garden terrace" space, held by
        many venues, is one object.

        Only models holding plain values (strings, None, bools, ints, floats, dates) are compared, with
        their types (``1 == 1.0 == True``); ``-0.0`` (equal to ``0.0``, rendered differently) is not.
        """
        kind = type(model)
        kept = self.models.get(kind, {})
        if kept is None:
            return model
        values = tuple(map(getattr, repeat(model), kind.model_fields))
        if not all(type(v) in _COMPARED and (type(v) is not float or v or math.copysign(1, v) > 0) for v in values):
            return model
        key = (values, tuple(map(type, values)), id(fields_set))
        shared = kept.get(key)
        if shared is not None:
            kept[_REPEATED] = True
            return shared
        if len(kept) < SHARED_MODELS:
            kept[key] = model
            self.models[kind] = kept
        elif _REPEATED not in kept:
            self.models[kind] = None  # SHARED_MODELS of them and none repeated: not worth keeping
        return model

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
    values (nested models and parts too) with other records, its fields in a key-sharing dict (``split``).

    A part (``models.common.Part``: slots, no dict) has its values shared in place: it holds the same
    values afterwards, and records share parts only once stored (``Pool.shared_model``)."""
    values = model.__dict__
    created, changed = values.get("created_at"), values.get("updated_at")
    if changed is not None and changed == created and type(changed) is type(created):
        values["updated_at"] = created
    return _compacted(model, pool, pool.sharing(type(model), indexed), {})


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


def updated(model: BaseModel, changes: Mapping[str, Any]) -> BaseModel:
    """``model.model_copy(update=changes)`` read field by field: a stored model copied by pydantic has
    its ``__dict__`` read, and CPython then keeps a dict object beside it (~64 bytes) as long as it
    lives. For the hooks that copy stored records they keep (``derive``: an invoice settled)."""
    kind = type(model)
    copy = kind.__new__(kind)
    names = kind.model_fields
    values = dict(zip(names, map(getattr, repeat(model), names)))
    values.update(changes)
    object.__setattr__(copy, "__dict__", values)
    object.__setattr__(copy, "__pydantic_fields_set__", model.__pydantic_fields_set__ | changes.keys())
    extra = model.__pydantic_extra__
    object.__setattr__(copy, "__pydantic_extra__", None if extra is None else dict(extra))
    private = model.__pydantic_private__
    object.__setattr__(copy, "__pydantic_private__", None if private is None else dict(private))
    return copy


def id_text(value: str | int) -> str:
    """The text of an id a part stores packed (``PACK``: ``models.common.PartId``), as it was given.

    The serializer of ``PartId`` fields: a stored line item's id is its 128-bit integer (44 bytes,
    where its 36 characters of text take 85), turned back into the same lowercase UUID text whenever
    it is rendered or dumped. A record's rendered JSON is kept (``store.Collection.keep_rendered``),
    so this runs when a record is first read, not on every read.
    """
    if type(value) is str:
        return value
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _packs(field: Any) -> bool:
    """Whether a field is a ``PartId`` (its serializer is ``id_text``): stored as a number."""
    return any(getattr(m, "func", None) is id_text for m in field.metadata)


def unpacked(value: Any, field: Any) -> Any:
    """A stored value of ``field`` (a ``FieldInfo``) as it was validated: a packed id as its text."""
    return id_text(value) if type(value) is int and _packs(field) else value


def _packed_id(value: str) -> int | str:
    """``value`` (a validated UUID: lowercase, hyphenated) as the integer ``id_text`` renders as it;
    text that would not render back the same is kept as it is."""
    try:
        packed = int(value.replace("-", ""), 16)
    except ValueError:
        return value
    return packed if id_text(packed) == value else value


def _shared(value: Any, how: int, pool: Pool, floats: dict[float, float]) -> Any:
    """The object to store for ``value`` (``how``: its field's ``Pool.sharing``; ``floats``: the
    record's floats so far)."""
    kind = type(value)
    if kind is str:
        if how == PACK:
            return _packed_id(value)
        if len(value) <= SHORT or how == INTERN:
            return sys.intern(value)
        return pool.shared_string(value) if how == POOL and len(value) <= POOLED else value
    if kind is float:
        if 0 <= value <= SMALL_FLOATS and value.is_integer() and math.copysign(1, value) > 0:
            return _FLOATS[int(value)]
        # Equal non-zero floats are the same number (0.0 and -0.0 are equal, and render differently).
        return floats.setdefault(value, value) if value else value
    if kind is date:
        day = value.toordinal() - FIRST_DAY
        return _DAYS[day] if 0 <= day < len(_DAYS) else pool.dates.setdefault(value, value)
    if kind is list:
        if not value:
            return pool.empty
        items = [_shared(item, how, pool, floats) for item in value]
        if any(new is not old for new, old in zip(items, value, strict=True)):
            value[:] = items
        return value
    if kind in _AS_IS:
        return value
    if isinstance(value, BaseModel):  # after the plain types: an ABC check, slow for everything else
        value = _compacted(value, pool, pool.sharing(kind, ()), floats)
        if value.__pydantic_extra__ is not None or value.__pydantic_private__ is not None:
            return value
        return pool.shared_model(value, value.__pydantic_fields_set__)
    if hasattr(kind, "__dataclass_fields__"):  # a part (``models.common.Part``)
        how = pool.sharing(kind, ())
        for name in kind.model_fields:
            field = getattr(value, name)
            shared = _shared(field, how.get(name, POOL), pool, floats)
            if shared is not field:
                object.__setattr__(value, name, shared)
        return pool.shared_model(value)
    return value


def _compacted(model: BaseModel, pool: Pool, how: dict[str, int], floats: dict[float, float]) -> BaseModel:
    """``model`` (a record or a model nested in one) with its fields set and values shared, split."""
    _share_fields_set(model, pool.fields_sets)
    values = model.__dict__
    for name, value in values.items():
        shared = _shared(value, how.get(name, POOL), pool, floats)
        if shared is not value:
            values[name] = shared
    return split(model)


def _share_fields_set(model: BaseModel, pool: dict[frozenset[str], set[str]]) -> None:
    """Let stored models (and the models nested in them) with equal field sets share one set object.

    pydantic keeps a ``__pydantic_fields_set__`` per instance: ~700 bytes for five or more
    fields, half of what a stored record costs. The shared set has the same contents, so
    ``model_fields_set`` answers exactly as before; assigning a field on a stored record (which
    the engine never does: updates store a new version) would add its name for all of them.
    """
    fields_set = model.__pydantic_fields_set__
    shared = pool.setdefault(frozenset(fields_set), fields_set)
    if shared is not fields_set:
        object.__setattr__(model, "__pydantic_fields_set__", shared)
