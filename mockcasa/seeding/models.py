"""The seed file format (camelCase keys, like the API). See docs/seeds.md.

Records are kept as plain mappings here: which resources exist and what their fields
are is only known from the sandbox's resource declarations, so they are checked when staged.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, PrivateAttr, model_validator
from pydantic.alias_generators import to_camel

MAX_GENERATED = 100_000


class SeedModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", defer_build=True)


class MemberSeed(SeedModel):
    id: str | None = None
    alias: str | None = None  # lets records name this member in memberId/assigneeId fields
    name: Annotated[str, Field(min_length=1)]
    email: str | None = None
    role: str = "owner"


class ApiKeySeed(SeedModel):
    key: Annotated[str, Field(min_length=8, max_length=200)]
    name: str = "default"
    scopes: list[str] | Literal["*"] = "*"
    rate_limit: Annotated[int, Field(ge=1)] | None = None


class OAuthAppSeed(SeedModel):
    """An OAuth app of the organization; also the body of the admin API's create call."""

    client_id: str | None = None  # generated (ccapp_...) when omitted
    client_secret: Annotated[str, Field(min_length=8, max_length=200)] | None = None  # set: confidential
    confidential: bool = False  # without clientSecret: generate one
    name: Annotated[str, Field(min_length=1, max_length=200)] = "OAuth app"
    redirect_uris: list[str]
    scopes: list[str] | Literal["*"] = "*"
    member: str | None = None  # id or email of the member it authorizes as; default: the first member
    rate_limit: Annotated[int, Field(ge=1)] | None = None


class ClockSeed(SeedModel):
    """Where the organization's clock starts: frozen at an instant, or running from one."""

    freeze_at: AwareDatetime | None = None
    start_at: AwareDatetime | None = None

    @model_validator(mode="after")
    def _one(self) -> ClockSeed:
        if (self.freeze_at is None) == (self.start_at is None):
            raise ValueError("give exactly one of freezeAt (a frozen clock) or startAt (a running clock)")
        return self


class OrganizationContent(SeedModel):
    """What a seed can add to an organization, new or existing."""

    members: list[MemberSeed] = []
    api_keys: list[ApiKeySeed] = []
    clock: ClockSeed | None = None
    # resource name -> records; each record is the resource's read shape plus an optional alias
    records: dict[str, list[Any]] = {}
    # resource name -> how many realistic records to generate
    generate: dict[str, Annotated[int, Field(ge=0, le=MAX_GENERATED)]] = {}
    random_seed: int | str | None = None
    # Where each member, key and OAuth app was in the file, when bad ones were left out to check
    # the rest (``seeding.staging``): field -> original index of each item kept.
    _positions: dict[str, list[int]] = PrivateAttr(default_factory=dict)

    def position(self, field: str, index: int) -> int:
        """The index in the file of the ``index``-th item of ``field`` (members, apiKeys, oauthApps)."""
        kept = self._positions.get(field)
        return index if kept is None else kept[index]


class OrganizationSeed(OrganizationContent):
    id: str | None = None
    # The API revision it is served for life ("1.0.0", "2026-06-30" or "latest"); default: the server's.
    api_revision: str | None = None
    name: Annotated[str, Field(min_length=1)] = "Sandbox Studio"
    currency: Annotated[str, Field(min_length=3, max_length=3)] = "USD"
    tax_rate: Annotated[float, Field(ge=0, le=1)] = 0.0
    oauth_apps: list[OAuthAppSeed] = []


class SeedFile(SeedModel):
    random_seed: int | str = 0
    organizations: list[OrganizationSeed] = []
