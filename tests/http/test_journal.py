"""The journal keeps request and response headers with secrets masked, and stays within its bounds."""

from __future__ import annotations

import pytest

from mockcasa import create_app
from mockcasa.config import Settings
from mockcasa.http.journal import BODY_LIMIT, JOURNAL, packed, unpacked
from mockcasa.testing.journal import InProcessJournal
from tests.support.admin import Admin
from tests.support.api import Api


@pytest.fixture
async def world(aiohttp_client):
    """(admin client, public API client of a fresh organization, the app) on a small journal."""
    app = create_app(Settings(admin_token="t", journal_max_bytes=512 * 1024))
    admin = Admin(await aiohttp_client(app), "t")
    _, api = await admin.new_org()
    return admin, api, app


async def test_headers_are_recorded_with_credentials_masked(world):
    admin, api, app = world
    created = await api.post("clients", {"name": "Acme"}, idempotency_key="sync-42",
                             headers={"User-Agent": "partner-sync/1.2", "Cookie": "session=abcdefghijklmnop"})
    [entry] = (await admin.get("/journal")).body["entries"]
    sent = entry["request"]["headers"]
    assert sent["idempotency-key"] == "sync-42" and sent["user-agent"] == "partner-sync/1.2"
    assert sent["x-api-key"] == api.key[:4] + "…" and api.key not in str(entry)
    assert sent["cookie"] == "sess…" and "abcdefghijklmnop" not in str(entry)
    assert entry["credential"] == api.key[:4] + "…"
    answered = entry["response"]["headers"]
    assert answered["x-request-id"] == created.headers["X-Request-Id"]
    assert answered["x-ratelimit-limit"] == "1000" and answered["content-type"].startswith("application/json")
    # The pytest helper reads the same entries.
    [same] = InProcessJournal(app[JOURNAL]).entries()
    assert same["request"]["headers"]["idempotency-key"] == "sync-42"
    assert same["request"]["headers"]["x-api-key"] == sent["x-api-key"]


async def test_a_request_without_content_type_has_none(world):
    admin, api, _ = world
    await api.get("clients")
    [entry] = (await admin.get("/journal")).body["entries"]
    assert entry["request"]["contentType"] is None and entry["request"]["body"] is None
    assert entry["response"]["contentType"] == "application/json"


async def test_the_body_read_first_is_the_one_kept_and_a_refused_body_leaves_no_entry(aiohttp_client):
    """The layers read a body once (``serving.read_body_in_time``) and hand it to the journal; a body
    refused there (over ``max_body_size``) never reached the API, so it is not journaled."""
    app = create_app(Settings(admin_token="t", max_body_size=1000))
    admin = Admin(await aiohttp_client(app), "t")
    _, api = await admin.new_org()
    refused = await api.post("clients", {"name": "x" * 2000})
    created = await api.post("clients", {"name": "Acme"})
    assert refused.status == 400 and refused.body["error"]["details"] == {"body": "is too large"}
    [entry] = (await admin.get("/journal")).body["entries"]
    assert (entry["status"], entry["request"]["body"]) == (created.status, {"name": "Acme"})


async def test_an_entry_reads_as_the_request_was_sent_after_the_request_is_gone(world):
    """Entries keep the request's parts, not the request: what they show is what was sent and answered."""
    admin, api, _ = world
    body = b'{"name": "Acme"}'
    created = await api.post("clients?dryRun=no%20thanks", headers={"content-TYPE": "application/json; charset=utf-8"},
                             data=body)
    missing = await api.get("/api/v1/no/such%20path", params={"q": "a b"})
    refused = await api.request("PUT", "clients")
    entries = (await admin.get("/journal")).body["entries"]
    assert [(e["method"], e["path"], e["query"], e["status"]) for e in entries] == [
        ("PUT", "/api/v1/clients", "", 405), ("GET", "/api/v1/no/such path", "q=a b", 404),
        ("POST", "/api/v1/clients", "dryRun=no thanks", created.status)]
    assert [e["requestId"] for e in entries] == [r.headers["X-Request-Id"] for r in (refused, missing, created)]
    assert [e["operationId"] for e in entries] == [None, None, "createClient"]
    assert len({e["organizationId"] for e in entries}) == 1 and entries[0]["organizationId"] is not None
    posted = entries[2]
    assert posted["request"]["contentType"] == "application/json" and posted["request"]["body"] == {"name": "Acme"}
    assert posted["request"]["headers"]["content-type"] == "application/json; charset=utf-8"
    assert posted["response"]["headers"]["content-length"] == str(len(created.raw))


@pytest.mark.parametrize("pairs", [(), ((b"Host", b"x"), (b"k", b"v: w")), ((b"a", b""),), ((b"a", b"x\0y"),)])
def test_packed_request_headers_read_back_as_parsed(pairs):
    """An entry keeps the request's header pairs packed in one bytes object; a NUL in one keeps them as they are."""
    assert unpacked(packed(pairs)) == pairs


async def test_a_bearer_credential_keeps_its_scheme(world):
    admin, api, _ = world
    await api.get("clients", headers={"Authorization": f"Bearer {api.key}"})
    [entry] = (await admin.get("/journal")).body["entries"]
    assert entry["request"]["headers"]["authorization"] == f"Bearer {api.key[:4]}…"


