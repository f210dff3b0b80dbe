"""The mock clock: the one source of time for an organization.

Every timestamp and every time-dependent rule (invoice overdue, proposal expiry,
idempotency and rate-limit windows, token expiry) reads ``Clock.now()`` (or its cheap
float twin ``Clock.timestamp()``). By default the clock follows real time; tests and the
admin API freeze, set and advance it::

    org.clock.freeze("2026-05-19T10:00:00Z")   # stop time at an instant
    org.clock.advance("24h")                   # or timedelta(hours=24), or 86400 (seconds)
    org.clock.set(datetime(2026, 6, 1, tzinfo=UTC))
    org.clock.unfreeze(); org.clock.reset()    # flow again; back to real time
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

Instant = datetime | date | str
Duration = timedelta | str | float


def _real_now() -> datetime:
    return datetime.now(UTC)


class Clock:
    """A clock that follows real time shifted by an offset, or stands frozen at an instant.

    ``listeners`` are called as ``listener(before, after)`` whenever the clock jumps (``set``,
    ``advance``, ``freeze(at)``, ``reset``), so time-driven rules (an invoice becoming overdue, a
    proposal expiring) can react; real time flowing by does not call them.
    """

    __slots__ = ("_frozen_at", "_offset", "_source", "listeners")

    def __init__(self, source: Callable[[], datetime] = _real_now) -> None:
        self._source = source
        self._offset = timedelta(0)
        self._frozen_at: datetime | None = None
        self.listeners: list[Callable[[datetime, datetime], None]] = []

    def _jumped(self, before: datetime) -> datetime:
        after = self.now()
        for listener in list(self.listeners):
            listener(before, after)
        return after

    def now(self) -> datetime:
        if self._frozen_at is not None:
            return self._frozen_at
        return self._source() + self._offset

    def today(self) -> date:
        return self.now().date()

    def timestamp(self) -> float:
        """``now()`` as Unix seconds, without building a datetime on the hot path (rate limits)."""
        if self._frozen_at is not None:
            return self._frozen_at.timestamp()
        if self._source is _real_now:
            return time.time() + self._offset.total_seconds()
        return (self._source() + self._offset).timestamp()

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def freeze(self, at: Instant | None = None) -> datetime:
        """Stop time at ``at`` (datetime, date or ISO 8601 text; default: the current mock instant)."""
        before = self.now()
        self._frozen_at = _instant(at) if at is not None else before
        return self._jumped(before) if at is not None else self._frozen_at

    def unfreeze(self) -> datetime:
        """Let time flow again from the frozen instant."""
        if self._frozen_at is not None:
            self._offset = self._frozen_at - self._source()
            self._frozen_at = None
        return self.now()

    def set(self, at: Instant) -> datetime:
        """Jump to ``at``; a frozen clock stays frozen, a running clock keeps running from there."""
        at = _instant(at)
        before = self.now()
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
        if self._frozen_at is not None:
            self._frozen_at += by
        else:
            self._offset += by
        return self._jumped(before)

    def reset(self) -> datetime:
        """Back to real time."""
        before = self.now()
        self._offset = timedelta(0)
        self._frozen_at = None
        return self._jumped(before)

    def state(self) -> dict:
        """The exact clock setting, for snapshots (``restore`` takes it back)."""
        return {"frozenAt": None if self._frozen_at is None else self._frozen_at.isoformat(),
                "offsetMicroseconds": _microseconds(self._offset)}

    def restore(self, state: dict) -> None:
        frozen = state.get("frozenAt")
        self._frozen_at = None if frozen is None else _aware(datetime.fromisoformat(frozen))
        self._offset = timedelta(microseconds=state.get("offsetMicroseconds", 0))

    def describe(self) -> dict:
        return {"now": format_timestamp(self.now()), "frozen": self.frozen,
                "offsetSeconds": None if self.frozen else self._offset.total_seconds()}


def _microseconds(delta: timedelta) -> int:
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def _aware(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


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


def format_timestamp(at: datetime) -> str:
    """ISO 8601 UTC with milliseconds, as the real API writes it: 2026-05-19T10:00:00.000Z."""
    # Runs twice for every record served. Not strftime: its %Y drops leading zeros for years
    # before 1000 on glibc, and %-formatting is ~3x faster than it (~1.8x faster than an f-string).
    at = at.astimezone(UTC)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (at.year, at.month, at.day, at.hour, at.minute, at.second,  # noqa: UP031 (measured faster)
                                                    at.microsecond // 1000)


_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)?")


def parse_duration(text: str | float) -> timedelta:
    """Parse ``90``, ``"90s"``, ``"250ms"``, ``"15m"``, ``"24h"``, ``"-30d"``, ``"1d12h"`` into a timedelta."""
    if isinstance(text, (int, float)):
        return timedelta(seconds=text)
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
    return timedelta(seconds=sign * total)
