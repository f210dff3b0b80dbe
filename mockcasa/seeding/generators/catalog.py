"""Catalog items: the services a studio sells (charge) and the costs it pays for again and again (expense)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any, NamedTuple

from mockcasa.seeding.generators.context import Gen, Generator


class Item(NamedTuple):
    name: str
    type: str  # charge | expense
    unit: str  # hour | flat | each
    low: float
    high: float
    step: float = 5
    frequency: str = "one-time"
    description: str | None = None


ITEMS = (
    Item("Design", "charge", "hour", 95, 150, description="Visual and graphic design, billed by the hour."),
    Item("Art direction", "charge", "hour", 120, 185),
    Item("Copywriting", "charge", "hour", 80, 125),
    Item("Web development", "charge", "hour", 110, 165),
    Item("Video editing", "charge", "hour", 85, 130),
    Item("Project management", "charge", "hour", 70, 95),
    Item("Photography - half day", "charge", "flat", 650, 950, 25),
    Item("Photography - full day", "charge", "flat", 1200, 1900, 50),
    Item("Brand strategy workshop", "charge", "flat", 1500, 3200, 100,
         description="A half-day workshop with the client's team; includes the written summary."),
    Item("Photo retouching", "charge", "each", 15, 45),
    Item("Social media management", "charge", "flat", 800, 2500, 50, "monthly"),
    Item("Website care plan", "charge", "flat", 60, 250, 5, "monthly"),
    Item("Rush fee", "charge", "flat", 150, 500, 50),
    Item("Print production", "charge", "each", 2, 12, 0.5),
    Item("Stock photography", "expense", "each", 20, 80),
    Item("Printing", "expense", "each", 1, 8, 0.25),
    Item("Freelance illustrator", "expense", "hour", 55, 95),
    Item("Equipment rental", "expense", "flat", 120, 600, 10),
    Item("Studio rental", "expense", "flat", 300, 900, 25),
    Item("Travel", "expense", "flat", 80, 1200, 10),
    Item("Props and styling", "expense", "flat", 50, 400, 10),
    Item("Adobe Creative Cloud", "expense", "flat", 60, 90, 0.01, "monthly"),
    Item("Figma Professional", "expense", "flat", 15, 45, 0.01, "monthly"),
    Item("Domain and hosting", "expense", "flat", 120, 480, 10, "annual"),
    Item("Accounting services", "expense", "flat", 300, 600, 25, "quarterly"),
)
VARIANTS = ("Senior {}", "{} (weekend)", "{} - rush", "Junior {}", "{} (non-profit rate)")
PRICING = {"hour": "hourly", "flat": "fixed", "each": "fixed"}


def catalog_items(gen: Gen, count: int) -> Iterator[dict[str, Any]]:
    """Every template once, then variants; most active, some paused or archived, a few client-specific."""
    templates = list(ITEMS)
    gen.rng.shuffle(templates)
    # The hourly services come first (time entries and invoices draw their rates from them), then the
    # recurring ones, so a small catalog still has every frequency.
    templates.sort(key=lambda item: (item.unit != "hour" or item.type != "charge", item.frequency == "one-time"))
    clients = [c for c in gen.records("clients") if c.status == "active"]
    # The first items stay active (what time entries are priced from); the rest show every status.
    core = min(count, 6)
    statuses = ["active"] * core + gen.spread({"active": 12, "paused": 2, "archived": 2}, count - core)
    for i in range(count):
        item = templates[i % len(templates)]
        name = item.name if i < len(templates) else gen.rng.choice(VARIANTS).format(item.name)
        client = None
        if i >= len(templates) and clients and gen.chance(0.4):
            client = gen.rng.choice(clients)
            name = f"{name} - {client.name}"[:200]
        created = gen.past(days=365) if i >= 6 else gen.between(gen.now - timedelta(days=365),
                                                                  gen.now - timedelta(days=300))
        if client is not None:
            created = gen.between(client.created_at)
        rate = gen.amount(item.low, item.high, item.step)
        bom = item.name == "Print production" and gen.chance(0.5)
        yield {
            "name": name,
            "invoice_label": item.name if item.unit != "hour" else f"{item.name} (per hour)",
            "description": item.description,
            "invoice_description": None,
            "default_rate": rate,
            "unit": item.unit,
            "default_frequency": item.frequency,
            "type": item.type,
            "pricing_mode": "bom" if bom else PRICING[item.unit],
            "status": statuses[i],
            "client_id": client.id if client else None,
            "created_at": created,
            "updated_at": created if statuses[i] == "active" else gen.between(created),
        }


GENERATORS: dict[str, Generator] = {"catalog-items": catalog_items}
