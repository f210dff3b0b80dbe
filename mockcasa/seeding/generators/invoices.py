"""Invoices: billed to clients for their projects, numbered in the order they were issued.

Statuses written are draft, sent and void; paid, partial and overdue follow from the payments
generated next (and from the clock), exactly as the API derives them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from mockcasa.seeding.generators.catalog import ITEMS
from mockcasa.seeding.generators.context import Gen, GenerationError, Generator, by_client

TERMS = {"Net 30": 30, "Net 15": 15, "Net 14": 14, "Due on receipt": 0}
TERM_WEIGHTS = {"Net 30": 6, "Net 15": 2, "Net 14": 1, "Due on receipt": 1}
NOTES = ("Thank you for your business!", "Please include the invoice number with your payment.",
         "Bank details are on the second page.", "Late payments incur a 1.5% monthly fee.")
MONTH = timedelta(days=30)
SUBJECTS = ("{project}", "{project} - deposit", "{project} - final invoice", "{project} - {month}",
            "{project} - additional work")


def _services(gen: Gen) -> list[tuple[str, str, float]]:
    """(label, unit, rate) of what can be billed: the catalog's charges, else typical studio services."""
    charges = [i for i in gen.records("catalog-items") if i.type == "charge" and i.default_rate is not None
               and i.status != "archived"]
    if charges:
        return [(i.invoice_label or i.name, i.unit, i.default_rate) for i in charges]
    return [(i.name, i.unit, (i.low + i.high) // 2) for i in ITEMS if i.type == "charge"]


def _line(gen: Gen, service: tuple[str, str, float], taxed: bool) -> dict[str, Any]:
    label, unit, rate = service
    quantity = {"hour": gen.amount(2, 40, 0.5), "each": gen.amount(5, 60)}.get(unit, 1)
    return {"id": gen.uuid(), "description": label, "quantity": quantity, "unit_price": rate,
            "taxable": taxed and unit == "each",
            "discount_percent": gen.rng.choice((5, 10, 15)) if gen.chance(0.08) else None}


def _billing_contact(contacts: list[Any]) -> str | None:
    for role in ("billing", "primary"):
        for contact in contacts:
            if contact.role == role:
                return contact.id
    return None


def _settled(created_at: datetime) -> date:
    """The first day an invoice can name something created at ``created_at``: the invoice is written
    on its issue day, after the record (``Gen.at`` may take up to two hours past it)."""
    return (created_at + timedelta(hours=2)).date()


def _closed(project: Any, day: date) -> bool:
    """A completed project is billed up to a month after it ended."""
    return project.status == "completed" and project.end_date is not None and day > project.end_date + MONTH


def invoices(gen: Gen, count: int) -> Iterator[dict[str, Any]]:
    """Mostly sent (paid or not, by the payments), some drafts in the last days, a few voided."""
    clients = [c for c in gen.records("clients") if c.status != "prospect"] or gen.records("clients")
    if not clients:
        raise GenerationError("needs clients to bill: add some under records or generate")
    today = gen.today
    # A client is billed as long as it has been one: likelier by the days since it came (times 3
    # while active), its invoices spread evenly over them. A studio's invoices then follow how many
    # clients it had on each day, not pile up on the last days (a client met last week cannot have
    # a year of invoices squeezed into that week).
    pick_client = gen.picker("clients", pool=clients, weight=lambda c: (3 if c.status == "active" else 1)
                             * ((today - min(_settled(c.created_at), today)).days + 1))
    projects = by_client(gen.records("projects"))
    contacts = by_client(gen.records("contacts"))
    services = _services(gen)
    taxed = gen.org.tax_rate > 0
    plans = []
    for status in gen.spread({"sent": 88, "draft": 7, "void": 5}, count):
        client = pick_client()
        # Any day of the client's time with the studio (not only the days since the project's start,
        # which piled invoices up on today); then a project the client already had on that day, if any.
        first = min(_settled(client.created_at), today)
        if status == "draft":
            issue = gen.day_between(max(first, today - timedelta(days=12)), today + timedelta(days=5))
        else:
            issue = gen.day_between(first, today)
        mine = [p for p in projects.get(client.id, []) if _settled(p.created_at) <= issue and not _closed(p, issue)]
        project = gen.rng.choice(mine) if mine and gen.chance(0.85) else None
        not_before = max(client.created_at, project.created_at) if project else client.created_at
        plans.append((issue, status, client, project, not_before))
    plans.sort(key=lambda plan: plan[0])  # numbers follow the issue dates (a stable sort keeps ties)
    for issue, status, client, project, not_before in plans:
        term = gen.weighted(TERM_WEIGHTS)
        lines = [_line(gen, gen.rng.choice(services), taxed) for _ in range(gen.weighted({1: 5, 2: 3, 3: 2, 4: 1}))]
        created = gen.at(min(issue, today), not_before=not_before)
        name = project.name if project else "Creative services"
        subject = gen.rng.choice(SUBJECTS if project else SUBJECTS[3:4])
        yield {
            "client_id": client.id,
            "billing_contact_id": _billing_contact(contacts.get(client.id, [])),
            "project_ids": [project.id] if project else [],
            "status": status,
            "subject": subject.format(project=name, month=issue.strftime("%B %Y")),
            "issue_date": issue,
            "due_date": issue + timedelta(days=TERMS[term]),
            "payment_terms": term,
            "notes": gen.rng.choice(NOTES) if gen.chance(0.3) else None,
            "line_items": lines,
            "created_at": created,
            "updated_at": gen.later(created, 1, 20) if status == "void" else created,
        }


GENERATORS: dict[str, Generator] = {"invoices": invoices}
