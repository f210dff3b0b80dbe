"""Deliveries to a real receiver on loopback: payload, headers, signatures, filtering, retries, order."""

import hashlib
import hmac
import json
import re
from datetime import UTC, datetime

from mockcasa.webhooks.signing import verify
from tests.support.admin import admin_of

SECRET = "whsec_0123456789abcdef"
NOON = datetime(2026, 5, 19, 10, 0, tzinfo=UTC)


def hmac_hex(secret: str, timestamp: str, body: bytes) -> str:
    """The contract's formula, computed independently of mockcasa's signer."""
    return hmac.new(secret.encode(), f"{timestamp}.{body.decode()}".encode(), hashlib.sha256).hexdigest()


async def subscribe(api, receiver, path="/hook", **fields) -> dict:
    body = {"name": "test", "url": receiver.url(path), "events": ["client_created"], **fields}
    return await api.create("webhooks", **body)


async def test_payload_headers_and_signature(api, org, receiver, deliveries):
    org.clock.freeze(NOON)
    hook = await subscribe(api, receiver, secret=SECRET)
    client = await api.create("clients", name="Acme")
    assert await deliveries.drain() == 0
    [request] = receiver.requests
    headers, body = request.headers, request.body
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Webhook-Event"] == "client_created"
    assert headers["X-Webhook-Timestamp"] == str(int(NOON.timestamp())) == "1779184800"
    assert re.fullmatch(r"[0-9a-f-]{36}", headers["X-Webhook-Delivery"])
    payload = json.loads(body)
    assert set(payload) == {"id", "type", "timestamp", "organizationId", "data"}
    assert payload["type"] == "client_created" and payload["organizationId"] == org.id
    assert payload["timestamp"] == "2026-05-19T10:00:00.000Z"
    assert payload["data"] == client  # the resource exactly as the API returned it
    assert headers["X-Signature"] == "sha256=" + hmac_hex(SECRET, headers["X-Webhook-Timestamp"], body)
    assert verify(SECRET, headers["X-Webhook-Timestamp"], body, headers["X-Signature"])
    assert not verify("another-secret-0000", headers["X-Webhook-Timestamp"], body, headers["X-Signature"])
    assert not verify(SECRET, "1779184801", body, headers["X-Signature"])
    after = (await api.get(f"webhooks/{hook['id']}")).body
    assert after["lastTriggered"] == "2026-05-19T10:00:00.000Z"
    assert after["lastStatus"] == 200 and after["consecutiveFailures"] == 0


async def test_no_signature_without_a_secret(api, receiver, deliveries):
    await subscribe(api, receiver)
    await api.create("clients", name="Acme")
    await deliveries.drain()
    [request] = receiver.requests
    assert "X-Signature" not in request.headers and request.headers["X-Webhook-Event"] == "client_created"


async def test_secret_rotation_and_removal(api, receiver, deliveries):
    hook = await subscribe(api, receiver, secret=SECRET)
    await api.create("clients", name="One")
    await deliveries.drain()
    rotated = "rotated-secret-98765"
    assert (await api.patch(f"webhooks/{hook['id']}", {"secret": rotated})).status == 200
    await api.create("clients", name="Two")
    await deliveries.drain()
    assert (await api.patch(f"webhooks/{hook['id']}", {"secret": None})).status == 200
    await api.create("clients", name="Three")
    await deliveries.drain()
    first, second, third = receiver.requests

    def signed_with(request, secret):
        return verify(secret, request.headers["X-Webhook-Timestamp"], request.body, request.headers["X-Signature"])

    assert signed_with(first, SECRET) and not signed_with(first, rotated)
    assert signed_with(second, rotated) and not signed_with(second, SECRET)
    assert "X-Signature" not in third.headers


