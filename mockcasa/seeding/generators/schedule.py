"""Milestones (the steps of projects and proposals) and calendar events (entered by hand or synced)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from mockcasa.seeding.generators.context import Gen, GenerationError, Generator

PROJECT_STEPS = ("Kickoff", "Discovery and moodboard", "First concepts", "Client review", "Revisions",
                 "Final delivery", "Launch")
SHOOT_STEPS = ("Shot list approved", "Shoot day", "Selects delivered", "Retouching", "Gallery delivery")
PROPOSAL_STEPS = ("Deposit due", "Kickoff call", "Mid-project review", "Final delivery")
SHOOTS = ("photography", "shoot", "headshots", "video")


def _steps(parent: Any, kind: str) -> tuple[str, ...]:
    if kind == "proposals":
        return PROPOSAL_STEPS
    # Projects have a name, client documents (revision 2026-06-30) a title.
    label = getattr(parent, "name", None) or getattr(parent, "title", None) or ""
    return SHOOT_STEPS if any(word in label.lower() for word in SHOOTS) else PROJECT_STEPS


def _span(parent: Any, kind: str, today: date) -> tuple[date, date]:
    """The days a parent's milestones fall on."""
    if kind == "proposals":
        start = parent.issue_date or parent.created_at.date()
        return start, parent.event_date or start + timedelta(days=60)
    start = getattr(parent, "start_date", None) or parent.created_at.date()
    end = getattr(parent, "end_date", None) or getattr(parent, "event_date", None) \
        or max(start, today) + timedelta(days=45)
    return start, max(start, end)


def _status(gen: Gen, parent: Any, day: date) -> str:
    if getattr(parent, "status", None) == "completed":
        return "completed"
    if day < gen.today - timedelta(days=3):
        return "completed" if gen.chance(0.9) else "in-progress"
    if day <= gen.today + timedelta(days=7):
        return gen.weighted({"in-progress": 3, "pending": 2, "completed": 1})
    return "pending"


def milestones(gen: Gen, count: int) -> Iterator[dict[str, Any]]:
    """Runs of steps, in date order, under projects (mostly) and proposals still in play."""
    parents = [("projects", p) for p in gen.records("projects")]
    parents += [("proposals", p) for p in gen.records("proposals") if p.status in ("draft", "sent", "accepted")]
    # 2026-06-30: smart files (client documents) in play instead of proposals.
    parents += [("client-documents", d) for d in gen.records("client-documents")
                if not d.is_template and d.status in ("draft", "sent", "viewed", "in_progress", "accepted")]
    if not parents:
        raise GenerationError("needs projects or proposals to plan milestones for: add some under records or generate")
    gen.rng.shuffle(parents)
    members = gen.members()
    items = [i for i in gen.records("catalog-items") if i.type == "charge" and i.status == "active"]
    made, turn = 0, 0
    while made < count:
        kind, parent = parents[turn % len(parents)]
        turn += 1
        steps = _steps(parent, kind)
        size = min(count - made, gen.rng.randint(2, len(steps)))
        first, last = _span(parent, kind, gen.today)
        days = sorted(gen.day_between(first, last) for _ in range(size))
        for title, day in zip(steps[:size] if turn <= len(parents) else steps[-size:], days, strict=True):
            status = _status(gen, parent, day)
            planned = gen.at(min(first, gen.today), not_before=parent.created_at)
            done = gen.at(min(day, gen.today), (15, 19), not_before=planned) if status == "completed" else None
            yield {
                "parent_type": kind,
                "parent_id": parent.id,
                "title": title,
                "description": None,
                "date": day,
                "time": f"{gen.rng.choice((9, 10, 11, 14, 15, 16)):02d}:{gen.rng.choice((0, 30)):02d}"
                        if gen.chance(0.4) else None,
                "status": status,
                "completed_at": done,
                "assignee_id": gen.rng.choice(members).id if members and gen.chance(0.75) else None,
                "catalog_item_id": gen.rng.choice(items).id if items and gen.chance(0.15) else None,
                "created_at": planned,
                "updated_at": done or planned,
            }
            made += 1


