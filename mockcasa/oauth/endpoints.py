"""HTTP for the authorization server: authorize, token, revoke, JWKS and RFC 8414 metadata.

These endpoints speak OAuth, not the API: errors are ``{"error", "error_description"}``
(RFC 6749 §5.2), bodies are form-encoded, and the authorize endpoint answers with redirects.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from urllib.parse import unquote, urlencode

from aiohttp import web
from multidict import MultiMapping

from mockcasa.keys import SANDBOX, SETTINGS
from mockcasa.oauth.consent import consent_page
from mockcasa.oauth.errors import NO_STORE, OAuthError, invalid_client, invalid_request
from mockcasa.oauth.server import OAuthServer, oauth_of

BASE = "/api/auth/oauth2"
AUTHORIZE_PATH = f"{BASE}/authorize"
TOKEN_PATH = f"{BASE}/token"
REVOKE_PATH = f"{BASE}/revoke"
JWKS_PATH = f"{BASE}/jwks"
METADATA_PATH = "/.well-known/oauth-authorization-server"
GRANT_TYPES = ("authorization_code", "refresh_token")
CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]


def add_oauth_routes(app: web.Application) -> None:
    """Mount the OAuth endpoints (the app's sandbox needs ``oauth_of`` too, for its bearer authenticator)."""
    app.router.add_get(AUTHORIZE_PATH, authorize)
    app.router.add_post(TOKEN_PATH, token)
    app.router.add_post(REVOKE_PATH, revoke)
    app.router.add_get(JWKS_PATH, jwks)
    app.router.add_get(METADATA_PATH, metadata)


def server_of(request: web.Request) -> OAuthServer:
    return oauth_of(request.app[SANDBOX])


def issuer_of(request: web.Request) -> str:
    """``--public-url`` when set, else the address the connection reached (the socket, not its ``Host``).

    Never the ``Host`` header: any client may send ``Host: evil.example`` and would otherwise get
    tokens and metadata naming that issuer. Behind a port mapping or a proxy, set the public URL.
    """
    configured = request.app[SETTINGS].public_url
    if configured:
        return configured
    sockname = request.transport.get_extra_info("sockname") if request.transport is not None else None
    if isinstance(sockname, tuple) and len(sockname) >= 2:
        host, port = sockname[:2]
    else:
        host, port = request.app[SETTINGS].host, request.app[SETTINGS].port
    host = f"[{host}]" if ":" in host else host
    return f"{request.scheme}://{host}:{port}"


def single_values(params: MultiMapping[str], names: tuple[str, ...] | None = None) -> dict[str, str]:
    """Parameters as a plain dict; one given twice is invalid_request (RFC 6749 §3.1, §3.2)."""
    for name in set(params) if names is None else names:
        if len(params.getall(name, [])) > 1:
            raise invalid_request(f"Parameter {name!r} was sent more than once.")
    return {name: str(params[name]) for name in params}


def redirect(uri: str, params: Mapping[str, str | None]) -> web.Response:
    """302 to a registered redirect URI, keeping its own query string untouched."""
    query = urlencode({k: v for k, v in params.items() if v is not None})
    location = uri + ("&" if "?" in uri else "?") + query
    return web.Response(status=302, headers={"Location": location, **NO_STORE})


def json_reply(body: dict, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    return web.Response(body=json.dumps(body).encode(), status=status, content_type="application/json",
                        headers=dict(headers or {}))


async def authorize(request: web.Request) -> web.Response:
    """RFC 6749 §4.1.1 with RFC 7636 PKCE. Consent is automatic unless ``prompt=consent``.

    ``decision=deny`` simulates the user refusing (redirects with ``error=access_denied``).
    """
    server = server_of(request)
    try:
        single_values(request.query, ("client_id", "redirect_uri"))
        app, redirect_uri, given = server.client_and_redirect(request.query.get("client_id"),
                                                              request.query.get("redirect_uri"))
    except OAuthError as exc:  # no trustworthy place to redirect to: tell the user agent directly
        return exc.response()
    state = request.query.get("state")
    try:
        params = single_values(request.query)
        auth = server.authorization(app, redirect_uri, given, params)
        decision = params.get("decision")
        if decision is None and params.get("prompt") == "consent":
            return web.Response(text=consent_page(app, auth.scopes, params, AUTHORIZE_PATH),
                                content_type="text/html", headers=NO_STORE)
        if decision not in (None, "approve", "deny"):
            raise invalid_request("decision must be approve or deny.")
        if decision == "deny":
            raise OAuthError("access_denied", "The user denied the authorization request.")
        code = server.issue_code(auth)
    except OAuthError as exc:
        return redirect(redirect_uri, {"error": exc.error, "error_description": exc.description,
                                       "state": state, "iss": issuer_of(request)})
    return redirect(redirect_uri, {"code": code, "state": state, "iss": issuer_of(request)})


async def form_of(request: web.Request) -> dict[str, str]:
    if request.content_type != "application/x-www-form-urlencoded":
        raise invalid_request("The request body must be application/x-www-form-urlencoded "
                              f"(got {request.content_type or 'nothing'}).")
    return single_values(await request.post())


def client_credentials(request: web.Request, form: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(client_id, client_secret) from HTTP Basic (RFC 6749 §2.3.1) or the form body; never both."""
    header = request.headers.get("Authorization")
    if header is None:
        return form.get("client_id"), form.get("client_secret")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        raise invalid_client("The token endpoint accepts only HTTP Basic in the Authorization header.")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise invalid_client("Malformed HTTP Basic credentials: expected base64(client_id:client_secret).") \
            from None
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise invalid_client("Malformed HTTP Basic credentials: expected base64(client_id:client_secret).")
    client_id, secret = unquote(client_id), unquote(secret)
    if "client_secret" in form:
        raise invalid_request("Use one client authentication method: HTTP Basic or client_secret in the "
                              "body, not both.")
    if form.get("client_id", client_id) != client_id:
        raise invalid_request("client_id in the body differs from the one in HTTP Basic.")
    return client_id, secret or None


async def token(request: web.Request) -> web.Response:
    """RFC 6749 §4.1.3 (authorization_code + PKCE) and §6 (refresh_token, rotated)."""
    server = server_of(request)
    try:
        form = await form_of(request)
        grant_type = form.get("grant_type")
        if not grant_type:
            raise invalid_request("grant_type is required.")
        if grant_type not in GRANT_TYPES:
            raise OAuthError("unsupported_grant_type", f"grant_type {grant_type!r} is not supported; use "
                                                       f"{' or '.join(GRANT_TYPES)}.")
        app = server.authenticate_client(*client_credentials(request, form))
        issue = server.exchange_code if grant_type == "authorization_code" else server.refresh
        return json_reply(issue(app, form, issuer_of(request)), headers=NO_STORE)
    except OAuthError as exc:
        return exc.response()


async def revoke(request: web.Request) -> web.Response:
    """RFC 7009: 200 whether or not the token was known; revoking a refresh token ends its grant."""
    server = server_of(request)
    try:
        form = await form_of(request)
        app = server.authenticate_client(*client_credentials(request, form))
        if not form.get("token"):
            raise invalid_request("token is required.")
        server.revoke(app, form["token"])
    except OAuthError as exc:
        return exc.response()
    return web.Response(status=200, headers=NO_STORE)


async def jwks(request: web.Request) -> web.Response:
    return json_reply(server_of(request).key.jwks())


async def metadata(request: web.Request) -> web.Response:
    """RFC 8414 authorization server metadata, for clients that discover endpoints."""
    issuer = issuer_of(request)
    return json_reply({
        "issuer": issuer,
        "authorization_endpoint": issuer + AUTHORIZE_PATH,
        "token_endpoint": issuer + TOKEN_PATH,
        "revocation_endpoint": issuer + REVOKE_PATH,
        "jwks_uri": issuer + JWKS_PATH,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": list(GRANT_TYPES),
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
        "revocation_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
        "scopes_supported": sorted(server_of(request).sandbox.all_scopes),
        "authorization_response_iss_parameter_supported": True,
    })
