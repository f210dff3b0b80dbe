"""OAuth records do not outlive their use: purged after expiry, bounded per app, and a replayed
rotated refresh token ends its grant (RFC 9700 §4.14.2)."""

from __future__ import annotations

from datetime import timedelta

import mockcasa.state.oauth


async def test_expired_codes_and_tokens_are_purged_on_the_org_clock(client, oauth, bearer, frozen):
    await client.code()  # never redeemed
    tokens = await client.login()
    assert (len(oauth.tokens.codes), len(oauth.tokens.access), len(oauth.tokens.refresh)) == (2, 1, 1)
    frozen.advance(timedelta(hours=2, minutes=1))  # codes (10 min) and the access token (1 h), plus an hour
    assert (len(oauth.tokens.codes), len(oauth.tokens.access), len(oauth.tokens.refresh)) == (0, 0, 1)
    expired = await bearer(tokens["access_token"]).get("clients")
    assert expired.status == 401 and "expired" in expired.error["message"]  # still told why
    assert (await client.refresh(tokens["refresh_token"])).status == 200
    frozen.advance(timedelta(days=31, hours=1))
    await client.code()  # issuing purges too
    assert (len(oauth.tokens.codes), len(oauth.tokens.access), len(oauth.tokens.refresh)) == (1, 0, 0)


async def test_each_app_keeps_a_bounded_number_of_codes(client, oauth, monkeypatch):
    monkeypatch.setattr(mockcasa.state.oauth, "MAX_CODES_PER_APP", 3)
    codes = [await client.code() for _ in range(5)]
    assert list(oauth.tokens.codes) == codes[2:]
    assert (await client.exchange(codes[0])).body["error"] == "invalid_grant"
    assert (await client.exchange(codes[4])).status == 200


async def test_a_replayed_rotated_refresh_token_revokes_the_whole_grant(client, bearer):
    tokens = await client.login()
    rotated = (await client.refresh(tokens["refresh_token"])).body
    assert (await bearer(rotated["access_token"]).get("clients")).status == 200
    replay = await client.refresh(tokens["refresh_token"])
    assert replay.status == 400 and replay.body["error"] == "invalid_grant"
    assert "revoked" in replay.body["error_description"]
    revoked = await bearer(rotated["access_token"]).get("clients")
    assert revoked.error["message"] == "The access token was revoked."
    assert "revoked" in (await client.refresh(rotated["refresh_token"])).body["error_description"]
