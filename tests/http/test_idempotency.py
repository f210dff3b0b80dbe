"""Idempotency-Key on POST and PATCH: replay, refusal, scoping, concurrency and the 24-hour window."""

import asyncio
from datetime import timedelta

import pytest

from mockcasa.errors import RateLimited, ServiceError
from mockcasa.http.idempotency import keys_of
from mockcasa.http.ratelimit import RATE_LIMITER
from tests.support.api import Api

KEY = {"Idempotency-Key": "create-acme-1"}


async def total(api, resource="clients") -> int:
    return (await api.get(resource)).body["pagination"]["total"]


async def test_replay_returns_the_first_response_byte_for_byte(api):
    first = await api.post("clients", {"name": "Acme", "notes": "n"}, headers=KEY)
    assert first.status == 201 and "Idempotent-Replayed" not in first.headers
    again = await api.post("clients", {"name": "Acme", "notes": "n"}, headers=KEY)
    assert again.status == 201
    assert again.raw == first.raw and again.body["id"] == first.body["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Content-Type"] == first.headers["Content-Type"]
    assert again.headers["X-Request-Id"] != first.headers["X-Request-Id"]  # a new request all the same
    assert await total(api) == 1


async def test_body_is_compared_as_parsed_json(api):
    json = {"Content-Type": "application/json"}
    first = await api.post("clients", data=b'{"name": "Acme", "notes": "n"}', headers={**KEY, **json})
    again = await api.post("clients", data=b'{ "notes":"n","name":"Acme" }\n', headers={**KEY, **json})
    assert first.status == 201 and again.raw == first.raw
    assert again.headers["Idempotent-Replayed"] == "true"
    assert await total(api) == 1


async def test_same_key_with_a_different_request_is_409(api):
    first = await api.post("clients", {"name": "Acme"}, headers=KEY)
    other_body = await api.post("clients", {"name": "Acme 2"}, headers=KEY)
    assert other_body.status == 409 and other_body.error["code"] == "conflict"
    assert "create-acme-1" in other_body.error["message"] and "different body" in other_body.error["message"]
    assert other_body.error["details"] == {"Idempotency-Key": "was used for a different request"}
    other_path = await api.post("contacts", {"firstName": "Ann", "lastName": "Lee"}, headers=KEY)
    assert other_path.status == 409 and "POST /api/v1/clients" in other_path.error["message"]
    assert await total(api) == 1 and await total(api, "contacts") == 0
    # the key still replays its own request
    assert (await api.post("clients", {"name": "Acme"}, headers=KEY)).raw == first.raw


async def test_patch_replays_without_running_again(api):
    client = await api.create("clients", name="Acme")
    path = f"clients/{client['id']}"
    key = {"Idempotency-Key": "rename-1"}
    first = await api.patch(path, {"name": "Renamed"}, headers=key)
    assert first.status == 200 and first.body["name"] == "Renamed"
    assert (await api.patch(path, {"name": "Changed since"})).status == 200
    again = await api.patch(path, {"name": "Renamed"}, headers=key)
    assert again.status == 200 and again.raw == first.raw
    assert again.headers["Idempotent-Replayed"] == "true"
    assert (await api.get(path)).body["name"] == "Changed since"
    refused = await api.patch(path, {"name": "Something else"}, headers=key)
    assert refused.status == 409 and refused.error["code"] == "conflict"


async def test_keys_are_scoped_to_the_credential_and_organization(api, make_api, other_api):
    colleague = make_api()  # another key of the same organization
    mine = await api.post("clients", {"name": "Acme"}, headers=KEY)
    theirs = await colleague.post("clients", {"name": "Acme"}, headers=KEY)
    assert theirs.status == 201 and theirs.body["id"] != mine.body["id"]
    assert "Idempotent-Replayed" not in theirs.headers
    assert (await colleague.post("clients", {"name": "Other"}, headers=KEY)).status == 409
    elsewhere = await other_api.post("clients", {"name": "Other"}, headers=KEY)
    assert elsewhere.status == 201
    assert await total(api) == 2 and await total(other_api) == 1


async def test_error_responses_are_replayed(api):
    first = await api.post("clients", {"name": ""}, headers=KEY)
    assert first.status == 400 and first.error["code"] == "invalid_request"
    again = await api.post("clients", {"name": ""}, headers=KEY)
    assert again.status == 400 and again.raw == first.raw
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.error["requestId"] == first.headers["X-Request-Id"]  # the body is the original's
    missing = await api.patch("clients/00000000-0000-4000-8000-00000000dead", {"name": "A"},
                              headers={"Idempotency-Key": "patch-missing"})
    replayed = await api.patch("clients/00000000-0000-4000-8000-00000000dead", {"name": "A"},
                               headers={"Idempotency-Key": "patch-missing"})
    assert missing.status == replayed.status == 404 and replayed.raw == missing.raw


@pytest.mark.parametrize("failure", [ServiceError(503, "Service unavailable."), RateLimited("Slow down."),
                                     "crash"])
async def test_5xx_and_429_leave_the_key_free(api, probe, failure):
    probe.outcomes.append(RuntimeError("boom") if failure == "crash" else failure)
    failed = await api.post("probe", {"n": 1}, headers=KEY)
    assert failed.status in (500, 503, 429) and "Idempotent-Replayed" not in failed.headers
    retried = await api.post("probe", {"n": 1}, headers=KEY)
    assert retried.status == 201 and retried.body == {"run": 2}
    assert "Idempotent-Replayed" not in retried.headers
    replayed = await api.post("probe", {"n": 1}, headers=KEY)
    assert replayed.raw == retried.raw and replayed.headers["Idempotent-Replayed"] == "true"
    assert probe.runs == 2


