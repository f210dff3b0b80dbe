"""Payouts: Stripe's transfers to the business's bank. Read-only through the API (list, get).

They come from seed data or from ``create_payout`` (the admin API's collection action
``create``), which bundles the Stripe entries not yet paid out; the ``mark_*`` actions move them
as Stripe would and emit ``payout_paid``/``payout_failed``.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from decimal import Decimal
from typing import Any

from mockcasa.engine.resource import Ctx, Filter, Resource
from mockcasa.errors import Conflict, Invalid
from mockcasa.models.billing import Payment, Payout, PayoutStatus
from mockcasa.models.common import new_id
from mockcasa.resources._system import system_create, system_update
from mockcasa.resources._util import money

IN_FLIGHT = ("pending", "in_transit")
ARRIVAL_DELAY = timedelta(days=2)


def _dec(value: Any) -> Decimal:
    return Decimal(str(value or 0))


def totals(entries: list[Payment]) -> dict[str, Any]:
    """A payout's figures from its Stripe entries: net amount, gross, fees, refunds, payment count."""
    payments = [p for p in entries if p.kind == "payment"]
    returns = [p for p in entries if p.kind in ("refund", "chargeback")]
    fees = sum((_dec(p.amount) - _dec(p.net_amount) for p in payments), Decimal(0)) \
        - sum((_dec(p.amount) for p in entries if p.kind == "dispute_fee"), Decimal(0))
    return {"amount": money(sum((_dec(p.net_amount) for p in entries), Decimal(0))),
            "gross_total": money(sum((_dec(p.amount) for p in payments), Decimal(0))),
            "fee_total": money(fees),
            "refund_total": money(-sum((_dec(p.amount) for p in returns), Decimal(0))),
            "payment_count": len(payments)}


def _pending_entries(ctx: Ctx, params: dict[str, Any]) -> list[Payment]:
    payments = ctx.org["payments"]
    ids = params.get("paymentIds")
    if ids is None:
        return [p for p in payments
                if p.method == "stripe" and p.status == "succeeded" and p.payout_id is None]
    if not isinstance(ids, list):
        raise Invalid(field="paymentIds", reason="must be a list of payment ids")
    entries = []
    for i, payment_id in enumerate(ids):
        payment = payments.get(payment_id) if isinstance(payment_id, str) else None
        if payment is None or payment.method != "stripe" or payment.status != "succeeded" \
                or payment.payout_id is not None:
            raise Invalid(field=f"paymentIds[{i}]", reason="must be a succeeded Stripe payment of this "
                                                           "organization not yet in a payout")
        entries.append(payment)
    return entries


def create_payout(ctx: Ctx, params: dict[str, Any]) -> Payout:
    """Bundle Stripe entries (``paymentIds``, default: all not yet paid out) into a new pending payout.

    Other params: ``arrivalDate`` (default today + 2 days), ``status`` (pending or in_transit), ``description``,
    ``bankAccountLast4``, ``bankAccountName``. Each entry's ``payoutId`` points at the payout.
    """
    status = params.get("status", "pending")
    if status not in IN_FLIGHT:
        # Paid and failed come later, through mark_paid/mark_failed, which emit their events.
        raise Invalid(field="status", reason=f"must be one of: {', '.join(IN_FLIGHT)}")
    entries = _pending_entries(ctx, params)
    if not entries:
        raise Conflict("There are no succeeded Stripe payments waiting for a payout.")
    payout = system_create(ctx, "payouts", {
        **totals(entries), "currency": entries[0].currency,
        "arrival_date": params.get("arrivalDate") or ctx.today() + ARRIVAL_DELAY,
        "status": status, "description": params.get("description", "STRIPE PAYOUT"),
        "bank_account_last4": params.get("bankAccountLast4", "6789"),
        "bank_account_name": params.get("bankAccountName", "Sandbox Bank")})
    for payment in entries:
        system_update(ctx, "payments", payment, payout_id=payout.id)
    return payout


def _move(payout: Payout, to: str) -> None:
    if payout.status not in IN_FLIGHT:
        raise Conflict(f"Payout {payout.stripe_payout_id} is {payout.status}; only pending or in-transit "
                       f"payouts can become {to}.")


