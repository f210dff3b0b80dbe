"""The events organizations published lately, so the console can say what a clock move did.

A sandbox listener keeps the last ``KEEP`` events (name, resource, record id and label) with a
sequence number; the id and label are worked out from the record when the console reads them, not
on every write. The clock panel notes the sequence before it moves the clock through the admin
API and asks for what came after: invoices that turned overdue, proposals that expired, every
event emitted. Events are published whether or not a webhook listens, so nothing is missed.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from mockcasa.console.records import LABEL_FIELDS

KEEP = 1000


@dataclass(slots=True)
class Happened:
    seq: int
    organization_id: str
    event: str
    resource: str
    record: Any  # the version the event named (stored records are never changed in place)

    @property
    def record_id(self) -> str:
        return str(getattr(self.record, "id", ""))

    @property
    def label(self) -> str:
        """Worked out when the console reads it: every write publishes, the console reads seldom."""
        return _label(self.record)

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "event": self.event, "resource": self.resource, "id": self.record_id,
                "label": self.label}


def _label(record: Any) -> str:
    for name in LABEL_FIELDS:
        value = getattr(record, name, None)
        if isinstance(value, str) and value:
            return value
    return str(getattr(record, "id", ""))[:8]


class Activity:
    def __init__(self) -> None:
        self.events: deque[Happened] = deque(maxlen=KEEP)
        self.last = 0

    def __call__(self, org, events: list) -> None:
        """The sandbox listener: ``events`` are ``(name, (resource, record))``."""
        for event, (resource, record) in events:
            self.last += 1
            self.events.append(Happened(self.last, org.id, event, resource, record))

    def since(self, organization_id: str, after: int) -> list[Happened]:
        return [h for h in self.events if h.seq > after and h.organization_id == organization_id]


ACTIVITY: web.AppKey[Activity] = web.AppKey("console_activity", Activity)