async def test_disabled_webhooks_and_unsubscribed_events_get_nothing(api, app, org, receiver, deliveries):
    await subscribe(api, receiver, "/disabled", enabled=False)
    await subscribe(api, receiver, "/contacts", events=["contact_created"])
    later_disabled = await subscribe(api, receiver, "/later")
    await api.patch(f"webhooks/{later_disabled['id']}", {"enabled": False})
    client = await api.create("clients", name="Acme")
    await deliveries.drain()
    assert receiver.requests == []
    await api.create("contacts", name="Ada", clientId=client["id"])
    await deliveries.drain()
    assert [r.path for r in receiver.requests] == ["/contacts"]
    assert receiver.requests[0].json["type"] == "contact_created"


async def test_every_subscriber_gets_its_own_delivery_and_other_orgs_get_nothing(
        api, other_api, receiver, deliveries):
    await subscribe(api, receiver, "/a", events=["project_created", "client_created"])
    await subscribe(api, receiver, "/b")
    await subscribe(other_api, receiver, "/other")
    await api.create("clients", name="Acme")
    await deliveries.drain()
    a, b = receiver.at("/a"), receiver.at("/b")
    assert len(a) == len(b) == 1 and receiver.at("/other") == []
    assert a[0].body == b[0].body  # one event, rendered once
    assert a[0].headers["X-Webhook-Delivery"] != b[0].headers["X-Webhook-Delivery"]


async def test_retries_then_success(admin, api, org, receiver, deliveries):
    hook = await subscribe(api, receiver, secret=SECRET)
    receiver.answer(500, 503)
    await api.create("clients", name="Acme")
    await deliveries.drain()
    assert len(receiver.requests) == 3
    assert len({r.headers["X-Webhook-Delivery"] for r in receiver.requests}) == 1
    assert len({r.body for r in receiver.requests}) == 1
    after = (await api.get(f"webhooks/{hook['id']}")).body
    assert after["lastStatus"] == 200 and after["consecutiveFailures"] == 0
    [delivery] = (await admin.get(f"/organizations/{org.id}/webhook-deliveries")).body["data"]
    assert delivery["status"] == "succeeded" and delivery["webhookId"] == hook["id"]
    assert [a["status"] for a in delivery["attempts"]] == [500, 503, 200]
    assert delivery["attempts"][0]["error"] == "the receiver answered 500"
    assert delivery["body"].encode() == receiver.requests[0].body
    assert all(a["durationMs"] >= 0 and a["at"].endswith("Z") for a in delivery["attempts"])


async def test_failures_are_counted(api, receiver, deliveries):
    hook = await subscribe(api, receiver)
    receiver.answer(*[500] * 6)
    await api.create("clients", name="One")
    await deliveries.drain()
    after = (await api.get(f"webhooks/{hook['id']}")).body
    assert len(receiver.requests) == 3  # webhook_attempts in these tests
    assert after["lastStatus"] == 500 and after["consecutiveFailures"] == 3 and after["enabled"] is True
    await api.create("clients", name="Two")
    await deliveries.drain()
    assert (await api.get(f"webhooks/{hook['id']}")).body["consecutiveFailures"] == 6
    await api.create("clients", name="Three")
    await deliveries.drain()
    assert (await api.get(f"webhooks/{hook['id']}")).body["consecutiveFailures"] == 0


async def test_connection_errors_fail_attempts(api, receiver, deliveries, unused_tcp_port):
    hook = await api.create("webhooks", name="gone", url=f"http://127.0.0.1:{unused_tcp_port}/hook",
                            events=["client_created"])
    await api.create("clients", name="Acme")
    await deliveries.drain()
    after = (await api.get(f"webhooks/{hook['id']}")).body
    assert after["lastStatus"] is None and after["lastTriggered"] is not None
    assert after["consecutiveFailures"] == 3


async def test_ordered_per_subscription(api, receiver, deliveries):
    await subscribe(api, receiver, "/slow")
    await subscribe(api, receiver, "/fast", events=["client_created"])
    receiver.answer(500, 500)  # the first event needs three attempts on whichever comes first
    names = [f"client {i}" for i in range(6)]
    for name in names:
        await api.create("clients", name=name)
    await deliveries.drain()
    for path in ("/slow", "/fast"):
        seen = [r.json["data"]["name"] for r in receiver.at(path)]
        assert list(dict.fromkeys(seen)) == names, (path, seen)


