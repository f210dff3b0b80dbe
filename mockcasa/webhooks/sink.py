"""The built-in webhook sink: a receiver on mockcasa's own address that keeps what arrives.

A demo or a test needs somewhere for deliveries to go. ``POST /_mockcasa/sink/{name}`` (no token:
a webhook sender has none) stores the request and answers 200; a subscription whose URL is a
loopback URL with that path (``http://localhost/_mockcasa/sink/crm``, whatever the port) is
accepted without ``--allow-local-webhooks``, and its deliveries are handed to the sink in-process
(``Deliveries.sinks``), never through the network. Each arrival says whether its ``X-Signature``
verifies with the secret of the subscription that sent it (found through ``X-Webhook-Delivery``
in the delivery logs): ``verified``, ``invalid``, ``unsigned`` (no signature, no secret) or
``unknown`` (not a delivery of this server).

Bounded, since anyone may post: ``MAX_SINKS`` names (the least recently used is forgotten),
``KEEP`` arrivals each, bodies cut to ``BODY_KEEP`` bytes. Read them with the admin token:
``GET /_mockcasa/sinks``, ``GET /_mockcasa/sinks/{name}?after=``, ``DELETE /_mockcasa/sinks/{name}``.
"""

from __future__ import annotations

import json
from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web

from mockcasa.admin.common import AdminRoute, reply
from mockcasa.clock import Clock, format_timestamp
from mockcasa.errors import Invalid, NotFound
from mockcasa.keys import SANDBOX
from mockcasa.webhooks.signing import verify
from mockcasa.webhooks.targets import SINK_NAME
from mockcasa.webhooks.worker import DELIVERIES

if TYPE_CHECKING:
    from mockcasa.state import Sandbox

MAX_SINKS = 50
KEEP = 200
BODY_KEEP = 64 * 1024
VERIFIED, INVALID, UNSIGNED, UNKNOWN = "verified", "invalid", "unsigned", "unknown"


@dataclass(slots=True)
class Arrival:
    id: int
    sink: str
    at: datetime  # the sending organization's mock clock; real time when the sender is unknown
    headers: tuple[tuple[str, str], ...]
    body: bytes
    size: int
    signature: str
    organization_id: str | None = None
    webhook_id: str | None = None
    delivery_id: str | None = None
    event: str | None = None

    def to_json(self) -> dict[str, Any]:
        text = self.body.decode("utf-8", errors="replace")
        try:
            body: Any = json.loads(text)
        except ValueError:
            body = text
        return {"id": self.id, "sink": self.sink, "at": format_timestamp(self.at), "signature": self.signature,
                "organizationId": self.organization_id, "webhookId": self.webhook_id,
                "deliveryId": self.delivery_id, "event": self.event,
                "headers": {name.lower(): value for name, value in self.headers}, "body": body,
                "truncated": self.size > len(self.body), "size": self.size}


