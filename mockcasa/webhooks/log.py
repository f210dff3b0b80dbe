"""The delivery log of an organization: every delivery, each of its attempts, and their outcome.

It lives in ``Organization.extras`` so it belongs to the organization (reset with it, never seen
by another one). Deliveries are kept newest last; beyond ``LOG_LIMIT`` the oldest finished ones
are dropped, so a long-running demo server does not grow without bound. Pending deliveries are
never dropped (and are not walked past on every add: see ``DeliveryLog.add``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mockcasa.clock import format_timestamp
from mockcasa.models.common import new_id

if TYPE_CHECKING:
    from mockcasa.state import Organization

LOG_LIMIT = 1000
EXTRAS_KEY = "webhook_deliveries"
RESPONSE_KEEP = 2048  # characters of a receiver's answer worth keeping in the log

PENDING, SUCCEEDED, FAILED, CANCELLED = "pending", "succeeded", "failed", "cancelled"


@dataclass
class Attempt:
    number: int
    at: datetime  # the organization's mock clock when the request was sent
    url: str
    headers: dict[str, str]
    duration_ms: float = 0.0
    status: int | None = None  # the receiver's HTTP status; None when there was no answer
    error: str | None = None  # timeout, connection error, blocked target, non-2xx
    response_body: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def to_json(self) -> dict[str, Any]:
        return {"number": self.number, "at": format_timestamp(self.at), "url": self.url,
                "requestHeaders": self.headers, "durationMs": round(self.duration_ms, 3),
                "status": self.status, "error": self.error, "responseBody": self.response_body}


@dataclass
class Delivery:
    """One event on its way to one subscription (retries are attempts of the same delivery)."""

    organization_id: str
    webhook_id: str
    event_id: str
    event: str
    body: bytes
    created_at: datetime
    redelivery_of: str | None = None
    id: str = field(default_factory=new_id)
    status: str = PENDING
    completed_at: datetime | None = None
    reason: str | None = None  # why it failed or was cancelled
    attempts: list[Attempt] = field(default_factory=list)

    def finish(self, status: str, at: datetime, reason: str | None = None) -> None:
        self.status = status
        self.completed_at = at
        self.reason = reason

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "organizationId": self.organization_id, "webhookId": self.webhook_id,
                "eventId": self.event_id, "event": self.event, "status": self.status,
                "createdAt": format_timestamp(self.created_at),
                "completedAt": format_timestamp(self.completed_at) if self.completed_at else None,
                "reason": self.reason, "redeliveryOf": self.redelivery_of, "body": self.body.decode(),
                "attempts": [a.to_json() for a in self.attempts]}


class DeliveryLog:
    def __init__(self, limit: int = LOG_LIMIT) -> None:
        self.limit = limit
        self._deliveries: dict[str, Delivery] = {}
        self._trim_at = 0  # the size at which ``add`` next looks for finished deliveries to drop

    def __len__(self) -> int:
        return len(self._deliveries)

    def add(self, delivery: Delivery) -> None:
        self._deliveries[delivery.id] = delivery
        excess = len(self._deliveries) - self.limit
        if excess <= 0 or len(self._deliveries) < self._trim_at:
            return
        # Oldest first, stopping once enough finished ones are found: usually the first few.
        dropped, walked = [], 0
        for d in self._deliveries.values():
            walked += 1
            if d.status != PENDING:
                dropped.append(d.id)
                if len(dropped) == excess:
                    break
        for delivery_id in dropped:
            del self._deliveries[delivery_id]
        # Pending deliveries cannot be dropped. When many of them had to be walked past (a slow
        # receiver), look again only after the log grew by an eighth of that walk: adding stays O(1)
        # amortized, and the log exceeds its limit by at most an eighth.
        self._trim_at = len(self._deliveries) + walked // 8

    def get(self, delivery_id: str) -> Delivery | None:
        return self._deliveries.get(delivery_id)

    def newest_first(self, *, webhook_id: str | None = None, event: str | None = None,
                     event_id: str | None = None, status: str | None = None) -> list[Delivery]:
        wanted = {"webhook_id": webhook_id, "event": event, "event_id": event_id, "status": status}
        return [d for d in reversed(self._deliveries.values())
                if all(v is None or getattr(d, k) == v for k, v in wanted.items())]


def log_of(org: Organization) -> DeliveryLog:
    log = org.extras.get(EXTRAS_KEY)
    if log is None:
        log = org.extras[EXTRAS_KEY] = DeliveryLog()
    return log
