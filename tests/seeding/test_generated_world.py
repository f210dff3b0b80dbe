"""Generated records of every resource: consistent with each other and with the rules, read over HTTP."""

from collections import Counter
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from tests.support.api import Api

ORG_ID = "00000000-0000-4000-8000-0000000000f1"
NOW = "2026-05-19T10:00:00.000Z"
TODAY = date(2026, 5, 19)
COUNTS = {"clients": 30, "contacts": 40, "projects": 50, "catalog-items": 20, "proposals": 30, "contracts": 24,
          "invoices": 90, "payments": 110, "payouts": 10, "time-entries": 150, "transactions": 30, "milestones": 60,
          "calendar-events": 50, "inquiries": 30, "webhooks": 4}


def world(counts: dict = COUNTS, records: str = "{}", random_seed: int = 7) -> str:
    generate = ", ".join(f"{name}: {n}" for name, n in counts.items())
    return f"""
randomSeed: {random_seed}
organizations:
  - id: {ORG_ID}
    taxRate: 0.08
    clock: {{freezeAt: 2026-05-19T10:00:00Z}}
    members: [{{name: Maya Chen, email: maya@studio.example}}, {{name: Leo Park}}]
    apiKeys: [{{key: cc_test_world_key}}]
    records: {records}
    generate: {{{generate}}}
"""


@pytest.fixture
async def loaded(admin, http) -> tuple[Api, dict[str, list[dict]]]:
    reply = await admin.post_yaml("/seeds", world())
    assert reply.status == 201, reply
    counts = {k: v for k, v in reply.body["organizations"][0]["counts"].items() if v}
    assert counts == COUNTS
    api = Api(http, "cc_test_world_key")
    return api, {name: await api.list_all(name, pageSize=100) for name in COUNTS}


def values(records: list[dict], field: str) -> Counter:
    return Counter(r[field] for r in records)


def money(value) -> Decimal:
    return Decimal(str(value))


async def test_every_record_is_dated_in_the_past_year_and_never_after_now(loaded):
    _, world_ = loaded
    for name, records in world_.items():
        for record in records:
            assert "2025-05-19" <= record["createdAt"] <= record["updatedAt"] <= NOW, (name, record)


async def test_invoices_read_as_their_payments_and_the_clock_say(loaded):
    _, w = loaded
    assert set(values(w["invoices"], "status")) == {"draft", "sent", "partial", "paid", "overdue", "void"}
    counted = Counter()
    for p in w["payments"]:
        if p["invoiceId"] and p["status"] == "succeeded" and p["kind"] != "dispute_fee":
            counted[p["invoiceId"]] += money(p["amount"])
    for invoice in w["invoices"]:
        total, paid, due = money(invoice["total"]), counted[invoice["id"]], date.fromisoformat(invoice["dueDate"])
        assert money(invoice["amountPaid"]) == paid and money(invoice["balanceDue"]) == total - paid
        status = invoice["status"]
        assert (invoice["paidAt"] is not None) == (status == "paid")
        if status == "paid":
            assert paid >= total and invoice["createdAt"] <= invoice["paidAt"] <= NOW
        elif status in ("partial", "sent"):
            assert due >= TODAY and (paid > 0) == (status == "partial")
        elif status == "overdue":
            assert due < TODAY and paid < total
        else:
            assert paid == 0
        assert date.fromisoformat(invoice["issueDate"]) <= due
    # Numbered in the order they were issued.
    ordered = sorted(w["invoices"], key=lambda i: i["invoiceNumber"])
    assert [i["issueDate"] for i in ordered] == sorted(i["issueDate"] for i in ordered)


