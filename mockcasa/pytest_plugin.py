"""pytest fixtures for testing an integration against mockcasa (registered through ``pytest11``).

Every test gets its own in-process app (cheap: no seed unless asked, OpenAPI built lazily) and a
fresh organization with its own all-scope key::

    async def test_create_client(mockcasa_api):
        reply = await mockcasa_api.post("clients", {"name": "Acme"})
        assert reply.status == 201

Choose seeds, scenarios and other settings per test or module with the marker::

    @pytest.mark.mockcasa(seed="demo", org="Northwind Creative Studio", rate_limit=5)

Beside the client: ``mockcasa_clock``, ``mockcasa_events``, ``mockcasa_faults``,
``mockcasa_journal`` and ``mockcasa_deliveries``. Code that needs a URL outside the test's event
loop (sync clients, subprocesses) uses the session-wide ``mockcasa_server`` and a fresh
``mockcasa_live_org`` per test, which carries the same helpers over the admin API. See docs/pytest.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest
from pydantic import ValidationError

from mockcasa.config import Settings, is_name, shipped
from mockcasa.keys import SANDBOX
from mockcasa.testing import (
    Client,
    ClockControl,
    EventLog,
    InProcessDeliveries,
    InProcessFaults,
    InProcessJournal,
    InProcessReceiver,
    LiveOrg,
    LiveReceiver,
    LiveServer,
)
from mockcasa.testing.worlds import Worlds

try:
    from pytest_asyncio import fixture as async_fixture
except ImportError:  # sync and live-server fixtures still work; async ones need mockcasa[pytest]
    async_fixture = pytest.fixture

if TYPE_CHECKING:
    from aiohttp import web

    from mockcasa.state import Organization, Sandbox

MARKER = "mockcasa"
# Marker keys that are not Settings fields.
PATH_OPTIONS = {"seed": "seeds", "scenario": "scenarios"}
ORG_OPTION = "org"
FREEZE_GC_OPTION = "mockcasa_freeze_gc"
BLOCKED_LOOP_OPTION = "mockcasa_blocked_loop_timeout"
# The fixtures of one app per test; mixing them with mockcasa_live_org would give two worlds.
IN_PROCESS_FIXTURES = frozenset({
    "mockcasa_app", "mockcasa_api", "mockcasa_url", "mockcasa_org", "mockcasa_sandbox", "mockcasa_http",
    "mockcasa_faults", "mockcasa_journal", "mockcasa_deliveries", "mockcasa_receiver", "mockcasa_make_api",
    "mockcasa_events", "mockcasa_clock"})


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(FREEZE_GC_OPTION, type="bool", default=True,
                  help="mockcasa: gc.freeze() what lives for the session (imports, seeded worlds) so the "
                       "garbage collector stops walking it on every test (default true)")
    parser.addini(BLOCKED_LOOP_OPTION, default="1.0",
                  help="mockcasa: seconds a request to mockcasa_url may wait on a blocked event loop (a "
                       "synchronous client) before it is answered 500 and the test fails (default 1)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(seed=None, scenario=None, org=None, **settings): the mockcasa world of this test: seed "
        "and scenario files (a path or a list; relative to the rootdir or the test file; or a shipped "
        "one by name: seed='demo', scenario='flaky'), which seeded organization mockcasa_org is (id or name; default "
        "the first), and any other Settings field (rate_limit=5, ...).")


def fail(message: str) -> NoReturn:
    """A mistake in how a test asks for its world: reported as the test's error, without a traceback."""
    pytest.fail(message, pytrace=False)


