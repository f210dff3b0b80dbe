"""Throughput on loopback: mockcasa vs the raw aiohttp app vs Stoplight Prism, same wrk load.

Each target is started once, filled with the same records through its own API, checked with
one request per scenario (status and shape), then driven by wrk one scenario at a time, so the
servers never compete for the CPU.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from bench.load import Figures, Load, run_wrk
from bench.procs import Server, free_ports, request

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "bench" / ".tools"
KEY = "cc_test_bench_key"
BENCH_SEED = ROOT / "bench" / "seed.yaml"
HUGE_RATE_LIMIT = "1000000000"
PRISM_PACKAGE = "@stoplight/prism-cli@5"
CREATE_BODY = json.dumps({"name": "Bench Client", "status": "active", "notes": "created by wrk"})
STATUSES = ("prospect", "active", "inactive")


@dataclass
class Scenario:
    name: str
    method: str
    path: str
    expect: int
    mode: str = "get"


@dataclass
class Target:
    server: Server
    records: int = 0
    sample_id: str = "550e8400-e29b-41d4-a716-446655440000"
    figures: dict[str, Figures] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # scenario -> connections -> figures, for the connection curve (the main load's count included)
    curve: dict[str, dict[int, Figures]] = field(default_factory=dict)


def scenarios(sample_id: str) -> list[Scenario]:
    # POST runs last: it grows the store, and the reads should see the same data everywhere.
    return [Scenario("GET one record", "GET", f"/api/v1/clients/{sample_id}", 200),
            Scenario("GET filtered list page", "GET", "/api/v1/clients?status=active&page=2&pageSize=25", 200),
            Scenario("POST create + Idempotency-Key", "POST", "/api/v1/clients", 201, mode="create")]


def mockcasa_server() -> Server:
    argv = [sys.executable, "-m", "mockcasa", "serve", "--host", "127.0.0.1", "--port", "{port}",
            "--seed", str(BENCH_SEED), "--rate-limit", HUGE_RATE_LIMIT]
    return Server("mockcasa", argv, "/api/v1/clients?pageSize=1", KEY, cwd=ROOT,
                  env={"MOCKCASA_LOG_LEVEL": "warning"})


def raw_server() -> Server:
    return Server("raw aiohttp", [sys.executable, "-m", "bench.raw_app", "--port", "{port}"],
                  "/api/v1/clients?pageSize=1", KEY, cwd=ROOT)


def prism_binary(install: bool) -> tuple[str | None, str]:
    """The prism executable, installing it into bench/.tools with npm when allowed; else (None, why)."""
    local = TOOLS / "node_modules" / ".bin" / "prism"
    if local.exists():
        return str(local), ""
    if shutil.which("prism"):
        return shutil.which("prism"), ""
    if shutil.which("npm") is None:
        return None, "npm is not installed, so Prism cannot be installed (apt-get install -y npm)"
    if not install:
        return None, f"Prism is not installed (npm install --prefix bench/.tools {PRISM_PACKAGE})"
    print(f"installing {PRISM_PACKAGE} into {TOOLS.relative_to(ROOT)} with npm ...", flush=True)
    done = subprocess.run(["npm", "install", "--prefix", str(TOOLS), "--no-audit", "--no-fund", PRISM_PACKAGE],
                          check=False, capture_output=True, text=True)
    if done.returncode != 0 or not local.exists():
        return None, f"npm install {PRISM_PACKAGE} failed: {done.stderr.strip()[-300:]}"
    return str(local), ""


def prism_server(contract: Path | None, install: bool) -> tuple[Server | None, str]:
    if contract is None:
        return None, ("no contract found (looked for shared/contract/clientcasa-openapi-v1.yaml beside the "
                      "checkout and the folders above); pass --contract PATH or set MOCKCASA_CONTRACT")
    if not contract.exists():
        return None, f"the contract is not at {contract}"
    binary, why = prism_binary(install)
    if binary is None:
        return None, why
    # Static examples and warn-level logs: Prism at its fastest.
    argv = [binary, "mock", "-h", "127.0.0.1", "-p", "{port}", "-v", "warn", str(contract)]
    return Server("Prism", argv, "/api/v1/clients/550e8400-e29b-41d4-a716-446655440000", KEY), ""


def fill(target: Target, count: int) -> None:
    """Create ``count`` clients through the target's own API; remember one id for GET one."""
    ids = []
    for i in range(count):
        body = json.dumps({"name": f"Client {i:06d}", "status": STATUSES[i % 3], "notes": "seeded by the bench"})
        status, reply, _ = request(target.server.base + "/api/v1/clients", KEY, "POST", body.encode())
        if status != 201:
            raise RuntimeError(f"{target.server.name}: filling failed with {status}: {reply[:200]!r}")
        ids.append(json.loads(reply)["id"])
    target.records = count
    target.sample_id = ids[len(ids) // 2]


def check(target: Target, scenario: Scenario) -> None:
    """One request before the load: the expected status and a JSON body, with rate-limit headers noted."""
    body = CREATE_BODY.encode() if scenario.method == "POST" else None
    headers = {"Idempotency-Key": "bench-check"} if scenario.method == "POST" else None
    status, reply, reply_headers = request(target.server.base + scenario.path, KEY, scenario.method, body, headers)
    if status != scenario.expect:
        raise RuntimeError(f"{target.server.name} {scenario.name}: expected {scenario.expect}, got {status}: "
                           f"{reply[:300]!r}")
    json.loads(reply)
    if scenario.mode == "get" and not any(h.lower().startswith("x-ratelimit") for h in reply_headers):
        note = "no X-RateLimit-* headers in its replies"
        if note not in target.notes:
            target.notes.append(note)


def _run(target: Target, scenario: Scenario, load: Load, duration: int) -> Figures:
    """One wrk run of ``scenario`` on ``target``, with the CPU its server's main thread used."""
    before = target.server.cpu_seconds()
    figures = run_wrk(target.server.base + scenario.path, KEY, load, mode=scenario.mode, body=CREATE_BODY,
                      duration=duration)
    after = target.server.cpu_seconds()
    if before is not None and after is not None:
        figures.server_cpu_seconds = after - before
    return figures


def run_targets(targets: list[Target], load: Load, records: int, log_dir: Path,
                curve: tuple[int, ...] = (), curve_duration: int = 5) -> None:
    """Start, fill and check every target, then run each scenario on each target in turn.

    Rounds are interleaved (target A, B, C, then A, B, C again) and the best round counts, so
    a burst of other work on the machine hurts one round rather than one target. Then, for the
    connection curve, one run of ``curve_duration`` seconds per other connection count in
    ``curve`` (after a second of warm-up at that count), targets interleaved as well.
    """
    try:
        for target, port in zip(targets, free_ports(len(targets))):
            print(f"starting {target.server.name} ...", flush=True)
            target.server.start(log_dir, port)
        for target in targets:
            if target.server.name != "Prism":
                fill(target, records)
        for index in range(len(scenarios(""))):
            for target in targets:
                scenario = scenarios(target.sample_id)[index]
                check(target, scenario)
                if load.warmup:
                    run_wrk(target.server.base + scenario.path, KEY, load, mode=scenario.mode, body=CREATE_BODY,
                            duration=load.warmup)
            for round_ in range(load.rounds):
                for target in targets:
                    scenario = scenarios(target.sample_id)[index]
                    print(f"  wrk {load.duration}s -c{load.connections} round {round_ + 1}/{load.rounds}: "
                          f"{target.server.name:12} {scenario.name}", flush=True)
                    figures = _run(target, scenario, load, load.duration)
                    best = target.figures.get(scenario.name)
                    if best is None or figures.rps > best.rps:
                        target.figures[scenario.name] = figures
            for connections in curve:
                at = replace(load, connections=connections)
                for target in targets:
                    scenario = scenarios(target.sample_id)[index]
                    points = target.curve.setdefault(scenario.name, {})
                    if connections == load.connections:
                        points[connections] = target.figures[scenario.name]
                        continue
                    print(f"  wrk {curve_duration}s -c{connections} (curve): {target.server.name:12} "
                          f"{scenario.name}", flush=True)
                    run_wrk(target.server.base + scenario.path, KEY, at, mode=scenario.mode, body=CREATE_BODY,
                            duration=1)
                    points[connections] = _run(target, scenario, at, curve_duration)
    finally:
        for target in targets:
            target.server.stop()
