"""Inquiries: leads from the inquiry form or entered by hand, until converted into a client and project."""

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from mockcasa.models.common import Day, Email, InputModel, Record, Timestamp, Uuid, patch_model

InquiryStatus = Literal["new", "contacted", "qualified", "converted", "declined", "spam"]
# What a PATCH may set: `converted` belongs to the dashboard's conversion flow.
WritableInquiryStatus = Literal["new", "contacted", "qualified", "declined", "spam"]
InquirySource = Literal["inquiry_form", "manual", "referral", "other"]

Name200 = Annotated[str, Field(min_length=1, max_length=200)]
Text50 = Annotated[str, Field(max_length=50)]
Text5000 = Annotated[str, Field(max_length=5000)]


def _refuse_converted(value: Any) -> Any:
    if value == "converted":
        raise ValueError("cannot be set to converted through the API; conversion into a client and "
                         "project happens in the dashboard")
    return value


class Inquiry(Record):
    name: str
    email: Email | None = None
    phone: str | None = None
    contact_id: Uuid | None = None
    inquiry_slug: str | None = None
    preferred_date: Day | None = None
    message: str | None = None
    status: InquiryStatus = "new"
    source: InquirySource = "manual"
    custom_answers: dict[str, Any] | None = None
    converted_client_id: Uuid | None = None
    converted_project_id: Uuid | None = None
    converted_at: Timestamp | None = None
    last_contacted_at: Timestamp | None = None
    next_follow_up_at: Timestamp | None = None
    notes: str | None = None


class InquiryCreate(InputModel):
    name: Name200
    email: Email
    phone: Text50 = None
    preferred_date: Day = None
    message: Text5000 = None
    source: InquirySource = "manual"
    custom_answers: dict[str, Any] = None
    contact_id: Uuid = None
    notes: Text5000 = None


InquiryUpdate = patch_model(
    InquiryCreate, "InquiryUpdate", exclude=("source", "custom_answers", "contact_id"),
    nullable=("email", "phone", "preferred_date", "message", "notes"),
    extra={"status": Annotated[WritableInquiryStatus, BeforeValidator(_refuse_converted)],
           "last_contacted_at": Timestamp | None, "next_follow_up_at": Timestamp | None})
