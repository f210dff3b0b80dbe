"""Invoices: totals from line items, a status derived from payments and the organization's clock.

Line totals, subtotal, discount, tax and total are computed once at create (line items are not
editable in v1). ``amountPaid``, ``balanceDue``, ``status`` and ``paidAt`` are derived from the
invoice's payments on every read (see ``_ledger``). Only draft/sent (create) and draft/sent/void
(update) are writable; void is terminal; only drafts can be deleted.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from pydantic.alias_generators import to_camel, to_snake

from mockcasa.engine.body import describe, validation_details
from mockcasa.engine.records import create_record
from mockcasa.engine.resource import Ctx, Filter, Ref, Resource
from mockcasa.errors import Conflict, Invalid
from mockcasa.models.billing import Invoice, InvoiceCreate, InvoiceLineItemInput, InvoiceStatus, InvoiceUpdate
from mockcasa.models.common import derived_id, new_id
from mockcasa.resources import document_versions
from mockcasa.resources._dates import crossed
from mockcasa.resources._ledger import OPEN_STATUSES, reads, settle, status_events
from mockcasa.resources._system import system_update
from mockcasa.resources._util import claim_number, delete_drafts_only, money
from mockcasa.resources.payments import record_stripe_payment

PAYMENT_TERM = timedelta(days=30)


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value or 0))


def price(tax_rate: float, lines: list[Any], taxable_by_default: bool = False) -> dict[str, Any]:
    """Line items with ids and totals, and the invoice totals they add up to (cents, half up).

    line total = quantity × unitPrice × (1 − discountPercent/100); subtotal = Σ quantity × unitPrice;
    discountAmount = Σ line discounts; taxAmount = tax rate × Σ taxable line totals. A line that
    leaves ``taxable`` out is ``taxable_by_default`` (an explicit true or false wins).
    """
    items, subtotal, discount, taxable = [], Decimal(0), Decimal(0), Decimal(0)
    for line in lines:
        line = line.model_dump(by_alias=False) if hasattr(line, "model_dump") \
            else {to_snake(k): v for k, v in line.items()}
        gross = _decimal(line.get("quantity")) * _decimal(line.get("unit_price"))
        off = gross * _decimal(line.get("discount_percent")) / 100
        total = money(gross - off)
        taxed = taxable_by_default if line.get("taxable") is None else bool(line["taxable"])
        items.append({**line, "id": line.get("id") or new_id(), "total": total,
                      "taxable": taxed, "discount_percent": line.get("discount_percent")})
        subtotal, discount = subtotal + gross, discount + off
        if taxed:
            taxable += _decimal(total)
    subtotal_, discount_ = money(subtotal), money(discount)
    tax = money(_decimal(tax_rate) * taxable)
    total = money(_decimal(subtotal_) - _decimal(discount_) + _decimal(tax))
    if not all(math.isfinite(x) for x in (subtotal_, discount_, total, *(i["total"] for i in items))):
        raise Invalid(field="lineItems", reason="the amounts are too large to represent")
    return {"line_items": items, "subtotal": subtotal_, "discount_amount": discount_, "tax_amount": tax,
            "total": total, "amount_paid": 0, "balance_due": total}


def priced(ctx: Ctx, client_id: str | None, lines: list[Any]) -> dict[str, Any]:
    """``price`` with the client's tax: its rate, and whether a line that does not say is taxable."""
    return price(tax_rate(ctx, client_id), lines, taxable_by_default(ctx, client_id))


def taxable_by_default(ctx: Ctx, client_id: str | None) -> bool:
    """The client's ``taxSettings.defaultTaxable`` (2026-06-30); 1.0.0's clients have none: not taxable."""
    settings = getattr(ctx.org["clients"].get(client_id or ""), "tax_settings", None)
    return settings is not None and settings.default_taxable


