"""The shapes API revision 2026-06-30 changes, each under its contract name; everything else is 1.0.0's.

- clients carry the lead pipeline (statuses new → contacted → qualified → active, or declined/spam),
  tax settings, reminder and PDF-attachment settings, recurring billing and the form submission
  a lead came from; contacts name that submission instead of an inquiry;
- invoices: statuses draft/sent/paid/void/written_off, a derived ``overdue`` flag, the voided
  invoice a reissue ``supersedesInvoice``; a PATCH may set only sent or void;
- milestones hang under projects or client documents; contracts lose ``proposalId``; catalog
  items gain bundles; ``POST /inquiries`` submits the inquiry form (a form submission, a contact
  and a lead) and answers with what it made; the webhook event enum changes.
"""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from mockcasa.models import billing, catalog, crm, documents, leads, webhooks, work
from mockcasa.models.billing import refuse
from mockcasa.models.common import (
    Day,
    Email,
    InputModel,
    Internal,
    Number,
    Part,
    Record,
    Timestamp,
    Uuid,
    internal,
    part,
    patch_model,
    revise,
)
from mockcasa.webhooks.events import events_of

REVISION = "2026-06-30"

# --- clients and contacts: the lead pipeline moved onto clients ------------------------------

ClientStatus = Literal["new", "contacted", "qualified", "active", "inactive", "declined", "spam"]
LEAD_STATUSES = ("new", "contacted", "qualified")
RecurringStatus = Literal["active", "past_due", "paused", "suspended", "pending_setup"]
TaxRate = Annotated[Number, Field(ge=0, le=100)]


@part
class ClientTaxSettings(Part):
    default_taxable: bool = True
    override_tax_rate: bool = False
    tax_rate: TaxRate | None = None


class ClientTaxSettingsInput(InputModel):
    default_taxable: bool
    override_tax_rate: bool
    tax_rate: TaxRate | None


@part
class ClientRecurringBilling(Part):
    status: RecurringStatus
    next_billing_date: Day | None = None


Client = revise(
    crm.Client, status=(ClientStatus, "active"),
    tax_settings=(ClientTaxSettings, Field(default_factory=ClientTaxSettings)),
    invoice_reminders_enabled=(bool, True), attach_invoice_pdf=(bool, True), attach_receipt_pdf=(bool, True),
    # The contract's allOf [ClientRecurringBilling, object|null] admits no null: a client never set up
    # for recurring billing reads pending_setup.
    recurring_billing=(ClientRecurringBilling, Field(default_factory=lambda: ClientRecurringBilling(
        status="pending_setup"))),
    source_submission_id=(Uuid | None, None))
ClientCreate = revise(
    crm.ClientCreate, status=(ClientStatus, "active"), tax_settings=(ClientTaxSettingsInput, None),
    invoice_reminders_enabled=(bool, None), attach_invoice_pdf=(bool, None), attach_receipt_pdf=(bool, None))
ClientUpdate = patch_model(ClientCreate, "ClientUpdate")

Contact = revise(crm.Contact, drop=("inquiry_id",), source_submission_id=(Uuid | None, None))

# --- invoices --------------------------------------------------------------------------------

InvoiceStatus = Literal["draft", "sent", "paid", "void", "written_off"]
UpdateInvoiceStatus = Annotated[
    Literal["sent", "void"],
    refuse(("paid", "partial", "overdue"), "is derived from payments and the due date; send sent or void"),
    refuse(("draft",), "cannot be set: an invoice does not go back to draft"),
    refuse(("written_off",), "is set by writing the invoice off in the dashboard")]

Invoice = revise(billing.Invoice, status=(InvoiceStatus, "draft"), overdue=(bool, False),
                 supersedes_invoice=(Uuid | None, None))
InvoiceUpdate = patch_model(
    billing.InvoiceCreate, "InvoiceUpdate", exclude=("client_id", "line_items"),
    nullable=("billing_contact_id", "subject", "payment_terms", "notes"), extra={"status": UpdateInvoiceStatus})

# --- milestones, contracts, catalog items ----------------------------------------------------

MilestoneParent = Literal["projects", "client-documents"]


class _MilestoneParents(Record):
    """Index keys, one per parent resource, so a parent with milestones cannot be deleted (409)."""

    @property
    def parent_project_id(self) -> str | None:
        return self.parent_id if self.parent_type == "projects" else None

    @property
    def parent_document_id(self) -> str | None:
        return self.parent_id if self.parent_type == "client-documents" else None


Milestone = revise(work.Milestone, base=_MilestoneParents, parent_type=MilestoneParent)
MilestoneCreate = revise(work.MilestoneCreate, parent_type=MilestoneParent)
MilestoneUpdate = patch_model(
    MilestoneCreate, "MilestoneUpdate", exclude=("parent_type", "parent_id"),
    nullable=("description", "date", "time", "assignee_id", "catalog_item_id"))

Contract = revise(documents.Contract, drop=("proposal_id",))
ContractCreate = revise(documents.ContractCreate, drop=("proposal_id",))

Composition = Literal["atom", "bundle"]
BundlePriceMode = Literal["sum", "fixed"]
# Bundles are composed in the dashboard: the API reads them (create and update bodies are 1.0.0's).
CatalogItem = revise(catalog.CatalogItem, composition=(Composition, "atom"),
                     bundle_price_mode=(BundlePriceMode | None, None), bundle_fixed_price=(Number | None, None))

# --- inquiries: submitting the inquiry form --------------------------------------------------

Answer = Annotated[str, Field(max_length=5000)]
FieldValue = Answer | Annotated[list[Answer], Field(max_length=50)]
DateText = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class Inquiry(Record):
    """What ``POST /inquiries`` answers: the records the submission made. Only ever created."""

    status: Literal["received"] = "received"
    client_id: Uuid | None = None
    contact_id: Uuid | None = None
    submission_id: Uuid | None = None
    # Kept for ordering and snapshots; the contract's Inquiry has no timestamps.
    created_at: Internal[Timestamp] = internal()
    updated_at: Internal[Timestamp] = internal()


class InquiryCreate(InputModel):
    name: leads.Name200
    email: Email
    phone: leads.Text50 = None
    preferred_date: DateText = None
    message: leads.Text5000 = None
    fields: dict[str, FieldValue] = None


# --- webhooks: the revision's event enum -----------------------------------------------------

WebhookEvent = Literal[events_of(REVISION)]  # type: ignore[valid-type]
Webhook = revise(webhooks.Webhook, events=list[WebhookEvent])
WebhookCreate = revise(webhooks.WebhookCreate, events=Annotated[list[WebhookEvent], Field(min_length=1)])
WebhookUpdate = patch_model(WebhookCreate, "WebhookUpdate", nullable=("secret",))
