"""A/B of GET one record (or POST create) over HTTP: two mockcasa servers (and the raw aiohttp app) loaded in turn by wrk.

    python -m bench.get_ab [--a-tree PATH] [--a-flags "..."] [--b-tree PATH] [--b-flags "..."]
                           [--raw] [--rounds 5] [--duration 4] [--connections 32] [--instructions [--cache-sim]]
                           [--post]

Each target is started once (``mockcasa serve --seed bench/seed.yaml``, plus its flags), given one
client, then driven by ``wrk`` on ``GET /api/v1/clients/{id}`` one target after the other, round
after round (A, B, raw, A, B, raw, ...), so a burst of other work on the shared machine hurts one
round of each rather than one target. Per round it prints the server main thread's CPU per request
(``/proc/PID/schedstat``: whatever else runs on the machine) and the requests per second; then the
median and range of each, B against A, and each against raw when ``--raw`` is given.

``--instructions``: each server runs under valgrind's callgrind, and a round counts the instructions
the server executed per request (its counters zeroed before the round and dumped after it): ~50×
slower, so far fewer requests, but a count other load on the machine does not change, where CPU
time on a shared 2-core machine moves by ±20 % from one minute to the next.

``--cache-sim``: the servers start uninstrumented, and from the warm-up on callgrind also simulates
the caches; each round prints the data reads and writes per request that missed the first-level
cache (D1) and the last-level one (LL): what a request costs in memory traffic, which instruction
counts miss (a server that keeps old requests alive touches colder memory for the same
instructions), as independent of other load as the instruction count. ``--ll`` sets the LL's size:
on this VM valgrind takes a 256 MB direct-mapped one from the CPU's odd report, so its misses are
first touches of memory (fresh heap arenas, mostly); ``--ll 1048576,16,64`` is one core's L2 here.

``--post``: ``POST /api/v1/clients`` with a unique ``Idempotency-Key`` per request instead (wrk's
"create" mode, ``python -m bench``'s POST scenario): each request stores a client.

``--a-tree``: the checkout A is served from (default: ``main`` exported with ``git archive`` to a
temporary directory); ``--b-tree``: this checkout. Both run with this interpreter, which imports
``mockcasa`` from the tree it is started in.
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bench.http_bench import BENCH_SEED, CREATE_BODY, HUGE_RATE_LIMIT, KEY, ROOT, raw_server
from bench.load import Load, run_wrk
from bench.procs import Server, pin_self, request


@dataclass
class Side:
    server: Server
    path: str = ""
    cpu_us: list[float] = field(default_factory=list)
    rps: list[float] = field(default_factory=list)
    instructions: list[float] = field(default_factory=list)  # thousands per request (--instructions)
    d1_misses: list[float] = field(default_factory=list)  # data cache misses per request (--cache-sim)
    ll_misses: list[float] = field(default_factory=list)


def under_callgrind(server: Server, out_dir: Path, cache_sim: bool = False, ll: str | None = None) -> Server:
    """``server`` run by valgrind's callgrind (no instrumentation of its start-up counted: see ``_count``)."""
    out = out_dir / f"callgrind.{server.name.split()[0]}.%p.out"
    server.argv = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                   *(["--cache-sim=yes", "--instr-atstart=no"] if cache_sim else []),
                   *([f"--LL={ll}"] if ll else []), *server.argv]
    return server


def _count(server: Server, run) -> tuple[dict[str, float], object]:
    """The events ``server`` counts while ``run()`` runs (callgrind_control zero, then dump): ``Ir``
    (instructions), and with ``--cache-sim`` also ``D1mr``, ``DLmr``, ``D1mw``, ``DLmw`` and others."""
    pid = str(server.process.pid)
    subprocess.run(["callgrind_control", "-z", pid], check=True, capture_output=True)
    result = run()
    before = set(Path(server.log.parent).glob(f"callgrind.*.{pid}.out.*"))
    subprocess.run(["callgrind_control", "-d", pid], check=True, capture_output=True)
    dump = next(iter(set(Path(server.log.parent).glob(f"callgrind.*.{pid}.out.*")) - before))
    lines = dump.read_text().splitlines()
    events = next(line for line in lines if line.startswith("events:")).split()[1:]
    summary = next(line for line in lines if line.startswith("summary:")).split()[1:]
    dump.unlink()
    return dict(zip(events, map(float, summary), strict=True)), result


def mockcasa(name: str, tree: Path, flags: str) -> Server:
    argv = [sys.executable, "-m", "mockcasa", "serve", "--host", "127.0.0.1", "--port", "{port}",
            "--seed", str(BENCH_SEED), "--rate-limit", HUGE_RATE_LIMIT, *shlex.split(flags)]
    return Server(name, argv, "/api/v1/clients?pageSize=1", KEY, cwd=tree,
                  env={"MOCKCASA_LOG_LEVEL": "warning", "PYTHONPATH": str(tree)})


