"""Client documents: smart files (a proposal, contract and invoice in one, sent as a link), read-only (2026-06-30).

They replace 1.0.0's proposals; milestones may hang under them. They are composed and sent in the
dashboard: seeds write them, and admin actions move them as the dashboard and the client would:
``publish_version`` issues a new version (a draft becomes ``sent``, with ``smart_file_sent``; see
document versions), then ``view``, ``start``, ``accept``, ``complete``, ``expire`` and ``void``,
each recorded on the version the client holds.
"""

from __future__ import annotations

from typing import Any

from mockcasa.engine.resource import Ctx, Filter, Ref, Resource
from mockcasa.errors import Conflict, Invalid
from mockcasa.models.smart_files import ClientDocument, DocumentStatus
from mockcasa.resources import document_versions
from mockcasa.resources._system import system_update

CLOSED = ("completed", "expired", "void")
OPEN = ("sent", "viewed", "in_progress")  # with the client, not yet answered
ACCEPTED_BY = ("client", "operator")


def _not_a_template(document: ClientDocument) -> None:
    if document.is_template:
        raise Conflict("A template is not sent to clients; it has no versions.")


def publish_version(ctx: Ctx, document: ClientDocument, params: dict[str, Any]) -> ClientDocument:
    """Admin action: issue the document's next version (a template or a closed document cannot be)."""
    _not_a_template(document)
    if document.status in CLOSED:
        raise Conflict(f"This document is {document.status}; no new version can be published.",
                       {"status": document.status})
    document_versions.issue(ctx, "smart-file", document.id, engagement_project_id=document.engagement_project_id,
                            expires_at=document.expires_at, content_hash=document_versions.content_hash(document))
    if document.status == "draft":
        document = system_update(ctx, RESOURCE.name, document, status="sent",
                                 client_url=document.client_url or f"https://clientcasa.com/f/{document.id}")
        ctx.emit("smart_file_sent", RESOURCE.name, document)
    return document


def _move(ctx: Ctx, document: ClientDocument, allowed: tuple[str, ...], to: str, event: str | None,
          changes: dict[str, Any] | None = None, **version: Any) -> ClientDocument:
    """``document`` becomes ``to`` (409 unless it is one of ``allowed``); ``version``: what the issued
    version records of it. Emits ``event``."""
    _not_a_template(document)
    if document.status not in allowed:
        raise Conflict(f"This document is {document.status}; it can become {to} only when "
                       f"{' or '.join(allowed)}.", {"status": document.status})
    moved = system_update(ctx, RESOURCE.name, document, status=to, **(changes or {}))
    if version:
        document_versions.mark(ctx, "smart-file", document.id, **version)
    if event is not None:
        ctx.emit(event, RESOURCE.name, moved)
    return moved


def view(ctx: Ctx, document: ClientDocument, params: dict[str, Any]) -> ClientDocument:
    """The client opens it: sent → viewed (its version's ``viewedAt``). Emits ``smart_file_viewed``."""
    return _move(ctx, document, ("sent",), "viewed", "smart_file_viewed", viewed_at=ctx.now())


def start(ctx: Ctx, document: ClientDocument, params: dict[str, Any]) -> ClientDocument:
    """The client starts filling it in: sent/viewed → in_progress (no event in the contract)."""
    return _move(ctx, document, ("sent", "viewed"), "in_progress", None)


def accept(ctx: Ctx, document: ClientDocument, params: dict[str, Any]) -> ClientDocument:
    """Accepted (param ``by``: ``client``, the default, or ``operator`` on the client's behalf): an open
    document → accepted (its version's ``acceptedAt``, ``acceptedBy``). Emits ``smart_file_accepted``."""
    by = params.get("by", "client")
    if by not in ACCEPTED_BY:
        raise Invalid(field="by", reason=f"must be one of: {', '.join(ACCEPTED_BY)}")
    return _move(ctx, document, OPEN, "accepted", "smart_file_accepted", accepted_at=ctx.now(), accepted_by=by)


def complete(ctx: Ctx, document: ClientDocument, params: dict[str, Any]) -> ClientDocument:
    """Everything in it done (signed, paid): accepted → completed. Emits ``smart_file_completed``."""
    return _move(ctx, document, ("accepted",), "completed", "smart_file_completed")


def expire(ctx: Ctx, document: ClientDocument, params: dict[str, Any]) -> ClientDocument:
    """Its deadline passed unanswered: an open document → expired (``expiresAt`` now, unless it had one).
    Emits ``smart_file_expired``."""
    return _move(ctx, document, OPEN, "expired", "smart_file_expired",
                 {"expires_at": document.expires_at or ctx.now()})


def void(ctx: Ctx, document: ClientDocument, params: dict[str, Any]) -> ClientDocument:
    """Withdrawn: any document not closed → void, and so is the version issued (no event in the contract)."""
    return _move(ctx, document, ("draft", *OPEN, "accepted"), "void", None, version_status="voided",
                 voided_at=ctx.now())


RESOURCE = Resource(
    name="client-documents", singular="client document", model=ClientDocument, operations=("list", "get"),
    operation_names={"list": "listClientDocuments", "get": "getClientDocument"},
    filters=[Filter.enum("status", DocumentStatus), Filter.uuid("clientId"), Filter.uuid("contactId")],
    refs=[Ref("client_id", "clients"), Ref("contact_id", "contacts"), Ref("project_id", "projects"),
          Ref("engagement_project_id", "projects")],
    actions={"publish_version": publish_version, "view": view, "start": start, "accept": accept,
             "complete": complete, "expire": expire, "void": void},
)
