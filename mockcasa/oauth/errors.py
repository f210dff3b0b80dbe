"""OAuth errors speak RFC 6749, not the API's envelope: ``{"error", "error_description"}``."""

from __future__ import annotations

import json

from aiohttp import web

# Token responses and errors must never be cached (RFC 6749 §5.1).
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class OAuthError(Exception):
    """An RFC 6749 §4.1.2.1 / §5.2 error: ``error`` is the registered code, ``description`` says why."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status

    def response(self) -> web.Response:
        headers = dict(NO_STORE)
        if self.error == "invalid_client":
            # 401 must name the scheme the client may retry with (RFC 6749 §5.2).
            headers["WWW-Authenticate"] = 'Basic realm="mockcasa oauth", error="invalid_client"'
        body = {"error": self.error, "error_description": self.description}
        return web.Response(body=json.dumps(body).encode(), status=self.status,
                            content_type="application/json", headers=headers)


def invalid_request(description: str) -> OAuthError:
    return OAuthError("invalid_request", description)


def invalid_grant(description: str) -> OAuthError:
    return OAuthError("invalid_grant", description)


def invalid_client(description: str) -> OAuthError:
    return OAuthError("invalid_client", description, status=401)


def invalid_scope(description: str) -> OAuthError:
    return OAuthError("invalid_scope", description)
