"""Generating, seeding and exporting run off the event loop (issue 13 §3).

Each test holds the worker thread's job at a gate until the test, on the event loop, has been
served by another organization: a job on the loop would never let that request through (the gate
then times out and the test fails instead of hanging).
"""

from __future__ import annotations

import asyncio
import threading

import pytest

from mockcasa.admin import offloop
from mockcasa.seeding.staging import Staging

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
