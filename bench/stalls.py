"""``python -m bench.stalls``: does one organization's heavy request stall another's? (issue 13 §3)

Starts ``mockcasa serve`` on a free loopback port. A prober sends ``GET /api/v1/clients`` for a
small organization (the bench key's, 25 clients) back to back the whole time; meanwhile the bench
runs, one after the other:

1. ``POST /_mockcasa/organizations`` generating a 100,000-record organization
   (20,000 clients, 20,000 projects, 30,000 invoices, 30,000 payments),
2. ``GET /_mockcasa/snapshot`` (the whole sandbox, that organization included),
3. ``POST /_mockcasa/snapshot`` importing that export back (every record validated, every derived
   value computed; the small organization is in it too, so its GETs keep working throughout),
4. ``GET /api/v1/invoices?status=overdue`` in that organization (a filter on a computed field; after
   the import, so it shows whether the import left derived values to compute on the first read),

and reports, for each phase and an idle one before them, how long the heavy request took and the
small organization's GET latency (p50, p99, max) while it ran. ``--server-path DIR`` runs another
checkout's code with this driver (see ``bench/soak.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

import aiohttp

from bench.procs import HOST, Server

ROOT = Path(__file__).resolve().parents[1]
KEY = "cc_test_bench_key"
ADMIN = {"x-admin-token": "bench-admin"}
SETTLE = 0.5  # seconds after a heavy request during which a small GET still counts against it
BIG = {"name": "Big Studio", "randomSeed": 7,
       "generate": {"clients": 20_000, "projects": 20_000, "invoices": 30_000, "payments": 30_000}}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


async def run(base: str, idle: float) -> list[dict]:
    phases: list[dict] = []
    probes: list[tuple[float, float]] = []  # (start, end) of each small GET, perf_counter seconds
    done = asyncio.Event()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=600)) as session:
        for i in range(25):
            async with session.post(f"{base}/api/v1/clients", json={"name": f"Small {i}"},
                                    headers={"x-api-key": KEY}) as r:
                assert r.status == 201, await r.text()

        async def probe() -> None:
            async with aiohttp.ClientSession() as own:  # its own connection: never queued behind the heavy one
                while not done.is_set():
                    started = time.perf_counter()
                    async with own.get(f"{base}/api/v1/clients?pageSize=25", headers={"x-api-key": KEY}) as r:
                        await r.read()
                    probes.append((started, time.perf_counter()))

        async def phase(name: str, heavy) -> dict:
            started = time.perf_counter()
            detail = await heavy()
            ended = time.perf_counter()
            took = ended - started
            await asyncio.sleep(SETTLE)  # let a probe held up by the heavy request finish, so it is counted
            # Every small GET that was in flight at some point while the heavy request ran, or in the
            # moment after it: work it leaves behind (freeing what it replaced, collecting what it
            # made) stalls the loop after its reply.
            lat = [(e - s) * 1000 for s, e in probes if s < ended + SETTLE and e > started]
            figures = {"phase": name, "seconds": round(took, 2), "probes": len(lat),
                       "p50_ms": round(percentile(lat, 0.5), 2), "p99_ms": round(percentile(lat, 0.99), 2),
                       "max_ms": round(max(lat, default=0.0), 2), **detail}
            print(json.dumps(figures), flush=True)
            phases.append(figures)
            return figures

        prober = asyncio.create_task(probe())
        big: dict = {}
        exported: dict = {}

        async def rest() -> dict:
            await asyncio.sleep(idle)
            return {}

        async def generate() -> dict:
            async with session.post(f"{base}/_mockcasa/organizations", json=BIG, headers=ADMIN) as r:
                body = await r.json()
                assert r.status == 201, body
            big.update(body)
            return {"records": sum(body["organization"]["counts"].values())}

        async def export() -> dict:
            async with session.get(f"{base}/_mockcasa/snapshot", headers=ADMIN) as r:
                assert r.status == 200
                exported["body"] = await r.read()
                return {"bytes": len(exported["body"])}

        async def imported() -> dict:
            async with session.post(f"{base}/_mockcasa/snapshot", data=exported["body"],
                                    headers={**ADMIN, "Content-Type": "application/json"}) as r:
                body = await r.json()
                assert r.status == 200, body
            return {"organizations": body["organizations"]}

        async def overdue() -> dict:
            async with session.get(f"{base}/api/v1/invoices?status=overdue",
                                   headers={"x-api-key": big["apiKey"]["key"]}) as r:
                body = await r.json()
                assert r.status == 200, body
            return {"total": body["pagination"]["total"]}

        await phase("idle", rest)
        await phase("generate 100,000 records", generate)
        await phase("export snapshot", export)
        await phase("import snapshot (the export above)", imported)
        await phase("invoices?status=overdue (30,000 invoices)", overdue)
        done.set()
        await prober
    return phases


def isolation(server_path: Path | None = None, idle: float = 3.0) -> list[dict]:
    """Start the server, run the phases, stop it; the figures of each phase."""
    where = (server_path or ROOT).resolve()
    argv = [sys.executable, "-m", "mockcasa", "serve", "--host", HOST, "--port", "{port}",
            "--seed", str(ROOT / "bench" / "seed.yaml"), "--rate-limit", "1000000000",
            "--admin-token", ADMIN["x-admin-token"]]
    # The import phase posts the whole export back (~50 MB): docs/limits.md, raise the body limit for it.
    env = {"MOCKCASA_LOG_LEVEL": "error", "PYTHONPATH": str(where), "MOCKCASA_JOURNAL_SIZE": "0",
           "MOCKCASA_MAX_BODY_SIZE": str(1 << 30)}
    out_dir = ROOT / "bench" / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    with Server("mockcasa", argv, "/api/v1/clients?pageSize=1", KEY, cwd=where, env=env) as server:
        server.start(out_dir)
        return asyncio.run(run(server.base, idle))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stalls", description=__doc__.split("\n\n")[0])
    parser.add_argument("--server-path", type=Path, help="run this checkout's mockcasa (default: this one)")
    parser.add_argument("--idle", type=float, default=3.0, help="seconds of the idle phase")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    phases = isolation(args.server_path, args.idle)
    if args.json:
        args.json.write_text(json.dumps(phases, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
