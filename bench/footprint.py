"""Bytes per stored record for every resource, each with its typical record.

    python -m bench.inprocess footprint [--records N]

A typical record is what the seed generators make (``mockcasa/seeding/generators``: the records
``generate:`` and the admin API's ``POST /_mockcasa/organizations`` produce, the same for every
run). For each API revision, one organization; resource by resource, in generation order, ``N``
records are generated into it (``OrgBuilder.generate``, which validates and stores them as a seed
does) and the Python allocations still held afterwards are counted (tracemalloc, after a
collection): the records, their indexes and whatever else storing them keeps. A resource served by
both revisions is reported for the first (1.0.0). A small world of every resource is generated
first and thrown away, so Faker's providers and lazily built validators are not counted.

Payouts are generated with ``N`` payments (they bundle the Stripe ones) and reported per record of
both together. Invoices are also measured as the issue words it, two line items each, created through
``create_record`` (``bench/invoice_world.py``), without payments.
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from typing import Any

from bench.inprocess import fill_clients, new_app
from bench.invoice_world import CLIENTS, fill_invoices
from mockcasa.revisions import REVISIONS
from mockcasa.seeding.generators import all_generators
from mockcasa.seeding.organization import OrgBuilder
from mockcasa.seeding.staging import Staging
from mockcasa.source_files import Document

# Resources generated in smaller numbers than the rest (none since venues' zone check was cached).
FEWER: dict[str, int] = {}
TWO_LINE_INVOICES = "invoices (two line items, create_record)"


def _traced(work: Any) -> tuple[int, float]:
    """(bytes still allocated after ``work()``, seconds it took), after a collection either side."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return held, seconds


def _count(name: str, records: int) -> int:
    if name == "payouts":  # each bundles several Stripe payments waiting to be paid out
        return max(1, records // 50)
    return min(records, FEWER.get(name, records))


def footprint(records: int) -> dict[str, Any]:
    _, sandbox = new_app()
    generators = all_generators()
    doc = Document("bench", {})
    rows: dict[str, dict[str, Any]] = {}
    problems: dict[str, str] = {}
    for revision in REVISIONS:
        warm = sandbox.create_organization(api_revision=revision)
        OrgBuilder(Staging(sandbox), warm, doc, (), "warm-up").generate(
            {name: 20 for name in generators if name in warm.resources})
        sandbox.remove_organization(warm.id)
        org = sandbox.create_organization(api_revision=revision)
        for name in generators:
            if name not in org.resources:
                continue
            # What a resource refers to is generated in every revision's organization; only the
            # first measurement of a resource is reported.
            counts = {name: _count(name, records)}
            if name == "payouts":  # payouts bundle Stripe payments generated in the same build
                counts = {"payments": records, **counts}
            staging = Staging(sandbox)
            before = {n: len(org[n]) for n in counts}
            held, seconds = _traced(lambda: OrgBuilder(staging, org, doc, (), "7").generate(counts))  # noqa: B023
            made = {n: len(org[n]) - before[n] for n in counts}
            if staging.problems:
                problems[f"{name} ({revision})"] = str(staging.problems[0])
            if made[name] and name not in rows:
                # Payouts: per record of the payouts and the payments generated with them, together.
                rows[name] = {"revision": revision, "records": made[name], "seconds": seconds,
                              "bytes_per_record": held / sum(made.values()),
                              **({"with": f"{made['payments']:,} payments"} if name == "payouts" else {})}
    _, sandbox = new_app()
    org = sandbox.create_organization()
    fill_clients(sandbox, org, CLIENTS)
    count = records
    held, seconds = _traced(lambda: fill_invoices(sandbox, org, count, with_payments=False))
    rows[TWO_LINE_INVOICES] = {"revision": org.api_revision, "records": count, "bytes_per_record": held / count,
                               "seconds": seconds}
    return {"records": records, "resources": rows, "problems": problems}