def marker_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The ``mockcasa`` markers on the test, its class and module, merged (the closest wins)."""
    options: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers(MARKER))):
        if marker.args:
            fail(f"@pytest.mark.{MARKER} takes keyword arguments only, got {marker.args!r}")
        options.update(marker.kwargs)
    return options


def resolve_file(request: pytest.FixtureRequest, name: str | Path, option: str) -> Path:
    """An absolute path, or relative to the rootdir, or to the test file's folder; else a shipped
    seed or scenario named by its bare name (``seed="demo"``), which works from an installed wheel."""
    path = Path(name)
    candidates = [path] if path.is_absolute() else list(
        dict.fromkeys([request.config.rootpath / path, request.path.parent / path]))
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    found = shipped(option)
    if is_name(name) and str(name) in found:
        return found[str(name)]
    fail(f"@pytest.mark.{MARKER}({option}={str(name)!r}): no such file; looked at "
         + ", ".join(str(c) for c in candidates)
         + f". Shipped {option}s, by name: {', '.join(repr(n) for n in found) or 'none'}")


def settings_from_marker(request: pytest.FixtureRequest) -> Settings:
    options = marker_options(request)
    options.pop(ORG_OPTION, None)
    values: dict[str, Any] = {}
    for option, field in PATH_OPTIONS.items():
        given = options.pop(option, None)
        if given is not None:
            files = given if isinstance(given, (list, tuple)) else [given]
            values[field] = [resolve_file(request, f, option) for f in files]
    unknown = sorted(set(options) - set(Settings.model_fields) | set(options) & set(PATH_OPTIONS.values()))
    if unknown:
        settings_fields = [f for f in Settings.model_fields if f not in PATH_OPTIONS.values()]
        fail(f"@pytest.mark.{MARKER}: unknown option(s) {', '.join(unknown)}; use seed, "
             f"scenario, org or a Settings field ({', '.join(settings_fields)})")
    try:
        return Settings(**values, **options)
    except ValidationError as exc:
        fail(f"@pytest.mark.{MARKER}: " + "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors(include_url=False)))


# ---------------------------------------------------------------- in-process, one app per test

@pytest.fixture
def mockcasa_settings(request: pytest.FixtureRequest) -> Settings:
    """The settings of this test's app: defaults plus the ``mockcasa`` marker. Override to taste."""
    return settings_from_marker(request)


@pytest.fixture(scope="session")
def mockcasa_worlds(pytestconfig: pytest.Config) -> Worlds:
    """The session's seeded worlds: each distinct seed is generated once, and copied for every test."""
    return Worlds(freeze_gc=pytestconfig.getini(FREEZE_GC_OPTION))


@pytest.fixture
def mockcasa_app(mockcasa_settings: Settings, mockcasa_worlds: Worlds) -> web.Application:
    """A fresh in-process mockcasa app for this test: a private copy of the seeded world (built once
    per session), the scenarios loaded."""
    from mockcasa.scenarios import ScenarioError
    from mockcasa.seeding import SeedError

    try:
        return mockcasa_worlds.app(mockcasa_settings)
    except SeedError as exc:
        fail(f"mockcasa could not load this test's seed:\n{exc}")
    except ScenarioError as exc:
        fail(f"mockcasa could not load this test's scenario:\n{exc}")


@pytest.fixture
def mockcasa_sandbox(mockcasa_app: web.Application) -> Sandbox:
    """The app's world: organizations and keys (``mockcasa_sandbox.create_organization()``)."""
    return mockcasa_app[SANDBOX]


@async_fixture
async def mockcasa_http(aiohttp_client, mockcasa_app):
    """pytest-aiohttp's test client on the app: a real loopback server on this test's loop, no credentials."""
    return await aiohttp_client(mockcasa_app)


