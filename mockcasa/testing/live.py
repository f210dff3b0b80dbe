"""A real mockcasa on a loopback TCP port, for code that needs a URL (sync clients, subprocesses).

The server runs in a background thread with its own event loop, so it serves sync tests and async
tests alike and outlives any one test's loop. Its state belongs to that thread: reach it through
``call(fn, *args)``, which runs ``fn`` there and returns the result.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Self

from aiohttp import web

from mockcasa.admin import ADMIN_TOKEN
from mockcasa.config import Settings
from mockcasa.keys import SANDBOX
from mockcasa.serving import GuardedRunner
from mockcasa.testing.admin import AdminClient
from mockcasa.testing.control import ClockControl
from mockcasa.testing.deliveries import LiveDeliveries
from mockcasa.testing.faults import LiveFaults
from mockcasa.testing.journal import LiveJournal

START_TIMEOUT = 10.0


@dataclass
class LiveOrg:
    """One organization of a live server with its own all-scope key, and its test helpers.

    ``faults``, ``journal`` and ``deliveries`` go through the server's admin API and keep to this
    organization (see ``LiveFaults``, ``LiveJournal``, ``LiveDeliveries``).
    """

    url: str  # the server's base URL, http://127.0.0.1:PORT
    key: str
    organization_id: str
    clock: ClockControl
    faults: LiveFaults
    journal: LiveJournal
    deliveries: LiveDeliveries

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/v1"

    @property
    def headers(self) -> dict[str, str]:
        return {"x-api-key": self.key}


class LiveServer:
    """``with LiveServer(Settings(port=0)) as server: ... server.url ...``"""

    def __init__(self, settings: Settings | None = None, *, load_default_seed: bool = False) -> None:
        from mockcasa.app import create_app

        self.settings = settings or Settings(port=0)
        # Built here so a bad seed fails in the caller, with the loader's message.
        self.app = create_app(self.settings, load_default_seed=load_default_seed)
        self.url = ""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Self:
        started: concurrent.futures.Future[str] = concurrent.futures.Future()
        self._thread = threading.Thread(target=self._serve, args=(started,), name="mockcasa-live", daemon=True)
        self._thread.start()
        self.url = started.result(timeout=START_TIMEOUT)
        return self

    def _serve(self, started: concurrent.futures.Future) -> None:
        loop = self._loop = asyncio.new_event_loop()
        runner = GuardedRunner(self.app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
        try:
            loop.run_until_complete(runner.setup())
            site = web.TCPSite(runner, self.settings.host, self.settings.port)
            loop.run_until_complete(site.start())
            host, port = runner.addresses[0][:2]
            started.set_result(f"http://{host}:{port}")
        except Exception as exc:  # noqa: BLE001 -- re-raised by start(); nothing is left running
            loop.run_until_complete(runner.cleanup())
            loop.close()
            started.set_exception(exc)
            return
        loop.run_forever()
        loop.run_until_complete(runner.cleanup())
        loop.close()

    def stop(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=START_TIMEOUT)
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run ``fn(*args)`` on the server's thread (between requests) and return its result."""
        if threading.current_thread() is self._thread:
            return fn(*args)
        done: concurrent.futures.Future = concurrent.futures.Future()

        def run() -> None:
            try:
                done.set_result(fn(*args))
            except Exception as exc:  # noqa: BLE001 -- re-raised in the calling thread
                done.set_exception(exc)

        self._loop.call_soon_threadsafe(run)
        return done.result(timeout=START_TIMEOUT)

    def new_org(self, name: str = "Test Studio", scopes: frozenset[str] | None = None) -> LiveOrg:
        """A fresh organization with its own key (all scopes unless ``scopes``)."""
        def create() -> tuple[str, str, Any]:
            sandbox = self.app[SANDBOX]
            org = sandbox.create_organization(name=name)
            return org.id, sandbox.issue_key(org, scopes=scopes).key, org.clock
        org_id, key, clock = self.call(create)
        admin = self.admin
        return LiveOrg(url=self.url, key=key, organization_id=org_id, clock=ClockControl(clock, self.call),
                       faults=LiveFaults(admin, org_id), journal=LiveJournal(admin, org_id),
                       deliveries=LiveDeliveries(admin, org_id))

    @property
    def admin(self) -> AdminClient:
        """A client of this server's admin API (``admin.get("/journal")``), holding its token."""
        return AdminClient(self.url, self.app[ADMIN_TOKEN])

    def remove_org(self, organization_id: str) -> None:
        self.call(self.app[SANDBOX].remove_organization, organization_id)
