"""The delivery log, redelivery and drain over HTTP (the admin routes)."""

from tests.webhooks.test_delivery import subscribe

UNKNOWN = "00000000-0000-4000-8000-00000000dead"


def hooks(org_id: str, rest: str) -> str:
    """An admin path (the ``admin`` client adds /_mockcasa and the admin token)."""
    return f"/organizations/{org_id}/{rest}"


async def test_drain_over_http(admin, api, org, http, receiver):
    await subscribe(api, receiver)
    receiver.answer(500)
    await api.create("clients", name="Acme")
    reply = await admin.post(hooks(org.id, "webhooks/drain"))
    assert reply.status == 200 and reply.body == {"organizationId": org.id, "drained": True, "pending": 0,
                                                    "waitingForRetry": 0}
    assert len(receiver.requests) == 2
    for bad in ("0", "-1", "soon", "301"):
        refused = await admin.post(hooks(org.id, "webhooks/drain"), params={"timeout": bad})
        assert refused.status == 400 and "timeout" in refused.error["details"]
    assert (await admin.post(hooks(UNKNOWN, "webhooks/drain"))).status == 404


async def test_drain_reports_what_is_still_pending_after_a_timeout(admin, api, org, receiver, deliveries):
    await subscribe(api, receiver)
    receiver.hold()
    await api.create("clients", name="Acme")
    reply = await admin.post(hooks(org.id, "webhooks/drain"), params={"timeout": "0.05"})
    assert reply.body == {"organizationId": org.id, "drained": False, "pending": 1, "waitingForRetry": 0}
    receiver.release()
    assert await deliveries.drain(org.id) == 0


async def test_log_lists_filters_and_shows_one_delivery(admin, api, org, receiver, deliveries):
    hook = await subscribe(api, receiver, events=["client_created", "contact_created"], secret="s" * 16)
    other = await subscribe(api, receiver, "/other")
    client = await api.create("clients", name="Acme")
    await api.create("contacts", name="Ada", clientId=client["id"])
    await deliveries.drain()
    everything = (await admin.get(hooks(org.id, "webhook-deliveries"))).body["data"]
    assert [d["event"] for d in everything] == ["contact_created", "client_created", "client_created"]
    mine = (await admin.get(hooks(org.id, "webhook-deliveries"), params={"webhookId": hook["id"]})).body["data"]
    assert [d["event"] for d in mine] == ["contact_created", "client_created"]
    by_event = (await admin.get(hooks(org.id, "webhook-deliveries"), params={"event": "client_created"})).body
    assert {d["webhookId"] for d in by_event["data"]} == {hook["id"], other["id"]}
    assert len({d["eventId"] for d in by_event["data"]}) == 1
    failed = await admin.get(hooks(org.id, "webhook-deliveries"), params={"status": "failed"})
    assert failed.body["data"] == []
    one = await admin.get(hooks(org.id, f"webhook-deliveries/{mine[0]['id']}"))
    assert one.status == 200 and one.body == mine[0]
    attempt = one.body["attempts"][0]
    assert attempt["status"] == 200 and attempt["requestHeaders"]["X-Signature"].startswith("sha256=")
    assert attempt["url"] == hook["url"] and attempt["responseBody"] == "ok"
    assert "s" * 16 not in str(one.body)
    assert (await admin.get(hooks(org.id, f"webhook-deliveries/{UNKNOWN}"))).status == 404


async def test_log_is_per_organization(admin, api, other_api, org, receiver, deliveries):
    await subscribe(api, receiver)
    await api.create("clients", name="Acme")
    await deliveries.drain()
    [delivery] = (await admin.get(hooks(org.id, "webhook-deliveries"))).body["data"]
    other_org = other_api.org.id
    assert (await admin.get(hooks(other_org, "webhook-deliveries"))).body["data"] == []
    assert (await admin.get(hooks(other_org, f"webhook-deliveries/{delivery['id']}"))).status == 404
    assert (await admin.post(hooks(other_org, f"webhook-deliveries/{delivery['id']}/redeliver"))).status == 404


async def test_redeliver(admin, api, org, receiver, deliveries):
    hook = await subscribe(api, receiver, secret="s" * 16)
    await api.create("clients", name="Acme")
    await deliveries.drain()
    [first] = (await admin.get(hooks(org.id, "webhook-deliveries"))).body["data"]
    reply = await admin.post(hooks(org.id, f"webhook-deliveries/{first['id']}/redeliver"))
    assert reply.status == 202 and reply.body["status"] == "pending"
    assert reply.body["redeliveryOf"] == first["id"] and reply.body["eventId"] == first["eventId"]
    await deliveries.drain()
    original, again = receiver.requests
    assert original.body == again.body
    assert again.headers["X-Webhook-Delivery"] == reply.body["id"] != first["id"]
    assert (await admin.get(hooks(org.id, f"webhook-deliveries/{reply.body['id']}"))).body["status"] == "succeeded"
    await api.patch(f"webhooks/{hook['id']}", {"enabled": False})
    disabled = await admin.post(hooks(org.id, f"webhook-deliveries/{first['id']}/redeliver"))
    assert disabled.status == 409 and disabled.error["code"] == "conflict"
    await api.delete(f"webhooks/{hook['id']}")
    deleted = await admin.post(hooks(org.id, f"webhook-deliveries/{first['id']}/redeliver"))
    assert deleted.status == 409 and "deleted" in deleted.error["message"]
    assert (await admin.post(hooks(org.id, f"webhook-deliveries/{UNKNOWN}/redeliver"))).status == 404
    assert len(receiver.requests) == 2
