"""Choosing an organization's API revision, and what each revision serves (issue 16).

An organization is served one revision for life: from its seed (``apiRevision``), the admin API's
create, the server's ``api_revision`` setting (``--api-revision``, ``MOCKCASA_API_REVISION``, the
pytest marker) for organizations that name none. What its revision lacks answers 410 ``gone``
when an older revision served it, else 404 ``not_found``.
"""

from __future__ import annotations

import json

import pytest

from mockcasa import create_app
from mockcasa.config import Settings
from mockcasa.keys import SANDBOX
from mockcasa.resources import all_revisions
from tests.conftest import CONTRACTS
from tests.support.admin import Admin
from tests.support.api import Api

SEED = """
organizations:
  - name: Today's Studio
    apiRevision: "2026-06-30"
    apiKeys: [{key: cc_test_today_key}]
    records:
      vendors: [{alias: florist, name: Petal & Stem}]
  - name: Yesterday's Studio
    apiKeys: [{key: cc_test_yesterday_key}]
"""


def _operations(doc: dict) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in doc["paths"].items() for method in item
            if method in ("get", "post", "patch", "delete")}


@pytest.mark.parametrize("revision", list(CONTRACTS))
async def test_the_served_document_has_exactly_the_contracts_operations(http, revision):
    if CONTRACTS[revision] is None:
        pytest.skip(f"contract of revision {revision} not present")
    import yaml
    contract = yaml.safe_load(CONTRACTS[revision].read_text())
    served = (await Api(http, None).get("/api/v1/openapi.json", params={"revision": revision})).body
    assert _operations(served) == _operations(contract)
    assert served["info"]["x-api-revision"] == revision
    codes = served["components"]["schemas"]["ApiError"]["properties"]["error"]["properties"]["code"]["enum"]
    assert codes == contract["components"]["schemas"]["ApiError"]["properties"]["error"]["properties"]["code"]["enum"]
    for name, schema in contract["components"]["schemas"].items():
        ours = served["components"]["schemas"][name]
        assert set(ours.get("properties", {})) == set(schema.get("properties", {})), name
        assert set(ours.get("required", [])) == set(schema.get("required", [])), name


async def test_every_operation_of_each_revision_is_served_and_no_other(http, sandbox):
    """Each revision's operations answer its organizations; the other revision's answer 410 or 404."""
    revisions = all_revisions()
    keys = {rev: sandbox.issue_key(sandbox.create_organization(api_revision=rev)).key for rev in revisions}
    ops = {rev: _operations((await Api(http, None).get("/api/v1/openapi.json", params={"revision": rev})).body)
           for rev in revisions}
    missing_id = "00000000-0000-4000-8000-000000000000"
    for rev, key in keys.items():
        api = Api(http, key)
        for other_ops in ops.values():
            for method, path in sorted(other_ops):
                url = path.removeprefix("/api/v1/").replace("{id}", missing_id)
                reply = await api.request(method, url, json={} if method in ("POST", "PATCH") else None)
                if (method, path) in ops[rev]:
                    assert reply.status in (200, 201, 400, 404, 409), (rev, method, path, reply)
                    assert reply.status != 404 or "{id}" in path, (rev, method, path, reply)
                elif rev == "2026-06-30":  # served by 1.0.0, removed since
                    assert (reply.status, reply.error["code"]) == (410, "gone"), (rev, method, path, reply)
                else:  # only a later revision has it
                    assert (reply.status, reply.error["code"]) == (404, "not_found"), (rev, method, path, reply)


async def test_a_method_a_revision_lacks_on_a_path_it_serves_is_405_with_its_own_allow(api26, api):
    reply = await api26.request("PUT", "inquiries")
    assert reply.status == 405 and reply.headers["Allow"] == "POST"
    assert (await api.request("PUT", "inquiries")).headers["Allow"] == "GET, POST"
    assert (await api.request("PUT", "vendors")).status == 404  # 1.0.0 has no vendors at all


