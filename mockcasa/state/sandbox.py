"""Every organization and credential of one running mockcasa, with the sandbox-wide state, declared.

The sandbox-wide pieces, in snapshot order: organizations (each with its own declared pieces),
API keys, OAuth (apps, signing key, grants, codes, access and refresh tokens) and fault rules
with their counts. Services that are not state (authenticators, event listeners, the settings)
are plain attributes and are never reset, exported or imported.

Nothing here is module-level: a ``Sandbox`` lives on one aiohttp app, so two apps in one process
(two pytest tests) share nothing.
"""

from __future__ import annotations

import logging
import secrets
import weakref
from collections import ChainMap
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Self

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PydanticField
from pydantic.alias_generators import to_camel

from mockcasa.config import Settings
from mockcasa.models.common import is_uuid, new_id
from mockcasa.revisions import DEFAULT as DEFAULT_REVISION
from mockcasa.scenarios.rules import FaultRules, RuleData, dump_rules, load_rules
from mockcasa.state.declare import (
    Declared,
    Loading,
    adopt,
    capture_pieces,
    data_model,
    empty_values,
    export,
    fill_empty,
    load_values,
    piece,
)
from mockcasa.state.oauth import OAuthData, OAuthState
from mockcasa.state.organization import Organization, OrganizationData

if TYPE_CHECKING:
    from mockcasa.state.kinds import RecordKind


@dataclass
class ApiKey:
    key: str
    organization_id: str
    scopes: frozenset[str]
    name: str = "default"
    rate_limit: int | None = None  # None: the sandbox-wide default
    id: str = field(default_factory=new_id)


