"""The admin API's call to create an OAuth app at runtime (seeds declare them in ``oauthApps``)."""

from __future__ import annotations

from aiohttp import web

from mockcasa.admin.common import AdminRoute, model_body, organization, reply
from mockcasa.keys import SANDBOX
from mockcasa.oauth.seeds import register_app
from mockcasa.seeding.models import OAuthAppSeed


async def create_oauth_app(request: web.Request) -> web.Response:
    """``POST /_mockcasa/organizations/{orgId}/oauth-apps``: 201 with the app, secret included (shown once)."""
    org = organization(request)
    declared = await model_body(request, OAuthAppSeed)
    app = register_app(request.config_dict[SANDBOX], org, declared)
    return reply(app.describe(with_secret=True), 201)


ROUTES = [
    AdminRoute("POST", "/organizations/{orgId}/oauth-apps", create_oauth_app,
               "Create an OAuth app of the organization (the body of a seed's oauthApps entry); the secret "
               "is shown once", 201, body=OAuthAppSeed, tag="OAuth"),
]
