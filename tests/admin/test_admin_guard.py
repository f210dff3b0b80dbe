"""Every admin route, including those features declare (webhooks, OAuth), is behind the admin token."""

import re

FEATURE_ROUTES = {
    ("post", "/_mockcasa/organizations/{orgId}/webhooks/drain"): "200",
    ("get", "/_mockcasa/organizations/{orgId}/webhook-deliveries"): "200",
    ("get", "/_mockcasa/organizations/{orgId}/webhook-deliveries/{deliveryId}"): "200",
    ("post", "/_mockcasa/organizations/{orgId}/webhook-deliveries/{deliveryId}/redeliver"): "202",
    ("post", "/_mockcasa/organizations/{orgId}/oauth-apps"): "201",
}


async def document(http) -> dict:
    async with http.get("/_mockcasa/openapi.json") as resp:
        assert resp.status == 200
        return await resp.json()


async def test_feature_routes_are_declared_in_the_admin_document(http):
    doc = await document(http)
    for (method, path), status in FEATURE_ROUTES.items():
        operation = doc["paths"][path][method]
        assert status in operation["responses"] and "401" in operation["responses"]
        assert operation["security"] == [{"adminBearer": []}, {"adminHeader": []}]
    drain = doc["paths"]["/_mockcasa/organizations/{orgId}/webhooks/drain"]["post"]
    assert [p["name"] for p in drain["parameters"]] == ["orgId", "timeout", "settle"]
    oauth = doc["paths"]["/_mockcasa/organizations/{orgId}/oauth-apps"]["post"]
    assert oauth["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/OAuthAppSeed"}
    assert "redirectUris" in doc["components"]["schemas"]["OAuthAppSeed"]["properties"]


async def test_every_guarded_route_refuses_without_the_admin_token(http, api, admin):
    """No token, a wrong token, or an API key: 401 envelope, and nothing happens."""
    doc = await document(http)
    before = (await admin.get("/snapshot")).body
    checked = 0
    for path, operations in doc["paths"].items():
        concrete = re.sub(r"\{orgId\}", api.org.id, path)
        concrete = re.sub(r"\{(\w+)\}", "00000000-0000-4000-8000-00000000dead", concrete)
        for method, operation in operations.items():
            if not operation["security"]:
                continue
            for headers in ({}, {"x-admin-token": "wrong"}, {"x-api-key": api.key},
                            {"Authorization": f"Bearer {api.key}"}):
                async with http.request(method.upper(), concrete, headers=headers, json={}) as resp:
                    body = await resp.json()
                assert resp.status == 401, (method, path, headers, body)
                assert body["error"]["code"] == "unauthorized" and body["error"]["requestId"]
            checked += 1
    assert checked >= len(FEATURE_ROUTES) + 25
    assert (await admin.get("/snapshot")).body == before


async def test_webhook_and_oauth_routes_work_with_the_token(admin, api):
    base = f"/organizations/{api.org.id}"
    assert (await admin.get(base + "/webhook-deliveries")).body == {"data": []}
    drained = await admin.post(base + "/webhooks/drain")
    assert drained.status == 200 and drained.body == {"organizationId": api.org.id, "drained": True, "pending": 0,
                                                     "waitingForRetry": 0}
    created = await admin.post(base + "/oauth-apps", {"redirectUris": ["https://partner.example/cb"]})
    assert created.status == 201 and created.body["organizationId"] == api.org.id
    unknown = await admin.post("/organizations/00000000-0000-4000-8000-00000000dead/oauth-apps",
                               {"redirectUris": ["https://partner.example/cb"]})
    assert unknown.status == 404 and unknown.error["code"] == "not_found"
