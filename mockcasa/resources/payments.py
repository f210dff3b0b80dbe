"""Payments: manual payments, refunds and adjustments; Stripe entries come from the system.

Through the API: manual methods only; ``payment`` > 0, ``refund`` < 0 with ``refundOfId`` (no
more than what is left to refund; inherits the original's client and invoice), ``adjustment``
≠ 0. An invoice must belong to the payment's client, be neither draft nor void, and share its
currency. Payments are immutable except ``reference``/``notes``; there is no DELETE. Every
payment re-derives its invoice. An omitted currency is the invoice's, else the contract's default,
USD (not the organization's). Stripe payments, refunds, chargebacks and dispute fees are
system actions (``record_stripe_payment`` on invoices; ``refund``/``chargeback``/``dispute_fee``
here).
"""

from __future__ import annotations

import math
import secrets
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from mockcasa.engine.resource import Ctx, Filter, Ref, Resource
from mockcasa.errors import Conflict, Invalid
from mockcasa.models.billing import (
    DEFAULT_CURRENCY,
    Payment,
    PaymentCreate,
    PaymentKind,
    PaymentStatus,
    PaymentUpdate,
)
from mockcasa.resources._ledger import refresh_invoice, settle
from mockcasa.resources._system import system_create
from mockcasa.resources._util import money
from mockcasa.resources.payouts import refigure

EVENTS = {"payment": "payment_received", "refund": "payment_refunded", "chargeback": "payment_chargeback"}
# Money that went back to the client against an original payment.
RETURN_KINDS = ("refund", "chargeback")
DEFAULT_DISPUTE_FEE = 15.00


def refundable(ctx: Ctx, original: Payment) -> Decimal:
    """What is left to refund on ``original``: its amount less its refunds and chargebacks."""
    returned = sum((Decimal(str(p.amount)) for p in ctx.org["payments"].where("refund_of_id", original.id)
                    if p.kind in RETURN_KINDS and p.status != "failed"), Decimal(0))
    return Decimal(str(original.amount)) + returned


def not_before_original(original: Payment, received: date) -> None:
    """A refund, chargeback or dispute fee cannot be dated before the payment it reverses (400).

    One rule for every path: the API's refunds, the dashboard's actions and seeded entries.
    """
    if received < original.received_date:
        raise Invalid(field="receivedDate", reason=f"is before the receivedDate of the payment it reverses "
                                                   f"({original.received_date.isoformat()})")


def _received_date(ctx: Ctx, params: dict[str, Any], original: Payment | None = None) -> date:
    """An action's ``receivedDate`` (default today), checked against the payment it reverses."""
    value = params.get("receivedDate") or ctx.today()
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value))
        except ValueError:
            raise Invalid(field="receivedDate", reason="must be a date in the form YYYY-MM-DD") from None
    if original is not None:
        not_before_original(original, value)
    return value


def _check_amount(kind: str, amount: float) -> None:
    if kind == "payment" and amount <= 0:
        raise Invalid(field="amount", reason="must be greater than 0 for a payment")
    if kind == "refund" and amount >= 0:
        raise Invalid(field="amount", reason="must be negative for a refund (e.g. -50.00)")
    if kind == "adjustment" and amount == 0:
        raise Invalid(field="amount", reason="must not be 0 for an adjustment")


def _inherit_from_original(ctx: Ctx, values: dict[str, Any]) -> None:
    """A refund names its original; it takes the original's client, invoice and currency."""
    original = ctx.org["payments"].get(values["refund_of_id"])
    if original.kind != "payment" or original.status != "succeeded":
        raise Invalid(field="refundOfId", reason=f"must reference a succeeded payment of kind payment; "
                                                 f"{original.id} is a {original.status} {original.kind}")
    not_before_original(original, values["received_date"])
    left = refundable(ctx, original)
    if Decimal(str(-values["amount"])) > left:
        raise Invalid(field="amount", reason=f"exceeds what is left to refund on payment {original.id} "
                                             f"({left:.2f} {original.currency})")
    for field, alias in (("client_id", "clientId"), ("invoice_id", "invoiceId"), ("currency", "currency")):
        given, inherited = values.get(field), getattr(original, field)
        if given is not None and given != inherited:
            raise Invalid(field=alias, reason=f"must match the refunded payment's {alias} ({inherited})")
        values[field] = inherited


