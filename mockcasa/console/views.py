"""Rendering console pages: the session check, the shared template context, errors as HTML.

``@page("records.html")`` wraps a handler that returns the template's context (or a response):
without a current session it answers the sign-in page (401); an ``ApiError`` the handler raises
(an unknown organization or record) is shown as an HTML page with its status.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from mockcasa.console.session import SESSIONS, Session
from mockcasa.errors import ApiError
from mockcasa.routing import SubApp
from mockcasa.version import __version__

if TYPE_CHECKING:
    import jinja2

PREFIX = "/_mockcasa/console"
STATIC = "console_static"
# The console's sub-application (built on first use), on the root app: its router names the static
# route for every page (the landing page at / too).
CONSOLE: web.AppKey[SubApp] = web.AppKey("console_app", SubApp)
SESSION: web.RequestKey[Session] = web.RequestKey("console_session", Session)
Handler = Callable[[web.Request], Awaitable[Any]]


class Templates:
    """The console's Jinja2 environment, built on the first page served.

    Importing jinja2 and building the environment costs more than the rest of the console: an app
    that never shows a page (a test, a server only partners call) never pays it.
    """

    def __init__(self, folder: Path, filters: dict[str, Callable[..., Any]]) -> None:
        self.folder = folder
        self.filters = filters

    @functools.cached_property
    def environment(self) -> jinja2.Environment:
        import jinja2

        environment = jinja2.Environment(loader=jinja2.FileSystemLoader(self.folder), autoescape=True)
        environment.filters.update(self.filters)
        return environment


TEMPLATES: web.AppKey[Templates] = web.AppKey("console_templates", Templates)


def render(request: web.Request, template: str, context: dict[str, Any], status: int = 200) -> web.Response:
    session = request.get(SESSION)
    static = request.config_dict[CONSOLE]().router[STATIC]
    base = {"prefix": PREFIX, "version": __version__, "path": request.path,
            "csrf": session.csrf if session is not None else "",
            "asset": lambda name: str(static.url_for(filename=name))}
    text = request.config_dict[TEMPLATES].environment.get_template(template).render({**base, **context})
    response = web.Response(text=text, status=status, content_type="text/html", charset="utf-8")
    response.headers["Cache-Control"] = "no-store"
    return response


def sign_in_page(request: web.Request, status: int = 401, message: str | None = None) -> web.Response:
    return render(request, "sign_in.html", {"message": message}, status)


def page(template: str | None) -> Callable[[Handler], Handler]:
    """Serve the handler's context through ``template`` to a signed-in browser only."""
    def decorate(handler: Handler) -> Handler:
        async def serve(request: web.Request) -> web.StreamResponse:
            session = request.config_dict[SESSIONS].of(request)
            if session is None:
                return sign_in_page(request)
            request[SESSION] = session
            try:
                result = await handler(request)
            except ApiError as exc:
                return render(request, "error.html", {"error": exc}, exc.status)
            if isinstance(result, web.StreamResponse):
                return result
            return render(request, template, result)
        return serve
    return decorate
