"""Lists filtered on computed fields no index serves are a bounded scan that yields (issue 13 §3).

Equality filters on derived fields (``invoices?status=overdue``) are indexed (issue 17, see
``test_derived_index``); a filter matching a computed field otherwise (a range, a custom matcher)
derives each candidate record. Over 100,000 invoices that takes seconds, so the scan checks
``SCAN_SLICE`` records at a time and lets the event loop run between slices.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from mockcasa.engine import routes
from mockcasa.engine.resource import Ctx, Filter
from mockcasa.engine.routes import parse_query, render_page, render_scanned_page
from tests.support.money import freeze, line, make_client, make_invoice


async def test_a_derived_filter_yields_to_the_loop_between_slices(api, org, sandbox, monkeypatch):
    freeze(org)
    client = await make_client(api)
    for i in range(40):
        await make_invoice(api, client, line(), status="sent", dueDate="2026-05-01" if i % 2 else "2026-06-30")
    monkeypatch.setattr(routes, "SCAN_SLICE", 5)
    at_least = Filter("balanceAtLeast", "balance_due", float, {"type": "number"},
                      match=lambda value, wanted: value >= wanted, derived=True)
    resource = replace(sandbox.resources["invoices"], filters=[at_least])
    query = parse_query(resource, {"balanceAtLeast": "50", "pageSize": "7", "page": "2"})
    ctx = Ctx.of(sandbox, org)

    turns = 0
    scanning = asyncio.get_running_loop().create_task(render_scanned_page(resource, ctx, query))
    while not scanning.done():  # another organization's request, as far as the loop can tell
        turns += 1
        await asyncio.sleep(0)
    assert turns >= 40 // 5 - 1
    assert scanning.result() == render_page(resource, ctx, query)  # same page as one synchronous pass
    assert b'"total":40' in scanning.result()


async def test_derived_filters_answer_as_before(api, org):
    freeze(org)
    client = await make_client(api)
    overdue = await make_invoice(api, client, line(), status="sent", dueDate="2026-05-01")
    await make_invoice(api, client, line(), status="sent", dueDate="2026-06-30")
    await make_invoice(api, client, line())
    reply = await api.get("invoices", params={"status": "overdue", "clientId": client["id"]})
    assert [i["id"] for i in reply.body["data"]] == [overdue["id"]]
    assert reply.body["pagination"]["total"] == 1
    assert (await api.get("invoices", params={"status": "draft"})).body["pagination"]["total"] == 1
