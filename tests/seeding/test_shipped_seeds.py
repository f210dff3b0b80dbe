"""The seeds shipped in seeds/: default (what `serve` loads) and demo (a studio's year)."""

from pathlib import Path

import pytest

from mockcasa import create_app
from mockcasa.config import Settings
from tests.helpers import Api

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture
async def demo(aiohttp_client):
    http = await aiohttp_client(create_app(Settings(seeds=[SEEDS / "demo.yaml"])))
    return Api(http, "cc_test_demo_key"), Api(http, "cc_test_demo_readonly")


async def test_demo_has_every_status_and_a_year_of_history(demo):
    api, _ = demo
    clients = await api.list_all("clients")
    projects = await api.list_all("projects")
    contacts = await api.list_all("contacts")
    assert len(clients) == 50 and len(projects) == 96 and len(contacts) == 86
    assert {c["status"] for c in clients} == {"prospect", "active", "inactive"}
    assert {p["status"] for p in projects} == {"active", "paused", "completed"}
    assert {c["role"] for c in contacts} == {"primary", "billing", "other"}
    harbor = next(c for c in clients if c["name"] == "Harbor & Pine Coffee")
    assert {p["name"] for p in await api.list_all("projects", clientId=harbor["id"])} >= {"Brand identity",
                                                                                          "Café menu boards"}
    stamps = sorted(c["createdAt"] for c in clients)
    assert stamps[0] < stamps[-1] and len({s[:7] for s in stamps}) >= 10  # spread over the months


async def test_demo_read_only_key(demo):
    _, reader = demo
    assert (await reader.get("projects")).status == 200
    refused = await reader.post("clients", {"name": "Nope"})
    assert refused.status == 403 and refused.error["details"] == {"requiredScope": "clients:write"}


async def test_demo_loads_the_same_ids_every_time(aiohttp_client):
    ids = []
    for _ in range(2):
        http = await aiohttp_client(create_app(Settings(seeds=[SEEDS / "demo.yaml"])))
        ids.append([c["id"] for c in await Api(http, "cc_test_demo_key").list_all("clients")])
    assert ids[0] == ids[1]


async def test_default_seed_is_what_serve_loads(aiohttp_client):
    http = await aiohttp_client(create_app(Settings(), load_default_seed=True))
    reply = await Api(http, "cc_test_default_key").get("clients")
    assert reply.status == 200 and reply.body["data"] == []
