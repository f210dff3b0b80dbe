"""CPU per POST /api/v1/clients with a unique Idempotency-Key, in-process (no sockets, no wrk).

    python -m bench.post_loop [time [ROUNDS] | profile [SORT]]

Requests are built beforehand (``make_mocked_request``) and only ``app._handle`` is timed, with
``time.process_time`` so other load on the machine barely matters; ``profile`` runs cProfile over
5,000 of them. Prints the minimum and median CPU µs per request over the rounds.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
import time

from aiohttp import streams
from aiohttp.test_utils import make_mocked_request

from mockcasa import create_app
from mockcasa.config import Settings
from mockcasa.keys import SANDBOX

BODY = json.dumps({"name": "Bench Client", "status": "active", "notes": "created by wrk"}).encode()
PER_ROUND = 2000


class _Protocol:
    _reading_paused = False

    def pause_reading(self, *args, **kwargs) -> None:
        pass

    def resume_reading(self, *args, **kwargs) -> None:
        pass


def _payload(data: bytes) -> streams.StreamReader:
    reader = streams.StreamReader(_Protocol(), 2**16, loop=asyncio.get_event_loop())
    reader.feed_data(data)
    reader.feed_eof()
    return reader


def _requests(app, key: str, n: int, start: int) -> list:
    return [make_mocked_request("POST", "/api/v1/clients", headers={
        "x-api-key": key, "Content-Type": "application/json", "Accept": "application/json",
        "Idempotency-Key": f"bench-{i}", "Content-Length": str(len(BODY))}, app=app, payload=_payload(BODY))
        for i in range(start, start + n)]


async def _handle(app, requests: list) -> None:
    for request in requests:
        response = await app._handle(request)
        assert response.status == 201, (response.status, response.body)


def main() -> None:
    mode = sys.argv[1] if len(sys.argv) > 1 else "time"
    app = create_app(Settings(rate_limit=1_000_000_000))
    sandbox = app[SANDBOX]
    key = sandbox.issue_key(sandbox.create_organization()).key
    app.freeze()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    loop.run_until_complete(_handle(app, _requests(app, key, PER_ROUND, 0)))  # warm-up
    if mode == "profile":
        import cProfile
        import pstats
        profiler = cProfile.Profile()
        requests = _requests(app, key, 5000, 10**6)
        profiler.enable()
        loop.run_until_complete(_handle(app, requests))
        profiler.disable()
        pstats.Stats(profiler).sort_stats(sys.argv[2] if len(sys.argv) > 2 else "tottime").print_stats(45)
        return
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    cpu = []
    for r in range(rounds):
        requests = _requests(app, key, PER_ROUND, (r + 1) * 10**6)
        gc.collect()
        started = time.process_time()
        loop.run_until_complete(_handle(app, requests))
        cpu.append((time.process_time() - started) / PER_ROUND * 1e6)
    cpu.sort()
    print(f"POST CPU µs/request (app._handle): min {cpu[0]:.1f} median {cpu[len(cpu) // 2]:.1f} "
          f"all {[round(x) for x in cpu]}")


if __name__ == "__main__":
    main()
