"""``python -m bench``: run every measurement, print figures, ratios, scaling curves and the targets.

Issue 17's targets table comes first, each row measured in this run (or "not run" when its section
was left out with ``--only``). See the "Benchmarks" section of README.md for the setup, and
bench/RESULTS.md for results.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.http_bench import ROOT, Target, mockcasa_server, prism_server, raw_server, run_targets
from bench.load import Load, wrk_path
from bench.procs import pin_self
from bench.report import Report
from bench.stalls import isolation
from bench.startup import cold_start

SECTIONS = ("http", "cold", "org", "orgs", "pytest", "memory", "footprint", "list", "derived", "isolation")


def find_contract() -> Path | None:
    if os.environ.get("MOCKCASA_CONTRACT"):
        return Path(os.environ["MOCKCASA_CONTRACT"])
    for parent in ROOT.parents:
        candidate = parent / "shared" / "contract" / "clientcasa-openapi-v1.yaml"
        if candidate.exists():
            return candidate
    return None


def _version(argv: list[str]) -> str:
    try:
        done = subprocess.run(argv, check=False, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "unavailable"
    return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr) else "?"


def load_average() -> str:
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "unknown"


def machine(prism: str | None) -> dict[str, str]:
    import aiohttp
    import pydantic

    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    info = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "nproc": str(os.cpu_count()), "cpu": cpu,
            "os": platform.platform(), "python": platform.python_version(), "aiohttp": aiohttp.__version__,
            "pydantic": pydantic.__version__, "wrk": _version(["wrk", "-v"]) if wrk_path() else "not installed"}
    if prism:
        info["prism"] = _version([prism, "--version"])
        info["node"] = _version(["node", "--version"])
    return info


def inprocess(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.inprocess", *args], check=False, cwd=ROOT,
                          capture_output=True, text=True)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line.removeprefix("BENCH_JSON "))
    raise RuntimeError(f"bench.inprocess {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def pytest_setup() -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.pytest_setup"], check=False, cwd=ROOT,
                          capture_output=True, text=True)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line.removeprefix("BENCH_JSON "))["pytest_setup"]
    raise RuntimeError(f"bench.pytest_setup failed:\n{done.stdout}\n{done.stderr}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections to run (default all: {','.join(SECTIONS)})")
    parser.add_argument("--duration", type=int, default=8, help="seconds of wrk load per run (8)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (32)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (1: the server gets the other core)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of discarded warm-up per scenario (2)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="interleaved wrk runs per target and scenario; the best counts (3)")
    parser.add_argument("--records", type=int, default=1000, help="clients created in each server before the load")
    parser.add_argument("--contract", type=Path, default=None,
                        help="OpenAPI contract for Prism (default: $MOCKCASA_CONTRACT or ../shared/contract/...)")
    parser.add_argument("--no-prism", action="store_true", help="skip Stoplight Prism")
    parser.add_argument("--no-install", action="store_true", help="do not npm-install Prism into bench/.tools")
    parser.add_argument("--curve", default="1,32,256",
                        help="wrk connection counts for the throughput curve (1,32,256; empty: none)")
    parser.add_argument("--curve-duration", type=int, default=5, help="seconds per curve point (5)")
    parser.add_argument("--list-sizes", default="1000,10000,100000,1000000",
                        help="records for list latency (1000,10000,100000,1000000)")
    parser.add_argument("--derived-sizes", default="1000,10000,100000,1000000",
                        help="invoices for the invoice filters, derived ones included (1000,...,1000000)")
    parser.add_argument("--memory-records", type=int, default=100_000)
    parser.add_argument("--footprint-records", type=int, default=1_000,
                        help="generated records per resource for bytes per record (1000)")
    parser.add_argument("--org-counts", default="1,10,100,1000,10000", help="organizations for the per-org curve")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 3 s loads, 1 s warm-up, 2 s curve points, lists and invoices up to "
                             "100,000 records (so the 1M rows read 'not run'), 300 records per resource")
    args = parser.parse_args(argv)
    if args.quick:  # what is given explicitly stays as given
        quick = {"duration": 3, "warmup": 1, "rounds": 1, "curve_duration": 2, "list_sizes": "1000,10000,100000",
                 "derived_sizes": "1000,10000,100000", "memory_records": 20_000, "footprint_records": 300}
        for name, value in quick.items():
            if getattr(args, name) == parser.get_default(name):
                setattr(args, name, value)
    sections = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")

    log_dir = ROOT / "bench" / "out" / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    report = Report()
    prism_path = None
    load_before = load_average()
    pinning = pin_self()
    started = time.perf_counter()

    def http() -> None:
        nonlocal prism_path
        load = Load(duration=args.duration, connections=args.connections, threads=args.threads, warmup=args.warmup,
                    rounds=args.rounds)
        targets = [Target(mockcasa_server()), Target(raw_server())]
        if args.no_prism:
            report.skipped("Prism", "--no-prism was given")
        else:
            prism, why = prism_server(args.contract or find_contract(), install=not args.no_install)
            if prism is None:
                print(f"bench: skipping Prism: {why}", flush=True)
                report.skipped("Prism", why)
            else:
                prism_path = prism.argv[0]
                targets.append(Target(prism))
        curve = tuple(int(c) for c in args.curve.split(",") if c)
        run_targets(targets, load, args.records, log_dir, curve, args.curve_duration)
        report.http(targets, load, args.records)

    def lists() -> None:
        for size in [int(s) for s in args.list_sizes.split(",") if s]:
            print(f"list latency with {size:,} records ...", flush=True)
            report.list_latency(inprocess("list", "--records", str(size)))

    def derived() -> None:
        for size in [int(s) for s in args.derived_sizes.split(",") if s]:
            print(f"invoice filters with {size:,} invoices ...", flush=True)
            report.derived(inprocess("derived", "--records", str(size)))

    steps = {
        "http": http,
        "cold": lambda: report.cold(cold_start(log_dir)),
        "org": lambda: report.org(inprocess("org")),
        "pytest": lambda: report.pytest_setup(pytest_setup()),
        "orgs": lambda: report.org_scaling(inprocess("orgs", "--counts", args.org_counts)),
        "memory": lambda: report.memory(inprocess("memory", "--records", str(args.memory_records))),
        "footprint": lambda: report.footprint(inprocess("footprint", "--records", str(args.footprint_records))),
        "list": lists,
        "derived": derived,
        "isolation": lambda: report.isolation(isolation()),
    }
    for name in SECTIONS:
        if name not in sections:
            continue
        print(f"== {name}", flush=True)
        section_started = time.perf_counter()
        try:
            steps[name]()
        except Exception as exc:  # noqa: BLE001 - one broken section must not lose the others' figures
            print(f"bench: section {name} failed: {exc}", file=sys.stderr, flush=True)
            report.failed(name, f"{type(exc).__name__}: {exc}")
        report.section_seconds[name] = time.perf_counter() - section_started

    report.machine = machine(prism_path)
    report.machine["load average (1, 5, 15 min) before / after"] = f"{load_before} / {load_average()}"
    report.machine["CPU pinning"] = pinning
    report.command = "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:])
    text = report.render(time.perf_counter() - started)
    print("\n" + text)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = ROOT / "bench" / "out"
    (out / f"results-{stamp}.md").write_text(text)
    (out / f"results-{stamp}.json").write_text(json.dumps(report.data, indent=2))
    print(f"\nwritten: bench/out/results-{stamp}.md and .json")
    return 1 if report.missed_targets else 0


if __name__ == "__main__":
    raise SystemExit(main())
