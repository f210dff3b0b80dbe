"""Calendar events: entered by hand through the API, or synced from Google, Microsoft or Apple.

API-created events are ``source: manual``, ``readOnly: false``. Synced events are read-only:
PATCH and DELETE answer 409. ``endDateTime`` may not be before ``startDateTime``.
"""

from __future__ import annotations

from typing import Any

from mockcasa.engine.records import build_record
from mockcasa.engine.resource import Ctx, Filter, Ref, Resource
from mockcasa.errors import Conflict, Invalid
from mockcasa.models.work import CalendarEvent, CalendarEventCreate, CalendarEventUpdate
from mockcasa.resources._rules import merged, seed_through_create

PROVIDERS = {"google": "Google Calendar", "microsoft": "Microsoft Outlook", "apple": "Apple Calendar"}


def _check_times(values: dict[str, Any]) -> None:
    if values["end_date_time"] < values["start_date_time"]:
        raise Invalid(field="endDateTime", reason="must not be before startDateTime")


def _refuse_if_synced(record: CalendarEvent, verb: str) -> None:
    if record.read_only:
        raise Conflict(f"This event is synced from {PROVIDERS.get(record.source, record.source)} and is "
                       f"read-only; it cannot be {verb} through the API.", {"source": record.source})


def on_create(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    _check_times(values)
    return {**values, "source": "manual", "read_only": False}


def on_update(ctx: Ctx, record: CalendarEvent, changes: dict[str, Any]) -> dict[str, Any]:
    if changes:
        _refuse_if_synced(record, "edited")
        _check_times(merged(record, changes))
    return changes


def on_delete(ctx: Ctx, record: CalendarEvent) -> None:
    _refuse_if_synced(record, "deleted")


def on_seed(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    """Checked like a create; ``source`` may name a calendar provider, which makes it read-only."""
    values, system = seed_through_create(RESOURCE, ctx, values, ("source", "read_only", "completed_at"))
    source = system.pop("source", "manual")
    if source != "manual" and source not in PROVIDERS:
        raise Invalid(field="source", reason=f"must be one of: manual, {', '.join(PROVIDERS)}")
    system.pop("read_only", None)  # always follows the source
    return {**values, **system, "source": source, "read_only": source != "manual"}


def sync_event(ctx: Ctx, source: str, values: dict[str, Any]) -> CalendarEvent:
    """Create an event as a calendar sync would (admin API): read-only, from ``source``."""
    if not isinstance(source, str) or source not in PROVIDERS:
        raise Invalid(field="source", reason=f"must be one of: {', '.join(PROVIDERS)}")
    record = build_record(RESOURCE, ctx, on_seed(ctx, {**values, "source": source}))
    ctx.org[RESOURCE.name].add(record)
    return record


def sync(ctx: Ctx, params: dict[str, Any]) -> CalendarEvent:
    """Collection action: ``source`` (google, microsoft, apple) plus the event's fields, as the API names them."""
    values = dict(params)
    assigned = [name for name in ("id", "createdAt", "updatedAt", "readOnly") if name in values]
    if assigned:
        raise Invalid("These fields are set by the sync itself.",
                      {name: "is set by mockcasa, not by the sync" for name in assigned})
    if "source" not in values:
        raise Invalid(field="source", reason=f"is required: one of {', '.join(PROVIDERS)}")
    return sync_event(ctx, values.pop("source"), values)


RESOURCE = Resource(
    name="calendar-events", singular="calendar event",
    model=CalendarEvent, create_model=CalendarEventCreate, update_model=CalendarEventUpdate,
    filters=[Filter.uuid("projectId"), Filter.uuid("clientId"),
             Filter.timestamp_bound("startsAfter", "start_date_time", ">="),
             Filter.timestamp_bound("startsBefore", "start_date_time", "<=")],
    refs=[Ref("project_id", "projects"), Ref("client_id", "clients")],
    on_create=on_create, on_update=on_update, on_delete=on_delete, on_seed=on_seed,
    collection_actions={"sync": sync},
    descriptions={"create": "Only manually-created events are accepted via the API; events synced from "
                            "Google/Outlook/Apple are read-only.",
                  "update": "Externally-sourced events (google/microsoft/apple) are read-only (409).",
                  "delete": "Externally-sourced events (google/microsoft/apple) cannot be deleted (409)."},
)
