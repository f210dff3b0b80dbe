"""The token endpoint's refusals (RFC 6749 §5.2) and client authentication (§2.3.1)."""

from datetime import timedelta

import pytest

from tests.oauth.conftest import SECRET
from tests.support.oauth_flow import TOKEN, OAuthClient, basic


def assert_error(reply, status: int, error: str, words: str = "") -> None:
    assert reply.status == status, reply
    assert reply.body["error"] == error, reply.body
    assert words in reply.body["error_description"]
    assert reply.headers["Cache-Control"] == "no-store"


async def test_wrong_verifier_is_invalid_grant_and_leaves_the_code_usable(client):
    code = await client.code()
    wrong = await client.exchange(code, code_verifier="x" * 43)
    assert_error(wrong, 400, "invalid_grant", "code_verifier does not match")
    assert (await client.exchange(code)).status == 200


@pytest.mark.parametrize("verifier, words", [
    (None, "code_verifier is required"), ("short", "43-128"), ("x" * 129, "43-128"), ("é" * 43, "43-128"),
])
async def test_missing_or_malformed_verifier_is_invalid_request(client, verifier, words):
    reply = await client.exchange(await client.code(), code_verifier=verifier)
    assert_error(reply, 400, "invalid_request", words)


async def test_reused_code_is_refused_and_revokes_what_it_issued(client, bearer):
    code = await client.code()
    first = (await client.exchange(code)).body
    api = bearer(first["access_token"])
    assert (await api.get("clients")).status == 200
    again = await client.exchange(code)
    assert_error(again, 400, "invalid_grant", "already used")
    revoked = await api.get("clients")
    assert revoked.status == 401 and "revoked" in revoked.error["message"]
    assert_error(await client.refresh(first["refresh_token"]), 400, "invalid_grant", "revoked")


async def test_tokens_refreshed_from_a_reused_code_are_revoked_too(client, bearer):
    code = await client.code()
    first = (await client.exchange(code)).body
    second = (await client.refresh(first["refresh_token"])).body
    await client.exchange(code)
    assert (await bearer(second["access_token"]).get("clients")).status == 401
    assert (await client.refresh(second["refresh_token"])).status == 400


async def test_code_issued_to_another_client_is_invalid_grant(client, server_client):
    code = await client.code()
    server_client.verifier = client.verifier
    assert_error(await server_client.exchange(code), 400, "invalid_grant", "another client")
    assert (await client.exchange(code)).status == 200


async def test_code_expires_after_10_minutes_on_the_org_clock(client, frozen):
    late = await client.code()
    just_in_time = await client.code()
    frozen.advance(timedelta(minutes=9, seconds=59))
    assert (await client.exchange(just_in_time)).status == 200
    frozen.advance(timedelta(seconds=1))
    assert_error(await client.exchange(late), 400, "invalid_grant", "expired")


async def test_unknown_code_is_invalid_grant(client):
    assert_error(await client.exchange("not-a-code"), 400, "invalid_grant", "Unknown authorization code")


async def test_redirect_uri_must_repeat_the_authorize_one(client):
    code = await client.code()
    assert_error(await client.exchange(code, redirect_uri="http://localhost:3000/cb?tenant=7"), 400,
                 "invalid_grant", "redirect_uri does not match")
    assert_error(await client.exchange(code, redirect_uri=None), 400, "invalid_request",
                 "redirect_uri is required")
    assert (await client.exchange(code)).status == 200


@pytest.mark.parametrize("form, status, error, words", [
    ({}, 400, "invalid_request", "grant_type is required"),
    ({"grant_type": "password"}, 400, "unsupported_grant_type", "'password'"),
    ({"grant_type": "client_credentials"}, 400, "unsupported_grant_type", "authorization_code"),
    ({"grant_type": "authorization_code"}, 400, "invalid_request", "code is required"),
    ({"grant_type": "refresh_token"}, 400, "invalid_request", "refresh_token is required"),
    ({"grant_type": "refresh_token", "refresh_token": "ccrt_nope"}, 400, "invalid_grant", "Unknown"),
])
async def test_malformed_token_requests(client, form, status, error, words):
    assert_error(await client.post_form(TOKEN, form), status, error, words)


