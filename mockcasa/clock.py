"""The mock clock: the one source of time for an organization.

Every timestamp and every time-dependent rule (invoice overdue, proposal expiry,
idempotency and rate-limit windows, token expiry) reads ``Clock.now()`` (or its cheap
float twin ``Clock.timestamp()``). By default the clock follows real time; tests and the
admin API freeze, set and advance it::

    org.clock.freeze("2026-05-19T10:00:00Z")   # stop time at an instant
    org.clock.advance("24h")                   # or timedelta(hours=24), or 86400 (seconds)
    org.clock.set(datetime(2026, 6, 1, tzinfo=UTC))
    org.clock.unfreeze(); org.clock.reset()    # flow again; back to real time

Every instant the clock can show is one the API can write: years 0001 to 9999 in UTC. A jump that
would leave that range raises ``ClockRangeError`` (a ``ValueError``) and changes nothing; a running
clock that real time carries past the end stops at the last representable instant.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

Instant = datetime | date | str
Duration = timedelta | str | float
EARLIEST = datetime.min.replace(tzinfo=UTC)
LATEST = datetime.max.replace(tzinfo=UTC)
# Longer than the whole clock range (10,000 years), so any usable jump or delay fits; beyond it a
# duration could not be added to any instant, and timedelta itself overflows past ~2.7 million years.
MAX_DURATION = timedelta(days=3_660_000)


class ClockRangeError(ValueError):
    """A clock operation would move the clock outside years 0001-9999 (UTC); nothing was changed."""


def _real_now() -> datetime:
    return datetime.now(UTC)


class Clock:
    """A clock that follows real time shifted by an offset, or stands frozen at an instant.

    ``listeners`` are called as ``listener(before, after)`` whenever the clock jumps (``set``,
    ``advance``, ``freeze(at)``, ``reset``), so time-driven rules (an invoice becoming overdue, a
    proposal expiring) can react; real time flowing by does not call them. ``run_listeners`` are
    called with no argument whenever the clock stops or starts running (``frozen`` changes), so
    the sandbox's periodic tick can visit only the clocks that run.
    """

    __slots__ = ("_delta", "_frozen_at", "_seconds", "_source", "listeners", "run_listeners")

    def __init__(self, source: Callable[[], datetime] = _real_now) -> None:
        self._source = source
        self._offset = timedelta(0)
        self._frozen_at: datetime | None = None
        self.listeners: list[Callable[[datetime, datetime], None]] = []
        self.run_listeners: list[Callable[[], None]] = []

    @property
    def _offset(self) -> timedelta:
        """How far the clock is from real time while it runs."""
        return self._delta

    @_offset.setter
    def _offset(self, delta: timedelta) -> None:
        self._delta = delta
        # The same in seconds, for ``timestamp``: read on every request (rate limit, journal, keys),
        # where ``total_seconds()`` was a third of its cost.
        self._seconds = delta.total_seconds()

    def _ran(self, was_frozen: bool) -> None:
        if was_frozen != (self._frozen_at is not None):
            for listener in list(self.run_listeners):
                listener()

    def _jumped(self, before: datetime) -> datetime:
        after = self.now()
        for listener in list(self.listeners):
            listener(before, after)
        return after

    def now(self) -> datetime:
        if self._frozen_at is not None:
            return self._frozen_at
        try:
            return self._source() + self._offset
        except OverflowError:  # real time carried a running clock past an end of the range
            return LATEST if self._offset > timedelta(0) else EARLIEST

    def today(self) -> date:
        return self.now().date()

    def timestamp(self) -> float:
        """``now()`` as Unix seconds, without building a datetime on the hot path (rate limits)."""
        if self._frozen_at is not None:
            return self._frozen_at.timestamp()
        if self._source is _real_now:
            now = time.time() + self._seconds
            return now if _FIRST_SECOND <= now <= _LAST_SECOND else min(max(now, _FIRST_SECOND), _LAST_SECOND)
        return self.now().timestamp()

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def freeze(self, at: Instant | None = None) -> datetime:
        """Stop time at ``at`` (datetime, date or ISO 8601 text; default: the current mock instant)."""
        before, was_frozen = self.now(), self._frozen_at is not None
        self._frozen_at = _instant(at) if at is not None else before
        self._ran(was_frozen)
        return self._jumped(before) if at is not None else self._frozen_at

    def unfreeze(self) -> datetime:
        """Let time flow again from the frozen instant."""
        if self._frozen_at is not None:
            self._offset = self._frozen_at - self._source()
            self._frozen_at = None
            self._ran(True)
        return self.now()

    def set(self, at: Instant) -> datetime:
        """Jump to ``at``; a frozen clock stays frozen, a running clock keeps running from there."""
        at = _instant(at)
        before = self.now()  # _instant refused anything outside the range, so this cannot fail
        if self._frozen_at is not None:
            self._frozen_at = at
        else:
            self._offset = at - self._source()
        return self._jumped(before)

    def advance(self, by: Duration) -> datetime:
        """Move forward by ``by`` (negative moves back): a timedelta, seconds, or text like ``"24h"``."""
        if not isinstance(by, timedelta):
            by = parse_duration(by)
        before = self.now()
        try:
            after = before + by  # checked before anything changes
        except OverflowError:
            raise ClockRangeError(f"advancing by {by} would move the clock from {format_timestamp(before)} "
                                  f"outside {RANGE_TEXT}") from None
        if self._frozen_at is not None:
            self._frozen_at = after
        else:
            self._offset += by
        return self._jumped(before)

    def reset(self) -> datetime:
        """Back to real time."""
        before, was_frozen = self.now(), self._frozen_at is not None
        self._offset = timedelta(0)
        self._frozen_at = None
        self._ran(was_frozen)
        return self._jumped(before)

    def state(self) -> dict:
        """The exact clock setting, for snapshots (``restore`` takes it back)."""
        return {"frozenAt": None if self._frozen_at is None else self._frozen_at.isoformat(),
                "offsetMicroseconds": _microseconds(self._offset)}

    def restore(self, state: dict) -> None:
        frozen, was_frozen = state.get("frozenAt"), self._frozen_at is not None
        self._frozen_at = None if frozen is None else _aware(datetime.fromisoformat(frozen))
        self._offset = timedelta(microseconds=state.get("offsetMicroseconds", 0))
        self._ran(was_frozen)

    def describe(self) -> dict:
        return {"now": format_timestamp(self.now()), "frozen": self.frozen,
                "offsetSeconds": None if self.frozen else self._offset.total_seconds()}


RANGE_TEXT = "0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z"
_FIRST_SECOND = EARLIEST.timestamp()
_LAST_SECOND = LATEST.timestamp()


def _microseconds(delta: timedelta) -> int:
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def _aware(at: datetime) -> datetime:
    try:
        return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:00:00-05:00 is year 10000 in UTC
        raise ClockRangeError(f"{at.isoformat()} is outside {RANGE_TEXT}") from None


def _instant(at: Instant) -> datetime:
    """A datetime (naive means UTC), a date (its midnight UTC) or ISO 8601 text of either."""
    if isinstance(at, str):
        try:
            at = datetime.fromisoformat(at.strip())
        except ValueError:
            raise ValueError(f"invalid instant {at!r}: use ISO 8601 like 2026-05-19T10:00:00Z") from None
    if not isinstance(at, datetime):
        at = datetime(at.year, at.month, at.day)
    return _aware(at)


@functools.lru_cache(maxsize=4096)
def format_timestamp(at: datetime) -> str:
    """ISO 8601 UTC with milliseconds, as the real API writes it: 2026-05-19T10:00:00.000Z."""
    # Runs twice for every record served, mostly for the same stored instants again and again
    # (the records of a page someone polls), so the text is cached by instant: a hit costs a dict
    # lookup (datetimes cache their hash), ~50x less than formatting, on a list page ~30 % of
    # mockcasa's own CPU. A pure function of its argument (instants equal across time zones format
    # alike in UTC), so the cache is no shared state; 4,096 entries are about 1 MB.
    # Not strftime: its %Y drops leading zeros for years before 1000 on glibc, and %-formatting
    # is ~3x faster than it (~1.8x faster than an f-string).
    at = at.astimezone(UTC)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (at.year, at.month, at.day, at.hour, at.minute, at.second,  # noqa: UP031 (measured faster)
                                                    at.microsecond // 1000)


_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)?")


def parse_duration(text: str | float) -> timedelta:
    """Parse ``90``, ``"90s"``, ``"250ms"``, ``"15m"``, ``"24h"``, ``"-30d"``, ``"1d12h"`` into a timedelta."""
    if isinstance(text, (int, float)):
        return _bounded(text, text)
    s = text.strip().lower()
    sign = -1 if s.startswith("-") else 1
    s = s.lstrip("+-")
    if not s:
        raise ValueError("empty duration")
    total, position = 0.0, 0
    while position < len(s):
        part = _DURATION_PART.match(s, position)
        if part is None or (part.group(2) is None and part.end() != len(s)):
            raise ValueError(f"invalid duration {text!r}: use forms like 250ms, 90s, 15m, 24h, 30d, 1d12h")
        total += float(part.group(1)) * _UNITS[part.group(2) or "s"]
        position = part.end()
    return _bounded(sign * total, text)


def _bounded(seconds: float, text: object) -> timedelta:
    """A timedelta of ``seconds``; ValueError (never OverflowError) beyond ``MAX_DURATION``."""
    if not abs(seconds) <= MAX_DURATION.total_seconds():  # also refuses inf and nan
        raise ValueError(f"duration {text!r} is too long: at most {MAX_DURATION.days:,} days")
    return timedelta(seconds=seconds)


def later(instant: datetime, by: timedelta) -> datetime:
    """``instant + by``, stopping at the last representable instant instead of overflowing: an
    expiry computed near the end of the clock's range (a token's lifetime) is simply "never"."""
    return instant + by if LATEST - instant > by else LATEST
