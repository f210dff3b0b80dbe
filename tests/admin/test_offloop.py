"""Generating, seeding, exporting and importing run off the event loop (issue 13 §3, issue 17).

Each test holds the worker thread's job at a gate until the test, on the event loop, has been
served by another organization: a job on the loop would never let that request through (the gate
then times out and the test fails instead of hanging).
"""

from __future__ import annotations

import asyncio
import json
import threading

import pytest

from mockcasa.admin import offloop
from mockcasa.engine.resource import Derivation
from mockcasa.seeding.staging import Staging
from tests.support.money import freeze, line, make_client, make_invoice, pay

GATE_TIMEOUT = 10.0


@pytest.fixture
def gate(monkeypatch):
    """``gate(owner, name)``: the method ``owner.name`` waits for ``gate.open()`` before running."""
    opened = threading.Event()

    class Gate:
        entered = threading.Event()

        def __call__(self, owner, name):
            real = getattr(owner, name)

            def held(*args, **kwargs):
                self.entered.set()
                assert opened.wait(GATE_TIMEOUT), "the event loop was blocked while the job ran"
                return real(*args, **kwargs)
            monkeypatch.setattr(owner, name, held)

        @staticmethod
        def open():
            opened.set()
    return Gate()


async def served_meanwhile(other_api, gate) -> None:
    """Another organization's request is answered while the job waits at the gate; then it may go on."""
    assert await asyncio.to_thread(gate.entered.wait, GATE_TIMEOUT)
    assert (await other_api.get("clients")).status == 200
    gate.open()


async def test_generating_an_organization_does_not_block_others(admin, other_api, gate):
    gate(Staging, "add_organization")
    creating = asyncio.ensure_future(admin.post("/organizations", {"generate": {"clients": 50}, "randomSeed": 1}))
    await served_meanwhile(other_api, gate)
    reply = await creating
    assert reply.status == 201 and reply.body["organization"]["counts"]["clients"] == 50


async def test_loading_a_seed_does_not_block_others(admin, other_api, gate):
    gate(Staging, "add_seed")
    loading = asyncio.ensure_future(admin.post("/seeds", {"organizations": [{"name": "Big",
                                                                              "generate": {"clients": 20}}]}))
    await served_meanwhile(other_api, gate)
    reply = await loading
    assert reply.status == 201 and reply.body["organizations"][0]["counts"]["clients"] == 20


async def test_exporting_does_not_block_others_and_is_a_consistent_snapshot(admin, api, other_api, gate):
    await api.create("clients", name="Before")
    gate(offloop, "dump")
    exporting = asyncio.ensure_future(admin.get("/snapshot"))
    await asyncio.to_thread(gate.entered.wait, GATE_TIMEOUT)
    await api.create("clients", name="During")  # after the snapshot was taken: not in it
    await served_meanwhile(other_api, gate)
    snapshot = (await exporting).body
    (ours,) = [o for o in snapshot["organizations"] if o["id"] == api.org.id]
    assert [c["name"] for c in ours["records"]["clients"]] == ["Before"]


async def test_a_seed_into_an_organization_written_meanwhile_is_refused_whole(admin, api, gate):
    gate(Staging, "add_content")
    seeding = asyncio.ensure_future(admin.post(f"/organizations/{api.org.id}/seed", {"generate": {"clients": 5}}))
    await asyncio.to_thread(gate.entered.wait, GATE_TIMEOUT)
    await api.create("clients", name="Written meanwhile")
    gate.open()
    reply = await seeding
    assert reply.status == 409 and reply.error["code"] == "conflict", reply
    assert [c["name"] for c in (await api.get("clients")).body["data"]] == ["Written meanwhile"]


async def test_a_seed_into_an_untouched_organization_applies(admin, api):
    reply = await admin.post(f"/organizations/{api.org.id}/seed", {"generate": {"clients": 5}})
    assert reply.status == 200 and reply.body["counts"]["clients"] == 5


async def export(admin) -> bytes:
    async with admin.http.get("/_mockcasa/snapshot", headers={"x-admin-token": admin.token}) as resp:
        assert resp.status == 200
        return await resp.read()


async def import_(admin, data: bytes):
    return await admin.request("POST", "/snapshot", data=data, headers={"Content-Type": "application/json"})


async def names(api) -> list[str]:
    return [c["name"] for c in (await api.get("clients")).body["data"]]


async def test_an_import_is_built_off_the_loop_and_swapped_in_whole(admin, api, other_api, gate):
    await api.create("clients", name="In the snapshot")
    snapshot = await export(admin)
    await api.create("clients", name="Made after it")
    gate(offloop, "load_state")
    importing = asyncio.ensure_future(import_(admin, snapshot))
    await asyncio.to_thread(gate.entered.wait, GATE_TIMEOUT)
    assert await names(api) == ["Made after it", "In the snapshot"]  # the state before, untouched
    await served_meanwhile(other_api, gate)
    assert (await importing).status == 200
    assert await names(api) == ["In the snapshot"]


async def test_a_failing_import_leaves_every_organization_as_it_was(admin, api, other_api, gate):
    await api.create("clients", name="Kept")
    await other_api.create("clients", name="Kept too")
    bad = json.loads(await export(admin))
    bad["organizations"][1]["records"]["clients"].append({"id": "not a uuid"})
    gate(offloop, "load_state")
    importing = asyncio.ensure_future(import_(admin, json.dumps(bad).encode()))
    await asyncio.to_thread(gate.entered.wait, GATE_TIMEOUT)
    await api.create("clients", name="Written meanwhile")  # kept: the import changes nothing
    before = await export(admin)
    gate.open()
    reply = await importing
    assert reply.status == 400 and "organizations[1].records.clients[1].id" in reply.error["details"], reply
    assert await export(admin) == before
    assert await names(api) == ["Written meanwhile", "Kept"] and await names(other_api) == ["Kept too"]


async def test_derived_values_are_computed_by_the_import_not_the_first_read(admin, api, monkeypatch):
    freeze(api.org)
    client = await make_client(api)
    partial = await make_invoice(api, client, line("A", 1, 100), status="sent", dueDate="2026-06-30")
    paid = await make_invoice(api, client, line("B", 1, 50), status="sent", dueDate="2026-06-30")
    overdue = await make_invoice(api, client, line("C", 1, 80), status="sent", dueDate="2026-05-01")
    await pay(api, partial, 40)
    await pay(api, paid, 50)
    snapshot = await export(admin)
    assert (await import_(admin, snapshot)).status == 200
    computed = []
    real = Derivation.values
    monkeypatch.setattr(Derivation, "values", lambda self, *args: computed.append(args) or real(self, *args))
    read = (await api.get(f"invoices/{partial['id']}")).body
    assert (read["status"], read["amountPaid"], read["balanceDue"]) == ("partial", 40.0, 60.0)
    statuses = {i["id"]: i["status"] for i in (await api.get("invoices")).body["data"]}
    assert statuses == {partial["id"]: "partial", paid["id"]: "paid", overdue["id"]: "overdue"}
    assert [i["id"] for i in (await api.get("invoices?status=overdue")).body["data"]] == [overdue["id"]]
    assert computed == []