def tax_rate(ctx: Ctx, client_id: str | None) -> float:
    """The organization's tax rate, or the client's own (2026-06-30 ``taxSettings.overrideTaxRate``, a percent)."""
    settings = getattr(ctx.org["clients"].get(client_id or ""), "tax_settings", None)
    if settings is not None and settings.override_tax_rate and settings.tax_rate is not None:
        return settings.tax_rate / 100
    return ctx.org.tax_rate


def _day(value: Any, field: str) -> date:
    if isinstance(value, str):  # seeds may write dates as text
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise Invalid(field=field, reason="must be a date in the form YYYY-MM-DD") from None
    return value


def _dates(ctx: Ctx, values: dict[str, Any]) -> None:
    issue = values["issue_date"] = _day(values.get("issue_date"), "issueDate") or ctx.today()
    values["due_date"] = _day(values.get("due_date"), "dueDate") \
        or (issue + PAYMENT_TERM if issue <= date.max - PAYMENT_TERM else date.max)


def on_create(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    values = {**values, **priced(ctx, values["client_id"], values["line_items"])}
    values["project_ids"] = values.get("project_ids") or []
    _dates(ctx, values)
    values["currency"] = ctx.org.currency
    if values["status"] == "sent" and values["total"] <= 0:
        values["paid_at"] = ctx.now()  # nothing to pay: paid as soon as it is sent
    values["invoice_number"] = ctx.org.next_number("INV")  # last: a refused request uses no number
    return values


def after_create(ctx: Ctx, invoice: Invoice) -> None:
    """Created as sent: ``invoice_sent``, then ``invoice_paid`` (total 0) or ``invoice_overdue`` (past due)."""
    if invoice.status != "draft":
        shown = settle(ctx, invoice)
        ctx.emit("invoice_sent", "invoices", shown)
        status_events(ctx, "sent", shown)


def on_update(ctx: Ctx, invoice: Invoice, changes: dict[str, Any]) -> dict[str, Any]:
    """Status moves: void is terminal; an open invoice stays as derived when PATCHed to sent."""
    status = changes.get("status")
    if status is None:
        return changes
    if invoice.status in ("void", "written_off"):
        raise Conflict(f"Invoice {invoice.invoice_number} is {invoice.status}; {invoice.status} is terminal and "
                       f"its status cannot change.")
    if status == "sent" and invoice.status in OPEN_STATUSES:
        # Already sent: its status is derived (partial, paid, overdue), so this is a no-op.
        return {k: v for k, v in changes.items() if k != "status"}
    if status == "sent" and invoice.total <= 0:
        changes = {**changes, "paid_at": ctx.now()}
    if status == "draft" and ctx.org["payments"].count("invoice_id", invoice.id):
        raise Conflict(f"Invoice {invoice.invoice_number} has payments recorded against it and cannot go "
                       f"back to draft.")
    if status == "void" and invoice.amount_paid != 0:
        raise Conflict(f"Invoice {invoice.invoice_number} has {invoice.amount_paid:.2f} "
                       f"{invoice.currency} paid; refund the payments before voiding it.")
    return changes


def after_update(ctx: Ctx, invoice: Invoice, before: Invoice) -> None:
    """``invoice_sent`` when a draft is sent; ``invoice_paid``/``invoice_overdue`` when the status the
    API shows becomes paid/overdue (a zero total sent, a dueDate moved into the past)."""
    shown = settle(ctx, invoice)
    if before.status == "draft" and invoice.status == "sent":
        ctx.emit("invoice_sent", "invoices", shown)
    status_events(ctx, reads(before), shown)


def on_clock_change(ctx: Ctx, before: datetime, after: datetime) -> None:
    """``invoice_overdue`` for each invoice the clock made overdue: only those due in [before, after)."""
    for invoice in crossed(ctx.org["invoices"], "due_date", before, after):
        shown = settle(ctx, invoice)
        if reads(shown) == "overdue":
            ctx.emit("invoice_overdue", "invoices", shown)


def on_delete(ctx: Ctx, invoice: Invoice) -> None:
    delete_drafts_only("invoice", invoice.invoice_number, invoice.status, "Void it instead.")


def _seed_lines(lines: list[Any], invoice_id: str | None) -> list[dict[str, Any]]:
    """Seeded line items checked like the API's (400 naming ``lineItems[i].field``), ids kept or derived.

    A line's id follows from the invoice's, so a seed loads the same every time; totals are recomputed.
    """
    checked = []
    for i, line in enumerate(lines):
        if hasattr(line, "model_dump"):
            line = line.model_dump(by_alias=False)
        line = {to_snake(k): v for k, v in line.items()}
        given_id = line.pop("id", None)
        line.pop("total", None)
        try:  # camelCase in, so errors name lineItems[i].unitPrice
            item = InvoiceLineItemInput.model_validate(
                {to_camel(k): v for k, v in line.items() if v is not None}, strict=False)
        except ValidationError as exc:
            details = {f"lineItems[{i}].{path}": reason for path, reason in validation_details(exc).items()}
            raise Invalid(describe(details), details) from None
        line_id = given_id or (derived_id(invoice_id, "line", i) if invoice_id else None)
        checked.append({**item.model_dump(by_alias=False), "id": line_id})
    return checked


def on_seed(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    """A seeded invoice: totals from its line items, number, currency and dates filled in.

    ``paid``/``partial``/``overdue`` are stored as ``sent``: a seed makes an invoice paid by
    seeding its payments, from which the status is derived like any other.
    """
    values = dict(values)
    if values.get("line_items"):
        # A seed states its lines as they are: one that leaves taxable out is not taxed (the contract's
        # default), whatever the client's defaultTaxable, which the API applies to the lines it is sent.
        values.update(price(tax_rate(ctx, values.get("client_id")), _seed_lines(values["line_items"], values.get("id"))))
    values["project_ids"] = values.get("project_ids") or []
    _dates(ctx, values)
    values.setdefault("currency", ctx.org.currency)
    if values.get("status") in ("partial", "paid", "overdue"):
        values["status"] = "sent"
    values["invoice_number"] = claim_number(ctx.org, "INV", values.get("invoice_number"))
    return values


def view(ctx: Ctx, invoice: Invoice, params: dict[str, Any]) -> Invoice:
    """Admin action: the client opens the invoice (its link or PDF). Emits ``invoice_viewed``; a draft
    (not sent yet) or a void invoice cannot be (409). The invoice itself does not change."""
    if invoice.status in ("draft", "void"):
        raise Conflict(f"Invoice {invoice.invoice_number} is {invoice.status}; only a sent invoice reaches its "
                       f"client.", {"status": invoice.status})
    ctx.emit("invoice_viewed", "invoices", invoice)
    return invoice


# --- API revision 2026-06-30 -----------------------------------------------------------------

def write_off(ctx: Ctx, invoice: Any, params: dict[str, Any]) -> Any:
    """Admin action (2026-06-30): write off what an open invoice still owes; ``written_off`` is terminal.

    Only a sent invoice with a balance can be written off (409 otherwise); what was paid stays paid.
    """
    if invoice.status != "sent" or invoice.balance_due <= 0:
        raise Conflict(f"Invoice {invoice.invoice_number} is {invoice.status} with {invoice.balance_due:.2f} "
                       f"{invoice.currency} due; only a sent invoice with a balance can be written off.",
                       {"status": invoice.status, "balanceDue": invoice.balance_due})
    return system_update(ctx, "invoices", invoice, status="written_off")


def reissue(ctx: Ctx, invoice: Any, params: dict[str, Any]) -> Any:
    """Admin action (2026-06-30): void & reissue; a void invoice's correction, a new draft that
    ``supersedesInvoice`` it, with the same client, contact, projects, terms and line items."""
    if invoice.status != "void":
        raise Conflict(f"Invoice {invoice.invoice_number} is {invoice.status}; void it before reissuing it.",
                       {"status": invoice.status})
    lines = [{k: v for k, v in line.model_dump(by_alias=False).items() if k not in ("id", "total")}
             for line in invoice.line_items]
    return create_record(ctx.resources["invoices"], ctx, {
        "client_id": invoice.client_id, "billing_contact_id": invoice.billing_contact_id,
        "project_ids": invoice.project_ids, "status": "draft", "subject": invoice.subject,
        "payment_terms": invoice.payment_terms, "notes": invoice.notes, "line_items": lines,
        "supersedes_invoice": invoice.id})


# What the client reads on an invoice: a change to one of these once it is sent is issued as a new version.
ISSUED_CONTENT = ("billing_contact_id", "subject", "issue_date", "due_date", "payment_terms", "notes")


def _issue_version(ctx: Ctx, invoice: Any) -> None:
    document_versions.issue(ctx, "invoice", invoice.id, currency=invoice.currency,
                            content_hash=document_versions.content_hash(invoice),
                            engagement_project_id=invoice.project_ids[0] if invoice.project_ids else None)


def after_create_revised(ctx: Ctx, invoice: Any) -> None:
    """2026-06-30: as 1.0.0's, and an invoice created as sent is issued to its client (version 1)."""
    after_create(ctx, invoice)
    if invoice.status == "sent":
        _issue_version(ctx, invoice)


def after_update_revised(ctx: Ctx, invoice: Any, before: Any) -> None:
    """2026-06-30: as 1.0.0's, and the versions follow: sending a draft issues one, editing what the
    client reads on a sent invoice issues the next (superseding it), voiding voids the one issued."""
    after_update(ctx, invoice, before)
    if invoice.status == "void" and before.status != "void":
        document_versions.void(ctx, "invoice", invoice.id)
    elif invoice.status == "sent" and (before.status == "draft" or any(
            getattr(invoice, field) != getattr(before, field) for field in ISSUED_CONTENT)):
        _issue_version(ctx, invoice)


def view_revised(ctx: Ctx, invoice: Any, params: dict[str, Any]) -> Any:
    """2026-06-30: as 1.0.0's, and the version the client holds records when it was first viewed."""
    view(ctx, invoice, params)
    version = document_versions.current(ctx, "invoice", invoice.id)
    if version is not None and version.viewed_at is None:
        document_versions.mark(ctx, "invoice", invoice.id, viewed_at=ctx.now())
    return invoice


def on_seed_revised(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    """2026-06-30 seeds: as 1.0.0's, and an invoice may supersede (correct) a void one."""
    values = on_seed(ctx, {k: v for k, v in values.items() if k != "overdue"})  # overdue is derived
    superseded = ctx.org["invoices"].get(values.get("supersedes_invoice") or "")
    if superseded is not None and superseded.status != "void":
        raise Invalid(field="supersedesInvoice", reason="must name a void invoice (void & reissue)")
    return values


RESOURCE = Resource(
    name="invoices", singular="invoice",
    model=Invoice, create_model=InvoiceCreate, update_model=InvoiceUpdate,
    filters=[Filter.uuid("clientId"),
             replace(Filter.enum("status", InvoiceStatus), derived=True)],
    # An invoice's billing contact and projects are its client's (a contact at no client is anyone's).
    refs=[Ref("client_id", "clients"), Ref("billing_contact_id", "contacts", same="client_id"),
          Ref("project_ids", "projects", many=True, same="client_id")],
    descriptions={"create": "Status `paid`, `partial`, and `overdue` are system-derived from Payments and "
                            "the due date; do not set them directly."},
    on_create=on_create, after_create=after_create, on_update=on_update, after_update=after_update,
    on_delete=on_delete, derive=settle, on_seed=on_seed, on_clock_change=on_clock_change,
    extra_indexes=("due_date",),  # the clock finds the invoices it makes overdue without a scan
    # status (and 2026-06-30's overdue) is indexed: it reads the invoice's payments and today's date.
    derived_inputs=(("payments", "invoice_id"),), derived_dates=("due_date",),
    actions={"record_stripe_payment": record_stripe_payment, "view": view},
)
