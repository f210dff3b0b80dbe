"""Shared pieces of the admin API: the route declaration, bodies, replies and descriptions."""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ValidationError

from mockcasa.admin.offloop import on_thread
from mockcasa.errors import Invalid, Unauthorized
from mockcasa.keys import SANDBOX
from mockcasa.source_files import Document, DocumentError, parse_json, parse_yaml
from mockcasa.state import ApiKey, Organization

ADMIN_TOKEN: web.AppKey[str] = web.AppKey("admin_token", str)
STARTUP: web.AppKey[dict] = web.AppKey("startup_snapshot", dict)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# Admin bodies larger than this are parsed off the event loop (``document_body``); smaller ones parse
# in well under a millisecond, less than the hop to a thread costs.
PARSE_ON_THREAD_BYTES = 256 * 1024


@dataclass
class AdminRoute:
    """One admin endpoint; the router and the admin OpenAPI document are both built from these."""

    method: str
    path: str  # below /_mockcasa
    handler: Handler
    summary: str
    status: int = 200
    body: type[BaseModel] | str | None = None  # a model, "document" (YAML or JSON) or "object" (any JSON)
    query: tuple[str, ...] = ()
    auth: bool = True
    tag: str = "Sandbox"


def check_token(request: web.Request) -> None:
    expected = request.config_dict[ADMIN_TOKEN]
    token = request.headers.get("x-admin-token")
    if token is None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        token = token.strip() if scheme.lower() == "bearer" else None
    if not token:
        raise Unauthorized("The admin API needs the admin token: send 'Authorization: Bearer <token>' or "
                           "'x-admin-token: <token>' (printed at startup, or set with --admin-token).")
    if not secrets.compare_digest(token.encode(), expected.encode()):
        raise Unauthorized("Invalid admin token.")


def reply(data: Any, status: int = 200) -> web.Response:
    return web.Response(body=json.dumps(data, ensure_ascii=False).encode(), status=status,
                        content_type="application/json")


async def document_body(request: web.Request, *, required: bool = True) -> Document:
    """The body as a document: JSON when the Content-Type says so, otherwise YAML.

    A large one (a snapshot, a big seed) is parsed on a worker thread: about a second per 50 MB,
    which other organizations' requests would otherwise wait for.
    """
    raw = await request.read()
    if len(raw) > PARSE_ON_THREAD_BYTES:
        return await on_thread(parse_document, raw, request.content_type, required)
    return parse_document(raw, request.content_type, required)


def parse_document(raw: bytes, content_type: str, required: bool = True) -> Document:
    """``document_body``'s parse: ``Invalid`` (a 400 naming the problem) for an empty or unreadable body."""
    if not raw.strip():
        if required:
            raise Invalid("A YAML or JSON body is required.", {"body": "is required"})
        return Document("body", {})
    try:
        if content_type == "application/json":
            return parse_json(raw, "body")
        return parse_yaml(raw.decode("utf-8"), "body")
    except UnicodeDecodeError:
        raise Invalid("The body must be UTF-8 text.", {"body": "must be UTF-8"}) from None
    except DocumentError as exc:
        raise invalid(exc) from None


def invalid(exc: DocumentError) -> Invalid:
    """A document's problems as a 400, every problem in ``details`` with its line."""
    first = exc.problems[0]
    more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
    return Invalid(f"Nothing was loaded: {first.path}: {first.reason}{more}.", exc.details())


def parse_model(doc: Document, model: type[BaseModel]) -> Any:
    try:
        return model.model_validate(doc.data if doc.data is not None else {})
    except ValidationError as exc:
        raise invalid(DocumentError(doc.validation_problems(exc))) from None


async def model_body(request: web.Request, model: type[BaseModel]) -> Any:
    return parse_model(await document_body(request, required=False), model)


def organization(request: web.Request) -> Organization:
    """The ``{orgId}`` of the path: an organization's id, or its name (``mockcasa.admin.lookup``)."""
    from mockcasa.admin.lookup import find_organization

    return find_organization(request.config_dict[SANDBOX], request.match_info["orgId"])


def describe_key(key: ApiKey) -> dict[str, Any]:
    return {"id": key.id, "key": key.key, "name": key.name, "scopes": sorted(key.scopes), "rateLimit": key.rate_limit}


def describe_organization(request: web.Request, org: Organization) -> dict[str, Any]:
    sandbox = request.config_dict[SANDBOX]
    return {
        "id": org.id, "name": org.name, "currency": org.currency, "taxRate": org.tax_rate,
        "apiRevision": org.api_revision, "clock": org.clock.describe(),
        "members": [{"id": m.id, "name": m.name, "email": m.email, "role": m.role} for m in org.members.values()],
        "apiKeys": [describe_key(k) for k in sandbox.api_keys.of(org.id)],
        "counts": {name: len(collection) for name, collection in org.collections.items()},
    }
