"""The authorize endpoint's refusals (RFC 6749 §4.1.2.1): redirect with error= only to a trusted URI."""

import pytest

from tests.support.oauth_flow import REDIRECT, OAuthClient


def assert_plain_400(reply, words: str) -> None:
    """Refused without redirecting: the redirect URI cannot be trusted."""
    assert reply.status == 400 and reply.location is None, reply
    assert words in reply.body


def assert_redirected_error(reply, error: str, words: str = "") -> None:
    assert reply.status == 302, reply
    assert reply.target == REDIRECT
    params = reply.params
    assert params["error"] == error, params
    assert words in params["error_description"]
    assert params["state"] == "xyz-state" and "code" not in params


async def test_unknown_or_missing_client_is_a_plain_400(http, public_app):
    unknown = await OAuthClient(http, "no-such-app").authorize()
    assert_plain_400(unknown, "Unknown client_id")
    assert '"error": "invalid_request"' in unknown.body
    missing = await OAuthClient(http, public_app.client_id).authorize(client_id=None)
    assert_plain_400(missing, "client_id is required")


@pytest.mark.parametrize("uri", [
    "https://evil.example/callback", REDIRECT + "/", REDIRECT + "?extra=1", REDIRECT.upper(),
    "http://partner.example/callback",
])
async def test_redirect_uri_must_match_exactly_or_nothing_redirects(client, uri):
    reply = await client.authorize(redirect_uri=uri)
    assert_plain_400(reply, "not registered")


async def test_omitted_redirect_uri_with_several_registered_is_a_plain_400(client):
    assert_plain_400(await client.authorize(redirect_uri=None), "redirect_uri is required")


async def test_duplicated_client_id_is_a_plain_400(client):
    reply = await client.authorize(client_id=["partner-spa", "partner-spa"])
    assert_plain_400(reply, "more than once")


@pytest.mark.parametrize("overrides, error, words", [
    ({"response_type": None}, "invalid_request", "response_type is required"),
    ({"response_type": "token"}, "unsupported_response_type", "only 'code'"),
    ({"scope": "clients:read projects:write"}, "invalid_scope", "projects:write"),
    ({"scope": "made-up:scope"}, "invalid_scope", "made-up:scope"),
    ({"code_challenge": None}, "invalid_request", "PKCE is required"),
    ({"code_challenge_method": "plain"}, "invalid_request", "only S256"),
    ({"code_challenge_method": None}, "invalid_request", "only S256"),
    ({"code_challenge_method": "S512"}, "invalid_request", "only S256"),
    ({"code_challenge": "too-short"}, "invalid_request", "43-character"),
    ({"state": ["xyz-state", "again"]}, "invalid_request", "'state' was sent more than once"),
    ({"decision": "maybe"}, "invalid_request", "approve or deny"),
    ({"decision": "deny"}, "access_denied", "denied"),
])
async def test_errors_after_a_valid_redirect_uri_go_back_with_state(client, oauth, overrides, error, words):
    reply = await client.authorize(**overrides)
    assert_redirected_error(reply, error, words)
    assert reply.params["iss"]
    assert oauth.tokens.codes == {}


async def test_plain_pkce_is_refused_even_with_a_plain_challenge(client):
    reply = await client.authorize(code_challenge=client.verifier[:43], code_challenge_method="plain")
    assert_redirected_error(reply, "invalid_request", "S256")


async def test_app_of_a_removed_organization_is_unknown(client, sandbox, org):
    sandbox.remove_organization(org.id)
    assert_plain_400(await client.authorize(), "Unknown client_id")


async def test_authorize_wants_get(client, http):
    reply = await http.post("/api/auth/oauth2/authorize")
    assert reply.status == 405
