"""Writes the public API refuses: dashboard and system transitions, seeded records.

These skip the public-API hooks (``on_create``/``on_update``), which exist to refuse exactly
such writes; the model still validates every record (400 with per-field details). Callers
own the side effects (events, re-deriving an invoice).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from mockcasa.engine.body import describe, validation_details
from mockcasa.engine.records import build_record, check_refs, render
from mockcasa.engine.resource import Ctx
from mockcasa.errors import Invalid
from mockcasa.models.common import new_id


def _invalid(exc: ValidationError) -> Invalid:
    """A 400 naming the fields as the API does (``arrivalDate``; values here are keyed by field name)."""
    details = {re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), path): reason
               for path, reason in validation_details(exc).items()}
    return Invalid(describe(details), details)


def _validate(resource: Any, values: dict[str, Any]) -> Any:
    try:
        return resource.model.model_validate(values)
    except ValidationError as exc:
        raise _invalid(exc) from None


def system_update(ctx: Ctx, resource_name: str, record: Any, **changes: Any) -> Any:
    """Store ``changes`` on ``record`` as the system would; returns the record as the API shows it."""
    resource = ctx.resources[resource_name]
    updated = _validate(resource, {**dict(record), **changes, "updated_at": ctx.now()})
    ctx.org[resource_name].replace(updated)
    return render(resource, ctx, updated)


def system_create(ctx: Ctx, resource_name: str, values: dict[str, Any]) -> Any:
    """Create a record through the resource's ``on_seed`` normalisation (system fields allowed)."""
    resource = ctx.resources[resource_name]
    check_refs(resource, ctx, values)
    values = {**values, "id": values.get("id") or new_id()}  # on_seed may link other records to it
    if resource.on_seed:
        values = resource.on_seed(ctx, values)
    try:
        record = build_record(resource, ctx, values)
    except ValidationError as exc:
        raise _invalid(exc) from None
    ctx.org[resource_name].add(record)
    return record
