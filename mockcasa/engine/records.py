"""The records library: create, update, delete, render and serialise records of any resource.

No HTTP here. The public API's routes (``engine/routes.py``), the admin API's dashboard actions,
seeding and webhooks all change records through these functions, so a rule runs the same way
whichever path changes the state. Callers wrap a change in ``org.transaction()`` so that a failure
at any step (validation, a hook, rendering) leaves the organization exactly as it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from pydantic.alias_generators import to_camel

from mockcasa.engine.body import describe, validation_details
from mockcasa.engine.resource import Ctx, Resource
from mockcasa.errors import Conflict, Invalid

if TYPE_CHECKING:
    from mockcasa.state import Sandbox


def render(resource: Resource, ctx: Ctx, record: Any) -> Any:
    return resource.derive(ctx, record) if resource.derive else record


def dump(record: Any) -> bytes:
    return record.__pydantic_serializer__.to_json(record, by_alias=True)


def rendered(resource: Resource, ctx: Ctx, record: Any) -> bytes:
    """``dump(render(...))`` of a stored record, kept by its collection until the record or what its
    derived fields read changes (the collection must be ``sync``ed to today first)."""
    collection = ctx.org[resource.name]
    body = collection.rendered(record)
    if body is None:
        body = dump(render(resource, ctx, record))
        collection.keep_rendered(record, body)
    return body


def publish(sandbox: Sandbox, ctx: Ctx) -> None:
    """Hand the events a committed change queued to the sandbox's listeners (webhooks)."""
    if ctx.events:
        sandbox.publish(ctx.org, ctx.events)


def build_record(resource: Resource, ctx: Ctx, values: dict[str, Any], validated: bool = False) -> Any:
    """Validate a full record (python mode) from a resource's values plus id and timestamps.

    ``validated``: the values are a request body's, as its Create model validated them; a resource
    ``stored_as_created`` then builds its record from them as they are (``engine.as_is``)."""
    now = ctx.now()
    if "id" not in values:
        values["id"] = ctx.org.record_ids()
    values.setdefault("created_at", now)
    values.setdefault("updated_at", now)
    if validated and resource.as_is is not None:
        return resource.as_is.record(values)
    return validate_record(resource, values)


def validate_record(resource: Resource, values: dict[str, Any]) -> Any:
    """The stored shape of ``values``; 400 naming the fields (camelCase) when a rule computed a value
    the API cannot hold (a total beyond ±1e12), instead of a 500 or a record nobody can read back."""
    try:
        return resource.model.model_validate(values)
    except ValidationError as exc:
        details = {".".join(to_camel(part) for part in path.split(".")): reason
                   for path, reason in validation_details(exc).items()}
        raise Invalid(describe(details), details) from None


def check_refs(resource: Resource, ctx: Ctx, values: dict[str, Any], record: Any = None) -> None:
    """Every id ``values`` holds names a record of the organization, sharing what ``Ref.same`` says.

    ``record``: the record a PATCH changes, for the shared field the PATCH does not carry.
    """
    for ref in resource.refs:
        if ref.field not in values or values[ref.field] is None:
            continue
        wanted = values[ref.field] if ref.many else [values[ref.field]]
        alias = resource.model.model_fields[ref.field].alias or ref.field
        shared = values[ref.same] if ref.same in values else getattr(record, ref.same or "", None)
        for i, record_id in enumerate(wanted):
            name = f"{alias}[{i}]" if ref.many else alias
            target = ctx.lookup(ref.target, record_id, name)
            if shared is not None and getattr(target, ref.same, None) not in (None, shared):
                singular = ctx.resources[ref.target].singular
                raise Invalid(field=name, reason=f"the {singular} belongs to another {_noun(ref.same)} than "
                                                 f"this {resource.singular}'s")


def check_shared(resource: Resource, ctx: Ctx, record: Any, changes: dict[str, Any]) -> None:
    """A record others name through ``Ref(same=...)`` keeps that field while they do (409, counted)."""
    counts: dict[str, int] = {}
    for other in ctx.resources.values():
        for ref in other.refs:
            value = changes.get(ref.same) if ref.same else None
            if ref.target != resource.name or value is None:
                continue
            held = sum(1 for r in ctx.org[other.name].where(ref.field, record.id)
                       if getattr(r, ref.same) not in (None, value))
            if held:
                counts[other.name] = counts.get(other.name, 0) + held
                kept = ref.same
    if counts:
        listed = ", ".join(f"{n} {name}" for name, n in counts.items())
        alias = resource.model.model_fields[kept].alias or kept
        raise Conflict(f"This {resource.singular} is named by {listed} of its current {_noun(kept)}; "
                       f"its {alias} cannot change while they name it.", {"referencedBy": counts})