async def test_gone_answers_before_idempotency_and_says_why(api26):
    reply = await api26.post("proposals", {"clientId": "x"}, headers={"Idempotency-Key": "k"})
    assert reply.status == 410 and reply.error["details"] == {"apiRevision": "2026-06-30"}
    assert "removed in API revision 2026-06-30" in reply.error["message"]


async def test_the_document_follows_the_callers_revision(http, api, api26):
    assert (await api26.get("/api/v1/openapi.json")).body["info"]["x-api-revision"] == "2026-06-30"
    assert (await api.get("/api/v1/openapi.json")).body["info"]["x-api-revision"] == "1.0.0"
    anyone = Api(http, None)
    assert (await anyone.get("/api/v1/openapi.json")).body["info"]["x-api-revision"] == "1.0.0"
    latest = await anyone.get("/api/v1/openapi.json", params={"revision": "latest"})
    assert latest.body["info"]["x-api-revision"] == "2026-06-30"
    bad = await anyone.get("/api/v1/openapi.json", params={"revision": "2025-01-01"})
    assert bad.status == 400 and "revision" in bad.error["details"]


async def test_seed_admin_and_setting_choose_the_revision(aiohttp_client, tmp_path):
    seed = tmp_path / "seed.yaml"
    seed.write_text(SEED)
    app = create_app(Settings(seeds=[seed], admin_token="t"))
    http = await aiohttp_client(app)
    today, yesterday = Api(http, "cc_test_today_key"), Api(http, "cc_test_yesterday_key")
    assert [v["name"] for v in (await today.get("vendors")).body["data"]] == ["Petal & Stem"]
    assert (await yesterday.get("vendors")).status == 404
    admin = Admin(http, "t")
    described, latest = await admin.new_org(apiRevision="latest")
    assert described["apiRevision"] == "2026-06-30" and (await latest.get("proposals")).status == 410
    assert (await admin.post("/organizations", {"apiRevision": "3.0"})).status == 400
    later = create_app(Settings(api_revision="latest"))
    org = later[SANDBOX].create_organization()
    assert org.api_revision == "2026-06-30"


def test_the_setting_comes_from_the_environment_and_refuses_unknown_revisions():
    assert Settings.from_env({"MOCKCASA_API_REVISION": "2026-06-30"}).api_revision == "2026-06-30"
    assert Settings.from_env({}).api_revision == "1.0.0"
    with pytest.raises(ValueError, match="unknown API revision"):
        Settings(api_revision="2027-01-01")


async def test_a_snapshot_records_the_revision_and_restores_it(aiohttp_client):
    app = create_app(Settings(admin_token="t"))
    admin = Admin(await aiohttp_client(app), "t")
    org, api = await admin.new_org(apiRevision="2026-06-30", name="Snap")
    await api.create("venues", name="The Grand Hall")
    snapshot = (await admin.get("/snapshot")).body
    [saved] = [o for o in snapshot["organizations"] if o["id"] == org["id"]]
    assert saved["apiRevision"] == "2026-06-30" and len(saved["records"]["venues"]) == 1
    assert "proposals" not in saved["records"]
    assert (await admin.post("/reset")).status == 200
    restored = await admin.request("POST", "/snapshot", data=json.dumps(snapshot).encode(),
                                   headers={"Content-Type": "application/json"})
    assert restored.status == 200, restored
    assert [v["name"] for v in (await api.get("venues")).body["data"]] == ["The Grand Hall"]
    assert app[SANDBOX].organizations[org["id"]].api_revision == "2026-06-30"


@pytest.mark.mockcasa(api_revision="2026-06-30")
async def test_the_pytest_marker_chooses_the_revision(mockcasa_api):
    assert (await mockcasa_api.get("event-days")).status == 200
    assert (await mockcasa_api.get("proposals")).status == 410
