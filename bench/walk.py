"""Bytes per stored record, counted by walking the objects a collection holds.

A generated world (``generate: {resource: N}`` in a seed, the generators' realistic records, every
invoice with its line items) is loaded in-process; for each resource the walk starts at its
``Collection`` (records, order, indexes, ranges, derived values, its pool) and follows every
reference, counting each object once however many records share it. Classes, modules, functions and
the other collections of the organization are not followed. The rendered-JSON cache is a cache
(capped, see ``mockcasa.store.RENDERED_LIMIT``): it is counted apart. ``breakdown`` splits one
resource's bytes by what holds them, ``index_parts`` each resource's index structures one by one.
"""

from __future__ import annotations

import gc
import sys
import tempfile
import tracemalloc
import types
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from mockcasa import create_app
from mockcasa.config import Settings
from mockcasa.keys import SANDBOX
from mockcasa.state.records import empty_collections, record_data
from mockcasa.store import Collection

RESOURCES = ("clients", "projects", "proposals", "contracts", "invoices", "payments", "transactions")
_OPAQUE = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType,
           types.CodeType, Collection)
# Shared by the whole interpreter, not by a collection's records.
_IMMORTAL = {id(None), id(True), id(False), id(()), id("")}
_SKIPPED = {"family", "watchers", "derivation", "undo", "_rendered"}


def world(records: int) -> str:
    counts = ", ".join(f"{name}: {records}" for name in RESOURCES)
    return f"""
randomSeed: 7
organizations:
  - id: 00000000-0000-4000-8000-00000000f001
    clock: {{freezeAt: 2026-05-19T10:00:00Z}}
    generate: {{{counts}}}
"""


def load_world(records: int) -> Any:
    """The organization of a generated world with ``records`` of each measured resource."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "world.yaml"
        path.write_text(world(records))
        sandbox = create_app(Settings(seeds=[path]))[SANDBOX]
    org = next(iter(sandbox.organizations.values()))
    for collection in org.collections.values():
        collection.sync(org.clock.now().date())
    return org


def deep_size(roots: Iterable[Any], seen: set[int]) -> int:
    """Bytes of ``roots`` and everything they reach that ``seen`` does not hold yet (it is updated)."""
    total = 0
    stack = list(roots)
    while stack:
        obj = stack.pop()
        if id(obj) in seen or id(obj) in _IMMORTAL or isinstance(obj, _OPAQUE):
            continue
        seen.add(id(obj))
        if isinstance(obj, BaseModel):
            obj.__dict__  # noqa: B018 - as a read would: CPython then counts its fields in the dict
        total += sys.getsizeof(obj)
        stack.extend(gc.get_referents(obj))
    return total


def collection_roots(collection: Collection) -> list[Any]:
    return [getattr(collection, name) for name in Collection.__slots__ if name not in _SKIPPED]


def per_record(collection: Collection) -> dict[str, float]:
    """Bytes per record of a collection, and of its rendered-JSON cache apart."""
    count = max(len(collection), 1)
    stored = deep_size(collection_roots(collection), set())
    rendered = deep_size([getattr(collection, "_rendered", {})], set())
    return {"records": len(collection), "bytes_per_record": round(stored / count),
            "rendered_cache_bytes": rendered}


def breakdown(collection: Collection) -> dict[str, float]:
    """One collection's bytes per record by what holds them, each object counted in the first part
    that reaches it (in this order): index structures first, so what the records share with them
    (ids, dates) counts as index; values are by type as the records' own fields hold them."""
    count = max(len(collection), 1)
    seen: set[int] = set()
    parts: dict[str, int] = {}
    records = list(collection.records.values())
    parts["records dict"] = sys.getsizeof(collection.records)
    seen.add(id(collection.records))
    index_roots = [getattr(collection, n) for n in ("_order", "_indexes", "_combined", "_ranges")
                   if hasattr(collection, n)]
    parts["index entries (order, indexes, combined, ranges)"] = deep_size(index_roots, seen)
    parts["derived values"] = deep_size([getattr(collection, "_derived", {})], seen)
    models = [r for r in records if isinstance(r, BaseModel)]
    parts["record object"] = sum(sys.getsizeof(r) for r in records)
    seen.update(id(r) for r in records)
    dicts = [r.__dict__ for r in models]
    parts["__dict__"] = sum(sys.getsizeof(d) for d in dicts)
    seen.update(id(d) for d in dicts)
    parts["fields sets"] = deep_size([r.__pydantic_fields_set__ for r in models], seen)
    by_type: dict[str, list[Any]] = {}
    for record in records:
        for name, value in _fields(record):
            if name == "line_items":
                key = "line items"
            elif type(value) is str and name.endswith("id"):
                key = "str ids"
            else:
                key = type(value).__name__
            by_type.setdefault(key, []).append(value)
    for key, values in sorted(by_type.items()):
        parts[f"values: {key}"] = deep_size(values, seen)
    parts["rest (pool, extras)"] = deep_size(collection_roots(collection), seen)
    return {name: round(size / count) for name, size in parts.items() if size}


def index_parts(collection: Collection) -> dict[str, float]:
    """Bytes per record of each index structure alone (the order, each field's index, each combined
    index, each range), in that order, each object counted in the first part that reaches it; the
    records and what they hold are not counted (ids and values the indexes share with them)."""
    count = max(len(collection), 1)
    seen: set[int] = set()
    for record in collection.records.values():
        seen.add(id(record))
        seen.update(id(v) for _, v in _fields(record))
    parts = {"order": deep_size([collection._order], seen)}
    parts.update({f"index {field}": deep_size([index], seen) for field, index in collection._indexes.items()})
    parts.update({"combined " + "+".join(fields): deep_size([index], seen)
                  for fields, index in collection._combined.items()})
    parts.update({f"range {field}": deep_size([ordered], seen) for field, ordered in collection._ranges.items()})
    parts["derived values"] = deep_size([collection._derived], seen)
    return {name: round(size / count) for name, size in parts.items() if size}


def _fields(record: Any) -> Iterable[tuple[str, Any]]:
    if isinstance(record, BaseModel):
        return record.__dict__.items()
    return zip(type(record).model_fields, record, strict=False)  # pragma: no cover - stored tuples


def traced(org: Any) -> dict[str, float]:
    """Bytes per record as the allocator sees them (tracemalloc), a check on the walk: each resource's
    records validated again from their data into a fresh family of collections, then rendered once."""
    sandbox_resources = org.resources
    fresh = empty_collections(sandbox_resources, org.clock.now().date())
    out = {}
    for name in RESOURCES:
        model = sandbox_resources[name].model
        data = [record_data(r) for r in org.collections[name]]
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for raw in data:
            fresh[name].add(model.model_validate(raw))
        for record in fresh[name]:
            record.model_dump_json()  # a read: pydantic then holds each model's __dict__
        gc.collect()
        out[name] = round((tracemalloc.get_traced_memory()[0] - before) / max(len(data), 1))
        tracemalloc.stop()
    return out


def footprint(records: int) -> dict[str, Any]:
    org = load_world(records)
    gc.collect()
    out: dict[str, Any] = {"records": records}
    for name in RESOURCES:
        out[name] = per_record(org.collections[name])
        out[name]["indexes"] = index_parts(org.collections[name])
    for name, size in traced(org).items():
        out[name]["traced_per_record"] = size
    out["invoices_breakdown"] = breakdown(org.collections["invoices"])
    return out
