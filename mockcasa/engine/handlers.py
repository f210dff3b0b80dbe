"""The five generic operations, shared by every resource.

Each handler: authorise the scope, parse and validate, check references, run the
resource's hook, store, publish events, render. Resources never see HTTP.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from mockcasa.engine.body import parse_body, parse_int
from mockcasa.engine.spec import Ctx, Resource
from mockcasa.errors import Conflict, Invalid
from mockcasa.http.auth import principal_of
from mockcasa.keys import SANDBOX

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
JSON = "application/json"


def json_response(body: bytes, status: int = 200) -> web.Response:
    return web.Response(body=body, status=status, content_type=JSON)


def context(request: web.Request, scope: str) -> Ctx:
    principal = principal_of(request)
    principal.require(scope)
    return Ctx(org=principal.org, sandbox=request.app[SANDBOX])


def render(spec: Resource, ctx: Ctx, record: Any) -> Any:
    return spec.derive(ctx, record) if spec.derive else record


def dump(record: Any) -> bytes:
    return record.__pydantic_serializer__.to_json(record, by_alias=True)


def publish(request: web.Request, ctx: Ctx) -> None:
    if ctx.events:
        request.app[SANDBOX].publish(ctx.org, ctx.events)


def build_record(spec: Resource, ctx: Ctx, values: dict[str, Any]) -> Any:
    """Validate a full record (python mode) from a resource's values plus id and timestamps."""
    from mockcasa.models.common import new_id

    now = ctx.now()
    values.setdefault("id", new_id())
    values.setdefault("created_at", now)
    values.setdefault("updated_at", now)
    return spec.model.model_validate(values)


def check_refs(spec: Resource, ctx: Ctx, values: dict[str, Any]) -> None:
    for ref in spec.refs:
        if ref.field not in values or values[ref.field] is None:
            continue
        wanted = values[ref.field] if ref.many else [values[ref.field]]
        alias = spec.model.model_fields[ref.field].alias or ref.field
        for i, record_id in enumerate(wanted):
            ctx.lookup(ref.target, record_id, f"{alias}[{i}]" if ref.many else alias)


def referrers(ctx: Ctx, target: str, record_id: str) -> dict[str, int]:
    """How many records of each resource still point at ``record_id``."""
    counts: dict[str, int] = {}
    for name, other in ctx.sandbox.resources.items():
        for ref in other.refs:
            if ref.target == target:
                n = ctx.org[name].count(ref.field, record_id)
                if n:
                    counts[name] = counts.get(name, 0) + n
    return counts


def create_record(spec: Resource, ctx: Ctx, values: dict[str, Any]) -> Any:
    """The create path without HTTP: also used by seeds and the admin API."""
    check_refs(spec, ctx, values)
    if spec.on_create:
        values = spec.on_create(ctx, values)
    record = build_record(spec, ctx, values)
    ctx.org[spec.name].add(record)
    if spec.after_create:
        spec.after_create(ctx, record)
    if spec.created_event:
        ctx.emit(spec.created_event, spec.name, record)
    return record


def update_record(spec: Resource, ctx: Ctx, record: Any, changes: dict[str, Any]) -> Any:
    """Apply a partial update; values equal to the stored ones are no-ops (the SDK resends defaults)."""
    changes = {k: v for k, v in changes.items() if _comparable(getattr(record, k, None)) != v}
    check_refs(spec, ctx, changes)
    if spec.on_update:
        changes = spec.on_update(ctx, record, changes)
    if not changes:
        return record
    # Changes apply to the stored record: derived fields (an invoice's overdue, a proposal's expired)
    # are computed on read and never written back by an update.
    stored = ctx.org[spec.name].get(record.id) or record
    updated = spec.model.model_validate({**dict(stored), **changes, "updated_at": ctx.now()})
    ctx.org[spec.name].replace(updated)
    if spec.after_update:
        spec.after_update(ctx, updated, record)
    return updated


def delete_record(spec: Resource, ctx: Ctx, record: Any) -> None:
    if spec.on_delete:
        spec.on_delete(ctx, record)
    counts = referrers(ctx, spec.name, record.id)
    if counts:
        listed = ", ".join(f"{n} {ctx.sandbox.resources[r].name}" for r, n in counts.items())
        raise Conflict(f"This {spec.singular} is still referenced by {listed}; delete or reassign "
                       f"those first.", {"referencedBy": counts})
    ctx.org[spec.name].remove(record)
    if spec.after_delete:
        spec.after_delete(ctx, record)


