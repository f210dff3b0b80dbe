"""The five generic operations as HTTP routes, shared by every resource.

Each handler authorises the scope, parses and validates the request, then changes records
through the records library (``engine/records.py``) inside the organization's transaction: the
response is rendered before the change is committed, so any failure leaves no trace. Events are
published only after the commit. Resources never see HTTP.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web
from multidict import MultiMapping

from mockcasa.engine.body import parse_body, parse_int
from mockcasa.engine.records import (
    create_record,
    delete_record,
    dump,
    publish,
    render,
    rendered,
    update_record,
)
from mockcasa.engine.resource import Ctx, Filter, Resource
from mockcasa.errors import ApiError, Gone, Invalid, MethodNotAllowed, NotFound
from mockcasa.http.auth import principal_of
from mockcasa.keys import SANDBOX
from mockcasa.revisions import older

if TYPE_CHECKING:
    from mockcasa.state import Organization

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
JSON = "application/json"
API_PREFIX = "/api/v1"
# Records whose computed fields a list checks between two yields to the event loop (~5-10 ms of work).
SCAN_SLICE = 200
# operation -> (method, path suffix after the collection)
ROUTES = {"list": ("GET", ""), "create": ("POST", ""), "get": ("GET", "/{id}"),
          "update": ("PATCH", "/{id}"), "delete": ("DELETE", "/{id}")}


def json_response(body: bytes, status: int = 200) -> web.Response:
    return web.Response(body=body, status=status, content_type=JSON)


def context(request: web.Request, scope: str) -> Ctx:
    """The caller's organization as a hook sees it, once its credential holds ``scope`` (else 403)."""
    return Ctx.of(request.app[SANDBOX], caller(request, scope))


def caller(request: web.Request, scope: str) -> Organization:
    """The caller's organization, once its credential is known to hold ``scope`` (else 403)."""
    principal = principal_of(request)  # known since the layers authenticated
    principal.require(scope)
    return principal.org


@dataclass
class ListQuery:
    """A list request's page and filters, sorted by how the store can serve each."""

    page: int
    page_size: int
    equals: dict[str, Any] = field(default_factory=dict)  # indexed fields
    ranges: dict[str, list[Any]] = field(default_factory=dict)  # field -> [low, high], inclusive
    checks: list[tuple[Filter, Any]] = field(default_factory=list)  # matched on each (derived) record

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def parse_query(resource: Resource, query: MultiMapping[str]) -> ListQuery:
    """Page, pageSize and the resource's filters; one 400 naming every bad parameter."""
    parsed = ListQuery(parse_int(query, "page", 1, 1, None), parse_int(query, "pageSize", 25, 1, 100))
    indexed_derived = resource.derivation.fields if resource.derivation is not None else ()
    details: dict[str, str] = {}
    for f in resource.filters:
        raw = query.get(f.param)
        if raw is None:
            continue
        try:
            value = f.parse(raw)
        except ValueError as exc:
            details[f.param] = str(exc)
            continue
        if f.match == "eq" and (not f.derived or f.field in indexed_derived):
            parsed.equals[f.field] = value
        elif f.bound and not f.derived:
            parsed.ranges.setdefault(f.field, [None, None])[0 if f.bound == ">=" else 1] = value
        else:
            parsed.checks.append((f, value))
    if details:
        raise Invalid("Invalid query parameter " + ", ".join(f"'{k}' ({v})" for k, v in details.items())
                      + ".", details)
    return parsed


def _predicate(resource: Resource, ctx: Ctx, checks: list[tuple[Filter, Any]]) -> Callable[[Any], bool] | None:
    """Filters the store cannot index (computed fields) are checked on the rendered record."""
    if not checks:
        return None

    def matches(record: Any) -> bool:
        shown = render(resource, ctx, record)
        for f, value in checks:
            current = getattr(shown, f.field)
            if f.match == "eq":
                if value not in (current if isinstance(current, list) else (current,)):
                    return False
            elif not f.match(current, value):
                return False
        return True
    return matches


def _synced(resource: Resource, org: Organization) -> Any:
    """The resource's collection in ``org``, its derived values brought up to the organization's day."""
    collection = org[resource.name]
    if collection.derivation is not None:  # nothing to bring up to date: skip building today's date
        collection.sync(org.clock.today())
    return collection


def render_page(resource: Resource, ctx: Ctx, query: ListQuery) -> bytes:
    """The list body: ``{"data": [...], "pagination": {...}}``, serialised straight to bytes."""
    records, total = _synced(resource, ctx.org).page(query.equals, _predicate(resource, ctx, query.checks),
                                                 query.offset, query.page_size, query.ranges)
    return _page_body(resource, ctx, query, records, total)