class ApiKeyData(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", defer_build=True)
    id: str
    key: Annotated[str, PydanticField(min_length=1)]
    organization_id: str
    name: str = "default"
    scopes: list[str]
    rate_limit: int | None = None


class ApiKeys(dict[str, ApiKey]):
    """API keys by key, indexed by organization too.

    Removing an organization (``remove_organization``, a fresh organization per test) drops its
    keys without scanning every key of the sandbox (1.2 ms at 10,000 organizations), and the admin
    API lists one organization's keys the same way. Every way of changing the dict keeps the index.
    """

    def __init__(self, keys: Mapping[str, ApiKey] | None = None) -> None:
        super().__init__()
        self._by_organization: dict[str, dict[str, ApiKey]] = {}
        if keys:
            self.update(keys)

    def of(self, organization_id: str) -> list[ApiKey]:
        """The keys of one organization, in the order they were issued."""
        return list(self._by_organization.get(organization_id, {}).values())

    def __setitem__(self, key: str, api_key: ApiKey) -> None:
        if key in self:
            self._unindex(key)
        super().__setitem__(key, api_key)
        self._by_organization.setdefault(api_key.organization_id, {})[key] = api_key

    def __delitem__(self, key: str) -> None:
        self._unindex(key)
        super().__delitem__(key)

    def _unindex(self, key: str) -> None:
        org_id = self[key].organization_id
        keys = self._by_organization.get(org_id)
        if keys is not None:
            keys.pop(key, None)
            if not keys:
                del self._by_organization[org_id]

    def pop(self, key: str, *default: Any) -> Any:
        if key not in self:
            return super().pop(key, *default)
        self._unindex(key)
        return super().pop(key)

    def popitem(self) -> tuple[str, ApiKey]:
        key = next(reversed(self))
        return key, self.pop(key)

    def setdefault(self, key: str, default: ApiKey) -> ApiKey:  # type: ignore[override]
        if key not in self:
            self[key] = default
        return self[key]

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, api_key in dict(*args, **kwargs).items():
            self[key] = api_key

    def __ior__(self, other: Any) -> Self:  # type: ignore[override]
        self.update(other)
        return self

    def clear(self) -> None:
        super().clear()
        self._by_organization.clear()

    def forget(self, organization_id: str) -> None:
        """Drop every key of one organization."""
        for key in list(self._by_organization.get(organization_id, ())):
            del self[key]


def generate_api_key() -> str:
    return "cc_test_" + secrets.token_hex(16)


def load_organization(data: BaseModel, loading: Loading) -> Organization:
    """An organization exactly as described (records validated, references checked, derived values
    computed), not registered.

    Its records are loaded as its revision's resources (an unknown revision is reported by the piece).
    """
    revision = data.api_revision or DEFAULT_REVISION
    loading = replace(loading, resources=loading.revisions.get(revision, loading.resources))
    org = Organization(loading.resources, api_revision=revision)
    org.__dict__.update(load_values(Organization, data, loading, org))
    if not loading.problems:
        # Derived values (invoice status) computed now, with the records, not on the first read.
        today = org.clock.today()
        for collection in org.collections.values():
            collection.sync(today)
    return org


def _load_organizations(data: list[BaseModel], loading: Loading) -> dict[str, Organization]:
    for i, item in enumerate(data):
        if not is_uuid(item.id) or item.id in loading.organizations:
            loading.problem((i, "id"), "must be a UUID not used by another organization")
            continue
        loading.organizations[item.id] = load_organization(item, loading.at(i))
    return dict(loading.organizations)


def _adopt_organizations(sandbox: Sandbox, orgs: dict[str, Organization]) -> None:
    sandbox.organizations = {}
    sandbox._running.clear()
    for org in orgs.values():
        sandbox.add_organization(org)


def _dump_keys(keys: dict[str, ApiKey]) -> list[dict]:
    return [{"id": k.id, "key": k.key, "organizationId": k.organization_id, "name": k.name,
             "scopes": sorted(k.scopes), "rateLimit": k.rate_limit} for k in keys.values()]


def _load_keys(data: list[ApiKeyData], loading: Loading) -> ApiKeys:
    keys = ApiKeys()
    for i, key in enumerate(data):
        if key.organization_id not in loading.organizations:
            loading.problem((i, "organizationId"), "no organization with this id in the snapshot")
        elif key.key in keys:
            loading.problem((i, "key"), "duplicate API key")
        elif unknown := sorted(set(key.scopes) - loading.all_scopes):
            loading.problem((i, "scopes"), f"unknown scopes: {', '.join(unknown)}")
        else:
            keys[key.key] = ApiKey(key=key.key, organization_id=key.organization_id, scopes=frozenset(key.scopes),
                                   name=key.name, rate_limit=key.rate_limit, id=key.id)
    return keys


def _for(org: Organization, method: Callable[..., None]) -> Callable[..., None]:
    """``partial(method, org)`` for ``org``'s own clock to call, without the clock keeping ``org``
    alive: a strong reference back would make every organization a reference cycle, left for the
    cycle collector when it is dropped (see ``mockcasa.store.Family``)."""
    ref = weakref.ref(org)

    def call(*args: Any) -> None:
        org = ref()
        if org is not None:
            method(org, *args)

    return call


class Sandbox(Declared):
    """Every organization and credential of one running mockcasa."""

    organizations: dict[str, Organization] = piece(
        "organizations", list[OrganizationData], empty=lambda sandbox: {},
        dump=lambda orgs: [export(org) for org in orgs.values()], load=_load_organizations,
        adopt=_adopt_organizations, forget=lambda orgs, org_id: orgs.pop(org_id, None),
        capture=lambda orgs: [capture_pieces(org) for org in orgs.values()])
    api_keys: ApiKeys = piece("apiKeys", list[ApiKeyData], empty=lambda sandbox: ApiKeys(), dump=_dump_keys,
                              load=_load_keys, forget=ApiKeys.forget)
    oauth: OAuthState = piece("oauth", OAuthData, empty=lambda sandbox: OAuthState(), dump=OAuthState.dump,
                              load=OAuthState.load, forget=OAuthState.forget)
    faults: FaultRules = piece("faultRules", list[RuleData], empty=lambda sandbox: FaultRules(), dump=dump_rules,
                               load=load_rules, adopt=lambda sandbox, rules: sandbox.faults.take_over(rules))

    def __init__(self, resources: Mapping[str, RecordKind], all_scopes: frozenset[str],
                 settings: Settings | None = None, *,
                 revisions: Mapping[str, Mapping[str, RecordKind]] | None = None) -> None:
        # Each API revision's resources (``mockcasa.resources.all_revisions``); ``resources`` are
        # those of organizations that name no revision (``settings.api_revision``).
        self.resources = resources
        self.all_scopes = all_scopes
        # The server's settings, for rules that depend on them (which webhook URLs are accepted).
        self.settings = settings if settings is not None else Settings()
        # A view, not a copy: a revision no organization uses is never built (``Revisions``).
        self.revisions: Mapping[str, Mapping[str, RecordKind]] = ChainMap(
            {self.settings.api_revision: resources}, revisions or {})  # type: ignore[arg-type]
        # Other credential kinds (OAuth tokens) plug in here: (sandbox, token) -> Principal | None.
        self.authenticators: list[Callable[[Sandbox, str], Any]] = []
        # Called with (organization, [(event, payload), ...]) after each committed change.
        self.listeners: list[Callable[[Organization, list], None]] = []
        # Called with the ids of organizations whose state was replaced (None: all of them) after a
        # reset or an import, so services holding work for them (webhook queues) follow.
        self.restore_listeners: list[Callable[[Collection[str] | None], None]] = []
        # Called with (organization, now) after an organization's clock moved and its time-driven
        # rules ran, so services with work due on it (webhook retries) follow.
        self.clock_listeners: list[Callable[[Organization, datetime], None]] = []
        # The organizations whose clocks run, for ``tick``: kept by their clocks' run listeners;
        # an organization no longer in ``organizations`` is dropped when the tick meets it.
        self._running: dict[str, Organization] = {}
        fill_empty(self)

    # -- the world as a whole (snapshots, resets)

    def export(self) -> dict[str, Any]:
        """Every declared piece as JSON-compatible data (``mockcasa.snapshot`` adds the header)."""
        return export(self)

    def capture(self) -> dict[str, Any]:
        """``export`` with its costly parts deferred, to finish off the event loop (state files)."""
        return capture_pieces(self)

    def loaded(self, data: BaseModel, loading: Loading) -> dict[str, Any]:
        """Every piece's value from ``data`` (``data_model(Sandbox)``), built aside: nothing live is
        read or changed, so an import can build them on a worker thread; problems go to ``loading``."""
        return load_values(Sandbox, data, loading, self)

    def take_over(self, values: dict[str, Any]) -> None:
        """Replace every piece with values ``loaded`` built: one step, so no request sees half of it."""
        adopt(self, values)
        self._restored(None)

    def clear(self) -> None:
        """Nothing at all: no organizations, keys, OAuth apps or tokens, fault rules."""
        adopt(self, empty_values(self))
        self._restored(None)

    def restore_organization(self, org: Organization, data: BaseModel | None, loading: Loading | None) -> None:
        """Put ``org`` back to ``data`` (an exported state of itself), or empty it when None."""
        if data is None:
            org.reset()
        else:
            staged = load_organization(data, loading)
            if loading.problems:
                return
            org.adopt(staged)
        self._restored([org.id])

    def _restored(self, organization_ids: Collection[str] | None) -> None:
        for listener in self.restore_listeners:
            listener(organization_ids)

    # -- time

    def publish(self, org: Organization, events: list) -> None:
        for listener in self.listeners:
            listener(org, events)

    def clock_moved(self, org: Organization, before: datetime, after: datetime) -> None:
        """Run every resource's ``on_clock_change`` hook for ``org`` and publish what they emit.

        The span starts where the last run ended (``org.observed_at``) when that is earlier, so
        real time that flowed by on a running clock before a jump is covered too. What expired on
        the organization's clock (idempotency keys, OAuth codes and tokens) is purged.
        """
        observed = org.observed_at
        if observed is not None and observed < before <= after:
            before = observed
        org.observed_at = after
        self.purge_expired(org)
        events = []
        for kind in org.resources.values():  # its revision's
            events += kind.clock_changed(self, org, before, after)
        if events:
            self.publish(org, events)
        for listener in self.clock_listeners:
            listener(org, after)

    def purge_expired(self, org: Organization) -> None:
        org.idempotency_keys.purge(org.clock.timestamp())
        self.oauth.purge(org)

    def tick(self) -> None:
        """Apply time-driven rules to running clocks: real time passing a due date is a change too.

        The app calls this periodically (``Settings.clock_tick_seconds``); a jump of the clock
        (freeze, set, advance) runs the same hooks at once. Only organizations whose clocks run are
        visited: on a frozen clock nothing falls due until it jumps (which runs the hooks) or runs
        again (from when it was last observed), so thousands of frozen test organizations cost
        the tick nothing.
        """
        for org_id, org in list(self._running.items()):
            if self.organizations.get(org_id) is not org or org.clock.frozen:
                self._running.pop(org_id, None)  # removed or replaced since; or stopped unseen
                continue
            try:
                observed = org.observed_at
                now = org.clock.now()
                if observed is None:
                    org.observed_at = now
                    self.purge_expired(org)
                elif now > observed:
                    self.clock_moved(org, observed, now)
            except Exception:  # one organization's failing rule must not stop the others' events
                logging.getLogger("mockcasa").exception("time-driven rules failed for organization %s", org.id)

    # -- organizations and keys

    def add_organization(self, org: Organization) -> Organization:
        """Make a built organization live: the one way in, so every feature's wiring applies to it."""
        self.organizations[org.id] = org
        if org.observed_at is None:
            org.observed_at = org.clock.now()
        org.clock.listeners.append(_for(org, self.clock_moved))
        org.clock.run_listeners.append(_for(org, self._clock_ran))
        self._clock_ran(org)
        return org

    def _clock_ran(self, org: Organization) -> None:
        """Keep ``_running`` up to date as ``org``'s clock stops and starts."""
        if org.clock.frozen:
            if self._running.get(org.id) is org:
                del self._running[org.id]
        elif self.organizations.get(org.id) is org:
            self._running[org.id] = org

    def create_organization(self, *, id: str | None = None, name: str = "Sandbox Studio",
                            currency: str = "USD", tax_rate: float = 0.0, api_revision: str | None = None,
                            with_member: bool = True) -> Organization:
        """A new, empty organization, served ``api_revision`` (default: the server's setting)."""
        revision = api_revision or self.settings.api_revision
        org = Organization(self.resources_of(revision), id=id, name=name, currency=currency, tax_rate=tax_rate,
                           api_revision=revision)
        if org.id in self.organizations:
            raise ValueError(f"organization {org.id} already exists")
        self.add_organization(org)
        if with_member:
            org.add_member("Sandbox Owner", "owner@example.com")
        return org

    def resources_of(self, revision: str) -> Mapping[str, RecordKind]:
        """The resources an organization of ``revision`` is served; KeyError for one this sandbox lacks."""
        return self.revisions[revision]

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
        """Remove an organization and whatever sandbox-wide state belongs to it (keys, OAuth apps)."""
        for p in self.pieces:
            if p.forget is not None:
                p.forget(getattr(self, p.name), org_id)
        self._running.pop(org_id, None)
        self._restored([org_id])


SandboxData = data_model(Sandbox)
