"""Records a POST builds from its validated body (``stored_as_created``) are the records validation built.

For every resource of every revision that declares it, bodies with every field (each enum value in
turn, numbers sent as integers, UUIDs in capitals, dates, objects) and with the required fields
only are validated into the Create model; the stored record is then built both ways, validated
from the body's values as before and ``as_is``, and compared: same JSON bytes, equal, same fields
set, same field order; stored in a collection, the same again.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import BaseModel

from mockcasa.engine.as_is import AsIs
from mockcasa.engine.records import dump, validate_record
from mockcasa.models.common import Record
from mockcasa.resources import all_resources
from mockcasa.revisions import REVISIONS
from mockcasa.state.records import empty_collections

AT = datetime(2026, 5, 19, 10, 0, 0, 123456, tzinfo=UTC)
DECLARED = [(revision, name) for revision in REVISIONS for name, resource in all_resources(revision).items()
            if resource.stored_as_created]


def _sample(schema: dict[str, Any], turn: int) -> Any:
    """A valid value for a field of a Create model's JSON schema (``turn`` picks among several)."""
    if "anyOf" in schema:
        return _sample(next(s for s in schema["anyOf"] if s.get("type") != "null"), turn)
    if "enum" in schema:
        return schema["enum"][turn % len(schema["enum"])]
    kind, form = schema.get("type"), schema.get("format")
    if form == "uuid":
        return f"00000000-0000-4000-8000-00000000000{turn % 10}".upper() if turn % 2 else "5" * 8 + "-e29b-41d4-a716-446655440000"
    if form == "email":
        return "Ada.Lovelace@Example.com"
    if form == "date":
        return f"2026-0{1 + turn % 9}-1{turn % 10}"
    if form == "date-time":
        return "2026-05-19T10:00:00+02:00"
    if kind == "string":
        return ("é" if turn % 2 else "x") * max(schema.get("minLength", 1), 1 + turn % 3)
    if kind == "number":
        return [5, 12.5, 0, 1e6][turn % 4]
    if kind == "integer":
        return turn
    if kind == "boolean":
        return bool(turn % 2)
    if kind == "object":
        return {"q": [1, "a", None], "n": {"x": 1.5}}
    raise AssertionError(f"no sample for {schema}")


def bodies(create_model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = create_model.model_json_schema(by_alias=True)
    properties, required = schema["properties"], set(schema.get("required", ()))
    full = [{name: _sample(field, turn) for name, field in properties.items()} for turn in range(6)]
    return [*full, {name: _sample(properties[name], 0) for name in required}]


@pytest.mark.parametrize(("revision", "name"), DECLARED)
def test_records_built_as_is_are_those_validation_built(revision, name):
    resource = all_resources(revision)[name]
    assert isinstance(resource.as_is, AsIs)
    collections = [empty_collections({name: resource}), empty_collections({name: resource})]
    for n, body in enumerate(bodies(resource.create_model)):
        validated = resource.create_model.model_validate_json(json.dumps(body))  # as a request sends it
        system = {"id": f"00000000-0000-4000-8000-{n:012d}", "created_at": AT, "updated_at": AT}
        before = validate_record(resource, {**validated.model_dump(by_alias=False), **system})
        after = resource.as_is.record({**resource.as_is.values(validated), **system})
        assert isinstance(after, Record) and type(after) is type(before)
        assert dump(after) == dump(before), body
        assert after == before and after.model_fields_set == before.model_fields_set
        assert list(after.__dict__) == list(before.__dict__)
        for kept, record in zip(collections, (before, after), strict=True):
            kept[name].add(record)
        assert dump(collections[1][name].get(after.id)) == dump(collections[0][name].get(before.id))


def test_the_declared_resources_are_the_plain_ones():
    assert sorted(DECLARED) == sorted([("1.0.0", "clients"), ("1.0.0", "contacts"), ("1.0.0", "projects"),
                                       ("1.0.0", "catalog-items"), ("1.0.0", "inquiries"),
                                       ("2026-06-30", "contacts"), ("2026-06-30", "projects"),
                                       ("2026-06-30", "catalog-items")])


def test_a_declaration_the_models_cannot_honour_is_refused():
    lead_clients = all_resources("2026-06-30")["clients"]  # nested tax settings, an on_create hook
    with pytest.raises(TypeError):
        AsIs(lead_clients.create_model, lead_clients.model)


def test_values_the_record_has_no_field_for_are_dropped_as_validation_drops_them():
    resource = all_resources("1.0.0")["clients"]
    values = {"name": "Acme", "status": "active", "notes": None, "id": "00000000-0000-4000-8000-000000000001",
              "created_at": AT, "updated_at": AT, "not_a_field": 1}
    before, after = validate_record(resource, dict(values)), resource.as_is.record(dict(values))
    assert dump(after) == dump(before) and after.model_fields_set == before.model_fields_set
    assert list(after.__dict__) == list(before.__dict__)
