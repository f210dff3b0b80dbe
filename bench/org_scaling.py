"""What an organization costs as their number grows: 1, 10, 100, 1,000 and 10,000 in one app.

    python -m bench.inprocess orgs [--counts 1,10,100,1000,10000] [--rounds R]

Organizations are made as a partner's test would make them: ``Sandbox.create_organization`` +
``issue_key`` + one client (``create_record``). At each count: the time to create one (the ones
added since the previous count: mean and p99), the Python memory each holds (tracemalloc, in a
second app, so tracing slows neither the creates nor the requests timed in the first), and a
request's cost, ``GET /api/v1/clients/{id}`` through the app (``app._handle``, no sockets),
spread over up to 50 of the organizations.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import time
import tracemalloc
from typing import Any

from bench.inprocess import _time_requests, new_app, percentile
from mockcasa.engine.records import create_record
from mockcasa.engine.resource import Ctx
from mockcasa.state import Sandbox

COUNTS = (1, 10, 100, 1000, 10_000)


def one_org(sandbox: Sandbox, i: int) -> tuple[str, str]:
    """A test's organization: key and one client. Returns (key, client id)."""
    org = sandbox.create_organization(name=f"Test Studio {i}")
    key = sandbox.issue_key(org).key
    client = create_record(sandbox.resources["clients"], Ctx.of(sandbox, org), {"name": f"Client {i}"})
    return key, client.id


def memory_per_org(counts: list[int]) -> dict[int, float]:
    """Bytes held per organization added between one count and the next (tracemalloc)."""
    _, sandbox = new_app()
    one_org(sandbox, -1)  # lazily built validators and caches are not any organization's
    out, made = {}, 0
    for count in counts:
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for i in range(made, count):
            one_org(sandbox, i)
        gc.collect()
        out[count] = (tracemalloc.get_traced_memory()[0] - before) / (count - made)
        tracemalloc.stop()
        made = count
    return out


def org_scaling(counts: list[int], rounds: int) -> dict[str, Any]:
    app, sandbox = new_app()
    one_org(sandbox, -1)
    made: list[tuple[str, str]] = []
    rows = []
    loop = asyncio.new_event_loop()
    try:
        for count in counts:
            create = []
            for i in range(len(made), count):
                started = time.perf_counter()
                made.append(one_org(sandbox, i))
                create.append(time.perf_counter() - started)
            spread = made[::max(1, len(made) // 50)]
            paths = [f"/api/v1/clients/{client}" for _, client in spread]
            wall: list[float] = []
            cpu: list[float] = []
            loop.run_until_complete(_time_requests(app, paths[:1], spread[0][0], 50))  # warm-up
            for (key, _), path in zip(spread, paths, strict=True):
                w, c = loop.run_until_complete(_time_requests(app, [path], key, max(1, rounds // len(spread))))
                wall += w
                cpu += c
            rows.append({"organizations": count, "create_mean_us": statistics.fmean(create) * 1e6,
                         "create_p99_us": percentile(create, 99) * 1e6,
                         "get_p50_us": percentile(wall, 50) * 1e6, "get_p99_us": percentile(wall, 99) * 1e6,
                         "get_cpu_p50_us": percentile(cpu, 50) * 1e6})
    finally:
        loop.close()
    for row, (_, per_org) in zip(rows, memory_per_org(counts).items(), strict=True):
        row["bytes_per_org"] = per_org
    return {"rows": rows}
