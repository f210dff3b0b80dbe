"""OAuth fixtures: a frozen organization clock, a public and a confidential app, their clients."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mockcasa.oauth.server import oauth_of
from tests.oauth.flow import REDIRECT, BearerApi, OAuthClient

START = datetime(2026, 5, 19, 10, 0, tzinfo=UTC)
SCOPES = ["clients:read", "clients:write", "projects:read"]
SECRET = "s3cret-of-the-confidential-app"


@pytest.fixture
def oauth(sandbox):
    return oauth_of(sandbox)


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
