"""A thin partner-style client for tests: JSON in, (status, body) out."""

from __future__ import annotations

import json as json_module
from dataclasses import dataclass
from typing import Any

BASE = "/api/v1"


@dataclass
class Reply:
    status: int
    body: Any
    headers: Any
    raw: bytes = b""  # the body exactly as sent (idempotent replays must match it byte for byte)

    @property
    def error(self) -> dict:
        return self.body["error"]

    def __repr__(self) -> str:
        return f"Reply({self.status}, {self.body!r})"


class Api:
    def __init__(self, http, key: str | None, org=None) -> None:
        self.http = http
        self.key = key
        self.org = org

    def _headers(self, headers: dict | None) -> dict:
        out = {"x-api-key": self.key} if self.key else {}
        out.update(headers or {})
        return out

    async def request(self, method: str, path: str, json: Any = None, headers: dict | None = None,
                      **kwargs) -> Reply:
        url = path if path.startswith("/") else f"{BASE}/{path}"
        kw: dict = {"headers": self._headers(headers), **kwargs}
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
        assert reply.status == 201, reply
        return reply.body

    async def list_all(self, resource: str, **params) -> list[dict]:
        items, page = [], 1
        while True:
            reply = await self.get(resource, params={**params, "page": page, "pageSize": 100})
            assert reply.status == 200, reply
            items += reply.body["data"]
            if not reply.body["pagination"]["hasMore"]:
                return items
            page += 1
