"""The console over plain HTTP: sign-in and its cookie, CSRF, escaping, --no-console, the landing page."""

from __future__ import annotations

import pytest

from mockcasa import create_app
from mockcasa.config import Settings
from mockcasa.console import sign_in_url
from mockcasa.console.session import COOKIE
from mockcasa.keys import SANDBOX
from tests.support.admin import Admin

CONSOLE = "/_mockcasa/console"


@pytest.fixture
def app():
    return create_app(Settings(admin_token="tok"))


@pytest.fixture
async def http(aiohttp_client, app):
    return await aiohttp_client(app)


async def sign_in(http) -> str:
    """Sign in with the token form; returns the page's CSRF token."""
    async with http.post(CONSOLE + "/sign-in", data={"token": "tok"}, allow_redirects=False) as resp:
        assert resp.status == 303 and resp.headers["Location"] == CONSOLE + "/"
        cookie = resp.headers["Set-Cookie"]
    assert f"{COOKIE}=" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Path=/_mockcasa/" in cookie
    async with http.get(CONSOLE + "/") as resp:
        html = await resp.text()
    return html.split('name="csrf-token" content="')[1].split('"')[0]


async def test_the_one_time_link_signs_in_once(http, app):
    link = sign_in_url(app, "")
    async with http.get(link) as resp:
        assert resp.status == 200 and "HttpOnly" in resp.headers["Set-Cookie"]
        assert "SameSite=Strict" in resp.headers["Set-Cookie"]
    http.session.cookie_jar.clear()
    async with http.get(link) as resp:
        assert resp.status == 401 and "has been used already" in await resp.text()
    assert sign_in_url(app, "") is None


async def test_a_wrong_token_or_a_foreign_origin_does_not_sign_in(http):
    async with http.post(CONSOLE + "/sign-in", data={"token": "nope"}) as resp:
        assert resp.status == 401 and "Set-Cookie" not in resp.headers
    async with http.post(CONSOLE + "/sign-in", data={"token": "tok"},
                         headers={"Origin": "https://evil.example"}) as resp:
        assert resp.status == 403 and "Set-Cookie" not in resp.headers


async def test_the_admin_api_takes_the_session_only_with_its_csrf_header(http, app):
    csrf = await sign_in(http)
    sandbox = app[SANDBOX]
    before = len(sandbox.organizations)
    for headers in ({}, {"X-CSRF-Token": "forged"}):
        async with http.post("/_mockcasa/organizations", json={}, headers=headers) as resp:
            body = await resp.json()
            assert resp.status == 403 and body["error"]["code"] == "forbidden" and body["error"]["requestId"]
    assert len(sandbox.organizations) == before
    async with http.post("/_mockcasa/organizations", json={"name": "From the console"},
                         headers={"X-CSRF-Token": csrf}) as resp:
        assert resp.status == 201
    assert len(sandbox.organizations) == before + 1
    # Signed out, the same header is worth nothing.
    async with http.post(CONSOLE + "/sign-out", data={"csrf": "forged"}) as resp:
        assert resp.status == 403
    async with http.post(CONSOLE + "/sign-out", data={"csrf": csrf}, allow_redirects=False) as resp:
        assert resp.status == 303
    async with http.post("/_mockcasa/organizations", json={}, headers={"X-CSRF-Token": csrf}) as resp:
        assert resp.status == 401


async def test_record_values_are_escaped(http, app):
    org = app[SANDBOX].create_organization(name="<b>Bold</b> Studio")
    csrf = await sign_in(http)
    key = app[SANDBOX].issue_key(org).key
    async with http.post("/api/v1/clients", json={"name": "<img src=x onerror=alert(1)>"},
                         headers={"x-api-key": key}) as resp:
        assert resp.status == 201
    async with http.get(f"{CONSOLE}/orgs/{org.id}/clients/") as resp:
        html = await resp.text()
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<img" not in html
    assert "&lt;b&gt;Bold&lt;/b&gt; Studio" in html and "<b>" not in html
    assert key not in html and csrf in html


