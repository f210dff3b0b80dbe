"""One tenant and every piece of its state, declared.

The pieces, in snapshot order: identity and settings (``id``, ``name``, ``currency``,
``taxRate``, ``apiRevision``), the mock clock and how far its time-driven rules have run (``observedAt``),
members, document counters, records, idempotency keys, rate-limit windows and the webhook
delivery log. Reset, export, import, copy and adopt walk this list (``mockcasa.state.declare``).
"""

from __future__ import annotations

import copy as shallow
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from mockcasa.clock import Clock
from mockcasa.models.common import RecordIds, new_id
from mockcasa.revisions import DEFAULT as DEFAULT_REVISION
from mockcasa.revisions import REVISIONS
from mockcasa.state.declare import (
    Declared,
    Loading,
    adopt,
    copy_values,
    data_model,
    empty_values,
    fill_empty,
    piece,
    same,
)
from mockcasa.state.idempotency import EntryData, IdempotencyKeys
from mockcasa.state.rate_windows import RateWindows, WindowData, copy_windows, dump_windows, load_windows
from mockcasa.state.records import (
    RecordsData,
    capture_records,
    copy_collections,
    dump_records,
    empty_collections,
    load_records,
)
from mockcasa.store import Collection
from mockcasa.undo import undo_log
from mockcasa.webhooks.log import DeliveryData, DeliveryLog

if TYPE_CHECKING:
    from mockcasa.state.kinds import RecordKind


@dataclass
class Member:
    id: str
    name: str
    email: str | None = None
    role: str = "owner"


