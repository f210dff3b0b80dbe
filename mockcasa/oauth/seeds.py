"""OAuth apps declared in seed files (an organization's ``oauthApps``), and the one registration path."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mockcasa.oauth.apps import OAuthApp
from mockcasa.oauth.server import oauth_of
from mockcasa.state import Organization, Sandbox

if TYPE_CHECKING:  # the seeding package imports this module; a runtime import would be circular
    from mockcasa.seeding.models import OAuthAppSeed, OrganizationSeed


def register_app(sandbox: Sandbox, org: Organization, declared: OAuthAppSeed) -> OAuthApp:
    """Create an OAuth app of ``org``; raises ``Invalid`` (400, per-field details) when the declaration is bad."""
    return oauth_of(sandbox).apps.register(
        org, client_id=declared.client_id, client_secret=declared.client_secret,
        confidential=declared.confidential, name=declared.name, redirect_uris=declared.redirect_uris,
        scopes=declared.scopes, member=declared.member, rate_limit=declared.rate_limit)


def seed_problems(sandbox: Sandbox, org_seed: OrganizationSeed, taken: set[str]) -> list[str]:
    """What is wrong with an organization seed's ``oauthApps``, as ``oauthApps[j].field: reason`` lines.

    ``taken`` collects the client ids declared so far, so duplicates across the seed are caught too.
    """
    registry = oauth_of(sandbox).apps
    members = {ref for m in org_seed.members for ref in (m.id, m.email) if ref}
    lines = []
    for j, declared in enumerate(org_seed.oauth_apps):
        found = registry.problems(client_id=declared.client_id, redirect_uris=declared.redirect_uris,
                                  scopes=declared.scopes, taken=taken)
        if declared.member is not None and declared.member not in members:
            found["member"] = f"no member with id or email {declared.member!r} in this organization"
        lines += [f"oauthApps[{j}].{path}: {reason}" for path, reason in found.items()]
        if declared.client_id:
            taken.add(declared.client_id)
    return lines


def register_seed_apps(sandbox: Sandbox, org: Organization, org_seed: OrganizationSeed) -> None:
    for declared in org_seed.oauth_apps:
        register_app(sandbox, org, declared)
