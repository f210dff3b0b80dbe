"""Who is calling: API keys (``x-api-key`` or ``Authorization: Bearer``) resolved to a principal.

Authentication happens in a middleware (401); each operation then requires its scope (403).
Other credential kinds (OAuth access tokens) register an ``Authenticator`` on the sandbox.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web

from mockcasa.errors import Forbidden, Unauthorized

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
# The layers set it to None first, so that reading it never raises on a request's way.
PRINCIPAL: web.RequestKey[Principal | None] = web.RequestKey("principal")
PRINCIPALS_KEPT = 10_000  # API keys whose principal is kept ready (the oldest made is dropped first)

# An authenticator turns a presented token into a principal, or returns None if it is not its kind.
Authenticator = Callable[["Sandbox", str], "Principal | None"]


def credential_of(request: web.Request) -> str:
    """The token the request presents; 401 when there is none or it is malformed."""
    key = request.headers.get("x-api-key")
    if key is not None:
        key = key.strip()
        if not key:
            raise Unauthorized("The x-api-key header is empty.")
        return key
    header = request.headers.get("Authorization")
    if header is None:
        raise Unauthorized("Missing credentials: send an API key in the x-api-key header "
                           "or as 'Authorization: Bearer <key>'.")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Malformed Authorization header: expected 'Bearer <key or token>'.")
    return token.strip()


class Principals:
    """The principal of each API key in use, made once and checked against the key on every use.

    A request would otherwise build a ``Principal`` and look its organization up each time. What
    the principal was made from is kept beside it and compared with the sandbox's current key on
    every use (the same key object, scopes, rate limit and id, the same organization object), so a
    revoked or replaced key, changed scopes or a reset organization take effect on the next request.
    At most ``limit`` keys are kept. Other credentials (OAuth tokens) go to the sandbox's
    authenticators every time. A principal holds its organization: those of an organization removed,
    reset or replaced by an import are dropped then, so what the organization held is freed at once
    (the pytest plugin removes one per test) instead of waiting for its key's next use.
    """

    def __init__(self, sandbox: Sandbox, limit: int = PRINCIPALS_KEPT) -> None:
        self.sandbox = sandbox
        self.limit = limit
        self._kept: dict[str, tuple] = {}  # token -> (key, scopes, rate limit, key id, org, principal)
        self._tokens: dict[str, set[str]] = {}  # organization id -> its tokens in ``_kept``
        sandbox.restore_listeners.append(self._forget)

    def of(self, token: str) -> Principal:
        """The principal ``token`` stands for; 401 when it stands for none."""
        sandbox = self.sandbox
        api_key = sandbox.api_keys.get(token)
        if api_key is None:
            return _authenticated_otherwise(sandbox, token)
        org = sandbox.organizations.get(api_key.organization_id)
        if org is None:  # its organization is gone (its keys go with it)
            raise _not_recognised()
        kept = self._kept.get(token)
        if (kept is not None and kept[0] is api_key and kept[1] is api_key.scopes and kept[2] == api_key.rate_limit
                and kept[3] is api_key.id and kept[4] is org):
            return kept[5]
        principal = Principal(org=org, scopes=api_key.scopes, credential_id=api_key.id, rate_limit=api_key.rate_limit)
        if kept is None and len(self._kept) >= self.limit:
            self._drop(next(iter(self._kept)))
        elif kept is not None:
            self._drop(token)
        self._kept[token] = (api_key, api_key.scopes, api_key.rate_limit, api_key.id, org, principal)
        self._tokens.setdefault(org.id, set()).add(token)
        return principal

    def _drop(self, token: str) -> None:
        org_id = self._kept.pop(token)[4].id
        tokens = self._tokens[org_id]
        tokens.discard(token)
        if not tokens:
            del self._tokens[org_id]

    def _forget(self, organization_ids: Collection[str] | None) -> None:
        """The sandbox's restore listener: drop the principals of these organizations (None: all)."""
        if organization_ids is None:
            self._kept.clear()
            self._tokens.clear()
            return
        for org_id in organization_ids:
            for token in self._tokens.pop(org_id, ()):
                del self._kept[token]


PRINCIPALS: web.AppKey[Principals] = web.AppKey("principals", Principals)


def _authenticated_otherwise(sandbox: Sandbox, token: str) -> Principal:
    for authenticator in sandbox.authenticators:
        principal = authenticator(sandbox, token)
        if principal is not None:
            return principal
    raise _not_recognised()


def _not_recognised() -> Unauthorized:
    return Unauthorized("Invalid credentials: this API key or token is not recognised.")


def principal_of(request: web.Request) -> Principal:
    """The request's principal, authenticating its credential the first time (401 when it has none)."""
    # Read from the request's state dict itself (``request[PRINCIPAL]`` is a Python-level method):
    # three times on every request's path (the layers, the handler, the journal).
    state = request._state
    principal = state.get(PRINCIPAL)  # the layers set it (None) first; other callers may not have
    if principal is None:
        principal = state[PRINCIPAL] = request.app[PRINCIPALS].of(credential_of(request))
    return principal