@async_fixture
async def mockcasa_url(request: pytest.FixtureRequest, mockcasa_http):
    """The in-process server's base URL (``http://127.0.0.1:PORT``) for async code that takes a URL.

    Synchronous code cannot use it (the server runs on the test's loop, which it would block): a
    guard answers such a request 500 after ``mockcasa_blocked_loop_timeout`` seconds (default 1)
    and fails the test, pointing at ``mockcasa_live_org``."""
    import asyncio

    from mockcasa.testing.misuse import BlockedLoopGuard

    sockets = [sock for site in mockcasa_http.server.runner.sites
               for sock in (getattr(getattr(site, "_server", None), "sockets", None) or ())]
    timeout = float(request.config.getini(BLOCKED_LOOP_OPTION))
    guard = BlockedLoopGuard(asyncio.get_running_loop(), sockets, timeout).start() if sockets else None
    yield str(mockcasa_http.make_url("")).rstrip("/")
    if guard is not None:
        guard.stop()
        if guard.misuses:
            fail(guard.misuses[0])


@pytest.fixture
def mockcasa_org(request: pytest.FixtureRequest, mockcasa_sandbox: Sandbox) -> Organization:
    """This test's organization: a fresh one, or the seeded one the marker's ``org`` names (default the first)."""
    wanted = marker_options(request).get(ORG_OPTION)
    if wanted is None and not mockcasa_sandbox.organizations:
        return mockcasa_sandbox.create_organization(name="Test Studio")
    for org in mockcasa_sandbox.organizations.values():
        if wanted is None or wanted in (org.id, org.name):
            return org
    fail(f"@pytest.mark.{MARKER}(org={wanted!r}): no seeded organization has that id or name")


@pytest.fixture
def mockcasa_key(mockcasa_sandbox: Sandbox, mockcasa_org: Organization) -> str:
    """A new all-scope API key of ``mockcasa_org``."""
    return mockcasa_sandbox.issue_key(mockcasa_org, name="pytest").key


@pytest.fixture
def mockcasa_clock(mockcasa_org: Organization) -> ClockControl:
    """The organization's mock clock: ``freeze(at)``, ``set(at)``, ``advance("24h")``, ``now()``, ``reset()``."""
    return ClockControl(mockcasa_org.clock)


@pytest.fixture
def mockcasa_api(mockcasa_http, mockcasa_key: str, mockcasa_org: Organization,
                 mockcasa_clock: ClockControl) -> Client:
    """A client authenticated as ``mockcasa_key``: ``get/post/patch/delete -> Reply``, ``list_all``, ``clock``."""
    return Client(mockcasa_http, mockcasa_key, mockcasa_org, mockcasa_clock)


@pytest.fixture
def mockcasa_make_api(mockcasa_http, mockcasa_sandbox: Sandbox, mockcasa_org: Organization):
    """``mockcasa_make_api(scopes=["clients:read"])``; ``new_org=True`` for another, isolated organization."""
    def make(scopes: list[str] | None = None, *, new_org: bool = False, name: str = "Other Studio") -> Client:
        org = mockcasa_sandbox.create_organization(name=name) if new_org else mockcasa_org
        key = mockcasa_sandbox.issue_key(org, scopes=None if scopes is None else frozenset(scopes), name="pytest")
        return Client(mockcasa_http, key.key, org, ClockControl(org.clock))
    return make


@pytest.fixture
def mockcasa_events(mockcasa_sandbox: Sandbox, mockcasa_org: Organization) -> EventLog:
    """Webhook events ``mockcasa_org`` published during the test: ``names()``, ``payloads(name)``."""
    log = EventLog(mockcasa_org.id)
    mockcasa_sandbox.listeners.append(log)
    return log


@pytest.fixture
def mockcasa_faults(mockcasa_app: web.Application) -> InProcessFaults:
    """The app's fault rules: ``add(rule)``, ``load(scenario)``, ``rules()``, ``rule(name)``, ``clear()``."""
    from mockcasa.scenarios import FAULTS

    return InProcessFaults(mockcasa_app[FAULTS])


@pytest.fixture
def mockcasa_journal(mockcasa_app: web.Application) -> InProcessJournal:
    """The requests the app answered, newest first: ``entries(method=, path=, status=)``, ``clear()``."""
    from mockcasa.http.journal import JOURNAL

    return InProcessJournal(mockcasa_app[JOURNAL])


