"""Organizations on the fly (one per test), their seeds, resets and clocks."""

from __future__ import annotations

from typing import Annotated, Literal

from aiohttp import web
from pydantic import AwareDatetime, BeforeValidator, Field, field_validator

from mockcasa.admin.common import (
    STARTUP,
    AdminRoute,
    describe_key,
    describe_organization,
    document_body,
    invalid,
    model_body,
    organization,
    parse_model,
    reply,
)
from mockcasa.admin.offloop import commit, stage_into, stage_new
from mockcasa.clock import ClockRangeError, parse_duration
from mockcasa.errors import Invalid
from mockcasa.keys import SANDBOX
from mockcasa.seeding import SeedError
from mockcasa.seeding.models import ApiKeySeed, OrganizationSeed, SeedModel
from mockcasa.seeding.staging import Staging
from mockcasa.snapshot import restore_organization
from mockcasa.state import generate_api_key


class NewOrganization(OrganizationSeed):
    """An organization seed (every field optional) plus the scopes of the fresh key issued with it."""

    scopes: list[str] | Literal["*"] = "*"


def _instant_only(value: object) -> object:
    if isinstance(value, (int, float)):
        raise ValueError("must be an ISO 8601 instant with a zone, such as 2026-05-19T10:00:00Z")  # noqa: TRY004
    return value


Instant = Annotated[AwareDatetime, BeforeValidator(_instant_only)]


class FreezeClock(SeedModel):
    at: Instant | None = None


class SetClock(SeedModel):
    at: Instant


class AdvanceClock(SeedModel):
    by: Annotated[str | float, Field(description="a duration such as 90s, 15m, 24h, 7d or 1d12h")]

    @field_validator("by")
    @classmethod
    def _forward(cls, value: str | float) -> str | float:
        if parse_duration(value).total_seconds() < 0:
            raise ValueError("must not be negative: use clock/set to go back in time")
        return value


async def create_organization(request: web.Request) -> web.Response:
    doc = await document_body(request, required=False)
    seed = parse_model(doc, NewOrganization)
    fresh = ApiKeySeed(key=generate_api_key(), name="admin", scopes=seed.scopes)
    seed.api_keys.insert(0, fresh)
    staging, org = await stage_new(request.config_dict[SANDBOX], Staging.add_organization, seed, doc)
    try:
        commit(staging)
    except SeedError as exc:
        raise invalid(exc) from None
    return reply({"organization": describe_organization(request, org),
                  "apiKey": describe_key(staging.keys[fresh.key])}, 201)


async def list_organizations(request: web.Request) -> web.Response:
    orgs = request.config_dict[SANDBOX].organizations.values()
    return reply({"organizations": [describe_organization(request, org) for org in orgs]})


async def get_organization(request: web.Request) -> web.Response:
    return reply(describe_organization(request, organization(request)))


async def delete_organization(request: web.Request) -> web.Response:
    request.config_dict[SANDBOX].remove_organization(organization(request).id)
    return web.Response(status=204)


async def reset_organization(request: web.Request) -> web.Response:
    """Back to the organization's state at startup (the ``--seed`` files), or empty if it came later."""
    org = organization(request)
    startup = next((o for o in request.config_dict[STARTUP]["organizations"] if o["id"] == org.id), None)
    restore_organization(request.config_dict[SANDBOX], org, startup)
    return reply(describe_organization(request, org))


async def seed_into_organization(request: web.Request) -> web.Response:
    org = organization(request)
    doc = await document_body(request)
    try:
        commit(await stage_into(request.config_dict[SANDBOX], org, doc))
    except SeedError as exc:
        raise invalid(exc) from None
    return reply(describe_organization(request, org))


async def get_clock(request: web.Request) -> web.Response:
    return reply(organization(request).clock.describe())


def _move_clock(org, field: str, move, *args) -> web.Response:
    """Run a clock operation; one that would leave years 0001-9999 is a 400 and changes nothing."""
    try:
        move(*args)
    except ClockRangeError as exc:
        raise Invalid(field=field, reason=str(exc)) from None
    return reply(org.clock.describe())


async def freeze_clock(request: web.Request) -> web.Response:
    org = organization(request)
    return _move_clock(org, "at", org.clock.freeze, (await model_body(request, FreezeClock)).at)


async def unfreeze_clock(request: web.Request) -> web.Response:
    org = organization(request)
    org.clock.unfreeze()
    return reply(org.clock.describe())


async def set_clock(request: web.Request) -> web.Response:
    org = organization(request)
    return _move_clock(org, "at", org.clock.set, (await model_body(request, SetClock)).at)


async def advance_clock(request: web.Request) -> web.Response:
    org = organization(request)
    by = parse_duration((await model_body(request, AdvanceClock)).by)
    return _move_clock(org, "by", org.clock.advance, by)


async def reset_clock(request: web.Request) -> web.Response:
    org = organization(request)
    org.clock.reset()
    return reply(org.clock.describe())


ORG = "/organizations/{orgId}"
ROUTES = [
    AdminRoute("POST", "/organizations", create_organization,
               "Create an isolated organization with a fresh key (optionally seeded)", 201, NewOrganization,
               tag="Organizations"),
    AdminRoute("GET", "/organizations", list_organizations, "List organizations", tag="Organizations"),
    AdminRoute("GET", ORG, get_organization, "Describe an organization", tag="Organizations"),
    AdminRoute("DELETE", ORG, delete_organization, "Remove an organization and its keys", 204,
               tag="Organizations"),
    AdminRoute("POST", ORG + "/reset", reset_organization,
               "Reset an organization to its startup state (empty if created later)", tag="Organizations"),
    AdminRoute("POST", ORG + "/seed", seed_into_organization,
               "Add records, generated records, members, keys or a clock setting to an organization",
               body="document", tag="Organizations"),
    AdminRoute("GET", ORG + "/clock", get_clock, "Read an organization's clock", tag="Clock"),
    AdminRoute("POST", ORG + "/clock/freeze", freeze_clock, "Freeze the clock (now, or at an instant)",
               body=FreezeClock, tag="Clock"),
    AdminRoute("POST", ORG + "/clock/unfreeze", unfreeze_clock, "Let a frozen clock run again", tag="Clock"),
    AdminRoute("POST", ORG + "/clock/set", set_clock, "Jump to an instant (a frozen clock stays frozen)",
               body=SetClock, tag="Clock"),
    AdminRoute("POST", ORG + "/clock/advance", advance_clock, "Move the clock forward", body=AdvanceClock,
               tag="Clock"),
    AdminRoute("POST", ORG + "/clock/reset", reset_clock, "Back to real time", tag="Clock"),
]
