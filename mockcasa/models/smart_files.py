"""Client documents (smart files: proposals, questionnaires and agreements in one) and the versions
issued of them, of invoices and of standalone contracts; read-only (API revision 2026-06-30)."""

from typing import Literal

from mockcasa.models.common import Internal, Part, Record, Timestamp, Uuid, internal, part

DocumentStatus = Literal["draft", "sent", "viewed", "in_progress", "accepted", "completed", "expired", "void"]
DocumentType = Literal["smart-file", "invoice", "standalone-contract"]
VersionStatus = Literal["issued", "superseded", "voided"]
AcceptedBy = Literal["client", "operator", "signing", "backfill"]


class ClientDocument(Record):
    kind: Literal["smart-file"] = "smart-file"
    title: str | None = None
    status: DocumentStatus = "draft"
    contact_id: Uuid | None = None
    client_id: Uuid | None = None
    project_id: Uuid | None = None
    engagement_project_id: Uuid | None = None
    is_template: bool = False
    client_url: str | None = None
    quote_converted_at: Timestamp | None = None
    expires_at: Timestamp | None = None


@part
class DocumentRef(Part):
    relation_to: str
    value: str


class DocumentVersion(Record):
    document_type: DocumentType
    document_id: Uuid | None = None
    document_ref: DocumentRef | None = None
    version_number: int = 1
    sub_version_number: int = 0
    version_status: VersionStatus = "issued"
    content_hash: str
    currency: str
    issued_at: Timestamp | None = None
    viewed_at: Timestamp | None = None
    accepted_at: Timestamp | None = None
    accepted_by: AcceptedBy | None = None
    superseded_at: Timestamp | None = None
    superseded_by_version_id: Uuid | None = None
    voided_at: Timestamp | None = None
    quote_converted_at: Timestamp | None = None
    expires_at: Timestamp | None = None
    engagement_project_id: Uuid | None = None
    parent_version_id: Uuid | None = None
    # The invoice or standalone contract a version is of (from documentRef), for the
    # invoiceId/contractId filters and so a versioned record cannot be deleted.
    invoice_id: Internal[str | None] = internal()
    contract_id: Internal[str | None] = internal()
