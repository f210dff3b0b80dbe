"""The authorization server's rules: codes, PKCE, token issuance, rotation, revocation, bearer checks.

No HTTP here (``endpoints.py`` translates); everything raises ``OAuthError`` with the RFC's
error code, and every time comparison uses the app's organization clock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from mockcasa.clock import format_timestamp, later
from mockcasa.errors import Unauthorized
from mockcasa.http.auth import Principal
from mockcasa.oauth.apps import AppRegistry, OAuthApp
from mockcasa.oauth.errors import OAuthError, invalid_client, invalid_grant, invalid_request, invalid_scope
from mockcasa.oauth.tokens import (
    ACCESS_TOKEN_TTL,
    CODE_TTL,
    REFRESH_TOKEN_TTL,
    Grant,
    SigningKey,
    looks_like_jwt,
)
from mockcasa.state import Sandbox
from mockcasa.state.oauth import OAuthState
from mockcasa.state.signing_key import InvalidToken

API_AUDIENCE_PATH = "/api/v1"
CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")  # base64url(SHA-256), unpadded (RFC 7636 §4.2)
VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}")  # RFC 7636 §4.1


def s256(verifier: str) -> str:
    """The S256 code challenge of a verifier: BASE64URL(SHA256(verifier)) without padding."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


def oauth_of(sandbox: Sandbox) -> OAuthServer:
    """The sandbox's OAuth server (its bearer authenticator registered on first use).

    The server keeps nothing itself: apps, key, codes and tokens are the sandbox's declared
    ``oauth`` state, so a reset or an import changes what every server object sees.
    """
    if bearer_principal not in sandbox.authenticators:
        sandbox.authenticators.append(bearer_principal)
    return OAuthServer(sandbox)


def bearer_principal(sandbox: Sandbox, value: str) -> Principal | None:
    """The ``Sandbox.authenticators`` entry for OAuth access tokens."""
    return OAuthServer(sandbox).authenticate(sandbox, value)


@dataclass
class AuthorizationRequest:
    """A validated authorize request, waiting for (automatic or explicit) consent."""

    app: OAuthApp
    redirect_uri: str
    redirect_uri_given: bool
    scopes: frozenset[str]
    code_challenge: str


