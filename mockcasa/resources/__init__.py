"""The registry of resources. Each module states one resource and only what is special about it."""

from __future__ import annotations

from importlib import import_module

from mockcasa.engine.resource import Resource

# Order matters only for the served OpenAPI document (the contract's order).
MODULES = (
    "clients", "contacts", "projects",
    "invoices", "proposals", "contracts", "payments", "payouts",
    "time_entries", "milestones", "calendar_events", "inquiries", "transactions", "catalog_items",
    "webhooks",
)


def all_resources() -> dict[str, Resource]:
    resources = {}
    for module in MODULES:
        resource: Resource = import_module(f"mockcasa.resources.{module}").RESOURCE
        resources[resource.name] = resource
    return resources


def all_scopes(resources: dict[str, Resource]) -> frozenset[str]:
    scopes = set()
    for resource in resources.values():
        scopes.add(resource.read_scope)
        if set(resource.operations) - {"list", "get"}:
            scopes.add(resource.write_scope)
    return frozenset(scopes)
