"""Venues: the places events happen (2026-06-30).

Plain CRUD. A venue's spaces have distinct names (400 naming ``spaces[i].name``), and ``timezone``
must be an IANA time zone such as ``America/New_York`` when the server knows the zone database.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from mockcasa.engine.resource import Ctx, Filter, Resource
from mockcasa.errors import Invalid
from mockcasa.models.vendors import ActiveStatus, Venue, VenueCreate, VenueUpdate


@cache
def _have_zone_database() -> bool:
    """Whether any zone is known (``available_timezones`` walks the database: ~35 ms a call)."""
    return bool(available_timezones())


def check_timezone(value: str | None, field: str) -> None:
    """400 naming ``field`` unless ``value`` is a zone the zone database knows (skipped without one)."""
    if value is None or not _have_zone_database():
        return
    try:
        ZoneInfo(value)
    except (ValueError, KeyError, OSError):
        raise Invalid(field=field, reason="must be an IANA time zone such as America/New_York") from None


def _check(values: dict[str, Any]) -> dict[str, Any]:
    check_timezone(values.get("timezone"), "timezone")
    seen: set[str] = set()
    for i, space in enumerate(values.get("spaces") or []):
        name = space["name"].strip().lower()
        if name in seen:
            raise Invalid(field=f"spaces[{i}].name", reason="another space of this venue has this name")
        seen.add(name)
    return values


def on_create(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    return _check({**values, "contacts": values.get("contacts") or [], "spaces": values.get("spaces") or [],
                   "tag_ids": values.get("tag_ids") or []})


def on_update(ctx: Ctx, venue: Venue, changes: dict[str, Any]) -> dict[str, Any]:
    return _check(changes)


RESOURCE = Resource(
    name="venues", singular="venue",
    model=Venue, create_model=VenueCreate, update_model=VenueUpdate,
    filters=[Filter.enum("status", ActiveStatus)],
    on_create=on_create, on_update=on_update,
)
