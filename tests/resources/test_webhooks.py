"""Webhook subscriptions: CRUD rules, the write-only secret, filters, refusals, contract shapes."""

import json

import pytest

UNKNOWN = "00000000-0000-4000-8000-00000000dead"
SECRET = "whsec_0123456789abcdef"
HOOK = {"name": "CRM sync", "url": "https://hooks.example.com/cc", "events": ["client_created"]}


def no_secret(reply) -> None:
    """Neither the secret's value nor a ``secret`` field appears anywhere in the response."""
    text = json.dumps(reply.body)
    assert SECRET not in text and '"secret"' not in text, reply


async def test_create_defaults(api, conforms):
    reply = await api.post("webhooks", HOOK)
    assert reply.status == 201
    conforms(reply, "createWebhook")
    hook = reply.body
    assert hook["enabled"] is True and hook["source"] == "manual" and hook["hasSecret"] is False
    assert hook["lastTriggered"] is None and hook["lastStatus"] is None and hook["consecutiveFailures"] == 0
    assert hook["events"] == ["client_created"] and hook["url"] == HOOK["url"]
    assert "secret" not in hook


async def test_secret_is_write_only(api, conforms):
    created = await api.post("webhooks", {**HOOK, "secret": SECRET, "enabled": False})
    assert created.status == 201 and created.body["hasSecret"] is True and created.body["enabled"] is False
    hook_id = created.body["id"]
    replies = [created, await api.get(f"webhooks/{hook_id}"), await api.get("webhooks"),
               await api.patch(f"webhooks/{hook_id}", {"name": "renamed"})]
    for reply, op in zip(replies, ("createWebhook", "getWebhook", "listWebhooks", "updateWebhook")):
        conforms(reply, op)
        no_secret(reply)
    assert replies[3].body["hasSecret"] is True


async def test_patch_secret_null_removes_and_string_rotates(api, conforms):
    hook = await api.create("webhooks", **HOOK, secret=SECRET)
    removed = await api.patch(f"webhooks/{hook['id']}", {"secret": None})
    assert removed.status == 200 and removed.body["hasSecret"] is False
    conforms(removed, "updateWebhook")
    again = await api.patch(f"webhooks/{hook['id']}", {"secret": None})
    assert again.status == 200 and again.body == removed.body
    rotated = await api.patch(f"webhooks/{hook['id']}", {"secret": "another-secret-0123"})
    assert rotated.status == 200 and rotated.body["hasSecret"] is True
    assert (await api.get(f"webhooks/{hook['id']}")).body == rotated.body


@pytest.mark.parametrize("url", [
    "http://hooks.example.com/cc", "ftp://hooks.example.com/cc", "hooks.example.com/cc", "https://",
    "not a url", "http://127.0.0.1:8080/hook", "http://localhost:3000/hook",
])
async def test_url_must_be_https(api, url):
    reply = await api.post("webhooks", {**HOOK, "url": url})
    assert reply.status == 400 and reply.error["code"] == "invalid_request", reply
    assert "url" in reply.error["details"]
    assert (await api.get("webhooks")).body["pagination"]["total"] == 0


async def test_https_urls_are_accepted_whatever_the_host(api):
    for url in ("https://10.0.0.7/hook", "https://localhost:8443/x", "https://hooks.example.com:8443/a?b=c"):
        assert (await api.post("webhooks", {**HOOK, "url": url})).status == 201


@pytest.mark.parametrize("body, field", [
    ({**HOOK, "events": []}, "events"), ({**HOOK, "events": ["client_deleted"]}, "events[0]"),
    ({"name": "x", "url": HOOK["url"]}, "events"), ({**HOOK, "events": "client_created"}, "events"),
    ({**HOOK, "secret": "x" * 15}, "secret"), ({**HOOK, "secret": "x" * 201}, "secret"),
    ({**HOOK, "secret": None}, "secret"), ({**HOOK, "name": ""}, "name"), ({**HOOK, "enabled": "yes"}, "enabled"),
    ({**HOOK, "source": "zapier"}, "source"), ({**HOOK, "hasSecret": True}, "hasSecret"),
    ({**HOOK, "consecutiveFailures": 3}, "consecutiveFailures"), ({**HOOK, "lastStatus": 200}, "lastStatus"),
])
async def test_create_refusals(api, body, field, conforms):
    reply = await api.post("webhooks", body)
    assert reply.status == 400 and field in reply.error["details"], reply
    conforms(reply, "createWebhook")
    assert (await api.get("webhooks")).body["pagination"]["total"] == 0


async def test_read_only_fields_are_named_as_such(api):
    reply = await api.post("webhooks", {**HOOK, "lastTriggered": "2026-01-01T00:00:00.000Z"})
    assert reply.error["details"] == {"lastTriggered": "is read-only and cannot be set through the API"}


