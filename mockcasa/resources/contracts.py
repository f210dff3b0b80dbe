"""Contracts: drafts through the API; sending, signing and the rest are dashboard/system actions.

Create makes a draft (next ``CON-`` number, signingMode client_only, contentType tiptap, no
signers). PATCH accepts only title, effectiveDate and expirationDate (while draft; 409 after)
and archived (always). Only drafts can be deleted. A contract made from a proposal (``proposalId``)
is the proposal's ``linkedContractId`` (the first one, if several). The actions move a contract
through sent → viewed → signed (active) → completed, or to expired/voided, emitting ``contract_*``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from mockcasa.engine.resource import Ctx, Filter, Ref, Resource
from mockcasa.errors import Conflict, Invalid
from mockcasa.models.documents import Contract, ContractCreate, ContractStatus, ContractUpdate, SigningMode
from mockcasa.resources import document_versions
from mockcasa.resources._rules import find_optional
from mockcasa.resources._system import system_update
from mockcasa.resources._util import claim_number, delete_drafts_only, literal_values, money

DRAFT_ONLY = ("title", "effective_date", "expiration_date")
COUNTERSIGNER = "countersigner"
AWAITING_SIGNATURE = ("sent", "viewed")


def _new_contract(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    """What every new contract gets, made through the API or seeded: the organization's currency
    unless a seed names one, and contractValue in cents (half up)."""
    values = {**values, "currency": values.get("currency") or ctx.org.currency}
    if values.get("contract_value") is not None:
        values["contract_value"] = money(values["contract_value"])
    return values


def on_create(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    values = _new_contract(ctx, {**values, "status": "draft", "signing_mode": "client_only", "signers": [],
                                 "content_type": "tiptap", "signed_date": None, "archived": False})
    values["contract_number"] = ctx.org.next_number("CON")
    return values


def on_update(ctx: Ctx, contract: Contract, changes: dict[str, Any]) -> dict[str, Any]:
    frozen = [f for f in DRAFT_ONLY if f in changes]
    if frozen and contract.status != "draft":
        names = ", ".join(ContractUpdate.model_fields[f].alias for f in frozen)
        raise Conflict(f"Contract {contract.contract_number} is {contract.status}; {names} can only change "
                       f"while it is a draft (archived can always change).", {"fields": names.split(", ")})
    return changes


def link_proposal(ctx: Ctx, proposal_id: str | None, contract_id: str, at: datetime | None) -> None:
    """The proposal a contract is made from links to it (``linkedContractId``), unless it links one already.

    One rule for both paths that make a contract from a proposal: the API's create and seeds (as the
    dashboard's conversion does). ``at``: the proposal's new ``updatedAt``; None keeps it (a seed
    states its records' timestamps itself).
    """
    proposal = find_optional(ctx, "proposals", proposal_id)
    if proposal is not None and proposal.linked_contract_id is None:
        stamp = {"updated_at": at} if at is not None else {}
        ctx.org["proposals"].replace(proposal.model_copy(update={"linked_contract_id": contract_id, **stamp}))


def after_create(ctx: Ctx, contract: Contract) -> None:
    link_proposal(ctx, getattr(contract, "proposal_id", None), contract.id, ctx.now())  # none from 2026-06-30


def on_delete(ctx: Ctx, contract: Contract) -> None:
    """Drafts only; a proposal linking this contract links the next one made from it, else none."""
    delete_drafts_only("contract", contract.contract_number, contract.status, "Void or archive it instead.")
    proposal = find_optional(ctx, "proposals", getattr(contract, "proposal_id", None))
    if proposal is not None and proposal.linked_contract_id == contract.id:
        others = [c.id for c in ctx.org["contracts"].where("proposal_id", proposal.id) if c.id != contract.id]
        successor = others[-1] if others else None  # where() is newest first
        ctx.org["proposals"].replace(proposal.model_copy(update={"linked_contract_id": successor,
                                                                 "updated_at": ctx.now()}))


def on_seed(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    """Any status and signers as written; a proposal it names that links no contract yet links to it."""
    values = _new_contract(ctx, values)
    values["signers"] = _signers(values.get("signers") or [])
    values["contract_number"] = claim_number(ctx.org, "CON", values.get("contract_number"))
    if values.get("id"):
        link_proposal(ctx, values.get("proposal_id"), values["id"], None)
    return values


def _signers(raw: list[Any]) -> list[dict[str, Any]]:
    """Signers in signing order (``order`` defaults to the position), as plain dicts."""
    signers = []
    for i, signer in enumerate(raw):
        signer = signer.model_dump(by_alias=False) if hasattr(signer, "model_dump") else dict(signer)
        signers.append({**signer, "role": signer.get("role") or "client",
                        "order": signer.get("order") or i + 1})
    return signers


def _default_signer(ctx: Ctx, contract: Contract) -> dict[str, Any]:
    """Who signs when the dashboard user names nobody: the billing contact, else the client."""
    contact = ctx.org["contacts"].get(contract.billing_contact_id or "")
    if contact is not None:
        return {"contact_id": contact.id, "name": contact.name, "email": contact.email or ""}
    return {"name": ctx.org["clients"].get(contract.client_id).name, "email": ""}


def _move(ctx: Ctx, contract: Contract, allowed: tuple[str, ...], to: str, event: str,
          **changes: Any) -> Contract:
    _require(contract, allowed, to)
    moved = system_update(ctx, "contracts", contract, status=to, **changes)
    ctx.emit(event, "contracts", moved)
    return moved


def _require(contract: Contract, allowed: tuple[str, ...], to: str) -> None:
    if contract.status not in allowed:
        raise Conflict(f"Contract {contract.contract_number} is {contract.status}; it can become {to} only "
                       f"when {' or '.join(allowed)}.")


def send(ctx: Ctx, contract: Contract, params: dict[str, Any]) -> Contract:
    """Send for signature. Params: ``signers`` [{name, email, contactId?, role?}], ``signingMode``.

    Without signers, the billing contact (else the client) signs; a countersigning mode adds the
    organization's first member as ``countersigner``. Emits ``contract_sent``.
    """
    _require(contract, ("draft",), "sent")
    raw = params.get("signers")
    if raw is not None and (not isinstance(raw, list) or not all(isinstance(s, dict) for s in raw)):
        raise Invalid(field="signers", reason="must be a list of signer objects")
    mode = params.get("signingMode", contract.signing_mode)
    if mode not in literal_values(SigningMode):
        raise Invalid(field="signingMode", reason=f"must be one of: {', '.join(literal_values(SigningMode))}")
    signers = [{"contact_id": s.get("contactId"), "name": s.get("name"), "email": s.get("email", ""),
                "role": s.get("role", "client"), "order": s.get("order")} for s in raw or []]
    for i, signer in enumerate(signers):
        if signer["contact_id"] is not None:
            ctx.lookup("contacts", signer["contact_id"], f"signers[{i}].contactId")
    signers = _signers(signers or [dict(s) for s in contract.signers] or [_default_signer(ctx, contract)])
    member = next(iter(ctx.org.members.values()), None)
    if mode != "client_only" and member and not any(s["role"] == COUNTERSIGNER for s in signers):
        signers.append({"name": member.name, "email": member.email or "", "role": COUNTERSIGNER,
                        "order": len(signers) + 1})
    return _move(ctx, contract, ("draft",), "sent", "contract_sent", signers=signers,
                 signing_mode=mode, issue_date=contract.issue_date or ctx.today())


def view(ctx: Ctx, contract: Contract, params: dict[str, Any]) -> Contract:
    """The client opens it. Emits ``contract_viewed``."""
    return _move(ctx, contract, ("sent",), "viewed", "contract_viewed")


def sign(ctx: Ctx, contract: Contract, params: dict[str, Any]) -> Contract:
    """Client signers sign (param ``order``: just that signer; default every one still pending).

    Each emits ``contract_recipient_signed``; when all have signed, ``contract_signed``, and the
    contract becomes active (signedDate set) unless it waits for a countersignature
    (counter_sign); auto_counter_sign countersigns at once (``contract_countersigned``).
    """
    if contract.status not in AWAITING_SIGNATURE:
        raise Conflict(f"Contract {contract.contract_number} is {contract.status}; only a sent or viewed "
                       f"contract can be signed.")
    order = params.get("order")
    if order is not None and (isinstance(order, bool) or not isinstance(order, int)):
        raise Invalid(field="order", reason="must be a signer's order (an integer)")
    signers = [s.model_dump(by_alias=False) for s in contract.signers]
    pending = [s for s in signers if s["role"] != COUNTERSIGNER and s["status"] != "signed"
               and (order is None or s["order"] == order)]
    if not pending:
        raise Conflict(f"Contract {contract.contract_number} has no pending signer"
                       + (f" with order {order}." if order is not None else "."))
    now = ctx.now()
    for signer in pending:
        signer.update(status="signed", signed_at=now)
    contract = system_update(ctx, "contracts", contract, signers=signers)
    for _ in pending:
        ctx.emit("contract_recipient_signed", "contracts", contract)
    if any(s["role"] != COUNTERSIGNER and s["status"] != "signed" for s in signers):
        return contract
    if contract.signing_mode == "client_only":
        return _move(ctx, contract, AWAITING_SIGNATURE, "active", "contract_signed", signed_date=now)
    ctx.emit("contract_signed", "contracts", contract)
    return countersign(ctx, contract, {}) if contract.signing_mode == "auto_counter_sign" else contract


def countersign(ctx: Ctx, contract: Contract, params: dict[str, Any]) -> Contract:
    """The business signs after the client. Emits ``contract_countersigned``; the contract becomes active."""
    if contract.status not in AWAITING_SIGNATURE or contract.signing_mode == "client_only" \
            or any(s.role != COUNTERSIGNER and s.status != "signed" for s in contract.signers):
        raise Conflict(f"Contract {contract.contract_number} is not waiting for a countersignature.")
    now = ctx.now()
    signers = [s.model_dump(by_alias=False) for s in contract.signers]
    for signer in signers:
        if signer["role"] == COUNTERSIGNER:
            signer.update(status="signed", signed_at=now)
    return _move(ctx, contract, AWAITING_SIGNATURE, "active", "contract_countersigned", signers=signers,
                 signed_date=now)


def complete(ctx: Ctx, contract: Contract, params: dict[str, Any]) -> Contract:
    """Emits ``contract_completed``."""
    return _move(ctx, contract, ("active",), "completed", "contract_completed")


def expire(ctx: Ctx, contract: Contract, params: dict[str, Any]) -> Contract:
    """Emits ``contract_expired``."""
    return _move(ctx, contract, ("sent", "viewed", "active"), "expired", "contract_expired")


def void(ctx: Ctx, contract: Contract, params: dict[str, Any]) -> Contract:
    """Emits ``contract_voided``."""
    return _move(ctx, contract, ("draft", "sent", "viewed", "active"), "voided", "contract_voided")


# --- API revision 2026-06-30: a standalone contract's versions ----------------------------------

def follow_versions(ctx: Ctx, before: Contract, contract: Contract) -> None:
    """The versions record what an action did: sent for signature issues one (the version the client
    signs); the client viewing it, every client signer having signed (accepted by signing) and
    voiding it are marked on that version."""
    if contract.status == "sent" and before.status == "draft":
        document_versions.issue(ctx, "standalone-contract", contract.id, currency=contract.currency,
                                content_hash=document_versions.content_hash(contract),
                                engagement_project_id=contract.project_id)
    elif contract.status == "viewed" and before.status != "viewed":
        document_versions.mark(ctx, "standalone-contract", contract.id, viewed_at=ctx.now())
    elif contract.status == "voided" and before.status != "voided":
        document_versions.void(ctx, "standalone-contract", contract.id)
    if _client_signed(contract) and not _client_signed(before):
        document_versions.mark(ctx, "standalone-contract", contract.id, accepted_at=ctx.now(),
                               accepted_by="signing")


def _client_signed(contract: Contract) -> bool:
    clients = [s for s in contract.signers if s.role != COUNTERSIGNER]
    return bool(clients) and all(s.status == "signed" for s in clients)


def versioned(action: Callable[[Ctx, Contract, dict[str, Any]], Contract]
              ) -> Callable[[Ctx, Contract, dict[str, Any]], Contract]:
    """``action`` (a dashboard move of 1.0.0's), followed by what it means for the contract's versions."""
    def run(ctx: Ctx, contract: Contract, params: dict[str, Any]) -> Contract:
        moved = action(ctx, contract, params)
        follow_versions(ctx, contract, moved)
        return moved
    run.__doc__ = action.__doc__
    return run


RESOURCE = Resource(
    name="contracts", singular="contract",
    model=Contract, create_model=ContractCreate, update_model=ContractUpdate,
    filters=[Filter.uuid("clientId"), Filter.enum("status", ContractStatus)],
    refs=[Ref("client_id", "clients"), Ref("billing_contact_id", "contacts"), Ref("proposal_id", "proposals"),
          Ref("project_id", "projects")],
    descriptions={
        "create": "Creates a draft contract. Signing flow, signer assignment, and Tiptap content are "
                  "dashboard-managed.",
        "update": "Only `title`, `effectiveDate`, `expirationDate`, and `archived` are editable via v1. "
                  "`title`/`effectiveDate`/`expirationDate` are draft-only; `archived` is always editable."},
    on_create=on_create, after_create=after_create, on_update=on_update, on_delete=on_delete,
    on_seed=on_seed,
    actions={"send": send, "view": view, "sign": sign, "countersign": countersign, "complete": complete,
             "expire": expire, "void": void},
)
