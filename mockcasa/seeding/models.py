"""The seed file format (camelCase keys, like the API)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class SeedModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class MemberSeed(SeedModel):
    id: str | None = None
    name: str
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


class OrganizationSeed(SeedModel):
    id: str | None = None
    name: str = "Sandbox Studio"
    currency: Annotated[str, Field(min_length=3, max_length=3)] = "USD"
    tax_rate: Annotated[float, Field(ge=0, le=1)] = 0.0
    members: list[MemberSeed] = Field(default_factory=list)
    api_keys: list[ApiKeySeed] = Field(default_factory=list)
    oauth_apps: list[OAuthAppSeed] = Field(default_factory=list)


class SeedFile(SeedModel):
    organizations: list[OrganizationSeed] = Field(default_factory=list)
