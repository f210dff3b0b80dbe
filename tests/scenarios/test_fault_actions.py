"""What a fault does: error statuses, latency, dropped and hung connections; and which requests it hits."""

import asyncio
import time

import aiohttp
import pytest


async def test_429_carries_retry_after_and_rate_limit_headers(api, add_rule, admin):
    await admin.post(f"/organizations/{api.org.id}/clock/freeze", {"at": "2026-05-19T10:00:00Z"})
    await add_rule({"name": "limit", "action": {"status": 429, "retryAfter": 7}})
    reply = await api.get("clients")
    assert reply.status == 429 and reply.error["code"] == "rate_limited"
    assert reply.error["requestId"] == reply.headers["X-Request-Id"]
    assert reply.headers["Retry-After"] == "7"
    assert reply.headers["X-RateLimit-Limit"] == "1000" and reply.headers["X-RateLimit-Remaining"] == "0"
    assert reply.headers["X-RateLimit-Reset"] == str(1779184800 + 7)
    assert reply.headers["X-Mockcasa-Fault"] == "429 (limit)"


async def test_429_reports_the_keys_own_limit(make_api, add_rule, sandbox, org, http):
    from tests.support.api import Api
    key = sandbox.issue_key(org, rate_limit=25)
    await add_rule({"action": {"status": 429}})
    reply = await Api(http, key.key).get("clients")
    assert reply.headers["X-RateLimit-Limit"] == "25" and reply.headers["Retry-After"] == "1"


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_server_errors_use_the_error_envelope(status, api, add_rule):
    await add_rule({"action": {"status": status}})
    reply = await api.post("clients", {"name": "Never stored"})
    assert reply.status == status
    assert reply.error["code"] == "internal_error" and reply.error["message"]
    assert reply.error["requestId"] == reply.headers["X-Request-Id"]
    assert "Retry-After" not in reply.headers


async def test_custom_message_and_retry_after_on_503(api, add_rule, admin):
    await add_rule({"action": {"status": 503, "retryAfter": 30, "message": "Down for maintenance."}})
    reply = await api.get("clients")
    assert reply.error["message"] == "Down for maintenance." and reply.headers["Retry-After"] == "30"
    await admin.delete("/faults")
    assert (await api.get("clients")).body["data"] == []


async def test_a_faulted_write_changes_nothing(api, add_rule, admin):
    await add_rule({"match": {"method": "POST"}, "action": {"status": 500}})
    assert (await api.post("clients", {"name": "Lost"})).status == 500
    await admin.delete("/faults")
    assert (await api.get("clients")).body["pagination"]["total"] == 0


async def test_fixed_latency_really_delays_then_answers(api, add_rule):
    await add_rule({"action": {"latency": "5ms"}})
    started = time.perf_counter()
    reply = await api.get("clients")
    assert reply.status == 200 and time.perf_counter() - started >= 0.005
    assert reply.headers["X-Mockcasa-Fault"].startswith("latency=5ms")


async def test_latency_range_is_drawn_within_bounds(api, add_rule, sleeps):
    await add_rule({"action": {"latency": {"min": "100ms", "max": "300ms"}}})
    for _ in range(20):
        assert (await api.get("clients")).status == 200
    assert len(sleeps) == 20 and all(0.1 <= s <= 0.3 for s in sleeps) and len(set(sleeps)) > 10


async def test_latency_rules_add_up_before_an_error(api, add_rule, sleeps):
    await add_rule({"action": {"latency": "1s"}})
    await add_rule({"action": {"latency": "250ms", "status": 504}})
    reply = await api.get("clients")
    assert reply.status == 504 and sleeps == [1.25]


async def test_dropped_connection(api, add_rule, admin):
    await add_rule({"match": {"operationId": "listClients"}, "action": {"drop": True}})
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await api.get("clients")
    assert (await api.post("clients", {"name": "Fine"})).status == 201
    entry = (await admin.get("/journal", params={"method": "GET"})).body["entries"][0]
    assert entry["status"] is None and entry["response"] is None and entry["fault"].startswith("drop")


async def test_hang_until_the_client_gives_up(api, add_rule, admin):
    await add_rule({"action": {"hang": True}})
    with pytest.raises(asyncio.TimeoutError):
        await api.get("clients", timeout=aiohttp.ClientTimeout(total=0.02))
    await admin.delete("/faults")
    assert (await api.get("clients")).status == 200


async def test_bounded_hang_ends_in_a_dropped_connection(api, add_rule):
    await add_rule({"action": {"hang": "10ms"}})
    started = time.perf_counter()
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await api.get("clients")
    assert time.perf_counter() - started >= 0.01


