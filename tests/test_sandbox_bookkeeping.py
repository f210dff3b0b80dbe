"""Per-organization bookkeeping that must not depend on how many organizations there are.

API keys are indexed by organization (removing one organization drops its keys without scanning
the others'), and the periodic tick visits only organizations whose clocks run.
"""

from __future__ import annotations

import gc
import json
import weakref
from datetime import UTC, datetime, timedelta

from mockcasa.app import create_app
from mockcasa.config import Settings
from mockcasa.keys import SANDBOX
from mockcasa.snapshot import export_state, import_state
from mockcasa.source_files import Document
from mockcasa.state.sandbox import ApiKeys
from tests.support.admin import admin_of
from tests.support.api import Api


def new_sandbox():
    return create_app(Settings())[SANDBOX]


def test_removing_an_organization_drops_its_keys_and_only_its_keys():
    sandbox = new_sandbox()
    one, two = sandbox.create_organization(), sandbox.create_organization()
    keys_one = [sandbox.issue_key(one).key, sandbox.issue_key(one, name="second").key]
    key_two = sandbox.issue_key(two).key

    assert [k.key for k in sandbox.api_keys.of(one.id)] == keys_one
    sandbox.remove_organization(one.id)

    assert list(sandbox.api_keys) == [key_two]
    assert sandbox.api_keys.of(one.id) == []
    assert [k.key for k in sandbox.api_keys.of(two.id)] == [key_two]


def test_every_way_of_changing_the_keys_keeps_the_index():
    sandbox = new_sandbox()
    one, two = sandbox.create_organization(), sandbox.create_organization()
    a, b, c = (sandbox.issue_key(org) for org in (one, one, two))
    keys = ApiKeys({a.key: a})
    keys.update({b.key: b})
    keys |= {c.key: c}
    assert [k.key for k in keys.of(one.id)] == [a.key, b.key]

    del keys[a.key]
    assert keys.pop(b.key) is b
    assert keys.pop("missing", None) is None
    assert keys.of(one.id) == [] and [k.key for k in keys.of(two.id)] == [c.key]

    keys[c.key] = type(c)(key=c.key, organization_id=one.id, scopes=c.scopes)  # the key moves
    assert keys.of(two.id) == [] and [k.key for k in keys.of(one.id)] == [c.key]
    keys.clear()
    assert keys.of(one.id) == [] and len(keys) == 0


def test_an_imported_snapshot_keeps_the_index():
    sandbox = new_sandbox()
    org = sandbox.create_organization()
    key = sandbox.issue_key(org).key
    import_state(sandbox, Document("snapshot", json.loads(json.dumps(export_state(sandbox)))))
    assert isinstance(sandbox.api_keys, ApiKeys)
    assert [k.key for k in sandbox.api_keys.of(org.id)] == [key]
    sandbox.remove_organization(org.id)
    assert key not in sandbox.api_keys


def test_the_tick_leaves_frozen_clocks_alone_until_they_run_again(monkeypatch):
    sandbox = new_sandbox()
    frozen, running = sandbox.create_organization(), sandbox.create_organization()
    frozen.clock.freeze()
    real = [datetime.now(UTC)]
    for org in (frozen, running):
        monkeypatch.setattr(org.clock, "_source", lambda: real[0])
    visited: list[str] = []
    monkeypatch.setattr(sandbox, "clock_moved", lambda org, before, after: visited.append(org.id))

    real[0] += timedelta(minutes=5)
    sandbox.tick()
    assert visited == [running.id]

    frozen.clock.unfreeze()
    real[0] += timedelta(minutes=5)
    sandbox.tick()
    assert visited == [running.id, running.id, frozen.id]

    running.clock.freeze()
    sandbox.remove_organization(frozen.id)
    visited.clear()
    real[0] += timedelta(minutes=5)
    sandbox.tick()
    assert visited == []


async def test_a_deleted_organization_is_freed_without_the_cycle_collector(aiohttp_client):
    """An organization holds no reference cycle (its clock's listeners and its collections' family
    refer to it weakly) and the principals kept for its keys go with it, so deleting one frees it at
    once, as with the pytest plugin's teardown of every test: nothing waits for the cycle collector
    (which made a fresh organization's p99 several times its median) or for a later request."""
    app = create_app(Settings(journal_size=0))  # the journal keeps each request's caller, so its org
    admin = admin_of(Api(await aiohttp_client(app), None))
    org, api = await admin.new_org(name="Short lived")
    client = await api.create("clients", name="A")
    invoice = await api.create("invoices", clientId=client["id"], dueDate="2026-01-31",
                               status="sent", lineItems=[{"description": "Work", "quantity": 1, "unitPrice": 100}])
    await api.create("payments", clientId=client["id"], invoiceId=invoice["id"], amount=40,
                     receivedDate="2026-01-10", method="check")  # a derived status, recomputed
    assert (await api.get(f"invoices/{invoice['id']}")).body["amountPaid"] == 40
    freed = weakref.ref(app[SANDBOX].organizations[org["id"]])

    gc.collect()
    gc.disable()
    try:
        assert (await admin.delete(f"/organizations/{org['id']}")).status == 204
        assert freed() is None
    finally:
        gc.enable()
    assert (await api.get("clients")).status == 401
