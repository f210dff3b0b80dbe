"""Declared state: reset and snapshots find every piece (issue 12, "State is declared, not stashed").

The tests walk ``Organization.pieces`` and ``Sandbox.pieces``: a piece added to the declaration
without a way to change it here fails ``test_every_declared_piece_has_a_reset_case``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest

from mockcasa import create_app
from mockcasa.config import Settings
from mockcasa.keys import SANDBOX
from mockcasa.snapshot import capture_state, dump
from mockcasa.state import Organization, Sandbox
from mockcasa.webhooks.worker import DELIVERIES
from tests.support.admin import Admin
from tests.support.api import Api
from tests.support.oauth_flow import OAuthClient
from tests.support.receiver import Receiver

DEFAULT_ORG = "00000000-0000-4000-8000-000000000001"
DEMO_REDIRECT = "http://localhost:8765/callback"
SETTINGS = {"admin_token": "t", "allow_local_webhooks": True, "webhook_attempts": 1}


@dataclass
class World:
    admin: Admin
    api: Api  # the default seed's key
    port: int  # nothing listens there: webhook deliveries fail at once

    @property
    def org_path(self) -> str:
        return f"/organizations/{DEFAULT_ORG}"


async def snapshot(admin: Admin) -> dict:
    reply = await admin.get("/snapshot")
    assert reply.status == 200
    return reply.body


async def import_(admin: Admin, data: dict | bytes) -> None:
    body = data if isinstance(data, bytes) else json.dumps(data).encode()
    reply = await admin.request("POST", "/snapshot", data=body, headers={"Content-Type": "application/json"})
    assert reply.status == 200, reply


async def edit_snapshot(w: World, edit: Callable[[dict], None]) -> None:
    data = await snapshot(w.admin)
    edit(data)
    await import_(w.admin, data)


async def new_org_id(w: World) -> None:
    text = json.dumps(await snapshot(w.admin)).replace(DEFAULT_ORG, "00000000-0000-4000-8000-0000000000ff")
    await import_(w.admin, text.encode())


def setting(key: str, value) -> Callable[[World], Awaitable[None]]:
    return lambda w: edit_snapshot(w, lambda data: data["organizations"][0].__setitem__(key, value))


async def change_revision(w: World) -> None:
    """An organization keeps its revision for life; only an import of another one changes it."""
    def edit(data: dict) -> None:
        data["organizations"][0].update(apiRevision="2026-06-30", records={}, counters={})
    await edit_snapshot(w, edit)


async def freeze(w: World) -> None:
    assert (await w.admin.post(w.org_path + "/clock/freeze", {"at": "2030-01-01T00:00:00Z"})).status == 200


async def add_member(w: World) -> None:
    assert (await w.admin.post(w.org_path + "/seed", {"members": [{"name": "Later"}]})).status == 200


async def number_an_invoice(w: World) -> None:
    client = await w.api.create("clients", name="Acme")
    await w.api.create("invoices", clientId=client["id"], lineItems=[{"description": "x", "quantity": 1,
                                                                      "unitPrice": 5}])


async def add_record(w: World) -> None:
    await w.api.create("clients", name="Acme")


async def use_a_key(w: World) -> None:
    assert (await w.api.post("clients", {"name": "Once"}, headers={"Idempotency-Key": "k-1"})).status == 201


async def count_a_request(w: World) -> None:
    assert (await w.api.get("clients")).status == 200


async def queue_a_delivery(w: World) -> None:
    await w.api.create("webhooks", name="hook", url=f"http://127.0.0.1:{w.port}/hook", events=["client_created"])
    await w.api.create("clients", name="Acme")


async def add_organization(w: World) -> None:
    await w.admin.new_org()


async def add_key(w: World) -> None:
    assert (await w.admin.post(w.org_path + "/seed", {"apiKeys": [{"key": "cc_test_later"}]})).status == 200


async def add_oauth_app(w: World) -> None:
    reply = await w.admin.post(w.org_path + "/oauth-apps",
                               {"clientId": "later-app", "redirectUris": [DEMO_REDIRECT]})
    assert reply.status == 201


async def add_fault_rule(w: World) -> None:
    assert (await w.admin.post("/faults", {"match": {"path": "/nowhere"}, "action": {"status": 503}})).status == 201


# Declared attribute -> how a partner or a test changes it through the API or the admin API.
CHANGES: dict[str, Callable[[World], Awaitable[None]]] = {
    "id": new_org_id, "name": setting("name", "Renamed"), "currency": setting("currency", "EUR"),
    "tax_rate": setting("taxRate", 0.2), "api_revision": change_revision, "clock": freeze, "observed_at": freeze, "members": add_member,
    "counters": number_an_invoice, "collections": add_record, "idempotency_keys": use_a_key,
    "rate_windows": count_a_request, "webhook_deliveries": queue_a_delivery,
    "organizations": add_organization, "api_keys": add_key, "oauth": add_oauth_app, "faults": add_fault_rule,
}
PIECES = [(Organization, p) for p in Organization.pieces] + [(Sandbox, p) for p in Sandbox.pieces]


def value_of(data: dict, owner: type, key: str):
    return data["organizations"][0][key] if owner is Organization else data[key]


def test_every_declared_piece_has_a_reset_case():
    assert set(CHANGES) == {p.name for _, p in PIECES}


@pytest.mark.parametrize(("owner", "piece"), PIECES, ids=[f"{o.__name__}.{p.name}" for o, p in PIECES])
async def test_reset_brings_back_each_piece_as_at_startup(owner, piece, aiohttp_client, unused_tcp_port):
    app = create_app(Settings(**SETTINGS), load_default_seed=True)
    admin = Admin(await aiohttp_client(app), "t")
    world = World(admin, Api(admin.http, "cc_test_default_key"), unused_tcp_port)
    startup = value_of(await snapshot(admin), owner, piece.key)
    await CHANGES[piece.name](world)
    assert value_of(await snapshot(admin), owner, piece.key) != startup, "the change did not change it"
    assert (await admin.post("/reset")).status == 200
    assert value_of(await snapshot(admin), owner, piece.key) == startup


async def test_reset_keeps_the_default_seeds_oauth_apps(aiohttp_client):
    """Defect 1 of issue 12: after POST /_mockcasa/reset, authorize with client_id=demo-spa answered 400."""
    app = create_app(Settings(admin_token="t"), load_default_seed=True)
    admin = Admin(await aiohttp_client(app), "t")
    assert (await admin.post("/reset")).status == 200
    spa = OAuthClient(admin.http, "demo-spa", redirect_uri=DEMO_REDIRECT)
    redirect = await spa.authorize()
    assert redirect.status == 302 and "code" in redirect.params, redirect
    tokens = (await spa.exchange(redirect.params["code"])).body
    assert (await Api(admin.http, tokens["access_token"]).get("clients")).status == 200
    server = OAuthClient(admin.http, "demo-server", secret="demo-server-secret", redirect_uri=DEMO_REDIRECT)
    assert "access_token" in await server.login()
    assert [a["clientId"] for a in (await snapshot(admin))["oauth"]["apps"]] == ["demo-spa", "demo-server"]


async def full_world(admin: Admin, port: int) -> tuple[Api, dict, OAuthClient]:
    """An organization with every piece non-empty, and every sandbox-wide piece too."""
    org, api = await admin.new_org(name="Full", members=[{"name": "Second"}])
    await api.create("webhooks", name="hook", url=f"http://127.0.0.1:{port}/hook", events=["client_created"])
    client = await api.create("clients", name="Acme")
    await api.create("invoices", clientId=client["id"], lineItems=[{"description": "x", "quantity": 1,
                                                                    "unitPrice": 5}])
    await api.post("clients", {"name": "Keyed"}, headers={"Idempotency-Key": "k-1"})
    await admin.post("/faults", {"name": "coin", "match": {"path": "/api/v1/projects"}, "action": {"status": 503},
                                 "schedule": {"probability": 0.5, "per": "apiKey"}})
    for _ in range(20):  # the key is random, so is the coin: 20 tosses all tails is a one-in-a-million run
        await api.get("projects")
    await admin.http.app[DELIVERIES].drain()
    await admin.post(f"/organizations/{org['id']}/clock/advance", {"by": "1h"})
    await admin.post(f"/organizations/{org['id']}/oauth-apps",
                     {"clientId": "full-app", "redirectUris": [DEMO_REDIRECT]})
    oauth = OAuthClient(admin.http, "full-app", redirect_uri=DEMO_REDIRECT)
    await oauth.code()  # one code never redeemed
    tokens = await oauth.login()
    rotated = (await oauth.refresh(tokens["refresh_token"])).body
    return api, rotated, oauth


async def test_export_import_export_is_byte_identical_with_every_piece_non_empty(aiohttp_client, unused_tcp_port):
    app = create_app(Settings(**SETTINGS), load_default_seed=True)
    admin = Admin(await aiohttp_client(app), "t")
    api, tokens, oauth = await full_world(admin, unused_tcp_port)
    first = (await admin.http.get("/_mockcasa/snapshot", headers={"x-admin-token": "t"}))
    first = await first.read()
    data = json.loads(first)
    for owner, p in PIECES:
        values = [o[p.key] for o in data["organizations"]] if owner is Organization else [data[p.key]]
        assert any(v not in (None, [], {}) for v in values), f"{owner.__name__}.{p.name} is empty"
    assert all(data["oauth"][part] for part in data["oauth"]), data["oauth"]
    assert all(data["faultRules"][0][counts] for counts in ("seen", "fired", "draws")), json.dumps(data["faultRules"])
    assert dump(capture_state(app[SANDBOX])) == first  # the state file's two-step export: same bytes

    await import_(admin, first)
    again = await admin.http.get("/_mockcasa/snapshot", headers={"x-admin-token": "t"})
    assert await again.read() == first

    # And the imported world behaves as the exported one did.
    replay = await api.post("clients", {"name": "Keyed"}, headers={"Idempotency-Key": "k-1"})
    assert replay.status == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert (await Api(admin.http, tokens["access_token"]).get("clients")).status == 200
    assert (await oauth.refresh(tokens["refresh_token"])).status == 200


async def test_an_imported_pending_delivery_resumes_at_its_next_attempt(aiohttp_client, aiohttp_server):
    receiver = Receiver()
    receiver.base = str((await aiohttp_server(receiver.app())).make_url("")).rstrip("/")
    app = create_app(Settings(**{**SETTINGS, "webhook_attempts": 3}))
    admin = Admin(await aiohttp_client(app), "t")
    org, api = await admin.new_org()
    hook = await api.create("webhooks", name="hook", url=receiver.url(), events=["client_created"])
    data = await snapshot(admin)
    now = (await admin.get(f"/organizations/{org['id']}/clock")).body["now"]
    body = json.dumps({"id": "evt", "type": "client_created", "data": {}})
    data["organizations"][0]["webhookDeliveries"] = [{
        "id": "d-1", "organizationId": org["id"], "webhookId": hook["id"], "eventId": "evt",
        "event": "client_created", "body": body, "createdAt": now, "status": "pending", "nextAttemptAt": now,
        "attempts": [{"number": 1, "at": now, "url": receiver.url(), "headers": {}, "status": 500,
                      "error": "the receiver answered 500"}]}]
    await import_(admin, data)
    assert await app[DELIVERIES].drain(timeout=30) == 0
    assert [r.body.decode() for r in receiver.requests] == [body]
    delivery = app[SANDBOX].organizations[org["id"]].webhook_deliveries.get("d-1")
    assert delivery.status == "succeeded" and [a.number for a in delivery.attempts] == [1, 2]


async def test_removing_an_organization_removes_its_oauth_apps(aiohttp_client):
    app = create_app(Settings(admin_token="t"), load_default_seed=True)
    admin = Admin(await aiohttp_client(app), "t")
    assert (await admin.delete(f"/organizations/{DEFAULT_ORG}")).status == 204
    assert (await snapshot(admin))["oauth"]["apps"] == []
    assert (await OAuthClient(admin.http, "demo-spa", redirect_uri=DEMO_REDIRECT).authorize()).status == 400
