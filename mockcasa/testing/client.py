"""A partner's-eye client for tests: JSON in, ``Reply(status, body, headers)`` out.

It wraps anything with aiohttp's ``request(method, url, **kw)`` async context manager: the
pytest-aiohttp ``TestClient`` of an in-process app, or an ``aiohttp.ClientSession`` whose
``base_url`` is a live server.
"""

from __future__ import annotations

import json as json_module
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockcasa.testing.control import ClockControl

BASE = "/api/v1"
# Per-request fault injection, answered by the fault layer of the server (see docs/pytest.md).
FAULT_HEADER = "X-Mockcasa-Fault"


@dataclass
class Reply:
    status: int
    body: Any
    headers: Any
    raw: bytes = b""  # the body exactly as sent (an idempotent replay must match it byte for byte)

    @property
    def error(self) -> dict:
        """The error envelope's inner object: ``reply.error["code"]``."""
        return self.body["error"]

    def __repr__(self) -> str:
        return f"Reply({self.status}, {self.body!r})"


class Client:
    """One credential of one organization. Paths are relative to ``/api/v1`` unless they start with ``/``."""

    def __init__(self, http: Any, key: str | None, org: Any = None, clock: ClockControl | None = None) -> None:
        self.http = http
        self.key = key
        self.org = org
        # The organization's mock clock: ``api.clock.freeze("2026-05-19")``, ``api.clock.advance("24h")``.
        self.clock = clock

    def credentials(self) -> dict[str, str]:
        """The headers that authenticate this client; override for another kind (an OAuth bearer token)."""
        return {"x-api-key": self.key} if self.key else {}

    def _headers(self, headers: dict | None, idempotency_key: str | None, fault: int | str | None) -> dict:
        out = self.credentials()
        if idempotency_key is not None:
            out["Idempotency-Key"] = idempotency_key
        if fault is not None:
            out[FAULT_HEADER] = str(fault)
        out.update(headers or {})
        return out

    async def request(self, method: str, path: str, json: Any = None, headers: dict | None = None, *,
                      idempotency_key: str | None = None, fault: int | str | None = None, **kwargs) -> Reply:
        url = path if path.startswith("/") else f"{BASE}/{path}"
        kw: dict = {"headers": self._headers(headers, idempotency_key, fault), **kwargs}
        if kw.get("params"):  # yarl refuses booleans: send them as the API writes them
            kw["params"] = {k: str(v).lower() if isinstance(v, bool) else v for k, v in kw["params"].items()}
        if json is not None:
            kw["json"] = json
        async with self.http.request(method, url, **kw) as resp:
            raw = await resp.read()
            body = json_module.loads(raw) if raw else None
            return Reply(resp.status, body, resp.headers, raw)

    async def get(self, path: str, **kw) -> Reply:
        return await self.request("GET", path, **kw)

    async def post(self, path: str, json: Any = None, **kw) -> Reply:
        return await self.request("POST", path, json=json, **kw)

    async def patch(self, path: str, json: Any = None, **kw) -> Reply:
        return await self.request("PATCH", path, json=json, **kw)

    async def delete(self, path: str, **kw) -> Reply:
        return await self.request("DELETE", path, **kw)

    async def create(self, resource: str, **fields) -> dict:
        """POST and insist on 201; returns the created record."""
        reply = await self.post(resource, fields)
        if reply.status != 201:
            raise AssertionError(f"POST {resource}: expected 201, got {reply!r}")
        return reply.body

    async def list_all(self, resource: str, **params) -> list[dict]:
        """Every record of a list, following pages of 100 (filters as keyword arguments)."""
        items, page = [], 1
        while True:
            reply = await self.get(resource, params={**params, "page": page, "pageSize": 100})
            if reply.status != 200:
                raise AssertionError(f"GET {resource} page {page}: expected 200, got {reply!r}")
            items += reply.body["data"]
            if not reply.body["pagination"]["hasMore"]:
                return items
            page += 1
