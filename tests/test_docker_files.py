"""What the Docker image relies on, checked without a container engine (.ci/docker-smoke runs the image)."""

import re
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def healthcheck(port: int) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "docker" / "healthcheck.py")], capture_output=True,
                          text=True, check=False, env={"MOCKCASA_PORT": str(port)}, timeout=10)


def test_healthcheck_asks_the_admin_health_endpoint(mockcasa_server):
    port = int(mockcasa_server.url.rsplit(":", 1)[1])
    healthy = healthcheck(port)
    assert healthy.returncode == 0 and healthy.stdout.strip() == "healthy"  # no admin token needed


def test_healthcheck_fails_when_nothing_answers():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sick = healthcheck(port)
    assert sick.returncode == 1 and sick.stdout.startswith("unhealthy")


def test_the_lock_pins_every_runtime_dependency():
    """The image installs requirements.lock then mockcasa with --no-deps: a missing pin breaks it."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pinned = {line.split("==")[0].lower().replace("_", "-") for line in (ROOT / "requirements.lock").read_text()
              .splitlines() if "==" in line and not line.startswith("#")}
    names = {re.split(r"[\[<>=~! ]", d, maxsplit=1)[0].lower().replace("_", "-") for d in declared}
    assert names <= pinned, f"requirements.lock lacks {sorted(names - pinned)}"
