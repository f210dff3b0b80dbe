"""The declaration a resource makes; the engine does the rest.

A resource module builds one ``Resource``: its path segment (also the scope prefix),
its models, its operations, its filters, the references it holds to other resources,
and optional hooks for the rules only it has. Hooks raise ``Invalid``/``Conflict``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from itertools import combinations
from typing import TYPE_CHECKING, Any, Literal, get_args, get_origin

from pydantic import BaseModel

from mockcasa.engine.as_is import AsIs
from mockcasa.errors import Invalid, NotFound
from mockcasa.models.common import is_uuid, parse_timestamp

if TYPE_CHECKING:
    from mockcasa.config import Settings
    from mockcasa.state import Organization, Sandbox

OPERATIONS = ("list", "create", "get", "update", "delete")


def scope(resource_name: str, access: str) -> str:
    """The scope granting ``access`` ("read" or "write") to a resource: ``time-entries:write``."""
    return f"{resource_name}:{access}"


@dataclass
class Ctx:
    """What a hook may touch: its organization (records, clock, members, counters), the resource
    declarations (to reach other resources' records and rules) and the server's settings.

    Not the sandbox: a hook never sees another organization, a credential or the fault rules.
    Events it queues (``emit``) are published by whoever commits the change.
    """

    org: Organization
    resources: Mapping[str, Resource]
    settings: Settings
    events: list[tuple[str, Any]] = field(default_factory=list)

    @classmethod
    def of(cls, sandbox: Sandbox, org: Organization) -> Ctx:
        """The context for a change to ``org`` (one of ``sandbox``'s organizations): the resources
        are those of the organization's API revision."""
        return cls(org=org, resources=org.resources, settings=sandbox.settings)

    @property
    def clock(self):
        return self.org.clock

    def now(self) -> datetime:
        return self.org.clock.now()

    def today(self) -> date:
        return self.org.clock.today()

    def lookup(self, resource_name: str, record_id: str | None, field_name: str) -> Any:
        """A record this request refers to in a body field; 400 naming the field if it is not ours."""
        record = self.org[resource_name].get(record_id) if record_id else None
        if record is None:
            raise Invalid(field=field_name,
                          reason=f"no {self.resources[resource_name].singular} with id {record_id!r} "
                                 f"exists in this organization")
        return record

    def find(self, resource_name: str, record_id: str) -> Any:
        record = self.org[resource_name].get(record_id)
        if record is None:
            raise self.not_found(resource_name, record_id)
        return record

    def not_found(self, resource_name: str, record_id: str) -> NotFound:
        """The 404 for a record of ours that does not exist."""
        return NotFound(f"No {self.resources[resource_name].singular} with id {record_id!r} "
                        f"exists in your organization.")

    def emit(self, event: str, resource_name: str, record: Any) -> None:
        """Queue a webhook event; it is delivered after the request's state change is committed."""
        self.events.append((event, (resource_name, record)))


@dataclass
class Filter:
    """A list query parameter: how to parse it and which records it keeps."""

    param: str
    field: str | None
    parse: Callable[[str], Any]
    schema: dict[str, Any]
    # "eq" uses the field's index; other matchers are checked record by record.
    match: str | Callable[[Any, Any], bool] = "eq"
    # A filter on a computed field (invoice status) is checked on the derived record, not an index.
    derived: bool = False
    # ">=" or "<=" for an inclusive range end (dateFrom, startsBefore): served by a range index.
    bound: str | None = None

    @classmethod
    def enum(cls, param: str, values: Any, field: str | None = None) -> Filter:
        """``values``: the model's ``Literal`` type (``ClientStatus``) or a list of strings."""
        values = list(get_args(values)) if get_origin(values) is Literal else list(values)

        def parse(raw: str) -> str:
            if raw not in values:
                raise ValueError(f"must be one of: {', '.join(values)}")
            return raw
        return cls(param, field or _snake(param), parse, {"type": "string", "enum": list(values)})

    @classmethod
    def uuid(cls, param: str, field: str | None = None) -> Filter:
        def parse(raw: str) -> str:
            if not is_uuid(raw):
                raise ValueError("must be a UUID")
            return raw.lower()
        return cls(param, field or _snake(param), parse,
                   {"type": "string", "format": "uuid", "description": "UUID v4"})

    @classmethod
    def text(cls, param: str, field: str | None = None) -> Filter:
        """Exact match on a string field the contract does not type further (``eventDayId``, ``slug``)."""
        return cls(param, field or _snake(param), str, {"type": "string"})

    @classmethod
    def boolean(cls, param: str, field: str | None = None) -> Filter:
        return cls(param, field or _snake(param), _parse_bool, {"type": ["boolean", "null"]})

    @classmethod
    def date_bound(cls, param: str, field: str, op: str) -> Filter:
        """Inclusive date range end: ``op`` is ">=" or "<="."""
        return cls(param, field, _parse_date, {"type": "string", "format": "date"}, match=_bound(op), bound=op)

    @classmethod
    def timestamp_bound(cls, param: str, field: str, op: str) -> Filter:
        def parse(raw: str) -> datetime:
            try:
                return parse_timestamp(raw)
            except ValueError:
                raise ValueError("must be an ISO 8601 timestamp such as 2026-05-19T10:00:00.000Z") from None
        return cls(param, field, parse, {"type": "string", "format": "date-time",
                                         "description": "ISO 8601 timestamp (UTC)"}, match=_bound(op), bound=op)


def _bound(op: str) -> Callable[[Any, Any], bool]:
    if op == ">=":
        return lambda value, wanted: value is not None and value >= wanted
    return lambda value, wanted: value is not None and value <= wanted


def _parse_bool(raw: str) -> bool:
    if raw in ("true", "false"):
        return raw == "true"
    raise ValueError("must be true or false")


def _parse_date(raw: str) -> date:
    try:
        if len(raw) == 10:
            return date.fromisoformat(raw)
    except ValueError:
        pass
    raise ValueError("must be a date in the form YYYY-MM-DD")


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


@dataclass
class Ref:
    """A field holding the id of another resource in the same organization.

    The engine checks it on create and update (400 naming the field) and refuses to
    delete a record that others still point at (409), so no response ever shows a
    dangling id. ``many``: the field is a list of ids. ``same``: a field both records share
    (an invoice's projects and billing contact are its client's, ``same="client_id"``): naming
    a record whose value differs is a 400 naming the field, and the named record cannot change
    that value while it is named (409). A record whose value is null is anyone's.
    """

    field: str
    target: str
    many: bool = False
    same: str | None = None


@dataclass
class Derived:
    """A computed reference: a copy of a field of the record that another reference names.

    ``Derived("client_id", via="project_id", source="client_id")``: a time entry's clientId is its
    project's. The records library fills it on create and whenever ``via`` changes, and when the
    record ``via`` names changes ``source`` it updates every record that copies it, through that
    resource's own update rules (a frozen record refuses, and then nothing changes). ``via`` must
    be one of the resource's ``refs``, which says what kind of record it names.
    """

    field: str
    via: str
    source: str


# The hooks a resource may declare, by what the engine hands them. A hook raises ``Invalid`` (400)
# or ``Conflict`` (409) to refuse; the change then rolls back.
OnCreate = Callable[[Ctx, dict[str, Any]], dict[str, Any]]  # values -> values to store
OnUpdate = Callable[[Ctx, Any, dict[str, Any]], dict[str, Any]]  # (record, changes) -> changes
OnDelete = Callable[[Ctx, Any], None]  # record about to go
Derive = Callable[[Ctx, Any], Any]  # record -> record with computed fields, on every read
AfterCreate = Callable[[Ctx, Any], None]  # effects on other records, events
AfterUpdate = Callable[[Ctx, Any, Any], None]  # (updated, before)
AfterDelete = Callable[[Ctx, Any], None]
OnSeed = Callable[[Ctx, dict[str, Any]], dict[str, Any]]  # a seed's values (system fields allowed)
Action = Callable[[Ctx, Any, dict[str, Any]], Any]  # dashboard action: (record, params) -> record
CollectionAction = Callable[[Ctx, dict[str, Any]], Any]  # system event: params -> the new record
OnClockChange = Callable[[Ctx, datetime, datetime], None]  # (before, after): the clock jumped


@dataclass
class Resource:
    name: str  # path segment and scope prefix: "time-entries"
    singular: str  # "time entry", for messages
    model: type[BaseModel]  # the stored/read shape
    create_model: type[BaseModel] | None = None
    update_model: type[BaseModel] | None = None
    operations: tuple[str, ...] = OPERATIONS
    filters: list[Filter] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    derived: list[Derived] = field(default_factory=list)
    operation_names: dict[str, str] = field(default_factory=dict)  # list -> listClients
    descriptions: dict[str, str] = field(default_factory=dict)
    # Hooks (their signatures are the types above).
    on_create: OnCreate | None = None
    on_update: OnUpdate | None = None
    on_delete: OnDelete | None = None
    derive: Derive | None = None
    after_create: AfterCreate | None = None
    after_update: AfterUpdate | None = None
    after_delete: AfterDelete | None = None
    extra_indexes: tuple[str, ...] = ()
    # Webhook event emitted for every record created through the API ("client_created").
    created_event: str | None = None
    # on_seed(ctx, values) -> values: normalise a record written by a seed file, which may carry
    # system-managed fields the public API refuses (computed totals, numbers, statuses).
    on_seed: OnSeed | None = None
    # System/dashboard transitions the public API refuses, exposed by the admin API:
    # name -> action(ctx, record, params: dict) -> record (e.g. proposals: send, accept, reject).
    actions: dict[str, Action] = field(default_factory=dict)
    # System events that create records the public API cannot, exposed by the admin API on the
    # collection: name -> action(ctx, params: dict) -> the new record (payouts: create).
    collection_actions: dict[str, CollectionAction] = field(default_factory=dict)
    # on_clock_change(ctx, before, after): the organization's mock clock jumped (set, advance,
    # freeze at, reset). Emit time-driven events here (invoice_overdue, proposal_expired) with
    # ctx.emit; they are published like those of a request.
    on_clock_change: OnClockChange | None = None
    # summarize(ctx, record) -> record: how a record reads in a list when that differs from a GET
    # (a form submission's answers are left out of lists).
    summarize: Derive | None = None
    # What ``derive`` reads besides the record and today, so that the store keeps its derived
    # fields (those of filters marked ``derived``) indexed: (resource, field naming our record) for
    # the records it reads (an invoice's payments: ("payments", "invoice_id")), and the record's
    # indexed date fields through which today matters (``due_date``: overdue once today is past it).
    derived_inputs: tuple[tuple[str, str], ...] = ()
    derived_dates: tuple[str, ...] = ()
    # The stored record is the create body's values as they are, the other fields at their defaults,
    # plus id and timestamps (no ``on_create``): a POST builds it without validating twice (``as_is``).
    stored_as_created: bool = False

    @property
    def indexed_fields(self) -> tuple[str, ...]:
        fields = [f.field for f in self.filters if f.match == "eq" and f.field and not f.derived]
        fields += [r.field for r in self.refs] + list(self.extra_indexes)
        return tuple(dict.fromkeys(fields))

    @property
    def ranged_fields(self) -> tuple[str, ...]:
        """Fields with range filters (dateFrom/dateTo, startsAfter/startsBefore): kept in value order."""
        return tuple(dict.fromkeys(f.field for f in self.filters if f.bound and f.field and not f.derived))

    @property
    def paired_fields(self) -> tuple[tuple[str, str], ...]:
        """Every two equality filters' fields (derived ones too): their combined index is kept as
        records arrive, so the first query on both (``projects?clientId=…&status=…``) builds nothing.
        Three or more filters at once use an index built when first needed."""
        derived = self.derivation.fields if self.derivation is not None else ()
        fields = sorted({f.field for f in self.filters
                         if f.match == "eq" and f.field and (not f.derived or f.field in derived)})
        return tuple(combinations(fields, 2))

    @cached_property
    def derivation(self) -> Derivation | None:
        """How the store computes and indexes the derived fields filters name (None: none)."""
        fields = tuple(dict.fromkeys(f.field for f in self.filters if f.derived and f.match == "eq" and f.field))
        if self.derive is None or not fields:
            return None
        return Derivation(self, fields)

    @cached_property
    def as_is(self) -> AsIs | None:
        """How a POST builds the stored record from its validated body (``engine.as_is``), or None:
        validated again from the body's values. ``TypeError`` when the declaration cannot hold."""
        if not self.stored_as_created:
            return None
        if self.on_create is not None or self.create_model is None:
            raise TypeError(f"{self.name}: stored_as_created needs a create_model and no on_create hook")
        return AsIs(self.create_model, self.model)

    def target_of(self, field_name: str) -> str:
        """The resource a reference field of this one names."""
        return next(ref.target for ref in self.refs if ref.field == field_name)

    def clock_changed(self, sandbox: Sandbox, org: Organization, before: datetime, after: datetime) -> list:
        """Run ``on_clock_change`` for ``org``'s clock moving from ``before`` to ``after``; its events.

        The state layer calls this on every declared kind (``state.kinds.RecordKind``)."""
        org[self.name].sync(org.clock.today())  # derived fields first: the hook may read them
        if self.on_clock_change is None:
            return []
        ctx = Ctx.of(sandbox, org)
        self.on_clock_change(ctx, before, after)
        return ctx.events

    @property
    def read_scope(self) -> str:
        return scope(self.name, "read")

    @property
    def write_scope(self) -> str:
        return scope(self.name, "write")

    @property
    def tag(self) -> str:
        return self.name.replace("-", " ").title()

    def operation_id(self, op: str) -> str:
        if op in self.operation_names:
            return self.operation_names[op]
        title = self.model.__name__
        plural = self.operation_names.get("plural", title + "s")
        return {"list": f"list{plural}", "create": f"create{title}", "get": f"get{title}",
                "update": f"update{title}", "delete": f"delete{title}"}[op]


class Derivation:
    """A resource's derived fields as the store computes and indexes them (``store.Derivation``).

    The values are those ``Resource.derive`` shows, computed from the organization's collections
    and a given day only: a ``derive`` hook reads records (``ctx.org[name]``) and ``ctx.today()``,
    nothing else, and declares in ``derived_inputs``/``derived_dates`` what it reads.
    """

    def __init__(self, resource: Resource, fields: tuple[str, ...]) -> None:
        self.resource = resource
        self.fields = fields
        self.names = frozenset(fields)
        self.inputs = resource.derived_inputs
        self.dates = resource.derived_dates

    def values(self, collections: Mapping[str, Any], today: date, record: Any) -> tuple:
        ctx = Ctx(org=_AsOf(collections, today), resources={}, settings=None)  # type: ignore[arg-type]
        shown = self.resource.derive(ctx, record)
        return tuple(getattr(shown, f) for f in self.fields)


class _AsOf:
    """What a ``derive`` hook may read of its organization while the store derives: records and today."""

    __slots__ = ("_collections", "_today")

    def __init__(self, collections: Mapping[str, Any], today: date) -> None:
        self._collections, self._today = collections, today

    def __getitem__(self, resource_name: str) -> Any:
        return self._collections[resource_name]

    @property
    def clock(self) -> _AsOf:
        return self

    def today(self) -> date:
        return self._today
