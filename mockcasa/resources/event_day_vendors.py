"""Event-day vendors: a vendor booked for an event day, with call time, coverage and meals (2026-06-30).

``eventDayId`` and ``vendorId`` must be yours; a vendor is booked once per day (a second booking
is 409 on create, as the contract declares; 400 naming ``vendorId`` on a PATCH, which declares no
409). ``callTime``, ``coverageStartTime`` and ``coverageEndTime`` are ``HH:MM`` (the contract
allows five characters).
"""

from __future__ import annotations

import re
from typing import Any

from mockcasa.engine.resource import Ctx, Filter, Ref, Resource
from mockcasa.errors import Conflict, Invalid
from mockcasa.models.event_days import EventDayVendor, EventDayVendorCreate, EventDayVendorUpdate
from mockcasa.resources._rules import merged, seeded_as_created

HH_MM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
TIMES = {"call_time": "callTime", "coverage_start_time": "coverageStartTime", "coverage_end_time": "coverageEndTime"}


def _times(values: dict[str, Any]) -> None:
    for name, alias in TIMES.items():
        if values.get(name) is not None and not HH_MM.match(values[name]):
            raise Invalid(field=alias, reason="must be a time of day HH:MM, 00:00 to 23:59")


def _booked(ctx: Ctx, values: dict[str, Any], but: str | None = None) -> bool:
    return any(b.vendor_id == values["vendor_id"] and b.id != but
               for b in ctx.org["event-day-vendors"].where("event_day_id", values["event_day_id"]))


def on_create(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    _times(values)
    if _booked(ctx, values):
        raise Conflict("This vendor is already booked for this event day; update that booking instead.",
                       {"vendorId": values["vendor_id"], "eventDayId": values["event_day_id"]})
    return values


def on_update(ctx: Ctx, booking: EventDayVendor, changes: dict[str, Any]) -> dict[str, Any]:
    _times(changes)
    if ("vendor_id" in changes or "event_day_id" in changes) and _booked(ctx, merged(booking, changes), booking.id):
        raise Invalid(field="vendorId", reason="this vendor is already booked for that event day")
    return changes


RESOURCE = Resource(
    name="event-day-vendors", singular="event day vendor",
    model=EventDayVendor, create_model=EventDayVendorCreate, update_model=EventDayVendorUpdate,
    filters=[Filter.text("eventDayId"), Filter.text("vendorId")],
    refs=[Ref("event_day_id", "event-days"), Ref("vendor_id", "vendors")],
    on_create=on_create, on_update=on_update, on_seed=seeded_as_created("event-day-vendors"),
)
