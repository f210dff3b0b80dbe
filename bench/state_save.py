"""Requests during a state-file save: p99 of a small organization's GET while a large one is saved.

    python -m bench.state_save [--records 100000] [--rounds 2000]

One app with ``--state-file`` in a temporary folder, one organization with ``--records`` clients
and a small one with ten. A task sends the small organization's ``GET /clients/{id}`` through the
app's middlewares and handler (no sockets: what is measured is how long the event loop makes a
request wait), first with nothing else going on, then while ``StateFile.save()`` runs: the capture
on the event loop, then encoding and writing in a thread. For comparison it also times what a
save done entirely on the event loop would block it for (``dump(export_state())``). Prints the
figures and one line ``BENCH_JSON {...}``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

from aiohttp.test_utils import make_mocked_request

from bench.inprocess import HUGE_RATE_LIMIT, fill_clients, percentile
from mockcasa import create_app
from mockcasa.config import Settings
from mockcasa.keys import SANDBOX
from mockcasa.snapshot import capture_state, dump, export_state
from mockcasa.state_file import STATE_FILE


async def _get(app, path: str, key: str) -> float:
    request = make_mocked_request("GET", path, headers={"x-api-key": key}, app=app)
    started = time.perf_counter()
    response = await app._handle(request)  # what aiohttp's server calls for each request
    elapsed = time.perf_counter() - started
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status}")
    return elapsed


async def _during(app, path: str, key: str, work: asyncio.Task) -> list[float]:
    samples = []
    while not work.done():
        started = time.perf_counter()
        await _get(app, path, key)
        samples.append(time.perf_counter() - started)
        await asyncio.sleep(0)  # let the save task run between requests, as other clients would
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    return {"n": len(samples), "p50_ms": percentile(samples, 50) * 1e3, "p99_ms": percentile(samples, 99) * 1e3,
            "max_ms": max(samples) * 1e3}


def run(records: int, rounds: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "state.json"
        app = create_app(Settings(state_file=path, rate_limit=HUGE_RATE_LIMIT, journal_size=0))
        sandbox = app[SANDBOX]
        big = sandbox.create_organization(name="Big")
        started = time.perf_counter()
        fill_clients(sandbox, big, records)
        fill_seconds = time.perf_counter() - started
        small = sandbox.create_organization(name="Small")
        key = sandbox.issue_key(small).key
        fill_clients(sandbox, small, 10)
        client_id = next(iter(small["clients"].records))
        path_get = f"/api/v1/clients/{client_id}"
        app.freeze()

        started = time.perf_counter()
        capture_state(sandbox)
        capture_ms = (time.perf_counter() - started) * 1e3
        started = time.perf_counter()
        on_loop_bytes = len(dump(export_state(sandbox)))
        on_loop_ms = (time.perf_counter() - started) * 1e3

        async def measure() -> dict:
            baseline = [await _get(app, path_get, key) for _ in range(rounds)]
            state_file = app[STATE_FILE]
            started = time.perf_counter()
            saving = asyncio.get_running_loop().create_task(state_file.save())
            during = await _during(app, path_get, key, saving)
            assert await saving
            return {"baseline": summary(baseline), "during_save": summary(during),
                    "save_seconds": time.perf_counter() - started, "file_bytes": path.stat().st_size}

        loop = asyncio.new_event_loop()
        try:
            measured = loop.run_until_complete(measure())
        finally:
            loop.close()
    return {"records": records, "fill_seconds": fill_seconds, "capture_on_loop_ms": capture_ms,
            "whole_save_on_loop_ms": on_loop_ms, "whole_save_bytes": on_loop_bytes, **measured}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()
    out = run(args.records, args.rounds)
    base, during = out["baseline"], out["during_save"]
    print(f"{out['records']:,} records ({out['file_bytes'] / 1e6:.1f} MB file), saved in {out['save_seconds']:.2f} s; "
          f"capture on the event loop {out['capture_on_loop_ms']:.0f} ms "
          f"(a save done wholly on the loop would block it {out['whole_save_on_loop_ms']:.0f} ms)")
    print(f"small organization GET: p50 {base['p50_ms']:.2f} ms, p99 {base['p99_ms']:.2f} ms without a save; "
          f"p50 {during['p50_ms']:.2f} ms, p99 {during['p99_ms']:.2f} ms, max {during['max_ms']:.1f} ms "
          f"during it ({during['n']} requests)")
    print("BENCH_JSON " + json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
