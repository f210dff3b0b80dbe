"""The seeds shipped in seeds/: default (what `serve` loads) and demo (a studio's year)."""

from collections import Counter
from pathlib import Path

import pytest

from mockcasa import create_app
from mockcasa.config import Settings
from tests.support.api import Api

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


async def enum_fields(api: Api) -> dict[str, dict[str, list[str]]]:
    """resource -> {field: its enum values}, from the OpenAPI document the server serves."""
    doc = (await api.get("/api/v1/openapi.json")).body
    fields = {}
    for path, item in doc["paths"].items():
        if path.endswith("/{id}") and "get" in item:
            ref = item["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
            schema = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
            fields[path.split("/")[3]] = {name: prop["enum"] for name, prop in schema["properties"].items()
                                          if "enum" in prop}
    return fields


async def missing_enum_values(api: Api) -> dict[str, list[str]]:
    """Every enum value of every resource's fields that no record shows: ``{"invoices.status": [...]}``."""
    missing = {}
    for resource, fields in (await enum_fields(api)).items():
        records = await api.list_all(resource, pageSize=100)
        for name, enum in fields.items():
            absent = [value for value in enum if value not in {r[name] for r in records}]
            if absent:
                missing[f"{resource}.{name}"] = absent
    return missing


async def test_demo_shows_every_value_of_every_status_and_enum(demo):
    api, _ = demo
    fields = await enum_fields(api)
    assert len(fields) == 15 and fields["invoices"]["status"] == ["draft", "sent", "partial", "paid", "overdue",
                                                                   "void"]
    assert {"payments": {"method", "status", "kind"}, "payouts": {"status"}, "calendar-events": {"source"},
            "milestones": {"parentType", "status"}}.items() <= {k: set(v) for k, v in fields.items()}.items()
    assert await missing_enum_values(api) == {}


@pytest.mark.parametrize("instant", ["2026-01-01T00:00:30Z", "2026-07-15T12:00:00Z", "2026-12-31T23:59:30Z"])
async def test_demo_shows_every_status_whatever_the_date_and_time(instant, aiohttp_client, tmp_path):
    """The demo's clock runs: its world must be complete whenever it is loaded."""
    text = (SEEDS / "demo.yaml").read_text().replace("    taxRate: 0.0825\n",
                                                      f"    taxRate: 0.0825\n    clock: {{freezeAt: {instant}}}\n")
    (tmp_path / "demo.yaml").write_text(text)
    http = await aiohttp_client(create_app(Settings(seeds=[tmp_path / "demo.yaml"])))
    assert await missing_enum_values(Api(http, "cc_test_demo_key")) == {}


async def test_demo_story_reads_as_told(demo):
    api, _ = demo
    clients = {c["name"]: c["id"] for c in await api.list_all("clients")}
    harbor, rivera = clients["Harbor & Pine Coffee"], clients["Sofia & Dan Rivera"]
    # The story's invoices come first in the file, so they hold the first numbers.
    invoices = {i["invoiceNumber"]: i for i in await api.list_all("invoices", pageSize=100)}
    story = [(invoices[f"INV-{n:04d}"]["subject"], invoices[f"INV-{n:04d}"]["status"]) for n in range(1, 11)]
    assert story == [
        ("Brand identity - deposit", "paid"), ("Brand identity - final invoice", "paid"),
        ("Café menu boards", "void"), ("Café menu boards", "draft"), ("Patient portal redesign - phase 1", "paid"),
        ("Patient portal redesign - phase 2", "partial"), ("Annual report design - first half", "overdue"),
        ("Shopfront signage", "paid"), ("Wedding photography - deposit", "paid"),
        ("Wedding photography - balance", "sent")]
    final = invoices["INV-0002"]
    assert final["paidAt"] is not None and final["amountPaid"] == 9250
    [payout] = [p for p in await api.list_all("payouts") if p["bankAccountLast4"] == "4417"]
    assert (payout["status"], payout["amount"], payout["paymentCount"]) == ("paid", 11991.25, 2)
    [proposal] = [p for p in await api.list_all("proposals", clientId=rivera) if p["title"] == "Wedding photography"]
    [contract] = [c for c in await api.list_all("contracts", clientId=rivera)
                  if c["title"] == "Wedding photography agreement"]
    assert (proposal["status"], contract["status"], proposal["linkedContractId"]) == ("accepted", "active",
                                                                                      contract["id"])
    [inquiry] = [i for i in await api.list_all("inquiries", status="converted") if i["convertedClientId"] == rivera]
    assert inquiry["name"] == "Sofia Rivera"
    [call] = [e for e in await api.list_all("calendar-events") if e["title"] == "Call with Dana (Alder)"]
    assert call["readOnly"] and (await api.patch(f"calendar-events/{call['id']}", {"title": "x"})).status == 409
    [logo] = [e for e in await api.list_all("time-entries", clientId=harbor) if e["description"] == "Final logo files"]
    assert (await api.patch(f"time-entries/{logo['id']}", {"hours": 1})).status == 409
    [album] = [t for t in await api.list_all("transactions") if t["name"] == "Wedding album printing"]
    assert album["billedAmount"] == 414 and (await api.delete(f"transactions/{album['id']}")).status == 409


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


# The date each record's story happens on: a record is written on or before it (an invoice on or
# before its issue date, a payment when it is received, a smart-file version when it is issued...).
BUSINESS_DATES = {"invoices": "issueDate", "payments": "receivedDate", "proposals": "issueDate",
                  "contracts": "issueDate", "time-entries": "date", "milestones": "completedAt",
                  "form-submissions": "submittedAt", "document-versions": "issuedAt"}
# Dates a record's story looks ahead to from when it is written: never before that day (a proposal
# is written before the event it prices).
AHEAD_DATES = {"proposals": "eventDate"}
# What a demo's story says is written at the moment it loads (Harbor & Pine's menu boards, drafted today).
WRITTEN_ON_LOAD = {"demo": [("invoices", "Café menu boards")], "demo-2026-06-30": []}


@pytest.mark.parametrize("instant", ["2026-07-15T12:00:00Z", "2026-12-31T00:00:30Z"])
@pytest.mark.parametrize("name", sorted(WRITTEN_ON_LOAD))
async def test_demo_records_were_written_before_now_and_before_their_own_dates(name, instant, aiohttp_client,
                                                                               tmp_path):
    """No record of a shipped demo is created after the clock's now or after its own business date, nor
    after a date it looks ahead to; none but the story's own is created at the very moment of loading
    (missing createdAt means now); and invoices are spread over the year, not piled up on a few days."""
    text = (SEEDS / f"{name}.yaml").read_text()
    assert text.count("    taxRate: 0.0825\n") == 1
    (tmp_path / "seed.yaml").write_text(text.replace("    taxRate: 0.0825\n",
                                                     f"    taxRate: 0.0825\n    clock: {{freezeAt: {instant}}}\n"))
    http = await aiohttp_client(create_app(Settings(seeds=[tmp_path / "seed.yaml"])))
    api = Api(http, "cc_test_demo_key" if name == "demo" else "cc_test_demo26_key")
    now = instant.replace("Z", ".000Z")
    doc = (await api.get("/api/v1/openapi.json")).body
    resources = sorted({path.split("/")[3] for path, item in doc["paths"].items()
                        if path.count("/") == 3 and "get" in item and "{" not in path})
    written_on_load, late, behind, issued = [], [], [], Counter()
    for resource in resources:
        for record in await api.list_all(resource, pageSize=100):
            created, label = record["createdAt"], record.get("title") or record.get("subject") or record.get("name")
            assert created <= record["updatedAt"] <= now, (resource, label, created, record["updatedAt"])
            if created == now:
                written_on_load.append((resource, label))
            day = record.get(BUSINESS_DATES.get(resource, ""))
            if day and created[:len(day)] > day:  # a date compares with the createdAt's day, an instant whole
                late.append((resource, label, created, day))
            ahead = record.get(AHEAD_DATES.get(resource, ""))
            if ahead and created[:len(ahead)] > ahead:
                behind.append((resource, label, created, ahead))
            if resource == "invoices":
                issued[record["issueDate"]] += 1
    assert late == [] and behind == []
    assert max(issued.values()) <= max(3, issued.total() // 25), issued.most_common(3)
    assert written_on_load == WRITTEN_ON_LOAD[name]
    assert {"invoices", "payments", "event-days" if name != "demo" else "calendar-events"} <= set(resources)
