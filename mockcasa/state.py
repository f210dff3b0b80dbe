"""The sandbox's world: organizations, their members and API keys, and their records.

Nothing here is module-level: a ``Sandbox`` lives on one aiohttp app, so two apps in
one process (two pytest tests) share nothing.
"""

from __future__ import annotations

import copy
import logging
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from mockcasa.clock import Clock
from mockcasa.config import Settings
from mockcasa.models.common import new_id
from mockcasa.store import Collection

if TYPE_CHECKING:
    from mockcasa.engine.resource import Resource


@dataclass
class Member:
    id: str
    name: str
    email: str | None = None
    role: str = "owner"


@dataclass
class ApiKey:
    key: str
    organization_id: str
    scopes: frozenset[str]
    name: str = "default"
    rate_limit: int | None = None  # None: the sandbox-wide default
    id: str = field(default_factory=new_id)


class Organization:
    """One tenant: its own clock, members, counters and a collection per resource."""

    def __init__(self, resources: dict[str, Resource], *, id: str | None = None, name: str = "Sandbox Studio",
                 currency: str = "USD", tax_rate: float = 0.0) -> None:
        self.id = id or new_id()
        self.name = name
        self.currency = currency
        self.tax_rate = tax_rate
        self.clock = Clock()
        # Up to when time-driven rules (invoice overdue, proposal expiry) have been applied.
        self.observed_at: datetime | None = None
        self.members: dict[str, Member] = {}
        self.counters: dict[str, int] = {}
        self.collections: dict[str, Collection] = {
            name: Collection(resource.indexed_fields, resource.ranged_fields) for name, resource in resources.items()}
        # Extension point for cross-cutting features (idempotency keys, rate windows, ...).
        self.extras: dict[str, Any] = {}

    def __getitem__(self, resource_name: str) -> Collection:
        return self.collections[resource_name]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: if the block raises, every record, index and counter is as it was.

        Collections log how to take back each change while the block runs; nested blocks join
        the outer one. Requests, dashboard actions and clock hooks run their changes in one.
        """
        collections = self.collections.values()
        if any(c.undo is not None for c in collections):
            yield
            return
        undo: list = []
        counters, members = dict(self.counters), dict(self.members)
        for c in collections:
            c.undo = undo
        try:
            yield
        except BaseException:
            for c in collections:
                c.undo = None
            for collection, change, record in reversed(undo):
                collection.take_back(change, record)
            self.counters, self.members = counters, members
            raise
        finally:
            for c in collections:
                c.undo = None

    def next_number(self, prefix: str) -> str:
        """Sequential document numbers per organization: INV-0001, PROP-0001, CON-0001."""
        n = self.counters.get(prefix, 0) + 1
        self.counters[prefix] = n
        return f"{prefix}-{n:04d}"

    def add_member(self, name: str, email: str | None = None, role: str = "owner",
                   id: str | None = None) -> Member:
        member = Member(id=id or new_id(), name=name, email=email, role=role)
        self.members[member.id] = member
        return member

    def copy(self) -> Organization:
        """An independent copy to stage changes on (seeds, imports); ``adopt`` takes it back."""
        clone = copy.copy(self)  # attributes other features add come along
        clone.clock = Clock()
        clone.clock.restore(self.clock.state())
        clone.members = dict(self.members)
        clone.counters = dict(self.counters)
        clone.collections = {name: c.copy() for name, c in self.collections.items()}
        clone.extras = dict(self.extras)
        return clone

    def adopt(self, staged: Organization) -> None:
        """Take over a staged copy's state, keeping this object and its clock (others may hold them)."""
        self.__dict__.update({k: v for k, v in vars(staged).items() if k not in ("id", "clock")})
        self.clock.restore(staged.clock.state())

    def reset(self) -> None:
        for collection in self.collections.values():
            collection.clear()
        self.counters.clear()
        self.extras.clear()
        self.clock.reset()


def generate_api_key() -> str:
    return "cc_test_" + secrets.token_hex(16)


