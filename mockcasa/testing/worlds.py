"""Seeded worlds and routes built once per test session, and a fast private copy of a world for each test.

Generating the demo world takes about 0.4 s; copying it takes a few milliseconds, because a
``Collection`` copy shares the (immutable) records and only rebuilds its indexes. So the pytest
plugin builds each distinct seeded world once (``Worlds``, held by a session fixture, never at
module level) and every test gets an app of its own holding copies of the world's organizations,
API keys and OAuth apps: a test may change its world freely, and ``POST /_mockcasa/reset`` brings
back the seeded world, as it would on a server started with those seeds.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mockcasa.config import Settings
from mockcasa.keys import SANDBOX
from mockcasa.source_files import Document
from mockcasa.state.declare import Loading
from mockcasa.state.oauth import OAuthData, OAuthState

if TYPE_CHECKING:
    from aiohttp import web

    from mockcasa.state import Sandbox

# Settings that only describe how the app serves (not what the seeds build) stay out of the key.
SERVING_ONLY = frozenset({"host", "port", "scenarios", "admin_token", "quiet", "console", "journal_size",
                          "journal_max_bytes", "log_level", "clock_tick_seconds"})


@dataclass
class World:
    """A seeded sandbox nobody serves: the original every test copies, and its startup snapshot."""

    sandbox: Sandbox
    startup: dict[str, Any]  # export_state of it, without fault rules (those are each app's own)
    oauth: OAuthData | None  # its OAuth apps, to rebuild per test around the copied organizations

    def install(self, app: web.Application) -> None:
        """Put a private copy of the world into a fresh app built without seeds."""
        from mockcasa.admin.common import STARTUP
        from mockcasa.scenarios.rules import dump_rules

        sandbox = app[SANDBOX]
        copies = {org_id: org.copy() for org_id, org in self.sandbox.organizations.items()}
        for org in copies.values():
            sandbox.add_organization(org)
        sandbox.api_keys.update({key: replace(api_key) for key, api_key in self.sandbox.api_keys.items()})
        if self.oauth is not None:
            loading = Loading(Document("world", None), dict(sandbox.resources), sandbox.all_scopes,
                              organizations=dict(copies))
            sandbox.oauth = OAuthState.load(self.oauth, loading)  # a fresh signing key, made on first use
        app[STARTUP] = {**self.startup, "faultRules": dump_rules(sandbox.faults)}


class Worlds:
    """The seeded worlds of one test session, built on first use and keyed by what shapes them:
    the seed files (path and modification time) and the settings seeding reads.

    ``freeze_gc``: after building a world (and once at the start), move every live object into the
    garbage collector's permanent generation (``gc.freeze``). The worlds, the imported modules and
    pydantic's schemas live for the whole session; without this, every collection the per-test
    apps trigger walks them again, which measured as more than half of a test's setup (see
    ``bench/pytest_setup.py``).
    """

    def __init__(self, *, freeze_gc: bool = True) -> None:
        from mockcasa.app import build_routes

        self._built: dict[tuple, World] = {}
        self.freeze_gc = freeze_gc
        # Every app of the session registers the same route objects: building them was most of an
        # empty app's cost (see ``mockcasa.routing``).
        self.routes = build_routes()
        self.settle()

    def settle(self) -> None:
        """What is alive now lives for the session: keep the garbage collector off it."""
        if self.freeze_gc:
            gc.collect()
            gc.freeze()

    @property
    def built(self) -> int:
        """How many worlds were generated (a test of the cache; a figure for ``bench``)."""
        return len(self._built)

    def app(self, settings: Settings) -> web.Application:
        """A fresh app for ``settings``: its seeds copied from the session's world, its scenarios loaded.

        Raises ``SeedError`` or ``ScenarioError`` as ``create_app`` would.
        """
        from mockcasa.app import create_app

        if not settings.seeds:
            return create_app(settings, routes=self.routes)
        world = self.world(settings)
        app = create_app(settings.model_copy(update={"seeds": []}), routes=self.routes)
        world.install(app)
        return app

    def world(self, settings: Settings) -> World:
        key = (tuple((str(p), _mtime(p)) for p in settings.seeds),
               settings.model_dump_json(exclude=SERVING_ONLY | {"seeds"}))
        if key not in self._built:
            self._built[key] = build_world(settings)
            self.settle()
        return self._built[key]


def build_world(settings: Settings) -> World:
    from mockcasa.resources import all_resources, all_scopes
    from mockcasa.seeding import load_seed_files
    from mockcasa.snapshot import export_state
    from mockcasa.state import Sandbox

    resources = all_resources()
    sandbox = Sandbox(resources, all_scopes(resources), settings)
    load_seed_files(sandbox, settings.seeds)
    startup = export_state(sandbox)
    startup.pop("faultRules", None)
    oauth = OAuthData.model_validate({**startup["oauth"], "signingKey": None}) if sandbox.oauth.apps else None
    return World(sandbox, startup, oauth)


def _mtime(path: Path) -> int | None:
    try:
        return Path(path).stat().st_mtime_ns
    except OSError:
        return None  # the loader reports the missing file
