"""Time entries and transactions: work and costs on projects, billed to the invoices that followed them."""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from mockcasa.seeding.generators.context import Gen, GenerationError, Generator, slug

TASKS = ("Client call", "Concept sketches", "Moodboard", "Layout", "Revisions", "Photo retouching", "Copy edits",
         "Prepare presentation", "Asset export", "Shoot preparation", "Colour grading", "Prototype", "QA pass",
         "Print proofs", "Style guide", "Kickoff meeting", "Research", "Final files")
INTERNAL = ("Internal review", "Portfolio update", "Team sync", "Admin")
HOURS = {0.5: 3, 1: 6, 1.5: 5, 2: 6, 2.5: 3, 3: 4, 4: 3, 5: 2, 6: 2, 7.5: 1, 8: 1, 0.25: 1, 10: 0.3}


class Billing:
    """For each project, the open-or-settled invoices naming it, by issue date: what work was billed to."""

    def __init__(self, gen: Gen) -> None:
        self.by_project: dict[str, list[tuple[date, str]]] = {}
        self.by_client: dict[str, list[tuple[date, str]]] = {}
        for invoice in sorted(gen.records("invoices"), key=lambda i: (i.issue_date, i.id)):
            if invoice.status in ("draft", "void"):
                continue
            self.by_client.setdefault(invoice.client_id, []).append((invoice.issue_date, invoice.id))
            for project_id in invoice.project_ids:
                self.by_project.setdefault(project_id, []).append((invoice.issue_date, invoice.id))

    def invoice_for(self, project_id: str | None, client_id: str | None, day: date) -> str | None:
        """The first invoice issued on or after ``day`` for the project (else the client), if any."""
        issued = self.by_project.get(project_id or "") or self.by_client.get(client_id or "") or []
        i = bisect.bisect_left(issued, (day, ""))
        return issued[i][1] if i < len(issued) else None


def _worked_on(project: Any, today: date) -> tuple[date, date]:
    start = project.start_date or project.created_at.date()
    end = min(project.end_date or today, today)
    return min(start, today), max(min(start, today), end)


def time_entries(gen: Gen, count: int) -> Iterator[dict[str, Any]]:
    """Hours by the organization's members (and the odd freelancer) on started projects, priced from the catalog."""
    today = gen.today
    projects = [p for p in gen.records("projects") if (p.start_date or p.created_at.date()) <= today]
    if not projects:
        raise GenerationError("needs started projects to log time on: add some under records or generate")
    members = gen.members()
    if not members:
        raise GenerationError("needs members to log time")
    pick_project = gen.picker("projects", weight=lambda p: {"active": 5, "completed": 3}.get(p.status, 1),
                              pool=projects)
    hourly = [i for i in gen.records("catalog-items") if i.type == "charge" and i.unit == "hour"
              and i.default_rate is not None]
    billing = Billing(gen)
    freelancers = [gen.fake.name() for _ in range(3)]
    entries = []
    for rate_type in gen.spread({"standard": 86, "overtime": 8, "emergency": 3, "custom": 3}, count):
        project = pick_project()
        day = gen.day_between(*_worked_on(project, today))
        item = gen.rng.choice(hourly) if hourly and gen.chance(0.85) else None
        override = None if item and rate_type != "custom" else gen.amount(75, 160, 5)
        billable = gen.chance(0.88)
        invoice_id = billing.invoice_for(project.id, project.client_id, day) if billable else None
        entries.append({
            "project_id": project.id,
            "member_id": gen.rng.choice(members).id,
            "catalog_item_id": item.id if item else None,
            "date": day,
            "hours": gen.weighted(HOURS),
            "description": gen.rng.choice(TASKS if billable else INTERNAL),
            "billable": billable,
            "rate_type": rate_type,
            "custom_multiplier_name": "Weekend rate" if rate_type == "custom" else None,
            "rate_override": override,
            "worker_name": gen.rng.choice(freelancers) if gen.chance(0.05) else None,
            "invoice_id": invoice_id,
            "created_at": gen.at(day, (16, 20), not_before=project.created_at),
        })
    entries.sort(key=lambda e: e["created_at"])
    for entry in entries:
        yield {**entry, "updated_at": entry["created_at"]}


SUBSCRIPTIONS = (("Adobe Creative Cloud", "monthly", 59.99, 89.99), ("Figma Professional", "monthly", 15, 45),
                 ("Google Workspace", "monthly", 36, 72), ("Studio rent", "monthly", 1800, 3200),
                 ("Business insurance", "annual", 900, 2400), ("Accounting services", "quarterly", 300, 600),
                 ("Dropbox Business", "annual", 180, 360))
