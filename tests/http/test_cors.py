"""CORS: browser apps (the default seed's public SPA client) can call the API and the OAuth endpoints."""

import pytest

from mockcasa.config import Settings

ORIGIN = "https://app.partner.example"
PREFLIGHT = {"Origin": ORIGIN, "Access-Control-Request-Method": "POST",
             "Access-Control-Request-Headers": "authorization, idempotency-key, content-type"}


@pytest.mark.parametrize("path", ["/api/v1/clients", "/api/v1/invoices/00000000-0000-4000-8000-000000000001",
                                  "/oauth/token", "/oauth/revoke"])
async def test_preflight_needs_no_key_and_allows_the_api_headers(http, path):
    reply = await http.options(path, headers=PREFLIGHT)
    assert reply.status == 204
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    allowed = {h.strip().lower() for h in reply.headers["Access-Control-Allow-Headers"].split(",")}
    assert allowed >= {"authorization", "x-api-key", "idempotency-key", "content-type"}
    assert "PATCH" in reply.headers["Access-Control-Allow-Methods"]


async def test_preflights_are_not_counted_by_rate_limits(http, api):
    before = (await api.get("clients")).headers["X-RateLimit-Remaining"]
    for _ in range(3):
        assert (await http.options("/api/v1/clients", headers=PREFLIGHT)).status == 204
    after = (await api.get("clients")).headers["X-RateLimit-Remaining"]
    assert int(before) - int(after) == 1  # only the second GET counted


async def test_responses_expose_the_headers_a_client_reads(http, api):
    ok = await api.get("clients", headers={"Origin": ORIGIN})
    assert ok.headers["Access-Control-Allow-Origin"] == "*"
    exposed = {h.strip() for h in ok.headers["Access-Control-Expose-Headers"].split(",")}
    assert exposed >= {"X-Request-Id", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
                       "Retry-After", "Idempotent-Replayed"}
    denied = await http.get("/api/v1/clients", headers={"Origin": ORIGIN})  # errors too: JS can read the 401
    assert denied.status == 401 and denied.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in denied.headers


@pytest.mark.parametrize("settings", [Settings(cors_origins=["https://ok.example"])])
async def test_a_configured_list_echoes_allowed_origins_and_refuses_others(http, api, settings):
    ok = await http.options("/api/v1/clients", headers={**PREFLIGHT, "Origin": "https://ok.example"})
    assert ok.status == 204 and ok.headers["Access-Control-Allow-Origin"] == "https://ok.example"
    assert ok.headers["Vary"] == "Origin"
    refused = await http.options("/api/v1/clients", headers=PREFLIGHT)
    assert refused.status == 403 and "MOCKCASA_CORS_ORIGINS" in (await refused.json())["error"]["message"]
    plain = await api.get("clients", headers={"Origin": ORIGIN})
    assert plain.status == 200 and "Access-Control-Allow-Origin" not in plain.headers


def test_origins_come_from_the_environment():
    assert Settings.from_env({"MOCKCASA_CORS_ORIGINS": "https://a.example, https://b.example"}).cors_origins \
        == ["https://a.example", "https://b.example"]
    assert Settings.from_env({}).cors_origins == ["*"]
