"""Bearer tokens on the API (401 / 403 / 404) and RFC 7009 revocation."""

import base64
import json

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from mockcasa import create_app
from mockcasa.keys import SANDBOX
from mockcasa.oauth.server import oauth_of
from tests.support.oauth_flow import REDIRECT, REVOKE, OAuthClient


def _segment(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def tamper(token: str, **changes) -> str:
    """The same token with some claims changed and the original signature kept."""
    header, _, signature = token.split(".")
    claims = jwt.decode(token, options={"verify_signature": False})
    return ".".join([header, _segment({**claims, **changes}), signature])


async def assert_401(api, words: str) -> None:
    reply = await api.get("clients")
    assert reply.status == 401 and reply.error["code"] == "unauthorized", reply
    assert words in reply.error["message"]


@pytest.fixture
async def tokens(client):
    return await client.login(scope="clients:read")


async def test_missing_scope_is_403_naming_it(bearer, tokens):
    api = bearer(tokens["access_token"])
    reply = await api.post("clients", {"name": "Acme"})
    assert reply.status == 403 and reply.error["code"] == "forbidden"
    assert reply.error["details"] == {"requiredScope": "clients:write"}
    assert (await api.get("clients")).body["data"] == []


async def test_tampered_token_is_401(bearer, tokens):
    forged = tamper(tokens["access_token"], scope="clients:read clients:write")
    await assert_401(bearer(forged), "signature")
    other_org = tamper(tokens["access_token"], organizationId="00000000-0000-4000-8000-000000000000")
    await assert_401(bearer(other_org), "signature")
    await assert_401(bearer(tokens["access_token"][:-4] + "AAAA"), "signature")


async def test_unsigned_token_is_401(bearer, tokens):
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    unsigned = _segment({"alg": "none", "typ": "JWT"}) + "." + _segment(claims) + "."
    await assert_401(bearer(unsigned), "signature")


async def test_token_signed_by_another_key_is_401(bearer, tokens, sandbox):
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    kid = jwt.get_unverified_header(tokens["access_token"])["kid"]
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, stranger, algorithm="RS256", headers={"kid": kid})
    await assert_401(bearer(forged), "signature")


async def test_token_of_another_mockcasa_is_401(aiohttp_client, bearer, tokens):
    elsewhere = create_app()
    sandbox = elsewhere[SANDBOX]
    oauth_of(sandbox).apps.register(sandbox.create_organization(), client_id="partner-spa",
                                    redirect_uris=[REDIRECT])
    foreign = await OAuthClient(await aiohttp_client(elsewhere), "partner-spa").login()
    await assert_401(bearer(foreign["access_token"]), "signature")


async def test_revoked_access_token_is_401_and_its_refresh_token_still_works(client, bearer, tokens):
    reply = await client.revoke(tokens["access_token"], token_type_hint="access_token")
    assert reply.status == 200 and reply.body is None
    await assert_401(bearer(tokens["access_token"]), "revoked")
    refreshed = await client.refresh(tokens["refresh_token"])
    assert refreshed.status == 200
    assert (await bearer(refreshed.body["access_token"]).get("clients")).status == 200


async def test_revoking_a_refresh_token_ends_the_whole_grant(client, bearer, tokens):
    # A wrong hint is only a hint (RFC 7009 §2.1).
    assert (await client.revoke(tokens["refresh_token"], token_type_hint="access_token")).status == 200
    denied = await client.refresh(tokens["refresh_token"])
    assert denied.status == 400 and denied.body["error"] == "invalid_grant"
    await assert_401(bearer(tokens["access_token"]), "revoked")


async def test_revoking_unknown_or_twice_is_200(client, tokens):
    assert (await client.revoke("never-issued")).status == 200
    assert (await client.revoke(tokens["refresh_token"])).status == 200
    assert (await client.revoke(tokens["refresh_token"])).status == 200


async def test_revoking_another_clients_token_is_refused_and_changes_nothing(server_client, client, bearer,
                                                                             tokens):
    for value in (tokens["access_token"], tokens["refresh_token"]):
        reply = await server_client.revoke(value)
        assert reply.status == 400 and reply.body["error"] == "invalid_grant"
    assert (await bearer(tokens["access_token"]).get("clients")).status == 200
    assert (await client.refresh(tokens["refresh_token"])).status == 200


async def test_revocation_authenticates_the_client(http, server_client, confidential_app):
    tokens = await server_client.login()
    no_secret = OAuthClient(http, confidential_app.client_id)
    reply = await no_secret.revoke(tokens["refresh_token"])
    assert reply.status == 401 and reply.body["error"] == "invalid_client"
    missing = await server_client.revoke(None)
    assert missing.status == 400 and missing.body["error"] == "invalid_request"
    assert (await server_client.refresh(tokens["refresh_token"])).status == 200
    assert (await server_client.revoke(tokens["refresh_token"])).status == 200


async def test_removed_organization_or_member_ends_its_tokens(client, bearer, sandbox, org, tokens):
    member = org.members.pop(next(iter(org.members)))
    await assert_401(bearer(tokens["access_token"]), "member")
    gone = await client.refresh(tokens["refresh_token"])
    assert gone.status == 400 and "member" in gone.body["error_description"]
    refused = await client.authorize()
    assert refused.status == 302 and refused.params["error"] == "access_denied"
    org.members[member.id] = member
    assert (await bearer(tokens["access_token"]).get("clients")).status == 200
    sandbox.remove_organization(org.id)
    await assert_401(bearer(tokens["access_token"]), "not recognised")
    denied = await client.refresh(tokens["refresh_token"])
    assert denied.status == 401 and denied.body["error"] == "invalid_client"


async def test_api_keys_still_work_beside_tokens(api, tokens, bearer):
    assert (await api.get("clients")).status == 200
    assert (await bearer(tokens["access_token"]).get("clients")).status == 200


async def test_revoke_path_wants_post(http):
    assert (await http.get(REVOKE)).status == 405