PROJECT_COSTS = ("Stock photography", "Printing", "Freelance illustrator", "Equipment rental", "Travel",
                 "Props and styling", "Studio rental", "Model fees", "Location permit", "Courier")
REVENUE = (("Monthly retainer", "monthly", 800, 4000), ("Image licensing", "one-time", 250, 2500),
           ("Workshop ticket sales", "one-time", 300, 1800))


def _catalog(gen: Gen) -> dict[str, Any]:
    return {i.name: i for i in gen.records("catalog-items") if i.type == "expense"}


def transactions(gen: Gen, count: int) -> Iterator[dict[str, Any]]:
    """Overheads (recurring, unassigned), project costs (often passed through with markup and billed) and revenue."""
    today = gen.today
    projects = [p for p in gen.records("projects") if (p.start_date or p.created_at.date()) <= today]
    clients = [c for c in gen.records("clients") if c.status == "active"]
    catalog = _catalog(gen)
    billing = Billing(gen)
    shapes = gen.spread({"overhead": 3, "project": 6, "split": 1, "revenue": 2}, count)
    statuses = gen.spread({"active": 16, "paused": 2, "archived": 2}, count)
    for shape, status in zip(shapes, statuses, strict=True):
        if shape in ("project", "split") and not projects or shape == "revenue" and not clients:
            shape = "overhead"
        yield _transaction(gen, shape, status, projects, clients, catalog, billing)


def _transaction(gen: Gen, shape: str, status: str, projects: list[Any], clients: list[Any],
                 catalog: dict[str, Any], billing: Billing) -> dict[str, Any]:
    today = gen.today
    values: dict[str, Any] = {"status": status, "mode": "each", "assignments": [], "invoice_id": None}
    if shape == "overhead":
        name, frequency, low, high = gen.rng.choice(SUBSCRIPTIONS)
        start = today - timedelta(days=gen.rng.randint(30, 360))
        values.update(name=name, frequency=frequency, direction="cost", mode="global", vendor_name=name.split()[0],
                      amount=gen.amount(low, high, 0.01 if high < 100 else 1))
    elif shape == "revenue":
        name, frequency, low, high = gen.rng.choice(REVENUE)
        client = gen.rng.choice(clients)
        start = gen.day_between(client.created_at.date(), today)
        amount = gen.amount(low, high, 50)
        values.update(name=f"{name} - {client.name}"[:300], frequency=frequency, direction="revenue", amount=amount,
                      assignments=[{"client_id": client.id, "amount": amount}])
    else:
        chosen = gen.rng.sample(projects, min(len(projects), 2 if shape == "split" else 1))
        start = gen.day_between(*_worked_on(chosen[0], today))
        name = gen.rng.choice(PROJECT_COSTS)
        amount = gen.amount(40, 2400, 5)
        share = round(100 / len(chosen), 2)
        values.update(name=name, frequency="one-time", direction="cost", amount=amount,
                      mode="split" if shape == "split" else "each", split_evenly=shape == "split" or None,
                      assignments=[{"project_id": p.id, "client_id": p.client_id, "percentage": share}
                                   for p in chosen],
                      vendor_name=gen.fake.company()[:200])
        values["vendor_email"] = f"billing@{slug(values['vendor_name'])}.example"
        if gen.chance(0.55):
            values.update(pass_through=True, markup_percent=gen.rng.choice((0, 10, 15, 20)))
            values["invoice_id"] = billing.invoice_for(chosen[0].id, chosen[0].client_id, start)
    item = catalog.get(values["name"])
    created = gen.at(min(start, today))
    values.update(catalog_item_id=item.id if item else None, start_date=start,
                  end_date=start if values["frequency"] == "one-time" else
                  (today - timedelta(days=gen.rng.randint(1, 60)) if status == "archived" else None),
                  receipt_verified=values["direction"] == "cost" and start < today - timedelta(days=7)
                  and gen.chance(0.8),
                  vendor_tax_id=f"{gen.rng.randint(10, 99)}-{gen.rng.randint(1000000, 9999999)}"
                  if values.get("vendor_name") and gen.chance(0.3) else None,
                  created_at=created, updated_at=created if status == "active" else gen.between(created))
    return values


GENERATORS: dict[str, Generator] = {"time-entries": time_entries, "transactions": transactions}
