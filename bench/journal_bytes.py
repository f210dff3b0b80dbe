"""Bytes one kept journal entry holds, for a GET one record over real HTTP (sockets, aiohttp's server).

    python -m bench.journal_bytes [REQUESTS]

The app is served on a loopback port in this process and an aiohttp client (one keep-alive
connection) sends ``REQUESTS`` (default 3,000) ``GET /api/v1/clients/{id}``; tracemalloc measures what
is still allocated afterwards, once with ``journal_size`` 1,000 and once with 0. The difference over
1,000 is what a kept entry holds: the entry and everything it keeps alive (a whole request, its
transport's objects, multidicts and state, or only the small objects the entry names).
"""

from __future__ import annotations

import asyncio
import gc
import sys
import tracemalloc

import aiohttp
from aiohttp import web

from mockcasa import create_app
from mockcasa.config import Settings
from mockcasa.engine.records import create_record
from mockcasa.engine.resource import Ctx
from mockcasa.keys import SANDBOX

KEPT = 1000


async def _held(journal_size: int, requests: int) -> int:
    app = create_app(Settings(rate_limit=1_000_000_000, journal_size=journal_size, quiet=True))
    sandbox = app[SANDBOX]
    org = sandbox.create_organization()
    key = sandbox.issue_key(org).key
    ctx = Ctx.of(sandbox, org)
    with org.transaction():
        record_id = create_record(ctx.resources["clients"], ctx, {"name": "Client", "status": "active"}).id
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    url = f"http://127.0.0.1:{port}/api/v1/clients/{record_id}"
    async with aiohttp.ClientSession(headers={"x-api-key": key}) as session:
        for _ in range(200):  # warm-up: caches, pools, the journal's slots
            async with session.get(url) as resp:
                await resp.read()
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(requests):
            async with session.get(url) as resp:
                assert resp.status == 200
                await resp.read()
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
    await runner.cleanup()
    return held


def main() -> None:
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    with_journal = asyncio.run(_held(KEPT, requests))
    without = asyncio.run(_held(0, requests))
    print(f"after {requests} GETs: held {with_journal:,} B with a journal of {KEPT}, {without:,} B without: "
          f"{(with_journal - without) / KEPT:,.0f} B per kept entry")


if __name__ == "__main__":
    main()
