"""A partner's ClientCasa integration, written as a partner would: aiohttp, no mockcasa imports.

- ``list_all`` follows pages until the API says there are no more;
- ``create`` sends an ``Idempotency-Key`` (generated unless given), so retrying it is safe;
- every call retries on 429 and 5xx, waiting as ``Retry-After`` says (seconds or an HTTP date),
  else backing off exponentially; a POST without an idempotency key is never retried.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp

RETRYABLE = frozenset({429, 500, 502, 503, 504})


class CasaError(Exception):
    """A refusal from the API, with its error envelope."""

    def __init__(self, status: int, code: str, message: str, request_id: str | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message, self.request_id = status, code, message, request_id


def retry_delay(retry_after: str | None, attempt: int, base: float = 0.5, cap: float = 30.0) -> float:
    """Seconds to wait before retry number ``attempt`` (1-based)."""
    if retry_after:
        if retry_after.strip().isdigit():
            return min(float(retry_after), cap)
        try:
            return min(max(0.0, (parsedate_to_datetime(retry_after) - datetime.now(UTC)).total_seconds()), cap)
        except (TypeError, ValueError):
            pass
    return min(base * 2 ** (attempt - 1), cap)


class CasaClient:
    def __init__(self, base_url: str, api_key: str, *, session: aiohttp.ClientSession, max_retries: int = 3,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> None:
        self.api = base_url.rstrip("/") + "/api/v1"
        self.session = session
        self.headers = {"Authorization": f"Bearer {api_key}"}
        self.max_retries = max_retries
        self.sleep = sleep  # tests pass a recorder instead of really waiting

    async def request(self, method: str, path: str, *, json: Any = None, params: dict | None = None,
                      idempotency_key: str | None = None) -> Any:
        headers = dict(self.headers)
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        retryable = method != "POST" or idempotency_key is not None
        attempt = 0
        while True:
            async with self.session.request(method, f"{self.api}/{path}", json=json, params=params,
                                            headers=headers) as resp:
                if resp.status < 400:
                    return None if resp.status == 204 else await resp.json()
                if retryable and resp.status in RETRYABLE and attempt < self.max_retries:
                    attempt += 1
                    await self.sleep(retry_delay(resp.headers.get("Retry-After"), attempt))
                    continue
                raise await _error(resp)

    async def list_all(self, resource: str, **filters: str) -> list[dict]:
        items: list[dict] = []
        page = 1
        while True:
            body = await self.request("GET", resource, params={**filters, "page": page, "pageSize": 100})
            items += body["data"]
            if not body["pagination"]["hasMore"] or not body["data"]:
                return items
            page += 1

    async def create(self, resource: str, fields: dict, *, idempotency_key: str | None = None) -> dict:
        return await self.request("POST", resource, json=fields, idempotency_key=idempotency_key or str(uuid.uuid4()))

    async def get(self, resource: str, record_id: str) -> dict:
        return await self.request("GET", f"{resource}/{record_id}")

    async def update(self, resource: str, record_id: str, changes: dict) -> dict:
        return await self.request("PATCH", f"{resource}/{record_id}", json=changes)

    async def delete(self, resource: str, record_id: str) -> None:
        await self.request("DELETE", f"{resource}/{record_id}")


async def _error(resp: aiohttp.ClientResponse) -> CasaError:
    try:
        error = (await resp.json())["error"]
        return CasaError(resp.status, error["code"], error["message"], error.get("requestId"))
    except (aiohttp.ContentTypeError, ValueError, KeyError, TypeError):
        return CasaError(resp.status, "unexpected_response", await resp.text())


async def stale_prospects(casa: CasaClient, now: datetime, days: int = 30) -> list[dict]:
    """Prospects nobody has converted in ``days`` days: the partner's business rule under test."""
    prospects = await casa.list_all("clients", status="prospect")
    return [c for c in prospects
            if (now - datetime.fromisoformat(c["createdAt"])).total_seconds() > days * 86400]