@pytest.mark.parametrize("match, hits, misses", [
    ({"method": "POST"}, ("POST", "clients"), ("GET", "clients")),
    ({"method": ["patch", "DELETE"]}, ("DELETE", "clients/x"), ("POST", "clients")),
    ({"path": "/api/v1/clients/{id}"}, ("GET", "clients/abc"), ("GET", "clients")),
    ({"path": "/api/v1/client*"}, ("GET", "clients"), ("GET", "projects")),
    ({"path": "/api/v1/**"}, ("GET", "projects/1"), ("GET", "/nowhere")),
    ({"path": "^/api/v1/(clients|contacts)$"}, ("GET", "contacts"), ("GET", "projects")),
    ({"operationId": ["createClient", "listProjects"]}, ("GET", "projects"), ("GET", "clients")),
    ({"headers": {"X-Test": "chaos"}}, ("GET", "clients", {"X-Test": "chaos"}), ("GET", "clients", {"X-Test": "x"})),
    ({"headers": {"X-Test": "*"}}, ("GET", "clients", {"X-Test": "y"}), ("GET", "clients")),
])
async def test_matching(match, hits, misses, api, add_rule):
    await add_rule({"match": match, "action": {"status": 503}})
    for (method, path, *headers), expected in ((hits, True), (misses, False)):
        reply = await api.request(method, path, headers=headers[0] if headers else None,
                                  json={} if method in ("POST", "PATCH") else None)
        assert (reply.status == 503) is expected, (method, path, reply)


async def test_matching_by_organization_and_api_key(api, other_api, add_rule, make_api):
    await add_rule({"match": {"organization": other_api.org.id}, "action": {"status": 503}})
    assert (await other_api.get("clients")).status == 503
    assert (await api.get("clients")).status == 200
    second = make_api()
    await add_rule({"match": {"apiKey": second.key}, "action": {"status": 502}})
    assert (await second.get("clients")).status == 502
    assert (await api.get("clients")).status == 200


async def test_unauthenticated_requests_meet_general_faults_but_not_org_rules(http, api, add_rule):
    await add_rule({"match": {"organization": api.org.id}, "action": {"status": 503}})
    async with http.get("/api/v1/clients") as resp:
        assert resp.status == 401
    await add_rule({"action": {"status": 502}})
    async with http.get("/api/v1/clients") as resp:
        assert resp.status == 502


async def test_admin_api_is_never_faulted(admin, add_rule):
    await add_rule({"action": {"status": 503}})
    assert (await admin.get("/faults")).status == 200
    assert (await admin.get("/health", headers={"X-Mockcasa-Fault": "503"})).status == 200


@pytest.mark.parametrize("value, status", [("503", 503), ("429", 429), ("500", 500), ("502", 502), ("504", 504)])
async def test_fault_header_forces_a_status(value, status, api):
    reply = await api.get("clients", headers={"X-Mockcasa-Fault": value})
    assert reply.status == status and reply.headers["X-Mockcasa-Fault"].startswith(value)
    assert (await api.get("clients")).status == 200
    if status == 429:
        assert reply.headers["Retry-After"] == "1" and reply.headers["X-RateLimit-Remaining"] == "0"


async def test_fault_header_latency_drop_hang_and_combinations(api, sleeps):
    reply = await api.get("clients", headers={"X-Mockcasa-Fault": "latency=200ms"})
    assert reply.status == 200 and sleeps == [0.2]
    reply = await api.get("clients", headers={"X-Mockcasa-Fault": "latency=1s, 503, retry-after=9"})
    assert reply.status == 503 and sleeps[-1] == 1.0 and reply.headers["Retry-After"] == "9"
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await api.get("clients", headers={"X-Mockcasa-Fault": "drop"})
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await api.get("clients", headers={"X-Mockcasa-Fault": "hang=5ms"})


@pytest.mark.parametrize("value", ["418", "teapot", "latency=fast", "drop,503", ""])
async def test_bad_fault_header_is_a_400(value, api):
    reply = await api.get("clients", headers={"X-Mockcasa-Fault": value})
    assert reply.status == 400 and reply.error["code"] == "invalid_request"
    assert "X-Mockcasa-Fault" in reply.error["details"]


@pytest.mark.parametrize("value", ["latency=200ms", "hang", "hang=5ms", "latency=1s,503"])
async def test_fault_header_delays_need_a_valid_credential(value, http, sleeps):
    """Issue 13 §3: anyone could hold a connection for 300 s with ``hang`` and no credential."""
    for headers in ({}, {"x-api-key": "cc_test_not_a_key"}):
        reply = await http.get("/api/v1/clients", headers={"X-Mockcasa-Fault": value, **headers})
        assert reply.status == 401 and (await reply.json())["error"]["code"] == "unauthorized"
    assert sleeps == []


async def test_fault_header_statuses_still_work_without_credentials(http):
    assert (await http.get("/api/v1/clients", headers={"X-Mockcasa-Fault": "503"})).status == 503


@pytest.mark.parametrize("value", ["latency=31s", "hang=1m", "latency=1d", "latency=99999999999999999999d"])
async def test_fault_header_delays_are_capped(value, api, sleeps):
    reply = await api.get("clients", headers={"X-Mockcasa-Fault": value})
    assert reply.status == 400 and "X-Mockcasa-Fault" in reply.error["details"], reply
    assert sleeps == []


def test_a_header_hang_until_the_client_gives_up_is_bounded_too():
    from mockcasa.scenarios.layer import MAX_HEADER_DELAY, header_fault

    assert header_fault("hang").ending.hang == MAX_HEADER_DELAY == 30
    assert header_fault("latency=30s").latency == 30
