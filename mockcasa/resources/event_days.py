"""Event days: the days of an event (a wedding's welcome dinner, ceremony day, brunch), 2026-06-30.

An event day may belong to a project and a client: ``projectId``/``clientId`` must be yours, and
a day of a project is its client's (``clientId`` defaults to the project's; another client is a
400 naming ``clientId``). ``sortOrder`` defaults to one past the project's last day, ``isPrimary``
to whether it is the project's first; a day made primary is the project's only primary one (the
others stop being so). ``dayEndMinute`` is after ``dayStartMinute``; custom anchors (Key Moments)
have distinct keys. Deleting a day deletes its timeline items and vendor bookings (the contract
declares no 409 there). Events: ``event_day_created``, ``event_day_published``, ``event_day_archived``.
"""

from __future__ import annotations

from typing import Any

from mockcasa.engine.records import delete_record
from mockcasa.engine.resource import Ctx, Filter, Ref, Resource
from mockcasa.errors import Invalid
from mockcasa.models.event_days import EventDay, EventDayCreate, EventDayStatus, EventDayUpdate
from mockcasa.resources._rules import merged, seeded_as_created
from mockcasa.resources.venues import check_timezone

STATUS_EVENTS = {"published": "event_day_published", "archived": "event_day_archived"}


def _siblings(ctx: Ctx, project_id: str | None, but: str | None = None) -> list[EventDay]:
    if project_id is None:
        return []
    return [d for d in ctx.org["event-days"].where("project_id", project_id) if d.id != but]


def _check(ctx: Ctx, values: dict[str, Any]) -> None:
    project = ctx.org["projects"].get(values.get("project_id") or "")
    if project is not None and values.get("client_id") not in (None, project.client_id):
        raise Invalid(field="clientId", reason="the project belongs to another client")
    start, end = values.get("day_start_minute"), values.get("day_end_minute")
    if start is not None and end is not None and end <= start:
        raise Invalid(field="dayEndMinute", reason="must be after dayStartMinute")
    keys: set[str] = set()
    for i, anchor in enumerate(values.get("custom_anchors") or []):
        if anchor["key"] in keys:
            raise Invalid(field=f"customAnchors[{i}].key", reason="another Key Moment of this day has this key")
        keys.add(anchor["key"])
    check_timezone(values.get("venue_timezone"), "venueTimezone")


def _one_primary(ctx: Ctx, day: EventDay) -> None:
    """A project has one primary day: the one just made primary."""
    if day.is_primary:
        for other in _siblings(ctx, day.project_id, but=day.id):
            if other.is_primary:
                ctx.org["event-days"].replace(other.model_copy(update={"is_primary": False, "updated_at": ctx.now()}))


def on_create(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    project = ctx.org["projects"].get(values.get("project_id") or "")
    if project is not None and values.get("client_id") is None:
        values["client_id"] = project.client_id
    _check(ctx, values)
    siblings = _siblings(ctx, values.get("project_id"))
    if values.get("sort_order") is None:
        values["sort_order"] = max((d.sort_order for d in siblings), default=-1) + 1
    if values.get("is_primary") is None:
        values["is_primary"] = values.get("project_id") is not None and not siblings
    values["custom_anchors"] = values.get("custom_anchors") or []
    return values


def on_update(ctx: Ctx, day: EventDay, changes: dict[str, Any]) -> dict[str, Any]:
    if changes.get("project_id") and "client_id" not in changes:
        project = ctx.org["projects"].get(changes["project_id"])
        if project is not None:
            changes["client_id"] = project.client_id
    _check(ctx, merged(day, changes))
    return changes


def after_create(ctx: Ctx, day: EventDay) -> None:
    _one_primary(ctx, day)
    if day.status in STATUS_EVENTS:
        ctx.emit(STATUS_EVENTS[day.status], RESOURCE.name, day)


def after_update(ctx: Ctx, day: EventDay, before: EventDay) -> None:
    _one_primary(ctx, day)
    if day.status != before.status and day.status in STATUS_EVENTS:
        ctx.emit(STATUS_EVENTS[day.status], RESOURCE.name, day)


def on_delete(ctx: Ctx, day: EventDay) -> None:
    """A day's timeline and vendor bookings go with it."""
    for name in ("timeline-items", "event-day-vendors"):
        for record in list(ctx.org[name].where("event_day_id", day.id)):
            delete_record(ctx.resources[name], ctx, record)


RESOURCE = Resource(
    name="event-days", singular="event day",
    model=EventDay, create_model=EventDayCreate, update_model=EventDayUpdate,
    filters=[Filter.enum("status", EventDayStatus), Filter.uuid("projectId"), Filter.uuid("clientId")],
    refs=[Ref("project_id", "projects"), Ref("client_id", "clients")],
    created_event="event_day_created",
    on_create=on_create, on_update=on_update, after_create=after_create, after_update=after_update,
    on_delete=on_delete, on_seed=seeded_as_created("event-days"),
)
