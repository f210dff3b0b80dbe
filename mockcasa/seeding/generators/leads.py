"""Inquiries (leads, some converted into the clients and projects they became) and webhook subscriptions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from mockcasa.seeding.generators.context import Gen, GenerationError, Generator, by_client, slug
from mockcasa.webhooks.events import events_of

NEEDS = ("a brand refresh", "product photos for our new line", "a new website", "photos of our wedding",
         "a launch video", "packaging for three products", "headshots for the team", "an annual report")
FORMS = ("contact", "project-inquiry", "wedding-inquiry")
BUDGETS = ("Under $2k", "$2k-5k", "$5k-10k", "$10k-25k", "$25k+")
HEARD = ("Instagram", "Google", "A friend", "Past client", "Behance")
SPAM = ("We can get your website to #1 on Google!!!", "Cheap followers, real results. Reply YES.",
        "Partnership opportunity: guest posts on 500 blogs.")


def inquiries(gen: Gen, count: int) -> Iterator[dict[str, Any]]:
    """Every status; converted ones name the client and project they became (each client converted once)."""
    if gen.org.api_revision != "1.0.0":
        raise GenerationError(
            f"inquiries cannot be generated in API revision {gen.org.api_revision}: it only accepts "
            f"POST /inquiries and keeps the lead pipeline on clients; generate form-submissions instead "
            f"(each one is an inquiry form submitted, with the lead it made)")
    fake = gen.fake
    contacts = by_client(gen.records("contacts"))
    first_project = {}
    for project in sorted(gen.records("projects"), key=lambda p: (p.created_at, p.id)):
        first_project.setdefault(project.client_id, project)
    converted_before = {i.converted_client_id for i in gen.records("inquiries") if i.converted_client_id}
    convertible = [c for c in gen.records("clients") if c.id in first_project and c.id not in converted_before]
    gen.rng.shuffle(convertible)
    made = []
    for status in gen.spread({"new": 15, "contacted": 14, "qualified": 10, "converted": 20, "declined": 10,
                              "spam": 6}, count):
        if status == "converted" and not convertible:
            status = "qualified"
        made.append(_converted(gen, convertible.pop(), first_project, contacts) if status == "converted"
                    else _open(gen, status))
    made.sort(key=lambda v: v["created_at"])
    for values in made:
        source = values.pop("source", None) or gen.weighted({"inquiry_form": 5, "referral": 2, "manual": 2,
                                                             "other": 1})
        form = gen.rng.choice(FORMS) if source == "inquiry_form" else None
        values.update(source=source, inquiry_slug=form, phone=values.get("phone") or (
            fake.numerify("+1-###-555-####") if gen.chance(0.5) else None))
        if form and values["status"] != "spam":
            values["custom_answers"] = {"budget": gen.rng.choice(BUDGETS), "howDidYouHear": gen.rng.choice(HEARD)}
        yield values


def _converted(gen: Gen, client: Any, first_project: dict[str, Any], contacts: dict[str, list[Any]]) -> dict:
    project = first_project[client.id]
    person = next((c for c in contacts.get(client.id, []) if c.is_primary), None)
    asked = max(client.created_at - timedelta(days=gen.rng.randint(2, 25)), gen.now - timedelta(days=365))
    converted = max(client.created_at, asked + timedelta(hours=1))
    name = person.name if person else client.name
    return {
        "name": name, "email": (person.email if person and person.email else
                                f"{slug(name)}@{slug(client.name)}.example"),
        "contact_id": person.id if person else None,
        "preferred_date": project.event_date or project.start_date,
        "message": f"Hi! We're looking for {gen.rng.choice(NEEDS)}. Could we talk?",
        "status": "converted", "converted_client_id": client.id, "converted_project_id": project.id,
        "converted_at": converted, "last_contacted_at": gen.between(asked, converted),
        "notes": "Converted after the discovery call.",
        "created_at": asked, "updated_at": converted,
    }


def _open(gen: Gen, status: str) -> dict[str, Any]:
    fake, today = gen.fake, gen.today
    recent = status in ("new", "contacted", "qualified")
    asked = gen.past(days=12 if status == "new" else 60 if recent else 330)
    first, last = fake.first_name(), fake.last_name()
    values: dict[str, Any] = {
        "name": f"{first} {last}", "email": f"{slug(first)}.{slug(last)}@{fake.domain_word()}.example",
        "preferred_date": gen.days_after(today, 14, 150) if recent and gen.chance(0.6) else None,
        "message": f"Hello, I'm interested in {gen.rng.choice(NEEDS)}. What would it cost?",
        "status": status, "created_at": asked, "updated_at": asked,
    }
    if status == "spam":
        values.update(name=fake.user_name(), message=gen.rng.choice(SPAM), source="inquiry_form",
                      preferred_date=None, email=f"{fake.user_name()}@bulk-mail.example")
    if status in ("contacted", "qualified", "declined"):
        contacted = gen.later(asked, 0.1, 4)
        values.update(last_contacted_at=contacted, updated_at=contacted)
        if status != "declined":
            values["next_follow_up_at"] = gen.now + timedelta(days=gen.rng.randint(1, 14), hours=gen.rng.randint(0, 8))
        else:
            values["notes"] = gen.rng.choice(("Budget too small for the scope.", "Dates clash with another shoot.",
                                              "Went with a local studio."))
    return values


EVENTS = {
    "zapier": ("Zapier: new clients to Google Sheets", ("client_created", "contact_created")),
    "n8n": ("n8n: payments to Slack", ("payment_received", "invoice_paid", "payment_refunded")),
    "make": ("Make: signed contracts to Notion", ("contract_signed", "contract_completed")),
    "manual": ("Bookkeeping sync", ("invoice_sent", "invoice_paid", "payment_received", "payout_paid")),
}
MANUAL_HOOKS = (("Lead alerts", ("inquiry_created", "inquiry_converted")),
                ("Project tracker", ("project_created", "milestone_approaching", "time_entry_created")),
                ("Proposal follow-ups", ("proposal_sent", "proposal_accepted", "proposal_rejected")))
# Where a revision renamed or dropped an event, what a subscriber of that revision listens to instead
# (the lead pipeline moved onto clients and form submissions; proposals became client documents).
LATER_EVENTS = {"inquiry_created": "client_created", "inquiry_converted": "client_updated",
                "proposal_sent": "smart_file_sent", "proposal_accepted": "smart_file_accepted",
                "proposal_rejected": "smart_file_expired"}


def webhooks(gen: Gen, count: int) -> Iterator[dict[str, Any]]:
    """HTTPS subscriptions on reserved ``.example`` hosts, never delivered to yet (no delivery history)."""
    known = events_of(gen.org.api_revision)
    for i, source in enumerate(gen.spread({"manual": 3, "zapier": 2, "n8n": 1, "make": 1}, count)):
        name, events = EVENTS[source]
        if source == "manual" and i % 2:
            name, events = gen.rng.choice(MANUAL_HOOKS)
        # Each event as the organization's API revision names it (2026-06-30 has no inquiry or proposal events).
        events = tuple(dict.fromkeys(e if e in known else LATER_EVENTS.get(e, e) for e in events if
                                     e in known or LATER_EVENTS.get(e) in known))
        host = {"zapier": "hooks.zapier.example", "n8n": "automations.n8n.example",
                "make": "hook.make.example"}.get(source, f"{slug(gen.org.name)}.example")
        created = gen.past(days=300)
        yield {
            "name": name, "url": f"https://{host}/{slug(name)}/{gen.token(16)}", "events": list(events),
            "enabled": gen.chance(0.85), "source": source,
            "secret": f"whsec_{gen.token(32)}" if source == "manual" or gen.chance(0.3) else None,
            "created_at": created, "updated_at": created,
        }


GENERATORS: dict[str, Generator] = {"inquiries": inquiries, "webhooks": webhooks}