async def test_delivery_never_blocks_the_api(api, org, receiver, deliveries):
    hook = await subscribe(api, receiver)
    receiver.hold()
    reply = await api.post("clients", {"name": "Acme"})
    assert reply.status == 201
    await receiver.arrived.wait()  # the receiver holds the first delivery open...
    assert (await api.post("clients", {"name": "Beta"})).status == 201  # ...and the API still answers
    assert deliveries.pending(org.id) == 2
    receiver.release()
    assert await deliveries.drain() == 0
    assert [r.json["data"]["name"] for r in receiver.requests] == ["Acme", "Beta"]
    assert (await api.get(f"webhooks/{hook['id']}")).body["lastStatus"] == 200


async def test_deleted_or_disabled_webhooks_cancel_what_is_queued(admin, api, org, receiver, deliveries):
    gone = await subscribe(api, receiver, "/gone")
    receiver.hold()
    await api.create("clients", name="First")
    await receiver.arrived.wait()
    await api.create("clients", name="Second")
    assert (await api.delete(f"webhooks/{gone['id']}")).status == 204
    receiver.release()
    await deliveries.drain()
    assert len(receiver.requests) == 1
    log = (await admin.get(f"/organizations/{org.id}/webhook-deliveries")).body["data"]
    assert [(d["status"], d["reason"]) for d in log] == [
        ("cancelled", "the webhook was deleted"), ("succeeded", None)]


async def test_a_retry_schedule_is_driven_by_the_mock_clock(build, receiver):
    """Retries 10 then 20 minutes apart: advancing the organization's clock sends each one, no sleeping."""
    api, _ = await build(webhook_retry_delay=600, webhook_attempts=3)
    admin = admin_of(api)
    clock = f"/organizations/{api.org.id}/clock"
    assert (await admin.post(clock + "/freeze", {"at": "2026-05-19T10:00:00Z"})).status == 200
    receiver.answer(500, 503)
    await subscribe(api, receiver)
    await api.create("clients", name="Acme")
    settled = await admin.post(f"/organizations/{api.org.id}/webhooks/drain?settle=true&timeout=10")
    assert settled.body["waitingForRetry"] == 1 and settled.body["drained"] is True
    [delivery] = (await admin.get(f"/organizations/{api.org.id}/webhook-deliveries")).body["data"]
    assert delivery["status"] == "pending" and delivery["nextAttemptAt"] == "2026-05-19T10:10:00.000Z"
    assert len(receiver.requests) == 1

    await admin.post(clock + "/advance", {"by": "9m"})  # not yet due
    await admin.post(f"/organizations/{api.org.id}/webhooks/drain?settle=true&timeout=10")
    assert len(receiver.requests) == 1
    await admin.post(clock + "/advance", {"by": "1m"})  # due: the second attempt goes out
    settled = await admin.post(f"/organizations/{api.org.id}/webhooks/drain?settle=true&timeout=10")
    assert len(receiver.requests) == 2 and settled.body["waitingForRetry"] == 1
    [delivery] = (await admin.get(f"/organizations/{api.org.id}/webhook-deliveries")).body["data"]
    assert delivery["nextAttemptAt"] == "2026-05-19T10:30:00.000Z"  # the delay doubles

    await admin.post(clock + "/advance", {"by": "20m"})
    done = await admin.post(f"/organizations/{api.org.id}/webhooks/drain?timeout=10")
    assert done.body == {"organizationId": api.org.id, "drained": True, "pending": 0, "waitingForRetry": 0}
    [delivery] = (await admin.get(f"/organizations/{api.org.id}/webhook-deliveries")).body["data"]
    assert delivery["status"] == "succeeded" and delivery["nextAttemptAt"] is None
    assert [a["at"] for a in delivery["attempts"]] == [
        "2026-05-19T10:00:00.000Z", "2026-05-19T10:10:00.000Z", "2026-05-19T10:30:00.000Z"]