@pytest.fixture
def mockcasa_not_awaited():
    """Coroutines the test was handed and must await; one left un-awaited fails the test."""
    from mockcasa.testing.misuse import NotAwaited

    tracker = NotAwaited()
    yield tracker
    problems = tracker.problems()
    if problems:
        fail("\n".join(problems))


@pytest.fixture
def mockcasa_deliveries(mockcasa_app: web.Application, mockcasa_org: Organization,
                        mockcasa_not_awaited) -> InProcessDeliveries:
    """``mockcasa_org``'s webhook deliveries: ``await drain()``, then ``list(event=)``, ``get``, ``redeliver``."""
    from mockcasa.webhooks.worker import DELIVERIES

    return InProcessDeliveries(mockcasa_app[DELIVERIES], mockcasa_org, mockcasa_not_awaited)


@pytest.fixture
def mockcasa_receiver(mockcasa_api: Client, mockcasa_app: web.Application, mockcasa_deliveries: InProcessDeliveries,
                      mockcasa_clock: ClockControl, mockcasa_not_awaited) -> InProcessReceiver:
    """A webhook receiver: ``await subscribe(events)``, then ``await events("client_created")``, each
    delivery's signature verified (on the built-in sink: no port, no ``allow_local_webhooks``)."""
    return InProcessReceiver(mockcasa_api, mockcasa_app, mockcasa_deliveries, mockcasa_clock,
                             not_awaited=mockcasa_not_awaited)


# ---------------------------------------------------------- live server, one per session

@pytest.fixture(scope="session")
def mockcasa_live_settings() -> Settings:
    """Settings of the session-wide live server (no seed, a free loopback port). Override to add seeds."""
    return Settings(host="127.0.0.1", port=0)


@pytest.fixture(scope="session")
def mockcasa_server(mockcasa_live_settings: Settings):
    """A real mockcasa on ``mockcasa_server.url``, shared by the session; isolate tests with ``mockcasa_live_org``."""
    with LiveServer(mockcasa_live_settings) as server:
        yield server


@pytest.fixture
def mockcasa_live_org(request: pytest.FixtureRequest, mockcasa_server: LiveServer):
    """A fresh organization on the live server: ``.url``, ``.api_url``, ``.key``, ``.headers``, ``.clock``,
    and ``.faults``, ``.journal``, ``.deliveries`` through the server's admin API."""
    mixed = sorted(set(request.fixturenames) & IN_PROCESS_FIXTURES)
    if mixed:
        fail(f"this test asks for mockcasa_live_org and for {', '.join(mixed)}: those are two separate "
             "servers with two separate worlds (what one does, the other never sees). Use the in-process "
             "fixtures (mockcasa_api, mockcasa_url, mockcasa_faults, ...) for async code, or the live ones "
             "(mockcasa_live_org, mockcasa_live_api, .faults, .journal, .deliveries, mockcasa_live_receiver) "
             "for sync code and subprocesses; see 'Which fixture do I need' in docs/pytest.md.")
    org = mockcasa_server.new_org()
    yield org
    org.faults.clear()
    mockcasa_server.remove_org(org.organization_id)


@pytest.fixture
def mockcasa_live_receiver(mockcasa_live_org: LiveOrg, mockcasa_server: LiveServer) -> LiveReceiver:
    """``mockcasa_receiver`` for the live server (synchronous): ``subscribe(events)``, ``events(name)``."""
    return LiveReceiver(mockcasa_live_org, mockcasa_server.admin)


@async_fixture
async def mockcasa_live_api(mockcasa_live_org: LiveOrg):
    """The same ``Client`` as ``mockcasa_api``, over real HTTP to the live server."""
    import aiohttp

    async with aiohttp.ClientSession(base_url=mockcasa_live_org.url) as session:
        yield Client(session, mockcasa_live_org.key, mockcasa_live_org, mockcasa_live_org.clock)
