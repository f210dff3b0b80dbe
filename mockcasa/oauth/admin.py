"""The admin API's call to create an OAuth app at runtime (seeds declare them in ``oauthApps``)."""

from __future__ import annotations

from aiohttp import web

from mockcasa.engine.body import parse_body
from mockcasa.errors import NotFound
from mockcasa.keys import SANDBOX
from mockcasa.oauth.seeds import register_app
from mockcasa.seeding.models import OAuthAppSeed

ADMIN_PATH = "/_mockcasa/organizations/{orgId}/oauth-apps"


async def create_oauth_app(request: web.Request) -> web.Response:
    """``POST /_mockcasa/organizations/{orgId}/oauth-apps``: 201 with the app, secret included (shown once).

    Not mounted by ``create_app``: the admin layer mounts it behind its own authentication.
    """
    sandbox = request.app[SANDBOX]
    org = sandbox.organizations.get(request.match_info["orgId"])
    if org is None:
        raise NotFound(f"No organization with id {request.match_info['orgId']!r}.")
    declared = await parse_body(request, OAuthAppSeed)
    app = register_app(sandbox, org, declared)
    return web.json_response(app.describe(with_secret=True), status=201)


def add_admin_routes(app: web.Application) -> None:
    app.router.add_post(ADMIN_PATH, create_oauth_app)
