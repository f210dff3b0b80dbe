"""Garbage-collector pauses under POST + Idempotency-Key load, with CPython's defaults or ``tune_gc``.

``python -m bench.gc_pauses default 40000`` / ``python -m bench.gc_pauses tuned 40000 [gen0-threshold]``:
the bench world in one process (TestServer on loopback, an aiohttp client keeping 32 requests in
flight), every collection timed through ``gc.callbacks``. The client shares the process, so the
latencies include its work; the collections walk the server's heap (the created records) and its.
What wrk cannot show on a shared machine: how many collections ran and how long each held the GIL.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
import time
import uuid
from pathlib import Path

from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from mockcasa.app import create_app
from mockcasa.config import Settings
from mockcasa.serving import tune_gc

ROOT = Path(__file__).resolve().parents[1]
IN_FLIGHT = 32


class Pauses:
    """Each collection's duration by generation (``gc.callbacks``)."""

    def __init__(self) -> None:
        self.by_generation: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self._started = 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.by_generation[info["generation"]].append(time.perf_counter() - self._started)

    def describe(self) -> str:
        return "; ".join(f"gen{g}: {len(p)} collections, max {max(p, default=0) * 1e3:.1f} ms, "
                         f"total {sum(p) * 1e3:.0f} ms" for g, p in self.by_generation.items())


async def run(mode: str, total: int, threshold: int | None) -> str:
    app = create_app(Settings(seeds=[ROOT / "bench" / "seed.yaml"], rate_limit=1_000_000_000))
    if mode == "tuned":
        tune_gc()
        if threshold:
            gc.set_threshold(threshold, *gc.get_threshold()[1:])
    pauses = Pauses()
    gc.callbacks.append(pauses)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    url = f"http://127.0.0.1:{server.port}/api/v1/clients"
    latencies: list[float] = []

    async def client(session: ClientSession, count: int) -> None:
        for _ in range(count):
            body = json.dumps({"name": f"Client {uuid.uuid4().hex[:8]}", "status": "active"})
            headers = {"x-api-key": "cc_test_bench_key", "Content-Type": "application/json",
                       "Idempotency-Key": uuid.uuid4().hex}
            started = time.perf_counter()
            async with session.post(url, data=body, headers=headers) as response:
                await response.read()
                assert response.status == 201, response.status
            latencies.append(time.perf_counter() - started)

    async with ClientSession() as session:
        cpu = time.process_time()
        await asyncio.gather(*(client(session, total // IN_FLIGHT) for _ in range(IN_FLIGHT)))
        cpu = time.process_time() - cpu
    await server.close()
    gc.callbacks.remove(pauses)
    latencies.sort()

    def ms(q: float) -> float:
        return latencies[int(q * (len(latencies) - 1))] * 1e3

    return (f"{mode}{f' ({threshold})' if threshold else ''}: {len(latencies)} POSTs, CPU "
            f"{cpu / len(latencies) * 1e6:.0f} µs per request (client and server), p50 {ms(0.5):.2f} "
            f"p99 {ms(0.99):.2f} max {latencies[-1] * 1e3:.1f} ms; {pauses.describe()}")


def main() -> None:
    mode, total = sys.argv[1], int(sys.argv[2])
    print(asyncio.run(run(mode, total, int(sys.argv[3]) if len(sys.argv) > 3 else None)))


if __name__ == "__main__":
    main()
