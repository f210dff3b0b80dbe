"""Invoices, payments and payouts: the money side of the API."""

from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from mockcasa.models.common import (
    Day,
    InputModel,
    Number,
    Part,
    PartId,
    Record,
    Timestamp,
    Uuid,
    part,
    patch_model,
)

InvoiceStatus = Literal["draft", "sent", "partial", "paid", "overdue", "void"]
ManualMethod = Literal["check", "bank_transfer", "cash", "venmo", "zelle", "paypal", "wire", "other"]
PaymentMethod = Literal["stripe", ManualMethod]
PaymentStatus = Literal["pending", "processing", "succeeded", "failed"]
PaymentKind = Literal["payment", "refund", "chargeback", "dispute_fee", "adjustment"]
ManualKind = Literal["payment", "refund", "adjustment"]
PayoutStatus = Literal["pending", "in_transit", "paid", "failed", "canceled"]


def refuse(values: Iterable[str], reason: str) -> BeforeValidator:
    """Refuse values the contract's full enum has but the API may not write, with a reason saying why.

    Without it the client would only read "Input should be 'draft' or 'sent'" for ``paid``.
    """
    refused = frozenset(values)

    def check(value: Any) -> Any:
        if isinstance(value, str) and value in refused:
            raise ValueError(f"'{value}' {reason}")
        return value
    return BeforeValidator(check)


Text200 = Annotated[str, Field(max_length=200)]
Text500 = Annotated[str, Field(max_length=500)]
Text2000 = Annotated[str, Field(max_length=2000)]
Text5000 = Annotated[str, Field(max_length=5000)]
CreateInvoiceStatus = Annotated[
    Literal["draft", "sent"],
    refuse(("partial", "paid", "overdue"), "is derived from payments and the due date; send draft or sent"),
    refuse(("void",), "cannot be set on create; create the invoice, then PATCH it to void")]
UpdateInvoiceStatus = Annotated[
    Literal["draft", "sent", "void"],
    refuse(("partial", "paid", "overdue"),
           "is derived from payments and the due date; send draft, sent or void")]
CreatePaymentMethod = Annotated[
    ManualMethod,
    refuse(("stripe",), "payments are recorded automatically from Stripe and cannot be created through the "
                        "API; use a manual method such as check or bank_transfer")]
CreatePaymentKind = Annotated[
    ManualKind,
    refuse(("chargeback", "dispute_fee"),
           "entries come from Stripe disputes and cannot be created through the API; "
           "use payment, refund or adjustment")]
# The contract's default for a payment's currency; an invoice's currency, when there is one, wins.
DEFAULT_CURRENCY = "USD"
Currency = Annotated[str, Field(min_length=3, max_length=3, json_schema_extra={"default": DEFAULT_CURRENCY})]


@part
class InvoiceLineItem(Part):
    id: PartId
    description: str
    quantity: Number
    unit_price: Number
    taxable: bool = False
    discount_percent: Number | None = None
    total: Number


class InvoiceLineItemInput(InputModel):
    description: Annotated[str, Field(min_length=1, max_length=500)]
    quantity: Annotated[Number, Field(gt=0)]
    unit_price: Annotated[Number, Field(ge=0)]
    # Left out (None): the client's ``taxSettings.defaultTaxable`` (2026-06-30), else the contract's false.
    taxable: Annotated[bool, Field(json_schema_extra={"default": False})] = None
    discount_percent: Annotated[Number, Field(ge=0, le=100)] = None


class Invoice(Record):
    invoice_number: str
    client_id: Uuid
    billing_contact_id: Uuid | None = None
    project_ids: list[Uuid] = Field(default_factory=list)
    status: InvoiceStatus = "draft"
    subject: str | None = None
    issue_date: Day
    due_date: Day
    currency: str
    subtotal: Number = 0
    discount_amount: Number = 0
    tax_amount: Number = 0
    total: Number = 0
    amount_paid: Number = 0
    balance_due: Number = 0
    payment_terms: str | None = None
    notes: str | None = None
    paid_at: Timestamp | None = None
    line_items: list[InvoiceLineItem] = Field(default_factory=list)


class InvoiceCreate(InputModel):
    client_id: Uuid
    billing_contact_id: Uuid = None
    project_ids: list[Uuid] = None
    status: CreateInvoiceStatus = "draft"
    subject: Text500 = None
    issue_date: Day = None
    due_date: Day = None
    payment_terms: Text500 = None
    notes: Text5000 = None
    line_items: Annotated[list[InvoiceLineItemInput], Field(min_length=1)]


InvoiceUpdate = patch_model(
    InvoiceCreate, "InvoiceUpdate", exclude=("client_id", "line_items"),
    nullable=("billing_contact_id", "subject", "payment_terms", "notes"), extra={"status": UpdateInvoiceStatus})


class Payment(Record):
    client_id: Uuid
    invoice_id: Uuid | None = None
    amount: Number
    currency: str
    received_date: Day
    method: PaymentMethod
    status: PaymentStatus = "succeeded"
    kind: PaymentKind = "payment"
    reference: str | None = None
    notes: str | None = None
    net_amount: Number | None = None
    payout_id: Uuid | None = None
    refund_of_id: Uuid | None = None


class PaymentCreate(InputModel):
    client_id: Uuid
    invoice_id: Uuid = None
    amount: Number
    # Omitted: the invoice's currency, else the contract's default (USD), whatever the organization's.
    currency: Currency = None
    received_date: Day
    method: CreatePaymentMethod
    kind: CreatePaymentKind = "payment"
    reference: Text200 = None
    notes: Text2000 = None
    refund_of_id: Uuid = None


PaymentUpdate = patch_model(PaymentCreate, "PaymentUpdate", only=("reference", "notes"),
                            nullable=("reference", "notes"))


class Payout(Record):
    stripe_payout_id: str
    amount: Number
    currency: str
    arrival_date: Day | None = None
    status: PayoutStatus = "pending"
    type: str = "bank_account"
    automatic: bool = True
    description: str | None = None
    bank_account_last4: str | None = None
    bank_account_name: str | None = None
    gross_total: Number = 0
    fee_total: Number = 0
    refund_total: Number = 0
    payment_count: int = 0
    failure_code: str | None = None
    failure_message: str | None = None
