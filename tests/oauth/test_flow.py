"""The whole OAuth journey a partner runs, over HTTP: authorize, token, API calls, refresh, expiry."""

from datetime import timedelta

import jwt

from tests.oauth.conftest import SCOPES, START
from tests.support.oauth_flow import REDIRECT, OAuthClient


async def test_full_flow_authorize_token_call_refresh_expire(client, bearer, http, org, frozen):
    redirect = await client.authorize(scope="clients:read clients:write")
    assert redirect.status == 302
    assert redirect.target == REDIRECT
    assert redirect.params["state"] == "xyz-state"
    assert redirect.params["iss"] == str(http.make_url("/")).rstrip("/")
    assert redirect.body == ""

    reply = await client.exchange(redirect.params["code"])
    assert reply.status == 200, reply
    assert reply.headers["Cache-Control"] == "no-store"
    tokens = reply.body
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 3600
    assert tokens["scope"] == "clients:read clients:write"
    assert tokens["refresh_token"].startswith("ccrt_")

    api = bearer(tokens["access_token"])
    created = await api.post("clients", {"name": "Made through OAuth"})
    assert created.status == 201
    listed = await api.get("clients")
    assert listed.status == 200 and [c["name"] for c in listed.body["data"]] == ["Made through OAuth"]
    assert (await api.get("projects")).status == 403  # projects:read was allowed but not requested

    refreshed = await client.refresh(tokens["refresh_token"])
    assert refreshed.status == 200, refreshed
    new = refreshed.body
    assert new["refresh_token"] != tokens["refresh_token"]
    assert new["access_token"] != tokens["access_token"]
    assert new["scope"] == "clients:read clients:write"

    fresh = bearer(new["access_token"])
    assert (await fresh.get("clients")).status == 200
    frozen.advance(timedelta(minutes=59, seconds=59))
    assert (await fresh.get("clients")).status == 200
    frozen.advance(timedelta(seconds=1))
    expired = await fresh.get("clients")
    assert expired.status == 401 and expired.error["code"] == "unauthorized"
    assert "expired" in expired.error["message"]

    # The refresh token outlives the access token, and rotation keeps going.
    again = await client.refresh(new["refresh_token"])
    assert again.status == 200
    assert (await bearer(again.body["access_token"]).get("clients")).status == 200

    # Replaying a rotated refresh token is refused, and (RFC 9700 §4.14.2) ends the whole grant.
    old = await client.refresh(tokens["refresh_token"])
    assert old.status == 400 and old.body["error"] == "invalid_grant"
    assert "already used" in old.body["error_description"]
    assert (await bearer(again.body["access_token"]).get("clients")).status == 401


async def test_refresh_token_lives_30_days_on_the_org_clock(client, frozen):
    tokens = await client.login()
    frozen.advance(timedelta(days=30) - timedelta(seconds=1))
    ok = await client.refresh(tokens["refresh_token"])
    assert ok.status == 200
    frozen.advance(timedelta(days=30))
    late = await client.refresh(ok.body["refresh_token"])
    assert late.status == 400 and late.body["error"] == "invalid_grant"
    assert "expired" in late.body["error_description"]


async def test_access_token_claims_verify_with_the_published_jwks(client, http, org, frozen):
    tokens = await client.login(scope="clients:read")
    metadata = await (await http.get("/.well-known/oauth-authorization-server")).json()
    jwks = await (await http.get(metadata["jwks_uri"].removeprefix(metadata["issuer"]))).json()
    header = jwt.get_unverified_header(tokens["access_token"])
    assert header["alg"] == "RS256" and header["typ"] == "at+jwt"
    key = jwt.PyJWKSet.from_dict(jwks)[header["kid"]]
    # The token is checked against the organization's clock, so wall-clock exp checks are off here.
    claims = jwt.decode(tokens["access_token"], key.key, algorithms=["RS256"], issuer=metadata["issuer"],
                        audience=metadata["issuer"] + "/api/v1", options={"verify_exp": False,
                                                                          "verify_iat": False})
    member = next(iter(org.members))
    assert claims["organizationId"] == org.id and claims["sub"] == member
    assert claims["scope"] == "clients:read" and claims["client_id"] == "partner-spa"
    assert claims["iat"] == int(START.timestamp()) and claims["exp"] == claims["iat"] + 3600
    assert claims["jti"]


