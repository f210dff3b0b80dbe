"""An organization's records as a piece of state: one ``Collection`` per resource, to JSON and back.

Records are exported with every field (internal ones too), camelCase, timestamps at full
precision, in the store's own order, so export -> import -> export gives identical bytes. A load
validates every record against its resource's model and checks that every id a record holds
names a record of the same organization.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError
from pydantic.alias_generators import to_camel

from mockcasa.compact import unpacked
from mockcasa.models.common import Part
from mockcasa.store import Collection, link

if TYPE_CHECKING:
    from mockcasa.source_files import Loc
    from mockcasa.state.declare import Loading
    from mockcasa.state.kinds import RecordKind

# Each record is checked by ``load_records``, one at a time: typed ``dict[str, Any]`` here, pydantic
# would copy every record of a snapshot in one call (~0.3 s for 100,000 records, holding the GIL).
RecordsData = dict[str, list[Any]]


def empty_collections(resources: Mapping[str, RecordKind], today: date | None = None) -> dict[str, Collection]:
    """One empty collection per resource, linked; ``today``: the day derived values start at
    (without one, records added wait for the first ``Collection.sync`` to be derived)."""
    collections = link({name: Collection(resource.indexed_fields, resource.ranged_fields, resource.derivation,
                                         resource.paired_fields)
                        for name, resource in resources.items()})
    if today is not None:
        for collection in collections.values():
            collection.sync(today)
    return collections


def copy_collections(collections: dict[str, Collection]) -> dict[str, Collection]:
    return link({name: c.copy() for name, c in collections.items()})


def record_data(record: BaseModel | Part) -> dict[str, Any]:
    """Every field of a record (internal ones too), camelCase, timestamps at full precision."""
    return {info.alias or name: _plain(unpacked(getattr(record, name), info))
            for name, info in type(record).model_fields.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, (BaseModel, Part)):
        return record_data(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def dump_records(collections: dict[str, Collection]) -> RecordsData:
    return {name: [record_data(r) for r in collection] for name, collection in collections.items()}


def capture_records(collections: dict[str, Collection]) -> dict[str, list[BaseModel]]:
    """The records as they are now: they are immutable, so the models themselves, rendered to JSON
    data while encoding (``mockcasa.snapshot.dump`` turns each model into ``record_data``)."""
    return {name: list(collection) for name, collection in collections.items()}


def load_records(data: RecordsData, loading: Loading) -> dict[str, Collection]:
    """Collections holding ``data``'s records, each validated; problems go to ``loading``."""
    resources = loading.resources
    collections = empty_collections(resources)
    added = []
    for name, records in data.items():
        resource = resources.get(name)
        if resource is None:
            loading.problem((name,), "unknown resource")
            continue
        for i, raw in enumerate(records):
            if not isinstance(raw, dict):
                loading.problem((name, i), "Input should be a valid dictionary")
                continue
            try:
                record = resource.model.model_validate(raw)
            except ValidationError as exc:
                loading.invalid(exc, (name, i))
                continue
            if record.id in collections[name].records:
                loading.problem((name, i, "id"), f"duplicate {resource.singular} id {record.id}")
                continue
            collections[name].add(record)
            added.append((resource, record, (name, i)))
    for resource, record, loc in added:
        for where, reason in dangling_references(resources, collections, resource, record):
            loading.problem(loc + where, reason)
    return collections


def dangling_references(resources: Mapping[str, RecordKind], collections: Any, resource: RecordKind,
                        record: Any) -> list[tuple[Loc, str]]:
    """``(field location, reason)`` for each id in ``record`` naming no record of the same organization.

    ``collections`` is anything indexed by resource name: an organization or its collections.
    """
    found = []
    for ref in resource.refs:
        value = getattr(record, ref.field)
        ids = (value or []) if ref.many else [value]
        declared = resource.model.model_fields.get(ref.field)  # None: a property (milestones' parent_project_id)
        alias = declared.alias if declared and declared.alias else to_camel(ref.field)
        for j, target_id in enumerate(ids):
            if target_id is not None and collections[ref.target].get(target_id) is None:
                found.append(((alias, j) if ref.many else (alias,),
                              f"no {resources[ref.target].singular} with id {target_id} in this organization"))
    return found
