"""What API revision 2026-06-30 adds: vendors, venues, event days with their run of show and
booked vendors, forms and their submissions, smart files (client documents) and their versions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from mockcasa.seeding.generators.context import Gen, GenerationError, Generator, slug

VENDOR_KINDS = (
    ("Florals", "Florals", 90, 30), ("Photography", "Photography", 30, 15), ("Films", "Videography", 30, 15),
    ("Catering", "Catering", 120, 60), ("Band", "Reception band", 60, 45), ("DJ", "DJ", 45, 30),
    ("Rentals", "Rentals", 120, 90), ("Hair & Makeup", "Hair and makeup", 30, 15), ("Cakes", "Cake", 20, 0),
    ("Officiant", "Officiant", 15, 0), ("Lighting", "Lighting", 90, 60),
    ("Transport", "Transportation", 15, 0),
)
TIMEZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles")
VENUE_KINDS = ("Hall", "Barn", "Estate", "Gardens", "Loft", "Vineyard", "Lodge", "Ballroom")
SPACES = ("Ballroom", "Garden terrace", "Courtyard", "Library", "Rooftop", "Chapel", "Lawn",
          "Cocktail lounge")
DAY_NAMES = ("Welcome dinner", "Rehearsal dinner", "Ceremony & reception", "Farewell brunch", "Getting ready",
             "Engagement session", "Conference day", "Launch party")
RUN_OF_SHOW = (("Vendor load-in", 60), ("Florals set up", 90), ("Hair and makeup", 120), ("First look", 20),
               ("Family photos", 30), ("Ceremony", 30), ("Cocktail hour", 60), ("Grand entrance", 10),
               ("Dinner service", 75), ("Toasts", 20), ("First dance", 10), ("Cake cutting", 15),
               ("Open dancing", 120), ("Sparkler exit", 15), ("Load-out", 45))
KEY_MOMENTS = (("first-look", "First look"), ("golden-hour", "Golden hour portraits"),
               ("grand-exit", "Grand exit"))
FORMS = (("Wedding inquiry", "inquiry", "Tell us about your day"),
         ("Corporate event inquiry", "inquiry", None),
         ("Planning questionnaire", "questionnaire", None), ("Vendor preferences", "questionnaire", None),
         ("Final details questionnaire", "questionnaire", "A month before the day"))
EVENT_TYPES = ("Wedding", "Elopement", "Anniversary party", "Corporate retreat", "Birthday",
               "Rehearsal dinner")


def _hhmm(minute: int) -> str:
    return f"{minute // 60 % 24:02d}:{minute % 60:02d}"


def vendors(gen: Gen, count: int) -> Iterator[dict[str, Any]]:
    fake = gen.fake
    contacts = [c for c in gen.records("contacts") if c.client_id is None]
    ratings = gen.spread({"preferred": 3, "approved": 5, "neutral": 2, "avoid": 1}, count)
    for i in range(count):
        kind, _, setup, teardown = gen.rng.choice(VENDOR_KINDS)
        who = fake.last_name() if gen.chance(0.6) else f"{fake.first_name()} {fake.last_name()}"
        name = f"{who} {kind}"
        created = gen.past(days=365)
        yield {
            "name": name,
            "company_name": f"{name} LLC" if gen.chance(0.4) else None,
            "email": f"hello@{slug(name)}.example" if gen.chance(0.85) else None,
            "phone": fake.numerify("+1-###-###-####") if gen.chance(0.7) else None,
            "website": f"https://{slug(name)}.example" if gen.chance(0.5) else None,
            "address": {"street": fake.street_address(), "city": fake.city(), "state": fake.state_abbr(),
                        "zip": fake.zipcode()} if gen.chance(0.5) else None,
            "rating": ratings[i],
            "default_setup_minutes": setup if gen.chance(0.7) else None,
            "default_teardown_minutes": teardown if teardown and gen.chance(0.6) else None,
            "linked_contact_id": gen.rng.choice(contacts).id if contacts and gen.chance(0.2) else None,
            "status": "archived" if ratings[i] == "avoid" and gen.chance(0.5) else "active",
            "created_at": created,
            "updated_at": created if gen.chance(0.6) else gen.between(created),
        }


def venues(gen: Gen, count: int) -> Iterator[dict[str, Any]]:
    fake = gen.fake
    for _ in range(count):
        name = f"The {fake.last_name()} {gen.rng.choice(VENUE_KINDS)}"
        spaces = gen.rng.sample(SPACES, gen.rng.randint(0, 3))
        created = gen.past(days=365)
        yield {
            "name": name,
            "website": f"https://{slug(name)}.example" if gen.chance(0.7) else None,
            "address": {"line1": fake.street_address(), "city": fake.city(), "state": fake.state_abbr(),
                        "postal_code": fake.zipcode(), "country": "US"},
            "timezone": gen.rng.choice(TIMEZONES),
            "contacts": [{"name": fake.name(), "role": "Events manager",
                          "email": f"events@{slug(name)}.example"}] if gen.chance(0.6) else [],
            "spaces": [{"name": s, "notes": "Tent if rain" if s in ("Lawn", "Garden terrace") else None}
                       for s in spaces],
            "status": gen.weighted({"active": 9, "archived": 1}),
            "created_at": created,
            "updated_at": created,
        }


def event_days(gen: Gen, count: int) -> Iterator[dict[str, Any]]:
    """Mostly days of projects (a project's first day is its primary one), some of clients only."""
    projects, clients, venues_ = gen.records("projects"), gen.records("clients"), gen.records("venues")
    if not projects and not clients:
        raise GenerationError("needs projects or clients to attach to: add some under records or generate")
    for _ in range(count):
        project = gen.rng.choice(projects) if projects and (not clients or gen.chance(0.8)) else None
        client = None if project is not None else gen.rng.choice(clients)
        anchor = project.event_date if project is not None and project.event_date else None
        day = gen.days_after(anchor, -1, 1) if anchor else gen.days_after(gen.today, -90, 240)
        status = "published" if day <= gen.today else gen.weighted({"draft": 3, "published": 4})
        if gen.chance(0.08):
            status = "archived"
        venue = gen.rng.choice(venues_) if venues_ and gen.chance(0.7) else None
        start = gen.rng.randint(14, 20) * 30  # 07:00 .. 10:00
        ceremony = gen.rng.randint(26, 36) * 30  # 13:00 .. 18:00
        anchors = gen.rng.sample(KEY_MOMENTS, gen.rng.randint(0, 2))
        created = gen.past(days=200)
        yield {
            "project_id": project.id if project else None,
            "client_id": project.client_id if project else client.id,
            "name": gen.rng.choice(DAY_NAMES),
            "date": day,
            "status": status,
            "ceremony_time": _hhmm(ceremony) if gen.chance(0.6) else None,
            "event_start_time": _hhmm(ceremony - 30),
            "venue_timezone": venue.timezone if venue else gen.rng.choice(TIMEZONES),
            "venue_address": {"name": venue.name, "street": venue.address.line1, "city": venue.address.city,
                              "state": venue.address.state, "zip": venue.address.postal_code}
            if venue and venue.address else None,
            "day_start_minute": start,
            "day_end_minute": gen.rng.randint(44, 50) * 30,  # 22:00 .. 01:00 next day
            "custom_anchors": [{"key": key, "label": label,
                                "time": _hhmm(ceremony + gen.rng.randint(-6, 6) * 15)}
                               for key, label in anchors],
            "created_at": created,
            "updated_at": created if status == "draft" else gen.between(created),
        }


def timeline_items(gen: Gen, count: int) -> Iterator[dict[str, Any]]:
    """A run of show per day: items in order, some pinned, some to the day's Key Moments, with vendors."""
    days = gen.records("event-days")
    if not days:
        raise GenerationError("needs event-days to attach to: add some under records or generate")
    vendor_ids = [v.id for v in gen.records("vendors") if v.status == "active"]
    for _ in range(count):
        day = gen.rng.choice(days)
        title, duration = gen.rng.choice(RUN_OF_SHOW)
        keys = [a.key for a in day.custom_anchors]
        anchor = gen.weighted({"none": 6, "fixed": 2, "fixed-end": 1, "ceremony": 1,
                               "custom-event": 1 if keys else 0})
        done = day.date is not None and day.date < gen.today
        created = gen.past(days=120)
        yield {
            "event_day_id": day.id,
            "title": title,
            "description": "Confirm timing with the coordinator." if gen.chance(0.2) else None,
            "requested_start_time": _hhmm(gen.rng.randint(36, 92) * 15) if anchor in ("fixed", "fixed-end")
            else None,
            "duration_minutes": duration,
            "buffer_before_minutes": gen.rng.choice((5, 10, 15)) if gen.chance(0.3) else None,
            "buffer_after_minutes": gen.rng.choice((5, 10)) if gen.chance(0.2) else None,
            "locked": anchor != "none" and gen.chance(0.3),
            "anchor_type": anchor,
            "anchor_key": gen.rng.choice(keys) if anchor == "custom-event" else None,
            "location": gen.rng.choice(SPACES) if gen.chance(0.4) else None,
            "visible_to": ["master"] + gen.rng.sample(["couple", "vendor-all", "venue", "shot-list"],
                                                     gen.rng.randint(0, 2)),
            "vendor_ids": gen.rng.sample(vendor_ids, min(len(vendor_ids), gen.rng.randint(0, 2))),
            "status": gen.weighted({"completed": 9, "skipped": 1}) if done else "pending",
            "created_at": created,
            "updated_at": created,
        }


def event_day_vendors(gen: Gen, count: int) -> Iterator[dict[str, Any]]:
    """Vendors booked for days, each at most once per day."""
    days, vendors_ = gen.records("event-days"), [v for v in gen.records("vendors") if v.status == "active"]
    booked = {(b.event_day_id, b.vendor_id) for b in gen.records("event-day-vendors")}
    free = [(d, v) for d in days for v in vendors_ if (d.id, v.id) not in booked]
    if len(free) < count:
        raise GenerationError(f"{count} bookings need at least as many free (event day, active vendor) "
                              f"pairs; there are {len(free)}: generate more event-days or vendors")
    for day, vendor in gen.rng.sample(free, count):
        call = gen.rng.randint(32, 68) * 15  # 08:00 .. 17:00
        end = min(call + gen.rng.randint(8, 36) * 15, 23 * 60 + 45)
        created = gen.past(days=120)
        yield {
            "event_day_id": day.id,
            "vendor_id": vendor.id,
            "role": next((role for kind, role, *_ in VENDOR_KINDS if vendor.name.endswith(kind)), None),
            "call_time": _hhmm(call),
            "coverage_start_time": _hhmm(call + 30) if gen.chance(0.6) else None,
            "coverage_end_time": _hhmm(end) if gen.chance(0.6) else None,
            "meal_provided": gen.chance(0.4),
            "point_of_contact": gen.fake.name() if gen.chance(0.5) else None,
            "confirmation_status": gen.weighted({"confirmed": 6, "unconfirmed": 3, "declined": 1}),
            "created_at": created,
            "updated_at": created,
        }


def forms(gen: Gen, count: int) -> Iterator[dict[str, Any]]:
    """The studio's forms; the first of each kind is the default unless one already is."""
    has_default = {f.kind for f in gen.records("forms") if f.is_default}
    slugs = {f.slug for f in gen.records("forms")}
    for i in range(count):
        name, kind, title = FORMS[i % len(FORMS)]
        if i >= len(FORMS):
            name = f"{name} ({i // len(FORMS) + 1})"
        form_slug = slug(name)
        while form_slug in slugs:
            form_slug += "-2"
        slugs.add(form_slug)
        default = kind not in has_default
        has_default.add(kind)
        created = gen.past(days=365)
        yield {"name": name, "title": title, "kind": kind, "slug": form_slug,
               "enabled": default or gen.chance(0.8), "is_default": default,
               "created_at": created, "updated_at": created}


def form_submissions(gen: Gen, count: int) -> Iterator[dict[str, Any]]:
    """Inquiries and questionnaires from client contacts; a few questionnaires still in progress."""
    pick_form = gen.picker("forms")
    contacts = [c for c in gen.records("contacts") if c.client_id]
    for _ in range(count):
        form = pick_form()
        contact = gen.rng.choice(contacts) if contacts else None
        status = "in_progress" if form.kind == "questionnaire" and gen.chance(0.3) else "submitted"
        created = gen.past(days=300)
        answers = [{"field_id": "event-type", "question": "Event Type",
                    "answer": gen.rng.choice(EVENT_TYPES)},
                   {"field_id": "guests", "question": "Guests", "answer": str(gen.rng.randint(2, 30) * 10)}]
        if contact is not None:
            answers.insert(0, {"field_id": "name", "question": "Name", "answer": contact.name})
        yield {
            "form_id": form.id, "status": status,
            "contact_id": contact.id if contact else None,
            "client_id": contact.client_id if contact else None,
            "source": "inquiry_form" if form.kind == "inquiry" else "client_portal",
            "submitted_at": created.date() if status == "submitted" else None,
            "answers": answers, "created_at": created, "updated_at": created,
        }


def client_documents(gen: Gen, count: int) -> Iterator[dict[str, Any]]:
    """Smart files for clients (on a project when it has one), a template now and then."""
    pick_client = gen.picker("clients")
    projects, contacts = gen.records("projects"), gen.records("contacts")
    statuses = gen.spread({"draft": 2, "sent": 3, "viewed": 2, "accepted": 3, "completed": 2, "expired": 1},
                          count)
    # The first one was sent (and is never a template), so versions have a document to be of.
    if statuses and statuses[0] == "draft":
        sent = next((i for i, s in enumerate(statuses) if s != "draft"), None)
        if sent is None:
            statuses[0] = "accepted"
        else:
            statuses[0], statuses[sent] = statuses[sent], statuses[0]
    for i in range(count):
        client = pick_client()
        project = next((p for p in projects if p.client_id == client.id), None)
        contact = next((c for c in contacts if c.client_id == client.id), None)
        template = i > 0 and gen.chance(0.08)
        status = "draft" if template else statuses[i]
        created = gen.between(client.created_at)
        kind = gen.rng.choice(EVENT_TYPES)
        yield {
            "title": f"{kind} package template" if template else f"{client.name} {kind.lower()} proposal",
            "status": status, "is_template": template,
            "client_id": None if template else client.id,
            "contact_id": None if template or not contact else contact.id,
            "project_id": project.id if project and not template else None,
            "client_url": None if status == "draft" else f"https://clientcasa.com/f/{gen.token(12)}",
            "expires_at": created + timedelta(days=30) if status in ("sent", "viewed", "expired") else None,
            "created_at": created, "updated_at": created if status == "draft" else gen.between(created),
        }


def document_versions(gen: Gen, count: int) -> Iterator[dict[str, Any]]:
    """Versions of sent smart files without versions yet: v1, v2, ... each superseding the one before."""
    versioned = {v.document_id for v in gen.records("document-versions")}
    docs = [d for d in gen.records("client-documents")
            if d.status != "draft" and not d.is_template and d.id not in versioned]
    if not docs:
        raise GenerationError("needs sent client-documents (not drafts, not templates) without versions")
    per_doc = [1] * min(count, len(docs)) + [0] * max(len(docs) - count, 0)
    for _ in range(count - len(docs)):
        per_doc[gen.rng.randrange(len(docs))] += 1
    i = 0
    for doc, n in zip(docs, per_doc):
        issued, moment = [], doc.created_at
        for _ in range(n):
            moment = gen.later(moment, 0, 10)
            issued.append(moment)
        for number, at in enumerate(issued, start=1):
            last = number == n
            accepted = last and doc.status in ("accepted", "completed")
            viewed = gen.later(at, 0, 2) if accepted or doc.status != "sent" or not last else None
            accepted_at = gen.later(viewed, 0, 3) if accepted else None
            superseded = None if last else issued[number]
            yield {
                "document_type": "smart-file", "document_id": doc.id,
                "version_number": number, "sub_version_number": 0,
                "version_status": "issued" if last else "superseded",
                "issued_at": at, "viewed_at": viewed, "accepted_at": accepted_at,
                "accepted_by": "client" if accepted else None,
                "superseded_at": superseded,
                "superseded_by_version_id": None if last else gen.record_id(i + 1),
                "parent_version_id": gen.record_id(i - 1) if number > 1 else None,
                "expires_at": doc.expires_at,
                "created_at": at, "updated_at": max(t for t in (at, viewed, accepted_at, superseded) if t),
            }
            i += 1

GENERATORS: dict[str, Generator] = {
    "vendors": vendors, "venues": venues, "event-days": event_days, "timeline-items": timeline_items,
    "event-day-vendors": event_day_vendors, "forms": forms, "form-submissions": form_submissions,
    "client-documents": client_documents, "document-versions": document_versions,
}
