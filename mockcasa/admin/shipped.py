"""The shipped seeds and scenarios over the admin API, by name: list them, load one.

So a running server (a Docker container, a ``pip install``ed mockcasa) can be given the demo
world or the flaky scenario without a file at hand: ``POST /_mockcasa/seeds/demo``,
``POST /_mockcasa/scenarios/flaky``. Loading works exactly as posting the file's text would.
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from mockcasa.admin.common import AdminRoute, describe_organization, invalid, reply
from mockcasa.admin.faults import add_scenario
from mockcasa.config import shipped_scenarios, shipped_seeds, summary
from mockcasa.errors import NotFound
from mockcasa.keys import SANDBOX
from mockcasa.scenarios import ScenarioError, read_scenario
from mockcasa.seeding import SeedError, load_seed_files


def _named(found: dict[str, Path], kind: str, name: str) -> Path:
    if name not in found:
        raise NotFound(f"No shipped {kind} named {name!r}; shipped: {', '.join(found) or 'none'}.",
                       {"available": list(found)})
    return found[name]


def _listing(found: dict[str, Path]) -> list[dict[str, str]]:
    return [{"name": name, "summary": summary(path)} for name, path in found.items()]


async def list_seeds(request: web.Request) -> web.Response:
    return reply({"seeds": _listing(shipped_seeds())})


async def list_scenarios(request: web.Request) -> web.Response:
    return reply({"scenarios": _listing(shipped_scenarios())})


async def load_shipped_seed(request: web.Request) -> web.Response:
    """Create the shipped seed's organizations (a 400 if they are loaded already: ids and keys are fixed)."""
    path = _named(shipped_seeds(), "seed", request.match_info["name"])
    sandbox = request.config_dict[SANDBOX]
    try:
        ids = load_seed_files(sandbox, [path])
    except SeedError as exc:
        raise invalid(exc) from None
    return reply({"organizations": [describe_organization(request, sandbox.organizations[i]) for i in ids]}, 201)


async def load_shipped_scenario(request: web.Request) -> web.Response:
    """Add the shipped scenario's rules after the existing ones (``?replace=true``: instead of them)."""
    path = _named(shipped_scenarios(), "scenario", request.match_info["name"])
    try:
        scenario = read_scenario(path)
    except ScenarioError as exc:
        raise invalid(exc) from None
    return add_scenario(request, scenario, path.stem)


ROUTES = [
    AdminRoute("GET", "/seeds", list_seeds, "The shipped seeds, by name", tag="Shipped"),
    AdminRoute("POST", "/seeds/{name}", load_shipped_seed, "Load a shipped seed by name (demo)", 201,
               tag="Shipped"),
    AdminRoute("GET", "/scenarios", list_scenarios, "The shipped scenarios, by name", tag="Shipped"),
    AdminRoute("POST", "/scenarios/{name}", load_shipped_scenario,
               "Load a shipped scenario by name (flaky): adds its rules", 201, query=("replace",), tag="Shipped"),
]
