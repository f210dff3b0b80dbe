"""Proposals and contracts: documents sent to clients. Their content and signing are dashboard-managed."""

from typing import Annotated, Literal

from pydantic import Field

from mockcasa.models.billing import Text5000, refuse
from mockcasa.models.common import (
    Day,
    Email,
    InputModel,
    Number,
    Part,
    Record,
    Timestamp,
    Uuid,
    part,
    patch_model,
)

Title = Annotated[str, Field(min_length=1, max_length=300)]
ProposalStatus = Literal["draft", "sent", "accepted", "rejected", "expired", "void"]
SendMode = Literal["proposal", "agreement"]
ContractStatus = Literal["draft", "sent", "viewed", "active", "completed", "expired", "voided"]
SigningMode = Literal["client_only", "counter_sign", "auto_counter_sign"]
ContentType = Literal["tiptap", "pdf"]

UpdateProposalStatus = Annotated[
    Literal["draft", "sent", "void"],
    refuse(("accepted", "rejected", "expired"),
           "is set by the system when the client responds or the proposal expires; send draft, sent or void")]


class Proposal(Record):
    proposal_number: str
    title: str
    client_id: Uuid
    billing_contact_id: Uuid | None = None
    project_id: Uuid | None = None
    status: ProposalStatus = "draft"
    send_mode: SendMode = "proposal"
    issue_date: Day | None = None
    expiration_date: Day | None = None
    event_date: Day | None = None
    currency: str
    subtotal: Number = 0
    discount_amount: Number = 0
    tax_amount: Number = 0
    total: Number = 0
    notes: str | None = None
    archived: bool = False
    linked_contract_id: Uuid | None = None


class ProposalCreate(InputModel):
    title: Title
    client_id: Uuid
    billing_contact_id: Uuid = None
    project_id: Uuid = None
    send_mode: SendMode = "proposal"
    issue_date: Day = None
    expiration_date: Day = None
    event_date: Day = None
    notes: Text5000 = None


ProposalUpdate = patch_model(
    ProposalCreate, "ProposalUpdate", exclude=("client_id", "send_mode"),
    nullable=("billing_contact_id", "project_id", "event_date", "notes"),
    extra={"status": UpdateProposalStatus, "archived": bool})


@part
class ContractSigner(Part):
    contact_id: Uuid | None = None
    name: str
    email: Email | Literal[""] = ""
    role: str = "client"
    order: int = 1
    status: str = "pending"
    signed_at: Timestamp | None = None


class Contract(Record):
    contract_number: str
    title: str
    client_id: Uuid
    billing_contact_id: Uuid | None = None
    proposal_id: Uuid | None = None
    project_id: Uuid | None = None
    source_template_id: Uuid | None = None
    status: ContractStatus = "draft"
    signing_mode: SigningMode = "client_only"
    content_type: ContentType = "tiptap"
    issue_date: Day | None = None
    effective_date: Day | None = None
    expiration_date: Day | None = None
    signed_date: Timestamp | None = None
    currency: str
    contract_value: Number | None = None
    signers: list[ContractSigner] = Field(default_factory=list)
    archived: bool = False


class ContractCreate(InputModel):
    title: Title
    client_id: Uuid
    billing_contact_id: Uuid = None
    proposal_id: Uuid = None
    project_id: Uuid = None
    source_template_id: Uuid = None
    issue_date: Day = None
    effective_date: Day = None
    expiration_date: Day = None
    contract_value: Annotated[Number, Field(ge=0)] = None


ContractUpdate = patch_model(
    ContractCreate, "ContractUpdate", only=("title", "effective_date", "expiration_date"),
    nullable=("effective_date", "expiration_date"), extra={"archived": bool})