def _check_invoice(ctx: Ctx, values: dict[str, Any]) -> None:
    invoice = settle(ctx, ctx.org["invoices"].get(values["invoice_id"]))  # its client: Ref.same
    if invoice.status in ("draft", "void", "written_off"):
        raise Invalid(field="invoiceId", reason=f"is a {invoice.status} invoice ({invoice.invoice_number}); "
                                                f"payments can only be recorded against sent invoices")
    if values.get("currency") is not None and values["currency"] != invoice.currency:
        raise Invalid(field="currency", reason=f"must match the invoice's currency ({invoice.currency})")
    values["currency"] = invoice.currency


def on_create(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    values["amount"] = money(values["amount"])
    if values.get("currency") is not None:
        values["currency"] = values["currency"].upper()
    kind = values["kind"]
    _check_amount(kind, values["amount"])
    if kind == "refund":
        if values.get("refund_of_id") is None:
            raise Invalid(field="refundOfId", reason="is required for a refund")
        _inherit_from_original(ctx, values)
    elif values.get("refund_of_id") is not None:
        raise Invalid(field="refundOfId", reason="is only allowed when kind is refund")
    if values.get("invoice_id") is not None:
        _check_invoice(ctx, values)
    values["currency"] = values.get("currency") or DEFAULT_CURRENCY
    values.update(status="succeeded", net_amount=values["amount"], payout_id=None)
    return values


def after_create(ctx: Ctx, payment: Payment) -> None:
    """Events for the payment, then re-derive its invoice (which may emit ``invoice_paid``)."""
    if payment.kind in EVENTS:
        ctx.emit(EVENTS[payment.kind], "payments", payment)
    if payment.invoice_id:
        refresh_invoice(ctx, payment.invoice_id, payment)


def on_seed(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    """A seeded payment: any method, kind and status; the rest inherited or defaulted.

    An entry naming a payout must be a succeeded Stripe entry; the payout's figures are then
    recomputed from all its entries, so a hand-written payout always adds up.
    """
    values = {"method": "other", "kind": "payment", "status": "succeeded", **values}
    values["amount"] = money(values["amount"])
    original = ctx.org["payments"].get(values.get("refund_of_id") or "")
    if original is not None:
        values.setdefault("client_id", original.client_id)
        values.setdefault("invoice_id", original.invoice_id)
    invoice = ctx.org["invoices"].get(values.get("invoice_id") or "")
    if invoice is not None:
        values.setdefault("client_id", invoice.client_id)
    # As through the API: the invoice's currency, else the refunded payment's, else the contract's default.
    values["currency"] = values.get("currency") or next(
        (r.currency for r in (invoice, original) if r is not None), DEFAULT_CURRENCY)
    values["received_date"] = values.get("received_date") or ctx.today()
    if original is not None and isinstance(values["received_date"], date):
        not_before_original(original, values["received_date"])
    if values.get("net_amount") is None and values["status"] == "succeeded":
        values["net_amount"] = values["amount"]
    payout = ctx.org["payouts"].get(values.get("payout_id") or "")
    if payout is not None:
        try:
            entry = Payment.model_validate(values)
        except ValidationError:
            return values  # reported when the seed validates the record
        refigure(ctx, payout, entry)
    return values


def _system_payment(ctx: Ctx, values: dict[str, Any]) -> Payment:
    payment = system_create(ctx, "payments", values)
    after_create(ctx, payment)
    return payment


def _number(params: dict[str, Any], name: str, default: Any, *, positive: bool = True) -> float:
    """A money parameter of an action, rounded to cents; 400 naming it when it is not a usable number."""
    value = params.get(name, default)
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)) or not math.isfinite(value):
        raise Invalid(field=name, reason="must be a number")
    value = money(value)
    if value < 0 or (positive and value == 0):
        raise Invalid(field=name, reason="must be greater than 0" if positive else "must not be negative")
    return value


