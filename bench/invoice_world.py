"""Invoices with payments at scale, and the latency of every invoice list filter, derived ones included.

    python -m bench.inprocess derived [--records N] [--rounds R] [--budget S]

One organization with 1,000 clients and ``N`` invoices of two line items each (total 250.00),
created through the engine's records library (``create_record``: the path the API, seeds and the
admin API share, hooks and all) with the organization's clock frozen, so every invoice reads the
same whatever the wall clock does. Issue dates spread over the 60 days before today, due 30 days
later, so about half are past due. By invoice number modulo 20: 1 in 20 stays a draft, 5 are paid
in full, 3 in part (100.00), the other 11 have no payment; so the derived statuses ``paid``,
``partial``, ``overdue`` and ``sent`` all hold many invoices (paying 8 invoices in 20 creates
0.4 payments per invoice).

Every list filter of invoices is then timed through the app (``app._handle``, no sockets), pages
1, 2 and last; a filter whose first request takes over 10 ms (one that checks record by record)
is timed for ``--budget`` seconds rather than ``--rounds`` requests.
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

from bench.inprocess import fetch, fill_clients, measure_cases, new_app
from mockcasa.engine.records import create_record
from mockcasa.engine.resource import Ctx
from mockcasa.state import Organization, Sandbox

CLIENTS = 1000
LINES = [{"description": "Design work", "quantity": 2, "unit_price": 100.0, "taxable": True},
         {"description": "Travel", "quantity": 1, "unit_price": 50.0}]
TOTAL, PARTIAL = 250.0, 100.0
DERIVED = ("overdue", "partial", "paid", "sent", "draft")


def plan(i: int) -> tuple[str, float]:
    """(status at create, amount paid) of the ``i``-th invoice."""
    slot = i % 20
    if slot == 0:
        return "draft", 0.0
    if slot <= 5:
        return "sent", TOTAL
    return ("sent", PARTIAL) if slot <= 8 else ("sent", 0.0)


def fill_invoices(sandbox: Sandbox, org: Organization, count: int, *, with_payments: bool = True) -> dict[str, int]:
    """``count`` invoices with two line items and their payments, each created 1 ms after the previous.

    Needs ``CLIENTS`` clients in ``org`` (``fill_clients``). Returns how many payments were made.
    """
    clients = list(org["clients"].records)[:CLIENTS]
    invoices, payments = sandbox.resources["invoices"], sandbox.resources["payments"]
    today = org.clock.today()
    step = timedelta(milliseconds=1)
    paid = 0
    for i in range(count):
        status, amount = plan(i)
        client = clients[i // 20 % len(clients)]  # 20 in a row each: every client gets every kind
        issued = today - timedelta(days=i % 60)
        invoice = create_record(invoices, Ctx.of(sandbox, org), {
            "client_id": client, "status": status, "issue_date": issued, "due_date": issued + timedelta(days=30),
            "line_items": [dict(line) for line in LINES]})
        if amount and with_payments:
            create_record(payments, Ctx.of(sandbox, org), {
                "client_id": client, "invoice_id": invoice.id, "amount": amount, "received_date": today,
                "method": "check", "kind": "payment"})
            paid += 1
        org.clock.advance(step)
    return {"invoices": count, "payments": paid}


def derived_latency(records: int, rounds: int, budget: float) -> dict[str, Any]:
    """Build the world (timed), then time every invoice filter; see the module's docstring."""
    app, sandbox = new_app()
    org = sandbox.create_organization()
    key = sandbox.issue_key(org).key
    started = time.perf_counter()
    fill_clients(sandbox, org, CLIENTS)
    made = fill_invoices(sandbox, org, records)
    fill_seconds = time.perf_counter() - started
    app.freeze()
    client = list(org["clients"].records)[2]  # invoices 40-59, 1040-1059, ...: all past due
    filters = {f"invoices?status={s}" + (" (derived)" if s != "draft" else " (kept, through the derived filter)"):
               f"status={s}" for s in DERIVED}
    filters["invoices?clientId=C (indexed, C has 0.1%)"] = f"clientId={client}"
    filters["invoices?clientId=C&status=overdue (indexed + derived)"] = f"clientId={client}&status=overdue"
    cases, first, totals = {}, {}, {}
    loop = asyncio.new_event_loop()
    try:
        for name, query in filters.items():
            # Page 1 first, timed apart (it may build an index): its total tells the last page.
            seconds, body = loop.run_until_complete(fetch(app, f"/api/v1/invoices?{query}&page=1&pageSize=25", key))
            pages = max(1, body["pagination"]["totalPages"])
            first[name], totals[name] = seconds, body["pagination"]["total"]
            cases[name] = [f"/api/v1/invoices?{query}&page={p}&pageSize=25" for p in (1, min(2, pages), pages)]
    finally:
        loop.close()
    timed = measure_cases(app, key, cases, rounds, budget, first)
    for name, figures in timed.items():
        figures["total"] = totals[name]
    return {"records": records, **made, "fill_seconds": fill_seconds, "cases": timed}
