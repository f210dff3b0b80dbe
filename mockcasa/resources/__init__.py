"""The registry of resources, per API revision. Each module states one resource and only what is special about it.

The first revision (1.0.0) is the list of modules below. Each later revision is a ``Revision``
declared in its own module (``v2026_06_30``): the resources it adds, those it drops, and the
declarations it replaces (a resource with another model, filters or rules). A record type both
revisions share is declared once; a revision's document, routes, seeds and snapshots all come
from ``all_resources(revision)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import import_module

from mockcasa.engine.resource import Resource
from mockcasa.openapi import ERROR_CODES
from mockcasa.revisions import DEFAULT, REVISIONS

# Order matters only for the served OpenAPI document (the contract's order).
MODULES = (
    "clients", "contacts", "projects",
    "invoices", "proposals", "contracts", "payments", "payouts",
    "time_entries", "milestones", "calendar_events", "inquiries", "transactions", "catalog_items",
    "webhooks",
)
# The module declaring what each later revision changes (its ``REVISION``).
REVISION_MODULES = {"2026-06-30": "v2026_06_30"}


@dataclass(frozen=True)
class Revision:
    """What one revision changes from the revision before it."""

    name: str
    adds: tuple[Resource, ...] = ()  # new resources, in the contract's order
    removes: tuple[str, ...] = ()  # resource names it no longer serves
    # New declarations of resources it keeps, by name (another model, filters, rules or fewer
    # operations). An operation an older revision served and this one does not answers 410 ``gone``.
    replaces: tuple[Resource, ...] = ()
    error_codes: tuple[str, ...] = ()  # ``ApiError.code`` values it adds


def _base() -> dict[str, Resource]:
    resources = {}
    for module in MODULES:
        resource: Resource = import_module(f"mockcasa.resources.{module}").RESOURCE
        resources[resource.name] = resource
    return resources


def revision_changes(name: str) -> Revision | None:
    """The declaration of what revision ``name`` changes (None for the first one)."""
    module = REVISION_MODULES.get(name)
    return None if module is None else import_module(f"mockcasa.resources.{module}").REVISION


def all_resources(revision: str = DEFAULT) -> dict[str, Resource]:
    """The resources revision ``revision`` serves: the first revision's, with each later change applied."""
    resources = _base()
    for name in REVISIONS[1:REVISIONS.index(revision) + 1]:
        changes = revision_changes(name)
        for gone in changes.removes:
            resources.pop(gone)
        for replaced in changes.replaces:
            resources[replaced.name] = replaced
        resources.update({added.name: added for added in changes.adds})
    return resources


def all_revisions() -> dict[str, dict[str, Resource]]:
    """Every revision's resources, oldest first."""
    return {name: all_resources(name) for name in REVISIONS}


def error_codes(revision: str) -> tuple[str, ...]:
    """The ``ApiError.code`` values revision ``revision`` declares."""
    codes = list(ERROR_CODES)
    for name in REVISIONS[1:REVISIONS.index(revision) + 1]:
        codes[-1:-1] = revision_changes(name).error_codes  # internal_error stays last, as the contract has it
    return tuple(codes)


def all_scopes(resources: Mapping[str, Resource] | None = None) -> frozenset[str]:
    """The scopes of ``resources`` (default: of every revision, which is what a key may hold)."""
    groups = [resources] if resources is not None else list(all_revisions().values())
    scopes = set()
    for group in groups:
        for resource in group.values():
            scopes.add(resource.read_scope)
            if set(resource.operations) - {"list", "get"}:
                scopes.add(resource.write_scope)
    return frozenset(scopes)