def exported(ref: str, into: Path) -> Path:
    """``ref`` of this repository as plain files under ``into`` (no worktree, nothing to clean in git)."""
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def _summary(values: list[float]) -> str:
    return f"median {statistics.median(values):6.1f} (range {min(values):.1f}-{max(values):.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--a-tree", type=Path, help="checkout to serve A from (default: main, exported)")
    parser.add_argument("--a-ref", default="main", help="what to export for A when --a-tree is not given")
    parser.add_argument("--a-flags", default="", help="extra serve flags for A, e.g. '--quiet'")
    parser.add_argument("--b-tree", type=Path, default=ROOT)
    parser.add_argument("--b-flags", default="")
    parser.add_argument("--raw", action="store_true", help="also the raw aiohttp app (bench/raw_app.py)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=4)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--instructions", action="store_true", help="count instructions under callgrind")
    parser.add_argument("--cache-sim", action="store_true", help="with --instructions: count cache misses too")
    parser.add_argument("--ll", help="with --cache-sim: the last-level cache simulated, 'size,ways,line' "
                                     "(e.g. 1048576,16,64: one core's L2 here; default: valgrind's choice)")
    parser.add_argument("--post", action="store_true", help="POST create + Idempotency-Key instead of GET one")
    args = parser.parse_args()
    print(f"CPUs: {pin_self()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="get_ab_") as tmp:
        a_tree = args.a_tree or exported(args.a_ref, Path(tmp))
        sides = [Side(mockcasa(f"A {args.a_ref if args.a_tree is None else a_tree.name} {args.a_flags}".strip(),
                               a_tree, args.a_flags)),
                 Side(mockcasa(f"B {args.b_tree.name} {args.b_flags}".strip(), args.b_tree, args.b_flags))]
        if args.raw:
            sides.append(Side(raw_server()))
        if args.instructions:
            for side in sides:
                under_callgrind(side.server, Path(tmp), args.cache_sim, args.ll)
        _run(sides, args, Path(tmp))
    measure = "instructions" if args.instructions else "cpu_us"
    unit = "thousand instructions" if args.instructions else "CPU µs"
    print(f"\n{unit} per request (server) and requests per second:")
    for side in sides:
        print(f"  {side.server.name:40} {unit} {_summary(getattr(side, measure))}   req/s {_summary(side.rps)}")
    a, b = (statistics.median(getattr(s, measure)) for s in sides[:2])
    print(f"  B/A: {b / a:.3f}")
    if args.raw:
        raw = statistics.median(getattr(sides[2], measure))
        for side in sides[:2]:
            print(f"  {side.server.name}: raw/this = {raw / statistics.median(getattr(side, measure)):.0%}")
    if args.cache_sim:
        print("data cache misses per request (reads + writes):")
        for side in sides:
            print(f"  {side.server.name:40} D1 {_summary(side.d1_misses)}   LL {_summary(side.ll_misses)}")


def _wrk(side: Side, load: Load, args: argparse.Namespace, duration: int | None = None):
    """One wrk run on the side's path: GET, or POST create with a unique key per request (``--post``)."""
    if args.post:
        return run_wrk(side.server.base + side.path, KEY, load, mode="create", body=CREATE_BODY, duration=duration)
    return run_wrk(side.server.base + side.path, KEY, load, duration=duration)


def _run(sides: list[Side], args: argparse.Namespace, log_dir: Path) -> None:
    load = Load(duration=args.duration, connections=args.connections)
    try:
        for side in sides:
            side.server.start(log_dir)
            status, reply, _ = request(side.server.base + "/api/v1/clients", KEY, "POST", CREATE_BODY.encode())
            if status != 201:
                raise RuntimeError(f"{side.server.name}: creating a client gave {status}: {reply[:200]!r}")
            side.path = "/api/v1/clients" if args.post else "/api/v1/clients/" + json.loads(reply)["id"]
            if args.cache_sim:  # started uninstrumented (the simulation would take minutes): on for the warm-up
                subprocess.run(["callgrind_control", "-i", "on", str(side.server.process.pid)], check=True,
                               capture_output=True)
            _wrk(side, load, args, duration=3 if args.instructions else 1)  # warm-up
        for round_ in range(args.rounds):
            for side in sides:
                before = side.server.cpu_seconds()
                if args.instructions:
                    count, figures = _count(side.server, lambda side=side: _wrk(side, load, args))
                else:
                    figures = _wrk(side, load, args)
                cpu = side.server.cpu_seconds() - before
                if figures.failed or not figures.requests:
                    raise RuntimeError(f"{side.server.name}: {figures.errors}")
                side.cpu_us.append(cpu / figures.requests * 1e6)
                side.rps.append(figures.rps)
                extra = ""
                if args.instructions:
                    side.instructions.append(count["Ir"] / figures.requests / 1000)
                    extra = f"  {side.instructions[-1]:7.1f} k instructions/request"
                if args.cache_sim:
                    side.d1_misses.append((count["D1mr"] + count["D1mw"]) / figures.requests)
                    side.ll_misses.append((count["DLmr"] + count["DLmw"]) / figures.requests)
                    extra += f"  data misses/request D1 {side.d1_misses[-1]:6.0f} LL {side.ll_misses[-1]:5.0f}"
                print(f"round {round_ + 1}: {side.server.name:40} CPU {side.cpu_us[-1]:5.1f} µs/request  "
                      f"{figures.rps:8.0f} req/s{extra}", flush=True)
    finally:
        for side in sides:
            side.server.stop()


if __name__ == "__main__":
    main()
