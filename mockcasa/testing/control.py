"""What a test may do to its organization besides calling the API.

Here: the organization's mock clock and the webhook events it published. Every clock operation
goes through ``run`` so the same objects drive an in-process app (``run`` calls directly) and the
live server (``run`` hops onto the server's thread). Faults, the request journal and webhook
deliveries have their own modules, each with an in-process and a live (admin API) flavour.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from mockcasa.clock import Clock

Runner = Callable[..., Any]


def call_directly(fn: Callable[..., Any], *args: Any) -> Any:
    return fn(*args)


class ClockControl:
    """The organization's mock clock, as a test drives it. Each call returns the new mock ``now``."""

    def __init__(self, clock: Clock, run: Runner = call_directly) -> None:
        self._clock = clock
        self._run = run

    def now(self) -> datetime:
        return self._run(self._clock.now)

    def today(self) -> date:
        return self._run(self._clock.today)

    def freeze(self, at: datetime | date | str | None = None) -> datetime:
        """Stop time (at ``at``, default the current mock instant)."""
        return self._run(self._clock.freeze, at)

    def set(self, at: datetime | date | str) -> datetime:
        """Jump to ``at``; a frozen clock stays frozen."""
        return self._run(self._clock.set, at)

    def advance(self, by: timedelta | float | str) -> datetime:
        return self._run(self._clock.advance, by)

    def unfreeze(self) -> datetime:
        return self._run(self._clock.unfreeze)

    def reset(self) -> datetime:
        """Back to real time."""
        return self._run(self._clock.reset)


class EventLog:
    """Webhook events one organization published, in order, as ``(event, payload)`` pairs.

    These are what the webhook worker delivers; ``sandbox.listeners`` feeds it.
    """

    def __init__(self, organization_id: str) -> None:
        self.organization_id = organization_id
        self.events: list[tuple[str, Any]] = []

    def __call__(self, org: Any, events: list) -> None:
        if org.id == self.organization_id:
            self.events.extend(events)

    def names(self) -> list[str]:
        return [name for name, _ in self.events]

    def payloads(self, name: str) -> list[Any]:
        return [payload for event, payload in self.events if event == name]

    def clear(self) -> None:
        self.events.clear()