async def test_secret_length_bounds(api):
    assert (await api.post("webhooks", {**HOOK, "secret": "x" * 16})).status == 201
    assert (await api.post("webhooks", {**HOOK, "secret": "x" * 200})).status == 201


async def test_duplicate_events_are_kept_once(api):
    hook = await api.create("webhooks", **{**HOOK, "events": ["client_created", "invoice_paid", "client_created"]})
    assert hook["events"] == ["client_created", "invoice_paid"]


@pytest.mark.parametrize("patch, field", [
    ({"url": "http://hooks.example.com/x"}, "url"), ({"events": []}, "events"), ({"events": ["x"]}, "events[0]"),
    ({"secret": "short"}, "secret"), ({"enabled": None}, "enabled"), ({"name": None}, "name"),
    ({"source": "make"}, "source"), ({"consecutiveFailures": 0}, "consecutiveFailures"),
])
async def test_update_refusals_change_nothing(api, patch, field, conforms):
    hook = await api.create("webhooks", **HOOK, secret=SECRET)
    reply = await api.patch(f"webhooks/{hook['id']}", patch)
    assert reply.status == 400 and field in reply.error["details"], reply
    conforms(reply, "updateWebhook")
    assert (await api.get(f"webhooks/{hook['id']}")).body == hook


async def test_update_fields(api):
    hook = await api.create("webhooks", **HOOK)
    reply = await api.patch(f"webhooks/{hook['id']}", {
        "name": "New", "url": "https://other.example.com/h", "events": ["invoice_paid", "payment_received"],
        "enabled": False})
    assert reply.status == 200
    assert {k: reply.body[k] for k in ("name", "url", "events", "enabled")} == {
        "name": "New", "url": "https://other.example.com/h", "events": ["invoice_paid", "payment_received"],
        "enabled": False}
    assert reply.body["updatedAt"] >= hook["updatedAt"]
    unchanged = await api.patch(f"webhooks/{hook['id']}", {"enabled": False, "events": reply.body["events"]})
    assert unchanged.body == reply.body


async def test_filters(api, conforms):
    a = await api.create("webhooks", **{**HOOK, "name": "a", "events": ["client_created", "invoice_paid"]})
    b = await api.create("webhooks", **{**HOOK, "name": "b", "events": ["invoice_paid"], "enabled": False})
    await api.create("webhooks", **{**HOOK, "name": "c", "events": ["project_created"]})

    async def names(**params):
        reply = await api.get("webhooks", params=params)
        assert reply.status == 200
        conforms(reply, "listWebhooks")
        return sorted(w["name"] for w in reply.body["data"])

    assert await names(enabled="true") == ["a", "c"]
    assert await names(enabled="false") == ["b"]
    assert await names(event="invoice_paid") == ["a", "b"]
    assert await names(event="invoice_paid", enabled="true") == ["a"]
    assert await names(event="payout_paid") == []
    for params, field in (({"enabled": "yes"}, "enabled"), ({"event": "client_deleted"}, "event")):
        bad = await api.get("webhooks", params=params)
        assert bad.status == 400 and field in bad.error["details"]
    assert {a["id"], b["id"]} <= {w["id"] for w in await api.list_all("webhooks")}


async def test_delete_and_isolation(api, other_api, conforms):
    hook = await api.create("webhooks", **HOOK)
    for reply in (await other_api.get(f"webhooks/{hook['id']}"), await other_api.delete(f"webhooks/{hook['id']}"),
                  await other_api.patch(f"webhooks/{hook['id']}", {"name": "x"})):
        assert reply.status == 404 and reply.error["code"] == "not_found"
    assert (await other_api.get("webhooks")).body["data"] == []
    deleted = await api.delete(f"webhooks/{hook['id']}")
    conforms(deleted, "deleteWebhook")
    missing = await api.get(f"webhooks/{hook['id']}")
    conforms(missing, "getWebhook")
    assert missing.status == 404
    assert (await api.delete(f"webhooks/{UNKNOWN}")).status == 404


async def test_scopes(make_api):
    reader = make_api({"webhooks:read"})
    assert (await reader.get("webhooks")).status == 200
    reply = await reader.post("webhooks", HOOK)
    assert reply.status == 403 and reply.error["details"] == {"requiredScope": "webhooks:write"}
    assert (await make_api({"clients:read"}).get("webhooks")).status == 403


async def test_served_openapi_has_the_webhook_operations(api):
    document = (await api.get("/api/v1/openapi.json")).body
    ops = {op["operationId"] for path in document["paths"].values() for op in path.values()}
    assert {"listWebhooks", "createWebhook", "getWebhook", "updateWebhook", "deleteWebhook"} <= ops
    create = document["paths"]["/api/v1/webhooks"]["post"]
    assert "X-Signature" in create["description"]
    assert "secret" not in document["components"]["schemas"]["Webhook"]["properties"]
