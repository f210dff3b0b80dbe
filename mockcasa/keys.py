"""Typed keys for what lives on the aiohttp application (no globals, no string keys)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from mockcasa.config import Settings
    from mockcasa.http.auth import Principal
    from mockcasa.http.ratelimit import RateLimiter
    from mockcasa.state import Sandbox
    from mockcasa.webhooks.worker import Deliveries

SANDBOX: web.AppKey[Sandbox] = web.AppKey("sandbox")
SETTINGS: web.AppKey[Settings] = web.AppKey("settings")
RATE_LIMITER: web.AppKey[RateLimiter] = web.AppKey("rate_limiter")
DELIVERIES: web.AppKey[Deliveries] = web.AppKey("webhook_deliveries")

REQUEST_ID: web.RequestKey[str] = web.RequestKey("request_id")
PRINCIPAL: web.RequestKey[Principal] = web.RequestKey("principal")
