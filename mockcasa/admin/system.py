"""Health, version, whole-sandbox reset, seed loading and snapshots."""

from __future__ import annotations

from aiohttp import web

from mockcasa.admin.common import STARTUP, AdminRoute, describe_organization, document_body, invalid, reply
from mockcasa.admin.offloop import commit, stage_new
from mockcasa.admin.offloop import export_snapshot as snapshot_off_loop
from mockcasa.admin.offloop import import_snapshot as import_off_loop
from mockcasa.http.journal import JOURNAL
from mockcasa.keys import SANDBOX
from mockcasa.seeding import SeedError
from mockcasa.seeding.staging import Staging
from mockcasa.snapshot import SnapshotError
from mockcasa.source_files import Document
from mockcasa.state_file import STATE_FILE
from mockcasa.version import __version__

API_VERSION = "1.0.0"


async def health(request: web.Request) -> web.Response:
    return reply({"status": "ok"})


async def version(request: web.Request) -> web.Response:
    return reply({"version": __version__, "apiVersion": API_VERSION})


async def reset_everything(request: web.Request) -> web.Response:
    """Back to the startup world (seeds and scenarios given to ``serve``, every declared piece of
    state as it was then); ``?empty=true``: nothing at all. The journal is emptied too."""
    empty = request.query.get("empty", "false").lower() in ("1", "true", "yes")
    sandbox = request.config_dict[SANDBOX]
    if empty:
        sandbox.clear()
    else:
        await import_off_loop(sandbox, Document("startup", request.config_dict[STARTUP]))
    request.config_dict[JOURNAL].clear()
    return reply({"organizations": len(sandbox.organizations), "apiKeys": len(sandbox.api_keys),
                  "faultRules": len(sandbox.faults.rules)})


async def load_seed(request: web.Request) -> web.Response:
    staging, orgs = await stage_new(request.config_dict[SANDBOX], Staging.add_seed, await document_body(request))
    try:
        commit(staging)
    except SeedError as exc:
        raise invalid(exc) from None
    return reply({"organizations": [describe_organization(request, org) for org in orgs]}, 201)


async def export_snapshot(request: web.Request) -> web.Response:
    return web.Response(body=await snapshot_off_loop(request.config_dict[SANDBOX]), content_type="application/json")


async def import_snapshot(request: web.Request) -> web.Response:
    sandbox = request.config_dict[SANDBOX]
    try:
        await import_off_loop(sandbox, await document_body(request), discard=True)
    except SnapshotError as exc:
        raise invalid(exc) from None
    return reply({"organizations": len(sandbox.organizations), "apiKeys": len(sandbox.api_keys)})


async def state_file(request: web.Request) -> web.Response:
    """Where the state is saved (``--state-file``) and when it last was; ``{"path": null}`` without one."""
    saved = request.config_dict.get(STATE_FILE)
    return reply(saved.describe() if saved is not None else {"path": None})


ROUTES = [
    AdminRoute("GET", "/health", health, "Liveness (no token needed; for Docker HEALTHCHECK)", auth=False),
    AdminRoute("GET", "/version", version, "mockcasa and API versions"),
    AdminRoute("POST", "/reset", reset_everything,
               "Reset everything to the startup world (or to nothing with empty=true)", query=("empty",)),
    AdminRoute("POST", "/seeds", load_seed, "Load a seed (YAML or JSON): creates its organizations", 201,
               body="document"),
    AdminRoute("GET", "/snapshot", export_snapshot, "Export the whole state", tag="Snapshots"),
    AdminRoute("POST", "/snapshot", import_snapshot, "Replace the whole state with a snapshot", body="object",
               tag="Snapshots"),
    AdminRoute("GET", "/state-file", state_file, "Where the state is saved (--state-file) and when it last was",
               tag="Snapshots"),
]
