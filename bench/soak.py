"""``python -m bench.soak``: memory of a server under a minute of mixed traffic (issue 13 §2).

Starts ``mockcasa serve`` on a free loopback port (the bench seed, for a key without rate limit,
plus the default seed, for its OAuth app ``demo-spa``) and drives it with ``--concurrency``
clients for ``--seconds``, in a fixed mix:

- 30% creates (``POST /api/v1/clients``, each with a new ``Idempotency-Key``),
- 30% reads (``GET /api/v1/clients?pageSize=25``),
- 25% unauthenticated junk (a 1 KB POST without credentials, or with a random ``x-api-key``),
- 15% OAuth authorize (``demo-spa`` with PKCE: each issues a code).

The server's RSS (``/proc/PID/status``) is sampled every second. Reported: requests, RSS after
the warm-up and at the end, growth per 100,000 requests over the run and over its second half
(where bounded stores have reached their bounds and only unbounded ones still grow).

``--server-path DIR`` runs another checkout's code (e.g. a ``git worktree`` of an older commit)
with this driver: the server gets ``PYTHONPATH=DIR`` and runs from ``DIR``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import secrets
import sys
import threading
import time
from pathlib import Path

import aiohttp

from bench.procs import HOST, Server

ROOT = Path(__file__).resolve().parents[1]
KEY = "cc_test_bench_key"
WARMUP = 5.0
JUNK = json.dumps({"name": "x" * 1000}).encode()


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def pkce_challenge() -> str:
    verifier = secrets.token_urlsafe(48)
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


KINDS = {"creates": range(6), "reads": range(6, 12), "junk": range(12, 17), "authorize": range(17, 20)}


async def one(session: aiohttp.ClientSession, base: str, n: int, slots: list[int]) -> None:
    kind = slots[n % len(slots)]
    if kind < 6:
        async with session.post(f"{base}/api/v1/clients", json={"name": f"Soak {n}"},
                                headers={"x-api-key": KEY, "Idempotency-Key": secrets.token_hex(16)}) as r:
            await r.read()
    elif kind < 12:
        async with session.get(f"{base}/api/v1/clients?pageSize=25", headers={"x-api-key": KEY}) as r:
            await r.read()
    elif kind < 17:
        headers = {"Content-Type": "application/json"}
        if kind % 2:
            headers["x-api-key"] = "junk_" + secrets.token_hex(12)
        async with session.post(f"{base}/api/v1/clients", data=JUNK, headers=headers) as r:
            await r.read()
    else:
        params = {"response_type": "code", "client_id": "demo-spa", "redirect_uri": "http://localhost:8765/callback",
                  "state": secrets.token_hex(4), "scope": "clients:read", "code_challenge": pkce_challenge(),
                  "code_challenge_method": "S256"}
        async with session.get(f"{base}/api/auth/oauth2/authorize", params=params, allow_redirects=False) as r:
            await r.read()


async def drive(base: str, seconds: float, concurrency: int, counts: list[int], slots: list[int]) -> None:
    deadline = time.monotonic() + seconds
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as session:
        async def worker(w: int) -> None:
            n = w
            while time.monotonic() < deadline:
                try:
                    await one(session, base, n, slots)
                except (aiohttp.ClientError, TimeoutError):
                    counts[1] += 1
                counts[0] += 1
                n += concurrency
        await asyncio.gather(*(worker(w) for w in range(concurrency)))


def per_100k(delta_bytes: int, requests: int) -> float:
    return delta_bytes / max(requests, 1) * 100_000 / 2**20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--server-path", type=Path, help="run this checkout's mockcasa (default: this one)")
    parser.add_argument("--label", default="this checkout")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--only", nargs="+", choices=sorted(KINDS), default=sorted(KINDS),
                        help="keep only these kinds of request, in their usual proportions (default: all)")
    args = parser.parse_args(argv)
    where = (args.server_path or ROOT).resolve()
    argv_ = [sys.executable, "-m", "mockcasa", "serve", "--host", HOST, "--port", "{port}",
             "--seed", str(where / "seeds" / "default.yaml"), "--seed", str(ROOT / "bench" / "seed.yaml"),
             "--rate-limit", "1000000000"]
    env = {"MOCKCASA_LOG_LEVEL": "error", "PYTHONPATH": str(where)}
    out_dir = ROOT / "bench" / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    with Server("mockcasa", argv_, "/api/v1/clients?pageSize=1", KEY, cwd=where, env=env) as server:
        server.start(out_dir)
        pid = server.process.pid
        samples: list[tuple[float, int, int]] = []  # (seconds since start, requests so far, rss)
        counts = [0, 0]
        stop = threading.Event()
        started = time.monotonic()

        def sample() -> None:
            while not stop.wait(1.0):
                samples.append((time.monotonic() - started, counts[0], rss_bytes(pid)))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        slots = [slot for kind in args.only for slot in KINDS[kind]]
        asyncio.run(drive(server.base, args.seconds, args.concurrency, counts, slots))
        stop.set()
        sampler.join()
        samples.append((time.monotonic() - started, counts[0], rss_bytes(pid)))
    warm = next((s for s in samples if s[0] >= WARMUP), samples[0])
    mid = next((s for s in samples if s[0] >= args.seconds / 2), samples[len(samples) // 2])
    end = samples[-1]
    figures = {
        "label": args.label, "mix": args.only, "seconds": round(end[0], 1), "requests": end[1], "failed": counts[1],
        "rps": round(end[1] / end[0]), "rss_start_mb": round(warm[2] / 2**20, 1), "rss_end_mb": round(end[2] / 2**20, 1),
        "growth_mb_per_100k": round(per_100k(end[2] - warm[2], end[1] - warm[1]), 1),
        "growth_mb_per_100k_second_half": round(per_100k(end[2] - mid[2], end[1] - mid[1]), 1),
    }
    print(json.dumps(figures))
    if args.json:
        args.json.write_text(json.dumps({**figures, "samples": samples}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
