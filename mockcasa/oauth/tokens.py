"""The signing key, JWT access tokens, and the records behind codes and refresh tokens.

Access tokens are RS256 JWTs a client can verify with the published JWKS. The sandbox still
keeps a record of each (by ``jti``) so it can revoke them, and checks expiry against the
organization's mock clock rather than the wall clock.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

if TYPE_CHECKING:
    from mockcasa.oauth.apps import OAuthApp

ALGORITHM = "RS256"
CODE_TTL = timedelta(minutes=10)
ACCESS_TOKEN_TTL = timedelta(hours=1)
REFRESH_TOKEN_TTL = timedelta(days=30)
# The claims every mockcasa access token carries; a token missing one is not ours.
REQUIRED_CLAIMS = ["iss", "sub", "aud", "exp", "iat", "jti", "organizationId", "scope", "client_id"]


class SigningKey:
    """One RSA key per sandbox, generated on first use (so apps that never use OAuth pay nothing).

    ``private`` supplies a key instead (tests share one: generating a 2048-bit key costs ~50 ms).
    """

    def __init__(self, private: rsa.RSAPrivateKey | None = None) -> None:
        self._private = private
        self._kid = _thumbprint(self.public_jwk(private)) if private is not None else ""

    def _key(self) -> rsa.RSAPrivateKey:
        if self._private is None:
            self._private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            self._kid = _thumbprint(self.public_jwk(self._private))
        return self._private

    @property
    def kid(self) -> str:
        self._key()
        return self._kid

    @staticmethod
    def public_jwk(private: rsa.RSAPrivateKey) -> dict[str, Any]:
        return RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)

    def jwks(self) -> dict[str, Any]:
        """The JSON Web Key Set clients verify access tokens with."""
        jwk = {**self.public_jwk(self._key()), "kid": self.kid, "use": "sig", "alg": ALGORITHM}
        return {"keys": [jwk]}

    def sign(self, claims: dict[str, Any]) -> str:
        # typ at+jwt: a JWT access token per RFC 9068, so it cannot be mistaken for an ID token.
        return jwt.encode(claims, self._key(), algorithm=ALGORITHM, headers={"kid": self.kid, "typ": "at+jwt"})

    def verify(self, token: str) -> dict[str, Any]:
        """The claims of a token this key signed; raises ``jwt.InvalidTokenError`` otherwise.

        Time claims are deliberately not checked here: expiry follows the organization's clock.
        """
        if self._private is None:
            raise jwt.InvalidSignatureError("no token has been signed yet")
        options = {"verify_exp": False, "verify_iat": False, "verify_nbf": False, "verify_aud": False,
                   "verify_iss": False, "require": REQUIRED_CLAIMS}
        return jwt.decode(token, self._private.public_key(), algorithms=[ALGORITHM], options=options)


def _thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638 JWK thumbprint: a key id that is stable for a given key."""
    canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


def looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2 and token.startswith("eyJ")


@dataclass(eq=False)
class Grant:
    """One authorization of one app by one member: every token that came from one code, revoked together."""

    app: OAuthApp
    member_id: str
    scopes: frozenset[str]
    revoked: bool = False


@dataclass(eq=False)
class AuthorizationCode:
    app: OAuthApp
    member_id: str
    scopes: frozenset[str]
    redirect_uri: str
    redirect_uri_given: bool  # sent on the authorize request, so the token request must repeat it
    code_challenge: str
    expires_at: datetime
    grant: Grant | None = None  # set once redeemed; a second redemption revokes it


@dataclass(eq=False)
class AccessToken:
    """What the sandbox remembers of an access token; its expiry is the JWT's own ``exp`` claim."""

    jti: str
    grant: Grant
    scopes: frozenset[str]
    revoked: bool = False


@dataclass(eq=False)
class RefreshToken:
    token: str
    grant: Grant
    expires_at: datetime
    rotated: bool = False  # used once already: rotation issued its successor


@dataclass
class TokenStore:
    """Codes, access tokens (by jti) and refresh tokens of one sandbox."""

    codes: dict[str, AuthorizationCode] = field(default_factory=dict)
    access: dict[str, AccessToken] = field(default_factory=dict)
    refresh: dict[str, RefreshToken] = field(default_factory=dict)

    def new_code(self, **values: Any) -> str:
        code = secrets.token_urlsafe(32)
        self.codes[code] = AuthorizationCode(**values)
        return code

    def new_access(self, grant: Grant, scopes: frozenset[str]) -> AccessToken:
        token = AccessToken(jti=secrets.token_urlsafe(16), grant=grant, scopes=scopes)
        self.access[token.jti] = token
        return token

    def new_refresh(self, grant: Grant, expires_at: datetime) -> RefreshToken:
        token = RefreshToken(token="ccrt_" + secrets.token_urlsafe(32), grant=grant, expires_at=expires_at)
        self.refresh[token.token] = token
        return token
