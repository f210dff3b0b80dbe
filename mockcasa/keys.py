"""Typed keys for what every layer shares on the aiohttp application (no globals, no string keys).

A key for one feature's service lives beside it (``http.auth.PRINCIPAL``,
``http.ratelimit.RATE_LIMITER``, ``webhooks.worker.DELIVERIES``), so this module imports none of
them and no import cycle runs through it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from mockcasa.config import Settings
    from mockcasa.state import Sandbox

SANDBOX: web.AppKey[Sandbox] = web.AppKey("sandbox")
SETTINGS: web.AppKey[Settings] = web.AppKey("settings")

REQUEST_ID: web.RequestKey[str] = web.RequestKey("request_id")
