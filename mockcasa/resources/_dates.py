"""Records whose date the organization's clock just crossed, found through an index, not a scan.

Time-driven events (an invoice becoming overdue, a proposal expiring) concern only the records
whose date lies between where the clock was and where it is now. A resource indexes that date
(``Resource.extra_indexes``) and ``crossed`` looks up the days in between, or, for a jump longer
than the number of distinct dates held, the dates themselves: O(min(days, dates) + matches)
whatever the size of the organization.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from mockcasa.store import Collection


def crossed(collection: Collection, field: str, before: datetime, after: datetime) -> list[Any]:
    """Records whose date ``field`` lies in ``[before.date(), after.date())``: by date, oldest first.

    A date D is "past" once today > D, so these are the records for which the clock moving from
    ``before`` to ``after`` made their date past. A clock moving back crosses nothing.
    """
    start, end = before.date(), after.date()
    if end <= start:
        return []
    days = (end - start).days
    held = collection.values(field)
    if days <= len(held):
        wanted: list[date] = [start + timedelta(days=i) for i in range(days)]
    else:
        wanted = sorted(d for d in held if d is not None and start <= d < end)
    found: list[Any] = []
    for day in wanted:
        found.extend(reversed(collection.where(field, day)))  # where() is newest first
    return found
