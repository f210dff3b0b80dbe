"""A partner's view of one organization: a real receiver subscribed to every event, driven over HTTP.

``Flow`` drives the public API (``api``) and the admin API (``admin``: dashboard actions, clock)
and reads what the receiver got since the last look (waiting through the admin drain route, never
sleeping). Tests compare each delivered ``data`` with the record as ``GET`` returns it at that
moment; the organization's clock is frozen so nothing but the test moves a record.
"""

from __future__ import annotations

from typing import Any

from mockcasa.webhooks.events import EVENT_NAMES
from tests.support.admin import Admin
from tests.support.api import Api, Reply
from tests.support.receiver import Receiver

START = "2026-05-19T10:00:00Z"
LINE = {"description": "Design", "quantity": 10, "unitPrice": 100}  # 1000.00, no tax


class Flow:
    def __init__(self, api: Api, admin: Admin, receiver: Receiver) -> None:
        self.api, self.admin, self.receiver = api, admin, receiver
        self.org_id = api.org.id
        self._seen = 0

    async def start(self, at: str = START) -> Flow:
        """Freeze the clock at ``at`` and subscribe to every event of the contract's enum."""
        await self.clock("freeze", at=at)
        await self.api.create("webhooks", name="everything", url=self.receiver.url(), events=list(EVENT_NAMES))
        return self

    async def received(self) -> list[tuple[str, Any]]:
        """``(event, data)`` delivered since the last call, in order; checks each envelope on the way."""
        reply = await self.admin.post(f"/organizations/{self.org_id}/webhooks/drain")
        assert reply.body["drained"] is True, reply
        new = self.receiver.requests[self._seen:]
        self._seen = len(self.receiver.requests)
        out = []
        for request in new:
            body = request.json
            assert body["organizationId"] == self.org_id
            assert request.headers["X-Webhook-Event"] == body["type"]
            out.append((body["type"], body["data"]))
        return out

    async def get(self, resource: str, record_id: str) -> dict:
        reply = await self.api.get(f"{resource}/{record_id}")
        assert reply.status == 200, reply
        return reply.body

    async def patch(self, resource: str, record_id: str, **fields: Any) -> dict:
        reply = await self.api.patch(f"{resource}/{record_id}", fields)
        assert reply.status == 200, reply
        return reply.body

    async def act(self, resource: str, record_id: str, action: str, params: dict | None = None) -> Reply:
        """Run a dashboard action through the admin API; insists on success."""
        reply = await self.admin.post(f"/organizations/{self.org_id}/{resource}/{record_id}/actions/{action}",
                                      params)
        assert reply.status == 200, reply
        return reply

    async def clock(self, op: str, **body: Any) -> dict:
        reply = await self.admin.post(f"/organizations/{self.org_id}/clock/{op}", body or None)
        assert reply.status == 200, reply
        return reply.body

    async def seed(self, records: dict[str, list[dict]]) -> None:
        reply = await self.admin.post(f"/organizations/{self.org_id}/seed", {"records": records})
        assert reply.status == 200, reply

    async def invoice(self, client_id: str, **fields: Any) -> dict:
        return await self.api.create("invoices", clientId=client_id, lineItems=[LINE], **fields)

    async def pay(self, invoice: dict, amount: float, **fields: Any) -> dict:
        return await self.api.create("payments", clientId=invoice["clientId"], invoiceId=invoice["id"],
                                     amount=amount, receivedDate="2026-05-19", method="check", **fields)