class Sandbox:
    """Every organization and credential of one running mockcasa."""

    def __init__(self, resources: dict[str, Resource], all_scopes: frozenset[str],
                 settings: Settings | None = None) -> None:
        self.resources = resources
        self.all_scopes = all_scopes
        # The server's settings, for rules that depend on them (which webhook URLs are accepted).
        self.settings = settings if settings is not None else Settings()
        self.organizations: dict[str, Organization] = {}
        self.api_keys: dict[str, ApiKey] = {}
        # Other credential kinds (OAuth tokens) plug in here: (sandbox, token) -> Principal | None.
        self.authenticators: list[Callable[[Sandbox, str], Any]] = []
        # Called with (organization, [(event, payload), ...]) after each committed change.
        self.listeners: list[Callable[[Organization, list], None]] = []
        # Sandbox-wide services keyed by name (the OAuth server: its apps, signing key, tokens).
        self.extras: dict[str, Any] = {}

    def publish(self, org: Organization, events: list) -> None:
        for listener in self.listeners:
            listener(org, events)

    def clock_moved(self, org: Organization, before: datetime, after: datetime) -> None:
        """Run every resource's ``on_clock_change`` hook for ``org`` and publish what they emit.

        The span starts where the last run ended (``org.observed_at``) when that is earlier, so
        real time that flowed by on a running clock before a jump is covered too.
        """
        from mockcasa.engine.resource import Ctx

        observed = getattr(org, "observed_at", None)
        if observed is not None and observed < before <= after:
            before = observed
        org.observed_at = after
        ctx = Ctx(org=org, sandbox=self)
        for resource in self.resources.values():
            if resource.on_clock_change is not None:
                resource.on_clock_change(ctx, before, after)
        if ctx.events:
            self.publish(org, ctx.events)

    def tick(self) -> None:
        """Apply time-driven rules to running clocks: real time passing a due date is a change too.

        The app calls this periodically (``Settings.clock_tick_seconds``); a jump of the clock
        (freeze, set, advance) runs the same hooks at once.
        """
        for org in list(self.organizations.values()):
            try:
                observed = getattr(org, "observed_at", None)
                now = org.clock.now()
                if observed is None or org.clock.frozen:
                    org.observed_at = now
                elif now > observed:
                    self.clock_moved(org, observed, now)
            except Exception:  # one organization's failing rule must not stop the others' events
                logging.getLogger("mockcasa").exception("time-driven rules failed for organization %s",
                                                        org.id)

    def add_organization(self, org: Organization) -> Organization:
        """Make a built organization live: the one way in, so every feature's wiring applies to it."""
        self.organizations[org.id] = org
        org.observed_at = org.clock.now()
        org.clock.listeners.append(partial(self.clock_moved, org))
        return org

    def create_organization(self, *, id: str | None = None, name: str = "Sandbox Studio",
                            currency: str = "USD", tax_rate: float = 0.0,
                            with_member: bool = True) -> Organization:
        org = Organization(self.resources, id=id, name=name, currency=currency, tax_rate=tax_rate)
        if org.id in self.organizations:
            raise ValueError(f"organization {org.id} already exists")
        self.add_organization(org)
        if with_member:
            org.add_member("Sandbox Owner", "owner@example.com")
        return org

    def issue_key(self, org: Organization, *, key: str | None = None, scopes: frozenset[str] | None = None,
                  name: str = "default", rate_limit: int | None = None) -> ApiKey:
        api_key = ApiKey(key=key or generate_api_key(), organization_id=org.id,
                         scopes=self.all_scopes if scopes is None else frozenset(scopes),
                         name=name, rate_limit=rate_limit)
        if api_key.key in self.api_keys:
            raise ValueError(f"API key {api_key.key!r} is already in use")
        self.api_keys[api_key.key] = api_key
        return api_key

    def remove_organization(self, org_id: str) -> None:
        self.organizations.pop(org_id, None)
        for key in [k for k, v in self.api_keys.items() if v.organization_id == org_id]:
            del self.api_keys[key]

    def clear(self) -> None:
        self.organizations.clear()
        self.api_keys.clear()
