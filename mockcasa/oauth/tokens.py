"""Token lifetimes, and the names of the records behind codes and tokens.

Access tokens are RS256 JWTs a client can verify with the published JWKS. The sandbox still
keeps a record of each (by ``jti``) so it can revoke them, and checks expiry against the
organization's mock clock rather than the wall clock. The records and the signing key are
declared state of the sandbox (``mockcasa.state.oauth``); they are named here too for the
rules that use them.
"""

from __future__ import annotations

from datetime import timedelta

from mockcasa.state.oauth import AccessToken, AuthorizationCode, Grant, OAuthState, RefreshToken
from mockcasa.state.signing_key import ALGORITHM, REQUIRED_CLAIMS, SigningKey

CODE_TTL = timedelta(minutes=10)
ACCESS_TOKEN_TTL = timedelta(hours=1)
REFRESH_TOKEN_TTL = timedelta(days=30)


def looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2 and token.startswith("eyJ")


__all__ = ["ACCESS_TOKEN_TTL", "ALGORITHM", "CODE_TTL", "REFRESH_TOKEN_TTL", "REQUIRED_CLAIMS", "AccessToken",
           "AuthorizationCode", "Grant", "OAuthState", "RefreshToken", "SigningKey", "looks_like_jwt"]
