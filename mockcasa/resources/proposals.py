"""Proposals: metadata through the API; content, line items and the client's answer are not.

Create makes a draft with the next ``PROP-`` number and zero totals. PATCH may set status to
draft, sent or void; accepted/rejected/expired come from the client or the system (the
``send``/``accept``/``reject``/``expire`` actions). Sending, either way, dates a proposal without
an issueDate today. A sent proposal whose expirationDate has passed reads as expired. Only drafts
can be deleted.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from mockcasa.compact import updated
from mockcasa.engine.resource import Ctx, Filter, Ref, Resource
from mockcasa.errors import Conflict
from mockcasa.models.documents import Proposal, ProposalCreate, ProposalStatus, ProposalUpdate
from mockcasa.resources._dates import crossed
from mockcasa.resources._system import system_update
from mockcasa.resources._util import claim_number, delete_drafts_only, money

# The client answered, or the proposal was withdrawn: its status no longer moves through the API.
SETTLED = ("accepted", "rejected", "void")
TOTALS = ("subtotal", "discount_amount", "tax_amount", "total")


def derive(ctx: Ctx, proposal: Proposal) -> Proposal:
    """A sent proposal past its expiration date reads as expired."""
    if proposal.status == "sent" and proposal.expiration_date is not None \
            and proposal.expiration_date < ctx.today():
        return updated(proposal, {"status": "expired"})  # the stored one keeps no __dict__
    return proposal


def on_create(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    values = {**values, "status": "draft", "currency": ctx.org.currency, "archived": False,
              "linked_contract_id": None, **dict.fromkeys(TOTALS, 0)}
    values["proposal_number"] = ctx.org.next_number("PROP")
    return values


def on_update(ctx: Ctx, proposal: Proposal, changes: dict[str, Any]) -> dict[str, Any]:
    status = changes.get("status")
    if status is None:
        return changes
    if proposal.status in SETTLED:
        raise Conflict(f"Proposal {proposal.proposal_number} is {proposal.status}; its status can no longer "
                       f"change.")
    stored = ctx.org["proposals"].get(proposal.id).status
    if status == "sent" and stored == "sent":
        # Sent but read as expired: sending again changes nothing (move its expirationDate instead).
        return {k: v for k, v in changes.items() if k != "status"}
    if status == "sent":
        return {**changes, "issue_date": issue_date_when_sent(ctx, proposal, changes.get("issue_date"))}
    return changes


def issue_date_when_sent(ctx: Ctx, proposal: Proposal, given: date | None = None) -> date:
    """Sending dates a proposal: the issueDate given (or already set), else today.

    One rule for both ways a proposal is sent: a PATCH to ``sent`` and the dashboard's ``send``.
    """
    return given or proposal.issue_date or ctx.today()


def after_update(ctx: Ctx, proposal: Proposal, before: Proposal) -> None:
    """Events follow the status as the API shows it (``before`` is as it read before the PATCH).

    ``proposal_sent``: a draft is sent, or an expired proposal reads sent again (expirationDate moved
    on). ``proposal_expired``: it now reads expired (sent with, or moved to, a past expirationDate).
    """
    shown = derive(ctx, proposal)
    sending = proposal.status == "sent" and before.status == "draft"
    if (shown.status == "sent" or sending) and before.status != "sent":
        ctx.emit("proposal_sent", "proposals", shown)
    _expired_event(ctx, before.status, shown)


def _expired_event(ctx: Ctx, before_status: str, shown: Proposal) -> None:
    if shown.status == "expired" and before_status != "expired":
        ctx.emit("proposal_expired", "proposals", shown)


def on_clock_change(ctx: Ctx, before: datetime, after: datetime) -> None:
    """``proposal_expired`` for each sent proposal the clock carried past its expirationDate."""
    for proposal in crossed(ctx.org["proposals"], "expiration_date", before, after):
        shown = derive(ctx, proposal)
        if shown.status == "expired" and proposal.status == "sent":
            ctx.emit("proposal_expired", "proposals", shown)


def on_delete(ctx: Ctx, proposal: Proposal) -> None:
    delete_drafts_only("proposal", proposal.proposal_number, proposal.status, "Void or archive it instead.")


def on_seed(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    values["currency"] = values.get("currency") or ctx.org.currency
    for field in TOTALS:
        values[field] = money(values.get(field) or 0)
    values["proposal_number"] = claim_number(ctx.org, "PROP", values.get("proposal_number"))
    return values


def _transition(ctx: Ctx, proposal: Proposal, allowed: tuple[str, ...], to: str, event: str,
                **changes: Any) -> Proposal:
    if proposal.status not in allowed:
        raise Conflict(f"Proposal {proposal.proposal_number} is {proposal.status}; it can become {to} only "
                       f"when {' or '.join(allowed)}.")
    moved = system_update(ctx, "proposals", proposal, status=to, **changes)
    ctx.emit(event, "proposals", moved)
    return moved


def send(ctx: Ctx, proposal: Proposal, params: dict[str, Any]) -> Proposal:
    """Send to the client (issueDate defaults to today). Emits ``proposal_sent`` (and ``proposal_expired``
    when its expirationDate is already past)."""
    sent = _transition(ctx, proposal, ("draft",), "sent", "proposal_sent",
                       issue_date=issue_date_when_sent(ctx, proposal))
    _expired_event(ctx, "sent", sent)
    return sent


def accept(ctx: Ctx, proposal: Proposal, params: dict[str, Any]) -> Proposal:
    """The client accepts. Emits ``proposal_accepted``."""
    return _transition(ctx, proposal, ("sent",), "accepted", "proposal_accepted")


def reject(ctx: Ctx, proposal: Proposal, params: dict[str, Any]) -> Proposal:
    """The client declines. Emits ``proposal_rejected``."""
    return _transition(ctx, proposal, ("sent",), "rejected", "proposal_rejected")


def expire(ctx: Ctx, proposal: Proposal, params: dict[str, Any]) -> Proposal:
    """The expiry job runs (also for a proposal that already reads as expired). Emits ``proposal_expired``."""
    stored = ctx.org["proposals"].get(proposal.id)
    return _transition(ctx, stored, ("sent",), "expired", "proposal_expired")


RESOURCE = Resource(
    name="proposals", singular="proposal",
    model=Proposal, create_model=ProposalCreate, update_model=ProposalUpdate,
    filters=[Filter.uuid("clientId"),
             replace(Filter.enum("status", ProposalStatus), derived=True),
             Filter.boolean("archived")],
    refs=[Ref("client_id", "clients"), Ref("billing_contact_id", "contacts"), Ref("project_id", "projects"),
          Ref("linked_contract_id", "contracts")],
    descriptions={"create": "Creates a draft proposal. The narrative content and line items are not editable "
                            "via the v1 API; use the dashboard.",
                  "update": "Status transitions to `accepted`/`rejected`/`expired` are system-driven; do not "
                            "set them directly."},
    on_create=on_create, on_update=on_update, after_update=after_update, on_delete=on_delete,
    derive=derive, on_seed=on_seed, on_clock_change=on_clock_change,
    extra_indexes=("expiration_date",),  # the clock finds the proposals it expires without a scan
    derived_dates=("expiration_date",),  # status (indexed) reads expired once today is past it
    actions={"send": send, "accept": accept, "reject": reject, "expire": expire},
)
