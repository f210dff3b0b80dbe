"""Timeline items: the run of show of an event day (2026-06-30).

``eventDayId`` must name one of your event days and each of ``vendorIds`` one of your vendors
(400 naming the field). How an item is timed follows ``anchorType``: ``fixed`` and ``fixed-end``
pin to ``requestedStartTime``, which they therefore need; ``custom-event`` pins to the day's Key
Moment named by ``anchorKey``, which must be one of the day's ``customAnchors`` keys. ``sortOrder``
defaults to one past the day's last item; ``visibleTo`` to the master timeline. An item becoming
``completed`` emits ``timeline_item_completed``.
"""

from __future__ import annotations

from typing import Any

from mockcasa.engine.resource import Ctx, Filter, Ref, Resource
from mockcasa.errors import Invalid
from mockcasa.models.event_days import TimelineItem, TimelineItemCreate, TimelineItemUpdate, TimelineStatus
from mockcasa.resources._rules import merged, seeded_as_created

PINNED = ("fixed", "fixed-end")


def _check(ctx: Ctx, values: dict[str, Any]) -> None:
    anchor = values.get("anchor_type") or "none"
    if anchor in PINNED and not values.get("requested_start_time"):
        raise Invalid(field="requestedStartTime", reason=f"is required when anchorType is {anchor}")
    if anchor == "custom-event":
        day = ctx.org["event-days"].get(values.get("event_day_id") or "")
        keys = [a.key for a in day.custom_anchors] if day is not None else []
        if values.get("anchor_key") not in keys:
            raise Invalid(field="anchorKey", reason="must be the key of one of the event day's customAnchors "
                                                    f"({', '.join(keys) or 'it has none'})")


def on_create(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    defaults = {"locked": False, "anchor_type": "none", "status": "pending", "visible_to": ["master"],
                "vendor_ids": []}
    values = {**values, **{k: v for k, v in defaults.items() if values.get(k) is None}}
    values["vendor_ids"] = list(dict.fromkeys(values["vendor_ids"]))
    _check(ctx, values)
    if values.get("sort_order") is None:
        siblings = ctx.org["timeline-items"].where("event_day_id", values["event_day_id"])
        values["sort_order"] = max((int(i.sort_order) for i in siblings), default=-1) + 1
    return values


def on_update(ctx: Ctx, item: TimelineItem, changes: dict[str, Any]) -> dict[str, Any]:
    if "vendor_ids" in changes:
        changes["vendor_ids"] = list(dict.fromkeys(changes["vendor_ids"]))
    _check(ctx, merged(item, changes))
    return changes


def after_update(ctx: Ctx, item: TimelineItem, before: TimelineItem) -> None:
    if item.status == "completed" and before.status != "completed":
        ctx.emit("timeline_item_completed", RESOURCE.name, item)


RESOURCE = Resource(
    name="timeline-items", singular="timeline item",
    model=TimelineItem, create_model=TimelineItemCreate, update_model=TimelineItemUpdate,
    filters=[Filter.text("eventDayId"), Filter.enum("status", TimelineStatus)],
    refs=[Ref("event_day_id", "event-days"), Ref("vendor_ids", "vendors", many=True)],
    on_create=on_create, on_update=on_update, after_update=after_update,
    on_seed=seeded_as_created("timeline-items"),
)
