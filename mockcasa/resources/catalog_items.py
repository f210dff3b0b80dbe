"""Catalog items: the services and costs a studio reuses (``charge`` earns, ``expense`` costs).

Plain CRUD with the contract's defaults (unit flat, defaultFrequency one-time, pricingMode fixed,
status active). From API revision 2026-06-30 an item is an ``atom`` or a ``bundle`` (composed in
the dashboard, so read-only through the API). An item still used by time entries, milestones or transactions cannot be deleted (409).
"""

from typing import Any

from mockcasa.engine.resource import Ctx, Filter, Ref, Resource
from mockcasa.errors import Invalid
from mockcasa.models.catalog import (
    ActiveStatus,
    CatalogItem,
    CatalogItemCreate,
    CatalogItemUpdate,
    CatalogType,
)


def bundle_rules(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    """2026-06-30 seeds: a bundle is priced as the ``sum`` of its parts (default) or at a ``fixed`` price,
    which it then needs; an atom has neither."""
    if values.get("composition", "atom") == "atom":
        for name, alias in (("bundle_price_mode", "bundlePriceMode"), ("bundle_fixed_price", "bundleFixedPrice")):
            if values.get(name) is not None:
                raise Invalid(field=alias, reason="only a bundle (composition bundle) has one")
        return values
    mode = values.setdefault("bundle_price_mode", "sum") or "sum"
    values["bundle_price_mode"] = mode
    price = values.get("bundle_fixed_price")
    if mode == "fixed" and (price is None or price < 0):
        raise Invalid(field="bundleFixedPrice", reason="is required (≥ 0) when bundlePriceMode is fixed")
    if mode == "sum" and price is not None:
        raise Invalid(field="bundleFixedPrice", reason="is only for bundlePriceMode fixed")
    return values


RESOURCE = Resource(
    name="catalog-items", singular="catalog item",
    model=CatalogItem, create_model=CatalogItemCreate, update_model=CatalogItemUpdate,
    filters=[Filter.enum("type", CatalogType),
             Filter.enum("status", ActiveStatus), Filter.uuid("clientId")],
    refs=[Ref("client_id", "clients")],
    stored_as_created=True,
    descriptions={"create": "`type: expense` items track cost; `type: charge` items track revenue."},
)
