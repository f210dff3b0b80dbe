"""Staging one organization's seeded content: clock, members, API keys, records, generated records.

Records are written in the resource's read shape and may carry system-managed fields.
Each record is shaped (aliases, relative dates), completed (id, createdAt, updatedAt),
normalised by the resource's ``on_seed`` hook, validated against the read model and
added; references are checked once everything is in.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import ValidationError

from mockcasa.engine.resource import Ctx, Resource
from mockcasa.errors import ApiError
from mockcasa.models.common import derived_id, is_uuid
from mockcasa.seeding.models import ApiKeySeed, ClockSeed, OAuthAppSeed, OrganizationContent
from mockcasa.seeding.shape import AliasTable, Shaper
from mockcasa.state import ApiKey
from mockcasa.state.records import dangling_references

if TYPE_CHECKING:
    from mockcasa.source_files import Document, Loc, Problem
    from mockcasa.state import Organization, Sandbox


class Staging(Protocol):
    """What an organization's builder needs of the seed being staged (``seeding.staging.Staging``):
    the sandbox, where problems go, and what other organizations of the seed already claimed."""

    sandbox: Sandbox
    problems: list[Problem]
    keys: dict[str, ApiKey]
    oauth_apps: list[tuple[Organization, Any]]
    oauth_client_ids: set[str]

    def key_taken(self, key: str) -> bool: ...


seeded_id = derived_id  # seeds load with the same ids every time
SEED_ALIASES = "seed_aliases"


def remember_aliases(org: Organization, entries: dict[str, tuple[str, str]]) -> None:
    """Keep the seed's aliases on the organization (``org.seed_aliases``: alias -> (resource, id)),
    so the admin API and the CLI accept ``acme`` where they take a record id.

    A lookup aid, not state: it is not reset, exported or imported (an alias naming a record that
    is gone finds nothing), and a copy of the organization shares it.
    """
    if entries:
        setattr(org, SEED_ALIASES, {**aliases_of(org), **entries})


def aliases_of(org: Organization) -> dict[str, tuple[str, str]]:
    return getattr(org, SEED_ALIASES, {})


def split_path(path: str) -> Loc:
    """``assignments[0].projectId`` -> ``("assignments", 0, "projectId")``, so the problem finds its line."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"[.\[\]]+", path) if p)


def dependency_order(resources: dict[str, Resource]) -> list[str]:
    """Resources with the ones they refer to first (contract order otherwise; cycles broken in it)."""
    names = list(resources)
    needs = {n: {r.target for r in resources[n].refs if r.target in resources and r.target != n} for n in names}
    order: list[str] = []
    while len(order) < len(names):
        pending = [n for n in names if n not in order]
        order.append(next((n for n in pending if needs[n] <= set(order)), pending[0]))
    return order


