"""In-process measurements, each run in its own interpreter by ``python -m bench``.

    python -m bench.inprocess org [--count N]             fresh organization + key, as a fixture does
    python -m bench.inprocess memory [--records N]        bytes per stored record (tracemalloc and RSS)
    python -m bench.inprocess list [--records N]          filtered list page latency through the app
    python -m bench.inprocess derived [--records N]       every invoice filter, derived ones too (invoice_world.py)
    python -m bench.inprocess footprint [--records N]     bytes per record, every resource (footprint.py)
    python -m bench.inprocess walk [--records N]          bytes per record walked object by object, with a breakdown (walk.py)
    python -m bench.inprocess orgs [--counts 1,10,...]    per-organization cost as they grow (org_scaling.py)

Records are created with the engine's own create path (``create_record``), the one seeds and
the admin API use, so they are exactly what the HTTP API would store. Each command prints one
line ``BENCH_JSON {...}``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from mockcasa import create_app
from mockcasa.config import Settings
from mockcasa.engine.records import create_record
from mockcasa.engine.resource import Ctx
from mockcasa.keys import SANDBOX
from mockcasa.state import Organization, Sandbox

STATUSES = ("prospect", "active", "inactive")
PROJECT_STATUSES = ("active", "paused", "completed")
CLIENTS_PER_PROJECT_SET = 1000
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
HUGE_RATE_LIMIT = 1_000_000_000


def emit(data: dict[str, Any]) -> None:
    print("BENCH_JSON " + json.dumps(data), flush=True)


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def new_app() -> tuple[web.Application, Sandbox]:
    """A frozen app, as a running server's is (an unfrozen app's ``_handle`` skips its middlewares, so
    requests timed through it would skip every layer), and its sandbox."""
    app = create_app(Settings(rate_limit=HUGE_RATE_LIMIT))  # the bench measures, it is not throttled
    app.freeze()
    return app, app[SANDBOX]


# ---- fresh organizations ---------------------------------------------------------------------

def fresh_org(count: int) -> dict[str, Any]:
    """Sandbox.create_organization + issue_key, as the pytest fixture does per test, and teardown.

    Also times ``create_app`` alone: the pytest plugin builds a fresh app for every test too.
    """
    _, sandbox = new_app()
    for _ in range(200):  # warm-up
        sandbox.remove_organization(sandbox.create_organization().id)
    create, remove = [], []
    for i in range(count):
        started = time.perf_counter()
        org = sandbox.create_organization(name=f"Test Studio {i}")
        sandbox.issue_key(org)
        created = time.perf_counter()
        sandbox.remove_organization(org.id)
        remove.append(time.perf_counter() - created)
        create.append(created - started)
    apps = []
    for _ in range(min(count, 300)):  # the pytest plugin builds an app per test, then the organization
        started = time.perf_counter()
        create_app(Settings())
        apps.append(time.perf_counter() - started)
    return {"count": count, "resources": len(sandbox.resources),
            "app_p50_ms": percentile(apps, 50) * 1e3, "app_p99_ms": percentile(apps, 99) * 1e3,
            "create_mean_us": statistics.fmean(create) * 1e6, "create_p50_us": percentile(create, 50) * 1e6,
            "create_p99_us": percentile(create, 99) * 1e6, "remove_mean_us": statistics.fmean(remove) * 1e6}


# ---- filling an organization -----------------------------------------------------------------

def fill_clients(sandbox: Sandbox, org: Organization, count: int) -> None:
    """``count`` clients, statuses in rotation, each created 1 ms after the previous one."""
    resource = sandbox.resources["clients"]
    org.clock.freeze(EPOCH)
    step = timedelta(milliseconds=1)
    for i in range(count):
        # A context per record, as per request: its queued webhook events go with it.
        create_record(resource, Ctx.of(sandbox, org), {"name": f"Client {i:07d}", "status": STATUSES[i % 3],
                                  "notes": "A client created by the benchmark"})
        org.clock.advance(step)


def fill_projects(sandbox: Sandbox, org: Organization, count: int) -> list[str]:
    """``count`` projects: half of them for one big client, the rest spread over 999 others.

    Returns the client ids, the big client first.
    """
    if not len(org["clients"]):
        fill_clients(sandbox, org, CLIENTS_PER_PROJECT_SET)
    clients = list(org["clients"].records)[:CLIENTS_PER_PROJECT_SET]
    resource = sandbox.resources["projects"]
    step = timedelta(milliseconds=1)
    for i in range(count):
        client = clients[0] if i % 2 == 0 else clients[1 + i % (len(clients) - 1)]
        create_record(resource, Ctx.of(sandbox, org), {"name": f"Project {i:07d}", "client_id": client,
                                  "status": PROJECT_STATUSES[(i // 2) % 3], "contract_value": 1200.5})
        org.clock.advance(step)
    return clients


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def memory(records: int) -> dict[str, Any]:
    """Bytes per record: traced Python allocations, then the process RSS delta (separate orgs)."""
    out: dict[str, Any] = {"records": records}
    for resource_name in ("clients", "projects"):
        _, sandbox = new_app()
        fill = fill_clients if resource_name == "clients" else fill_projects
        if resource_name == "projects":  # the 1,000 clients the projects point at are not counted
            org = sandbox.create_organization()
            fill_clients(sandbox, org, CLIENTS_PER_PROJECT_SET)
        else:
            org = sandbox.create_organization()
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        fill(sandbox, org, records)
        gc.collect()
        traced = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        org.collections[resource_name].clear()
        gc.collect()
        rss_before = rss_bytes()
        fill(sandbox, org, records)
        gc.collect()
        rss = rss_bytes() - rss_before
        out[resource_name] = {"traced_per_record": traced / records, "rss_per_record": rss / records}
    return out


# ---- list latency ----------------------------------------------------------------------------

async def _time_requests(app: web.Application, paths: list[str], key: str, rounds: int,
                         budget: float | None = None) -> tuple[list[float], list[float]]:
    """Seconds per request through the app's middlewares and handler (no sockets): wall and CPU.

    CPU time (this thread's) is what the request cost; wall time also counts any time the
    process spent descheduled, which on a shared machine is other processes' doing. ``budget``:
    stop after that many seconds (at least one request), for filters that take seconds each.
    """
    wall, cpu = [], []
    deadline = None if budget is None else time.perf_counter() + budget
    for i in range(rounds):
        request = make_mocked_request("GET", paths[i % len(paths)], headers={"x-api-key": key}, app=app)
        started, started_cpu = time.perf_counter(), time.thread_time()
        response = await app._handle(request)  # what aiohttp's server calls for each request
        cpu.append(time.thread_time() - started_cpu)
        wall.append(time.perf_counter() - started)
        if response.status != 200:
            raise RuntimeError(f"{paths[i % len(paths)]}: {response.status} {response.body!r}")
        if deadline is not None and time.perf_counter() > deadline:
            break
    return wall, cpu


async def fetch(app: web.Application, path: str, key: str) -> tuple[tuple[float, float], Any]:
    """One GET through the app: ((wall seconds, CPU seconds), parsed JSON body)."""
    request = make_mocked_request("GET", path, headers={"x-api-key": key}, app=app)
    started, started_cpu = time.perf_counter(), time.thread_time()
    response = await app._handle(request)
    elapsed = (time.perf_counter() - started, time.thread_time() - started_cpu)
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status} {response.body!r}")
    return elapsed, json.loads(response.body)


def measure_cases(app: web.Application, key: str, cases: dict[str, list[str]], rounds: int, budget: float | None = None,
                  firsts: dict[str, tuple[float, float]] | None = None) -> dict[str, dict[str, float]]:
    """p50/p99/max (wall and CPU) of each case's requests, taken in turn, and its first request apart.

    The first request is reported apart: it may build an index (see mockcasa/store.py); ``firsts``
    gives the (wall, CPU) seconds of first requests already made. A case whose first request took over 10 ms
    gets no warm-up and stops after ``budget`` seconds; one whose first took longer than the whole
    budget is not timed again (its first request is its only sample).
    """
    out = {}
    loop = asyncio.new_event_loop()
    try:
        for name, paths in cases.items():
            first, first_cpu = ([f] for f in firsts[name]) if firsts and name in firsts else \
                loop.run_until_complete(_time_requests(app, paths[:1], key, 1))
            slow = first[0] > 0.01
            if not slow:
                loop.run_until_complete(_time_requests(app, paths, key, 50))  # warm-up
            if slow and budget is not None and first[0] > budget:
                wall, cpu = first, first_cpu
            else:
                wall, cpu = loop.run_until_complete(
                    _time_requests(app, paths, key, rounds, budget if slow else None))
            out[name] = {"p50_ms": percentile(wall, 50) * 1e3, "p99_ms": percentile(wall, 99) * 1e3,
                         "max_ms": max(wall) * 1e3, "cpu_p50_ms": percentile(cpu, 50) * 1e3,
                         "cpu_p99_ms": percentile(cpu, 99) * 1e3, "first_ms": first[0] * 1e3,
                         "rounds": len(wall)}
    finally:
        loop.close()
    return out


def list_latency(records: int, rounds: int) -> dict[str, Any]:
    app, sandbox = new_app()
    org = sandbox.create_organization()
    key = sandbox.issue_key(org).key
    started = time.perf_counter()
    fill_clients(sandbox, org, records)
    clients = fill_projects(sandbox, org, records)
    fill_seconds = time.perf_counter() - started
    per_status = records // 3
    last_page = -(-per_status // 25)
    big, small = clients[0], clients[len(clients) // 2]
    cases = {
        "clients?status=active (page 1, 2, middle, last; 25/page)": [
            f"/api/v1/clients?status=active&page={p}&pageSize=25" for p in (1, 2, last_page // 2, last_page)],
        "clients?status=active&pageSize=100 (page 1, middle)": [
            f"/api/v1/clients?status=active&page={p}&pageSize=100" for p in (1, max(1, last_page // 8))],
        "clients (no filter, page 1, middle)": [
            f"/api/v1/clients?page={p}&pageSize=25" for p in (1, max(1, records // 50))],
        "projects?clientId=X&status=active (two filters, X has 0.05% of projects)": [
            f"/api/v1/projects?clientId={small}&status=active&page={p}&pageSize=25" for p in (1, 2)],
        "projects?clientId=Y&status=active (two filters, Y has 50% of projects)": [
            f"/api/v1/projects?clientId={big}&status=active&page={p}&pageSize=25" for p in (1, 2, 100)],
    }
    return {"records": records, "fill_seconds": fill_seconds, "cases": measure_cases(app, key, cases, rounds)}


def main() -> None:
    parser = argparse.ArgumentParser(description="in-process mockcasa measurements")
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("org").add_argument("--count", type=int, default=10_000)
    sub.add_parser("memory").add_argument("--records", type=int, default=100_000)
    lst = sub.add_parser("list")
    lst.add_argument("--records", type=int, default=100_000)
    lst.add_argument("--rounds", type=int, default=2_000)
    derived = sub.add_parser("derived")
    derived.add_argument("--records", type=int, default=100_000)
    derived.add_argument("--rounds", type=int, default=2_000)
    derived.add_argument("--budget", type=float, default=3.0,
                         help="seconds per filter that checks record by record (3)")
    sub.add_parser("footprint").add_argument("--records", type=int, default=1_000)
    sub.add_parser("walk").add_argument("--records", type=int, default=3_000)
    orgs = sub.add_parser("orgs")
    orgs.add_argument("--counts", default="1,10,100,1000,10000")
    orgs.add_argument("--rounds", type=int, default=1_000)
    args = parser.parse_args()
    # The other modules import this one: imported here, when their command runs.
    if args.what == "org":
        emit(fresh_org(args.count))
    elif args.what == "memory":
        emit(memory(args.records))
    elif args.what == "list":
        emit(list_latency(args.records, args.rounds))
    elif args.what == "derived":
        from bench.invoice_world import derived_latency

        emit(derived_latency(args.records, args.rounds, args.budget))
    elif args.what == "footprint":
        from bench.footprint import footprint

        emit(footprint(args.records))
    elif args.what == "walk":
        from bench.walk import footprint as walked

        emit(walked(args.records))
    else:
        from bench.org_scaling import org_scaling

        emit(org_scaling([int(c) for c in args.counts.split(",")], args.rounds))


if __name__ == "__main__":
    main()
