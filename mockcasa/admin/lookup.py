"""Finding an organization or a record the way a person names it: id, name, document number or seed alias.

The admin API (and the ``mockcasa`` CLI on top of it) takes ``INV-0001``, ``PROP-0002`` or the
alias a seed gave a record (``acme``) wherever it takes a record id, and an organization's name
wherever it takes an organization id: what a person reads in the console or wrote in the seed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockcasa.errors import NotFound
from mockcasa.models.common import is_uuid
from mockcasa.seeding.organization import aliases_of

if TYPE_CHECKING:
    from mockcasa.engine.resource import Ctx, Resource
    from mockcasa.state import Organization, Sandbox


def find_organization(sandbox: Sandbox, ref: str) -> Organization:
    """By id, else by name (case-insensitive) when exactly one organization has it."""
    org = sandbox.organizations.get(ref.lower())
    if org is not None:
        return org
    named = [o for o in sandbox.organizations.values() if o.name.lower() == ref.lower()]
    if len(named) == 1:
        return named[0]
    if named:
        raise NotFound(f"{len(named)} organizations are named {ref!r}; use the id of one: "
                       + ", ".join(o.id for o in named) + ".")
    raise NotFound(f"No organization with id or name {ref!r}.")


def number_fields(resource: Resource) -> list[str]:
    """The document number fields of a resource (``invoice_number``, ``proposal_number``, ...)."""
    return [name for name in resource.model.model_fields if name.endswith("_number")]


def find_record(ctx: Ctx, resource: Resource, ref: str) -> Any:
    """By id, else by the seed's alias, else by document number (``INV-0001``, case-insensitive)."""
    if is_uuid(ref):
        return ctx.find(resource.name, ref.lower())
    entry = aliases_of(ctx.org).get(ref)
    if entry is not None and entry[0] == resource.name:
        return ctx.find(resource.name, entry[1])
    fields = number_fields(resource)
    if fields:
        wanted = ref.upper()
        for record in ctx.org[resource.name]:
            if any(str(getattr(record, f, "")).upper() == wanted for f in fields):
                return record
    how = "id, document number or seed alias" if fields else "id or seed alias"
    raise NotFound(f"No {resource.singular} with {how} {ref!r} in this organization.")
