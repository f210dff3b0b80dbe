"""The sandbox's RS256 signing key: what access tokens are signed with and clients verify (JWKS).

It is state, not configuration: tokens issued before a snapshot must still verify after it is
imported, so the key travels in the snapshot (as PEM; this is a sandbox, not a vault).

PyJWT and cryptography are imported on first use, not with the module: together they are about
85 ms of a server's start, and a plain ``mockcasa serve`` (or a pytest app) may never see OAuth.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import rsa

ALGORITHM = "RS256"
# The claims every mockcasa access token carries; a token missing one is not ours.
REQUIRED_CLAIMS = ["iss", "sub", "aud", "exp", "iat", "jti", "organizationId", "scope", "client_id"]


class InvalidToken(ValueError):
    """A token this key did not sign, or not a well-formed JWT (PyJWT's ``InvalidTokenError``)."""


class SigningKey:
    """One RSA key per sandbox, generated on first use (so apps that never use OAuth pay nothing).

    ``private`` supplies a key instead (tests share one: generating a 2048-bit key costs ~50 ms).
    """

    def __init__(self, private: rsa.RSAPrivateKey | None = None) -> None:
        self._private = private
        self._kid = _thumbprint(self.public_jwk(private)) if private is not None else ""

    def _key(self) -> rsa.RSAPrivateKey:
        if self._private is None:
            from cryptography.hazmat.primitives.asymmetric import rsa

            self._private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            self._kid = _thumbprint(self.public_jwk(self._private))
        return self._private

    @property
    def kid(self) -> str:
        self._key()
        return self._kid

    @staticmethod
    def public_jwk(private: rsa.RSAPrivateKey) -> dict[str, Any]:
        from jwt.algorithms import RSAAlgorithm

        return RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)

    def jwks(self) -> dict[str, Any]:
        """The JSON Web Key Set clients verify access tokens with."""
        jwk = {**self.public_jwk(self._key()), "kid": self.kid, "use": "sig", "alg": ALGORITHM}
        return {"keys": [jwk]}

    def sign(self, claims: dict[str, Any]) -> str:
        import jwt

        # typ at+jwt: a JWT access token per RFC 9068, so it cannot be mistaken for an ID token.
        return jwt.encode(claims, self._key(), algorithm=ALGORITHM, headers={"kid": self.kid, "typ": "at+jwt"})

    def verify(self, token: str) -> dict[str, Any]:
        """The claims of a token this key signed; raises ``InvalidToken`` otherwise.

        Time claims are deliberately not checked here: expiry follows the organization's clock.
        """
        if self._private is None:
            raise InvalidToken("no token has been signed yet")
        import jwt

        options = {"verify_exp": False, "verify_iat": False, "verify_nbf": False, "verify_aud": False,
                   "verify_iss": False, "require": REQUIRED_CLAIMS}
        try:
            return jwt.decode(token, self._private.public_key(), algorithms=[ALGORITHM], options=options)
        except jwt.InvalidTokenError as exc:
            raise InvalidToken(str(exc)) from None

    def pem(self) -> str | None:
        """The private key as PKCS#8 PEM, or None while no key has been needed yet."""
        if self._private is None:
            return None
        from cryptography.hazmat.primitives import serialization

        return self._private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()).decode()

    @classmethod
    def from_pem(cls, pem: str) -> SigningKey:
        """The key ``pem()`` wrote; ``ValueError`` if it is not an unencrypted RSA private key."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        try:
            private = serialization.load_pem_private_key(pem.encode(), password=None)
        except (TypeError, ValueError) as exc:
            raise ValueError(str(exc) or "unreadable") from None
        if not isinstance(private, rsa.RSAPrivateKey):
            raise ValueError("not an RSA key")  # noqa: TRY004 - one error type for every unusable PEM
        return cls(private)


def _thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638 JWK thumbprint: a key id that is stable for a given key."""
    canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()