async def test_a_webhook_secret_in_a_body_is_masked(world):
    admin, api, _ = world
    await api.post("webhooks", {"name": "crm", "url": "https://hooks.partner.example/in",
                                "events": ["client_created"], "secret": "whsec_very_secret_value"})
    await api.post("webhooks", {"name": "bad", "url": "ftp://x", "events": ["client_created"],
                                "secret": "whsec_other_secret_value", "nested": [{"secret": "whsec_deep_secret"}]})
    refused, created = (await admin.get("/journal")).body["entries"]
    assert created["status"] == 201 and created["request"]["body"]["secret"] == "whse…"
    assert refused["status"] == 400 and refused["request"]["body"]["nested"][0]["secret"] == "whse…"
    assert "very_secret" not in str(created) and "secret_value" not in str(refused)
    assert "deep_secret" not in str(refused)


async def test_an_unreadable_entry_id_is_a_404_envelope(world):
    admin, api, _ = world
    await api.get("clients")
    [entry] = (await admin.get("/journal")).body["entries"]
    assert (await admin.get(f"/journal/{entry['id']}")).body == entry
    missing = await admin.get("/journal/999999")
    assert missing.status == 404 and missing.error["code"] == "not_found"
    newer = await admin.get("/journal", params={"after": entry["id"]})
    assert newer.body["entries"] == []


async def test_the_journal_is_bounded_in_bytes(aiohttp_client):
    app = create_app(Settings(admin_token="t", journal_max_bytes=20_000))
    admin = Admin(await aiohttp_client(app), "t")
    _, api = await admin.new_org()
    for i in range(12):
        await api.post("clients", {"name": f"C{i}", "notes": "n" * 3000})
    body = (await admin.get("/journal")).body
    assert body["maxBytes"] == 20_000 and 0 < body["bytes"] <= 20_000
    names = [e["request"]["body"]["name"] for e in body["entries"]]
    assert 2 <= len(names) < 12 and names == [f"C{i}" for i in range(11, 11 - len(names), -1)]


async def test_bodies_are_cut_before_they_are_kept_even_unauthenticated(aiohttp_client):
    """Ten 200 KB bodies from nobody fit a 1 MiB journal, because each keeps only 64 KiB."""
    app = create_app(Settings(admin_token="t", journal_max_bytes=1024 * 1024))
    admin = Admin(await aiohttp_client(app), "t")
    anonymous = Api(admin.http, None)
    big = b'{"name": "' + b"x" * 200_000 + b'"}'
    for _ in range(10):
        reply = await anonymous.request("POST", "/api/v1/clients", data=big,
                                        headers={"Content-Type": "application/json"})
        assert reply.status == 401
    body = (await admin.get("/journal", params={"limit": 50})).body
    assert len(body["entries"]) == 10 and body["bytes"] <= 10 * (BODY_LIMIT + 2000)
    request = body["entries"][0]["request"]
    assert request["truncated"] is True and request["size"] == len(big)
    assert len(request["body"]) == BODY_LIMIT


async def test_journal_limits_come_from_flags_and_environment():
    from mockcasa.cli import _parser

    assert Settings.from_env({"MOCKCASA_JOURNAL_MAX_BYTES": "4096"}).journal_max_bytes == 4096
    assert Settings().journal_max_bytes == 64 * 1024 * 1024
    args = _parser().parse_args(["serve", "--journal-max-bytes", "8192"])
    assert args.journal_max_bytes == 8192


async def test_an_entry_is_dated_by_its_organizations_clock_to_the_millisecond(world):
    """The journal keeps each request's instant on the organization's mock clock (as the clock's
    seconds, turned into a date when read): frozen, it is the frozen instant exactly; running with an
    offset, it follows the offset, not the wall clock."""
    admin, api, _ = world
    [organization] = (await admin.get("/organizations")).body["organizations"]
    clock = f"/organizations/{organization['id']}/clock"
    await admin.post(clock + "/freeze", {"at": "2026-05-19T10:00:00.125Z"})
    await api.get("clients")
    await admin.post(clock + "/set", {"at": "2031-02-03T04:05:06Z"})
    await admin.post(clock + "/unfreeze")
    await api.get("clients")
    second, first = (await admin.get("/journal")).body["entries"]  # newest first
    assert first["at"] == "2026-05-19T10:00:00.125Z"
    assert second["at"].startswith("2031-02-03T04:0"), second["at"]  # seconds after the jump, years from now


@pytest.mark.parametrize("instant", ["9999-12-31T23:59:59.999999Z", "0001-01-01T00:00:00Z"])
async def test_an_entry_at_either_end_of_the_clocks_range_reads_back(world, instant):
    """Kept as Unix seconds, the clock's last instant rounds up past year 9999: read back, it is that
    instant, not an error."""
    admin, api, _ = world
    [organization] = (await admin.get("/organizations")).body["organizations"]
    await admin.post(f"/organizations/{organization['id']}/clock/freeze", {"at": instant})
    await api.get("clients")
    [entry] = (await admin.get("/journal")).body["entries"]
    assert entry["at"] == ("9999-12-31T23:59:59.999Z" if instant.startswith("9999") else "0001-01-01T00:00:00.000Z")
