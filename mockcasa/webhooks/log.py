"""The delivery log of an organization: every delivery, each of its attempts, and their outcome.

It is a declared piece of the organization's state (``Organization.webhook_deliveries``), so it
belongs to the organization: reset, exported and imported with it, never seen by another one.
Pending deliveries carry their attempts so far and when the next is due, so a snapshot taken
mid-retry resumes where it stopped. Deliveries are kept newest last; beyond ``LOG_LIMIT`` the
oldest finished ones are dropped, so a long-running demo server does not grow without bound.
Pending deliveries are never dropped (and are not walked past on every add: see
``DeliveryLog.add``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from mockcasa.clock import format_timestamp
from mockcasa.models.common import new_id

if TYPE_CHECKING:
    from mockcasa.state.declare import Loading

LOG_LIMIT = 1000
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
    next_attempt_at: datetime | None = None  # on the organization's clock, while waiting for a retry

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
                "nextAttemptAt": format_timestamp(self.next_attempt_at) if self.next_attempt_at else None,
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


    # -- declared state (see mockcasa.state.organization)

    def copy(self) -> DeliveryLog:
        """A copy sharing the deliveries (the worker records attempts on them while they are pending)."""
        clone = DeliveryLog(self.limit)
        clone._deliveries = dict(self._deliveries)
        return clone

    def dump(self) -> list[dict[str, Any]]:
        """Oldest first, every field at full precision (unlike ``to_json``, which is the admin view)."""
        return [_dump_delivery(d) for d in self._deliveries.values()]

    @classmethod
    def load(cls, data: list[DeliveryData], loading: Loading) -> DeliveryLog:
        log = cls()
        for i, item in enumerate(data):
            if item.id in log._deliveries:
                loading.problem((i, "id"), "another delivery has this id")
                continue
            values = item.model_dump(exclude={"attempts", "body"})
            attempts = [Attempt(**a.model_dump()) for a in item.attempts]
            log._deliveries[item.id] = Delivery(**values, body=item.body.encode(), attempts=attempts)
        return log


def _at(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _dump_delivery(d: Delivery) -> dict[str, Any]:
    return {"id": d.id, "organizationId": d.organization_id, "webhookId": d.webhook_id, "eventId": d.event_id,
            "event": d.event, "body": d.body.decode(), "createdAt": _at(d.created_at),
            "redeliveryOf": d.redelivery_of, "status": d.status, "completedAt": _at(d.completed_at),
            "reason": d.reason, "nextAttemptAt": _at(d.next_attempt_at),
            "attempts": [{"number": a.number, "at": _at(a.at), "url": a.url, "headers": a.headers,
                          "durationMs": a.duration_ms, "status": a.status, "error": a.error,
                          "responseBody": a.response_body} for a in d.attempts]}


class _Data(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", defer_build=True)


class AttemptData(_Data):
    number: int
    at: datetime
    url: str
    headers: dict[str, str]
    duration_ms: float = 0.0
    status: int | None = None
    error: str | None = None
    response_body: str | None = None


class DeliveryData(_Data):
    id: str
    organization_id: str
    webhook_id: str
    event_id: str
    event: str
    body: str
    created_at: datetime
    redelivery_of: str | None = None
    status: str = Field(pattern=f"^({PENDING}|{SUCCEEDED}|{FAILED}|{CANCELLED})$")
    completed_at: datetime | None = None
    reason: str | None = None
    next_attempt_at: datetime | None = None
    attempts: list[AttemptData] = Field(default_factory=list)


class _HasDeliveries(Protocol):  # an Organization (named so, the log need not import the state it is part of)
    webhook_deliveries: DeliveryLog


def log_of(org: _HasDeliveries) -> DeliveryLog:
    return org.webhook_deliveries
