"""OAuth fixtures: a frozen organization clock, a public and a confidential app, their clients."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from mockcasa.oauth.server import oauth_of
from mockcasa.oauth.tokens import SigningKey
from tests.support.oauth_flow import REDIRECT, BearerApi, OAuthClient

START = datetime(2026, 5, 19, 10, 0, tzinfo=UTC)
SCOPES = ["clients:read", "clients:write", "projects:read"]
SECRET = "s3cret-of-the-confidential-app"


@pytest.fixture(scope="session")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def oauth(sandbox, rsa_key):
    """The sandbox's OAuth server, with a key shared across tests (each app would make its own)."""
    server = oauth_of(sandbox)
    server.key = SigningKey(rsa_key)
    return server


@pytest.fixture
def frozen(org):
    org.clock.freeze(START)
    return org.clock


@pytest.fixture
def public_app(oauth, org, frozen):
    return oauth.apps.register(org, client_id="partner-spa", name="Partner SPA", scopes=SCOPES,
                               redirect_uris=[REDIRECT, "http://localhost:3000/cb?tenant=7"])


@pytest.fixture
def confidential_app(oauth, org, frozen):
    return oauth.apps.register(org, client_id="partner-server", name="Partner Server", scopes=SCOPES,
                               redirect_uris=[REDIRECT], client_secret=SECRET)


@pytest.fixture
def client(http, public_app) -> OAuthClient:
    return OAuthClient(http, public_app.client_id)


@pytest.fixture
def server_client(http, confidential_app) -> OAuthClient:
    return OAuthClient(http, confidential_app.client_id, secret=SECRET)


@pytest.fixture
def bearer(http):
    """``bearer(access_token)``: an API client presenting the token as ``Authorization: Bearer``."""
    return lambda token: BearerApi(http, token)
