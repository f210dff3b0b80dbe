"""The sandbox's world, declared: organizations and their pieces, credentials, OAuth, fault rules.

- ``declare``: the ``Piece`` declaration, and reset/export/import/copy/adopt written once over it
- ``organization``: ``Organization`` (identity, clock, members, counters, records, idempotency
  keys, rate-limit windows, webhook deliveries) and ``Member``
- ``sandbox``: ``Sandbox`` (organizations, API keys, OAuth, fault rules) and ``ApiKey``
- ``records``, ``idempotency``, ``rate_windows``, ``oauth``, ``signing_key``: the pieces' own stores

Everything below the HTTP layer: the middlewares and endpoints use these stores, never the reverse.
"""

from mockcasa.state.organization import Member, Organization
from mockcasa.state.sandbox import ApiKey, Sandbox, generate_api_key

__all__ = ["ApiKey", "Member", "Organization", "Sandbox", "generate_api_key"]
