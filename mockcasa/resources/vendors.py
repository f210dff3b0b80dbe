"""Vendors: the people and companies a studio books for events (2026-06-30).

``linkedContactId`` must name one of your contacts; ``categoryId`` is any UUID (vendor categories
are not an API resource, like tax categories). The contract declares no 409 on delete: deleting
a vendor takes it off every event day (its event-day-vendor rows go) and out of every timeline
item's ``vendorIds``.
"""

from __future__ import annotations

from mockcasa.engine.records import delete_record, update_record
from mockcasa.engine.resource import Ctx, Filter, Ref, Resource
from mockcasa.models.vendors import ActiveStatus, Vendor, VendorCreate, VendorUpdate


def on_delete(ctx: Ctx, vendor: Vendor) -> None:
    """What the vendor was booked for goes with it (nothing may name a vendor that is gone)."""
    for booking in list(ctx.org["event-day-vendors"].where("vendor_id", vendor.id)):
        delete_record(ctx.resources["event-day-vendors"], ctx, booking)
    items = ctx.resources["timeline-items"]
    for item in list(ctx.org["timeline-items"].where("vendor_ids", vendor.id)):
        update_record(items, ctx, item, {"vendor_ids": [v for v in item.vendor_ids if v != vendor.id]})


RESOURCE = Resource(
    name="vendors", singular="vendor",
    model=Vendor, create_model=VendorCreate, update_model=VendorUpdate,
    filters=[Filter.uuid("categoryId"), Filter.enum("status", ActiveStatus)],
    refs=[Ref("linked_contact_id", "contacts")],
    on_delete=on_delete,
)
