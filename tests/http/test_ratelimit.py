"""Rate limits: headers on every authenticated response, 429 past the limit, windows on the mock clock."""

import asyncio
from datetime import UTC, datetime

import pytest

from mockcasa import create_app
from mockcasa.config import Settings
from mockcasa.http.ratelimit import RATE_LIMITER
from mockcasa.keys import SANDBOX
from tests.support.api import Api

START = "2026-05-19T10:00:00Z"
START_UNIX = int(datetime(2026, 5, 19, 10, tzinfo=UTC).timestamp())
UNKNOWN = "clients/00000000-0000-4000-8000-00000000dead"


def limits(reply) -> tuple[str, str, str]:
    h = reply.headers
    return h["X-RateLimit-Limit"], h["X-RateLimit-Remaining"], h["X-RateLimit-Reset"]


async def spend(api: Api, n: int) -> None:
    for start in range(0, n, 100):
        replies = await asyncio.gather(*(api.get(UNKNOWN) for _ in range(min(100, n - start))))
        assert {r.status for r in replies} == {404}


async def test_every_authenticated_response_carries_the_headers(api, make_api):
    api.org.clock.freeze(START)
    reset = str(START_UNIX + 3600)
    client = await api.create("clients", name="Acme")
    replies = [
        await api.get("clients"),                                              # 200
        await api.post("clients", {"name": ""}),                               # 400
        await api.get(UNKNOWN),                                                # 404
        await api.get("no-such-route"),                                        # 404, no route
        await api.request("PUT", "clients"),                                   # 405
        await api.patch(f"clients/{client['id']}", {"name": "B"}),             # 200
        await api.delete(f"clients/{client['id']}"),                           # 204
        await api.post("clients", {"name": "A"}, headers={"Idempotency-Key": "k"}),
        await api.post("clients", {"name": "A"}, headers={"Idempotency-Key": "k"}),  # replay
        await api.post("clients", {"name": "B"}, headers={"Idempotency-Key": "k"}),  # 409
        await api.post("clients", {"name": "A"}, headers={"Idempotency-Key": ""}),   # 400
    ]
    assert [r.status for r in replies] == [200, 400, 404, 404, 405, 200, 204, 201, 201, 409, 400]
    assert [limits(r) for r in replies] == [("1000", str(998 - i), reset) for i in range(len(replies))]
    forbidden = await make_api(["clients:read"]).post("clients", {"name": "A"})
    assert forbidden.status == 403 and limits(forbidden) == ("1000", "999", reset)  # its own window


async def test_failed_authentication_is_not_counted_and_has_no_headers(http, api):
    for headers in ({}, {"x-api-key": "cc_test_unknown"}, {"Authorization": "Basic x"}):
        reply = await Api(http, None).get("clients", headers=headers)
        assert reply.status == 401 and "X-RateLimit-Limit" not in reply.headers
    assert limits(await api.get("clients"))[1] == "999"


async def test_openapi_document_is_not_counted(http, api):
    reply = await http.get("/api/v1/openapi.json")
    assert reply.status == 200 and "X-RateLimit-Limit" not in reply.headers
    assert limits(await api.get("clients"))[1] == "999"


async def test_the_1001st_request_is_429_until_the_window_resets(api):
    clock = api.org.clock
    clock.freeze(START)
    await spend(api, 999)
    last = await api.get("clients")
    assert last.status == 200 and limits(last) == ("1000", "0", str(START_UNIX + 3600))
    refused = await api.get("clients")
    assert refused.status == 429
    assert refused.error["code"] == "rate_limited" and refused.error["requestId"] == refused.headers["X-Request-Id"]
    assert refused.headers["Retry-After"] == "3600"
    assert limits(refused) == ("1000", "0", str(START_UNIX + 3600))
    assert refused.error["details"] == {"limit": 1000, "windowSeconds": 3600, "retryAfterSeconds": 3600}
    clock.advance("10m")
    assert (await api.post("clients", {"name": "A"})).headers["Retry-After"] == "3000"
    clock.advance("49m59.5s")
    assert (await api.get("clients")).headers["Retry-After"] == "1"  # rounded up, never 0
    clock.advance("0.5s")
    fresh = await api.get("clients")
    assert fresh.status == 200 and limits(fresh) == ("1000", "999", str(START_UNIX + 7200))
    assert (await api.get("clients")).body["pagination"]["total"] == 0  # the refused POST did nothing


