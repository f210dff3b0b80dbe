"""The session-wide live server: a real TCP port for sync code, one fresh organization per test."""

import json
import urllib.request
from datetime import UTC, datetime

import pytest

from mockcasa.config import Settings
from mockcasa.testing import LiveServer


def fetch(url: str, key: str | None = None, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", **({"x-api-key": key} if key else {})})
    try:
        with urllib.request.urlopen(request, timeout=5) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_sync_code_gets_a_url_and_a_fresh_organization(mockcasa_live_org):
    assert mockcasa_live_org.url.startswith("http://127.0.0.1:")
    mockcasa_live_org.clock.freeze("2026-05-19T10:00:00Z")
    status, created = fetch(f"{mockcasa_live_org.api_url}/clients", mockcasa_live_org.key, {"name": "Acme"})
    assert status == 201 and created["createdAt"] == "2026-05-19T10:00:00.000Z"
    status, page = fetch(f"{mockcasa_live_org.api_url}/clients", mockcasa_live_org.key)
    assert status == 200 and [c["id"] for c in page["data"]] == [created["id"]]
    assert fetch(f"{mockcasa_live_org.api_url}/clients")[0] == 401


def test_each_test_has_its_own_organization_and_it_is_removed_after(mockcasa_server, mockcasa_live_org):
    other = mockcasa_server.new_org()
    fetch(f"{other.api_url}/clients", other.key, {"name": "Elsewhere"})
    assert fetch(f"{mockcasa_live_org.api_url}/clients", mockcasa_live_org.key)[1]["data"] == []
    mockcasa_server.remove_org(other.organization_id)
    assert fetch(f"{other.api_url}/clients", other.key)[0] == 401


async def test_live_api_is_the_same_client_over_real_http(mockcasa_live_api, mockcasa_live_org):
    mockcasa_live_api.clock.freeze(datetime(2026, 1, 2, tzinfo=UTC))
    client = await mockcasa_live_api.create("clients", name="Acme")
    assert client["createdAt"] == "2026-01-02T00:00:00.000Z"
    assert await mockcasa_live_api.list_all("clients") == [client]
    assert mockcasa_live_api.key == mockcasa_live_org.key


def test_call_runs_on_the_server_thread_and_reraises(mockcasa_server):
    import threading
    assert mockcasa_server.call(lambda: threading.current_thread().name) == "mockcasa-live"
    with pytest.raises(ZeroDivisionError):
        mockcasa_server.call(lambda: 1 / 0)


def test_a_taken_port_fails_at_start_and_a_stopped_server_refuses(mockcasa_server):
    port = int(mockcasa_server.url.rsplit(":", 1)[1])
    with pytest.raises(OSError):
        LiveServer(Settings(host="127.0.0.1", port=port)).start()
    with LiveServer(Settings(host="127.0.0.1", port=0), load_default_seed=True) as server:
        status, _ = fetch(f"{server.url}/api/v1/clients", "cc_test_default_key")
        assert status == 200
    with pytest.raises(OSError):
        fetch(f"{server.url}/api/v1/clients", "cc_test_default_key")