async def test_payments_tell_consistent_stories(loaded):
    _, w = loaded
    assert set(values(w["payments"], "kind")) == {"payment", "refund", "chargeback", "dispute_fee", "adjustment"}
    assert set(values(w["payments"], "status")) == {"pending", "processing", "succeeded", "failed"}
    assert {"stripe", "check", "bank_transfer"} <= set(values(w["payments"], "method"))
    payments = {p["id"]: p for p in w["payments"]}
    invoices = {i["id"]: i for i in w["invoices"]}
    for p in payments.values():
        invoice = invoices.get(p["invoiceId"])
        if invoice:
            assert p["clientId"] == invoice["clientId"] and p["receivedDate"] >= invoice["issueDate"]
            assert invoice["status"] not in ("draft", "void")
        assert p["receivedDate"] == p["createdAt"][:10]
        if p["kind"] in ("refund", "chargeback", "dispute_fee"):
            original = payments[p["refundOfId"]]
            assert p["amount"] < 0 and original["kind"] == "payment" and original["status"] == "succeeded"
            assert (p["invoiceId"], p["clientId"]) == (original["invoiceId"], original["clientId"])
            assert p["createdAt"] > original["createdAt"]
        if p["method"] == "stripe" and p["kind"] == "payment" and p["status"] == "succeeded":
            fee_less = money(p["amount"]) * Decimal("0.971") - Decimal("0.30")  # 2.9% + 0.30
            assert money(p["netAmount"]) == fee_less.quantize(Decimal("0.01"), ROUND_HALF_UP)
        if p["payoutId"]:
            assert p["method"] == "stripe" and p["status"] == "succeeded"


async def test_payouts_bundle_stripe_entries_and_add_up(loaded):
    _, w = loaded
    assert set(values(w["payouts"], "status")) == {"pending", "in_transit", "paid", "failed", "canceled"}
    for payout in w["payouts"]:
        entries = [p for p in w["payments"] if p["payoutId"] == payout["id"]]
        assert entries and money(payout["amount"]) == sum(money(p["netAmount"]) for p in entries)
        assert payout["paymentCount"] == sum(p["kind"] == "payment" for p in entries)
        arrival = date.fromisoformat(payout["arrivalDate"])
        assert arrival < TODAY if payout["status"] == "paid" else True
        assert arrival > TODAY if payout["status"] == "pending" else True
        assert arrival >= TODAY if payout["status"] == "in_transit" else True
        assert max(p["receivedDate"] for p in entries) < payout["createdAt"][:10]


async def test_proposals_and_contracts_fit_their_status(loaded):
    _, w = loaded
    assert set(values(w["proposals"], "status")) == {"draft", "sent", "accepted", "rejected", "expired", "void"}
    assert set(values(w["contracts"], "status")) == {"draft", "sent", "viewed", "active", "completed", "expired",
                                                     "voided"}
    contracts = {c["id"]: c for c in w["contracts"]}
    for records, number in ((w["proposals"], "proposalNumber"), (w["contracts"], "contractNumber")):
        by_number = [r["createdAt"] for r in sorted(records, key=lambda r: r[number])]
        assert by_number == sorted(by_number)  # numbered in the order they were written
    for proposal in w["proposals"]:
        expires = proposal["expirationDate"]
        assert (proposal["issueDate"] is None) == (proposal["status"] == "draft")
        if proposal["status"] == "sent":
            assert expires >= TODAY.isoformat()
        if proposal["status"] == "expired":
            assert expires < TODAY.isoformat()
        if proposal["linkedContractId"]:
            assert proposal["status"] == "accepted"
            assert contracts[proposal["linkedContractId"]]["proposalId"] == proposal["id"]
        assert money(proposal["total"]) == money(proposal["subtotal"]) - money(proposal["discountAmount"]) + \
            money(proposal["taxAmount"])
    assert any(p["linkedContractId"] for p in w["proposals"])
    for contract in w["contracts"]:
        signed = [s for s in contract["signers"] if s["status"] == "signed"]
        if contract["status"] in ("active", "completed"):
            assert len(signed) == len(contract["signers"]) >= 1
            assert contract["signedDate"] == max(s["signedAt"] for s in signed)
        else:
            assert not signed and contract["signedDate"] is None
        assert (contract["status"] == "draft") == (not contract["signers"])
        roles = [s["role"] for s in contract["signers"]]
        assert ("countersigner" in roles) == (contract["signingMode"] != "client_only" and bool(roles))
        assert [s["order"] for s in contract["signers"]] == list(range(1, len(roles) + 1))


