"""A real webhook receiver on loopback: records every request and answers as the test scripts it."""

from __future__ import annotations

import asyncio
import json
from collections import deque
from dataclasses import dataclass
from typing import Any

from aiohttp import web


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def event_id(self) -> str:
        return self.json["id"]


class Receiver:
    """Answers 200 unless told otherwise: ``answer(500, 503)`` scripts the next answers in order;
    ``hold()`` makes the next request wait until ``release()``."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.base = ""
        self._answers: deque[int] = deque()
        self._gate: asyncio.Event | None = None
        self.arrived = asyncio.Event()

    def url(self, path: str = "/hook") -> str:
        return self.base + path

    def answer(self, *statuses: int) -> None:
        self._answers.extend(statuses)

    def hold(self) -> None:
        self._gate = asyncio.Event()

    def release(self) -> None:
        gate, self._gate = self._gate, None
        if gate is not None:
            gate.set()

    def at(self, path: str) -> list[Received]:
        return [r for r in self.requests if r.path == path]

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.requests.append(Received(request.path, dict(request.headers), body))
        self.arrived.set()
        if self._gate is not None:
            await self._gate.wait()
        status = self._answers.popleft() if self._answers else 200
        return web.Response(status=status, text="ok" if status < 300 else "nope")

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/{tail:.*}", self.handle)
        return app