async def test_window_is_fixed_from_the_first_request(api):
    api.org.clock.freeze(START)
    await api.get("clients")
    api.org.clock.advance("59m")
    assert limits(await api.get("clients")) == ("1000", "998", str(START_UNIX + 3600))
    api.org.clock.advance("1m")
    assert limits(await api.get("clients")) == ("1000", "999", str(START_UNIX + 7200))


async def test_moving_the_clock_back_opens_a_new_window(api):
    api.org.clock.freeze(START)
    await spend(api, 3)
    api.org.clock.advance("-1h")
    assert limits(await api.get("clients")) == ("1000", "999", str(START_UNIX))


async def test_each_credential_and_organization_has_its_own_window(api, make_api, other_api):
    api.org.clock.freeze(START)
    await spend(api, 5)
    assert limits(await make_api().get("clients"))[1] == "999"
    assert limits(await other_api.get("clients"))[1] == "999"
    assert limits(await api.get("clients"))[1] == "994"


async def test_reset_organization_clears_windows(api):
    await spend(api, 5)
    api.org.reset()
    assert limits(await api.get("clients"))[1] == "999"


class TestConfiguredLimits:
    @pytest.fixture
    def settings(self, tmp_path):
        seed = tmp_path / "seed.yaml"
        seed.write_text(
            "organizations:\n"
            "  - name: Limited\n"
            "    apiKeys:\n"
            "      - key: cc_test_tight_key\n"
            "        rateLimit: 3\n"
            "      - key: cc_test_plain_key\n")
        return Settings(seeds=[seed], rate_limit=5, rate_limit_window=60)

    async def test_per_key_limit_from_seed(self, http):
        tight = Api(http, "cc_test_tight_key")
        assert http.app[SANDBOX].api_keys[tight.key].rate_limit == 3
        for remaining in ("2", "1", "0"):
            assert limits(await tight.get("clients"))[:2] == ("3", remaining)
        refused = await tight.get("clients")
        assert refused.status == 429 and limits(refused)[:2] == ("3", "0")
        assert 1 <= int(refused.headers["Retry-After"]) <= 60

    async def test_global_limit_and_window_from_settings(self, http):
        plain = Api(http, "cc_test_plain_key")
        org = next(iter(http.app[SANDBOX].organizations.values()))
        org.clock.freeze(START)
        await spend(plain, 5)
        refused = await plain.get("clients")
        assert refused.status == 429 and refused.headers["Retry-After"] == "60"
        assert limits(refused) == ("5", "0", str(START_UNIX + 60))
        org.clock.advance("60s")
        assert limits(await plain.get("clients")) == ("5", "4", str(START_UNIX + 120))


def test_limits_come_from_environment_and_flags():
    settings = Settings.from_env({"MOCKCASA_RATE_LIMIT": "10", "MOCKCASA_RATE_LIMIT_WINDOW": "60"})
    assert (settings.rate_limit, settings.rate_limit_window) == (10, 60)
    assert Settings.from_env({"MOCKCASA_RATE_LIMIT": "10"}, rate_limit=20).rate_limit == 20
    with pytest.raises(ValueError):
        Settings(rate_limit=0)
    limiter = create_app(Settings(rate_limit=7, rate_limit_window=90))[RATE_LIMITER]
    assert (limiter.limit, limiter.window_seconds) == (7, 90)
