"""Vendors (the people and companies who work an event) and venues (API revision 2026-06-30)."""

from typing import Literal

from pydantic import Field

from mockcasa.models.common import Email, InputModel, Number, Part, Record, Uuid, part, patch_model
from mockcasa.models.event_days import Minutes, text

ActiveStatus = Literal["active", "archived"]
Rating = Literal["preferred", "approved", "neutral", "avoid"]


@part
class VendorAddress(Part):
    street: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None


class VendorAddressInput(InputModel):
    street: text(300) = None
    city: text(200) = None
    state: text(100) = None
    zip: text(20) = None


class Vendor(Record):
    name: str
    company_name: str | None = None
    category_id: Uuid | None = None
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    address: VendorAddress | None = None
    notes: str | None = None
    rating: Rating | None = None
    default_setup_minutes: Number | None = None
    default_teardown_minutes: Number | None = None
    linked_contact_id: Uuid | None = None
    status: ActiveStatus = "active"


class VendorCreate(InputModel):
    name: text(300, least=1)
    company_name: text(300) = None
    category_id: Uuid = None
    email: Email = None
    phone: text(50) = None
    website: text(500) = None
    address: VendorAddressInput = None
    notes: text(5000) = None
    rating: Rating = None
    default_setup_minutes: Minutes = None
    default_teardown_minutes: Minutes = None
    linked_contact_id: Uuid = None
    status: ActiveStatus = "active"


VendorUpdate = patch_model(VendorCreate, "VendorUpdate", nullable=(
    "company_name", "category_id", "email", "phone", "website", "notes", "default_setup_minutes",
    "default_teardown_minutes", "linked_contact_id"))


@part
class VenueSiteAddress(Part):
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None
    lat: Number | None = None
    lng: Number | None = None


class VenueSiteAddressInput(InputModel):
    line1: text(300) = None
    line2: text(300) = None
    city: text(200) = None
    state: text(200) = None
    postal_code: text(40) = None
    country: text(120) = None
    lat: Number = None
    lng: Number = None


@part
class VenueContact(Part):
    name: str | None = None
    role: str | None = None
    email: str | None = None
    phone: str | None = None


class VenueContactInput(InputModel):
    name: text(300) = None
    role: text(200) = None
    email: Email = None
    phone: text(50) = None


@part
class VenueSpace(Part):
    name: str
    notes: str | None = None


class VenueSpaceInput(InputModel):
    name: text(200, least=1)
    notes: text(2000) = None


class Venue(Record):
    name: str
    website: str | None = None
    address: VenueSiteAddress | None = None
    timezone: str | None = None
    contacts: list[VenueContact] = Field(default_factory=list)
    spaces: list[VenueSpace] = Field(default_factory=list)
    notes: str | None = None
    tag_ids: list[Uuid] = Field(default_factory=list)
    status: ActiveStatus = "active"


class VenueCreate(InputModel):
    name: text(300, least=1)
    website: text(500) = None
    address: VenueSiteAddressInput = None
    timezone: text(120) = None
    contacts: list[VenueContactInput] = None
    spaces: list[VenueSpaceInput] = None
    notes: text(5000) = None
    tag_ids: list[Uuid] = None
    status: ActiveStatus = "active"


VenueUpdate = patch_model(VenueCreate, "VenueUpdate", nullable=("website", "timezone", "notes"))
