"""Apps built with one ``Routes`` (the pytest plugin's, one app per test) share route objects and no state;
the admin API and the console are built on their first request, whichever comes first."""

import pytest

from mockcasa import create_app
from mockcasa.app import build_routes
from mockcasa.config import Settings
from tests.support.admin import Admin

CONSOLE = "/_mockcasa/console"


async def test_apps_sharing_routes_keep_their_own_worlds(aiohttp_client):
    routes = build_routes()
    one = create_app(Settings(admin_token="one"), routes=routes)
    two = create_app(Settings(admin_token="two"), routes=routes)
    assert list(one.router.resources())[-1] is list(two.router.resources())[-1]  # built once
    http_one, http_two = await aiohttp_client(one), await aiohttp_client(two)
    admin_one, admin_two = Admin(http_one, "one"), Admin(http_two, "two")

    _, api_one = await admin_one.new_org(name="Only in one")
    await api_one.create("clients", name="Acme")
    assert [o["name"] for o in (await admin_one.get("/organizations")).body["organizations"]] == ["Only in one"]
    assert (await admin_two.get("/organizations")).body["organizations"] == []
    assert (await Admin(http_two, "one").get("/organizations")).status == 401  # each app its own token
    async with http_two.get("/api/v1/clients", headers=api_one.credentials()) as resp:
        assert resp.status == 401  # the key is the other app's
    _, api_two = await admin_two.new_org(name="Only in two")
    assert (await api_two.get("clients")).body["data"] == []
    refused = await api_two.request("PUT", "clients")  # routing and its refusals as usual
    assert refused.status == 405 and refused.headers["Allow"] == "GET, POST"

    for http, token in ((http_one, "one"), (http_two, "two")):
        async with http.post(CONSOLE + "/sign-in", data={"token": token}, allow_redirects=False) as resp:
            assert resp.status == 303
        async with http.get(CONSOLE + "/") as resp:
            html = await resp.text()
        assert resp.status == 200 and ("Only in one" in html) == (http is http_one)
        async with http.get(CONSOLE) as resp:  # the console's own middleware, for either app
            assert resp.status == 200 and resp.url.path == CONSOLE + "/"


async def test_an_app_without_the_console_has_none_of_its_routes(aiohttp_client):
    routes = build_routes()
    create_app(Settings(), routes=routes)
    http = await aiohttp_client(create_app(Settings(console=False), routes=routes))
    for path in ("/", CONSOLE + "/sign-in", "/docs/"):
        async with http.get(path) as resp:
            assert resp.status == 404, path
    async with http.get("/_mockcasa/health") as resp:
        assert resp.status == 200


FIRST_REQUESTS = [("/", 200), ("/docs/", 200), ("/_mockcasa/health", 200), ("/_mockcasa/openapi.json", 200),
                  ("/_mockcasa/organizations", 401), ("/_mockcasa/nothing-here", 404), (CONSOLE, 308),
                  (CONSOLE + "/sign-in", 200), (CONSOLE + "/static/console.css", 200), ("/api/v1/clients", 401)]


@pytest.mark.parametrize(("first", "status"), FIRST_REQUESTS)
async def test_the_admin_api_and_the_console_answer_whatever_request_comes_first(aiohttp_client, first, status):
    """Their sub-applications are built on the first request under their prefix (``routing.SubApp``);
    the landing page names the console's static files, so it may build the console too."""
    http = await aiohttp_client(create_app(Settings(admin_token="t"), routes=build_routes()))
    async with http.get(first, allow_redirects=False) as resp:
        assert resp.status == status, first
    assert (await Admin(http, "t").get("/organizations")).status == 200
    async with http.post(CONSOLE + "/sign-in", data={"token": "t"}, allow_redirects=False) as resp:
        assert resp.status == 303
    async with http.get(CONSOLE + "/") as resp:
        assert resp.status == 200 and "Start from" in await resp.text()  # the organizations page
    async with http.get("/") as resp:
        landing = await resp.text()
    async with http.get(CONSOLE + "/static/console.css") as resp:
        assert resp.status == 200
    other = await aiohttp_client(create_app(Settings(admin_token="t"), routes=build_routes()))
    async with other.get("/") as resp:  # a console built by its landing page names the same files
        assert await resp.text() == landing
