"""Form submissions: what arrived through a form, read-only through the API (2026-06-30).

A list leaves each submission's ``answers`` out (``null``); a GET has them. An inquiry arriving
(``POST /inquiries``, or the admin collection action ``receive`` for one arriving through the
hosted form) is a submission of the default inquiry form, from a contact and a lead: the contact
with that email if there is one (and its client), else a new contact and a new client in status
``new``, both naming the submission (``sourceSubmissionId``). Emits ``form_submission_completed``
and, for a new lead, ``lead_created``.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from mockcasa.engine.body import describe, validation_details
from mockcasa.engine.records import create_record, update_record
from mockcasa.engine.resource import Ctx, Filter, Ref, Resource
from mockcasa.errors import Invalid
from mockcasa.models.common import new_id
from mockcasa.models.forms import FormKind, FormSubmission, SubmissionStatus
from mockcasa.models.v2026_06_30 import InquiryCreate
from mockcasa.resources.forms import default_form

QUESTIONS = (("name", "Name"), ("email", "Email"), ("phone", "Phone"), ("preferred_date", "Preferred date"),
             ("message", "Message"))


def _answers(values: dict[str, Any]) -> list[dict[str, str]]:
    answers = [{"field_id": re.sub(r"_(\w)", lambda m: m.group(1).upper(), name), "question": question,
                "answer": str(values[name])} for name, question in QUESTIONS if values.get(name) is not None]
    for question, answer in (values.get("fields") or {}).items():
        field_id = re.sub(r"[^a-z0-9]+", "-", question.lower()).strip("-") or "field"
        answers.append({"field_id": field_id, "question": question,
                        "answer": ", ".join(answer) if isinstance(answer, list) else answer})
    return answers


def _contact_by_email(ctx: Ctx, email: str) -> Any | None:
    return next((c for c in ctx.org["contacts"] if (c.email or "").lower() == email.lower()), None)


def submit_inquiry(ctx: Ctx, values: dict[str, Any], source: str) -> tuple[Any, Any, Any]:
    """An inquiry arriving: (its submission, the contact, the client). See the module docstring."""
    resources, submission_id = ctx.resources, new_id()
    contact = _contact_by_email(ctx, values["email"])
    client = ctx.org["clients"].get(contact.client_id or "") if contact is not None else None
    if client is None:
        client = create_record(resources["clients"], ctx, {"name": values["name"], "status": "new",
                                                          "source_submission_id": submission_id})
    if contact is None:
        contact = create_record(resources["contacts"], ctx, {
            "name": values["name"], "email": values["email"], "phone": values.get("phone"),
            "client_id": client.id, "source_submission_id": submission_id})
    elif contact.client_id is None:
        contact = update_record(resources["contacts"], ctx, contact, {"client_id": client.id})
    form = default_form(ctx, "inquiry")
    submission = create_record(RESOURCE, ctx, {
        "id": submission_id, "form_id": form.id if form else None, "kind": "inquiry", "status": "submitted",
        "contact_id": contact.id, "client_id": client.id, "source": source, "submitted_at": ctx.today(),
        "answers": _answers(values)})
    ctx.emit("form_submission_completed", RESOURCE.name, submission)
    return submission, contact, client


def submit(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    """``POST /inquiries`` from API revision 2026-06-30: the inquiry form is submitted (a form submission,
    a contact and a lead) and the answer names what it made, ``received``."""
    submission, contact, client = submit_inquiry(ctx, values, "api")
    return {"status": "received", "client_id": client.id, "contact_id": contact.id, "submission_id": submission.id}


def receive(ctx: Ctx, params: dict[str, Any]) -> FormSubmission:
    """Admin collection action: an inquiry arriving through the hosted form (the body of POST /inquiries)."""
    try:
        body = InquiryCreate.model_validate(params)
    except ValidationError as exc:
        details = validation_details(exc)
        raise Invalid(describe(details), details) from None
    return submit_inquiry(ctx, body.model_dump(by_alias=False), "inquiry_form")[0]


def without_answers(ctx: Ctx, submission: FormSubmission) -> FormSubmission:
    return submission.model_copy(update={"answers": None})


def on_seed(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    """A seeded submission takes its form's kind; a submitted one is dated (default today)."""
    form = ctx.org["forms"].get(values.get("form_id") or "")
    if form is not None:
        values["kind"] = form.kind
    if values.get("status", "submitted") == "submitted":
        values.setdefault("submitted_at", ctx.today())
    return values


RESOURCE = Resource(
    name="form-submissions", singular="form submission", model=FormSubmission, operations=("list", "get"),
    filters=[Filter.uuid("formId"), Filter.enum("kind", FormKind), Filter.enum("status", SubmissionStatus),
             Filter.uuid("contactId")],
    refs=[Ref("form_id", "forms"), Ref("contact_id", "contacts"), Ref("client_id", "clients")],
    summarize=without_answers, on_seed=on_seed,
    collection_actions={"receive": receive},
    descriptions={"list": "Answers are omitted from the list (returned as `null`); fetch a single submission "
                          "to read them."},
)
