"""Driving dashboard actions through the admin API, as a partner's test would."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mockcasa.webhooks.events import CATALOGUE
from tests.support.admin import Admin
from tests.support.api import Api, Reply

FROZEN_AT = datetime(2026, 5, 19, 10, 0, tzinfo=UTC)  # the dashboard tests' clock (see conftest)
NOW = "2026-05-19T10:00:00.000Z"  # FROZEN_AT as the API serves it
TODAY = "2026-05-19"
UNKNOWN = "00000000-0000-4000-8000-00000000dead"


class Dashboard:
    """The admin API's actions on one organization, and the webhook events it published."""

    def __init__(self, admin: Admin, api: Api) -> None:
        self.admin = admin
        self.api = api
        self.events: list[tuple[str, str]] = []  # (event, record id), in publication order
        self.last: list[tuple[str, str]] = []  # what the latest action published

    def record(self, org: Any, batch: list) -> None:
        if org.id == self.api.org.id:
            self.events.extend((event, payload[1].id) for event, payload in batch)
        documented = {e.name: e.resource for e in CATALOGUE if e.trigger}
        for event, (resource, _) in batch:  # what docs/webhooks.md promises
            assert documented.get(event) == resource, f"{event} on {resource} is not in the catalogue"

    def names(self) -> list[str]:
        """The events the latest action published."""
        return [event for event, _ in self.last]

    async def act(self, resource: str, record_id: str, action: str, params: dict | None = None) -> Reply:
        return await self.admin.post(f"/organizations/{self.api.org.id}/{resource}/{record_id}/actions/{action}",
                                     params)

    async def create(self, resource: str, action: str, params: dict | None = None) -> Reply:
        return await self.admin.post(f"/organizations/{self.api.org.id}/{resource}/actions/{action}", params)

    async def ok(self, resource: str, record_id: str, action: str, params: dict | None = None) -> dict:
        """Run a record action that must succeed; checks the answer is what the public API now shows."""
        published = len(self.events)
        reply = await self.act(resource, record_id, action, params)
        assert reply.status == 200, reply
        return await self._shown(reply, resource, published)

    async def made(self, resource: str, action: str, params: dict | None = None) -> dict:
        """Run a collection action that must create a record (201, as the public API then shows it)."""
        published = len(self.events)
        reply = await self.create(resource, action, params)
        assert reply.status == 201, reply
        return await self._shown(reply, resource, published)

    async def _shown(self, reply: Reply, resource: str, published: int) -> dict:
        self.last = self.events[published:]
        # The answer is a record of the resource (the acted-on one, or a refund of a payment...).
        assert reply.body == (await self.api.get(f"{resource}/{reply.body['id']}")).body
        return reply.body

    async def refused(self, status: int, resource: str, record_id: str | None, action: str,
                      params: dict | None = None) -> dict:
        """Run an action that must be refused: the envelope, and nothing changed or published."""
        before, published = await self.state(), len(self.events)
        if record_id is None:
            reply = await self.create(resource, action, params)
        else:
            reply = await self.act(resource, record_id, action, params)
        assert reply.status == status, reply
        code = {400: "invalid_request", 404: "not_found", 409: "conflict"}[status]
        assert reply.error["code"] == code and reply.error["message"] and reply.error["requestId"]
        assert reply.headers["X-Request-Id"] == reply.error["requestId"]
        assert await self.state() == before, "a refused action changed the state"
        assert len(self.events) == published, "a refused action published events"
        return reply.error

    async def state(self) -> dict:
        snapshot = await self.admin.get("/snapshot")
        assert snapshot.status == 200
        return snapshot.body