def _noun(field_name: str) -> str:
    """``client_id`` -> ``client``."""
    return field_name.removesuffix("_id").replace("_", " ")


def fill_derived(resource: Resource, ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    """Computed references (``Resource.derived``) copied from the records ``values`` names (checked first)."""
    for derived in resource.derived:
        source = ctx.org[resource.target_of(derived.via)].get(values.get(derived.via) or "")
        if source is not None:
            values[derived.field] = getattr(source, derived.source)
    return values


def keep_in_step(resource: Resource, ctx: Ctx, before: Any, after: Any) -> None:
    """Records whose computed references copy a field of ``after`` take its new value (as an update)."""
    for other in ctx.resources.values():
        for derived in other.derived:
            if other.target_of(derived.via) != resource.name:
                continue
            value = getattr(after, derived.source)
            if value == getattr(before, derived.source):
                continue
            for record in ctx.org[other.name].where(derived.via, after.id):
                update_record(other, ctx, render(other, ctx, record), {derived.field: value})


def referrers(ctx: Ctx, target: str, record_id: str) -> dict[str, int]:
    """How many records of each resource still point at ``record_id``."""
    counts: dict[str, int] = {}
    for name, other in ctx.resources.items():
        for ref in other.refs:
            if ref.target == target:
                n = ctx.org[name].count(ref.field, record_id)
                if n:
                    counts[name] = counts.get(name, 0) + n
    return counts


def create_record(resource: Resource, ctx: Ctx, values: dict[str, Any], validated: bool = False) -> Any:
    """The create path without HTTP: also used by seeds and the admin API (``validated``: see
    ``build_record``)."""
    check_refs(resource, ctx, values)
    fill_derived(resource, ctx, values)
    if resource.on_create:
        values = resource.on_create(ctx, values)
    record = build_record(resource, ctx, values, validated)
    ctx.org[resource.name].add(record)
    if resource.after_create:
        resource.after_create(ctx, record)
    if resource.created_event:
        ctx.emit(resource.created_event, resource.name, record)
    return record


def update_record(resource: Resource, ctx: Ctx, record: Any, changes: dict[str, Any]) -> Any:
    """Apply a partial update; values equal to the stored ones are no-ops (the SDK resends defaults)."""
    changes = {k: v for k, v in changes.items() if _comparable(getattr(record, k, None)) != v}
    check_refs(resource, ctx, changes, record)
    fill_derived(resource, ctx, changes)
    if resource.on_update:
        changes = resource.on_update(ctx, record, changes)
    if not changes:
        return record
    check_shared(resource, ctx, record, changes)
    # Changes apply to the stored record: derived fields (an invoice's overdue, a proposal's expired)
    # are computed on read and never written back by an update.
    stored = ctx.org[resource.name].get(record.id) or record
    updated = validate_record(resource, {**dict(stored), **changes, "updated_at": ctx.now()})
    ctx.org[resource.name].replace(updated)
    keep_in_step(resource, ctx, stored, updated)
    if resource.after_update:
        resource.after_update(ctx, updated, record)
    return updated


def delete_record(resource: Resource, ctx: Ctx, record: Any) -> None:
    if resource.on_delete:
        resource.on_delete(ctx, record)
    counts = referrers(ctx, resource.name, record.id)
    if counts:
        listed = ", ".join(f"{n} {ctx.resources[r].name}" for r, n in counts.items())
        raise Conflict(f"This {resource.singular} is still referenced by {listed}; delete or reassign "
                       f"those first.", {"referencedBy": counts})
    ctx.org[resource.name].remove(record)
    if resource.after_delete:
        resource.after_delete(ctx, record)


def _comparable(value: Any) -> Any:
    if isinstance(value, list):
        return [v.model_dump(by_alias=False) if hasattr(v, "model_dump") else v for v in value]
    if hasattr(value, "model_dump"):
        return value.model_dump(by_alias=False)
    return value
