"""Small helpers shared by resource modules."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, get_args


def literal_values(literal: Any) -> list[str]:
    return list(get_args(literal))


def money(value: float | Decimal) -> float:
    """Round to cents, half up (0.005 -> 0.01), as the real service does."""
    return float(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
