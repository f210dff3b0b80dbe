"""OAuth apps: who may ask for tokens, where codes may be sent, which scopes they may carry.

An app belongs to one organization and authorizes as one of its members (the sandbox has no
login page: the member stands for "the user who clicked Allow"). With a secret it is a
confidential client and must authenticate at the token endpoint; without one it is public.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

from mockcasa.errors import Invalid
from mockcasa.state import Member, Organization, Sandbox
from mockcasa.state.oauth import OAuthApp

# Unreserved URI characters only, so the id survives HTTP Basic and query strings untouched.
CLIENT_ID = re.compile(r"[A-Za-z0-9._~-]{3,100}")


def new_client_id() -> str:
    return "ccapp_" + secrets.token_hex(8)


def new_client_secret() -> str:
    return "ccsecret_" + secrets.token_urlsafe(24)


def redirect_uri_problem(uri: str) -> str | None:
    """Why ``uri`` cannot be registered (RFC 6749 §3.1.2: absolute, no fragment), or None."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return "is not a valid URI"
    if not parts.scheme:
        return "must be an absolute URI such as https://app.example/callback"
    if parts.scheme in ("http", "https") and not parts.netloc:
        return "must name a host"
    if parts.fragment or uri.endswith("#"):
        return "must not contain a fragment (#...)"
    return None


def find_member(org: Organization, ref: str | None) -> Member | None:
    """The member an app authorizes as: by id or email; None picks the organization's first member."""
    if ref is None:
        return next(iter(org.members.values()), None)
    for member in org.members.values():
        if ref in (member.id, member.email):
            return member
    return None


class AppRegistry:
    """Every OAuth app of one sandbox, by client id (kept in the sandbox's declared ``oauth`` state).

    An app is bound to its ``Organization`` object, not just its id: once that organization is
    removed (or replaced by an import that re-creates it), the app and its tokens stop existing.
    """

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    @property
    def _apps(self) -> dict[str, OAuthApp]:
        return self.sandbox.oauth.apps

    def alive(self, app: OAuthApp) -> bool:
        return self.sandbox.organizations.get(app.organization.id) is app.organization

    def get(self, client_id: str | None) -> OAuthApp | None:
        app = self._apps.get(client_id) if client_id else None
        return app if app is not None and self.alive(app) else None

    def of_organization(self, org: Organization) -> list[OAuthApp]:
        return [app for app in self._apps.values() if app.organization is org and self.alive(app)]

    def scopes(self, scopes: list[str] | str | None) -> frozenset[str]:
        """``"*"`` or None: every scope the sandbox knows; otherwise the given ones."""
        if scopes is None or scopes == "*":
            return self.sandbox.all_scopes
        return frozenset(scopes)

    def problems(self, *, client_id: str | None, redirect_uris: list[str], scopes: list[str] | str | None,
                 taken: set[str] | frozenset[str] = frozenset()) -> dict[str, str]:
        """Everything wrong with an app's declaration as {fieldPath: reason}; empty when it can be registered."""
        out: dict[str, str] = {}
        if client_id is not None and not CLIENT_ID.fullmatch(client_id):
            out["clientId"] = "must be 3-100 characters of A-Z a-z 0-9 . _ ~ -"
        elif client_id is not None and (client_id in taken or self.get(client_id) is not None):
            out["clientId"] = f"client id {client_id!r} is already in use"
        if not redirect_uris:
            out["redirectUris"] = "must list at least one redirect URI"
        for i, uri in enumerate(redirect_uris):
            reason = redirect_uri_problem(uri)
            if reason:
                out[f"redirectUris[{i}]"] = reason
        wanted = self.scopes(scopes)
        unknown = sorted(wanted - self.sandbox.all_scopes)
        if unknown:
            out["scopes"] = f"unknown scopes {', '.join(unknown)}"
        elif not wanted:
            out["scopes"] = "must list at least one scope"
        return out

    def register(self, org: Organization, *, redirect_uris: list[str], client_id: str | None = None,
                 client_secret: str | None = None, confidential: bool = False, name: str = "OAuth app",
                 scopes: list[str] | str | None = None, member: str | None = None,
                 rate_limit: int | None = None) -> OAuthApp:
        """Create an app of ``org``; raises ``Invalid`` (400, per-field details) and registers nothing if bad.

        ``confidential`` without ``client_secret`` generates a secret; ``member`` is a member's id
        or email (default: the organization's first member).
        """
        details = self.problems(client_id=client_id, redirect_uris=redirect_uris, scopes=scopes)
        found = find_member(org, member)
        if found is None:
            details["member"] = (f"no member {member!r} in organization {org.id}" if member
                                 else "the organization has no members to authorize as")
        if details:
            raise Invalid("The OAuth app cannot be registered.", details)
        if confidential and client_secret is None:
            client_secret = new_client_secret()
        app = OAuthApp(client_id=client_id or new_client_id(), organization=org, member_id=found.id,
                       redirect_uris=tuple(redirect_uris), scopes=self.scopes(scopes),
                       client_secret=client_secret, name=name, rate_limit=rate_limit)
        self._forget_dead()
        self._apps[app.client_id] = app
        return app

    def _forget_dead(self) -> None:
        for client_id in [cid for cid, app in self._apps.items() if not self.alive(app)]:
            del self._apps[client_id]