class OrgBuilder:
    def __init__(self, staging: Staging, org: Organization, doc: Document, loc: Loc, random_seed: str) -> None:
        self.staging = staging
        self.org = org
        self.doc = doc
        self.loc = loc
        self.random_seed = random_seed
        self.resources = org.resources  # its revision's
        self.ctx = Ctx.of(staging.sandbox, org)
        self.aliases = AliasTable()
        # Existing content changes the salt, so seeding the same org twice never reuses an id.
        self.salt = (random_seed, org.id, sum(len(c) for c in org.collections.values()), len(org.members))
        self.added: list[tuple[Resource, Any, Loc]] = []

    def report(self, loc: Loc, reason: str) -> None:
        self.staging.problems.append(self.doc.problem(self.loc + loc, self.aliases.name_ids(reason)))

    def new_id(self, kind: str, key: object) -> str:
        return seeded_id(*self.salt, kind, key)

    def build(self, content: OrganizationContent, *, new: bool) -> None:
        if content.clock is not None:
            self.clock(content.clock)
        self.members(content, add_default=new)
        for i, key in enumerate(content.api_keys):
            self.api_key(key, ("apiKeys", content.position("apiKeys", i)))
        for i, app in enumerate(getattr(content, "oauth_apps", ())):
            self.oauth_app(app, ("oauthApps", content.position("oauthApps", i)))
        self.records(content.records)
        if content.generate:
            self.generate(content.generate)
        self.check_references()
        remember_aliases(self.org, self.aliases.entries())

    def clock(self, seed: ClockSeed) -> None:
        if seed.freeze_at is not None:
            self.org.clock.freeze(seed.freeze_at)
        else:
            self.org.clock.reset()
            self.org.clock.set(seed.start_at)

    def members(self, content: OrganizationContent, *, add_default: bool) -> None:
        members = content.members
        if not members and add_default:
            self.org.add_member("Sandbox Owner", "owner@example.com", id=self.new_id("members", "default"))
        for i, member in enumerate(members):
            loc = ("members", content.position("members", i))
            member_id = member.id or self.new_id("members", member.alias or i)
            if not is_uuid(member_id):
                self.report(loc + ("id",), "must be a UUID")
                continue
            member_id = member_id.lower()
            if member_id in self.org.members:
                self.report(loc + ("id",), f"another member already has id {member_id}")
                continue
            self.org.add_member(member.name, member.email, member.role, id=member_id)
            if member.alias is not None:
                self.alias(member.alias, "members", member_id, loc)

    def api_key(self, seed: ApiKeySeed, loc: Loc) -> None:
        if self.staging.key_taken(seed.key):
            self.report(loc + ("key",), "this API key is already in use")
            return
        sandbox = self.staging.sandbox
        scopes = sandbox.all_scopes if seed.scopes == "*" else frozenset(seed.scopes)
        unknown = sorted(scopes - sandbox.all_scopes)
        if unknown:
            self.report(loc + ("scopes",), f"unknown scopes: {', '.join(unknown)}")
            return
        self.staging.keys[seed.key] = ApiKey(key=seed.key, organization_id=self.org.id, scopes=scopes,
                                             name=seed.name, rate_limit=seed.rate_limit,
                                             id=self.new_id("api-keys", seed.key))

    def oauth_app(self, declared: OAuthAppSeed, loc: Loc) -> None:
        """Check an OAuth app now; it is registered when the staging commits."""
        from mockcasa.oauth.apps import find_member
        from mockcasa.oauth.server import oauth_of

        taken = self.staging.oauth_client_ids
        found = oauth_of(self.staging.sandbox).apps.problems(
            client_id=declared.client_id, redirect_uris=declared.redirect_uris, scopes=declared.scopes,
            taken=taken)
        if declared.member is not None and find_member(self.org, declared.member) is None:
            found["member"] = f"no member with id or email {declared.member!r} in this organization"
        for path, reason in found.items():
            self.report(loc + split_path(path), reason)
        if declared.client_id:
            taken.add(declared.client_id)
        if not found:
            self.staging.oauth_apps.append((self.org, declared))

    def alias(self, alias: Any, kind: str, record_id: str, loc: Loc) -> None:
        if not isinstance(alias, str) or not alias.strip():
            self.report(loc + ("alias",), "must be a non-empty string")
        elif is_uuid(alias):
            self.report(loc + ("alias",), "must not look like a UUID (aliases name records that have none)")
        elif alias in self.aliases:
            self.report(loc + ("alias",), f"alias {alias!r} is already used for one of "
                                          f"{self.aliases.kind_of(alias)} in this organization")
        else:
            self.aliases.add(alias, kind, record_id)

    def records(self, records: dict[str, list[Any]]) -> None:
        for name in records:
            if name not in self.resources:
                self.report(("records", name), f"unknown resource (known: {', '.join(self.resources)})")
        # Aliases first, so a record may name one defined later in the file.
        planned = []
        for name in dependency_order(self.resources):
            for i, raw in enumerate(records.get(name, ())):
                loc = ("records", name, i)
                if not isinstance(raw, dict):
                    self.report(loc, f"must be a mapping of {self.resources[name].singular} fields")
                    continue
                raw = dict(raw)
                alias, record_id = raw.pop("alias", None), raw.pop("id", None)
                if record_id is not None and not (isinstance(record_id, str) and is_uuid(record_id)):
                    self.report(loc + ("id",), "must be a UUID (use alias to name a record)")
                    continue
                record_id = (record_id or self.new_id(name, f"alias:{alias}" if alias else i)).lower()
                if alias is not None:
                    self.alias(alias, name, record_id, loc)
                planned.append((self.resources[name], raw, record_id, loc))
        shaper = Shaper(self.ctx.now(), self.aliases, lambda loc, reason: self.staging.problems.append(
            self.doc.problem(loc, reason)))
        for resource, raw, record_id, loc in planned:
            before = len(self.staging.problems)
            targets = {ref.field: ref.target for ref in resource.refs}
            values = shaper.record(resource.model, raw, self.loc + loc, targets)
            if len(self.staging.problems) == before:
                self.insert(resource, {**values, "id": record_id}, loc)

    def generate(self, counts: dict[str, int]) -> None:
        from faker import Faker

        from mockcasa.seeding.generators import Gen, GenerationError, all_generators

        generators = all_generators()
        for name in counts:
            if name not in self.resources:
                self.report(("generate", name), f"unknown resource (known: {', '.join(self.resources)})")
            elif name not in generators:
                self.report(("generate", name), f"no generator for {name} yet (available: "
                                                f"{', '.join(sorted(generators))})")
        fake = Faker("en_US")
        made: dict[str, list[Any]] = {}
        # Registry order: what a generator refers to (or settles, or bundles) is generated before it.
        for name, generator in generators.items():
            if not counts.get(name) or name not in self.resources:
                continue
            fake.seed_instance(f"{self.random_seed}:{name}")
            loc = ("generate", name)
            made[name] = []
            gen = Gen(fake, self.org, self.ctx.now(), ctx=self.ctx, made=made,
                      record_id=lambda i, name=name: self.new_id(name, f"gen:{i}"))
            try:
                for i, values in enumerate(generator(gen, counts[name])):
                    record = self.insert(self.resources[name], {**values, "id": gen.record_id(i)}, loc)
                    if record is None:
                        break  # one report per generator is enough
                    made[name].append(record)
            except GenerationError as exc:
                self.report(loc, str(exc))
            except OverflowError:  # generated dates around a clock near year 1 or 9999
                self.report(loc, f"cannot generate {name} around {self.ctx.now().date()}: their dates "
                                 f"would fall outside the years 0001-9999")

    def insert(self, resource: Resource, values: dict[str, Any], loc: Loc) -> Any | None:
        """Normalise (``on_seed``), validate and store one record; None (and a report) if it cannot be."""
        values.setdefault("created_at", self.ctx.now())
        values.setdefault("updated_at", values["created_at"])
        if resource.on_seed is not None:
            try:
                values = resource.on_seed(self.ctx, values)
            except ApiError as exc:
                for field, reason in (exc.details or {}).items():
                    self.report(loc + split_path(str(field)), str(reason))
                if not exc.details:
                    self.report(loc, exc.message)
                return None
        try:
            record = resource.model.model_validate(values)
        except ValidationError as exc:
            self.staging.problems += self.doc.validation_problems(exc, self.loc + loc)
            return None
        collection = self.org[resource.name]
        if record.id in collection.records:
            self.report(loc + ("id",), f"another {resource.singular} already has id {record.id}")
            return None
        collection.add(record)
        self.added.append((resource, record, loc))
        return record

    def check_references(self) -> None:
        """Every id a seeded record holds must name a record of this organization (no dangling ids)."""
        for resource, record, loc in self.added:
            for where, reason in dangling_references(self.resources, self.org, resource, record):
                named = self.aliases.name_ids(reason)
                if named != reason:  # an alias that was given, to a record that could not be loaded
                    named += " (that record was not loaded: see its own problem)"
                self.report(loc + where, named)
