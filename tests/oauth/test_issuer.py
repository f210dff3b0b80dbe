"""The issuer comes from configuration, never from the ``Host`` header (issue 13 §6).

Any client may send ``Host: evil.example``; before, metadata, the authorize redirect's ``iss`` and
the tokens' ``iss``/``aud`` then named ``http://evil.example``.
"""

from __future__ import annotations

import jwt
import pytest
from pydantic import ValidationError

from mockcasa.config import Settings
from tests.support.oauth_flow import AUTHORIZE, REDIRECT, TOKEN, Redirect

EVIL = {"Host": "evil.example"}


def bound(http) -> str:
    return str(http.make_url("/")).rstrip("/")


async def metadata(http, headers=None) -> dict:
    async with http.get("/.well-known/oauth-authorization-server", headers=headers) as resp:
        assert resp.status == 200
        return await resp.json()


async def authorize(client, headers) -> Redirect:
    params = {"response_type": "code", "client_id": client.client_id, "redirect_uri": REDIRECT, "state": "s",
              "code_challenge": client.challenge, "code_challenge_method": "S256"}
    async with client.http.get(AUTHORIZE, params=params, headers=headers, allow_redirects=False) as resp:
        return Redirect(resp.status, resp.headers.get("Location"), await resp.text())


async def test_the_host_header_does_not_choose_the_issuer(http, client):
    issuer = bound(http)
    document = await metadata(http, EVIL)
    assert document["issuer"] == issuer
    assert all(document[k].startswith(issuer + "/") for k in ("authorization_endpoint", "token_endpoint",
                                                             "revocation_endpoint", "jwks_uri"))
    redirect = await authorize(client, EVIL)
    assert redirect.params["iss"] == issuer
    tokens = await client.post_form(TOKEN, {"grant_type": "authorization_code", "code": redirect.params["code"],
                                            "redirect_uri": REDIRECT, "code_verifier": client.verifier},
                                    headers=EVIL)
    assert tokens.status == 200, tokens
    claims = jwt.decode(tokens.body["access_token"], options={"verify_signature": False})
    assert claims["iss"] == issuer and claims["aud"].startswith(issuer)


@pytest.mark.parametrize("settings", [Settings(public_url="https://sandbox.example.com/")])
async def test_the_public_url_is_the_issuer(http, client, bearer):
    document = await metadata(http, EVIL)
    assert document["issuer"] == "https://sandbox.example.com"
    assert document["token_endpoint"] == "https://sandbox.example.com/api/auth/oauth2/token"
    redirect = await authorize(client, EVIL)
    assert redirect.params["iss"] == "https://sandbox.example.com"
    tokens = (await client.exchange(redirect.params["code"])).body
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    assert claims["iss"] == "https://sandbox.example.com"
    assert (await bearer(tokens["access_token"]).get("clients")).status == 200


def test_the_public_url_is_read_from_the_environment_and_checked():
    assert Settings.from_env({"MOCKCASA_PUBLIC_URL": "http://localhost:9000/"}).public_url == "http://localhost:9000"
    assert Settings.from_env({"MOCKCASA_PUBLIC_URL": "http://a:1"}, public_url="https://b").public_url == "https://b"
    for bad in ("evil.example", "ftp://x", "https://x/?q=1"):
        with pytest.raises(ValidationError):
            Settings(public_url=bad)