def _charge_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def record_stripe_payment(ctx: Ctx, invoice: Any, params: dict[str, Any]) -> Any:
    """Invoice action: a card payment through Stripe (default: the whole balance; fee 2.9% + 0.30).

    Params: ``amount``, ``fee``, ``receivedDate``, ``reference``. Emits ``payment_received`` and,
    when it settles the invoice, ``invoice_paid``. Returns the invoice.
    """
    if invoice.status in ("draft", "void", "written_off", "paid"):
        raise Conflict(f"Invoice {invoice.invoice_number} is {invoice.status}; only sent, partial or overdue "
                       f"invoices can be paid.")
    amount = _number(params, "amount", invoice.balance_due)
    fee = _number(params, "fee", Decimal(str(amount)) * Decimal("0.029") + Decimal("0.30"), positive=False)
    _system_payment(ctx, {
        "client_id": invoice.client_id, "invoice_id": invoice.id, "amount": amount,
        "currency": invoice.currency, "received_date": _received_date(ctx, params),
        "method": "stripe", "kind": "payment", "net_amount": money(amount - fee),
        "reference": params.get("reference") or _charge_id("ch")})
    return settle(ctx, ctx.org["invoices"].get(invoice.id))


def _return(ctx: Ctx, original: Payment, kind: str, params: dict[str, Any]) -> Payment:
    """A refund or chargeback of ``original``: negative, inheriting client, invoice and method."""
    if original.kind != "payment" or original.status != "succeeded":
        raise Conflict(f"Only a succeeded payment can be reversed; this is a {original.status} "
                       f"{original.kind}.")
    left = refundable(ctx, original)
    amount = _number(params, "amount", left)
    if Decimal(str(amount)) > left:
        raise Invalid(field="amount",
                      reason=f"exceeds what is left to refund ({left:.2f} {original.currency})")
    return _system_payment(ctx, {
        "client_id": original.client_id, "invoice_id": original.invoice_id, "amount": -amount,
        "currency": original.currency, "received_date": _received_date(ctx, params, original),
        "method": original.method, "kind": kind, "refund_of_id": original.id,
        "reference": params.get("reference") or (_charge_id("re") if original.method == "stripe" else None)})


def refund(ctx: Ctx, original: Payment, params: dict[str, Any]) -> Payment:
    """Payment action: refund from the dashboard or Stripe (default: all that is left). Returns the refund."""
    return _return(ctx, original, "refund", params)


def _disputable(original: Payment) -> None:
    """Chargebacks and dispute fees come from a cardholder disputing a Stripe charge."""
    if original.method != "stripe" or original.kind != "payment":
        raise Conflict(f"Only a Stripe card payment can be disputed; this is a {original.method} "
                       f"{original.kind}.", {"method": original.method, "kind": original.kind})


def chargeback(ctx: Ctx, original: Payment, params: dict[str, Any]) -> Payment:
    """Payment action: the client's bank reverses a Stripe payment. Emits ``payment_chargeback``."""
    _disputable(original)
    return _return(ctx, original, "chargeback", params)


def dispute_fee(ctx: Ctx, original: Payment, params: dict[str, Any]) -> Payment:
    """Payment action: Stripe's fee for a dispute on ``original`` (default 15.00), not counted on invoices."""
    _disputable(original)
    fee = _number(params, "amount", DEFAULT_DISPUTE_FEE)
    return _system_payment(ctx, {
        "client_id": original.client_id, "invoice_id": original.invoice_id, "amount": -fee,
        "currency": original.currency, "received_date": _received_date(ctx, params, original),
        "method": original.method, "kind": "dispute_fee", "refund_of_id": original.id,
        "reference": _charge_id("du")})


RESOURCE = Resource(
    name="payments", singular="payment",
    model=Payment, create_model=PaymentCreate, update_model=PaymentUpdate,
    operations=("list", "create", "get", "update"),
    filters=[Filter.uuid("clientId"), Filter.uuid("invoiceId"),
             Filter.enum("status", PaymentStatus),
             Filter.enum("kind", PaymentKind)],
    refs=[Ref("client_id", "clients"), Ref("invoice_id", "invoices", same="client_id"),
          Ref("refund_of_id", "payments"), Ref("payout_id", "payouts")],
    descriptions={"create": "Records a manually-collected payment (check, bank transfer, cash, etc.). Stripe "
                            "payments are recorded automatically and cannot be created here. To reverse a "
                            "payment, record a refund (kind=refund, negative amount, refundOfId)."},
    on_create=on_create, after_create=after_create, on_seed=on_seed,
    actions={"refund": refund, "chargeback": chargeback, "dispute_fee": dispute_fee},
)