async def render_scanned_page(resource: Resource, ctx: Ctx, query: ListQuery) -> bytes:
    """``render_page`` for filters on computed fields, which no index can serve: a bounded scan.

    The records the indexed filters allow are taken at once; their computed fields are then checked
    ``SCAN_SLICE`` records at a time, yielding to the event loop between slices, so a list over a
    large organization (100,000 invoices: seconds) never stalls other organizations' requests.
    """
    candidates, _ = _synced(resource, ctx.org).page(query.equals, None, 0, len(ctx.org[resource.name]),
                                                query.ranges)
    matches = _predicate(resource, ctx, query.checks)
    records: list[Any] = []
    total, first, last = 0, query.offset, query.offset + query.page_size
    for start in range(0, len(candidates), SCAN_SLICE):
        for record in candidates[start:start + SCAN_SLICE]:
            if matches(record):
                if first <= total < last:
                    records.append(record)
                total += 1
        if start + SCAN_SLICE < len(candidates):
            await asyncio.sleep(0)
    return _page_body(resource, ctx, query, records, total)


def _page_body(resource: Resource, ctx: Ctx, query: ListQuery, records: list[Any], total: int) -> bytes:
    total_pages = -(-total // query.page_size)
    pagination = (b'{"page":%d,"pageSize":%d,"total":%d,"totalPages":%d,"hasMore":%s}'
                  % (query.page, query.page_size, total, total_pages,
                     b"true" if query.page < total_pages else b"false"))
    if resource.summarize is not None:
        shown = (resource.summarize(ctx, render(resource, ctx, r)) for r in records)
        items = b",".join(dump(r) for r in shown)
    else:
        items = b",".join(_rendered_all(resource, ctx, records))
    return b'{"data":[' + items + b'],"pagination":' + pagination + b"}"


def _rendered_all(resource: Resource, ctx: Ctx, records: list[Any]) -> list[bytes]:
    """``rendered`` of each record; the JSON the collection keeps is read without a call per record."""
    kept = ctx.org[resource.name].rendered
    out = []
    for record in records:
        body = kept(record)
        out.append(rendered(resource, ctx, record) if body is None else body)
    return out


def _field_names(model: type | None) -> frozenset[str]:
    if model is None:
        return frozenset()
    return frozenset(f.alias or n for n, f in model.model_fields.items())


def make_handlers(resource: Resource) -> dict[str, Handler]:
    """The handlers of the operations ``resource`` declares."""
    read_only = _field_names(resource.model)
    not_patchable = read_only - _field_names(resource.update_model)
    # Read once, not per request (properties that format the scope; attributes of the resource).
    read_scope, write_scope = resource.read_scope, resource.write_scope
    create_model, as_is = resource.create_model, resource.as_is

    async def list_(request: web.Request) -> web.Response:
        ctx = context(request, read_scope)
        query = parse_query(resource, request.query)
        if query.checks:
            return json_response(await render_scanned_page(resource, ctx, query))
        return json_response(render_page(resource, ctx, query))

    async def get(request: web.Request) -> web.Response:
        # The busiest operation, and its common case (a record whose JSON is rendered already) needs
        # no ``Ctx``: made only to say not found or to render (~0.4 µs of a ~15 µs GET, in-process).
        org = caller(request, read_scope)
        collection = _synced(resource, org)
        record_id = request.match_info["id"]
        record = collection.get(record_id)
        body = None if record is None else collection.rendered(record)  # ``rendered``'s common case, at once
        if body is None:
            ctx = Ctx.of(request.app[SANDBOX], org)
            if record is None:
                raise ctx.not_found(resource.name, record_id)
            body = rendered(resource, ctx, record)
        return json_response(body)

    async def create(request: web.Request) -> web.Response:
        ctx = context(request, write_scope)
        body = await parse_body(request, create_model, read_only)
        values = body.model_dump(by_alias=False) if as_is is None else as_is.values(body)
        with ctx.org.transaction():
            record = create_record(resource, ctx, values, validated=True)
            rendered = dump(render(resource, ctx, record))
        publish(request.app[SANDBOX], ctx)
        return json_response(rendered, 201)

    async def update(request: web.Request) -> web.Response:
        ctx = context(request, write_scope)
        record = ctx.find(resource.name, request.match_info["id"])
        body = await parse_body(request, resource.update_model, not_patchable)
        changes = body.model_dump(include=body.model_fields_set, by_alias=False)
        with ctx.org.transaction():
            record = update_record(resource, ctx, render(resource, ctx, record), changes)
            rendered = dump(render(resource, ctx, record))
        publish(request.app[SANDBOX], ctx)
        return json_response(rendered)

    async def delete(request: web.Request) -> web.Response:
        ctx = context(request, write_scope)
        record = ctx.find(resource.name, request.match_info["id"])
        with ctx.org.transaction():
            delete_record(resource, ctx, render(resource, ctx, record))
        publish(request.app[SANDBOX], ctx)
        return web.Response(status=204)

    handlers = {"list": list_, "get": get, "create": create, "update": update, "delete": delete}
    return {op: handlers[op] for op in resource.operations}


class RevisionRoute:
    """One operation's route (method and path) with each revision's handler for it.

    An organization is served its own revision: a route its revision lacks answers as the
    production API would, 410 ``gone`` when an older revision served it (removed since, and
    2026-06-30 added ``gone`` to ``ApiError.code`` for exactly that), else 404 ``not_found`` as
    for any unknown route (the operation does not exist yet in that revision, whose contract
    has no ``gone``).
    """

    def __init__(self, method: str, path: str) -> None:
        self.method, self.path = method, path
        self.handlers: dict[str, Handler] = {}

    def refusal(self, revision: str) -> ApiError | None:
        """The error for an organization of ``revision``, or None when it is served."""
        if revision in self.handlers:
            return None
        if any(older(served, revision) for served in self.handlers):
            return Gone(f"{self.method} {self.path} was removed in API revision {revision}, the revision "
                        f"this organization is served.", {"apiRevision": revision})
        return NotFound(f"No route matches {self.method} {self.path} in API revision {revision}, the "
                        f"revision this organization is served; see /api/v1/openapi.json.")

    def handler(self) -> Handler:
        """The aiohttp handler of the route (a coroutine function, as aiohttp wants)."""
        async def handle(request: web.Request) -> web.StreamResponse:
            revision = principal_of(request).org.api_revision
            handler = self.handlers.get(revision)
            if handler is None:
                raise self.refusal(revision)  # type: ignore[misc] - not None for a revision it lacks
            return await handler(request)
        handle.revision_route = self  # type: ignore[attr-defined]
        return handle


async def check_revision(request: web.Request, error: web.HTTPException | None) -> None:
    """Refuse, before anything else runs, a route the caller's revision does not serve (404/405/410).

    ``error``: aiohttp's own 404/405 for the request, which knows every revision's methods; a 405
    is narrowed to the methods the caller's revision serves on that path.
    """
    handler = getattr(request.match_info.handler, "revision_route", None)
    if handler is not None:
        refusal = handler.refusal(principal_of(request).org.api_revision)
        if refusal is not None:
            raise refusal
        return
    if not isinstance(error, web.HTTPMethodNotAllowed) or not request.path.startswith(API_PREFIX + "/"):
        return
    revision = principal_of(request).org.api_revision
    routes = []  # every operation on this path (aiohttp keeps one resource per route name)
    for resource in request.app.router.resources():
        match, allowed = await resource.resolve(request)
        if match is None and allowed:
            routes += [r.handler.revision_route for r in resource if hasattr(r.handler, "revision_route")]
    served = sorted(r.method for r in routes if r.refusal(revision) is None)
    if served:
        raise MethodNotAllowed(request.method, served)
    refusals = [r.refusal(revision) for r in routes]
    raise next((e for e in refusals if isinstance(e, Gone)), refusals[0] if refusals else error)


def add_routes(app: web.Application, revisions: Mapping[str, Mapping[str, Resource]],
               outline: Mapping[str, Mapping[str, Mapping[str, str]]], prefix: str = API_PREFIX) -> None:
    """Every revision's operations, one route each; the caller's revision picks the handler.

    ``outline``: what each revision serves (``mockcasa.resources.outline``), so that routing builds
    no revision; each handler is made from ``revisions`` on its first request (``_deferred``).
    """
    routes: dict[tuple[str, str], RevisionRoute] = {}
    names: dict[tuple[str, str], str] = {}
    for revision, resources in outline.items():
        for name, operations in resources.items():
            for op, operation_id in operations.items():
                method, suffix = ROUTES[op]
                key = (method, f"{prefix}/{name}{suffix}")
                route = routes.setdefault(key, RevisionRoute(*key))
                route.handlers[revision] = _deferred(route, revisions, revision, name, op)
                names.setdefault(key, operation_id)
    # One aiohttp resource per path, its methods as routes: a request's path is matched once, not
    # once per operation on it (a GET of one record tried the list's and the create's path first).
    resources: dict[str, web.Resource] = {}
    for (method, path), route in routes.items():
        if path not in resources:
            resources[path] = app.router.add_resource(path)
        handler = route.handler()
        handler.operation_id = names[(method, path)]  # type: ignore[attr-defined]
        resources[path].add_route(method, handler)


def _deferred(route: RevisionRoute, revisions: Mapping[str, Mapping[str, Resource]], revision: str,
              name: str, op: str) -> Handler:
    """``op`` on resource ``name`` of ``revision``: on its first request, the handler is made from the
    revision's declarations (built then if no organization of it exists yet) and takes this one's place."""
    async def first(request: web.Request) -> web.StreamResponse:
        handler = route.handlers[revision] = make_handlers(revisions[revision][name])[op]
        return await handler(request)
    return first