async def test_token_endpoint_wants_a_form_body(client, http):
    reply = await http.post(TOKEN, json={"grant_type": "authorization_code"})
    assert reply.status == 400 and (await reply.json())["error"] == "invalid_request"
    assert "x-www-form-urlencoded" in (await reply.json())["error_description"]


async def test_duplicated_form_parameter_is_invalid_request(client, http):
    code = await client.code()
    body = f"grant_type=authorization_code&code={code}&code={code}&client_id=partner-spa"
    reply = await http.post(TOKEN, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert reply.status == 400 and "more than once" in (await reply.json())["error_description"]


async def test_unknown_client_is_401_invalid_client(http, public_app):
    reply = await OAuthClient(http, "ghost").exchange("whatever")
    assert_error(reply, 401, "invalid_client", "unknown client_id")
    assert reply.headers["WWW-Authenticate"].startswith("Basic")


async def test_missing_client_id_is_401_invalid_client(client):
    reply = await client.post_form(TOKEN, {"grant_type": "refresh_token", "refresh_token": "x"}, auth=False)
    assert_error(reply, 401, "invalid_client", "no client_id")


async def test_confidential_client_with_basic_or_body_auth(http, confidential_app):
    for use_basic in (True, False):
        client = OAuthClient(http, confidential_app.client_id, secret=SECRET, use_basic=use_basic)
        tokens = await client.login()
        assert (await client.refresh(tokens["refresh_token"])).status == 200


@pytest.mark.parametrize("headers, form, status, error, words", [
    ({}, {"client_id": "partner-server"}, 401, "invalid_client", "must send its client_secret"),
    ({}, {"client_id": "partner-server", "client_secret": "wrong-secret"}, 401, "invalid_client", "wrong"),
    (basic("partner-server", "wrong-secret"), {}, 401, "invalid_client", "wrong client_secret"),
    (basic("partner-server", ""), {}, 401, "invalid_client", "must send its client_secret"),
    ({"Authorization": "Basic !!notbase64"}, {}, 401, "invalid_client", "Malformed HTTP Basic"),
    ({"Authorization": "Basic " + "bm9jb2xvbg=="}, {}, 401, "invalid_client", "Malformed HTTP Basic"),
    ({"Authorization": "Bearer abc"}, {}, 401, "invalid_client", "only HTTP Basic"),
    (basic("partner-server", SECRET), {"client_secret": SECRET}, 400, "invalid_request", "not both"),
    (basic("partner-server", SECRET), {"client_id": "partner-spa"}, 400, "invalid_request", "differs"),
])
async def test_confidential_client_authentication_failures(server_client, headers, form, status, error,
                                                           words):
    code = await server_client.code()
    request = {"grant_type": "authorization_code", "code": code, "redirect_uri": server_client.redirect_uri,
               "code_verifier": server_client.verifier, **form}
    reply = await server_client.post_form(TOKEN, request, headers=headers, auth=False)
    assert_error(reply, status, error, words)
    assert (await server_client.exchange(code)).status == 200  # the refused attempt did not burn the code


async def test_public_client_may_not_present_a_secret(client):
    reply = await client.exchange(await client.code(), client_secret="guessed-secret")
    assert_error(reply, 401, "invalid_client", "public client")


async def test_public_client_with_empty_basic_secret_is_accepted(client):
    code = await client.code()
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": client.redirect_uri,
            "code_verifier": client.verifier}
    reply = await client.post_form(TOKEN, form, headers=basic("partner-spa", ""), auth=False)
    assert reply.status == 200


async def test_refresh_token_of_another_client_is_invalid_grant(client, server_client):
    tokens = await client.login()
    assert_error(await server_client.refresh(tokens["refresh_token"]), 400, "invalid_grant", "another client")
    assert (await client.refresh(tokens["refresh_token"])).status == 200
