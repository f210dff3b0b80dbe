"""An app's routes, built apart from its state, so that many apps can share them.

A route is code, not state: every handler reads what it serves through the request
(``request.app``, ``request.config_dict``), never from the app it was first registered on. Yet
building the ~190 routes (aiohttp parses and compiles every path) was most of what ``create_app``
cost: ~2 ms, paid by every test of a suite using the pytest plugin, which makes an app per test.
So ``Routes`` holds them built once: the root app's route objects, and the admin API and the
console as frozen sub-applications with their prefix already applied. ``create_app(routes=...)``
registers those same objects (an index entry each); an app made without a ``Routes`` builds its
own, and nothing is shared unless a caller hands the same one to several apps (the plugin's
session does, through ``testing.worlds.Worlds``).

The admin API and the console are built on their first request (``SubApp``): their handlers'
modules are imported then, not by every ``mockcasa serve`` before its first API answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from aiohttp import web


class SubApp:
    """A ``seal``ed sub-application, built by ``build`` when first asked for, then the same one for
    every app it is mounted in.

    The admin API's and the console's handlers live in modules (snapshots, faults, actions, pages,
    ...) that a server answering only the public API never needs: importing them and adding their
    routes was ~7 % of a ``mockcasa serve``'s own start (~38 M instructions). Mounted through
    ``SharedSubApp``, the sub-application is built on the first request under its prefix.
    """

    __slots__ = ("_app", "_build")

    def __init__(self, build: Callable[[], web.Application]) -> None:
        self._build = build
        self._app: web.Application | None = None

    def __call__(self) -> web.Application:
        if self._app is None:
            self._app = self._build()
        return self._app


@dataclass(frozen=True)
class Routes:
    """Every route of a mockcasa app (see the module docstring); ``app.build_routes()`` makes one."""

    root: tuple[web.AbstractResource, ...]  # the public API, its OpenAPI document, OAuth
    admin: SubApp  # the admin API, mounted at its prefix
    console: SubApp  # the console, mounted at its prefix when the settings want it
    console_root: tuple[web.AbstractResource, ...]  # the console's pages on the root: landing page, docs


class SharedSubApp(web.PrefixedSubAppResource):
    """A sub-application mounted in many apps: its routes carry its prefix since ``seal`` (aiohttp's
    own resource would add it again for every app), and each request resolves through it as usual.
    The sub-application is built when aiohttp first reads it (``_app``): on the first request under
    its prefix."""

    def __init__(self, prefix: str, subapp: SubApp) -> None:
        # The prefix resource's own __init__, skipping PrefixedSubAppResource's (which adds the prefix).
        super(web.PrefixedSubAppResource, self).__init__(prefix)
        self._subapp = subapp

    @property
    def _app(self) -> web.Application:  # where aiohttp's resource reads its sub-application
        return self._subapp()


def seal(prefix: str, subapp: web.Application) -> web.Application:
    """Freeze ``subapp``, whose routes were added with their whole path (``prefix`` included), ready
    to ``mount`` at ``prefix`` in any number of apps.

    Whole paths rather than aiohttp's ``add_prefix`` afterwards: that compiles every path's pattern
    a second time (~1.3 ms of a start for the admin API and the console). Its state must be none of
    its own (what it serves it reads through ``request.config_dict``) and it must have no startup
    or cleanup signals: a mount does not run them.
    """
    signals = [*subapp.on_startup, *subapp.on_shutdown, *subapp.on_cleanup, *subapp.cleanup_ctx]
    if any(getattr(signal, "__self__", None) is not subapp.cleanup_ctx for signal in signals):
        raise ValueError(f"the sub-application at {prefix} has startup or cleanup signals; a mount skips them")
    outside = [r.canonical for r in subapp.router.resources() if not r.canonical.startswith(prefix + "/")]
    if outside:
        raise ValueError(f"routes of the sub-application at {prefix} lie outside it: {', '.join(outside)}")
    subapp.freeze()
    return subapp


def mount(app: web.Application, prefix: str, subapp: SubApp) -> None:
    """``app.add_subapp(prefix, subapp)`` for a sub-application ``seal``ed at ``prefix``, built on first use."""
    app.router.register_resource(SharedSubApp(prefix, subapp))


def register(app: web.Application, resources: Iterable[web.AbstractResource]) -> None:
    """Register route objects built on another (scratch) app's router; they are never changed."""
    for resource in resources:
        app.router.register_resource(resource)


def resources_of(build: web.Application) -> tuple[web.AbstractResource, ...]:
    """The route objects a scratch app's router holds, to ``register`` in other apps."""
    return tuple(build.router.resources())


def operation_id(route: Any) -> str | None:
    """The operation id of a matched aiohttp route (``getClient``): its handler's (the public API's
    operations share one resource per path), else the route's name."""
    return getattr(route.handler, "operation_id", None) or getattr(route, "name", None)
