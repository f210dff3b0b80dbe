"""What an invoice's payments add up to, and the status that follows.

Shared by invoices (derived on every read) and payments (every payment re-derives its invoice).
Everything is computed from the payments themselves, so seeded payments, API payments and
system payments (Stripe, chargebacks) all count the same way.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from mockcasa.compact import updated
from mockcasa.engine.resource import Ctx
from mockcasa.resources._system import system_update
from mockcasa.resources._util import money

# A dispute fee is what Stripe charges the business, not money the client paid or got back.
UNCOUNTED_KINDS = ("dispute_fee",)
OPEN_STATUSES = ("sent", "partial", "paid", "overdue")
# Set by hand and kept whatever the payments say (written_off: 2026-06-30's dashboard write-off).
KEPT_STATUSES = ("draft", "void", "written_off")


def ledger(ctx: Ctx, invoice: Any, without: str | None = None) -> tuple[Decimal, datetime | None]:
    """Σ of the invoice's succeeded payments (refunds negative), and when that sum last reached the total."""
    total = Decimal(str(invoice.total))
    entries = sorted((p for p in ctx.org["payments"].where("invoice_id", invoice.id)
                      if p.status == "succeeded" and p.kind not in UNCOUNTED_KINDS and p.id != without),
                     key=lambda p: (p.created_at, p.id))
    paid, reached_at = Decimal(0), None
    for payment in entries:
        paid += Decimal(str(payment.amount))
        reached_at = (reached_at or payment.created_at) if paid >= total else None
    return paid, reached_at


def settle(ctx: Ctx, invoice: Any, without: str | None = None) -> Any:
    """The invoice with amountPaid, balanceDue, status and paidAt derived from its payments and today's date.

    ``draft`` and ``void`` (and ``written_off``) stay as set; otherwise paid, overdue, partial or
    sent, in that order. From API revision 2026-06-30 (an invoice model with ``overdue``) there is
    no partial status and overdue is a flag: the status reads ``sent`` and ``overdue`` says whether
    it is past due with a balance. ``without``: leave one payment out (the invoice as it was just
    before that payment).
    """
    paid, reached_at = ledger(ctx, invoice, without)
    balance = money(Decimal(str(invoice.total)) - paid)
    status, paid_at = invoice.status, None
    if status not in KEPT_STATUSES:
        if paid >= Decimal(str(invoice.total)):
            # A zero-total invoice is paid without any payment: paidAt was stored when it was sent.
            status, paid_at = "paid", reached_at or invoice.paid_at or invoice.updated_at
        elif invoice.due_date < ctx.today() and balance > 0:
            status = "overdue"
        elif paid > 0:
            status = "partial"
        else:
            status = "sent"
    update = {"amount_paid": money(paid), "balance_due": balance, "status": status, "paid_at": paid_at}
    if "overdue" in type(invoice).model_fields:
        update.update(overdue=status == "overdue", status="sent" if status in ("partial", "overdue") else status)
    return updated(invoice, update)  # the stored invoice keeps no __dict__ (mockcasa.compact)


def reads(invoice: Any) -> str:
    """What an invoice reads as, in 1.0.0's words (``overdue`` whether a status or a flag)."""
    return "overdue" if getattr(invoice, "overdue", False) else invoice.status


# Derived statuses an invoice announces when it reaches them, whatever brought it there.
STATUS_EVENTS = {"paid": "invoice_paid", "overdue": "invoice_overdue"}


def status_events(ctx: Ctx, before_status: str | None, invoice: Any) -> None:
    """Emit ``invoice_paid``/``invoice_overdue`` when ``invoice`` (as the API shows it) just became so.

    ``before_status``: what it read before (``reads``).
    """
    event = STATUS_EVENTS.get(reads(invoice))
    if event is not None and before_status != reads(invoice):
        ctx.emit(event, "invoices", invoice)


def refresh_invoice(ctx: Ctx, invoice_id: str, payment: Any) -> Any:
    """Re-derive and store an invoice after ``payment``; emits ``invoice_paid`` when it made it paid
    (and ``invoice_overdue`` when a refund or chargeback reopened it past its due date)."""
    stored = ctx.org["invoices"].get(invoice_id)
    before = settle(ctx, stored, without=payment.id)
    after = system_update(ctx, "invoices", settle(ctx, stored))
    status_events(ctx, reads(before), after)
    return after
