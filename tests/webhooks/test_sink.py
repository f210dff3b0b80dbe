"""The built-in webhook sink: accepted without --allow-local-webhooks, fed in-process, signatures checked."""

from __future__ import annotations

import pytest

from mockcasa import create_app
from mockcasa.config import Settings
from mockcasa.webhooks.signing import signature
from mockcasa.webhooks.worker import DELIVERIES
from tests.support.admin import Admin
from tests.support.api import Api

SINK = "http://localhost/_mockcasa/sink/crm"


@pytest.fixture
async def world(aiohttp_client):
    """Default settings (local webhooks NOT allowed): (admin, api of a fresh org, org id, app)."""
    app = create_app(Settings(admin_token="t", webhook_retry_delay=0.001))
    admin = Admin(await aiohttp_client(app), "t")
    org, api = await admin.new_org()
    return admin, api, org["id"], app


async def test_a_delivery_arrives_at_the_sink_with_its_signature_verified(world):
    admin, api, org_id, _ = world
    hook = await api.create("webhooks", name="crm", url=SINK, events=["client_created"],
                            secret="whsec_sink_secret_value")
    client = await api.create("clients", name="Acme")
    drained = await admin.post(f"/organizations/{org_id}/webhooks/drain", params={"timeout": "5"})
    assert drained.body["drained"] is True
    [delivery] = (await admin.get(f"/organizations/{org_id}/webhook-deliveries")).body["data"]
    assert delivery["status"] == "succeeded" and delivery["attempts"][0]["status"] == 200
    [arrival] = (await admin.get("/sinks/crm")).body["arrivals"]
    assert arrival["signature"] == "verified" and arrival["event"] == "client_created"
    assert arrival["webhookId"] == hook["id"] and arrival["organizationId"] == org_id
    assert arrival["deliveryId"] == delivery["id"] and arrival["body"]["data"] == client
    assert arrival["headers"]["x-signature"].startswith("sha256=")
    assert (await admin.get("/sinks")).body == {"sinks": [{"name": "crm", "count": 1}]}


async def test_any_loopback_sink_url_is_accepted_but_other_local_urls_are_not(world):
    _, api, _, _ = world
    for url in (SINK, "http://127.0.0.1:9/_mockcasa/sink/a.b-c", "https://[::1]/_mockcasa/sink/x"):
        assert (await api.post("webhooks", {"name": "s", "url": url, "events": ["client_created"]})).status == 201
    for url in ("http://localhost:8080/hooks", "http://10.0.0.5/_mockcasa/sink/x",
                "http://localhost/_mockcasa/sink/", "http://localhost/_mockcasa/sink/a/b"):
        refused = await api.post("webhooks", {"name": "s", "url": url, "events": ["client_created"]})
        assert refused.status == 400 and "url" in refused.error["details"], url


async def test_posts_from_outside_are_stored_and_their_signatures_judged(world):
    admin, api, org_id, app = world
    anonymous = Api(admin.http, None)
    sent = await anonymous.request("POST", "/_mockcasa/sink/outside", json={"hello": "world"})
    assert sent.status == 200 and sent.body["signature"] == "unknown"
    # A forged copy of a real delivery: its delivery id is known, the signature is not the secret's.
    await api.create("webhooks", name="crm", url=SINK, events=["client_created"], secret="whsec_real_secret")
    await api.create("clients", name="Acme")
    await app[DELIVERIES].drain(org_id, 5)
    [delivery] = (await admin.get(f"/organizations/{org_id}/webhook-deliveries")).body["data"]
    forged = delivery["body"].encode()
    headers = {"X-Webhook-Delivery": delivery["id"], "X-Webhook-Timestamp": "1700000000",
               "X-Signature": signature("whsec_wrong", "1700000000", forged), "Content-Type": "application/json"}
    async with admin.http.post("/_mockcasa/sink/outside", data=forged, headers=headers) as resp:
        assert (await resp.json())["signature"] == "invalid"
    newest, first = (await admin.get("/sinks/outside")).body["arrivals"]
    assert (newest["signature"], first["signature"], first["body"]) == ("invalid", "unknown", {"hello": "world"})
    assert (await admin.get("/sinks/outside", params={"after": first["id"]})).body["arrivals"] == [newest]


async def test_reading_sinks_needs_the_token_and_names_are_checked(world):
    admin, _, _, _ = world
    anonymous = Api(admin.http, None)
    assert (await anonymous.request("GET", "/_mockcasa/sinks/crm")).status == 401
    bad = await anonymous.request("POST", "/_mockcasa/sink/..hidden", json={})
    assert bad.status == 400 and bad.error["code"] == "invalid_request"
    assert (await admin.delete("/sinks/never")).status == 404
    await anonymous.request("POST", "/_mockcasa/sink/gone", json={})
    assert (await admin.delete("/sinks/gone")).status == 204
    assert (await admin.get("/sinks/gone")).body["arrivals"] == []


async def test_the_demo_seed_delivers_to_the_sink_and_drains(aiohttp_client):
    from pathlib import Path

    demo = Path(__file__).resolve().parents[2] / "seeds" / "demo.yaml"
    app = create_app(Settings(admin_token="t", seeds=[demo]))
    admin = Admin(await aiohttp_client(app), "t")
    api = Api(admin.http, "cc_test_demo_key")
    org_id = (await admin.get("/organizations")).body["organizations"][0]["id"]
    await api.create("clients", name="Walk-in client")
    [invoice] = (await api.get("invoices", params={"status": "sent", "pageSize": 1})).body["data"]
    paid = await admin.post(f"/organizations/{org_id}/invoices/{invoice['id']}/actions/record_stripe_payment", {})
    assert paid.status == 200 and paid.body["status"] == "paid"
    drained = await admin.post(f"/organizations/{org_id}/webhooks/drain", params={"timeout": "5"})
    assert drained.body == {"organizationId": org_id, "drained": True, "pending": 0,
                            "waitingForRetry": 0}
    [created] = (await admin.get("/sinks/zapier")).body["arrivals"]
    assert created["event"] == "client_created" and created["signature"] == "unsigned"
    bookkeeping = (await admin.get("/sinks/bookkeeping")).body["arrivals"]
    assert {a["event"] for a in bookkeeping} == {"payment_received", "invoice_paid"}
    assert {a["signature"] for a in bookkeeping} == {"verified"}
