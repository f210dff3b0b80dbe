"""Small helpers shared by resource modules."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any, get_args

from mockcasa.errors import Conflict


def literal_values(literal: Any) -> list[str]:
    return list(get_args(literal))


def money(value: float | Decimal) -> float:
    """Round to cents, half up (0.005 -> 0.01), as the real service does.

    Amounts beyond 1e300 have no cents worth keeping and become floats as they are (``inf`` past
    the float range, which callers refuse); everything else rounds with enough digits to be exact.
    """
    amount = Decimal(str(value))
    if not amount.is_finite() or amount.adjusted() > 300:
        return float(amount)
    return float(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP, context=Context(prec=400)))


def claim_number(org: Any, prefix: str, given: str | None = None) -> str:
    """A document number: the next in the organization's sequence, or one a seed chose.

    A seeded ``INV-0042`` moves the sequence past 42, so the next created invoice never repeats it.
    """
    if given is None:
        return org.next_number(prefix)
    head, _, digits = given.rpartition("-")
    if head == prefix and digits.isdigit():
        org.counters[prefix] = max(org.counters.get(prefix, 0), int(digits))
    return given



def delete_drafts_only(noun: str, number: str, status: str, instead: str) -> None:
    """Documents (invoices, proposals, contracts) can be deleted only while draft: 409 otherwise."""
    if status != "draft":
        raise Conflict(f"Only draft {noun}s can be deleted; {noun} {number} is {status}. {instead}")
