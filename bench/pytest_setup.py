"""Per-test setup cost of the pytest plugin, as a partner's suite pays it.

    python -m bench.pytest_setup [--tests N]

Writes a throwaway partner project (``asyncio_mode = "auto"``, function-scoped loops: the
defaults the docs recommend) with N tests of each kind, runs pytest on it in a subprocess, and
reads every test's setup duration as pytest measured it (``report.duration`` of the setup
phase) and the CPU time the process spent in it (``time.process_time``: what neighbours on a
shared machine cannot inflate, though they can still slow the caches down). Kinds:

- ``baseline``: an async test with one async fixture and nothing of mockcasa: what
  pytest-asyncio's per-test event loop costs by itself;
- ``empty``: ``mockcasa_api`` on a fresh organization (an app, its server, the org and a key);
- ``demo``: ``mockcasa_api`` with ``@pytest.mark.mockcasa(seed="demo")``: the first such test
  generates the demo world for the session, every other one gets a copy.

Prints one ``BENCH_JSON`` line: median, mean, p90 and p99 in milliseconds per kind (the first test of
each kind is reported apart: it pays the imports and, for the demo, the world's generation).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CONFTEST = '''
import json, os, time
import pytest

DURATIONS = {}
CPU = {}

def _kind(nodeid):
    return nodeid.split("::")[0].removeprefix("test_").removesuffix(".py")

@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    started = time.process_time()
    try:
        return (yield)
    finally:
        CPU.setdefault(_kind(item.nodeid), []).append(time.process_time() - started)

def pytest_runtest_logreport(report):
    if report.when == "setup":
        DURATIONS.setdefault(_kind(report.nodeid), []).append(report.duration)

def pytest_sessionfinish(session):
    with open(os.environ["BENCH_OUT"], "w") as f:
        json.dump({"wall": DURATIONS, "cpu": CPU}, f)

@pytest.fixture
async def nothing():
    return None
'''
PYPROJECT = '[tool.pytest.ini_options]\nasyncio_mode = "auto"\nasyncio_default_fixture_loop_scope = "function"\n'
TESTS = {
    "a_baseline": ("", "nothing"),
    "b_empty": ("", "mockcasa_api"),
    "c_demo": ('@pytest.mark.mockcasa(seed="demo")\n', "mockcasa_api"),
}


def write_project(folder: Path, count: int) -> None:
    (folder / "conftest.py").write_text(CONFTEST)
    (folder / "pyproject.toml").write_text(PYPROJECT)
    for kind, (marker, fixture) in TESTS.items():
        body = "import pytest\n\n" + "".join(
            f"{marker}async def test_{i}({fixture}):\n    assert {fixture} is not False\n\n" for i in range(count))
        (folder / f"test_{kind}.py").write_text(body)
    # pytest runs files in name order: the baseline, then the empty organizations, then the demo.



def summarise(samples: list[float]) -> dict[str, float]:
    """The first test apart (imports, a world's generation); median, mean, p90 and p99 of the others."""
    rest = sorted(s * 1000 for s in samples[1:])

    def quantile(q: float) -> float:
        return round(rest[min(len(rest) - 1, int(q * len(rest)))], 2)

    return {"first_ms": round(samples[0] * 1000, 2), "median_ms": round(statistics.median(rest), 2),
            "mean_ms": round(statistics.fmean(rest), 2), "p90_ms": quantile(0.9), "p99_ms": quantile(0.99),
            "tests": len(samples)}


def measure(count: int) -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_project(folder, count)
        out = folder / "durations.json"
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder)],
                              cwd=folder, capture_output=True, text=True, check=False,
                              env={**_env(), "BENCH_OUT": str(out)})
        if done.returncode != 0:
            raise RuntimeError(f"pytest failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        durations = json.loads(out.read_text())
    return {kind: {**summarise(durations["wall"][kind]),
                   "cpu": summarise(durations["cpu"][kind])} for kind in TESTS}


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pytest_setup", description=__doc__.splitlines()[0])
    parser.add_argument("--tests", type=int, default=300, help="tests of each kind (300)")
    args = parser.parse_args(argv)
    result = measure(args.tests)
    print("BENCH_JSON " + json.dumps({"pytest_setup": result}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
