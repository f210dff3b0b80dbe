"""What a generator draws from: a seeded Faker, the organization being built, and its clock."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from itertools import accumulate
from typing import TYPE_CHECKING, Any, TypeVar

from faker import Faker

if TYPE_CHECKING:
    from mockcasa.state import Organization

T = TypeVar("T")


class GenerationError(Exception):
    """A generator cannot produce its records (e.g. projects asked for, but no clients exist)."""


class Gen:
    """Seeded randomness plus read access to the records already staged in the organization."""

    def __init__(self, fake: Faker, org: Organization, now: datetime) -> None:
        self.fake = fake
        self.rng = fake.random  # seeded with the Faker, so one seed drives both
        self.org = org
        self.now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        self._pools: dict[str, list[Any]] = {}

    @property
    def today(self) -> date:
        return self.now.date()

    def records(self, resource: str) -> list[Any]:
        """The organization's records of another resource (newest first), as they stand."""
        if resource not in self._pools:
            self._pools[resource] = list(self.org[resource])
        return self._pools[resource]

    def pick(self, resource: str) -> Any:
        """A random existing record; ``GenerationError`` when there is none."""
        return self.picker(resource)()

    def picker(self, resource: str, weight: Callable[[Any], float] | None = None) -> Callable[[], Any]:
        """Draws random existing records, likelier by ``weight``; build it once, call it per record."""
        pool = self.records(resource)
        if not pool:
            raise GenerationError(f"needs {resource} to attach to: add some under records or generate")
        if weight is None:
            return lambda: self.rng.choice(pool)
        cumulative = list(accumulate(weight(r) for r in pool))
        return lambda: self.rng.choices(pool, cum_weights=cumulative)[0]

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def weighted(self, options: dict[T, float]) -> T:
        return self.rng.choices(list(options), weights=list(options.values()))[0]

    def between(self, start: datetime, end: datetime | None = None) -> datetime:
        """A millisecond-precise instant in [start, end] (end defaults to now)."""
        end = end or self.now
        if end <= start:
            return start
        span_ms = int((end - start).total_seconds() * 1000)
        return start + timedelta(milliseconds=self.rng.randint(0, span_ms))

    def past(self, days: int) -> datetime:
        return self.between(self.now - timedelta(days=days))

    def days_after(self, day: date, low: int, high: int) -> date:
        return day + timedelta(days=self.rng.randint(low, high))

    def amount(self, low: float, high: float, step: float = 1.0) -> float:
        """A round amount (a multiple of ``step``) between ``low`` and ``high``."""
        steps = self.rng.randint(int(low / step), int(high / step))
        return round(steps * step, 2)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "mail"


Generator = Callable[[Gen, int], Iterable[dict[str, Any]]]
