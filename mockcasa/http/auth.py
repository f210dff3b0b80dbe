"""Who is calling: API keys (``x-api-key`` or ``Authorization: Bearer``) resolved to a principal.

Authentication happens in a middleware (401); each operation then requires its scope (403).
Other credential kinds (OAuth access tokens) register an ``Authenticator`` on the sandbox.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web

from mockcasa.errors import Forbidden, Unauthorized
from mockcasa.keys import SANDBOX

if TYPE_CHECKING:
    from mockcasa.state import Organization, Sandbox



@dataclass
class Principal:
    org: Organization
    scopes: frozenset[str]
    credential_id: str  # what rate limits and idempotency keys are scoped to
    kind: str = "api_key"
    rate_limit: int | None = None

    def require(self, scope: str) -> None:
        if scope not in self.scopes:
            raise Forbidden(f"This credential lacks the '{scope}' scope required for this operation.",
                            {"requiredScope": scope})


# The request's principal, once its credential is known (set by the auth layer, read by the others).
PRINCIPAL: web.RequestKey[Principal] = web.RequestKey("principal", Principal)

# An authenticator turns a presented token into a principal, or returns None if it is not its kind.
Authenticator = Callable[["Sandbox", str], "Principal | None"]


def credential_of(request: web.Request) -> str:
    """The token the request presents; 401 when there is none or it is malformed."""
    key = request.headers.get("x-api-key")
    if key is not None:
        if not key.strip():
            raise Unauthorized("The x-api-key header is empty.")
        return key.strip()
    header = request.headers.get("Authorization")
    if header is None:
        raise Unauthorized("Missing credentials: send an API key in the x-api-key header "
                           "or as 'Authorization: Bearer <key>'.")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Malformed Authorization header: expected 'Bearer <key or token>'.")
    return token.strip()


def authenticate(sandbox: Sandbox, token: str) -> Principal:
    api_key = sandbox.api_keys.get(token)
    if api_key is not None:
        org = sandbox.organizations[api_key.organization_id]
        return Principal(org=org, scopes=api_key.scopes, credential_id=api_key.id,
                         rate_limit=api_key.rate_limit)
    for authenticator in sandbox.authenticators:
        principal = authenticator(sandbox, token)
        if principal is not None:
            return principal
    raise Unauthorized("Invalid credentials: this API key or token is not recognised.")


def principal_of(request: web.Request) -> Principal:
    """The request's principal, authenticating its credential the first time (401 when it has none)."""
    try:
        return request[PRINCIPAL]  # not .get(): asked several times a request, and one call is cheaper
    except KeyError:
        principal = request[PRINCIPAL] = authenticate(request.app[SANDBOX], credential_of(request))
        return principal
