"""Seeded worlds are generated once per session; every test gets its own copy of one."""

import pytest

from mockcasa.admin import ADMIN_TOKEN
from mockcasa.config import Settings, shipped_seeds
from mockcasa.keys import SANDBOX
from mockcasa.testing.worlds import Worlds

DEMO_KEY = "cc_test_demo_key"


def test_a_world_is_built_once_and_each_app_gets_an_independent_copy():
    worlds = Worlds(freeze_gc=False)
    settings = Settings(seeds=[shipped_seeds()["demo"], shipped_seeds()["default"]])
    first, second = worlds.app(settings), worlds.app(settings)
    assert worlds.built == 1
    one, two = (next(iter(app[SANDBOX].organizations.values())) for app in (first, second))
    default_org = list(second[SANDBOX].organizations.values())[1]
    assert one is not two and one.id == two.id and one.name == "Northwind Creative Studio"
    assert len(one["invoices"]) == len(two["invoices"]) > 0
    one["clients"].remove(next(iter(one["clients"])))
    assert len(one["clients"]) == len(two["clients"]) - 1  # the other copy, and the world, keep theirs
    assert first[SANDBOX].api_keys[DEMO_KEY] is not second[SANDBOX].api_keys[DEMO_KEY]
    apps = [app for app in second[SANDBOX].oauth.apps.values()]
    assert {a.client_id for a in apps} == {"demo-spa", "demo-server"}
    assert all(app.organization is default_org for app in apps)  # OAuth apps follow the copy
    assert worlds.app(Settings(seeds=[shipped_seeds()["demo"]], rate_limit=5)) is not None
    assert worlds.built == 2  # other settings make another world ...
    worlds.app(Settings(seeds=[shipped_seeds()["demo"]], rate_limit=5, port=1234))
    assert worlds.built == 2  # ... but not the serving ones (port)


@pytest.mark.mockcasa(seed="demo")
class TestEachTestHasItsOwnDemo:
    async def test_one_changes_its_world(self, mockcasa_api, mockcasa_org):
        before = (await mockcasa_api.get("clients")).body["pagination"]["total"]
        await mockcasa_api.create("clients", name="Only in test one")
        assert (await mockcasa_api.get("clients")).body["pagination"]["total"] == before + 1
        assert len(mockcasa_org["clients"]) == before + 1

    async def test_two_sees_the_world_unchanged(self, mockcasa_api, mockcasa_worlds):
        names = [c["name"] for c in await mockcasa_api.list_all("clients")]
        assert "Only in test one" not in names
        assert mockcasa_worlds.built >= 1

    async def test_reset_brings_back_the_seeded_world(self, mockcasa_http, mockcasa_app, mockcasa_org):
        headers = {"x-api-key": DEMO_KEY}
        total = (await (await mockcasa_http.get("/api/v1/clients", headers=headers)).json())["pagination"]["total"]
        await mockcasa_http.post("/api/v1/clients", json={"name": "Gone after reset"}, headers=headers)
        reset = await mockcasa_http.post("/_mockcasa/reset", headers={"x-admin-token": mockcasa_app[ADMIN_TOKEN]})
        assert reset.status == 200
        after = await (await mockcasa_http.get("/api/v1/clients", headers=headers)).json()
        assert after["pagination"]["total"] == total
