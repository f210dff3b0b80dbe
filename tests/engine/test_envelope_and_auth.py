"""Errors, request ids and authentication, as every operation shares them."""

import re

import pytest

from mockcasa.http.envelope import RequestIds
from tests.support.api import Api


async def test_every_response_has_a_request_id_matching_the_envelope(api):
    ok = await api.get("clients")
    assert ok.status == 200 and ok.headers["X-Request-Id"].startswith("req_")
    missing = await api.get("clients/00000000-0000-4000-8000-000000000000")
    assert missing.status == 404
    assert missing.error["requestId"] == missing.headers["X-Request-Id"]
    assert missing.error["code"] == "not_found"


async def test_request_ids_are_unique_and_keep_their_shape(api):
    ids = [(await api.get("clients")).headers["X-Request-Id"] for _ in range(20)]
    assert len(set(ids)) == 20
    assert all(re.fullmatch(r"req_[0-9a-f]{24}", request_id) for request_id in ids)
    other = RequestIds()  # another app: another prefix, so ids differ even at the same count
    assert other() != RequestIds()()


@pytest.mark.parametrize("headers, reason", [
    ({}, "Missing credentials"),
    ({"x-api-key": "cc_test_nope"}, "not recognised"),
    ({"Authorization": "Basic abc"}, "Malformed Authorization"),
    ({"Authorization": "Bearer "}, "Malformed Authorization"),
    ({"x-api-key": " "}, "empty"),
])
async def test_missing_or_bad_credentials_are_401(http, headers, reason):
    reply = await Api(http, None).get("clients", headers=headers)
    assert reply.status == 401
    assert reply.error["code"] == "unauthorized"
    assert reason in reply.error["message"]


async def test_bearer_header_works_like_x_api_key(http, api):
    await api.create("clients", name="Acme")
    reply = await Api(http, None).get("clients", headers={"Authorization": f"Bearer {api.key}"})
    assert reply.status == 200 and reply.body["data"][0]["name"] == "Acme"


async def test_missing_scope_is_403_naming_it(make_api):
    reader = make_api(["clients:read"])
    reply = await reader.post("clients", {"name": "Acme"})
    assert reply.status == 403
    assert reply.error["code"] == "forbidden"
    assert "clients:write" in reply.error["message"]
    assert (await reader.get("clients")).status == 200
    assert (await reader.get("projects")).status == 403


async def test_unknown_route_is_404_envelope(api):
    reply = await api.get("nothing-here")
    assert reply.status == 404 and reply.error["code"] == "not_found"


async def test_wrong_method_is_405_with_allow(api):
    reply = await api.request("PUT", "clients")
    assert reply.status == 405
    assert reply.headers["Allow"] == "GET, POST"
    assert reply.error["code"] == "invalid_request"


async def test_malformed_json_and_wrong_content_type_are_400(api):
    bad = await api.post("clients", data=b"{not json", headers={"Content-Type": "application/json"})
    assert bad.status == 400 and "not valid JSON" in bad.error["message"]
    text = await api.post("clients", data=b"name=x", headers={"Content-Type": "text/plain"})
    assert text.status == 400 and "Content-Type" in text.error["details"]
    array = await api.post("clients", [1, 2])
    assert array.status == 400 and array.error["details"] == {"body": "must be a JSON object"}
    empty = await api.post("clients", data=b"", headers={"Content-Type": "application/json"})
    assert empty.status == 400
    assert (await api.get("clients")).body["data"] == []


async def test_malformed_path_id_is_404(api):
    reply = await api.get("clients/not-a-uuid")
    assert reply.status == 404 and reply.error["code"] == "not_found"


async def test_openapi_document_is_served_without_auth(http):
    reply = await Api(http, None).get("/api/v1/openapi.json")
    assert reply.status == 200
    assert reply.body["openapi"].startswith("3.1")
    ops = {op["operationId"] for path in reply.body["paths"].values() for op in path.values()}
    assert {"listClients", "createContact", "updateProject", "deleteClient"} <= ops


async def test_creates_publish_their_event_after_commit(api, sandbox):
    seen = []
    sandbox.listeners.append(lambda org, events: seen.extend((org.id, e, p[1].id) for e, p in events))
    client = await api.create("clients", name="Acme")
    assert seen == [(api.org.id, "client_created", client["id"])]
    await api.post("clients", {"name": ""})
    assert len(seen) == 1