async def test_twenty_concurrent_creates_make_one_record(api):
    replies = await asyncio.gather(*(api.post("clients", {"name": "Acme"}, headers=KEY) for _ in range(20)))
    assert {r.status for r in replies} == {201}
    assert len({r.raw for r in replies}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in replies) == 19
    assert await total(api) == 1


async def test_concurrent_requests_wait_for_the_first_and_replay_it(api, app, probe, sandbox):
    """While the first request is still running, the others wait for it (no 409, no second run)."""
    probe.gate = asyncio.Event()
    tasks = [asyncio.create_task(api.post("probe", {"n": 1}, headers=KEY)) for _ in range(20)]
    await probe.entered.wait()
    credential = sandbox.api_keys[api.key].id
    while app[RATE_LIMITER].used(api.org, credential) < 20:  # all 20 have arrived
        await asyncio.sleep(0)
    clash = await api.post("probe", {"n": 2}, headers=KEY)  # a different request is refused at once
    assert clash.status == 409
    probe.gate.set()
    replies = await asyncio.gather(*tasks)
    assert probe.runs == 1
    assert {(r.status, r.raw) for r in replies} == {(201, b'{"run": 1}')}


async def test_concurrent_waiters_run_again_when_the_first_fails(api, probe):
    probe.gate = asyncio.Event()
    probe.outcomes.append(ServiceError(503, "Service unavailable."))
    tasks = [asyncio.create_task(api.post("probe", {"n": 1}, headers=KEY)) for _ in range(3)]
    await probe.entered.wait()
    probe.gate.set()
    statuses = sorted(r.status for r in await asyncio.gather(*tasks))
    assert statuses == [201, 201, 503] and probe.runs == 2


async def test_key_is_forgotten_after_24_hours_of_mock_time(api):
    api.org.clock.freeze("2026-05-19T10:00:00Z")
    first = await api.post("clients", {"name": "Acme"}, headers=KEY)
    api.org.clock.advance(timedelta(hours=24) - timedelta(seconds=1))
    assert (await api.post("clients", {"name": "Acme"}, headers=KEY)).raw == first.raw
    api.org.clock.advance("1s")
    later = await api.post("clients", {"name": "Acme"}, headers=KEY)
    assert later.status == 201 and later.body["id"] != first.body["id"]
    assert "Idempotent-Replayed" not in later.headers
    assert await total(api) == 2


async def test_expired_keys_are_purged(api):
    api.org.clock.freeze("2026-05-19T10:00:00Z")
    for i in range(5):
        await api.post("probe", {"n": i}, headers={"Idempotency-Key": f"k{i}"})
    assert len(keys_of(api.org)) == 5
    api.org.clock.advance("24h")
    await api.post("probe", {"n": 9}, headers={"Idempotency-Key": "fresh"})
    assert len(keys_of(api.org)) == 1


@pytest.mark.parametrize("key, status", [("", 400), ("k" * 256, 400), ("k" * 255, 201), ("é-ü", 201)])
async def test_key_length_is_1_to_255(api, key, status):
    reply = await api.post("clients", {"name": "Acme"}, headers={"Idempotency-Key": key})
    assert reply.status == status, reply
    if status == 400:
        assert reply.error["code"] == "invalid_request" and "Idempotency-Key" in reply.error["details"]
        assert await total(api) == 0


async def test_key_is_ignored_on_get_and_delete(api):
    client = await api.create("clients", name="Acme")
    assert (await api.get("clients", headers=KEY)).status == 200
    assert (await api.get("clients", headers={"Idempotency-Key": ""})).status == 200
    assert (await api.delete(f"clients/{client['id']}", headers=KEY)).status == 204
    assert (await api.delete(f"clients/{client['id']}", headers=KEY)).status == 404


async def test_reset_organization_forgets_keys(api):
    first = await api.post("clients", {"name": "Acme"}, headers=KEY)
    api.org.reset()
    again = await api.post("clients", {"name": "Acme"}, headers=KEY)
    assert again.status == 201 and again.body["id"] != first.body["id"]


async def test_failed_authentication_never_touches_keys(http, api):
    stranger = Api(http, "cc_test_unknown")
    assert (await stranger.post("clients", {"name": "Acme"}, headers=KEY)).status == 401
    assert (await api.post("clients", {"name": "Other"}, headers=KEY)).status == 201


@pytest.mark.parametrize("path", ["clients", "invoices", "time-entries", "webhooks"])
async def test_a_used_key_on_an_undeclared_method_is_405_not_409(api, path):
    """Route and method resolution come before the idempotency layer (schemathesis' unsupported_method)."""
    body = {"name": "Acme"} if path == "clients" else {}
    await api.post(path, body, headers=KEY)
    reply = await api.patch(path, {"name": "Other"}, headers=KEY)
    assert reply.status == 405 and reply.body["error"]["code"] == "invalid_request"
    assert set(reply.headers["Allow"].split(", ")) >= {"GET", "POST"}
    unknown = await api.post(f"{path}/x/y", {"name": "Acme"}, headers=KEY)
    assert unknown.status == 404 and unknown.body["error"]["code"] == "not_found"
