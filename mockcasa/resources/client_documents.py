"""Client documents: smart files (a proposal, contract and invoice in one, sent as a link), read-only (2026-06-30).

They replace 1.0.0's proposals; milestones may hang under them. They are composed and sent in the
dashboard: seeds write them, and the admin action ``publish_version`` issues a new version of one
(a draft becomes ``sent``, with ``smart_file_sent``; see document versions).
"""

from __future__ import annotations

from typing import Any

from mockcasa.engine.resource import Ctx, Filter, Ref, Resource
from mockcasa.errors import Conflict
from mockcasa.models.smart_files import ClientDocument, DocumentStatus
from mockcasa.resources import document_versions
from mockcasa.resources._system import system_update

CLOSED = ("completed", "expired", "void")


def publish_version(ctx: Ctx, document: ClientDocument, params: dict[str, Any]) -> ClientDocument:
    """Admin action: issue the document's next version (a template or a closed document cannot be)."""
    if document.is_template:
        raise Conflict("A template is not sent to clients; it has no versions.")
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


RESOURCE = Resource(
    name="client-documents", singular="client document", model=ClientDocument, operations=("list", "get"),
    operation_names={"list": "listClientDocuments", "get": "getClientDocument"},
    filters=[Filter.enum("status", DocumentStatus), Filter.uuid("clientId"), Filter.uuid("contactId")],
    refs=[Ref("client_id", "clients"), Ref("contact_id", "contacts"), Ref("project_id", "projects"),
          Ref("engagement_project_id", "projects")],
    actions={"publish_version": publish_version},
)
