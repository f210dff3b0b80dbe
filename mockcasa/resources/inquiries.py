"""Inquiries: leads, from ``new`` through contact and qualification to a client and project.

API-created inquiries always start as ``new`` (sending ``status`` is a 400). A PATCH moves among
new/contacted/qualified/declined/spam; ``converted`` is reached only through the dashboard's
conversion (admin action ``convert``), and neither ``converted`` nor ``spam`` can be left (409).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, ValidationError

from mockcasa.engine.body import describe, validation_details
from mockcasa.engine.records import create_record, update_record
from mockcasa.engine.resource import Ctx, Filter, Ref, Resource
from mockcasa.errors import Conflict, Invalid
from mockcasa.models.common import InputModel, Uuid
from mockcasa.models.leads import Inquiry, InquiryCreate, InquirySource, InquiryStatus, InquiryUpdate
from mockcasa.resources._rules import seed_through_create

TERMINAL = {"converted": "converted into a client", "spam": "marked as spam"}
Name200 = Annotated[str, Field(min_length=1, max_length=200)]


def on_update(ctx: Ctx, record: Inquiry, changes: dict[str, Any]) -> dict[str, Any]:
    if "status" in changes and record.status in TERMINAL:
        raise Conflict(f"This inquiry was {TERMINAL[record.status]}; its status can no longer change.",
                       {"status": record.status})
    return changes


def after_update(ctx: Ctx, record: Inquiry, before: Inquiry) -> None:
    if record.status != before.status:
        ctx.emit("inquiry_status_changed", RESOURCE.name, record)


def on_seed(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    """Checked like a create, plus the system fields: any status, the slug, and the conversion."""
    values, system = seed_through_create(
        RESOURCE, ctx, values,
        ("status", "inquiry_slug", "converted_client_id", "converted_project_id", "converted_at",
         "last_contacted_at", "next_follow_up_at"))
    conversion = ("converted_client_id", "converted_project_id")
    if system.get("status") == "converted":
        for name, target, alias in (("converted_client_id", "clients", "convertedClientId"),
                                    ("converted_project_id", "projects", "convertedProjectId")):
            if system.get(name) is None:
                raise Invalid(field=alias, reason="is required when status is converted")
            system[name] = ctx.lookup(target, str(system[name]).lower(), alias).id
        system.setdefault("converted_at", ctx.now())
    elif any(system.get(name) is not None for name in (*conversion, "converted_at")):
        raise Invalid(field="status", reason="must be converted when the conversion fields are set")
    return {**values, **system}


class ConvertParams(InputModel):
    """What the dashboard's conversion asks: an existing client, or names for the new records."""

    client_id: Uuid = None
    client_name: Name200 = None
    project_name: Name200 = None


def convert(ctx: Ctx, record: Inquiry, params: dict[str, Any]) -> Inquiry:
    """Admin action: create the client (unless ``clientId``) and project, and mark the inquiry converted.

    The project is named after the inquiry and dated on its ``preferredDate``; a contact the inquiry
    names that has no client yet joins the new client. Emits ``client_created`` (a new client),
    ``project_created``, ``inquiry_status_changed`` and ``inquiry_converted``.
    """
    try:
        wanted = ConvertParams.model_validate(params)
    except ValidationError as exc:
        details = validation_details(exc)
        raise Invalid(describe(details), details) from None
    if record.status in TERMINAL:
        raise Conflict(f"This inquiry was {TERMINAL[record.status]}; it cannot be converted.",
                       {"status": record.status})
    resources = ctx.resources
    if wanted.client_id is not None:
        client = ctx.lookup("clients", wanted.client_id, "clientId")
    else:
        client = create_record(resources["clients"], ctx, {"name": wanted.client_name or record.name})
    project = create_record(resources["projects"], ctx, {
        "name": wanted.project_name or record.name, "client_id": client.id, "event_date": record.preferred_date})
    contact = ctx.org["contacts"].get(record.contact_id or "")
    if contact is not None and contact.client_id is None:
        update_record(resources["contacts"], ctx, contact, {"client_id": client.id})
    converted = Inquiry.model_validate({
        **dict(record), "status": "converted", "converted_client_id": client.id,
        "converted_project_id": project.id, "converted_at": ctx.now(), "updated_at": ctx.now()})
    ctx.org[RESOURCE.name].replace(converted)
    ctx.emit("inquiry_status_changed", RESOURCE.name, converted)  # like every other status change
    ctx.emit("inquiry_converted", RESOURCE.name, converted)
    return converted


RESOURCE = Resource(
    name="inquiries", singular="inquiry",
    model=Inquiry, create_model=InquiryCreate, update_model=InquiryUpdate,
    operation_names={"plural": "Inquiries"},
    created_event="inquiry_created",
    stored_as_created=True,
    filters=[Filter.enum("status", InquiryStatus),
             Filter.enum("source", InquirySource)],
    refs=[Ref("contact_id", "contacts"), Ref("converted_client_id", "clients"),
          Ref("converted_project_id", "projects")],
    on_update=on_update, after_update=after_update, on_seed=on_seed,
    actions={"convert": convert},
    descriptions={"create": "Inquiries created via the API land in `new` status. Conversion (to Client + "
                            "Project) is dashboard-only in v1.",
                  "update": "Status `converted` is terminal and set by the dashboard conversion flow. "
                            "Transitions out of `converted` or `spam` are blocked (409)."},
)