def _comparable(value: Any) -> Any:
    if isinstance(value, list):
        return [v.model_dump(by_alias=False) if hasattr(v, "model_dump") else v for v in value]
    if hasattr(value, "model_dump"):
        return value.model_dump(by_alias=False)
    return value


def _read_only(spec: Resource) -> frozenset[str]:
    return frozenset(f.alias or n for n, f in spec.model.model_fields.items())


def make_handlers(spec: Resource) -> dict[str, Handler]:
    read_only = _read_only(spec)
    filters = spec.filters

    async def list_(request: web.Request) -> web.Response:
        ctx = context(request, spec.read_scope)
        query = request.query
        page = parse_int(query, "page", 1, 1, None)
        page_size = parse_int(query, "pageSize", 25, 1, 100)
        equals: dict[str, Any] = {}
        ranges: dict[str, list[Any]] = {}
        checks: list[tuple[Any, Any]] = []
        details: dict[str, str] = {}
        for f in filters:
            raw = query.get(f.param)
            if raw is None:
                continue
            try:
                value = f.parse(raw)
            except ValueError as exc:
                details[f.param] = str(exc)
                continue
            if f.match == "eq" and not f.derived:
                equals[f.field] = value
            elif f.bound and not f.derived:
                ranges.setdefault(f.field, [None, None])[0 if f.bound == ">=" else 1] = value
            else:
                checks.append((f, value))
        if details:
            raise Invalid("Invalid query parameter " + ", ".join(f"'{k}' ({v})" for k, v in details.items())
                          + ".", details)
        predicate = None
        if checks:
            def predicate(record: Any) -> bool:
                shown = render(spec, ctx, record)
                for f, value in checks:
                    current = getattr(shown, f.field)
                    if f.match == "eq":
                        if value not in (current if isinstance(current, list) else (current,)):
                            return False
                    elif not f.match(current, value):
                        return False
                return True
        offset = (page - 1) * page_size
        records, total = ctx.org[spec.name].page(equals, predicate, offset, page_size, ranges)
        total_pages = -(-total // page_size)
        pagination = (b'{"page":%d,"pageSize":%d,"total":%d,"totalPages":%d,"hasMore":%s}'
                      % (page, page_size, total, total_pages, b"true" if page < total_pages else b"false"))
        body = b'{"data":[' + b",".join(dump(render(spec, ctx, r)) for r in records) + b'],"pagination":' \
            + pagination + b"}"
        return json_response(body)

    async def get(request: web.Request) -> web.Response:
        ctx = context(request, spec.read_scope)
        record = ctx.find(spec.name, request.match_info["id"])
        return json_response(dump(render(spec, ctx, record)))

    async def create(request: web.Request) -> web.Response:
        ctx = context(request, spec.write_scope)
        body = await parse_body(request, spec.create_model, read_only)
        record = create_record(spec, ctx, body.model_dump(by_alias=False))
        publish(request, ctx)
        return json_response(dump(render(spec, ctx, record)), 201)

    async def update(request: web.Request) -> web.Response:
        ctx = context(request, spec.write_scope)
        record = ctx.find(spec.name, request.match_info["id"])
        body = await parse_body(request, spec.update_model, read_only - _writable(spec.update_model))
        changes = body.model_dump(include=body.model_fields_set, by_alias=False)
        record = update_record(spec, ctx, render(spec, ctx, record), changes)
        publish(request, ctx)
        return json_response(dump(render(spec, ctx, record)))

    async def delete(request: web.Request) -> web.Response:
        ctx = context(request, spec.write_scope)
        record = ctx.find(spec.name, request.match_info["id"])
        delete_record(spec, ctx, render(spec, ctx, record))
        publish(request, ctx)
        return web.Response(status=204)

    handlers = {"list": list_, "get": get, "create": create, "update": update, "delete": delete}
    return {op: handlers[op] for op in spec.operations}


def _writable(model: type | None) -> frozenset[str]:
    if model is None:
        return frozenset()
    return frozenset(f.alias or n for n, f in model.model_fields.items())


ROUTES = {"list": ("GET", ""), "create": ("POST", ""), "get": ("GET", "/{id}"),
          "update": ("PATCH", "/{id}"), "delete": ("DELETE", "/{id}")}


def add_routes(app: web.Application, resources: dict[str, Resource], prefix: str = "/api/v1") -> None:
    for spec in resources.values():
        for op, handler in make_handlers(spec).items():
            method, suffix = ROUTES[op]
            app.router.add_route(method, f"{prefix}/{spec.name}{suffix}", handler, name=spec.operation_id(op))
