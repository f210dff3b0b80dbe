"""Time entries, milestones and calendar events: the work done and planned on projects."""

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from mockcasa.models.common import (
    Day,
    InputModel,
    Internal,
    Number,
    Record,
    Timestamp,
    Uuid,
    internal,
    patch_model,
)
from mockcasa.models.money import Money

RateType = Literal["standard", "overtime", "emergency", "custom"]
MilestoneParent = Literal["proposals", "projects"]
MilestoneStatus = Literal["pending", "in-progress", "completed"]
EventSource = Literal["manual", "google", "microsoft", "apple"]

Hours = Annotated[Number, Field(gt=0, le=24)]
Rate = Annotated[Money, Field(ge=0)]
Text100 = Annotated[str, Field(max_length=100)]
Text200 = Annotated[str, Field(max_length=200)]
Text2000 = Annotated[str, Field(max_length=2000)]
Text5000 = Annotated[str, Field(max_length=5000)]
Title300 = Annotated[str, Field(min_length=1, max_length=300)]

_CLOCK_TIME = re.compile(r"^\d{2}:\d{2}$")


def _check_clock_time(value: str) -> str:
    if not _CLOCK_TIME.match(value) or int(value[:2]) > 23 or int(value[3:]) > 59:
        raise ValueError("must be a time of day HH:MM between 00:00 and 23:59")
    return value


ClockTime = Annotated[str, Field(pattern=r"^\d{2}:\d{2}$"), AfterValidator(_check_clock_time)]


class TimeEntry(Record):
    project_id: Uuid
    client_id: Uuid
    member_id: Uuid
    catalog_item_id: Uuid | None = None
    date: Day
    hours: Number
    description: str | None = None
    billable: bool = True
    rate_type: RateType = "standard"
    custom_multiplier_name: str | None = None
    rate_override: Number | None = None
    effective_rate: Number | None = None
    worker_name: str | None = None
    # The invoice this entry was billed to (seed data, admin "bill" action); never served.
    invoice_id: Internal[Uuid | None] = internal()


class TimeEntryCreate(InputModel):
    project_id: Uuid
    member_id: Uuid
    catalog_item_id: Uuid = None
    date: Day
    hours: Hours
    description: Text2000 = None
    billable: bool = True
    rate_type: RateType = "standard"
    custom_multiplier_name: Text100 = None
    rate_override: Rate = None
    worker_name: Text200 = None


TimeEntryUpdate = patch_model(TimeEntryCreate, "TimeEntryUpdate")


class Milestone(Record):
    parent_type: MilestoneParent
    parent_id: Uuid
    title: str
    description: str | None = None
    date: Day | None = None
    time: str | None = None
    status: MilestoneStatus = "pending"
    completed_at: Timestamp | None = None
    assignee_id: Uuid | None = None
    catalog_item_id: Uuid | None = None
    sort_order: int = 0

    # Index keys, one per possible parent resource, so that deleting a project or a proposal that
    # still has milestones is refused like any other referenced record (see the resource's refs).
    @property
    def parent_project_id(self) -> str | None:
        return self.parent_id if self.parent_type == "projects" else None

    @property
    def parent_proposal_id(self) -> str | None:
        return self.parent_id if self.parent_type == "proposals" else None


class MilestoneCreate(InputModel):
    parent_type: MilestoneParent
    parent_id: Uuid
    title: Title300
    description: Text2000 = None
    date: Day
    time: ClockTime = None
    status: MilestoneStatus = "pending"
    assignee_id: Uuid = None
    catalog_item_id: Uuid = None
    sort_order: int = None


MilestoneUpdate = patch_model(
    MilestoneCreate, "MilestoneUpdate", exclude=("parent_type", "parent_id"),
    nullable=("description", "date", "time", "assignee_id", "catalog_item_id"))


class CalendarEvent(Record):
    title: str
    description: str | None = None
    start_date_time: Timestamp
    end_date_time: Timestamp
    all_day: bool = False
    project_id: Uuid | None = None
    client_id: Uuid | None = None
    actionable: bool = False
    completed_at: Timestamp | None = None
    recurring: bool = False
    rrule: str | None = None
    recurrence_end: Timestamp | None = None
    source: EventSource = "manual"
    read_only: bool = False


class CalendarEventCreate(InputModel):
    title: Title300
    description: Text5000 = None
    start_date_time: Timestamp
    end_date_time: Timestamp
    all_day: bool = False
    project_id: Uuid = None
    client_id: Uuid = None
    actionable: bool = False
    recurring: bool = False
    rrule: Annotated[str, Field(max_length=500)] = None
    recurrence_end: Timestamp = None


CalendarEventUpdate = patch_model(
    CalendarEventCreate, "CalendarEventUpdate",
    nullable=("description", "project_id", "client_id", "rrule", "recurrence_end"),
    extra={"completed_at": Timestamp | None})
