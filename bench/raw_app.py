"""The practical limit of our stack: a bare aiohttp app with handlers equivalent to mockcasa's.

Same routes, same JSON shapes, the same credential check (``x-api-key`` or ``Authorization:
Bearer``), a request id and rate-limit-like headers on every response, records in a dict,
idempotent creates, but no validation framework, no middlewares and no engine. Whatever
mockcasa spends beyond this is the cost of its features.

Run: ``python -m bench.raw_app --port 8091`` (loopback only; key ``cc_test_bench_key``).
"""

from __future__ import annotations

import argparse
import json
import secrets
import time
import uuid
from datetime import UTC, datetime

from aiohttp import web

KEY = "cc_test_bench_key"
STATUSES = ("prospect", "active", "inactive")
RECORDS: web.AppKey[dict] = web.AppKey("records")
BY_STATUS: web.AppKey[dict] = web.AppKey("by_status")
REPLAYS: web.AppKey[dict] = web.AppKey("replays")
HITS: web.AppKey[dict] = web.AppKey("hits")
LIMIT = 1_000_000_000


def _timestamp() -> str:
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def _headers(request: web.Request, key: str) -> dict[str, str]:
    hits = request.app[HITS]
    hits[key] = used = hits.get(key, 0) + 1
    return {"X-Request-Id": "req_" + secrets.token_hex(12), "X-RateLimit-Limit": str(LIMIT),
            "X-RateLimit-Remaining": str(LIMIT - used), "X-RateLimit-Reset": str(int(time.time()) + 3600)}


def _error(status: int, code: str, message: str) -> web.Response:
    body = {"error": {"code": code, "message": message, "requestId": "req_" + secrets.token_hex(12)}}
    return web.Response(body=json.dumps(body).encode(), status=status, content_type="application/json")


def _credential(request: web.Request) -> str | None:
    key = request.headers.get("x-api-key")
    if key is None:
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return None
    return key.strip() if key and key.strip() == KEY else None


def _json(body: bytes, headers: dict[str, str], status: int = 200) -> web.Response:
    return web.Response(body=body, status=status, content_type="application/json", headers=headers)


async def get_client(request: web.Request) -> web.Response:
    key = _credential(request)
    if key is None:
        return _error(401, "unauthorized", "Invalid credentials.")
    record = request.app[RECORDS].get(request.match_info["id"])
    if record is None:
        return _error(404, "not_found", "No client with that id exists in your organization.")
    return _json(json.dumps(record).encode(), _headers(request, key))


def _page_param(request: web.Request, name: str, default: int, high: int) -> int | None:
    raw = request.query.get(name)
    if raw is None:
        return default
    value = int(raw) if raw.isdigit() else 0
    return value if 1 <= value <= high else None


async def list_clients(request: web.Request) -> web.Response:
    key = _credential(request)
    if key is None:
        return _error(401, "unauthorized", "Invalid credentials.")
    page, size = _page_param(request, "page", 1, 10**9), _page_param(request, "pageSize", 25, 100)
    status = request.query.get("status")
    if page is None or size is None or (status is not None and status not in STATUSES):
        return _error(400, "invalid_request", "Invalid query parameter.")
    records = request.app[RECORDS]
    ids = request.app[BY_STATUS][status] if status else list(records)
    total = len(ids)
    # Newest first: ids are kept in insertion order, so read them from the end.
    end = total - (page - 1) * size
    chosen = ids[max(0, end - size):max(0, end)][::-1]
    pages = -(-total // size)
    body = {"data": [records[i] for i in chosen],
            "pagination": {"page": page, "pageSize": size, "total": total, "totalPages": pages,
                           "hasMore": page < pages}}
    return _json(json.dumps(body).encode(), _headers(request, key))


async def create_client(request: web.Request) -> web.Response:
    key = _credential(request)
    if key is None:
        return _error(401, "unauthorized", "Invalid credentials.")
    raw = await request.read()
    idempotency_key = request.headers.get("Idempotency-Key")
    replays = request.app[REPLAYS]
    if idempotency_key is not None and idempotency_key in replays:
        seen_body, response_body = replays[idempotency_key]
        if seen_body != raw:
            return _error(409, "conflict", "Idempotency-Key reused with a different body.")
        return _json(response_body, _headers(request, key), 201)
    try:
        data = json.loads(raw)
    except ValueError:
        return _error(400, "invalid_request", "The request body is not valid JSON.")
    name, status = data.get("name"), data.get("status", "active")
    if not isinstance(name, str) or not 1 <= len(name) <= 200 or status not in STATUSES:
        return _error(400, "invalid_request", "Invalid request body.")
    now = _timestamp()
    record = {"id": str(uuid.uuid4()), "name": name, "status": status, "notes": data.get("notes"),
              "createdAt": now, "updatedAt": now}
    request.app[RECORDS][record["id"]] = record
    request.app[BY_STATUS][status].append(record["id"])
    body = json.dumps(record).encode()
    if idempotency_key is not None:
        replays[idempotency_key] = (raw, body)
    return _json(body, _headers(request, key), 201)


def create_raw_app() -> web.Application:
    app = web.Application()
    app[RECORDS] = {}
    app[BY_STATUS] = {s: [] for s in STATUSES}
    app[REPLAYS] = {}
    app[HITS] = {}
    app.router.add_get("/api/v1/clients", list_clients)
    app.router.add_post("/api/v1/clients", create_client)
    app.router.add_get("/api/v1/clients/{id}", get_client)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    print(f"raw aiohttp app on http://{args.host}:{args.port}", flush=True)
    web.run_app(create_raw_app(), host=args.host, port=args.port, print=None, access_log=None,
                shutdown_timeout=1.0)


if __name__ == "__main__":
    main()
