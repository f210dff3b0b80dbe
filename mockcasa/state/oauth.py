"""The OAuth state of a sandbox: apps, the signing key, codes, grants, access and refresh tokens.

Everything a token needs to keep verifying is here, so a reset returns the startup apps and a
snapshot carries issued tokens across an export and import. The rules that create and check
these records are in ``mockcasa.oauth.server``.

Codes and tokens expire on their organization's clock and are purged once they have, after
``EXPIRED_KEPT`` more (so a late client still hears "expired" rather than "unknown", and a
rotated refresh token replayed just after expiry is still recognised): each organization keeps its
own expiry order (clocks differ between organizations), checked when the organization issues
something, when its clock jumps and on the sandbox's tick. ``authorize`` needs no login, so each
app also keeps at most ``MAX_CODES_PER_APP`` codes: a newer one pushes out the oldest.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel
from sortedcontainers import SortedList

from mockcasa.state.signing_key import SigningKey

if TYPE_CHECKING:
    from mockcasa.state.declare import Loading
    from mockcasa.state.organization import Organization

EXPIRED_KEPT = timedelta(hours=1)
MAX_CODES_PER_APP = 1000


@dataclass(eq=False)
class OAuthApp:
    client_id: str
    organization: Organization
    member_id: str
    redirect_uris: tuple[str, ...]
    scopes: frozenset[str]
    client_secret: str | None = None
    name: str = "OAuth app"
    rate_limit: int | None = None  # for the rate-limit layer; None: the sandbox-wide default

    @property
    def confidential(self) -> bool:
        return self.client_secret is not None

    def describe(self, *, with_secret: bool = False) -> dict:
        """The app as the admin API shows it; the secret only right after creation."""
        out = {"clientId": self.client_id, "name": self.name, "organizationId": self.organization.id,
               "memberId": self.member_id, "redirectUris": list(self.redirect_uris),
               "scopes": sorted(self.scopes), "confidential": self.confidential,
               "rateLimit": self.rate_limit}
        if with_secret and self.client_secret is not None:
            out["clientSecret"] = self.client_secret
        return out


@dataclass(eq=False)
class Grant:
    """One authorization of one app by one member: every token that came from one code, revoked together."""

    app: OAuthApp
    member_id: str
    scopes: frozenset[str]
    revoked: bool = False
    id: str = field(default_factory=lambda: "grant_" + secrets.token_hex(8))


@dataclass(eq=False)
class AuthorizationCode:
    app: OAuthApp
    member_id: str
    scopes: frozenset[str]
    redirect_uri: str
    redirect_uri_given: bool  # sent on the authorize request, so the token request must repeat it
    code_challenge: str
    expires_at: datetime
    grant: Grant | None = None  # set once redeemed; a second redemption revokes it


@dataclass(eq=False)
class AccessToken:
    """What the sandbox remembers of an access token (its JWT's ``exp`` is ``expires_at``)."""

    jti: str
    grant: Grant
    scopes: frozenset[str]
    expires_at: datetime
    revoked: bool = False


@dataclass(eq=False)
class RefreshToken:
    token: str
    grant: Grant
    expires_at: datetime
    rotated: bool = False  # used once already: rotation issued its successor


class OAuthState:
    """Apps by client id, the signing key, codes, access tokens (by jti) and refresh tokens."""

    def __init__(self) -> None:
        self.apps: dict[str, OAuthApp] = {}
        self.key = SigningKey()
        self.codes: dict[str, AuthorizationCode] = {}
        self.access: dict[str, AccessToken] = {}
        self.refresh: dict[str, RefreshToken] = {}
        # organization id -> (when to purge as Unix seconds, kind, key), soonest first; kind names the dict.
        self._expiring: dict[str, SortedList] = {}
        self._codes_of: dict[str, dict[str, None]] = {}  # client id -> its codes, oldest first

    def new_code(self, **values: Any) -> str:
        code = secrets.token_urlsafe(32)
        self._store("codes", code, AuthorizationCode(**values))
        return code

    def new_access(self, grant: Grant, scopes: frozenset[str], expires_at: datetime) -> AccessToken:
        token = AccessToken(jti=secrets.token_urlsafe(16), grant=grant, scopes=scopes, expires_at=expires_at)
        self._store("access", token.jti, token)
        return token

    def new_refresh(self, grant: Grant, expires_at: datetime) -> RefreshToken:
        token = RefreshToken(token="ccrt_" + secrets.token_urlsafe(32), grant=grant, expires_at=expires_at)
        self._store("refresh", token.token, token)
        return token

    def _store(self, kind: str, key: str, record: Any) -> None:
        getattr(self, kind)[key] = record
        app = _app_of(record)
        purge_at = record.expires_at.timestamp() + EXPIRED_KEPT.total_seconds()  # floats: no overflow at year 9999
        self._expiring.setdefault(app.organization.id, SortedList()).add((purge_at, kind, key))
        if kind == "codes":
            codes = self._codes_of.setdefault(app.client_id, {})
            codes[key] = None
            if len(codes) > MAX_CODES_PER_APP:
                self._drop_code(next(iter(codes)))

    def _drop_code(self, code: str) -> None:
        record = self.codes.pop(code, None)
        if record is not None:
            codes = self._codes_of[record.app.client_id]
            del codes[code]
            if not codes:
                del self._codes_of[record.app.client_id]

    def purge(self, org: Organization) -> int:
        """Forget the organization's codes and tokens expired for ``EXPIRED_KEPT`` on its clock; how many."""
        expiring = self._expiring.get(org.id)
        now = org.clock.timestamp()
        purged = 0
        while expiring and expiring[0][0] <= now:
            _, kind, key = expiring.pop(0)
            if kind == "codes":
                purged += key in self.codes
                self._drop_code(key)
            else:
                purged += getattr(self, kind).pop(key, None) is not None
        if expiring is not None and not expiring:
            del self._expiring[org.id]
        return purged

    def forget(self, org_id: str) -> None:
        """Drop a removed organization's apps and everything they issued."""
        for kind in ("codes", "access", "refresh"):
            records = getattr(self, kind)
            for key in [k for k, r in records.items() if _app_of(r).organization.id == org_id]:
                del records[key]
        for client_id in [c for c, app in self.apps.items() if app.organization.id == org_id]:
            del self.apps[client_id]
            self._codes_of.pop(client_id, None)
        self._expiring.pop(org_id, None)

    # -- declared state (see mockcasa.state.sandbox)

    def dump(self) -> dict[str, Any]:
        grants: dict[int, Grant] = {}
        for record in (*self.codes.values(), *self.access.values(), *self.refresh.values()):
            if record.grant is not None:
                grants.setdefault(id(record.grant), record.grant)
        return {
            "signingKey": self.key.pem(),
            "apps": [{"clientId": a.client_id, "organizationId": a.organization.id, "memberId": a.member_id,
                      "redirectUris": list(a.redirect_uris), "scopes": sorted(a.scopes),
                      "clientSecret": a.client_secret, "name": a.name, "rateLimit": a.rate_limit}
                     for a in self.apps.values()],
            "grants": [{"id": g.id, "clientId": g.app.client_id, "memberId": g.member_id,
                        "scopes": sorted(g.scopes), "revoked": g.revoked} for g in grants.values()],
            "codes": [{"code": code, "clientId": c.app.client_id, "memberId": c.member_id,
                       "scopes": sorted(c.scopes), "redirectUri": c.redirect_uri,
                       "redirectUriGiven": c.redirect_uri_given, "codeChallenge": c.code_challenge,
                       "expiresAt": c.expires_at.isoformat(), "grantId": c.grant.id if c.grant else None}
                      for code, c in self.codes.items()],
            "accessTokens": [{"jti": t.jti, "grantId": t.grant.id, "scopes": sorted(t.scopes),
                              "expiresAt": t.expires_at.isoformat(), "revoked": t.revoked}
                             for t in self.access.values()],
            "refreshTokens": [{"token": t.token, "grantId": t.grant.id, "expiresAt": t.expires_at.isoformat(),
                               "rotated": t.rotated} for t in self.refresh.values()],
        }

    @classmethod
    def load(cls, data: OAuthData, loading: Loading) -> OAuthState:
        state = cls()
        if data.signing_key is not None:
            try:
                state.key = SigningKey.from_pem(data.signing_key)
            except ValueError as exc:
                loading.problem(("signingKey",), f"not a PEM RSA private key: {exc}")
        for i, app in enumerate(data.apps):
            org = loading.organizations.get(app.organization_id)
            unknown = sorted(set(app.scopes) - loading.all_scopes)
            if org is None:
                loading.problem(("apps", i, "organizationId"), "no organization with this id in the snapshot")
            elif app.client_id in state.apps:
                loading.problem(("apps", i, "clientId"), "another app has this client id")
            elif unknown:
                loading.problem(("apps", i, "scopes"), f"unknown scopes: {', '.join(unknown)}")
            else:
                state.apps[app.client_id] = OAuthApp(
                    client_id=app.client_id, organization=org, member_id=app.member_id,
                    redirect_uris=tuple(app.redirect_uris), scopes=frozenset(app.scopes),
                    client_secret=app.client_secret, name=app.name, rate_limit=app.rate_limit)
        grants: dict[str, Grant] = {}
        for i, g in enumerate(data.grants):
            app = state._app(g.client_id, loading, ("grants", i, "clientId"))
            if app is not None:
                grants[g.id] = Grant(app=app, member_id=g.member_id, scopes=frozenset(g.scopes), revoked=g.revoked,
                                     id=g.id)

        def grant(grant_id: str | None, loc: tuple) -> Grant | None:
            found = grants.get(grant_id) if grant_id is not None else None
            if grant_id is not None and found is None:
                loading.problem(loc, "no grant with this id in the snapshot")
            return found

        for i, c in enumerate(data.codes):
            app = state._app(c.client_id, loading, ("codes", i, "clientId"))
            if app is not None:
                state._store("codes", c.code, AuthorizationCode(
                    app=app, member_id=c.member_id, scopes=frozenset(c.scopes), redirect_uri=c.redirect_uri,
                    redirect_uri_given=c.redirect_uri_given, code_challenge=c.code_challenge,
                    expires_at=c.expires_at, grant=grant(c.grant_id, ("codes", i, "grantId"))))
        for i, t in enumerate(data.access_tokens):
            if (found := grant(t.grant_id, ("accessTokens", i, "grantId"))) is not None:
                state._store("access", t.jti, AccessToken(jti=t.jti, grant=found, scopes=frozenset(t.scopes),
                                                          expires_at=t.expires_at, revoked=t.revoked))
        for i, r in enumerate(data.refresh_tokens):
            if (found := grant(r.grant_id, ("refreshTokens", i, "grantId"))) is not None:
                state._store("refresh", r.token, RefreshToken(token=r.token, grant=found, expires_at=r.expires_at,
                                                              rotated=r.rotated))
        return state

    def _app(self, client_id: str, loading: Loading, loc: tuple) -> OAuthApp | None:
        app = self.apps.get(client_id)
        if app is None:
            loading.problem(loc, "no app with this client id in the snapshot")
        return app


def _app_of(record: Any) -> OAuthApp:
    return record.app if isinstance(record, AuthorizationCode) else record.grant.app


class _Data(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", defer_build=True)


class AppData(_Data):
    client_id: str
    organization_id: str
    member_id: str
    redirect_uris: list[str]
    scopes: list[str]
    client_secret: str | None = None
    name: str = "OAuth app"
    rate_limit: int | None = None


class GrantData(_Data):
    id: str
    client_id: str
    member_id: str
    scopes: list[str]
    revoked: bool = False


class CodeData(_Data):
    code: str
    client_id: str
    member_id: str
    scopes: list[str]
    redirect_uri: str
    redirect_uri_given: bool
    code_challenge: str
    expires_at: datetime
    grant_id: str | None = None


class AccessTokenData(_Data):
    jti: str
    grant_id: str
    scopes: list[str]
    expires_at: datetime
    revoked: bool = False


class RefreshTokenData(_Data):
    token: str
    grant_id: str
    expires_at: datetime
    rotated: bool = False


class OAuthData(_Data):
    signing_key: str | None = None
    apps: list[AppData] = Field(default_factory=list)
    grants: list[GrantData] = Field(default_factory=list)
    codes: list[CodeData] = Field(default_factory=list)
    access_tokens: list[AccessTokenData] = Field(default_factory=list)
    refresh_tokens: list[RefreshTokenData] = Field(default_factory=list)
