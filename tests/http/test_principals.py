"""The principal made for an API key is kept, but every change to the key counts on the next request."""

from __future__ import annotations

import json

import pytest

from mockcasa import create_app
from mockcasa.config import Settings
from mockcasa.http.auth import PRINCIPALS, Principals
from mockcasa.keys import SANDBOX
from tests.support.admin import Admin
from tests.support.api import Api


@pytest.fixture
async def world(aiohttp_client):
    """(admin client, public API client of a fresh organization with one client, the app)."""
    app = create_app(Settings(admin_token="t"))
    admin = Admin(await aiohttp_client(app), "t")
    org, api = await admin.new_org(name="Cached")
    await api.create("clients", name="Acme")
    return admin, api, org, app


async def snapshot(admin: Admin) -> dict:
    async with admin.http.get("/_mockcasa/snapshot", headers={"x-admin-token": admin.token}) as reply:
        assert reply.status == 200
        return json.loads(await reply.read())


async def restore(admin: Admin, data: dict) -> None:
    reply = await admin.request("POST", "/snapshot", data=json.dumps(data).encode(),
                                headers={"Content-Type": "application/json"})
    assert reply.status == 200, reply


def key_of(data: dict, key: str) -> dict:
    return next(k for k in data["apiKeys"] if k["key"] == key)


async def test_a_key_removed_with_its_organization_is_refused_at_once(world):
    admin, api, org, _ = world
    assert (await api.get("clients")).status == 200  # its principal is made, and kept
    assert (await admin.delete(f"/organizations/{org['id']}")).status == 204
    refused = await api.get("clients")
    assert refused.status == 401 and refused.error["code"] == "unauthorized"


async def test_a_rotated_key_stops_working_and_the_new_one_works(world):
    admin, api, _, _ = world
    assert (await api.get("clients")).status == 200
    data = await snapshot(admin)
    key_of(data, api.key)["key"] = "cc_test_rotated_key"
    await restore(admin, data)
    assert (await api.get("clients")).status == 401
    rotated = await Api(admin.http, "cc_test_rotated_key").get("clients")
    assert rotated.status == 200 and [c["name"] for c in rotated.body["data"]] == ["Acme"]


async def test_narrowed_scopes_and_a_new_rate_limit_count_on_the_next_request(world):
    admin, api, _, _ = world
    first = await api.get("clients")
    assert first.status == 200 and first.headers["X-RateLimit-Limit"] == "1000"
    data = await snapshot(admin)
    key_of(data, api.key).update(scopes=["clients:read"], rateLimit=5)
    await restore(admin, data)
    read = await api.get("clients")
    assert read.status == 200 and read.headers["X-RateLimit-Limit"] == "5"
    written = await api.post("clients", {"name": "Not allowed"})
    assert written.status == 403 and written.error["details"] == {"requiredScope": "clients:write"}


async def test_a_key_changed_in_place_counts_on_the_next_request(world):
    """Tests and the pytest plugin may change a key object directly: the kept principal is checked too."""
    _, api, _, app = world
    assert (await api.post("clients", {"name": "Allowed"})).status == 201
    app[SANDBOX].api_keys[api.key].scopes = frozenset({"clients:read"})
    assert (await api.post("clients", {"name": "Not allowed"})).status == 403
    app[SANDBOX].api_keys[api.key].rate_limit = 7
    assert (await api.get("clients")).headers["X-RateLimit-Limit"] == "7"


async def test_after_a_reset_the_same_key_reaches_the_new_world(world):
    admin, api, _, _ = world
    data = await snapshot(admin)
    await api.create("clients", name="Made after the snapshot")
    await restore(admin, data)  # new organization objects, same key
    listed = await api.get("clients")
    assert listed.status == 200 and [c["name"] for c in listed.body["data"]] == ["Acme"]
    assert (await admin.post("/reset", params={"empty": "true"})).status == 200
    assert (await api.get("clients")).status == 401


def test_the_kept_principals_are_bounded():
    app = create_app(Settings())
    sandbox = app[SANDBOX]
    principals = Principals(sandbox, limit=3)
    org = sandbox.create_organization()
    keys = [sandbox.issue_key(org).key for _ in range(5)]
    made = [principals.of(key) for key in keys]
    assert len(principals._kept) == 3 and [principals.of(key) for key in keys[2:]] == made[2:]
    assert principals.of(keys[4]) is made[4]  # kept: the same object, not a new one
    assert app[PRINCIPALS].sandbox is sandbox
