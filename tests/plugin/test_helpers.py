"""In-process helpers beside the client: fault rules, the request journal, webhook deliveries."""

import pytest
from aiohttp import web

from mockcasa.scenarios import ScenarioError

SCENARIO = "tests/plugin/scenarios/first-list-fails.yaml"
FIRST_GET_FAILS = {"name": "first-get", "match": {"method": "GET", "path": "/api/v1/clients"},
                   "action": {"status": 503}, "schedule": {"first": 1}}


async def test_faults_add_rules_and_count_them(mockcasa_api, mockcasa_faults):
    added = mockcasa_faults.add(FIRST_GET_FAILS)
    assert added["source"] == "pytest" and added["stats"] == {"matched": 0, "fired": 0}
    failed = await mockcasa_api.get("clients")
    assert failed.status == 503 and failed.error["code"] == "internal_error"  # the contract's code for 5xx
    assert (await mockcasa_api.get("clients")).status == 200
    assert mockcasa_faults.rule("first-get")["stats"] == {"matched": 2, "fired": 1}
    assert [r["id"] for r in mockcasa_faults.rules()] == [added["id"]]
    mockcasa_faults.remove("first-get")
    assert mockcasa_faults.rules() == []
    with pytest.raises(KeyError):
        mockcasa_faults.remove("first-get")


async def test_faults_take_yaml_text_and_report_bad_rules(mockcasa_api, mockcasa_faults):
    mockcasa_faults.add("match: {method: POST}\naction: {status: 429, retryAfter: 7}\n")
    limited = await mockcasa_api.post("clients", {"name": "Acme"})
    assert limited.status == 429 and limited.headers["Retry-After"] == "7"
    with pytest.raises(ScenarioError, match="action.status"):
        mockcasa_faults.add({"action": {"status": 418}})
    with pytest.raises(KeyError):
        mockcasa_faults.rule("nope")


async def test_faults_load_scenarios_from_files_and_dicts(mockcasa_api, mockcasa_faults):
    [loaded] = mockcasa_faults.load(SCENARIO)
    assert loaded["name"] == "first-list-503" and loaded["source"] == "first-list-fails"
    mockcasa_faults.load({"rules": [{"action": {"status": 500}, "match": {"method": "DELETE"}}]})
    assert len(mockcasa_faults.rules()) == 2
    mockcasa_faults.load({"name": "only", "rules": [FIRST_GET_FAILS]}, replace=True)
    assert [r["name"] for r in mockcasa_faults.rules()] == ["first-get"]
    mockcasa_faults.clear()
    assert mockcasa_faults.rules() == [] and (await mockcasa_api.get("clients")).status == 200


@pytest.mark.mockcasa(scenario=SCENARIO)
async def test_the_marker_loads_a_scenario(mockcasa_api, mockcasa_faults, mockcasa_journal):
    failed = await mockcasa_api.get("clients")
    assert failed.status == 503 and failed.headers["Retry-After"] == "2"
    assert (await mockcasa_api.get("clients")).status == 200
    assert mockcasa_faults.rule("first-list-503")["stats"] == {"matched": 2, "fired": 1}
    journal = [(e["status"], e["fault"]) for e in mockcasa_journal.entries()]
    assert journal == [(200, None), (503, "503 (first-list-503)")]


async def test_journal_records_each_request_newest_first(mockcasa_api, mockcasa_journal, mockcasa_org):
    created = await mockcasa_api.create("clients", name="Acme")
    await mockcasa_api.get(f"clients/{created['id']}", fault=502)
    await mockcasa_api.get("clients/00000000-0000-4000-8000-00000000dead")
    newest, faulted, first = mockcasa_journal.entries()
    assert (first["method"], first["path"], first["status"]) == ("POST", "/api/v1/clients", 201)
    assert first["request"]["body"] == {"name": "Acme"} and first["response"]["body"] == created
    assert first["organizationId"] == mockcasa_org.id and first["operationId"] == "createClient"
    assert (faulted["status"], faulted["fault"]) == (502, "502 (X-Mockcasa-Fault)")
    assert newest["status"] == 404
    assert [e["status"] for e in mockcasa_journal.entries(status="5xx")] == [502]
    assert [e["method"] for e in mockcasa_journal.entries(path="/api/v1/clients")] == ["POST"]
    assert len(mockcasa_journal.entries(method="GET", limit=1)) == 1
    mockcasa_journal.clear()
    assert mockcasa_journal.entries() == []


@pytest.fixture
async def receiver(aiohttp_server):
    """A webhook receiver on loopback answering 204, recording each request."""
    received = []

    async def hook(request: web.Request) -> web.Response:
        received.append((dict(request.headers), await request.json()))
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", hook)
    server = await aiohttp_server(app)
    return str(server.make_url("/hook")), received


@pytest.mark.mockcasa(allow_local_webhooks=True, webhook_retry_delay=0.001, webhook_attempts=2)
async def test_deliveries_drain_list_and_redeliver(mockcasa_api, mockcasa_deliveries, receiver):
    url, received = receiver
    hook = await mockcasa_api.create("webhooks", name="crm", url=url, events=["client_created"],
                                     secret="s3cret-s3cret-s3cret")
    client = await mockcasa_api.create("clients", name="Acme")
    assert await mockcasa_deliveries.drain() == 0
    [delivery] = mockcasa_deliveries.list(event="client_created")
    assert (delivery["status"], delivery["webhookId"]) == ("succeeded", hook["id"])
    assert delivery["attempts"][0]["requestHeaders"]["X-Signature"].startswith("sha256=")
    assert received[0][1]["data"] == client
    assert mockcasa_deliveries.get(delivery["id"]) == delivery
    again = mockcasa_deliveries.redeliver(delivery["id"])
    assert again["redeliveryOf"] == delivery["id"]
    assert await mockcasa_deliveries.drain() == 0
    assert len(received) == 2 and received[1][1] == received[0][1]
    assert mockcasa_deliveries.list(status="failed") == []
    with pytest.raises(KeyError):
        mockcasa_deliveries.get("00000000-0000-4000-8000-00000000dead")
