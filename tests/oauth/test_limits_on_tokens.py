"""Rate limits and idempotency keys for OAuth access tokens: one credential per app and member."""

from datetime import UTC, datetime

START_UNIX = int(datetime(2026, 5, 19, 10, tzinfo=UTC).timestamp())
KEY = {"Idempotency-Key": "create-acme"}


async def test_a_token_has_its_own_window_shared_with_its_refreshed_successor(api, client, bearer):
    tokens = await client.login(scope="clients:read clients:write")
    token_api = bearer(tokens["access_token"])
    first = await token_api.get("clients")
    assert (first.headers["X-RateLimit-Limit"], first.headers["X-RateLimit-Remaining"],
            first.headers["X-RateLimit-Reset"]) == ("1000", "999", str(START_UNIX + 3600))
    assert (await api.get("clients")).headers["X-RateLimit-Remaining"] == "999"  # the API key's own
    refreshed = (await client.refresh(tokens["refresh_token"])).body
    assert (await bearer(refreshed["access_token"]).get("clients")).headers["X-RateLimit-Remaining"] == "998"


async def test_idempotency_keys_of_a_token_are_not_an_api_keys(api, client, bearer):
    tokens = await client.login(scope="clients:read clients:write")
    token_api = bearer(tokens["access_token"])
    by_token = await token_api.post("clients", {"name": "Acme"}, headers=KEY)
    by_key = await api.post("clients", {"name": "Acme"}, headers=KEY)
    assert by_token.status == by_key.status == 201 and by_token.body["id"] != by_key.body["id"]
    refreshed = (await client.refresh(tokens["refresh_token"])).body
    retried = await bearer(refreshed["access_token"]).post("clients", {"name": "Acme"}, headers=KEY)
    assert retried.raw == by_token.raw and retried.headers["Idempotent-Replayed"] == "true"