class Sinks:
    """Every sink of one app, by name, each keeping its latest arrivals."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.clock = Clock()
        self._sinks: OrderedDict[str, deque[Arrival]] = OrderedDict()
        self._next_id = 1

    def names(self) -> list[str]:
        return list(self._sinks)

    def arrivals(self, name: str, after: int = 0) -> list[Arrival]:
        """Newest first."""
        return [a for a in reversed(self._sinks.get(name, ())) if a.id > after]

    def forget(self, name: str) -> bool:
        return self._sinks.pop(name, None) is not None

    def receive(self, name: str, headers: dict[str, str], body: bytes) -> Arrival:
        """Store one request that arrived at sink ``name``, checking its signature."""
        get = {k.lower(): v for k, v in headers.items()}.get
        delivery_id = get("x-webhook-delivery")
        org, delivery, webhook = self._sender(delivery_id)
        signature = self._check(webhook, get("x-webhook-timestamp"), body, get("x-signature"))
        arrival = Arrival(self._next_id, name, (org.clock if org else self.clock).now(), tuple(headers.items()),
                          body[:BODY_KEEP], len(body), signature,
                          org.id if org else None, delivery.webhook_id if delivery else None,
                          delivery_id if delivery else None, get("x-webhook-event"))
        self._next_id += 1
        kept = self._sinks.get(name)
        if kept is None:
            kept = self._sinks[name] = deque(maxlen=KEEP)
            while len(self._sinks) > MAX_SINKS:
                self._sinks.popitem(last=False)
        self._sinks.move_to_end(name)
        kept.append(arrival)
        return arrival

    def deliver(self, name: str, headers: dict[str, str], body: bytes) -> tuple[int, str]:
        """A delivery handed over in-process: (status, response body), as the HTTP route answers."""
        return 200, json.dumps(_receipt(self.receive(name, headers, body)))

    def _sender(self, delivery_id: str | None):
        if not delivery_id:
            return None, None, None
        for org in self.sandbox.organizations.values():
            delivery = org.webhook_deliveries.get(delivery_id)
            if delivery is not None:
                return org, delivery, org["webhooks"].get(delivery.webhook_id)
        return None, None, None

    @staticmethod
    def _check(webhook, timestamp: str | None, body: bytes, header: str | None) -> str:
        if webhook is None:
            return UNKNOWN
        secret = getattr(webhook, "secret", None)
        if not secret:
            return UNSIGNED if not header else INVALID
        return VERIFIED if verify(secret, timestamp or "", body, header) else INVALID


def _receipt(arrival: Arrival) -> dict[str, Any]:
    return {"received": arrival.id, "sink": arrival.sink, "signature": arrival.signature}


SINKS: web.AppKey[Sinks] = web.AppKey("webhook_sinks", Sinks)


def _name(request: web.Request) -> str:
    name = request.match_info["name"]
    if not SINK_NAME.fullmatch(name):
        raise Invalid("A sink name is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.",
                      {"name": "must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}"})
    return name


async def receive(request: web.Request) -> web.Response:
    arrival = request.config_dict[SINKS].receive(_name(request), dict(request.headers), await request.read())
    return reply(_receipt(arrival))


async def list_sinks(request: web.Request) -> web.Response:
    sinks = request.config_dict[SINKS]
    return reply({"sinks": [{"name": name, "count": len(sinks.arrivals(name))} for name in sinks.names()]})


async def read_sink(request: web.Request) -> web.Response:
    after = request.query.get("after", "0")
    if not after.isdigit():
        raise Invalid("Query parameter 'after' must be an arrival id.", {"after": "must be a non-negative integer"})
    arrivals = request.config_dict[SINKS].arrivals(_name(request), int(after))
    return reply({"arrivals": [a.to_json() for a in arrivals]})


async def forget_sink(request: web.Request) -> web.Response:
    if not request.config_dict[SINKS].forget(_name(request)):
        raise NotFound(f"No sink named {request.match_info['name']!r} has received anything.")
    return web.Response(status=204)


def setup_sinks(app: web.Application) -> Sinks:
    """Give the app its sinks and hand them to the delivery worker (after ``webhooks.worker.install``)."""
    sinks = app[SINKS] = Sinks(app[SANDBOX])
    app[DELIVERIES].sinks = sinks
    return sinks


ROUTES = [
    AdminRoute("POST", "/sink/{name}", receive, "The built-in webhook sink: stores what arrives (no token)",
               body="object", auth=False, tag="Webhook sink"),
    AdminRoute("GET", "/sinks", list_sinks, "Sinks that received something, with their counts", tag="Webhook sink"),
    AdminRoute("GET", "/sinks/{name}", read_sink, "What a sink received, newest first, with signature checks",
               query=("after",), tag="Webhook sink"),
    AdminRoute("DELETE", "/sinks/{name}", forget_sink, "Forget what a sink received", 204, tag="Webhook sink"),
]
