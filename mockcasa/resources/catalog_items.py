"""Catalog items: the services and costs a studio reuses (``charge`` earns, ``expense`` costs).

Plain CRUD with the contract's defaults (unit flat, defaultFrequency one-time, pricingMode fixed,
status active). An item still used by time entries, milestones or transactions cannot be deleted (409).
"""

from mockcasa.engine.resource import Filter, Ref, Resource
from mockcasa.models.catalog import (
    ActiveStatus,
    CatalogItem,
    CatalogItemCreate,
    CatalogItemUpdate,
    CatalogType,
)

RESOURCE = Resource(
    name="catalog-items", singular="catalog item",
    model=CatalogItem, create_model=CatalogItemCreate, update_model=CatalogItemUpdate,
    filters=[Filter.enum("type", CatalogType),
             Filter.enum("status", ActiveStatus), Filter.uuid("clientId")],
    refs=[Ref("client_id", "clients")],
    descriptions={"create": "`type: expense` items track cost; `type: charge` items track revenue."},
)