class OAuthServer:
    """The rules, over the sandbox's OAuth state."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.apps = AppRegistry(sandbox)

    @property
    def tokens(self) -> OAuthState:
        return self.sandbox.oauth

    @property
    def key(self) -> SigningKey:
        return self.sandbox.oauth.key

    @key.setter
    def key(self, key: SigningKey) -> None:
        self.sandbox.oauth.key = key

    # -- authorization endpoint (RFC 6749 §4.1.1, RFC 7636 §4.3)

    def client_and_redirect(self, client_id: str | None, redirect_uri: str | None) -> tuple[OAuthApp, str, bool]:
        """The app and where to send the user back. Errors here must not redirect (§4.1.2.1)."""
        if not client_id:
            raise invalid_request("client_id is required.")
        app = self.apps.get(client_id)
        if app is None:
            raise invalid_request(f"Unknown client_id {client_id!r}: no OAuth app is registered with it.")
        if redirect_uri is None:
            if len(app.redirect_uris) != 1:
                raise invalid_request("redirect_uri is required: this app registers several redirect URIs.")
            return app, app.redirect_uris[0], False
        if redirect_uri not in app.redirect_uris:
            raise invalid_request(f"redirect_uri {redirect_uri!r} is not registered for this app "
                                  f"(registered: {', '.join(app.redirect_uris)}); it must match exactly.")
        return app, redirect_uri, True

    def authorization(self, app: OAuthApp, redirect_uri: str, given: bool,
                      params: Mapping[str, str]) -> AuthorizationRequest:
        """Check the rest of an authorize request; errors here go back to the redirect URI."""
        response_type = params.get("response_type")
        if not response_type:
            raise invalid_request("response_type is required (use response_type=code).")
        if response_type != "code":
            raise OAuthError("unsupported_response_type",
                             f"response_type {response_type!r} is not supported; only 'code' is.")
        scopes = self._requested_scopes(params.get("scope"), app.scopes, "this app's allowed scopes")
        method = params.get("code_challenge_method", "plain")  # RFC 7636 §4.3: the default is plain
        challenge = params.get("code_challenge")
        if challenge is None:
            raise invalid_request("PKCE is required: send code_challenge and code_challenge_method=S256.")
        if method != "S256":
            raise invalid_request(f"code_challenge_method {method!r} is refused; only S256 is accepted "
                                  "(an omitted method means plain).")
        if not CHALLENGE.fullmatch(challenge):
            raise invalid_request("code_challenge must be the 43-character base64url SHA-256 of the verifier.")
        if app.member_id not in app.organization.members:
            raise OAuthError("access_denied", "The member this app authorizes as no longer exists.")
        return AuthorizationRequest(app, redirect_uri, given, scopes, challenge)

    def issue_code(self, request: AuthorizationRequest) -> str:
        """A single-use code, valid ``CODE_TTL`` on the organization's clock."""
        app = request.app
        self.tokens.purge(app.organization)
        return self.tokens.new_code(app=app, member_id=app.member_id, scopes=request.scopes,
                                    redirect_uri=request.redirect_uri,
                                    redirect_uri_given=request.redirect_uri_given,
                                    code_challenge=request.code_challenge,
                                    expires_at=later(app.organization.clock.now(), CODE_TTL))

    # -- token endpoint (RFC 6749 §3.2.1, §4.1.3, §6)

    def authenticate_client(self, client_id: str | None, secret: str | None) -> OAuthApp:
        if not client_id:
            raise invalid_client("Client authentication failed: no client_id was sent "
                                 "(HTTP Basic, or client_id in the form body).")
        app = self.apps.get(client_id)
        if app is None:
            raise invalid_client(f"Client authentication failed: unknown client_id {client_id!r}.")
        if app.client_secret is None:
            if secret:
                raise invalid_client("Client authentication failed: this is a public client, it has no secret.")
            return app
        if not secret:
            raise invalid_client("Client authentication failed: this confidential client must send its "
                                 "client_secret (HTTP Basic or form body).")
        if not hmac.compare_digest(secret.encode(), app.client_secret.encode()):
            raise invalid_client("Client authentication failed: wrong client_secret.")
        return app

    def exchange_code(self, app: OAuthApp, params: Mapping[str, str], issuer: str) -> dict:
        code_value, verifier = params.get("code"), params.get("code_verifier")
        if not code_value:
            raise invalid_request("code is required for grant_type=authorization_code.")
        if not verifier:
            raise invalid_request("code_verifier is required: PKCE is mandatory.")
        if not VERIFIER.fullmatch(verifier):
            raise invalid_request("code_verifier must be 43-128 characters of A-Z a-z 0-9 - . _ ~.")
        code = self.tokens.codes.get(code_value)
        if code is None or not self.apps.alive(code.app):
            raise invalid_grant("Unknown authorization code.")
        if code.grant is not None:
            code.grant.revoked = True
            raise invalid_grant("This authorization code was already used; the tokens issued from it "
                                "are now revoked (RFC 6749 §4.1.2).")
        if code.app is not app:
            raise invalid_grant("This authorization code was issued to another client.")
        if app.organization.clock.now() >= code.expires_at:
            raise invalid_grant(f"This authorization code expired at {format_timestamp(code.expires_at)} "
                                "(codes live 10 minutes on the organization's clock).")
        redirect_uri = params.get("redirect_uri")
        if code.redirect_uri_given and redirect_uri is None:
            raise invalid_request("redirect_uri is required: the authorize request sent one.")
        if redirect_uri is not None and redirect_uri != code.redirect_uri:
            raise invalid_grant("redirect_uri does not match the one of the authorize request.")
        if not hmac.compare_digest(s256(verifier), code.code_challenge):
            raise invalid_grant("code_verifier does not match the code_challenge (S256).")
        code.grant = Grant(app=app, member_id=code.member_id, scopes=code.scopes)
        return self._issue(code.grant, code.scopes, issuer)

    def refresh(self, app: OAuthApp, params: Mapping[str, str], issuer: str) -> dict:
        value = params.get("refresh_token")
        if not value:
            raise invalid_request("refresh_token is required for grant_type=refresh_token.")
        token = self.tokens.refresh.get(value)
        if token is None or not self.apps.alive(token.grant.app):
            raise invalid_grant("Unknown refresh token.")
        grant = token.grant
        if grant.app is not app:
            raise invalid_grant("This refresh token was issued to another client.")
        if grant.revoked:
            raise invalid_grant("This refresh token was revoked.")
        if token.rotated:
            # RFC 9700 §4.14.2: a rotated token coming back means it leaked; end the whole grant.
            grant.revoked = True
            raise invalid_grant("This refresh token was already used: each refresh returns a new refresh "
                                "token and the old one stops working. Its grant is now revoked: every "
                                "token issued from it stops working (RFC 9700 §4.14.2).")
        if app.organization.clock.now() >= token.expires_at:
            raise invalid_grant(f"This refresh token expired at {format_timestamp(token.expires_at)}.")
        if grant.member_id not in app.organization.members:
            raise invalid_grant("The member this grant belongs to no longer exists.")
        scopes = self._requested_scopes(params.get("scope"), grant.scopes, "the scopes originally granted")
        token.rotated = True
        return self._issue(grant, scopes, issuer)

    def _requested_scopes(self, scope: str | None, allowed: frozenset[str], what: str) -> frozenset[str]:
        wanted = frozenset(scope.split()) if scope and scope.strip() else allowed
        extra = sorted(wanted - allowed)
        if extra:
            raise invalid_scope(f"Scope {' '.join(extra)} is not within {what} ({' '.join(sorted(allowed))}).")
        return wanted

    def _issue(self, grant: Grant, scopes: frozenset[str], issuer: str) -> dict:
        org = grant.app.organization
        now = org.clock.now()
        self.tokens.purge(org)
        access = self.tokens.new_access(grant, scopes, later(now, ACCESS_TOKEN_TTL))
        issued_at = int(now.timestamp())
        scope = " ".join(sorted(scopes))
        claims = {"iss": issuer, "sub": grant.member_id, "aud": issuer + API_AUDIENCE_PATH,
                  "iat": issued_at, "exp": issued_at + int(ACCESS_TOKEN_TTL.total_seconds()),
                  "jti": access.jti, "organizationId": org.id, "scope": scope,
                  "client_id": grant.app.client_id}
        refresh = self.tokens.new_refresh(grant, later(now, REFRESH_TOKEN_TTL))
        return {"access_token": self.key.sign(claims), "token_type": "Bearer",
                "expires_in": int(ACCESS_TOKEN_TTL.total_seconds()), "refresh_token": refresh.token,
                "scope": scope}

    # -- revocation endpoint (RFC 7009)

    def revoke(self, app: OAuthApp, value: str) -> None:
        """Revoke a refresh token (and its whole grant) or an access token; unknown tokens are ignored."""
        refresh = self.tokens.refresh.get(value)
        if refresh is not None:
            if refresh.grant.app is not app:
                raise invalid_grant("This token was issued to another client.")
            refresh.grant.revoked = True
            return
        access = self._access_record(value)
        if access is not None:
            if access.grant.app is not app:
                raise invalid_grant("This token was issued to another client.")
            access.revoked = True

    def _access_record(self, value: str):
        if not looks_like_jwt(value):
            return None
        try:
            claims = self.key.verify(value)
        except InvalidToken:
            return None
        return self.tokens.access.get(claims["jti"])

    # -- the API's bearer authenticator (``Sandbox.authenticators``)

    def authenticate(self, sandbox: Sandbox, value: str) -> Principal | None:
        """A principal for a valid access token; None for what is not a JWT; 401 for a bad one."""
        if not looks_like_jwt(value):
            return None
        try:
            claims = self.key.verify(value)
        except InvalidToken:
            raise Unauthorized("Invalid access token: its signature does not verify or it is malformed.") from None
        access = self.tokens.access.get(claims["jti"])
        if access is None:
            org = sandbox.organizations.get(claims["organizationId"])
            if org is not None and org.clock.timestamp() >= claims["exp"]:  # purged once it expired
                raise _expired(claims)
        if access is None or not self.apps.alive(access.grant.app) \
                or claims["aud"] != claims["iss"] + API_AUDIENCE_PATH:
            raise Unauthorized("Invalid access token: it is not recognised.")
        if access.revoked or access.grant.revoked:
            raise Unauthorized("The access token was revoked.")
        app, member_id = access.grant.app, access.grant.member_id
        org = app.organization
        if org.clock.timestamp() >= claims["exp"]:
            raise _expired(claims)
        if member_id not in org.members:
            raise Unauthorized("The member this access token acts for no longer exists.")
        # One credential per app and member, so rate limits count per app+user, not per token.
        return Principal(org=org, scopes=access.scopes, credential_id=f"oauth:{app.client_id}:{member_id}",
                         kind="oauth", rate_limit=app.rate_limit)


def _expired(claims: dict) -> Unauthorized:
    at = format_timestamp(datetime.fromtimestamp(claims["exp"], UTC))
    return Unauthorized(f"The access token expired at {at} (organization clock); refresh it.")
