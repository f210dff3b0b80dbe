"""A probe route under /api/v1 whose outcome a test scripts, to drive the HTTP layers generically."""

from __future__ import annotations

import asyncio
from collections import deque

import pytest
from aiohttp import web

from mockcasa import create_app
from mockcasa.errors import ApiError
from mockcasa.http.auth import principal_of

PROBE = "/api/v1/probe"


class Probe:
    """``POST``/``PATCH /api/v1/probe``: counts its runs and answers what the test queued.

    ``outcomes`` holds statuses (answered with ``{"run": n}``) or ``ApiError``s to raise; when it
    is empty the probe answers 201. ``gate``, when set, holds every run until the test opens it.
    """

    def __init__(self) -> None:
        self.runs = 0
        self.outcomes: deque[int | ApiError] = deque()
        self.gate: asyncio.Event | None = None
        self.entered = asyncio.Event()

    async def handle(self, request: web.Request) -> web.Response:
        principal_of(request)
        await request.read()
        self.runs += 1
        self.entered.set()
        if self.gate is not None:
            await self.gate.wait()
        outcome = self.outcomes.popleft() if self.outcomes else 201
        if isinstance(outcome, ApiError):
            raise outcome
        return web.json_response({"run": self.runs}, status=outcome)

    def install(self, app: web.Application) -> None:
        app.router.add_post(PROBE, self.handle)
        app.router.add_patch(PROBE, self.handle)


@pytest.fixture
def probe() -> Probe:
    return Probe()


@pytest.fixture
def app(settings, probe):
    app = create_app(settings)
    probe.install(app)
    return app
