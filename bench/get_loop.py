"""CPU per GET /api/v1/clients/{id}, in-process (no sockets, no wrk): the journal and access log included.

    python -m bench.get_loop [time [ROUNDS] | profile [SORT]] [--quiet] [--journal-size N] [--raw]

Requests are built beforehand (``make_mocked_request``) and only ``app._handle`` is timed, plus what
aiohttp does after each response in a server that logs: one call to the access logger (``serve``'s
``AccessLog``, unless ``--quiet``), whose batched lines are written when the loop runs its timers.
CPU is read with ``time.process_time``, so other load on the machine barely matters. ``profile``
runs cProfile over 20,000 requests; ``--raw``: the raw aiohttp app of ``bench/raw_app.py`` instead. Prints the minimum and median CPU µs per request over the rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import time

from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from mockcasa import create_app
from mockcasa.config import Settings
from mockcasa.engine.records import create_record
from mockcasa.engine.resource import Ctx
from mockcasa.http.access_log import access_log_options
from mockcasa.keys import SANDBOX
from mockcasa.serving import tune_gc

PER_ROUND = 5000


def _requests(app, key: str, path: str, n: int) -> list:
    """``n`` fresh requests, clones of one mocked request (``make_mocked_request`` builds mocks: slow)."""
    template = make_mocked_request("GET", path, headers={
        "Host": "127.0.0.1:8080", "x-api-key": key, "Accept": "*/*", "User-Agent": "wrk"}, app=app)
    return [template.clone() for _ in range(n)]


async def _handle(app, requests: list, logger) -> None:
    for request in requests:
        started = time.perf_counter()
        response = await app._handle(request)
        if logger is not None:
            logger.log(request, response, time.perf_counter() - started)
    assert response.status == 200, (response.status, response.body)
    await asyncio.sleep(0)  # the loop's turn: timers (the access log's flush) run


def _mockcasa_app(args: argparse.Namespace) -> tuple[web.Application, str, str]:
    app = create_app(Settings(rate_limit=1_000_000_000, journal_size=args.journal_size, quiet=args.quiet))
    sandbox = app[SANDBOX]
    org = sandbox.create_organization()
    key = sandbox.issue_key(org).key
    ctx = Ctx.of(sandbox, org)
    with org.transaction():
        ids = [create_record(ctx.resources["clients"], ctx, {"name": f"Client {i}", "status": "active",
                                                              "notes": "created by the bench"}).id
               for i in range(100)]
    return app, key, f"/api/v1/clients/{ids[50]}"


def _raw_app() -> tuple[web.Application, str, str]:
    from bench.raw_app import KEY, RECORDS, create_raw_app

    app = create_raw_app()
    record = {"id": "550e8400-e29b-41d4-a716-446655440000", "name": "Client 50", "status": "active",
              "notes": "created by the bench", "createdAt": "2026-01-01T00:00:00.000Z",
              "updatedAt": "2026-01-01T00:00:00.000Z"}
    app[RECORDS][record["id"]] = record
    return app, KEY, f"/api/v1/clients/{record['id']}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", nargs="?", default="time", choices=("time", "profile"))
    parser.add_argument("arg", nargs="?")
    parser.add_argument("--quiet", action="store_true", help="no access log, as serve --quiet")
    parser.add_argument("--journal-size", type=int, default=1000)
    parser.add_argument("--raw", action="store_true", help="the raw aiohttp app (bench/raw_app.py) instead")
    args = parser.parse_args()
    if args.raw:
        app, key, path = _raw_app()
        args.quiet = True
    else:
        app, key, path = _mockcasa_app(args)
    app.freeze()
    tune_gc()  # as serve does: the world loaded is frozen, collections are rare
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    logger = None
    options = access_log_options(args.quiet)
    if options.get("access_log") is not None:
        logger = options["access_log_class"](options["access_log"], "")
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - the lines are written, and thrown away
    loop.run_until_complete(_handle(app, _requests(app, key, path, PER_ROUND), logger))  # warm-up
    if args.mode == "profile":
        import cProfile
        import pstats
        profiler = cProfile.Profile()
        requests = _requests(app, key, path, 20000)
        profiler.enable()
        loop.run_until_complete(_handle(app, requests, logger))
        profiler.disable()
        sys.stdout = sys.__stdout__
        pstats.Stats(profiler).sort_stats(args.arg or "tottime").print_stats(50)
        return
    rounds = int(args.arg or 9)
    cpu = []
    for _ in range(rounds):
        requests = _requests(app, key, path, PER_ROUND)
        gc.collect()
        started = time.process_time()
        loop.run_until_complete(_handle(app, requests, logger))
        cpu.append((time.process_time() - started) / PER_ROUND * 1e6)
    cpu.sort()
    what = "raw aiohttp" if args.raw else f"journal {args.journal_size}"
    print(f"GET one CPU µs/request (app._handle{'' if logger is None else ' + access log'}, {what}): min {cpu[0]:.1f} median {cpu[len(cpu) // 2]:.1f} all {[round(x, 1) for x in cpu]}",
          file=sys.__stdout__)


if __name__ == "__main__":
    main()
