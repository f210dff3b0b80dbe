"""Catalog items (what a studio sells or spends on) and transactions (recurring or one-off costs and revenue)."""

from typing import Annotated, Literal

from pydantic import Field

from mockcasa.models.common import (
    Day,
    Email,
    InputModel,
    Internal,
    Number,
    Part,
    Record,
    Uuid,
    internal,
    part,
    patch_model,
)
from mockcasa.models.money import Money

CatalogType = Literal["expense", "charge"]
CatalogUnit = Literal["flat", "hour", "each"]
PricingMode = Literal["fixed", "hourly", "bom"]
Frequency = Literal["one-time", "monthly", "quarterly", "annual"]
ActiveStatus = Literal["active", "paused", "archived"]
Direction = Literal["cost", "revenue"]
TransactionMode = Literal["each", "split", "global"]

Name200 = Annotated[str, Field(min_length=1, max_length=200)]
Name300 = Annotated[str, Field(min_length=1, max_length=300)]
Text50 = Annotated[str, Field(max_length=50)]
Text200 = Annotated[str, Field(max_length=200)]
Text2000 = Annotated[str, Field(max_length=2000)]
Rate = Annotated[Money, Field(ge=0)]
Percent = Annotated[Number, Field(ge=0, le=100)]


class CatalogItem(Record):
    name: str
    invoice_label: str | None = None
    description: str | None = None
    invoice_description: str | None = None
    default_rate: Number | None = None
    unit: CatalogUnit = "flat"
    default_frequency: Frequency = "one-time"
    type: CatalogType
    pricing_mode: PricingMode = "fixed"
    tax_category_id: Uuid | None = None
    status: ActiveStatus = "active"
    client_id: Uuid | None = None


class CatalogItemCreate(InputModel):
    name: Name200
    invoice_label: Text200 = None
    description: Text2000 = None
    invoice_description: Text2000 = None
    default_rate: Rate = None
    unit: CatalogUnit = "flat"
    default_frequency: Frequency = "one-time"
    type: CatalogType
    pricing_mode: PricingMode = "fixed"
    tax_category_id: Uuid = None
    status: ActiveStatus = "active"
    client_id: Uuid = None


CatalogItemUpdate = patch_model(CatalogItemCreate, "CatalogItemUpdate")


@part
class TransactionAssignment(Part):
    project_id: Uuid | None = None
    client_id: Uuid | None = None
    amount: Number | None = None
    percentage: Number | None = None
    fixed_amount: Number | None = None
    start_date: Day | None = None
    end_date: Day | None = None


class TransactionAssignmentInput(InputModel):
    project_id: Uuid = None
    client_id: Uuid = None
    amount: Money = None
    percentage: Percent = None
    fixed_amount: Money = None
    start_date: Day = None
    end_date: Day = None


class Transaction(Record):
    name: str
    catalog_item_id: Uuid | None = None
    tax_category_id: Uuid | None = None
    amount: Number | None = None
    frequency: Frequency = "one-time"
    direction: Direction
    mode: TransactionMode = "each"
    split_evenly: bool | None = None
    assignments: list[TransactionAssignment] = Field(default_factory=list)
    pass_through: bool | None = None
    markup_percent: Number | None = None
    billed_amount: Number | None = None
    start_date: Day | None = None
    end_date: Day | None = None
    notes: str | None = None
    vendor_name: str | None = None
    vendor_email: Email | None = None
    vendor_tax_id: str | None = None
    receipt_verified: bool = False
    status: ActiveStatus = "active"
    # The invoice this transaction was billed to (seed data, admin "bill" action); never served.
    invoice_id: Internal[Uuid | None] = internal()

    # Index keys over the assignments, so that deleting a project or client a transaction is
    # assigned to is refused like any other referenced record (see the resource's refs).
    @property
    def assigned_project_ids(self) -> list[str]:
        return list(dict.fromkeys(a.project_id for a in self.assignments if a.project_id))

    @property
    def assigned_client_ids(self) -> list[str]:
        return list(dict.fromkeys(a.client_id for a in self.assignments if a.client_id))


class TransactionCreate(InputModel):
    name: Name300
    catalog_item_id: Uuid = None
    tax_category_id: Uuid = None
    amount: Annotated[Money, Field(gt=0)]
    frequency: Frequency = "one-time"
    direction: Direction
    mode: TransactionMode = "each"
    split_evenly: bool = None
    assignments: list[TransactionAssignmentInput] = None
    pass_through: bool = None
    markup_percent: Annotated[Number, Field(ge=0)] = None
    start_date: Day = None
    end_date: Day = None
    notes: Text2000 = None
    vendor_name: Text200 = None
    vendor_email: Email = None
    vendor_tax_id: Text50 = None
    status: ActiveStatus = "active"


TransactionUpdate = patch_model(TransactionCreate, "TransactionUpdate")
