"""The web console at ``/_mockcasa/console/``, and the landing page at ``/``.

Server-side Jinja2 templates (autoescaped) and a little plain JavaScript and CSS shipped in this
package: no build step, nothing fetched at run time. Pages read; the page script changes state
only through the admin API (cookie + CSRF header, see ``session.py``); a server-sent event stream
pushes the journal, deliveries and sink arrivals. Without a session every console URL answers
the sign-in page. ``Settings.console`` (``--no-console``) leaves all of it out.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web

from mockcasa.admin import SIGN_INS
from mockcasa.admin.common import ADMIN_TOKEN
from mockcasa.config import PACKAGE_ROOT
from mockcasa.console.activity import ACTIVITY, Activity
from mockcasa.console.session import SESSIONS, Sessions, admin_session, clear_cookie, set_cookie
from mockcasa.console.stream import STREAMING, close_streams, stream
from mockcasa.console.views import CONSOLE, PREFIX, STATIC, TEMPLATES, Templates, page, render, sign_in_page
from mockcasa.errors import ApiError
from mockcasa.keys import SANDBOX
from mockcasa.routing import Routes, mount, register, seal

HERE = Path(__file__).resolve().parent


def _same_origin(request: web.Request) -> bool:
    """A form post from one of our own pages (browsers send Origin on every POST)."""
    origin = request.headers.get("Origin")
    return origin is None or urlsplit(origin).netloc == request.host


async def sign_in(request: web.Request) -> web.StreamResponse:
    """The sign-in page; ``?ticket=`` (the printed link) or a posted admin token starts a session."""
    sessions = request.config_dict[SESSIONS]
    if request.method == "POST":
        if not _same_origin(request):
            return sign_in_page(request, 403, "Sign in from this server's own page.")
        token = (await request.post()).get("token", "")
        session = sessions.sign_in(str(token)) if token else None
        if session is None:
            return sign_in_page(request, 401, "That is not the admin token.")
        response: web.StreamResponse = web.Response(status=303, headers={"Location": PREFIX + "/"})
    elif "ticket" in request.query:
        session = sessions.redeem(request.query["ticket"])
        if session is None:
            return sign_in_page(request, 401, "This sign-in link has been used already: sign in with the "
                                                "admin token printed at startup.")
        # A page, not a redirect: a SameSite=Strict cookie set while following a link from elsewhere
        # would not be sent with the redirect, but is with this page's own same-site navigation.
        response = render(request, "signed_in.html", {})
    else:
        return sign_in_page(request, 200)
    set_cookie(response, session)
    return response


async def sign_out(request: web.Request) -> web.StreamResponse:
    sessions = request.config_dict[SESSIONS]
    session = sessions.of(request)
    form = await request.post()
    if session is not None and form.get("csrf") != session.csrf:
        return web.Response(status=403, text="Sign-out refused: the form's CSRF token is missing or wrong.")
    if session is not None:
        sessions.end(session)
    response = web.Response(status=303, headers={"Location": PREFIX + "/sign-in"})
    clear_cookie(response)
    return response


async def landing(request: web.Request) -> web.Response:
    return render(request, "landing.html", {"orgs": len(request.config_dict[SANDBOX].organizations)})


@page(None)
async def not_found(request: web.Request) -> web.Response:
    error = ApiError(f"No console page at {request.path}.")
    return render(request, "error.html", {"error": error}, 404)


def money(value: object) -> object:
    """An amount as a person reads it: ``4800.0`` -> ``4,800.00`` (anything else unchanged)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:,.2f}"
    return value


def sign_in_url(app: web.Application, base: str) -> str | None:
    """The printed one-time sign-in link (None when the console is off or the link was used)."""
    sessions = app.get(SESSIONS)
    if sessions is None or sessions.ticket is None:
        return None
    return f"{base}{PREFIX}/sign-in?ticket={sessions.ticket}"


@web.middleware
async def _bare_prefix(request: web.Request, handler) -> web.StreamResponse:
    """``/_mockcasa/console`` (no slash) lands on the console's front page."""
    if request.path == PREFIX:
        raise web.HTTPPermanentRedirect(PREFIX + "/")
    return await handler(request)


def console_app() -> web.Application:
    """The console as a sub-application, ``seal``ed at its prefix (see ``mockcasa.routing``).

    As a sub-application the console is never seen by the public layers (journal, faults, rate
    limits): viewing a page costs the API nothing and leaves no trace in the journal it shows.
    """
    from mockcasa.console import live, pages  # on the console's first request (``routing.SubApp``)

    console = web.Application(middlewares=[_bare_prefix])
    router = console.router
    router.add_static(PREFIX + "/static", HERE / "static", append_version=True, name=STATIC)
    router.add_route("*", PREFIX + "/sign-in", sign_in)
    router.add_post(PREFIX + "/sign-out", sign_out)
    org, res = "/orgs/{orgId}", "/orgs/{orgId}/{resource}"
    for path, handler in [
            ("/", pages.organizations), ("/journal", live.journal), ("/faults", live.faults),
            ("/stream", stream), ("/seeds/{name}.json", pages.seed_body), ("/scenarios/{name}.yaml", pages.scenario_text),
            (org + "/", pages.organization), (org + "/events", pages.org_events), (org + "/search", pages.search),
            (org + "/deliveries", live.webhooks), (res + "/", pages.records), (res + "/{id}", pages.record)]:
        router.add_get(PREFIX + path, handler)
    router.add_route("*", PREFIX + "/{tail:.*}", not_found)
    return seal(PREFIX, console)


def add_root_pages(app: web.Application) -> None:
    """The console's pages on the root app: the landing page and the docs."""
    app.router.add_get("/", landing)
    app.router.add_get("/docs/", docs)
    app.router.add_get("/docs/{name}", docs)


def setup_console(app: web.Application, routes: Routes) -> None:
    """Give the app the console's state, mount its sub-application and its pages on the root.

    Call after ``setup_admin`` (the sessions need the admin token).
    """
    app[TEMPLATES] = Templates(HERE / "templates", {"merge": lambda mapping, **more: {**mapping, **more},
                                                    "money": money})
    app[SESSIONS] = Sessions(app[ADMIN_TOKEN])
    app[SIGN_INS].append(admin_session)  # the page script calls the admin API with cookie + CSRF header
    app[ACTIVITY] = Activity()
    app[SANDBOX].listeners.append(app[ACTIVITY])
    app[STREAMING] = {"closing": False}
    app.on_shutdown.append(close_streams)
    app[CONSOLE] = routes.console
    mount(app, PREFIX, routes.console)
    register(app, routes.console_root)


def docs_folder() -> Path | None:
    """``docs/`` beside the package (a checkout) or bundled inside it (an installed wheel)."""
    for folder in (PACKAGE_ROOT.parent / "docs", PACKAGE_ROOT / "data" / "docs"):
        if folder.is_dir():
            return folder
    return None


async def docs(request: web.Request) -> web.Response:
    """The Markdown documentation, as plain text (offline: nothing links outside the server)."""
    folder = docs_folder()
    names = sorted(p.name for p in folder.glob("*.md")) if folder else []
    name = request.match_info.get("name")
    if name is None:
        return render(request, "docs.html", {"names": names})
    if name not in names:
        raise web.HTTPNotFound()
    return web.Response(text=(folder / name).read_text(), content_type="text/plain")


__all__ = ["add_root_pages", "console_app", "setup_console", "sign_in_url"]
