"""Where a cold start's CPU goes, and what the work left for first use costs when it comes.

``python -m bench.cold_floor [--runs N]`` prints, each the least CPU of N fresh interpreters (so a
busy machine moves it little):

- the floor every pydantic server pays over the raw aiohttp app: importing aiohttp.web, then
  pydantic up to ``BaseModel``, its first model (its schema machinery and plugin lookup), PyYAML;
- mockcasa's own start on top: importing ``mockcasa.cli`` and ``mockcasa.app``, ``create_app`` on
  the bench's seed;
- the first use of what the start leaves out: the first ``POST /invoices`` (its models' schemas are
  built then, ``defer_build``) against the next ones, the first organization of API revision
  2026-06-30 (the revision is built then) and its first request, and the OpenAPI document.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

from bench.http_bench import ROOT

FLOOR = """
import gc, time
gc.set_threshold(200_000, 20, 100)  # as python -m mockcasa (mockcasa/__main__.py)
cpu = time.process_time
t0 = cpu()
from aiohttp import web
t1 = cpu()
from pydantic import BaseModel, Field
t2 = cpu()
class First(BaseModel):
    x: int = Field(1, ge=0)
First(x=2)
t3 = cpu()
import yaml
t4 = cpu()
print(t1 - t0, t2 - t1, t3 - t2, t4 - t3)
"""

START = """
import gc, time
gc.set_threshold(200_000, 20, 100)  # as python -m mockcasa (mockcasa/__main__.py)
cpu = time.process_time
from aiohttp import web
t0 = cpu()
import mockcasa.cli, mockcasa.app
t1 = cpu()
from mockcasa.app import create_app
from mockcasa.config import Settings
create_app(Settings(seeds=[{seed!r}]), load_default_seed=True)
t2 = cpu()
print(t1 - t0, t2 - t1)
"""

FIRST_USE = """
import asyncio, gc, time
gc.set_threshold(200_000, 20, 100)  # as python -m mockcasa (mockcasa/__main__.py)
from aiohttp.test_utils import TestClient, TestServer
from mockcasa.app import create_app
from mockcasa.config import Settings

KEY = {{"x-api-key": "cc_test_bench_key"}}
ADMIN = {{"Authorization": "Bearer bench-admin"}}
LINE = {{"description": "Design", "quantity": 1, "unitPrice": 100}}


async def timed(call):
    started = time.process_time()
    response = await call
    await response.read()
    assert response.status < 300, (response.status, await response.text())
    return time.process_time() - started, await response.json()


async def main():
    app = create_app(Settings(seeds=[{seed!r}], admin_token="bench-admin"))
    async with TestClient(TestServer(app)) as http:
        _, client = await timed(http.post("/api/v1/clients", json={{"name": "Acme"}}, headers=KEY))
        invoice = {{"clientId": client["id"], "lineItems": [LINE]}}
        posts = [(await timed(http.post("/api/v1/invoices", json=invoice, headers=KEY)))[0] for _ in range(4)]
        org, created = await timed(http.post("/_mockcasa/organizations", json={{"apiRevision": "2026-06-30"}},
                                             headers=ADMIN))
        key = {{"x-api-key": created["apiKey"]["key"]}}
        gets = [(await timed(http.get("/api/v1/clients", headers=key)))[0] for _ in range(3)]
        other, _ = await timed(http.post("/_mockcasa/organizations", json={{"apiRevision": "2026-06-30"}},
                                         headers=ADMIN))
        document, _ = await timed(http.get("/api/v1/openapi.json"))
        again, _ = await timed(http.get("/api/v1/openapi.json"))
    print(posts[0], min(posts[1:]), org, other, gets[0], min(gets[1:]), document, again)


asyncio.run(main())
"""


def least(code: str, runs: int) -> list[float]:
    """Each figure ``code`` prints (seconds), the least of ``runs`` fresh interpreters, in ms."""
    samples = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT)
        samples.append([float(x) for x in done.stdout.split()])
    return [min(column) * 1e3 for column in zip(*samples, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    seed = str(ROOT / "bench" / "seed.yaml")
    aiohttp, pydantic, first, yaml = least(FLOOR, runs)
    imports, create = least(START.format(seed=seed), runs)
    post, next_post, org, next_org, get, next_get, document, again = least(FIRST_USE.format(seed=seed), runs)
    print(f"CPU, least of {runs} fresh interpreters (ms)")
    print(f"  import aiohttp.web (raw aiohttp pays it too)        {aiohttp:6.1f}")
    print(f"  pydantic up to BaseModel                            {pydantic:6.1f}")
    print(f"  its first model (schema machinery, plugin lookup)   {first:6.1f}")
    print(f"  import yaml                                         {yaml:6.1f}")
    print(f"  floor over raw aiohttp: pydantic + yaml             {pydantic + first + yaml:6.1f}")
    print(f"  import mockcasa.cli, mockcasa.app (pydantic in it)  {imports:6.1f}")
    print(f"  create_app on bench/seed.yaml                       {create:6.1f}")
    print("first use (in-process, CPU ms)")
    print(f"  POST /invoices: first {post:.2f}, next {next_post:.2f}")
    print(f"  admin POST /organizations (2026-06-30): first {org:.2f}, next {next_org:.2f}")
    print(f"  its GET /clients: first {get:.2f}, next {next_get:.2f}")
    print(f"  GET /api/v1/openapi.json: first {document:.2f}, next {again:.2f}")


if __name__ == "__main__":
    main()
