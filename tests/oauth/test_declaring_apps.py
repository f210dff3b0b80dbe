"""OAuth apps from seed files (``oauthApps``) and from the admin API's create call."""

import textwrap

import jwt
import pytest

from mockcasa import create_app
from mockcasa.config import Settings
from mockcasa.keys import SANDBOX
from mockcasa.seeding import SeedError, apply_seed, read_seed
from tests.support.oauth_flow import REDIRECT, BearerApi, OAuthClient

SEED = """
organizations:
  - id: 00000000-0000-4000-8000-000000000001
    name: Seeded Studio
    members:
      - id: 00000000-0000-4000-8000-0000000000a1
        name: Sam Owner
        email: sam@seeded.example
      - id: 00000000-0000-4000-8000-0000000000a2
        name: Pat Member
        email: pat@seeded.example
    oauthApps:
      - clientId: seeded-spa
        name: Seeded SPA
        redirectUris: [https://partner.example/callback]
        scopes: [clients:read]
        member: pat@seeded.example
      - clientId: seeded-server
        clientSecret: seeded-secret-value
        redirectUris: [https://partner.example/callback]
"""


def write(tmp_path, text: str):
    path = tmp_path / "seed.yaml"
    path.write_text(textwrap.dedent(text))
    return path


async def test_seeded_apps_run_the_flow(aiohttp_client, tmp_path):
    app = create_app(Settings(seeds=[write(tmp_path, SEED)]))
    http = await aiohttp_client(app)
    spa = await OAuthClient(http, "seeded-spa").login()
    assert spa["scope"] == "clients:read"
    server = await OAuthClient(http, "seeded-server", secret="seeded-secret-value").login()
    assert server["scope"] == " ".join(sorted(app[SANDBOX].all_scopes))
    claims = jwt.decode(spa["access_token"], options={"verify_signature": False})
    assert claims["sub"] == "00000000-0000-4000-8000-0000000000a2"
    assert claims["organizationId"] == "00000000-0000-4000-8000-000000000001"
    no_secret = await OAuthClient(http, "seeded-server").exchange("x")
    assert no_secret.status == 401


@pytest.mark.parametrize("app_yaml, reason", [
    ("{clientId: x y, redirectUris: [https://a.example/cb]}", "oauthApps[0].clientId: must be 3-100"),
    ("{clientId: ok-app, redirectUris: []}", "oauthApps[0].redirectUris: must list at least one"),
    ("{clientId: ok-app, redirectUris: ['https://a.example/cb#frag']}", "redirectUris[0]: must not contain"),
    ("{clientId: ok-app, redirectUris: [/relative]}", "redirectUris[0]: must be an absolute URI"),
    ("{clientId: ok-app, redirectUris: [https://a.example/cb], scopes: [nope:read]}", "unknown scopes nope:read"),
    ("{clientId: ok-app, redirectUris: [https://a.example/cb], member: ghost@x.example}", "oauthApps[0].member"),
    ("{clientId: ok-app, redirectUris: [https://a.example/cb], colour: red}", "colour"),
    ("{clientId: ok-app}", "redirectUris"),
])
def test_bad_app_declarations_fail_the_seed_and_load_nothing(tmp_path, app_yaml, reason):
    path = write(tmp_path, f"""
        organizations:
          - name: First
          - name: Second
            members: [{{name: Sam, email: sam@x.example}}]
            oauthApps:
              - {app_yaml}
        """)
    with pytest.raises(SeedError) as failure:
        create_app(Settings(seeds=[path]))
    assert str(path) in str(failure.value) and reason in str(failure.value)
    assert "organizations[1]" in str(failure.value)


def test_client_ids_are_unique_across_the_seed_and_the_sandbox(tmp_path):
    path = write(tmp_path, """
        organizations:
          - oauthApps: [{clientId: same-id, redirectUris: ['https://a.example/cb']}]
          - oauthApps: [{clientId: same-id, redirectUris: ['https://a.example/cb']}]
        """)
    with pytest.raises(SeedError, match=r"organizations\[1\]\.oauthApps\[0\]\.clientId: .*already in use"):
        create_app(Settings(seeds=[path]))
    once = write(tmp_path, """
        organizations:
          - oauthApps: [{clientId: same-id, redirectUris: ['https://a.example/cb']}]
        """)
    with pytest.raises(SeedError, match="already in use"):
        create_app(Settings(seeds=[once, once]))


@pytest.fixture
def admin(sandbox, admin):
    """(sandbox, a client of the admin API holding its token)."""
    return sandbox, admin


async def test_admin_creates_a_confidential_app_with_a_generated_secret(admin):
    sandbox, api = admin
    org = sandbox.create_organization()
    reply = await api.post(f"/organizations/{org.id}/oauth-apps",
                           {"name": "Made at runtime", "redirectUris": [REDIRECT], "confidential": True,
                            "scopes": ["clients:read"]})
    assert reply.status == 201, reply
    body = reply.body
    assert body["clientId"].startswith("ccapp_") and body["clientSecret"].startswith("ccsecret_")
    assert body["confidential"] is True and body["organizationId"] == org.id
    assert body["memberId"] == next(iter(org.members)) and body["scopes"] == ["clients:read"]
    tokens = await OAuthClient(api.http, body["clientId"], secret=body["clientSecret"]).login()
    assert tokens["scope"] == "clients:read"


async def test_admin_refuses_bad_apps_with_details(admin):
    sandbox, api = admin
    org = sandbox.create_organization()
    path = f"/organizations/{org.id}/oauth-apps"
    bad = await api.post(path, {"redirectUris": ["no-scheme"], "scopes": ["x:read"], "member": "ghost"})
    assert bad.status == 400 and bad.error["code"] == "invalid_request"
    assert set(bad.error["details"]) == {"redirectUris[0]", "scopes", "member"}
    missing = await api.post(path, {"name": "No redirect"})
    assert missing.status == 400 and "redirectUris" in missing.error["details"]
    unknown = await api.post("/organizations/nope/oauth-apps", {"redirectUris": [REDIRECT]})
    assert unknown.status == 404
    created = await api.post(path, {"clientId": "taken-id", "redirectUris": [REDIRECT]})
    assert created.status == 201 and "clientSecret" not in created.body
    again = await api.post(path, {"clientId": "taken-id", "redirectUris": [REDIRECT]})
    assert again.status == 400 and "already in use" in again.error["details"]["clientId"]


async def test_reloading_a_seed_after_clearing_replaces_its_apps_and_ends_old_tokens(aiohttp_client, tmp_path):
    path = write(tmp_path, SEED)
    app = create_app(Settings(seeds=[path]))
    sandbox = app[SANDBOX]
    http = await aiohttp_client(app)
    old = await OAuthClient(http, "seeded-spa").login()
    sandbox.clear()
    apply_seed(sandbox, read_seed(path))
    reply = await BearerApi(http, old["access_token"]).get("clients")
    assert reply.status == 401
    assert (await OAuthClient(http, "seeded-spa").refresh(old["refresh_token"])).status == 400
    fresh = await OAuthClient(http, "seeded-spa").login()
    assert (await BearerApi(http, fresh["access_token"]).get("clients")).status == 200
