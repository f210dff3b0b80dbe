"""Cold start: from spawning ``mockcasa serve`` to its first 200 on an authenticated API request.

The raw aiohttp app (``bench/raw_app.py``) is started the same way in the same run, alternating
with mockcasa, so the ratio of the two medians is what the machine's load cannot move much.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.http_bench import ROOT, mockcasa_server, raw_server


def _best_of(code: str, runs: int) -> float:
    """Seconds for ``python -c code``, best of ``runs``."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        samples.append(time.perf_counter() - started)
    return min(samples)


def interpreter_floor(runs: int = 5) -> float:
    """Seconds for ``python -c pass``: what any Python server pays before its first import."""
    return _best_of("pass", runs)


def import_seconds(runs: int = 5) -> float:
    """Seconds for ``python -c 'import mockcasa.cli, mockcasa.app'`` (best of ``runs``; includes the floor)."""
    return _best_of("import mockcasa.cli, mockcasa.app", runs)


DEMO_LOAD = """
import time
from mockcasa import create_app
from mockcasa.config import Settings
started = time.perf_counter()
create_app(Settings(seeds=[{seed!r}]))
print(time.perf_counter() - started)
"""


def demo_load_seconds(runs: int = 5) -> float:
    """Seconds to build an app on ``seeds/demo.yaml`` (imports excluded), best of ``runs``.

    Was a test (``test_demo_loads_quickly``) until it failed once on a busy machine: wall-clock
    figures belong here, not in the suite.
    """
    code = DEMO_LOAD.format(seed=str(ROOT / "seeds" / "demo.yaml"))
    samples = [float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                    text=True, cwd=ROOT).stdout) for _ in range(runs)]
    return min(samples)


def cold_start(log_dir: Path, runs: int = 7) -> dict:
    """Spawn-to-first-200 of ``mockcasa serve`` and of the raw aiohttp app, alternating (wall clock),
    and the CPU time each server used for it.

    Bytecode is compiled first (``compileall``), as in any installed package or Docker image;
    a checkout run with PYTHONDONTWRITEBYTECODE=1 compiles mockcasa's sources on every start.
    """
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "mockcasa"), str(ROOT / "bench")],
                   check=True)
    samples: dict[str, list[float]] = {"mockcasa": [], "raw": []}
    cpu: dict[str, list[float]] = {"mockcasa": [], "raw": []}
    for _ in range(runs):
        for name, make in (("mockcasa", mockcasa_server), ("raw", raw_server)):
            with make() as server:
                samples[name].append(server.start(log_dir))
                cpu[name].append(server.cpu_seconds() or 0.0)
    floor = interpreter_floor()
    ours, raw = samples["mockcasa"], samples["raw"]
    return {"runs": runs, "median_ms": statistics.median(ours) * 1e3, "min_ms": min(ours) * 1e3,
            "max_ms": max(ours) * 1e3, "cpu_median_ms": statistics.median(cpu["mockcasa"]) * 1e3,
            "raw_median_ms": statistics.median(raw) * 1e3, "raw_min_ms": min(raw) * 1e3,
            "raw_max_ms": max(raw) * 1e3, "raw_cpu_median_ms": statistics.median(cpu["raw"]) * 1e3,
            "python_floor_ms": floor * 1e3, "import_ms": (import_seconds() - floor) * 1e3,
            "demo_load_ms": demo_load_seconds() * 1e3}