async def test_keys_are_masked_and_unknown_pages_are_html_404s(http, app):
    org = app[SANDBOX].create_organization(name="Keys Studio")
    key = app[SANDBOX].issue_key(org).key
    await sign_in(http)
    for path in ("/", f"/orgs/{org.id}/"):
        async with http.get(CONSOLE + path) as resp:
            html = await resp.text()
        assert key not in html and key[:4] + "…" in html
    async with http.get(f"{CONSOLE}/orgs/00000000-0000-4000-8000-000000000000/") as resp:
        assert resp.status == 404 and resp.content_type == "text/html"


async def test_the_console_can_be_turned_off(aiohttp_client):
    http = await aiohttp_client(create_app(Settings(admin_token="tok", console=False)))
    for path in (CONSOLE + "/", CONSOLE + "/sign-in", "/"):
        async with http.get(path) as resp:
            body = await resp.json()
            assert resp.status == 404 and body["error"]["code"] == "not_found"
    assert Settings.from_env({"MOCKCASA_CONSOLE": "0"}).console is False
    admin = Admin(http, "tok")
    assert (await admin.get("/organizations")).status == 200  # the admin API itself is unchanged


async def test_the_landing_page_links_everything(http):
    async with http.get("/") as resp:
        html = await resp.text()
    assert resp.status == 200 and resp.content_type == "text/html"
    for link in (CONSOLE + "/", "/api/v1/openapi.json", "/_mockcasa/openapi.json", "/docs/"):
        assert f'href="{link}"' in html
    async with http.get("/docs/webhooks.md") as resp:
        assert resp.status == 200 and "sink" in await resp.text()


async def test_a_2026_06_30_organization_s_tables_show_their_own_columns(http, app):
    org = app[SANDBOX].create_organization(name="Lumen", api_revision="2026-06-30")
    key = app[SANDBOX].issue_key(org).key
    await sign_in(http)
    async with http.post("/api/v1/vendors", json={"name": "Bloom Florals", "email": "hi@bloom.example"},
                         headers={"x-api-key": key}) as resp:
        assert resp.status == 201, await resp.text()
    async with http.get(f"{CONSOLE}/orgs/{org.id}/vendors/") as resp:
        html = await resp.text()
    assert resp.status == 200 and "Bloom Florals" in html and "hi@bloom.example" in html
    assert ">companyName<" in html or "companyName" in html


async def test_a_milestone_links_its_parent_a_project_or_a_client_document(http, app):
    admin = Admin(http, "tok")
    org, api = await admin.new_org(apiRevision="2026-06-30", records={
        "clients": [{"alias": "acme", "name": "Acme"}],
        "projects": [{"alias": "wedding", "name": "Wedding", "clientId": "acme"}],
        "client-documents": [{"alias": "doc", "title": "Wedding proposal", "clientId": "acme"}],
        "transactions": [{"name": "Flowers", "direction": "cost", "amount": 80,
                          "assignments": [{"projectId": "wedding", "amount": 80}]}]})
    await sign_in(http)
    project = (await api.get("projects")).body["data"][0]
    document = (await api.get("client-documents")).body["data"][0]
    made = {}
    for parent_type, parent in (("projects", project), ("client-documents", document)):
        made[parent_type] = await api.create("milestones", parentType=parent_type, parentId=parent["id"],
                                             title=f"Deposit for {parent_type}", date="2026-08-01")
    pages = f"{CONSOLE}/orgs/{org['id']}"
    for parent_type, parent, name in (("projects", project, "Wedding"), ("client-documents", document,
                                                                         "Wedding proposal")):
        link = f'<a href="{pages}/{parent_type}/{parent["id"]}">{name}</a>'
        async with http.get(f"{pages}/milestones/{made[parent_type]['id']}") as resp:
            html = await resp.text()
        assert resp.status == 200 and f"parentId: {link}" in html
        async with http.get(f"{pages}/{parent_type}/{parent['id']}") as resp:
            html = await resp.text()
        assert resp.status == 200 and "(parentId, 1)" in html
        assert f'href="{pages}/milestones/{made[parent_type]["id"]}"' in html
    async with http.get(f"{pages}/milestones/") as resp:
        html = await resp.text()
    assert resp.status == 200
    for parent_type, parent in (("projects", project), ("client-documents", document)):
        assert f'href="{pages}/{parent_type}/{parent["id"]}"' in html
    async with http.get(f"{pages}/projects/{project['id']}") as resp:  # named by a transaction's assignments
        assert resp.status == 200 and "(assignments, 1)" in await resp.text()
