"""Document versions: the read-only audit trail of what was issued to clients (2026-06-30).

A version is of a smart file (``documentType: smart-file``, ``documentId`` the client document),
an invoice or a standalone contract; ``documentRef`` always names the record (``{relationTo:
client-documents|invoices|contracts, value: id}``; filter with ``documentId``/``invoiceId``/
``contractId``). Issuing a new version supersedes the one that was current (``supersededAt``,
``supersededByVersionId``). Versions are issued when a document reaches
its client: an invoice sent (or edited once sent), a standalone contract sent for signature, a smart
file published (the client-documents admin action ``publish_version``); what happens next to the
document (viewed, signed, voided) is marked on the version issued. Seeds write versions as given;
checkpoints, frozen content and client access tokens are never served.
"""

from __future__ import annotations

import hashlib
from typing import Any

from mockcasa.engine.records import dump
from mockcasa.engine.resource import Ctx, Filter, Ref, Resource
from mockcasa.errors import Invalid
from mockcasa.models.smart_files import DocumentType, DocumentVersion
from mockcasa.resources._system import system_create

# documentType -> (the internal field naming the record, documentRef.relationTo)
# A smart file's version names it in documentRef too: the contract's allOf admits no null documentRef.
TARGETS = {"smart-file": ("document_id", "client-documents"), "invoice": ("invoice_id", "invoices"),
           "standalone-contract": ("contract_id", "contracts")}


def versions_of(ctx: Ctx, field: str, record_id: str) -> list[DocumentVersion]:
    return sorted(ctx.org["document-versions"].where(field, record_id),
                  key=lambda v: (v.version_number, v.sub_version_number))


def on_seed(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    """The record a version is of comes from ``documentId``, ``invoiceId``/``contractId`` or ``documentRef``."""
    kind = values.get("document_type")
    if kind not in TARGETS:
        raise Invalid(field="documentType", reason="must be one of: " + ", ".join(TARGETS))
    field, relation = TARGETS[kind]
    ref = values.get("document_ref")
    if values.get(field) is None and isinstance(ref, dict):
        values[field] = ref.get("value")
    if values.get(field) is None:
        raise Invalid(field={"document_id": "documentId", "invoice_id": "invoiceId",
                             "contract_id": "contractId"}[field], reason=f"is required for a {kind} version")
    values["document_ref"] = {"relation_to": relation, "value": values[field]}
    values.setdefault("content_hash", hashlib.sha256(f"{values['id']}".encode()).hexdigest())
    values.setdefault("currency", ctx.org.currency)
    if values.get("version_status", "issued") != "voided":
        values.setdefault("issued_at", ctx.now())
    return values


def issue(ctx: Ctx, kind: str, record_id: str, **extra: Any) -> DocumentVersion:
    """Issue the next version of a document (a system write); the current one becomes superseded."""
    field, _ = TARGETS[kind]
    earlier = versions_of(ctx, field, record_id)
    version = system_create(ctx, "document-versions", {
        "document_type": kind, field: record_id, "version_number": (earlier[-1].version_number + 1) if earlier else 1,
        "sub_version_number": 0, "version_status": "issued", "issued_at": ctx.now(),
        "parent_version_id": earlier[-1].id if earlier else None, **extra})
    for old in earlier:
        if old.version_status == "issued":
            ctx.org["document-versions"].replace(old.model_copy(update={
                "version_status": "superseded", "superseded_at": ctx.now(), "superseded_by_version_id": version.id,
                "updated_at": ctx.now()}))
    return version


def content_hash(record: Any) -> str:
    """What the client was shown, as a hash: the record's JSON when the version is issued."""
    return hashlib.sha256(dump(record)).hexdigest()


def current(ctx: Ctx, kind: str, record_id: str) -> DocumentVersion | None:
    """The version of the record its client holds now (the issued one), if any was issued."""
    field, _ = TARGETS[kind]
    return next((v for v in reversed(versions_of(ctx, field, record_id)) if v.version_status == "issued"), None)


def mark(ctx: Ctx, kind: str, record_id: str, **changes: Any) -> None:
    """Record on the issued version what became of it (``viewed_at``, ``accepted_at``, voided); none: nothing."""
    version = current(ctx, kind, record_id)
    if version is not None:
        ctx.org["document-versions"].replace(version.model_copy(update={**changes, "updated_at": ctx.now()}))


def void(ctx: Ctx, kind: str, record_id: str) -> None:
    """The record was voided: so is the version its client holds."""
    mark(ctx, kind, record_id, version_status="voided", voided_at=ctx.now())


RESOURCE = Resource(
    name="document-versions", singular="document version", model=DocumentVersion, operations=("list", "get"),
    filters=[Filter.enum("documentType", DocumentType), Filter.uuid("documentId"), Filter.uuid("invoiceId"),
             Filter.uuid("contractId")],
    refs=[Ref("document_id", "client-documents"), Ref("invoice_id", "invoices"), Ref("contract_id", "contracts"),
          Ref("engagement_project_id", "projects")],
    on_seed=on_seed,
    descriptions={"list": "Read-only audit trail of issued document versions across smart-files, invoices, and "
                          "standalone contracts. Checkpoints (internal draft edit-history) are never returned. "
                          "Frozen content and client access tokens are not exposed."},
)
