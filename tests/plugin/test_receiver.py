"""The webhook receiver fixtures (in-process and live) and ``mockcasa.testing.verify_signature``."""

import hashlib
import hmac
import json
import urllib.request

import pytest

from mockcasa.testing import SignatureError, verify_signature

BODY = b'{"event": "client_created", "data": {"name": "Acme"}}'


def signed(secret: str, timestamp: int, body: bytes = BODY) -> dict[str, str]:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Signature": f"sha256={digest}", "X-Webhook-Timestamp": str(timestamp)}


def test_verify_signature_returns_the_payload_and_refuses_what_does_not_verify():
    headers = signed("s3cret", 1_780_000_000)
    assert verify_signature("s3cret", headers, BODY, now=1_780_000_010)["data"] == {"name": "Acme"}
    lower = {k.lower(): v for k, v in headers.items()}
    assert verify_signature("s3cret", list(lower.items()), BODY.decode(), now=1_780_000_000)
    for secret, body, now, reason in [
            ("other", BODY, 1_780_000_000, "does not match"),
            ("s3cret", BODY + b" ", 1_780_000_000, "does not match"),
            ("s3cret", BODY, 1_780_000_301, r"\+301 s from now, beyond the tolerance of 300 s")]:
        with pytest.raises(SignatureError, match=reason):
            verify_signature(secret, headers, body, now=now)
    assert verify_signature("s3cret", headers, BODY, tolerance=None)  # real time, years away: unchecked
    with pytest.raises(SignatureError, match="no X-Signature header"):
        verify_signature("s3cret", {"X-Webhook-Timestamp": "1"}, BODY)


async def test_the_receiver_subscribes_collects_and_verifies(mockcasa_api, mockcasa_receiver):
    mockcasa_api.clock.freeze("2026-05-19T10:00:00Z")  # signatures are checked against the mock clock
    webhook = await mockcasa_receiver.subscribe(["client_created", "contact_created"])
    assert webhook["hasSecret"] and webhook["url"].endswith(mockcasa_receiver.sink)
    client = await mockcasa_api.create("clients", name="Acme")
    await mockcasa_api.create("contacts", name="Ada", clientId=client["id"])
    await mockcasa_api.create("projects", name="Not subscribed", clientId=client["id"])
    assert [p["data"]["name"] for p in await mockcasa_receiver.events("client_created")] == ["Acme"]
    received = await mockcasa_receiver.received()
    assert [r.event for r in received] == ["client_created", "contact_created"]
    assert received[1].payload["data"]["name"] == "Ada" and received[1].delivery_id


async def test_a_delivery_that_does_not_verify_fails_the_test_with_the_reason(mockcasa_api, mockcasa_receiver):
    await mockcasa_receiver.subscribe(["client_created"])
    await mockcasa_api.create("clients", name="Acme")
    mockcasa_receiver.secret = "not-the-subscriptions-secret"
    with pytest.raises(AssertionError, match="failed verification: X-Signature does not match"):
        await mockcasa_receiver.events()


def test_the_live_receiver_does_the_same_over_http(mockcasa_live_org, mockcasa_live_receiver):
    mockcasa_live_receiver.subscribe(["client_created"])
    request = urllib.request.Request(f"{mockcasa_live_org.api_url}/clients", data=json.dumps({"name": "Acme"}).encode(),
                                     headers={**mockcasa_live_org.headers, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as resp:
        assert resp.status == 201
    [payload] = mockcasa_live_receiver.events("client_created")
    assert payload["data"]["name"] == "Acme"