async def test_time_entries_and_transactions_are_billed_to_later_invoices(loaded, sandbox):
    api, w = loaded
    org = sandbox.organizations[ORG_ID]
    projects = {p["id"]: p for p in w["projects"]}
    invoices = {i["id"]: i for i in w["invoices"]}
    assert set(values(w["time-entries"], "rateType")) == {"standard", "overtime", "emergency", "custom"}
    billed_statuses = Counter()
    for entry in w["time-entries"]:
        assert entry["clientId"] == projects[entry["projectId"]]["clientId"]
        assert entry["date"] >= (projects[entry["projectId"]]["startDate"] or "") and entry["date"] <= TODAY.isoformat()
        invoice_id = org["time-entries"].get(entry["id"]).invoice_id
        if invoice_id:
            invoice = invoices[invoice_id]
            assert entry["billable"] and invoice["clientId"] == entry["clientId"]
            assert entry["date"] <= invoice["issueDate"]
            billed_statuses[invoice["status"]] += 1
    assert billed_statuses["paid"] > 0
    frozen = next(e for e in w["time-entries"] if invoices.get(org["time-entries"].get(e["id"]).invoice_id or "",
                                                                 {}).get("status") == "paid")
    assert (await api.patch(f"time-entries/{frozen['id']}", {"hours": 1})).status == 409
    assert set(values(w["transactions"], "status")) == {"active", "paused", "archived"}
    for t in w["transactions"]:
        expected = money(t["amount"]) * (1 + money(t["markupPercent"] or 0) / 100) if t["passThrough"] else None
        assert (money(t["billedAmount"]) if t["billedAmount"] is not None else None) == (
            expected.quantize(Decimal("0.01"), ROUND_HALF_UP) if expected is not None else None)
    assert any(org["transactions"].get(t["id"]).invoice_id for t in w["transactions"])


async def test_schedules_leads_catalog_and_webhooks(loaded):
    _, w = loaded
    assert set(values(w["milestones"], "status")) == {"pending", "in-progress", "completed"}
    assert set(values(w["milestones"], "parentType")) == {"projects", "proposals"}
    for m in w["milestones"]:
        assert (m["completedAt"] is not None) == (m["status"] == "completed")
    assert set(values(w["calendar-events"], "source")) == {"manual", "google", "microsoft", "apple"}
    for e in w["calendar-events"]:
        assert e["readOnly"] == (e["source"] != "manual") and e["endDateTime"] > e["startDateTime"]
    assert set(values(w["inquiries"], "status")) == {"new", "contacted", "qualified", "converted", "declined", "spam"}
    projects = {p["id"]: p for p in w["projects"]}
    converted = [i for i in w["inquiries"] if i["status"] == "converted"]
    assert len({i["convertedClientId"] for i in converted}) == len(converted)
    for inquiry in converted:
        assert projects[inquiry["convertedProjectId"]]["clientId"] == inquiry["convertedClientId"]
        assert inquiry["createdAt"] <= inquiry["convertedAt"] <= NOW
    assert set(values(w["catalog-items"], "status")) == {"active", "paused", "archived"}
    assert set(values(w["catalog-items"], "type")) == {"charge", "expense"}
    for hook in w["webhooks"]:
        assert hook["url"].startswith("https://") and ".example/" in hook["url"]
        assert (hook["lastTriggered"], hook["lastStatus"], hook["consecutiveFailures"]) == (None, None, 0)


async def test_generation_never_changes_hand_written_records(admin, http):
    records = """{
      clients: [{alias: anchor, name: Anchor, status: active, createdAt: -300d}],
      invoices: [{alias: story, clientId: anchor, status: sent, issueDate: -60d,
                  lineItems: [{description: Story, quantity: 1, unitPrice: 999}]}],
      payments: [{clientId: anchor, amount: 50, method: stripe, receivedDate: -30d, notes: on account}]}"""
    reply = await admin.post_yaml("/seeds", world({"clients": 10, "invoices": 30, "payments": 40, "payouts": 3},
                                                  records))
    assert reply.status == 201, reply
    api = Api(http, "cc_test_world_key")
    [story] = [i for i in await api.list_all("invoices") if i["lineItems"][0]["description"] == "Story"]
    assert (story["status"], story["amountPaid"]) == ("overdue", 0)
    [own] = [p for p in await api.list_all("payments") if p["notes"] == "on account"]
    assert own["payoutId"] is None


async def test_generation_is_reproducible_byte_for_byte(admin):
    snapshots = []
    for _ in range(2):
        await admin.post("/reset", params={"empty": "true"})
        assert (await admin.post_yaml("/seeds", world())).status == 201
        snapshots.append((await admin.get("/snapshot")).body)
    assert snapshots[0] == snapshots[1]
    await admin.post("/reset", params={"empty": "true"})
    assert (await admin.post_yaml("/seeds", world(random_seed=8))).status == 201
    assert (await admin.get("/snapshot")).body != snapshots[0]


