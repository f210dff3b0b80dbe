"""Driving a server with wrk (Debian package ``wrk``) and reading its figures."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bench.procs import require_loopback

SCRIPT = Path(__file__).with_name("lua") / "load.lua"


@dataclass
class Load:
    """How hard to push: the same for every target in one run."""

    duration: int = 10
    connections: int = 32
    threads: int = 1
    warmup: int = 2
    rounds: int = 3  # interleaved runs per target and scenario; the best one counts


@dataclass
class Figures:
    requests: int
    seconds: float
    errors: dict[str, int]
    latency_us: dict[str, float]
    server_cpu_seconds: float | None = None  # CPU the server's main thread used during the run

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def cpu_us_per_request(self) -> float | None:
        if self.server_cpu_seconds is None or not self.requests:
            return None
        return self.server_cpu_seconds / self.requests * 1e6

    @property
    def failed(self) -> int:
        return sum(self.errors.values())


def wrk_path() -> str | None:
    return shutil.which("wrk")


def run_wrk(url: str, key: str, load: Load, *, mode: str = "get", body: str = "{}",
            duration: int | None = None) -> Figures:
    """One wrk run against ``url`` (loopback only) with the shared Lua script."""
    require_loopback(urlsplit(url).hostname or "")
    wrk = wrk_path()
    if wrk is None:
        raise SystemExit("bench: wrk is not installed (Debian: apt-get install -y wrk)")
    seconds = duration if duration is not None else load.duration
    argv = [wrk, f"-t{load.threads}", f"-c{load.connections}", f"-d{seconds}s", "--timeout", "5s",
            "-s", str(SCRIPT), url]
    env = {**os.environ, "BENCH_KEY": key, "BENCH_MODE": mode, "BENCH_BODY": body}
    out = subprocess.run(argv, check=False, env=env, capture_output=True, text=True, timeout=seconds + 60)
    for line in out.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            data = json.loads(line.removeprefix("BENCH_JSON "))
            return Figures(data["requests"], data["duration_us"] / 1e6, data["errors"], data["latency_us"])
    raise RuntimeError(f"wrk gave no figures (exit {out.returncode}):\n{out.stdout}\n{out.stderr}")

