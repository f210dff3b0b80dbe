"""OAuth 2.0 for third-party apps: authorization code with PKCE (S256), JWT access tokens, rotation.

- ``apps``: OAuth apps and their registry;  ``seeds``: apps declared in seed files
- ``server``: the rules (codes, PKCE, issuance, rotation, revocation, bearer check)
- ``tokens``: signing key (RS256, JWKS) and the token records;  ``errors``: RFC 6749 errors
- ``endpoints``: the HTTP endpoints;  ``consent``: the optional consent page
- ``admin``: the admin API's create call

Apps, the signing key, codes and tokens are declared sandbox state (``mockcasa.state.oauth``);
the server (``server.oauth_of``) keeps nothing itself, and nothing is module-level.
"""
