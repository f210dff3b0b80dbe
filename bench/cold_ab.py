"""Cold start in instructions: ``mockcasa serve`` (two trees) and the raw aiohttp app, each to its first 200.

    python -m bench.cold_ab [--a-tree PATH | --a-ref main] [--b-tree PATH] [--seed default|bench]

Each server runs under valgrind's callgrind from its exec; right after its first 200 on an
authenticated ``GET /api/v1/clients?pageSize=1`` its counters are dumped: the instructions its
start took, interpreter start-up, imports, app, listening socket and that first request included.
A count does not move with the other work on a shared 2-core machine, where the CPU time of a cold
start (``python -m bench --only cold``) moves by ±20 % from one minute to the next; a change of a
few percent of mockcasa's own share is invisible there and plain here. Each start takes ~30-60 s.

Also counted: the floor any pydantic server pays over the raw app (``python -c`` importing
aiohttp.web; then also pydantic, a first model, PyYAML), as ``bench.cold_floor`` times it.
``--seed default``: mockcasa on its shipped default seed (``mockcasa serve`` with no flags);
``bench`` (default): the bench's seed, as ``bench.startup`` starts it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.cold_floor import FLOOR
from bench.get_ab import exported, mockcasa, under_callgrind
from bench.http_bench import ROOT, raw_server
from bench.procs import Server

AIOHTTP_ONLY = "from aiohttp import web"


def _total(dump: Path) -> float:
    return float(next(line for line in dump.read_text().splitlines() if line.startswith("summary:")).split()[1])


def start_instructions(server: Server, log_dir: Path) -> float:
    """Instructions ``server`` (under callgrind) executed from its exec to its first 200."""
    under_callgrind(server, log_dir)
    server.start(log_dir)
    pid = str(server.process.pid)
    try:
        subprocess.run(["callgrind_control", "-d", pid], check=True, capture_output=True)
        dump = next(iter(log_dir.glob(f"callgrind.*.{pid}.out.*")))
        return _total(dump)
    finally:
        server.stop()


def code_instructions(code: str, log_dir: Path, name: str) -> float:
    """Instructions of ``python -c code``, interpreter start-up included."""
    out = log_dir / f"callgrind.{name}.out"
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, "-c", code],
                   check=True, capture_output=True, cwd=ROOT)
    return _total(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--a-tree", type=Path, help="checkout A is served from (default: --a-ref, exported)")
    parser.add_argument("--a-ref", default="main")
    parser.add_argument("--b-tree", type=Path, default=ROOT)
    parser.add_argument("--seed", choices=("bench", "default"), default="bench")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cold_ab_") as tmp:
        log_dir = Path(tmp)
        if args.a_tree is None:
            (log_dir / "a").mkdir()
        a_tree = args.a_tree or exported(args.a_ref, log_dir / "a")
        for tree in (a_tree, args.b_tree, ROOT):  # bytecode, as an installed package has it
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "mockcasa"), str(tree / "bench")],
                           check=True)
        servers = {f"A {args.a_ref if args.a_tree is None else a_tree}": mockcasa("A", a_tree, ""),
                   f"B {args.b_tree}": mockcasa("B", args.b_tree, ""), "raw aiohttp app": raw_server()}
        if args.seed == "default":
            for server in list(servers.values())[:2]:
                seed = server.argv.index("--seed")
                del server.argv[seed:seed + 2]
                server.key = "cc_test_default_key"
        counts = {name: start_instructions(server, log_dir) for name, server in servers.items()}
        aiohttp = code_instructions(AIOHTTP_ONLY, log_dir, "aiohttp")
        floor = code_instructions(FLOOR, log_dir, "floor")
    raw = counts["raw aiohttp app"]
    print(f"instructions to the first 200 (millions; {args.seed} seed), and against the raw app:")
    for name, count in counts.items():
        print(f"  {name:50} {count / 1e6:9.1f}  {count / raw:.2f}x")
    print(f"  python -c '{AIOHTTP_ONLY}'{'':22} {aiohttp / 1e6:9.1f}")
    print(f"  ... and pydantic, a first model, PyYAML (the floor) {floor / 1e6:9.1f}  "
          f"(+{(floor - aiohttp) / 1e6:.1f}: {(raw + floor - aiohttp) / raw:.2f}x raw before any mockcasa code)")


if __name__ == "__main__":
    main()
