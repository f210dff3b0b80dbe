"""The whole state as one JSON document, and back.

A snapshot holds every organization (settings, exact clock, members, document counters,
records of every resource including fields the API never serves) and every API key.
Timestamps keep their full precision, and records are listed in the store's own order,
so export -> import -> export gives identical bytes. Not included: fault rules, the
request journal and per-organization caches (idempotency keys, rate-limit windows).
An import is validated completely before it replaces anything.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from mockcasa.source_files import Document, DocumentError, Loc, Problem
from mockcasa.models.common import is_uuid
from mockcasa.seeding.organization import dangling_references
from mockcasa.state import ApiKey, Organization, Sandbox

FORMAT = "mockcasa-snapshot"
VERSION = 1


class SnapshotError(DocumentError):
    """A snapshot that cannot be imported; nothing was changed."""


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class MemberData(_Model):
    id: str
    name: str
    email: str | None = None
    role: str = "owner"


class ClockData(_Model):
    frozen_at: str | None = None
    offset_microseconds: int = 0


class OrganizationData(_Model):
    id: str
    name: str
    currency: str
    tax_rate: float
    clock: ClockData = Field(default_factory=ClockData)
    members: list[MemberData] = Field(default_factory=list)
    counters: dict[str, int] = Field(default_factory=dict)
    records: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)


class ApiKeyData(_Model):
    id: str
    key: Annotated[str, Field(min_length=1)]
    organization_id: str
    name: str = "default"
    scopes: list[str]
    rate_limit: int | None = None


class SnapshotData(_Model):
    format: Literal["mockcasa-snapshot"]
    version: Literal[1]
    organizations: list[OrganizationData] = Field(default_factory=list)
    api_keys: list[ApiKeyData] = Field(default_factory=list)


def record_data(record: BaseModel) -> dict[str, Any]:
    """Every field of a record (internal ones too), camelCase, timestamps at full precision."""
    return {info.alias or name: _plain(getattr(record, name)) for name, info in type(record).model_fields.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return record_data(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def export_organization(org: Organization) -> dict[str, Any]:
    return {
        "id": org.id, "name": org.name, "currency": org.currency, "taxRate": org.tax_rate,
        "clock": org.clock.state(),
        "members": [{"id": m.id, "name": m.name, "email": m.email, "role": m.role} for m in org.members.values()],
        "counters": dict(org.counters),
        "records": {name: [record_data(r) for r in collection] for name, collection in org.collections.items()},
    }


def export_state(sandbox: Sandbox) -> dict[str, Any]:
    return {
        "format": FORMAT, "version": VERSION,
        "organizations": [export_organization(org) for org in sandbox.organizations.values()],
        "apiKeys": [{"id": k.id, "key": k.key, "organizationId": k.organization_id, "name": k.name,
                     "scopes": sorted(k.scopes), "rateLimit": k.rate_limit} for k in sandbox.api_keys.values()],
    }


def dump(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def build_organization(sandbox: Sandbox, data: OrganizationData, doc: Document, loc: Loc,
                       problems: list[Problem]) -> Organization:
    """An organization exactly as described (records validated, references checked), not registered."""
    org = Organization(sandbox.resources, id=data.id, name=data.name, currency=data.currency,
                       tax_rate=data.tax_rate)
    org.clock.restore(data.clock.model_dump(by_alias=True))
    for member in data.members:
        org.add_member(member.name, member.email, member.role, id=member.id)
    org.counters = dict(data.counters)
    added = []
    for name, records in data.records.items():
        resource = sandbox.resources.get(name)
        if resource is None:
            problems.append(doc.problem(loc + ("records", name), "unknown resource"))
            continue
        for i, raw in enumerate(records):
            where = loc + ("records", name, i)
            try:
                record = resource.model.model_validate(raw)
            except ValidationError as exc:
                problems += doc.validation_problems(exc, where)
                continue
            if record.id in org[name].records:
                problems.append(doc.problem(where + ("id",), f"duplicate {resource.singular} id {record.id}"))
                continue
            org[name].add(record)
            added.append((resource, record, where))
    for resource, record, where in added:
        for field, reason in dangling_references(sandbox.resources, org, resource, record):
            problems.append(doc.problem(where + field, reason))
    return org


def import_state(sandbox: Sandbox, doc: Document) -> None:
    """Replace every organization and API key with the snapshot's, or raise ``SnapshotError``."""
    try:
        snapshot = SnapshotData.model_validate(doc.data)
    except ValidationError as exc:
        raise SnapshotError(doc.validation_problems(exc)) from None
    problems: list[Problem] = []
    orgs: dict[str, Organization] = {}
    for i, data in enumerate(snapshot.organizations):
        loc: Loc = ("organizations", i)
        if not is_uuid(data.id) or data.id in orgs:
            problems.append(doc.problem(loc + ("id",), "must be a UUID not used by another organization"))
            continue
        orgs[data.id] = build_organization(sandbox, data, doc, loc, problems)
    keys: dict[str, ApiKey] = {}
    for i, key in enumerate(snapshot.api_keys):
        loc = ("apiKeys", i)
        if key.organization_id not in orgs:
            problems.append(doc.problem(loc + ("organizationId",), "no organization with this id in the snapshot"))
        elif key.key in keys:
            problems.append(doc.problem(loc + ("key",), "duplicate API key"))
        elif unknown := sorted(set(key.scopes) - sandbox.all_scopes):
            problems.append(doc.problem(loc + ("scopes",), f"unknown scopes: {', '.join(unknown)}"))
        else:
            keys[key.key] = ApiKey(key=key.key, organization_id=key.organization_id, scopes=frozenset(key.scopes),
                                   name=key.name, rate_limit=key.rate_limit, id=key.id)
    if problems:
        raise SnapshotError(problems)
    sandbox.organizations.clear()
    for org in orgs.values():
        sandbox.add_organization(org)
    sandbox.api_keys.clear()
    sandbox.api_keys.update(keys)


def restore_organization(sandbox: Sandbox, org: Organization, data: dict[str, Any]) -> None:
    """Put ``org`` back to an exported state of itself (its API keys are left alone)."""
    doc = Document("snapshot", data)
    problems: list[Problem] = []
    staged = build_organization(sandbox, OrganizationData.model_validate(data), doc, (), problems)
    if problems:
        raise SnapshotError(problems)
    staged.extras = {}
    org.adopt(staged)