class _Data(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", defer_build=True)


class MemberData(_Data):
    id: str
    name: str
    email: str | None = None
    role: str = "owner"


class ClockData(_Data):
    frozen_at: str | None = None
    offset_microseconds: int = 0


def _new_clock(state: dict) -> Clock:
    clock = Clock()
    clock.restore(state)
    return clock


def _load_clock(data: ClockData, loading: Loading) -> Clock:
    try:
        return _new_clock(data.model_dump(by_alias=True))
    except ValueError as exc:
        loading.problem(("frozenAt",), f"not an ISO 8601 instant: {exc}")
        return Clock()


def _adopt_clock(org: Organization, clock: Clock) -> None:
    org.clock.restore(clock.state())  # the same object: the sandbox listens to it, requests hold it


def _load_members(data: list[MemberData], loading: Loading) -> dict[str, Member]:
    members: dict[str, Member] = {}
    for i, m in enumerate(data):
        if m.id in members:
            loading.problem((i, "id"), "another member has this id")
        members[m.id] = Member(id=m.id, name=m.name, email=m.email, role=m.role)
    return members


def _dump_members(members: dict[str, Member]) -> list[dict]:
    return [{"id": m.id, "name": m.name, "email": m.email, "role": m.role} for m in members.values()]


def _isoformat(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()


def _load_instant(text: str, loading: Loading) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        loading.problem((), "not an ISO 8601 instant")
        return None


def _load_revision(name: str, loading: Loading) -> str:
    if name not in REVISIONS:
        loading.problem((), f"unknown API revision; known: {', '.join(REVISIONS)}")
    return name


def _keep(org: Organization, value: Any) -> None:
    """Adopting never changes an organization's id (it is how everything else finds it)."""


class Transaction:
    """``Organization.transaction``: a context manager, not a generator, as every write opens one.

    The collections log how to take back each change while the block runs, in the one log they
    share (``mockcasa.undo``), so opening and closing costs the same however many collections there
    are; nested blocks join the outer one. Requests, dashboard actions and clock hooks run their
    changes in one. Members and counters are copied (both small); nothing else is changed inside a
    request's transaction (idempotency keys and rate windows are the HTTP layers', outside of it).
    """

    __slots__ = ("_counters", "_log", "_members", "_org")

    def __init__(self, org: Organization) -> None:
        self._org = org
        self._log = None

    def __enter__(self) -> None:
        org = self._org
        log = undo_log(org.collections)
        if log.changes is None:  # else an outer block is open: this one is part of it
            self._log, self._counters, self._members = log, dict(org.counters), dict(org.members)
            log.changes = []

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: object) -> None:
        log = self._log
        if log is None:
            return
        if kind is None:
            log.changes = None
            return
        try:
            log.rollback()
        finally:
            log.changes = None
            self._org.counters, self._org.members = self._counters, self._members


class Organization(Declared):
    """One tenant: its own clock, members, counters, records, and the caches of its requests."""

    id: str = piece("id", str, empty=lambda org: new_id(), dump=same, load=same, copy=same, adopt=_keep,
                    required=True, kept_on_reset=True)
    name: str = piece("name", str, empty=lambda org: "Sandbox Studio", dump=same, load=same, copy=same,
                      required=True, kept_on_reset=True)
    currency: str = piece("currency", str, empty=lambda org: "USD", dump=same, load=same, copy=same,
                          required=True, kept_on_reset=True)
    tax_rate: float = piece("taxRate", float, empty=lambda org: 0.0, dump=same, load=same, copy=same,
                            required=True, kept_on_reset=True)
    # Which revision of the API it is served (one for its whole life; a snapshot from before
    # revisions existed names none and is 1.0.0). Its records are that revision's resources.
    api_revision: str = piece("apiRevision", str, empty=lambda org: DEFAULT_REVISION, dump=same,
                              load=_load_revision, copy=same, kept_on_reset=True)
    clock: Clock = piece("clock", ClockData, empty=lambda org: Clock(), dump=Clock.state, load=_load_clock,
                         copy=lambda clock: _new_clock(clock.state()), adopt=_adopt_clock)
    # Up to when time-driven rules (invoice overdue, proposal expiry) have been applied.
    observed_at: datetime | None = piece("observedAt", str, empty=lambda org: None, dump=_isoformat,
                                         load=_load_instant, copy=same)
    members: dict[str, Member] = piece("members", list[MemberData], empty=lambda org: {}, dump=_dump_members,
                                       load=_load_members, copy=dict, kept_on_reset=True)
    counters: dict[str, int] = piece("counters", dict[str, int], empty=lambda org: {}, dump=dict,
                                     load=lambda data, loading: dict(data), copy=dict)
    collections: dict[str, Collection] = piece("records", RecordsData,
                                               empty=lambda org: empty_collections(org.resources, org.clock.today()),
                                               dump=dump_records, load=load_records, copy=copy_collections,
                                               capture=capture_records)
    idempotency_keys: IdempotencyKeys = piece("idempotencyKeys", list[EntryData],
                                              empty=lambda org: IdempotencyKeys(), dump=IdempotencyKeys.dump,
                                              load=IdempotencyKeys.load, copy=IdempotencyKeys.copy,
                                              capture=IdempotencyKeys.capture)
    rate_windows: RateWindows = piece("rateLimitWindows", list[WindowData], empty=lambda org: {},
                                      dump=dump_windows, load=load_windows, copy=copy_windows)
    webhook_deliveries: DeliveryLog = piece("webhookDeliveries", list[DeliveryData],
                                            empty=lambda org: DeliveryLog(), dump=DeliveryLog.dump,
                                            load=DeliveryLog.load, copy=DeliveryLog.copy)

    def __init__(self, resources: Mapping[str, RecordKind], *, id: str | None = None, name: str = "Sandbox Studio",
                 currency: str = "USD", tax_rate: float = 0.0, api_revision: str = DEFAULT_REVISION) -> None:
        # What ``records`` holds (one collection per resource) and what the API serves it: the
        # resources of its revision.
        self.resources = resources
        self.record_ids = RecordIds()  # ids of the records it creates (a copy shares the generator)
        fill_empty(self)
        self.api_revision = api_revision
        self.id = id or self.id
        self.name = name
        self.currency = currency
        self.tax_rate = tax_rate

    def __getitem__(self, resource_name: str) -> Collection:
        return self.collections[resource_name]

    def transaction(self) -> Transaction:
        """All or nothing: if the block (``with org.transaction():``) raises, every record, index and
        counter is as it was (see ``Transaction``)."""
        return Transaction(self)

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
        clone = shallow.copy(self)
        clone.__dict__.update(copy_values(self))
        return clone

    def adopt(self, staged: Organization) -> None:
        """Take over a staged copy's state, keeping this object, its id and its clock (others hold them)."""
        self.resources = staged.resources  # a restored snapshot of another revision brings its resources
        adopt(self, {p.name: getattr(staged, p.name) for p in self.pieces})

    def reset(self) -> None:
        """Empty every piece but the organization's identity and members: no records, counters,
        caches or deliveries, and a clock back on real time."""
        adopt(self, empty_values(self, reset=True))


OrganizationData = data_model(Organization)
