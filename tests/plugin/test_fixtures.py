"""The in-process fixtures: one app and one fresh organization per test, clock and events."""

from datetime import UTC, datetime

import aiohttp
import pytest

SEEDS = "tests/plugin/seeds"


async def test_api_is_a_fresh_organization_with_an_all_scope_key(mockcasa_api, mockcasa_org, mockcasa_sandbox):
    assert list(mockcasa_sandbox.organizations) == [mockcasa_org.id]
    assert (await mockcasa_api.get("clients")).body["data"] == []
    created = await mockcasa_api.post("clients", {"name": "Acme"})
    assert created.status == 201
    assert await mockcasa_api.list_all("clients") == [created.body]
    assert mockcasa_org["clients"].get(created.body["id"]) is not None
    for resource in ("contacts", "projects"):  # every scope
        assert (await mockcasa_api.get(resource)).status == 200


async def test_list_all_follows_every_page_and_sends_filters(mockcasa_api):
    for i in range(105):
        await mockcasa_api.create("clients", name=f"C{i}", status="prospect" if i % 3 else "active")
    assert len(await mockcasa_api.list_all("clients")) == 105
    prospects = await mockcasa_api.list_all("clients", status="prospect")
    assert len(prospects) == 70 and {c["status"] for c in prospects} == {"prospect"}


async def test_create_raises_with_the_reply_on_refusal(mockcasa_api):
    with pytest.raises(AssertionError, match="invalid_request"):
        await mockcasa_api.create("clients", name="")


async def test_make_api_scopes_and_other_organizations(mockcasa_api, mockcasa_make_api):
    client = await mockcasa_api.create("clients", name="Acme")
    reader = mockcasa_make_api(["clients:read"])
    assert (await reader.get(f"clients/{client['id']}")).status == 200
    refused = await reader.post("clients", {"name": "Nope"})
    assert refused.status == 403 and refused.error["details"] == {"requiredScope": "clients:write"}
    other = mockcasa_make_api(new_org=True)
    assert other.org is not mockcasa_api.org
    assert (await other.get(f"clients/{client['id']}")).status == 404
    assert (await other.get("clients")).body["data"] == []


async def test_clock_helpers_drive_the_organizations_clock(mockcasa_api, mockcasa_clock, mockcasa_org):
    assert mockcasa_api.clock is mockcasa_clock
    frozen = mockcasa_clock.freeze("2026-05-19T10:00:00Z")
    assert frozen == datetime(2026, 5, 19, 10, tzinfo=UTC)
    first = await mockcasa_api.create("clients", name="A")
    assert first["createdAt"] == "2026-05-19T10:00:00.000Z"
    assert mockcasa_clock.advance("1d2h") == datetime(2026, 5, 20, 12, tzinfo=UTC)
    assert (await mockcasa_api.create("clients", name="B"))["createdAt"] == "2026-05-20T12:00:00.000Z"
    assert mockcasa_clock.set("2027-01-01") == datetime(2027, 1, 1, tzinfo=UTC)
    assert mockcasa_clock.today().isoformat() == "2027-01-01"
    assert mockcasa_clock.advance(90).isoformat() == "2027-01-01T00:01:30+00:00"
    mockcasa_clock.reset()
    assert not mockcasa_org.clock.frozen


async def test_other_organizations_clocks_do_not_move(mockcasa_clock, mockcasa_make_api):
    other = mockcasa_make_api(new_org=True)
    mockcasa_clock.freeze("2030-01-01")
    assert other.clock.now().year != 2030


async def test_events_record_what_the_organization_published(mockcasa_api, mockcasa_events, mockcasa_make_api):
    client = await mockcasa_api.create("clients", name="Acme")
    await mockcasa_api.create("contacts", clientId=client["id"], name="Ann", email="ann@example.com")
    await mockcasa_make_api(new_org=True).create("clients", name="Elsewhere")
    await mockcasa_api.post("clients", {"name": ""})
    assert mockcasa_events.names() == ["client_created", "contact_created"]
    resource, record = mockcasa_events.payloads("client_created")[0]
    assert resource == "clients" and record.id == client["id"]
    mockcasa_events.clear()
    assert mockcasa_events.names() == []


async def test_http_is_raw_and_url_is_the_loopback_server(mockcasa_http, mockcasa_url, mockcasa_key):
    assert (await mockcasa_http.get("/api/v1/clients")).status == 401
    assert mockcasa_url.startswith("http://127.0.0.1:")
    async with aiohttp.ClientSession() as session, \
            session.get(f"{mockcasa_url}/api/v1/clients", headers={"x-api-key": mockcasa_key}) as resp:
        assert resp.status == 200


@pytest.mark.mockcasa(seed="default")
async def test_seed_default_is_the_bundled_world(mockcasa_api, mockcasa_http, mockcasa_org):
    assert mockcasa_org.name == "Sandbox Studio"
    assert mockcasa_api.key != "cc_test_default_key"  # its own key, whatever scopes the seed's keys have
    reply = await mockcasa_http.get("/api/v1/clients", headers={"x-api-key": "cc_test_default_key"})
    assert reply.status == 200


@pytest.mark.mockcasa(seed=f"{SEEDS}/two_orgs.yaml", org="Second Studio")
async def test_marker_org_selects_a_seeded_organization_by_name(mockcasa_org, mockcasa_api):
    assert mockcasa_org.name == "Second Studio" and mockcasa_org.currency == "EUR"
    assert (await mockcasa_api.get("clients")).status == 200


@pytest.mark.mockcasa(seed="seeds/two_orgs.yaml", org="00000000-0000-4000-8000-0000000000b1")
def test_seed_paths_may_be_relative_to_the_test_file_and_org_an_id(mockcasa_org):
    assert mockcasa_org.name == "First Studio"


@pytest.mark.mockcasa(seed=[f"{SEEDS}/two_orgs.yaml", "default"], rate_limit=7)
def test_marker_takes_lists_and_settings_fields(mockcasa_settings, mockcasa_sandbox, mockcasa_org):
    assert mockcasa_settings.rate_limit == 7 and len(mockcasa_settings.seeds) == 2
    assert len(mockcasa_sandbox.organizations) == 3
    assert mockcasa_org.name == "First Studio"


@pytest.mark.mockcasa(seed="default")
class TestMarkersMerge:
    @pytest.mark.mockcasa(rate_limit=3)
    def test_closest_marker_adds_to_the_class_marker(self, mockcasa_settings, mockcasa_org):
        assert mockcasa_settings.rate_limit == 3 and mockcasa_org.name == "Sandbox Studio"

    @pytest.mark.mockcasa(seed=f"{SEEDS}/two_orgs.yaml")
    def test_closest_marker_wins(self, mockcasa_org):
        assert mockcasa_org.name == "First Studio"


@pytest.mark.mockcasa(api_revision="2026-06-30")
async def test_the_marker_chooses_the_api_revision(mockcasa_api, mockcasa_org):
    assert mockcasa_org.api_revision == "2026-06-30"
    assert (await mockcasa_api.get("vendors")).status == 200
    assert (await mockcasa_api.get("proposals")).status == 410  # removed in 2026-06-30


async def test_without_the_marker_the_revision_is_1_0_0(mockcasa_api, mockcasa_org):
    assert mockcasa_org.api_revision == "1.0.0"
    assert (await mockcasa_api.get("vendors")).status == 404
