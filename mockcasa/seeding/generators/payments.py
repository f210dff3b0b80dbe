"""Payments that settle the generated invoices, the odd refund and dispute, and Stripe's payouts of them.

The payments decide what each generated invoice reads as: most past-due invoices were paid
(sometimes in two installments, sometimes late), a few were paid in part or not at all
(overdue); invoices not yet due may be unpaid (sent), paid early or part-paid (partial). A
share of the records shows the rest of the ledger: failed card attempts, ACH payments still
pending or processing, duplicate payments refunded, card disputes (a chargeback and Stripe's
dispute fee), write-off adjustments and retainers paid on account. Hand-written invoices keep
the payments written for them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from mockcasa.resources._util import money
from mockcasa.seeding.generators.context import Gen, GenerationError, Generator

METHODS = {"stripe": 48, "bank_transfer": 16, "check": 12, "zelle": 6, "paypal": 5, "venmo": 3, "wire": 3,
           "cash": 2, "other": 1}
# The ledger's other stories, by how often they happen.
EXTRAS = {"retainer": 4, "failed_attempt": 3, "duplicate": 1, "adjustment": 1, "processing": 1, "pending": 1,
          "dispute": 0.5}
PAIRS = ("dispute", "duplicate")  # stories told in two records
DISPUTE_FEE = 15.0


def stripe_net(amount: float) -> float:
    """What Stripe pays out of a card payment: the amount less 2.9% + 0.30."""
    return money(Decimal(str(amount)) * Decimal("0.971") - Decimal("0.30"))


class Ledger:
    """The payments being planned; refunds name their original, resolved to ids once ordered."""

    def __init__(self, gen: Gen) -> None:
        self.gen = gen
        self.entries: list[dict[str, Any]] = []

    def add(self, invoice: Any, amount: float, day: date, method: str, *, client_id: str | None = None,
            kind: str = "payment", status: str = "succeeded", of: dict[str, Any] | None = None,
            notes: str | None = None, reference: str | None = None, after: dict[str, Any] | None = None,
            ) -> dict[str, Any]:
        """Plan one entry on ``day`` (never before its invoice, its original or ``after``)."""
        gen = self.gen
        day = min(day, gen.today)
        earlier = after or of
        not_before = earlier["created_at"] if earlier else (invoice.created_at if invoice else None)
        entry = {
            "client_id": invoice.client_id if invoice else client_id,
            "invoice_id": invoice.id if invoice else None,
            "amount": money(amount), "received_date": day, "method": method, "status": status, "kind": kind,
            "reference": reference or self.reference(method, kind), "notes": notes,
            "net_amount": self.net(amount, method, kind, status), "refund_of_id": of,
            "created_at": gen.at(day, not_before=not_before),
        }
        entry["received_date"] = entry["created_at"].date()  # moved to the next day when not_before says so
        entry["updated_at"] = entry["created_at"]
        self.entries.append(entry)
        return entry

    @staticmethod
    def net(amount: float, method: str, kind: str, status: str) -> float | None:
        if status != "succeeded":
            return None
        return stripe_net(amount) if method == "stripe" and kind == "payment" else money(amount)

    def reference(self, method: str, kind: str) -> str | None:
        gen = self.gen
        if method == "stripe":
            return {"payment": "ch_", "refund": "re_", "chargeback": "dp_", "dispute_fee": "du_"}.get(
                kind, "ch_") + gen.token()
        if kind != "payment":
            return None
        return {"check": f"Check #{gen.rng.randint(1001, 9899)}", "bank_transfer": f"ACH {gen.token(10).upper()}",
                "wire": f"WIRE-{gen.rng.randint(100000, 999999)}", "paypal": gen.token(17).upper(),
                "zelle": f"Zelle {gen.token(8).upper()}", "venmo": f"Venmo {gen.rng.randint(10**9, 10**10)}"}.get(method)

    def ordered(self) -> list[dict[str, Any]]:
        """The entries oldest first, with ``refund_of_id`` naming the id its original will get."""
        self.entries.sort(key=lambda e: e["created_at"])
        ids = {id(e): self.gen.record_id(i) for i, e in enumerate(self.entries)}
        return [{**e, "refund_of_id": ids[id(e["refund_of_id"])] if e["refund_of_id"] else None}
                for e in self.entries]


def _settle(gen: Gen, ledger: Ledger, invoice: Any, budget: int, promised: str | None = None) -> list[dict[str, Any]]:
    """Plan the payments of one invoice (at most ``budget``); returns them (none: left unpaid).

    ``promised``: its fate ("paid", "partial", "unpaid"), instead of the one drawn (still drawn, so
    the draws after it stay the same)."""
    today, total = gen.today, invoice.total
    if invoice.due_date < today:
        old = invoice.due_date < today - timedelta(days=90)
        fate = gen.weighted({"paid": 94, "partial": 3, "unpaid": 3} if old else
                            {"paid": 84, "partial": 7, "unpaid": 9})
        last_day = min(invoice.due_date + timedelta(days=gen.rng.choice((0, 0, 3, 7, 12, 25))), today)
    else:
        fate = gen.weighted({"paid": 40, "partial": 15, "unpaid": 45})
        last_day = today
    fate = promised or fate
    if fate == "unpaid" or budget < 1:
        return []
    method = gen.weighted(METHODS)
    day = gen.day_between(invoice.issue_date, last_day)
    if fate == "partial":
        return [ledger.add(invoice, money(total * gen.rng.choice((0.25, 0.3, 0.4, 0.5))), day, method)]
    if budget >= 2 and gen.chance(0.2):
        deposit = money(total * gen.rng.choice((0.3, 0.4, 0.5)))
        first = ledger.add(invoice, deposit, gen.day_between(invoice.issue_date, day), method)
        return [first, ledger.add(invoice, money(Decimal(str(total)) - Decimal(str(deposit))), day, method)]
    return [ledger.add(invoice, total, day, method)]


def _extra(gen: Gen, ledger: Ledger, kind: str, paid: list[list[dict]], unpaid: list[Any],
           clients: list[Any], invoice_of: dict[str, Any]) -> int:
    """Add one story of ``kind``; returns how many records it took (0: nothing fits it)."""
    today = gen.today
    if kind == "dispute":
        card = [p for p in paid if p[-1]["method"] == "stripe" and p[-1]["received_date"] < today - timedelta(days=20)]
        if not card:
            return 0
        original = gen.rng.choice(card)[-1]
        paid[:] = [p for p in paid if p[-1] is not original]
        day = original["received_date"] + timedelta(days=gen.rng.randint(10, 45))
        invoice = invoice_of[original["invoice_id"]]
        ledger.add(invoice, -original["amount"], day, "stripe", kind="chargeback", of=original,
                   notes="Card dispute lost: the client's bank reversed the payment.")
        ledger.add(invoice, -DISPUTE_FEE, day, "stripe", kind="dispute_fee", of=original)
        return 2
    if kind == "duplicate" and paid:
        payments = paid.pop(gen.rng.randrange(len(paid)))
        last = payments[-1]
        invoice = invoice_of[last["invoice_id"]]
        twin = ledger.add(invoice, last["amount"], last["received_date"] + timedelta(days=gen.rng.randint(0, 3)),
                          last["method"], after=last, notes="Paid twice by mistake.")
        ledger.add(invoice, -twin["amount"], twin["received_date"] + timedelta(days=gen.rng.randint(2, 10)),
                   last["method"], kind="refund", of=twin, notes="Refund of the duplicate payment.")
        return 2
    if kind == "failed_attempt":
        card = [p for p in paid if p[-1]["method"] == "stripe"]
        if not card:
            return 0
        payments = gen.rng.choice(card)
        paid.remove(payments)
        last = payments[-1]
        invoice = invoice_of[last["invoice_id"]]
        ledger.add(invoice, last["amount"], max(invoice.issue_date, last["received_date"] - timedelta(days=2)),
                   "stripe", status="failed", notes="Card declined.")
        return 1
    if kind == "adjustment":
        single = [p for p in paid if len(p) == 1 and p[0]["amount"] > 50]
        if not single:
            return 0
        [payment] = gen.rng.choice(single)
        paid[:] = [p for p in paid if p[0] is not payment]
        short = gen.rng.choice((0.5, 1.25, 4.99, 12.0, 25.0))
        payment["amount"] = money(payment["amount"] - short)
        payment["net_amount"] = ledger.net(payment["amount"], payment["method"], "payment", "succeeded")
        ledger.add(invoice_of[payment["invoice_id"]], short, payment["received_date"] + timedelta(days=2), "other",
                   kind="adjustment", after=payment, notes="Short payment written off (bank fees).")
        return 1
    if kind in ("processing", "pending") and unpaid:
        # A debit in flight pays an invoice on time, when one is still to fall due.
        coming = [n for n, i in enumerate(unpaid) if i.due_date >= today] or range(len(unpaid))
        invoice = unpaid.pop(coming[gen.rng.randrange(len(coming))])
        day = max(invoice.issue_date, today - timedelta(days=gen.rng.randint(0, 3)))
        ledger.add(invoice, invoice.total, day, "stripe", status=kind, reference="py_" + gen.token(),
                   notes="ACH debit from the client's bank account.")
        return 1
    if kind == "retainer" and clients:
        client = gen.rng.choice(clients)
        day = gen.day_between(client.created_at.date(), today)
        ledger.add(None, gen.amount(500, 3000, 100), day, gen.weighted({"bank_transfer": 3, "stripe": 2, "check": 1}),
                   client_id=client.id, notes="Retainer paid on account.")
        return 1
    return 0


def _promises(gen: Gen, invoices: list[Any]) -> dict[str, str]:
    """Fates that make every status an invoice can read show, when some invoice can read it: one not
    yet due left unpaid (sent) and one part-paid (partial), one past due left unpaid (overdue).

    Most invoices of a year are long due (and paid), so a world of a few dozen could draw none of them.
    """
    today = gen.today
    coming = [i for i in invoices if i.due_date >= today]
    gone = [i for i in invoices if i.due_date < today]
    promised = dict(zip((i.id for i in gen.rng.sample(coming, min(2, len(coming)))), ("partial", "unpaid"),
                        strict=False))
    if gone:
        promised[gen.rng.choice(gone).id] = "unpaid"
    return promised


def payments(gen: Gen, count: int) -> Iterator[dict[str, Any]]:
    invoices = sorted((gen.shown(i, "invoices") for i in gen.made("invoices")),
                      key=lambda i: (i.issue_date, i.invoice_number))
    invoices = [i for i in invoices if i.status not in ("draft", "void") and i.total > 0]
    clients = [c for c in gen.records("clients") if c.status == "active"] or gen.records("clients")
    if not invoices and not clients:
        raise GenerationError("needs invoices to settle or clients to pay on account: add or generate some")
    ledger = Ledger(gen)
    # An eighth of the records tell the rest of the ledger's stories; the others settle invoices.
    budget = count - count // 8
    paid: list[list[dict[str, Any]]] = []
    unpaid: list[Any] = []
    promised = _promises(gen, invoices)
    for invoice in invoices:
        planned = _settle(gen, ledger, invoice, budget, promised.get(invoice.id))
        budget -= len(planned)
        if not planned:
            unpaid.append(invoice)
        elif sum(p["amount"] for p in planned) >= invoice.total:
            paid.append(planned)
    invoice_of = {i.id: i for i in invoices}
    # Each story once (in a random order), then by how often they happen; retainers fill what is left.
    kinds = list(EXTRAS)
    gen.rng.shuffle(kinds)
    left, idle = count - len(ledger.entries), 0
    while left > 0:
        kind = kinds.pop(0) if kinds else "retainer" if idle >= len(EXTRAS) else gen.weighted(EXTRAS)
        used = 0 if kind in PAIRS and left < 2 else _extra(gen, ledger, kind, paid, unpaid, clients, invoice_of)
        if not used and kind == "retainer" and idle >= len(EXTRAS):
            raise GenerationError(f"cannot place {left} more payments: generate more invoices or add clients")
        idle = 0 if used else idle + 1
        left -= used
    yield from ledger.ordered()


BANKS = ("Chase Business Checking", "Mercury Checking", "Wells Fargo Business", "First Republic Operating")
FAILURES = {"account_closed": "The bank account has been closed.",
            "could_not_process": "The bank could not process this payout.",
            "no_account": "The bank account details on file are probably incorrect."}


def payouts(gen: Gen, count: int) -> Iterator[dict[str, Any]]:
    """Stripe's payouts of the generated Stripe entries, oldest first, in ``count`` bundles.

    Entries of the last two days are still on their way to the balance and stay unbundled. The
    latest payout is pending and the one before in transit; the older ones arrived (paid), except
    one that failed (with five payouts or more) and one canceled (with eight or more).
    """
    today = gen.today
    entries = sorted((p for p in gen.made("payments") if p.method == "stripe" and p.status == "succeeded"
                      and p.payout_id is None and p.received_date <= today - timedelta(days=2)),
                     key=lambda p: (p.created_at, p.id))
    if len(entries) < count:
        raise GenerationError(f"{count} payouts need at least as many generated Stripe payments waiting to be "
                              f"paid out ({len(entries)} are): generate more payments or fewer payouts")
    cuts = [0, *sorted(gen.rng.sample(range(1, len(entries)), count - 1)), len(entries)]
    bundles = [entries[a:b] for a, b in itertools.pairwise(cuts)]
    older = list(range(max(count - 2, 0)))
    failed = gen.rng.choice(older) if count >= 5 else None
    canceled = gen.rng.choice([i for i in older if i != failed]) if count >= 8 else None
    last4, bank = f"{gen.rng.randint(0, 9999):04d}", gen.rng.choice(BANKS)
    for i, bundle in enumerate(bundles):
        created_day = bundle[-1].received_date + timedelta(days=1)
        if i == count - 1 and count >= 2:
            created_day = today
        elif i == count - 2 and count >= 3:
            created_day = max(created_day, today - timedelta(days=1))
        arrival = created_day + timedelta(days=2)
        status = "paid" if arrival < today else "pending" if created_day == today else "in_transit"
        status = {failed: "failed", canceled: "canceled"}.get(i, status)
        created = gen.at(created_day, (1, 6), not_before=bundle[-1].created_at)
        failure = gen.rng.choice(list(FAILURES)) if status == "failed" else None
        yield {
            "stripe_payout_id": "po_" + gen.token(),
            "payment_ids": [p.id for p in bundle],
            "arrival_date": arrival,
            "status": status,
            "automatic": status != "canceled",
            "description": "STRIPE PAYOUT",
            "bank_account_last4": last4,
            "bank_account_name": bank,
            "failure_code": failure,
            "failure_message": FAILURES.get(failure),
            "created_at": created,
            "updated_at": gen.at(arrival, (6, 10), not_before=created) if status in ("paid", "failed") else created,
        }


GENERATORS: dict[str, Generator] = {"payments": payments, "payouts": payouts}
