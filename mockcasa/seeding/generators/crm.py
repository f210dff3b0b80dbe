"""Clients, their contacts and their projects, as a small creative studio would have them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from mockcasa.seeding.generators.context import Gen, Generator, slug

CLIENT_NOTES = (
    "Prefers email over calls.", "Net 30 payment terms agreed.", "Referred by a past client.",
    "Budget approved for the full year.", "Decision maker is the marketing lead.",
    "Invoices go to the accounts payable inbox.", "Wants weekly status updates.",
    "Met at the spring trade show.", "Asks for two rounds of revisions.",
)
PROJECT_KINDS = (
    "Brand identity", "Website redesign", "Product photography", "Launch campaign", "Annual report design",
    "Social media content", "Brand video", "Packaging design", "Event photography", "Wedding photography",
    "Podcast production", "UX audit", "Mobile app design", "Trade show booth", "Headshots",
)
EVENT_KINDS = {"Event photography", "Wedding photography", "Headshots", "Trade show booth"}


# Client statuses by API revision: 2026-06-30 has the lead pipeline instead of "prospect".
STATUSES = {"1.0.0": {"active": 6, "prospect": 2, "inactive": 2},
            "2026-06-30": {"active": 6, "new": 1, "contacted": 1, "qualified": 1, "declined": 1, "inactive": 2}}


def clients(gen: Gen, count: int) -> Iterator[dict[str, Any]]:
    fake = gen.fake
    for _ in range(count):
        created = gen.past(days=365)
        yield {
            "name": fake.company() if gen.chance(0.75) else fake.name(),
            "status": gen.weighted(STATUSES.get(gen.org.api_revision, STATUSES["1.0.0"])),
            "notes": gen.rng.choice(CLIENT_NOTES) if gen.chance(0.35) else None,
            "created_at": created,
            "updated_at": created if gen.chance(0.5) else gen.between(created),
        }


def contacts(gen: Gen, count: int) -> Iterator[dict[str, Any]]:
    """Mostly people at clients (the first one at each client is its primary contact), some freelancers."""
    fake = gen.fake
    has_primary = {c.client_id for c in gen.records("contacts") if c.is_primary}
    clients_ = gen.records("clients")
    for _ in range(count):
        client = gen.rng.choice(clients_) if clients_ and gen.chance(0.85) else None
        first, last = fake.first_name(), fake.last_name()
        domain = slug(client.name) if client else "mail"
        primary = client is not None and client.id not in has_primary
        if primary:
            has_primary.add(client.id)
        created = gen.between(client.created_at) if client else gen.past(days=365)
        yield {
            "name": f"{first} {last}",
            "email": f"{slug(first)}.{slug(last)}@{domain}.example",
            "phone": fake.numerify("+1-###-###-####") if gen.chance(0.7) else None,
            "title": fake.job()[:200] if gen.chance(0.6) else None,
            "role": "primary" if primary else gen.weighted({"billing": 3, "other": 5}),
            "is_primary": primary,
            "client_id": client.id if client else None,
            "created_at": created,
            "updated_at": created,
        }


def projects(gen: Gen, count: int) -> Iterator[dict[str, Any]]:
    """Under clients (busier ones for active clients); dates and status agree with each other."""
    activity = {"active": 5, "inactive": 2, "prospect": 1}
    today = gen.today
    pick_client = gen.picker("clients", weight=lambda c: activity.get(c.status, 1))
    for _ in range(count):
        client = pick_client()
        if client.status == "inactive":
            status = gen.weighted({"completed": 4, "paused": 1})
        else:
            status = gen.weighted({"active": 5, "completed": 4, "paused": 1})
        # Finished work started a while ago (a client met last week has nothing finished yet).
        month_ago = gen.now - timedelta(days=30)
        if status == "completed" and client.created_at > month_ago:
            status = "active"
        created = gen.between(client.created_at, month_ago if status == "completed" else gen.now)
        start = min(gen.days_after(created.date(), 0, 21), today)
        end = None
        if status == "completed":
            end = min(gen.days_after(start, 14, 120), today - timedelta(days=1))
        elif status == "active" and gen.chance(0.7):
            end = gen.days_after(max(start, today), 7, 180)
        kind = gen.rng.choice(PROJECT_KINDS)
        event = None
        if kind in EVENT_KINDS:
            event = gen.days_after(start, 7, 60) if status != "completed" else (end or start)
        yield {
            "name": kind if gen.chance(0.7) else f"{kind} (phase {gen.rng.randint(2, 3)})",
            "client_id": client.id,
            "status": status,
            "start_date": start,
            "end_date": end,
            "event_date": event,
            "contract_value": gen.amount(800, 25000, step=50) if gen.chance(0.85) else None,
            "created_at": created,
            "updated_at": created if status == "active" else min(created + timedelta(days=30), gen.now),
        }


GENERATORS: dict[str, Generator] = {"clients": clients, "contacts": contacts, "projects": projects}