PROVIDERS = {"manual": 45, "google": 30, "microsoft": 15, "apple": 10}
OWN = ("Client call - {client}", "Shoot - {project}", "Deadline: {project} final files", "Presentation - {project}",
       "Site visit - {client}", "Review meeting - {project}")
SYNCED = ("Coffee with {person}", "Dentist", "Flight to {city}", "Webinar: pricing creative work", "Lunch with {person}",
          "Accountant", "Gym", "Parent-teacher meeting", "Conference: {city} Design Week")
RECURRING = (("Weekly studio standup", "FREQ=WEEKLY;BYDAY=MO"), ("Invoice run", "FREQ=MONTHLY;BYMONTHDAY=1"),
             ("Friday review", "FREQ=WEEKLY;BYDAY=FR"))


def calendar_events(gen: Gen, count: int) -> Iterator[dict[str, Any]]:
    """From a year back to two months ahead: the studio's own events and ones synced from personal calendars."""
    projects = gen.records("projects")
    client_of = {c.id: c for c in gen.records("clients")}
    events = []
    for source in gen.spread(PROVIDERS, count):
        day = gen.day_between(gen.today - timedelta(days=330), gen.today + timedelta(days=60))
        events.append(_event(gen, source, day, projects, client_of))
    events.sort(key=lambda e: (e["start_date_time"], e["title"]))
    yield from events


def _event(gen: Gen, source: str, day: date, projects: list[Any], client_of: dict[str, Any]) -> dict[str, Any]:
    start = datetime.combine(day, time(gen.rng.randint(8, 17), gen.rng.choice((0, 15, 30, 45))), tzinfo=UTC)
    length = timedelta(minutes=gen.rng.choice((30, 45, 60, 60, 90, 120)))
    values: dict[str, Any] = {"source": source, "all_day": False, "actionable": False, "recurring": False}
    if source == "manual" and gen.chance(0.1):
        title, rule = gen.rng.choice(RECURRING)
        values.update(title=title, recurring=True, rrule=rule,
                      recurrence_end=datetime.combine(day + timedelta(days=180), time(0), tzinfo=UTC)
                      if gen.chance(0.3) else None)
    elif source == "manual" and projects:
        project = gen.rng.choice(projects)
        client = client_of.get(project.client_id)
        title = gen.rng.choice(OWN)
        values.update(title=title.format(project=project.name, client=client.name if client else project.name)[:300],
                      project_id=project.id, client_id=project.client_id)
        if title.startswith("Deadline"):
            start, length = datetime.combine(day, time(0), tzinfo=UTC), timedelta(days=1)
            values.update(all_day=True, actionable=True)
        elif title.startswith("Shoot"):
            length = timedelta(hours=gen.rng.randint(3, 9))
    else:
        values["title"] = gen.rng.choice(SYNCED).format(person=gen.fake.first_name(), city=gen.fake.city())
        if values["title"].startswith("Conference"):
            start, length = datetime.combine(day, time(0), tzinfo=UTC), timedelta(days=2)
            values["all_day"] = True
    ahead = timedelta(days=gen.rng.randint(1, 30))
    created = start - ahead if start - ahead <= gen.now else gen.now - ahead  # booked that long ago
    created = created.replace(minute=gen.rng.randint(0, 59), second=gen.rng.randint(0, 59))
    values.update(start_date_time=start, end_date_time=start + length,
                  completed_at=min(start + length, gen.now) if values["actionable"] and start < gen.now else None,
                  created_at=min(created, gen.now), updated_at=min(created, gen.now))
    return values


GENERATORS: dict[str, Generator] = {"milestones": milestones, "calendar-events": calendar_events}
