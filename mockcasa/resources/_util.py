"""Small helpers shared by resource modules."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, get_args


def literal_values(literal: Any) -> list[str]:
    return list(get_args(literal))


def money(value: float | Decimal) -> float:
    """Round to cents, half up (0.005 -> 0.01), as the real service does."""
    return float(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


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

