"""Tests of the partner integration, written against the mockcasa pytest plugin.

Each test gets a fresh in-process mockcasa with its own organization: ``mockcasa_url`` and
``mockcasa_key`` go to the code under test, ``mockcasa_api`` arranges and inspects state,
``mockcasa_clock`` moves the organization's time.
"""

import aiohttp
import pytest
from aiohttp import web
from casa_client import CasaClient, CasaError, retry_delay, stale_prospects


@pytest.fixture
async def casa(mockcasa_url, mockcasa_key):
    async with aiohttp.ClientSession() as session:
        yield CasaClient(mockcasa_url, mockcasa_key, session=session)


async def test_list_all_follows_every_page(casa, mockcasa_api):
    for i in range(130):
        await mockcasa_api.create("clients", name=f"Client {i:03d}")
    clients = await casa.list_all("clients")
    assert len(clients) == 130 and len({c["id"] for c in clients}) == 130


async def test_list_all_passes_filters(casa, mockcasa_api):
    await mockcasa_api.create("clients", name="Lead", status="prospect")
    await mockcasa_api.create("clients", name="Customer")
    assert [c["name"] for c in await casa.list_all("clients", status="prospect")] == ["Lead"]


async def test_create_update_delete_round_trip(casa, mockcasa_api):
    client = await casa.create("clients", {"name": "Acme"}, idempotency_key="create-acme-1")
    assert (await casa.update("clients", client["id"], {"status": "inactive"}))["status"] == "inactive"
    assert (await mockcasa_api.get(f"clients/{client['id']}")).body["status"] == "inactive"
    await casa.delete("clients", client["id"])
    with pytest.raises(CasaError) as refused:
        await casa.get("clients", client["id"])
    assert refused.value.status == 404 and refused.value.code == "not_found" and refused.value.request_id


async def test_validation_errors_are_not_retried(casa, mockcasa_api):
    with pytest.raises(CasaError) as refused:
        await casa.create("clients", {"name": ""})
    assert refused.value.status == 400 and refused.value.code == "invalid_request"
    assert await mockcasa_api.list_all("clients") == []


async def test_stale_prospects_uses_the_organizations_clock(casa, mockcasa_api, mockcasa_clock):
    mockcasa_clock.freeze("2026-03-01T09:00:00Z")
    old = await mockcasa_api.create("clients", name="Old lead", status="prospect")
    mockcasa_clock.advance("31d")
    await mockcasa_api.create("clients", name="New lead", status="prospect")
    await mockcasa_api.create("clients", name="Customer")
    assert [c["id"] for c in await stale_prospects(casa, now=mockcasa_clock.now())] == [old["id"]]


@pytest.mark.mockcasa(seed="default")
async def test_against_the_default_seed(mockcasa_url, mockcasa_org):
    async with aiohttp.ClientSession() as session:
        casa = CasaClient(mockcasa_url, "cc_test_default_key", session=session)
        created = await casa.create("clients", {"name": "Seeded"})
    assert mockcasa_org.name == "Sandbox Studio" and mockcasa_org["clients"].get(created["id"])


# --- retries -----------------------------------------------------------------------------------
# A scripted loopback stub plays the flaky server here. Once mockcasa's fault layer answers the
# X-Mockcasa-Fault header (and its rate limits send 429 + Retry-After), these become tests against
# mockcasa itself: e.g. a session created with headers={"X-Mockcasa-Fault": "503"} for the 5xx path,
# and a create retried with the same Idempotency-Key returning the original record, not a duplicate.

@pytest.fixture
def flaky(aiohttp_server):
    """``await flaky([(503, {}), (200, {})])``: a stub answering in turn, recording each request."""
    async def start(script: list[tuple[int, dict]]):
        seen: list[web.Request] = []

        async def handle(request: web.Request) -> web.Response:
            seen.append(request)
            status, headers = script[min(len(seen), len(script)) - 1]
            body = {"data": [], "pagination": {"hasMore": False}} if status < 400 else {
                "error": {"code": "rate_limited" if status == 429 else "internal_error", "message": "try later",
                          "requestId": f"req-{len(seen)}"}}
            return web.json_response(body, status=status, headers=headers)

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", handle)
        server = await aiohttp_server(app)
        return str(server.make_url("")).rstrip("/"), seen
    return start


@pytest.fixture
async def client_for(flaky):
    sleeps: list[float] = []

    async def record(seconds: float) -> None:
        sleeps.append(seconds)

    async with aiohttp.ClientSession() as session:
        async def make(script):
            url, seen = await flaky(script)
            return CasaClient(url, "cc_test_key", session=session, sleep=record), seen, sleeps
        yield make


async def test_429_is_retried_after_retry_after(client_for):
    casa, seen, sleeps = await client_for([(429, {"Retry-After": "2"}), (200, {})])
    assert (await casa.list_all("clients")) == []
    assert len(seen) == 2 and sleeps == [2.0]


async def test_5xx_backs_off_exponentially_then_gives_up(client_for):
    casa, seen, sleeps = await client_for([(503, {})])
    with pytest.raises(CasaError) as failed:
        await casa.get("clients", "x")
    assert failed.value.status == 503 and failed.value.request_id == "req-4"
    assert len(seen) == 4 and sleeps == [0.5, 1.0, 2.0]


async def test_create_retries_with_the_same_idempotency_key(client_for):
    casa, seen, _ = await client_for([(502, {"Retry-After": "0"}), (200, {})])
    await casa.create("clients", {"name": "Acme"})
    keys = [r.headers.get("Idempotency-Key") for r in seen]
    assert len(keys) == 2 and keys[0] and keys[0] == keys[1]


async def test_a_post_without_idempotency_key_is_never_retried(client_for):
    casa, seen, sleeps = await client_for([(503, {}), (200, {})])
    with pytest.raises(CasaError):
        await casa.request("POST", "clients", json={"name": "Acme"})
    assert len(seen) == 1 and sleeps == []


def test_retry_after_forms():
    assert retry_delay("3", 1) == 3.0
    assert retry_delay("Wed, 21 Oct 2015 07:28:00 GMT", 1) == 0.0  # a date already past
    assert retry_delay("soon", 2) == 1.0 and retry_delay(None, 3) == 2.0
    assert retry_delay(None, 20) == 30.0 and retry_delay("3600", 1) == 30.0  # capped
