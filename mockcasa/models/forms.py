"""Forms (inquiry forms and questionnaires) and their submissions, read-only (API revision 2026-06-30)."""

from typing import Literal

from mockcasa.models.common import Day, Part, Record, Uuid, part

FormKind = Literal["inquiry", "questionnaire"]
SubmissionStatus = Literal["in_progress", "submitted"]


class Form(Record):
    name: str
    title: str | None = None
    description: str | None = None
    kind: FormKind = "inquiry"
    slug: str | None = None
    enabled: bool = True
    is_default: bool = False


@part
class FormSubmissionAnswer(Part):
    field_id: str
    question: str
    answer: str


class FormSubmission(Record):
    form_id: Uuid | None = None
    kind: FormKind | None = None
    status: SubmissionStatus = "submitted"
    contact_id: Uuid | None = None
    client_id: Uuid | None = None
    source: str | None = None
    submitted_at: Day | None = None
    answers: list[FormSubmissionAnswer] | None = None
