"""Webhook deliveries as a test checks them: in-process (direct) or on a live server (its admin API).

Deliveries happen in the background; wait for them with ``drain()`` (never sleep), then read the
log. Each delivery is described as ``GET /_mockcasa/organizations/{id}/webhook-deliveries`` does:
``id``, ``webhookId``, ``event``, ``eventId``, ``status`` (pending, succeeded, failed, cancelled),
``reason``, ``body``, and every attempt with its request headers (the ``X-Signature``), status
and timing.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from mockcasa.testing.admin import AdminClient
from mockcasa.webhooks.log import log_of

if TYPE_CHECKING:
    from mockcasa.state import Organization
    from mockcasa.testing.misuse import NotAwaited
    from mockcasa.webhooks.worker import Deliveries

Delivery = dict[str, Any]


class InProcessDeliveries:
    """One organization's deliveries in an in-process app. ``await drain()``; the rest is synchronous."""

    def __init__(self, deliveries: Deliveries, org: Organization, not_awaited: NotAwaited | None = None) -> None:
        self._deliveries = deliveries
        self._org = org
        self._not_awaited = not_awaited

    def drain(self, timeout: float = 30.0) -> Coroutine[Any, Any, int]:
        """Wait until nothing is pending (or ``timeout`` seconds); returns how many still are.

        A coroutine to await; the pytest fixture fails the test if it never was."""
        coro = self._deliveries.drain(self._org.id, timeout)
        if self._not_awaited is not None:
            self._not_awaited.track(coro, "mockcasa_deliveries.drain()")
        return coro

    def list(self, *, webhook_id: str | None = None, event: str | None = None, event_id: str | None = None,
             status: str | None = None) -> list[Delivery]:
        """Newest first."""
        found = log_of(self._org).newest_first(webhook_id=webhook_id, event=event, event_id=event_id,
                                               status=status)
        return [delivery.to_json() for delivery in found]

    def get(self, delivery_id: str) -> Delivery:
        delivery = log_of(self._org).get(delivery_id)
        if delivery is None:
            raise KeyError(f"no webhook delivery with id {delivery_id!r}")
        return delivery.to_json()

    def redeliver(self, delivery_id: str) -> Delivery:
        return self._deliveries.redeliver(self._org, delivery_id).to_json()


class LiveDeliveries:
    """One organization's deliveries on a live server, through its admin API (``drain()`` blocks)."""

    def __init__(self, admin: AdminClient, organization_id: str) -> None:
        self._admin = admin
        self._base = f"/organizations/{organization_id}"

    def drain(self, timeout: float = 30.0) -> int:
        return self._admin.post(self._base + "/webhooks/drain", timeout=timeout)["pending"]

    def list(self, *, webhook_id: str | None = None, event: str | None = None, event_id: str | None = None,
             status: str | None = None) -> list[Delivery]:
        return self._admin.get(self._base + "/webhook-deliveries", webhookId=webhook_id, event=event,
                               eventId=event_id, status=status)["data"]

    def get(self, delivery_id: str) -> Delivery:
        return self._admin.get(f"{self._base}/webhook-deliveries/{delivery_id}")

    def redeliver(self, delivery_id: str) -> Delivery:
        return self._admin.post(f"{self._base}/webhook-deliveries/{delivery_id}/redeliver")
