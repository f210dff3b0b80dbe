"""Seeds and generators know revision 2026-06-30; the shipped 2026-06-30 demo conforms to its contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockcasa import create_app
from mockcasa.config import Settings
from tests.support.api import Api

DEMO = Path(__file__).parents[2] / "seeds" / "demo-2026-06-30.yaml"
GENERATED = """
organizations:
  - name: Generated
    apiRevision: "2026-06-30"
    apiKeys: [{key: cc_test_generated_26}]
    generate: {clients: 20, contacts: 20, projects: 20, invoices: 25, payments: 25, contracts: 5,
               milestones: 10, time-entries: 10, catalog-items: 5}
"""


@pytest.fixture
async def demo(aiohttp_client):
    return Api(await aiohttp_client(create_app(Settings(seeds=[DEMO]))), "cc_test_demo26_key")


async def test_every_list_of_the_demo_conforms_and_has_records(demo, contract26, conforms26):
    for path, item in contract26["paths"].items():
        op = item.get("get")
        if op is None or "{id}" in path:
            continue
        resource = path.removeprefix("/api/v1/")
        reply = await demo.get(resource, params={"pageSize": 100})
        conforms26(reply, op["operationId"])
        assert reply.body["data"], path
        for record in reply.body["data"][:3]:
            conforms26(await demo.get(f"{resource}/{record['id']}"), contract26["paths"][path + "/{id}"]["get"]
                       ["operationId"])


async def test_the_demo_tells_its_story(demo):
    invoices = (await demo.get("invoices", params={"pageSize": 100})).body["data"]
    assert {i["status"] for i in invoices} == {"draft", "sent", "paid", "void", "written_off"}
    assert sum(i["supersedesInvoice"] is not None for i in invoices) == 1
    clients = (await demo.get("clients", params={"pageSize": 100})).body["data"]
    # The story's overdue invoice (Harbor & Pine's seasonal menu, INV-0005, due 20 days ago; the story's
    # invoices come first in the file); the generated rest of the year has a few more (a disputed card
    # payment, debits still in flight), each not paid in full.
    overdue = [i for i in invoices if i["overdue"]]
    assert "INV-0005" in {i["invoiceNumber"] for i in overdue}
    assert all(i["status"] == "sent" and i["amountPaid"] < i["total"] for i in overdue)
    assert {c["status"] for c in clients} == {"new", "contacted", "qualified", "active", "inactive", "declined", "spam"}
    versions = (await demo.get("document-versions")).body["data"]
    assert sorted(v["versionStatus"] for v in versions) == ["issued", "superseded"]
    [day] = (await demo.get("event-days", params={"status": "published", "pageSize": 1})).body["data"][:1] or [None]
    assert day is not None
    anchored = (await demo.get("timeline-items", params={"pageSize": 100})).body["data"]
    assert {i["anchorType"] for i in anchored} >= {"fixed", "fixed-end", "custom-event", "ceremony"}


async def test_generators_write_the_revisions_records(aiohttp_client, tmp_path):
    seed = tmp_path / "g.yaml"
    seed.write_text(GENERATED)
    api = Api(await aiohttp_client(create_app(Settings(seeds=[seed]))), "cc_test_generated_26")
    clients = await api.list_all("clients")
    assert len(clients) == 20 and "prospect" not in {c["status"] for c in clients}
    invoices = await api.list_all("invoices")
    assert {i["status"] for i in invoices} <= {"draft", "sent", "paid", "void"} and len(invoices) == 25
    assert all("proposalId" not in c for c in await api.list_all("contracts"))
