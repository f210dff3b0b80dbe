"""What a generator draws from: a seeded Faker, the organization being built, and its clock."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from typing import TYPE_CHECKING, Any, TypeVar

from faker import Faker

if TYPE_CHECKING:
    from mockcasa.engine.resource import Ctx
    from mockcasa.state import Member, Organization

T = TypeVar("T")


class GenerationError(Exception):
    """A generator cannot produce its records (e.g. projects asked for, but no clients exist)."""


class Gen:
    """Seeded randomness plus read access to the records already staged in the organization.

    ``between`` and ``day_between`` take exactly one draw whatever their range: with a running
    clock the ranges move with the time of day, and the records after them stay the same.

    ``ctx`` lets a generator read records as the API shows them (``shown``); ``record_id(i)`` is
    the id the ``i``-th record it yields will get (a refund names its payment); ``made`` holds
    the records generated so far in this build, by resource.
    """

    def __init__(self, fake: Faker, org: Organization, now: datetime, *, ctx: Ctx | None = None,
                 record_id: Callable[[int], str] | None = None, made: dict[str, list[Any]] | None = None) -> None:
        self.fake = fake
        self.rng = fake.random  # seeded with the Faker, so one seed drives both
        self.org = org
        self.ctx = ctx
        self.now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        self.record_id = record_id or (lambda i: self.uuid())
        self._made = made if made is not None else {}
        self._pools: dict[str, list[Any]] = {}

    @property
    def today(self) -> date:
        return self.now.date()

    # --- existing records -------------------------------------------------------------------

    def records(self, resource_name: str) -> list[Any]:
        """The organization's records of another resource (newest first), as they stand; none when its
        API revision has no such resource (proposals from 2026-06-30)."""
        if resource_name not in self._pools:
            collection = self.org.collections.get(resource_name)
            self._pools[resource_name] = list(collection) if collection is not None else []
        return self._pools[resource_name]

    def made(self, resource_name: str) -> list[Any]:
        """The records of ``resource`` generated in this build (hand-written ones are not changed by others)."""
        return self._made.get(resource_name, [])

    def shown(self, record: Any, resource_name: str) -> Any:
        """``record`` as the API shows it now (an invoice's status derived from its payments)."""
        resource = self.ctx.resources[resource_name] if self.ctx is not None else None
        return resource.derive(self.ctx, record) if resource is not None and resource.derive else record

    def members(self) -> list[Member]:
        return list(self.org.members.values())

    def pick(self, resource_name: str) -> Any:
        """A random existing record; ``GenerationError`` when there is none."""
        return self.picker(resource_name)()

    def picker(self, resource_name: str, weight: Callable[[Any], float] | None = None,
               pool: list[Any] | None = None) -> Callable[[], Any]:
        """Draws random existing records, likelier by ``weight``; build it once, call it per record."""
        pool = self.records(resource_name) if pool is None else pool
        if not pool:
            raise GenerationError(f"needs {resource_name} to attach to: add some under records or generate")
        if weight is None:
            return lambda: self.rng.choice(pool)
        cumulative = list(accumulate(weight(r) for r in pool))
        if not cumulative[-1]:
            return lambda: self.rng.choice(pool)
        return lambda: self.rng.choices(pool, cum_weights=cumulative)[0]

    # --- choices ----------------------------------------------------------------------------

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def weighted(self, options: dict[T, float]) -> T:
        return self.rng.choices(list(options), weights=list(options.values()))[0]

    def spread(self, options: dict[T, float], count: int) -> list[T]:
        """``count`` draws by weight in which every option appears at least once when ``count`` allows.

        So a world of a few dozen records still shows every status; the order is shuffled.
        """
        chosen = list(options) if count >= len(options) else []
        chosen += self.rng.choices(list(options), weights=list(options.values()), k=count - len(chosen))
        self.rng.shuffle(chosen)
        return chosen

    def uuid(self) -> str:
        """A random UUID v4 from the seeded stream (ids of nested items, such as invoice lines)."""
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def token(self, length: int = 24) -> str:
        """Random letters and digits, as in Stripe ids (``ch_``, ``po_``)."""
        return "".join(self.rng.choices("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
                                        k=length))

    # --- dates, times and money --------------------------------------------------------------

    def between(self, start: datetime, end: datetime | None = None) -> datetime:
        """A millisecond-precise instant in [start, end] (end defaults to now)."""
        end = end or self.now
        fraction = self.rng.random()  # always one draw: a span that varies with the clock shifts nothing else
        if end <= start:
            return start
        span_ms = int((end - start).total_seconds() * 1000)
        return start + timedelta(milliseconds=int(fraction * (span_ms + 1)))

    def past(self, days: int) -> datetime:
        return self.between(self.now - timedelta(days=days))

    def days_after(self, day: date, low: int, high: int) -> date:
        return day + timedelta(days=self.rng.randint(low, high))

    def day_between(self, first: date, last: date) -> date:
        """A day in [first, last] (``first`` when the range is empty)."""
        return first + timedelta(days=int(self.rng.random() * (max((last - first).days, 0) + 1)))

    def at(self, day: date, hours: tuple[int, int] = (8, 19), *, not_before: datetime | None = None) -> datetime:
        """An instant on ``day`` during ``hours`` (UTC), never in the future nor before ``not_before``.

        On today (or a later day) the window ends now, and starts at midnight when ``hours`` have not
        begun yet: a record of today is written earlier today, not at the very moment of loading.
        """
        start = datetime.combine(day, time(hours[0]), tzinfo=UTC)
        end = start + timedelta(hours=hours[1] - hours[0])
        if end > self.now:
            end = self.now
            start = min(start, datetime.combine(min(day, self.today), time(0), tzinfo=UTC))
        moment = self.between(start, end)
        if not_before is not None and moment < not_before:
            moment = self.between(not_before, min(not_before + timedelta(hours=2), self.now))
        return min(moment, self.now)

    def later(self, moment: datetime, low_days: float, high_days: float) -> datetime:
        """An instant ``low_days``..``high_days`` after ``moment``, never in the future.

        A range that reaches past now is cut at now (not drawn whole and then clamped, which would
        pile records up at the moment of loading).
        """
        end = min(moment + timedelta(days=high_days), self.now)
        return self.between(min(moment + timedelta(days=low_days), end), end)

    def amount(self, low: float, high: float, step: float = 1.0) -> float:
        """A round amount (a multiple of ``step``) between ``low`` and ``high``."""
        steps = self.rng.randint(int(low / step), int(high / step))
        return round(steps * step, 2)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "mail"


def by_client(records: Iterable[Any], field: str = "client_id") -> dict[str, list[Any]]:
    """Records grouped by the client (or other id) they belong to, in their given order."""
    groups: dict[str, list[Any]] = {}
    for record in records:
        groups.setdefault(getattr(record, field), []).append(record)
    return groups


Generator = Callable[[Gen, int], Iterable[dict[str, Any]]]