def mark_in_transit(ctx: Ctx, payout: Payout, params: dict[str, Any]) -> Payout:
    if payout.status != "pending":
        raise Conflict(f"Payout {payout.stripe_payout_id} is {payout.status}; only a pending payout goes "
                       f"in transit.")
    return system_update(ctx, "payouts", payout, status="in_transit")


def mark_paid(ctx: Ctx, payout: Payout, params: dict[str, Any]) -> Payout:
    """The money arrived (``arrivalDate`` default today). Emits ``payout_paid``."""
    _move(payout, "paid")
    paid = system_update(ctx, "payouts", payout, status="paid",
                         arrival_date=params.get("arrivalDate") or ctx.today())
    ctx.emit("payout_paid", "payouts", paid)
    return paid


def mark_failed(ctx: Ctx, payout: Payout, params: dict[str, Any]) -> Payout:
    """The bank refused it (``failureCode`` default account_closed). Emits ``payout_failed``."""
    _move(payout, "failed")
    failed = system_update(ctx, "payouts", payout, status="failed",
                           failure_code=params.get("failureCode", "account_closed"),
                           failure_message=params.get("failureMessage", "The bank account has been closed."))
    ctx.emit("payout_failed", "payouts", failed)
    return failed


def cancel(ctx: Ctx, payout: Payout, params: dict[str, Any]) -> Payout:
    _move(payout, "canceled")
    return system_update(ctx, "payouts", payout, status="canceled")


def link(ctx: Ctx, payout_id: str, entries: list[Payment]) -> None:
    """Point each entry's ``payoutId`` at the payout (as a seed states it: ``updatedAt`` unchanged)."""
    for payment in entries:
        ctx.org["payments"].replace(payment.model_copy(update={"payout_id": payout_id}))


def on_seed(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    """A seeded payout: figures as written, or (``payment_ids``, from generators) from the entries it bundles.

    Bundled entries must be succeeded Stripe entries not yet paid out; each one's ``payoutId``
    then names this payout. The Stripe id, unless given, follows from the record id.
    """
    values = dict(values)
    payment_ids = values.pop("payment_ids", None)
    record_id = values.get("id")
    derived = hashlib.sha256(record_id.encode()).hexdigest()[:24] if record_id else secrets.token_hex(12)
    values["stripe_payout_id"] = values.get("stripe_payout_id") or f"po_{derived}"
    values["currency"] = values.get("currency") or ctx.org.currency
    values.setdefault("amount", 0)  # a hand-written payout may leave its figures to the entries naming it
    if payment_ids is not None:
        entries = _pending_entries(ctx, {"paymentIds": payment_ids})
        if not entries:
            raise Invalid(field="paymentIds", reason="must name at least one Stripe entry")
        values.update(totals(entries), currency=entries[0].currency)
        values.setdefault("id", new_id())
        link(ctx, values["id"], entries)
    for field in ("amount", "gross_total", "fee_total", "refund_total"):
        if values.get(field) is not None:
            values[field] = money(values[field])
    return values


def refigure(ctx: Ctx, payout: Payout, entry: Payment) -> None:
    """A seeded ``entry`` names ``payout``: its figures become those of all its entries (seeds only)."""
    if entry.method != "stripe" or entry.status != "succeeded":
        raise Invalid(field="payoutId", reason=f"only succeeded Stripe entries are paid out; this is a "
                                               f"{entry.status} {entry.method} {entry.kind}")
    entries = [p for p in ctx.org["payments"].where("payout_id", payout.id) if p.id != entry.id] + [entry]
    ctx.org["payouts"].replace(payout.model_copy(update={**totals(entries), "currency": entry.currency}))


RESOURCE = Resource(
    name="payouts", singular="payout", model=Payout,
    operations=("list", "get"),
    filters=[Filter.enum("status", PayoutStatus),
             Filter.date_bound("arrivalDateFrom", "arrival_date", ">="),
             Filter.date_bound("arrivalDateTo", "arrival_date", "<=")],
    on_seed=on_seed,
    actions={"mark_in_transit": mark_in_transit, "mark_paid": mark_paid, "mark_failed": mark_failed,
             "cancel": cancel},
    collection_actions={"create": create_payout},
)
