"""Starting, probing and stopping the servers under test; loopback only."""

from __future__ import annotations

import ipaddress
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

HOST = "127.0.0.1"
# The CPUs this bench may use, read before ``pin_self`` narrows its own.
CPUS = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []


def cpu_split() -> tuple[set[int], set[int]] | None:
    """With ``BENCH_PIN=1``: (the server's CPUs, the load generator's CPUs); otherwise None (unpinned,
    the default, as in every earlier round).

    Pinned, the server under test gets the last CPU to itself and the load generator (wrk, the
    clients) the others, as when the client is another machine: they never share a core's caches.
    On this 2-core host that costs both servers ~15 µs more per GET (the raw app 52 → 64-66 µs) and
    so raises mockcasa's ratio to raw by ~6 points (four alternating A/Bs, 2026-12-02): not a
    change of mockcasa, which is why it is not the default. bench/RESULTS.md reports both.
    """
    if os.environ.get("BENCH_PIN", "0") != "1" or len(CPUS) < 2:
        return None
    return {CPUS[-1]}, set(CPUS[:-1])


def pin_self() -> str:
    """Put this process (and so the clients it runs and the tools it starts) on the load generator's
    CPUs; says how the CPUs are split, for the report."""
    split = cpu_split()
    if split is None:
        return "not pinned (BENCH_PIN=1 pins the server to a CPU of its own)"
    os.sched_setaffinity(0, split[1])
    return f"server under test on CPU {min(split[0])}, load generator on CPU(s) {','.join(map(str, sorted(split[1])))}"


def require_loopback(host: str) -> str:
    """Refuse any target that is not on this machine's loopback interface."""
    try:
        address = ipaddress.ip_address(socket.gethostbyname(host) if host == "localhost" else host)
    except ValueError:
        raise SystemExit(f"bench: {host!r} is not an IP address; only loopback may be load-tested") from None
    if not address.is_loopback:
        raise SystemExit(f"bench: refusing to load-test {host}: only loopback addresses (127.0.0.0/8, ::1)")
    return host


def free_ports(count: int, host: str = HOST) -> list[int]:
    """``count`` distinct free ports (all bound at once, so the kernel cannot hand one out twice)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind((require_loopback(host), 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def request(url: str, key: str | None = None, method: str = "GET", body: bytes | None = None,
            headers: dict[str, str] | None = None, timeout: float = 5.0) -> tuple[int, bytes, dict]:
    """One HTTP request with the standard library: (status, body, headers); errors are statuses too."""
    all_headers = {"x-api-key": key} if key else {}
    if body is not None:
        all_headers["Content-Type"] = "application/json"
    all_headers.update(headers or {})
    req = urllib.request.Request(url, data=body, method=method, headers=all_headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read(), dict(resp.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


@dataclass
class Server:
    """A server process on a loopback port, started by the bench and stopped by it."""

    name: str
    argv: list[str]  # "{port}" in an argument is replaced by the port given to start()
    probe_path: str
    key: str | None = None
    cwd: Path | None = None
    env: dict[str, str] | None = None
    process: subprocess.Popen | None = field(default=None, repr=False)
    log: Path | None = None
    port: int = 0

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, log_dir: Path, port: int | None = None) -> float:
        """Spawn on ``port`` (default: a free one) and wait for the first 200 on ``probe_path``.

        Returns the seconds from spawning to that 200.
        """
        self.port = port or free_ports(1)[0]
        self.log = log_dir / f"{self.name.replace(' ', '_')}.log"
        out = self.log.open("wb")
        argv = [a.replace("{port}", str(self.port)) for a in self.argv]
        started = time.perf_counter()
        self.process = subprocess.Popen(argv, cwd=self.cwd, env={**os.environ, **(self.env or {})},
                                        stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        split = cpu_split()
        if split is not None:  # at once: threads the server starts later inherit its CPU
            os.sched_setaffinity(self.process.pid, split[0])
        return self.wait_ready(started)

    def wait_ready(self, started: float, timeout: float = 120.0) -> float:
        url = self.base + self.probe_path
        while time.perf_counter() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {self.log}")
            try:
                status, _, _ = request(url, self.key, timeout=1.0)
            except OSError:
                time.sleep(0.002)
                continue
            if status == 200:
                return time.perf_counter() - started
            time.sleep(0.002)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer 200 on {url} within {timeout:.0f} s; see {self.log}")

    def cpu_seconds(self) -> float | None:
        """CPU time the process's main thread has used so far (Linux), whatever else runs on the machine."""
        try:
            with open(f"/proc/{self.process.pid}/schedstat") as f:
                return int(f.read().split()[0]) / 1e9
        except (OSError, ValueError, IndexError):
            return None

    def stop(self) -> None:
        """Stop the process group this bench started (and nothing else)."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
