"""A partner-style OAuth client for tests: PKCE, authorize (redirects not followed), token, revoke."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.support.api import Api, Reply

AUTHORIZE = "/api/auth/oauth2/authorize"
TOKEN = "/api/auth/oauth2/token"
REVOKE = "/api/auth/oauth2/revoke"
REDIRECT = "https://partner.example/callback"


def pkce() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge), as RFC 7636 §4.1-4.2 describe."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


class BearerApi(Api):
    """An API client that presents an OAuth access token (``self.key``) as ``Authorization: Bearer``."""

    def credentials(self) -> dict:
        return {"Authorization": f"Bearer {self.key}"}


@dataclass
class Redirect:
    status: int
    location: str | None
    body: str

    @property
    def params(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.location).query).items()}

    @property
    def target(self) -> str:
        parts = urlsplit(self.location)
        return f"{parts.scheme}://{parts.netloc}{parts.path}"


@dataclass
class OAuthClient:
    http: Any
    client_id: str
    secret: str | None = None
    redirect_uri: str = REDIRECT
    use_basic: bool = True
    verifier: str = ""
    challenge: str = ""
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.verifier, self.challenge = pkce()

    async def authorize(self, **overrides: Any) -> Redirect:
        params = {"response_type": "code", "client_id": self.client_id, "redirect_uri": self.redirect_uri,
                  "state": "xyz-state", "code_challenge": self.challenge, "code_challenge_method": "S256"}
        params.update(overrides)
        # A list value sends the parameter once per item (to test duplicates).
        query = [(k, item) for k, v in params.items() if v is not None
                 for item in (v if isinstance(v, list) else [v])]
        async with self.http.get(AUTHORIZE, params=query, allow_redirects=False) as resp:
            return Redirect(resp.status, resp.headers.get("Location"), await resp.text())

    async def code(self, **overrides: Any) -> str:
        reply = await self.authorize(**overrides)
        assert reply.status == 302 and "code" in reply.params, reply
        return reply.params["code"]

    def _auth(self, form: dict, headers: dict) -> None:
        if self.secret is not None and self.use_basic:
            headers.update(basic(self.client_id, self.secret))
        else:
            form.setdefault("client_id", self.client_id)
            if self.secret is not None:
                form.setdefault("client_secret", self.secret)

    async def post_form(self, path: str, form: dict, headers: dict | None = None, auth: bool = True) -> Reply:
        headers = dict(headers or {})
        form = {k: v for k, v in form.items() if v is not None}
        if auth:
            self._auth(form, headers)
        async with self.http.post(path, data=form, headers=headers) as resp:
            text = await resp.text()
            return Reply(resp.status, json.loads(text) if text else None, resp.headers)

    async def exchange(self, code: str, **overrides: Any) -> Reply:
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect_uri,
                "code_verifier": self.verifier, **overrides}
        return await self.post_form(TOKEN, form)

    async def login(self, **authorize_overrides: Any) -> dict:
        """The whole flow; returns the token response."""
        reply = await self.exchange(await self.code(**authorize_overrides))
        assert reply.status == 200, reply
        return reply.body

    async def refresh(self, refresh_token: str, **overrides: Any) -> Reply:
        return await self.post_form(TOKEN, {"grant_type": "refresh_token", "refresh_token": refresh_token,
                                            **overrides})

    async def revoke(self, token: str, **overrides: Any) -> Reply:
        return await self.post_form(REVOKE, {"token": token, **overrides})
