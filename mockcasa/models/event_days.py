"""Event days (a project's day of the event), their vendors and their timeline items (API revision 2026-06-30)."""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from mockcasa.models.common import Day, InputModel, Number, Part, Record, Uuid, part, patch_model

EventDayStatus = Literal["draft", "published", "archived"]
TimelineStatus = Literal["pending", "in-progress", "completed", "skipped"]
AnchorType = Literal["none", "fixed", "fixed-end", "ceremony", "event-start", "sunset", "sunrise", "custom-event"]
Audience = Literal["master", "couple", "vendor-all", "venue", "shot-list", "party"]
ConfirmationStatus = Literal["unconfirmed", "confirmed", "declined"]
ANCHOR_DESCRIPTION = (
    "How the item is timed. 'none' floats (the cascade solves its time from order + duration). 'fixed' pins the "
    "item's START to requestedStartTime (HH:MM). 'fixed-end' pins the item's END to requestedStartTime — a hard "
    "stop / curfew / 'must be done by'; the schedule back-solves the items before it to fit (pin = end − "
    "duration). 'custom-event' pins to a named Key Moment via anchorKey. 'sunset'/'sunrise' pin to the venue's "
    "golden hour. 'ceremony'/'event-start' are legacy named anchors.")


def text(most: int, least: int = 0) -> type[str]:
    """A string of at most ``most`` characters (and at least ``least``)."""
    return Annotated[str, Field(min_length=least, max_length=most)] if least else Annotated[str, Field(max_length=most)]


NonEmpty = Annotated[str, Field(min_length=1)]


HourMinute = Annotated[str, StringConstraints(pattern=r"^\d{2}:\d{2}$")]
ClockTime = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
DayMinute = Annotated[int, Field(ge=0, le=2880)]  # minutes from the day's midnight; up to two days
Minutes = Annotated[int, Field(ge=0)]
Anchor = Annotated[AnchorType, Field(description=ANCHOR_DESCRIPTION)]


@part
class VenueAddress(Part):
    name: str | None = None
    street: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    lat: Number | None = None
    lng: Number | None = None


class VenueAddressInput(InputModel):
    name: text(300) = None
    street: text(300) = None
    city: text(200) = None
    state: text(200) = None
    zip: text(40) = None
    country: text(120) = None
    lat: Number = None
    lng: Number = None


@part
class EventDayCustomAnchor(Part):
    key: str
    label: str | None = None
    time: str | None = None


class CustomAnchorInput(InputModel):
    key: text(120, least=1)
    label: text(300) = None
    time: HourMinute = None


class EventDay(Record):
    project_id: Uuid | None = None
    client_id: Uuid | None = None
    name: str | None = None
    date: Day | None = None
    status: EventDayStatus = "draft"
    ceremony_time: str | None = None
    event_start_time: str | None = None
    venue_timezone: str | None = None
    venue_address: VenueAddress | None = None
    venue_notes: str | None = None
    day_start_minute: int | None = None
    day_end_minute: int | None = None
    custom_anchors: list[EventDayCustomAnchor] = Field(default_factory=list)
    is_primary: bool = False
    sort_order: int = 0


class EventDayCreate(InputModel):
    name: text(300) = None
    date: Day
    status: EventDayStatus = "draft"
    project_id: Uuid = None
    client_id: Uuid = None
    ceremony_time: HourMinute = None
    event_start_time: HourMinute = None
    venue_timezone: text(120) = None
    venue_address: VenueAddressInput = None
    venue_notes: text(2000) = None
    day_start_minute: DayMinute = None
    day_end_minute: DayMinute = None
    custom_anchors: list[CustomAnchorInput] = None
    is_primary: bool = None
    sort_order: int = None


EventDayUpdate = patch_model(EventDayCreate, "EventDayUpdate", nullable=(
    "name", "project_id", "client_id", "ceremony_time", "event_start_time", "venue_timezone", "venue_notes"))


class TimelineItem(Record):
    event_day_id: str
    title: str
    description: str | None = None
    category_id: str | None = None
    sort_order: Number = 0
    track_id: str | None = None
    requested_start_time: str | None = None
    duration_minutes: Number
    buffer_before_minutes: Number | None = None
    buffer_after_minutes: Number | None = None
    travel_time_minutes: Number | None = None
    locked: bool = False
    anchor_type: Anchor = "none"
    anchor_key: str | None = None
    location: str | None = None
    visible_to: list[Audience] = Field(default_factory=lambda: ["master"])
    vendor_ids: list[str] = Field(default_factory=list)
    status: TimelineStatus = "pending"


class TimelineItemCreate(InputModel):
    event_day_id: NonEmpty
    title: text(300, least=1)
    description: text(5000) = None
    category_id: str = None
    sort_order: int = None
    track_id: text(100) = None
    requested_start_time: ClockTime = None
    duration_minutes: Minutes
    buffer_before_minutes: Minutes = None
    buffer_after_minutes: Minutes = None
    travel_time_minutes: Minutes = None
    locked: bool = None
    anchor_type: Anchor = None
    anchor_key: text(200) = None
    location: text(500) = None
    visible_to: list[Audience] = None
    vendor_ids: list[str] = None
    status: TimelineStatus = None


TimelineItemUpdate = patch_model(TimelineItemCreate, "TimelineItemUpdate", nullable=(
    "description", "category_id", "track_id", "requested_start_time", "anchor_key", "location"))


class EventDayVendor(Record):
    event_day_id: str
    vendor_id: str
    role: str | None = None
    call_time: str | None = None
    coverage_start_time: str | None = None
    coverage_end_time: str | None = None
    meal_provided: bool = False
    meal_notes: str | None = None
    point_of_contact: str | None = None
    point_of_contact_phone: str | None = None
    internal_notes: str | None = None
    confirmation_status: ConfirmationStatus = "unconfirmed"


TimeOfDay = Annotated[str, Field(max_length=5)]


class EventDayVendorCreate(InputModel):
    event_day_id: NonEmpty
    vendor_id: NonEmpty
    role: text(300) = None
    call_time: TimeOfDay = None
    coverage_start_time: TimeOfDay = None
    coverage_end_time: TimeOfDay = None
    meal_provided: bool = False
    meal_notes: text(2000) = None
    point_of_contact: text(300) = None
    point_of_contact_phone: text(50) = None
    internal_notes: text(5000) = None
    confirmation_status: ConfirmationStatus = "unconfirmed"


EventDayVendorUpdate = patch_model(EventDayVendorCreate, "EventDayVendorUpdate")
