"""Clients: plain CRUD. Deleting a client still referenced by other records is refused (409).

From API revision 2026-06-30 clients carry the lead pipeline (``LEAD_STATUSES`` → active, or
declined/spam) and tax settings: a client that overrides the tax rate must give one (its invoices
are taxed at it). Status changes of a lead emit ``lead_status_changed``, and ``client_won``
(→ active) or ``client_lost`` (→ declined); a client created as a lead emits ``lead_created``.
"""

from __future__ import annotations

from typing import Any

from mockcasa.engine.resource import Ctx, Filter, Resource
from mockcasa.errors import Invalid
from mockcasa.models.crm import Client, ClientCreate, ClientStatus, ClientUpdate

LEAD_STATUSES = ("new", "contacted", "qualified")
OUTCOMES = {"active": "client_won", "declined": "client_lost"}


def check_tax_settings(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    settings = values.get("tax_settings")
    if isinstance(settings, dict) and settings.get("override_tax_rate") and settings.get("tax_rate") is None:
        raise Invalid(field="taxSettings.taxRate", reason="is required when overrideTaxRate is true")
    return values


SETTINGS = ("tax_settings", "invoice_reminders_enabled", "attach_invoice_pdf", "attach_receipt_pdf")


def on_create_lead(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    """Settings left out take the defaults (taxable lines at the organization's rate, reminders and PDFs on)."""
    return check_tax_settings(ctx, {k: v for k, v in values.items() if not (k in SETTINGS and v is None)})


def on_update_lead(ctx: Ctx, client: Any, changes: dict[str, Any]) -> dict[str, Any]:
    return check_tax_settings(ctx, changes)


def after_create_lead(ctx: Ctx, client: Any) -> None:
    """A client created in a lead status (an inquiry's, or one entered by hand) is a new lead."""
    if client.status in LEAD_STATUSES:
        ctx.emit("lead_created", RESOURCE.name, client)


def after_update_lead(ctx: Ctx, client: Any, before: Any) -> None:
    """A lead moving along the pipeline, won or lost."""
    if client.status == before.status or before.status not in LEAD_STATUSES:
        return
    ctx.emit("lead_status_changed", RESOURCE.name, client)
    if client.status in OUTCOMES:
        ctx.emit(OUTCOMES[client.status], RESOURCE.name, client)


RESOURCE = Resource(
    name="clients", singular="client",
    created_event="client_created",
    stored_as_created=True,
    model=Client, create_model=ClientCreate, update_model=ClientUpdate,
    filters=[Filter.enum("status", ClientStatus)],
)