async def test_each_resource_draws_from_its_own_stream(admin, http):
    """Asking for more of one resource changes neither the ones it needs nor unrelated ones."""
    api = Api(http, "cc_test_world_key")

    async def load(counts):
        await admin.post("/reset", params={"empty": "true"})
        assert (await admin.post_yaml("/seeds", world(counts))).status == 201
        return {name: await api.list_all(name, pageSize=100) for name in ("invoices", "webhooks", "catalog-items")}

    small = await load({"clients": 10, "projects": 10, "invoices": 20, "webhooks": 3})
    big = await load({"clients": 10, "projects": 10, "catalog-items": 0, "invoices": 20, "calendar-events": 15,
                      "inquiries": 5, "webhooks": 3})
    assert small == big


@pytest.mark.parametrize(("counts", "name", "reason"), [
    ({"clients": 5, "payments": 2, "payouts": 3}, "payouts", "3 payouts need at least as many generated Stripe"),
    ({"time-entries": 3}, "time-entries", "needs started projects"),
    ({"proposals": 2}, "proposals", "needs clients"),
])
async def test_a_generator_missing_what_it_needs_says_so(admin, counts, name, reason):
    reply = await admin.post_yaml("/seeds", world(counts))
    assert reply.status == 400
    assert reason in reply.error["details"][f"organizations[0].generate.{name}"]
    assert (await admin.get("/organizations")).body["organizations"] == []


async def test_two_hundred_clients_and_five_hundred_invoices_generate_and_settle(admin, http):
    # Generation speed is a benchmark figure (`python -m bench --only isolation,derived`), not a test.
    reply = await admin.post_yaml("/seeds", world({"clients": 200, "projects": 300, "invoices": 500,
                                                   "payments": 600, "payouts": 30}))
    assert reply.status == 201
    page = await Api(http, "cc_test_world_key").get("invoices", params={"status": "paid"})
    assert page.body["pagination"]["total"] > 200


DIGEST = """
import hashlib, sys
import yaml
from mockcasa.resources import all_resources, all_scopes
from mockcasa.seeding import apply_seed
from mockcasa.snapshot import dump, export_state
from mockcasa.state import Sandbox
resources = all_resources()
sandbox = Sandbox(resources, all_scopes(resources))
with open(sys.argv[1]) as file:
    apply_seed(sandbox, yaml.safe_load(file))
print(hashlib.sha256(dump(export_state(sandbox))).hexdigest())
"""


def test_generation_does_not_depend_on_the_process(tmp_path):
    """Same bytes in another interpreter with another string-hash seed (no set-order luck)."""
    import hashlib
    import os
    import subprocess
    import sys

    import yaml

    from mockcasa.resources import all_resources, all_scopes
    from mockcasa.seeding import apply_seed
    from mockcasa.snapshot import dump, export_state
    from mockcasa.state import Sandbox

    path = tmp_path / "world.yaml"
    path.write_text(world())
    other = subprocess.run([sys.executable, "-c", DIGEST, str(path)], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": str(hash("x") % 1000 + 1)}, timeout=60).stdout
    resources = all_resources()
    sandbox = Sandbox(resources, all_scopes(resources))
    apply_seed(sandbox, yaml.safe_load(path.read_text()))
    assert other.strip() == hashlib.sha256(dump(export_state(sandbox))).hexdigest()


async def test_revision_2026_06_30_webhooks_generate_with_its_own_event_names(admin, http):
    text = world({"clients": 5, "webhooks": 7}).replace("    taxRate: 0.08\n",
                                                        '    taxRate: 0.08\n    apiRevision: "2026-06-30"\n')
    reply = await admin.post_yaml("/seeds", text)
    assert reply.status == 201, reply
    hooks = await Api(http, "cc_test_world_key").list_all("webhooks")
    assert len(hooks) == 7
    events = {e for hook in hooks for e in hook["events"]}
    assert all(hook["events"] for hook in hooks)
    assert not events & {"inquiry_created", "inquiry_converted", "proposal_sent", "proposal_accepted"}


async def test_revision_2026_06_30_says_inquiries_are_not_generated_and_what_to_generate(admin):
    text = world({"clients": 5, "inquiries": 3}).replace("    taxRate: 0.08\n",
                                                         '    taxRate: 0.08\n    apiRevision: "2026-06-30"\n')
    reply = await admin.post_yaml("/seeds", text)
    assert reply.status == 400
    assert "generate form-submissions instead" in reply.error["details"]["organizations[0].generate.inquiries"]
    assert (await admin.get("/organizations")).body["organizations"] == []
