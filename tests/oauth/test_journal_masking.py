"""The journal never shows OAuth secrets: client secrets, PKCE verifiers, access and refresh tokens."""

from tests.support.admin import Admin
from tests.support.oauth_flow import TOKEN


async def test_token_requests_and_answers_are_masked_in_the_journal(http, app, server_client):
    from mockcasa.admin import ADMIN_TOKEN

    server_client.use_basic = False  # client_secret in the form body
    tokens = await server_client.login()
    refreshed = await server_client.refresh(tokens["refresh_token"])
    assert refreshed.status == 200
    entries = (await Admin(http, app[ADMIN_TOKEN]).get("/journal", params={"path": TOKEN})).body["entries"]
    assert len(entries) == 2
    text = str(entries)
    for secret in (server_client.secret, server_client.verifier, tokens["access_token"], tokens["refresh_token"],
                   refreshed.body["access_token"], refreshed.body["refresh_token"]):
        assert secret not in text
    refresh, exchange = entries
    assert "code_verifier=" + server_client.verifier[:4] + "…" in exchange["request"]["body"]
    assert "client_secret=s3cr…" in exchange["request"]["body"]
    assert exchange["response"]["body"]["access_token"] == tokens["access_token"][:4] + "…"
    assert refresh["response"]["body"]["refresh_token"] == refreshed.body["refresh_token"][:4] + "…"
    assert exchange["response"]["body"]["token_type"].lower() == "bearer"  # the rest is shown as sent
