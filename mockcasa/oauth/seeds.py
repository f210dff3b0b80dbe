"""OAuth apps declared in seed files (an organization's ``oauthApps``), and the one registration path."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mockcasa.oauth.apps import OAuthApp
from mockcasa.oauth.server import oauth_of
from mockcasa.state import Organization, Sandbox

if TYPE_CHECKING:  # the seeding package imports this module; a runtime import would be circular
    from mockcasa.seeding.models import OAuthAppSeed


def register_app(sandbox: Sandbox, org: Organization, declared: OAuthAppSeed) -> OAuthApp:
    """Create an OAuth app of ``org``; raises ``Invalid`` (400, per-field details) when the declaration is bad."""
    return oauth_of(sandbox).apps.register(
        org, client_id=declared.client_id, client_secret=declared.client_secret,
        confidential=declared.confidential, name=declared.name, redirect_uris=declared.redirect_uris,
        scopes=declared.scopes, member=declared.member, rate_limit=declared.rate_limit)
