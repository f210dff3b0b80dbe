"""Proposals and contracts: what was offered to clients, what they signed, and where each one stands."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from mockcasa.resources._util import money
from mockcasa.seeding.generators.context import Gen, GenerationError, Generator, by_client

PROPOSAL_NOTES = ("Includes two rounds of revisions.", "Valid for 30 days.", "Deposit of 50% on acceptance.",
                  "Travel billed at cost.", "Optional add-ons listed on the last page.")
DAY = timedelta(days=1)


def _totals(gen: Gen, subtotal: float) -> dict[str, float]:
    """subtotal - discount + tax on the rest, in cents."""
    discount = money(Decimal(str(subtotal)) * Decimal(gen.rng.choice((5, 10))) / 100) if gen.chance(0.25) else 0.0
    tax = money((Decimal(str(subtotal)) - Decimal(str(discount))) * Decimal(str(gen.org.tax_rate)))
    total = money(Decimal(str(subtotal)) - Decimal(str(discount)) + Decimal(str(tax)))
    return {"subtotal": subtotal, "discount_amount": discount, "tax_amount": tax, "total": total}


def _primary(contacts: list[Any]) -> Any | None:
    return next((c for c in contacts if c.is_primary), contacts[0] if contacts else None)


def proposals(gen: Gen, count: int) -> Iterator[dict[str, Any]]:
    """Numbered in the order they were written; the status fits the dates (sent ones have not expired)."""
    clients = gen.records("clients")
    if not clients:
        raise GenerationError("needs clients to send proposals to: add some under records or generate")
    pick_client = gen.picker("clients", weight=lambda c: {"prospect": 3, "active": 3}.get(c.status, 1))
    projects, contacts = by_client(gen.records("projects")), by_client(gen.records("contacts"))
    today = gen.today
    plans = []
    for status in gen.spread({"accepted": 34, "sent": 12, "draft": 10, "rejected": 12, "expired": 12, "void": 5},
                             count):
        client = pick_client()
        recent = status in ("draft", "sent")
        first = max(client.created_at, gen.now - timedelta(days=25 if recent else 365))
        last = gen.now - timedelta(days=0 if recent else 35 if status == "expired" else 3)
        plans.append((gen.between(first, max(first, last)), status, client))
    plans.sort(key=lambda plan: plan[0])
    for created, status, client in plans:
        # A proposal names the project's event (eventDate): one still to come when it was written.
        mine = [p for p in projects.get(client.id, []) if p.event_date is None or p.event_date >= created.date()]
        project = gen.rng.choice(mine) if mine and gen.chance(0.7) else None
        issue = None if status == "draft" else created.date() + timedelta(days=gen.rng.randint(0, 2))
        issue = min(issue, today) if issue else None
        term = gen.rng.choice((14, 30, 30, 45))
        expiration = issue + timedelta(days=term) if issue else None
        if status == "sent":
            expiration = max(expiration, today + timedelta(days=3))
        elif status == "expired":
            expiration = min(expiration, today - DAY)
        answered = created
        if status in ("accepted", "rejected", "void", "expired") and issue:
            answered = gen.at(min(issue + timedelta(days=gen.rng.randint(1, 12)), expiration, today),
                              not_before=created)
        value = project.contract_value if project and project.contract_value else gen.amount(800, 24000, 50)
        contact = _primary(contacts.get(client.id, []))
        yield {
            "title": f"{project.name} proposal" if project else f"Proposal for {client.name}"[:300],
            "client_id": client.id,
            "billing_contact_id": contact.id if contact else None,
            "project_id": project.id if project else None,
            "status": status,
            "send_mode": gen.weighted({"proposal": 7, "agreement": 3}),
            "issue_date": issue,
            "expiration_date": expiration,
            "event_date": project.event_date if project else None,
            **_totals(gen, value),
            "notes": gen.rng.choice(PROPOSAL_NOTES) if gen.chance(0.4) else None,
            "archived": status in ("rejected", "expired", "void") and gen.chance(0.3),
            "created_at": created,
            "updated_at": answered,
        }


def _signers(gen: Gen, contacts: list[Any], client: Any, mode: str, signed: bool,
             sent_at: Any) -> tuple[list[dict[str, Any]], Any]:
    """Client signers (the primary contact, sometimes also billing) and the countersigner; last signature."""
    people = [c for c in contacts if c.role in ("primary", "billing")][:2] or contacts[:1]
    signers = [{"contact_id": c.id, "name": c.name, "email": c.email or "", "role": "client"} for c in people]
    if not signers:
        signers = [{"contact_id": None, "name": client.name, "email": "", "role": "client"}]
    members = gen.members()
    if mode != "client_only" and members:
        signers.append({"name": members[0].name, "email": members[0].email or "", "role": "countersigner"})
    last = None
    for order, signer in enumerate(signers, start=1):
        signer["order"] = order
        signer["status"], signer["signed_at"] = "pending", None
        if signed:
            last = signer["signed_at"] = gen.later(last or sent_at, 0.05, 6)
            signer["status"] = "signed"
    return signers, last


def contracts(gen: Gen, count: int) -> Iterator[dict[str, Any]]:
    """Many from accepted proposals generated just before (which then link to them), the rest direct."""
    clients = gen.records("clients")
    if not clients:
        raise GenerationError("needs clients to sign contracts: add some under records or generate")
    accepted = [p for p in gen.made("proposals") if p.status == "accepted" and p.linked_contract_id is None]
    gen.rng.shuffle(accepted)
    projects, contacts = by_client(gen.records("projects")), by_client(gen.records("contacts"))
    pick_client = gen.picker("clients", weight=lambda c: {"active": 4, "inactive": 2}.get(c.status, 1))
    client_of = {c.id: c for c in clients}
    today = gen.today
    made = []
    for status in gen.spread({"active": 30, "completed": 22, "sent": 8, "viewed": 6, "draft": 8, "expired": 6,
                              "voided": 5}, count):
        recent = status in ("draft", "sent", "viewed")
        proposal = accepted.pop() if accepted and not recent and gen.chance(0.8) else None
        client = client_of[proposal.client_id] if proposal else pick_client()
        mine = projects.get(client.id, [])
        project = None
        if proposal and proposal.project_id:
            project = next((p for p in mine if p.id == proposal.project_id), None)
        elif mine and gen.chance(0.8):
            done = [p for p in mine if p.status == "completed"]
            project = gen.rng.choice(done if status == "completed" and done else mine)
        if proposal:
            created = gen.later(proposal.updated_at, 0, 3)
        else:
            floor = max(client.created_at, gen.now - timedelta(days=20 if recent else 330))
            created = gen.between(floor, max(floor, gen.now - timedelta(days=0 if recent else 25)))
        issue = None if status == "draft" else min(created.date() + timedelta(days=gen.rng.randint(0, 2)), today)
        mode = gen.weighted({"client_only": 6, "counter_sign": 3, "auto_counter_sign": 1})
        signers, signed_at = [], None
        if status != "draft":
            sent_at = gen.at(issue, not_before=created)
            signers, signed_at = _signers(gen, contacts.get(client.id, []), client, mode,
                                          status in ("active", "completed"), sent_at)
        effective = signed_at.date() if signed_at else issue
        expiration = _expiration(gen, status, effective, today)
        value = proposal.total if proposal else (project.contract_value if project else None)
        contact = _primary(contacts.get(client.id, []))
        changed = gen.later(signed_at or created, 0, 30) if status in ("completed", "expired", "voided") \
            else signed_at or created
        made.append({
            "title": f"{project.name} agreement" if project else f"Services agreement - {client.name}"[:300],
            "client_id": client.id,
            "billing_contact_id": contact.id if contact else None,
            "proposal_id": proposal.id if proposal else None,
            "project_id": project.id if project else None,
            "status": status,
            "signing_mode": mode,
            "content_type": gen.weighted({"tiptap": 6, "pdf": 1}),
            "issue_date": issue,
            "effective_date": effective,
            "expiration_date": expiration,
            "signed_date": signed_at,
            "contract_value": value if value is not None else gen.amount(1500, 30000, 100),
            "signers": signers,
            "archived": status in ("completed", "expired", "voided") and gen.chance(0.3),
            "created_at": created,
            "updated_at": max(changed, created),
        })
    made.sort(key=lambda contract: contract["created_at"])  # numbered in the order they were written
    yield from made


def _expiration(gen: Gen, status: str, effective: date | None, today: date) -> date | None:
    """Active contracts run past today; expired ones ended before it; others vary."""
    if status == "expired":
        return min((effective or today) + timedelta(days=30), today - DAY)
    if effective is None or gen.chance(0.3):
        return None
    end = effective + timedelta(days=gen.rng.choice((90, 180, 365)))
    return max(end, today + timedelta(days=30)) if status in ("active", "sent", "viewed") else end


GENERATORS: dict[str, Generator] = {"proposals": proposals, "contracts": contracts}