async def test_metadata_document_names_every_endpoint(http, sandbox):
    reply = await http.get("/.well-known/oauth-authorization-server")
    assert reply.status == 200
    doc = await reply.json()
    issuer = doc["issuer"]
    assert doc["authorization_endpoint"] == issuer + "/api/auth/oauth2/authorize"
    assert doc["token_endpoint"] == issuer + "/api/auth/oauth2/token"
    assert doc["revocation_endpoint"] == issuer + "/api/auth/oauth2/revoke"
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert doc["grant_types_supported"] == ["authorization_code", "refresh_token"]
    assert set(doc["token_endpoint_auth_methods_supported"]) == {"client_secret_basic", "client_secret_post",
                                                                 "none"}
    assert doc["scopes_supported"] == sorted(sandbox.all_scopes)
    jwks = await (await http.get(doc["jwks_uri"].removeprefix(issuer))).json()
    assert [k["kty"] for k in jwks["keys"]] == ["RSA"] and "d" not in jwks["keys"][0]


async def test_token_times_follow_the_organization_clock(client, frozen):
    frozen.set(START + timedelta(days=400))
    claims = jwt.decode((await client.login())["access_token"], options={"verify_signature": False})
    assert claims["iat"] == int((START + timedelta(days=400)).timestamp())


async def test_refresh_may_narrow_scope_but_not_widen_it(client, bearer):
    tokens = await client.login(scope="clients:read clients:write")
    narrow = await client.refresh(tokens["refresh_token"], scope="clients:read")
    assert narrow.status == 200 and narrow.body["scope"] == "clients:read"
    api = bearer(narrow.body["access_token"])
    assert (await api.get("clients")).status == 200
    assert (await api.post("clients", {"name": "Nope"})).status == 403
    # The grant keeps its original scopes: the next refresh may ask for them again...
    back = await client.refresh(narrow.body["refresh_token"], scope="clients:read clients:write")
    assert back.status == 200 and back.body["scope"] == "clients:read clients:write"
    # ...but never for more than was granted, and the refused request changes nothing.
    wider = await client.refresh(back.body["refresh_token"], scope="clients:read projects:read")
    assert wider.status == 400 and wider.body["error"] == "invalid_scope"
    assert (await client.refresh(back.body["refresh_token"])).status == 200


async def test_default_scope_is_everything_the_app_allows(client):
    tokens = await client.login(scope=None)
    assert tokens["scope"] == " ".join(sorted(SCOPES))


async def test_other_organizations_records_are_404(client, bearer, other_api):
    theirs = await other_api.create("clients", name="Not yours")
    api = bearer((await client.login())["access_token"])
    reply = await api.get(f"clients/{theirs['id']}")
    assert reply.status == 404 and reply.error["code"] == "not_found"
    assert (await api.get("clients")).body["data"] == []


async def test_registered_redirect_with_its_own_query_keeps_it(http, public_app):
    client = OAuthClient(http, public_app.client_id, redirect_uri="http://localhost:3000/cb?tenant=7")
    redirect = await client.authorize()
    assert redirect.location.startswith("http://localhost:3000/cb?tenant=7&code=")
    assert redirect.params["tenant"] == "7"
    assert (await client.exchange(redirect.params["code"])).status == 200


async def test_redirect_uri_may_be_omitted_when_only_one_is_registered(server_client):
    code = await server_client.code(redirect_uri=None)
    assert (await server_client.exchange(code, redirect_uri=None)).status == 200


async def test_consent_page_then_approve_or_deny(client):
    page = await client.authorize(prompt="consent", scope="clients:read")
    assert page.status == 200 and page.location is None
    assert "Partner SPA" in page.body and "clients:read" in page.body
    assert 'name="decision" value="approve"' in page.body
    approved = await client.authorize(prompt="consent", scope="clients:read", decision="approve")
    assert approved.status == 302 and "code" in approved.params
    denied = await client.authorize(prompt="consent", decision="deny")
    assert denied.status == 302 and denied.params["error"] == "access_denied"
    assert denied.params["state"] == "xyz-state" and "code" not in denied.params


async def test_principal_is_per_app_and_member(client, oauth, sandbox, public_app):
    first, second = await client.login(), await client.login()
    a = oauth.authenticate(sandbox, first["access_token"])
    b = oauth.authenticate(sandbox, second["access_token"])
    assert a.credential_id == b.credential_id == f"oauth:partner-spa:{public_app.member_id}"
    assert a.kind == "oauth" and a.org is public_app.organization


async def test_the_flow_works_in_the_clock_s_last_minutes(client, bearer, org, frozen):
    """Lifetimes added near year 9999 stop at the end of the range instead of overflowing (a 500)."""
    from datetime import UTC, datetime

    frozen.freeze(datetime(9999, 12, 31, 23, 55, tzinfo=UTC))
    tokens = await client.login(scope="clients:read")
    assert (await bearer(tokens["access_token"]).get("clients")).status == 200
    refreshed = await client.refresh(tokens["refresh_token"])
    assert refreshed.status == 200, refreshed
