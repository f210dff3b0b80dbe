"""A webhook receiver for tests: subscribe, collect what arrives, verify every signature.

It builds on the built-in sink (``/_mockcasa/sink/{name}``, see ``mockcasa.webhooks.sink``): the
subscription's URL is ``http://localhost/_mockcasa/sink/<a name of its own>``, which mockcasa
accepts without ``allow_local_webhooks`` and hands over in-process, so no port and no server of
the test's own are needed. Each receiver subscribes with a secret of its own and checks every
arrival with ``verify_signature``, the same check a partner's receiver makes, against the
organization's mock clock.

``verify_signature`` is exported from ``mockcasa.testing`` for partners' own receivers.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Coroutine, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockcasa.testing.admin import AdminClient
    from mockcasa.testing.client import Client
    from mockcasa.testing.deliveries import InProcessDeliveries
    from mockcasa.testing.live import LiveOrg
    from mockcasa.testing.misuse import NotAwaited

SIGNATURE_HEADER = "x-signature"
TIMESTAMP_HEADER = "x-webhook-timestamp"
DEFAULT_TOLERANCE = 300  # seconds between the delivery's timestamp and now, as Stripe's default


class SignatureError(Exception):
    """A webhook request whose signature does not verify; the message says why."""


def _header(headers: Mapping[str, str] | Iterable[tuple[str, str]], name: str) -> str | None:
    items = headers.items() if isinstance(headers, Mapping) else headers
    for key, value in items:
        if key.lower() == name:
            return value
    return None


def verify_signature(secret: str, headers: Mapping[str, str] | Iterable[tuple[str, str]], body: bytes | str, *,
                     tolerance: float | None = DEFAULT_TOLERANCE, now: datetime | float | None = None) -> Any:
    """Check a delivery as a receiver must, and return its JSON payload; raise ``SignatureError``.

    ``X-Signature`` must be ``sha256=`` + the hex HMAC-SHA256, keyed with ``secret``, of
    ``"{X-Webhook-Timestamp}.{body}"`` over the exact bytes received (compared in constant time);
    and the timestamp must be within ``tolerance`` seconds of ``now`` (default: real time; pass
    the organization's mock clock when it is frozen or moved; ``tolerance=None`` skips the check),
    which is what stops a captured delivery from being replayed later.
    """
    raw = body.encode() if isinstance(body, str) else bytes(body)
    given = _header(headers, SIGNATURE_HEADER)
    timestamp = _header(headers, TIMESTAMP_HEADER)
    if not given:
        raise SignatureError("no X-Signature header (was the webhook created with a secret?)")
    if not timestamp or not timestamp.isdigit():
        raise SignatureError(f"X-Webhook-Timestamp must be Unix seconds, got {timestamp!r}")
    expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + raw, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(given, expected):
        raise SignatureError("X-Signature does not match the body and timestamp with this secret")
    if tolerance is not None:
        current = time.time() if now is None else now.timestamp() if isinstance(now, datetime) else float(now)
        age = current - int(timestamp)
        if abs(age) > tolerance:
            raise SignatureError(f"X-Webhook-Timestamp is {age:+.0f} s from now, beyond the tolerance of "
                                 f"{tolerance} s (a replay, or a receiver that ignores the mock clock?)")
    return json.loads(raw) if raw else None


@dataclass
class Received:
    """One delivery that reached the receiver, its signature verified."""

    event: str
    delivery_id: str | None
    headers: dict[str, str]  # lower-case names
    body: bytes
    payload: Any  # the parsed JSON body: {"id", "event", "createdAt", "data", ...}


def _subscription(name: str, sink: str, events: list[str] | None, secret: str) -> dict[str, Any]:
    from mockcasa.webhooks.events import EVENT_NAMES

    return {"name": name, "url": f"http://localhost/_mockcasa/sink/{sink}", "events": events or list(EVENT_NAMES),
            "secret": secret}


class _Receiver:
    def __init__(self, name: str | None, tolerance: float | None) -> None:
        self.sink = name or "pytest-" + secrets.token_hex(6)
        self.secret = "whsec_" + secrets.token_hex(16)
        self.tolerance = tolerance
        self.webhook: dict[str, Any] | None = None

    def _verified(self, arrivals: list[tuple[dict[str, str], bytes]], now: datetime) -> list[Received]:
        received = []
        for headers, body in arrivals:
            try:
                payload = verify_signature(self.secret, headers, body, tolerance=self.tolerance, now=now)
            except SignatureError as exc:
                raise AssertionError(f"a delivery to sink {self.sink!r} failed verification: {exc}\n"
                                     f"headers: {headers}") from None
            received.append(Received(headers.get("x-webhook-event", ""), headers.get("x-webhook-delivery"),
                                     headers, body, payload))
        return received

    @staticmethod
    def _select(received: list[Received], event: str | None) -> list[Any]:
        return [r.payload for r in received if event is None or r.event == event]


class InProcessReceiver(_Receiver):
    """``await subscribe(["client_created"])``, run your code, then ``await events("client_created")``."""

    def __init__(self, client: Client, app: Any, deliveries: InProcessDeliveries, clock: Any, *,
                 name: str | None = None, tolerance: float | None = DEFAULT_TOLERANCE,
                 not_awaited: NotAwaited | None = None) -> None:
        super().__init__(name, tolerance)
        self._client, self._app, self._deliveries, self._clock = client, app, deliveries, clock
        self._not_awaited = not_awaited

    def subscribe(self, events: list[str] | None = None, *,
                  name: str = "pytest receiver") -> Coroutine[Any, Any, dict[str, Any]]:
        """Create the subscription (every event unless ``events``) through the public API (await it)."""
        coro = self._subscribe(events, name)
        if self._not_awaited is not None:
            self._not_awaited.track(coro, "mockcasa_receiver.subscribe()")
        return coro

    async def _subscribe(self, events: list[str] | None, name: str) -> dict[str, Any]:
        reply = await self._client.post("webhooks", _subscription(name, self.sink, events, self.secret))
        if reply.status != 201:
            raise AssertionError(f"POST webhooks: expected 201, got {reply!r}")
        self.webhook = reply.body
        return reply.body

    async def received(self) -> list[Received]:
        """Everything that arrived, oldest first, each verified (waits for pending deliveries first)."""
        from mockcasa.webhooks.sink import SINKS

        await self._deliveries.drain()
        arrivals = reversed(self._app[SINKS].arrivals(self.sink))
        return self._verified([({k.lower(): v for k, v in a.headers}, a.body) for a in arrivals], self._clock.now())

    async def events(self, event: str | None = None) -> list[Any]:
        """The payloads that arrived (only ``event`` if given), oldest first, each verified."""
        return self._select(await self.received(), event)


class LiveReceiver(_Receiver):
    """The same on the live server, synchronously, through its public and admin APIs."""

    def __init__(self, org: LiveOrg, admin: AdminClient, *, name: str | None = None,
                 tolerance: float | None = DEFAULT_TOLERANCE) -> None:
        super().__init__(name, tolerance)
        self._org, self._admin = org, admin

    def subscribe(self, events: list[str] | None = None, *, name: str = "pytest receiver") -> dict[str, Any]:
        import urllib.request

        body = json.dumps(_subscription(name, self.sink, events, self.secret)).encode()
        request = urllib.request.Request(f"{self._org.api_url}/webhooks", data=body, method="POST",
                                         headers={**self._org.headers, "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as resp:
            self.webhook = json.load(resp)
        return self.webhook

    def received(self) -> list[Received]:
        """Everything that arrived, oldest first, each verified. The sink lists what arrived with its
        headers; the exact bytes signed are the delivery's body in the organization's delivery log."""
        from mockcasa.testing.admin import AdminError

        self._org.deliveries.drain()
        try:
            arrivals = list(reversed(self._admin.get(f"/sinks/{self.sink}")["arrivals"]))
        except AdminError as exc:
            if exc.status != 404:
                raise
            arrivals = []
        sent = {d["id"]: d["body"].encode() for d in self._org.deliveries.list()}
        return self._verified([(a["headers"], sent.get(a["deliveryId"], b"")) for a in arrivals], self._org.clock.now())

    def events(self, event: str | None = None) -> list[Any]:
        return self._select(self.received(), event)
