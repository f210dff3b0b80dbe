"""The scenario file format: fault rules, each a match, an action and a schedule. See docs/scenarios.md."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

from mockcasa.clock import parse_duration

FAULT_STATUSES = (429, 500, 502, 503, 504)


def _check_duration(value: str | float) -> str | float:
    if parse_duration(value).total_seconds() < 0:
        raise ValueError("must not be negative")
    return value


def _check_offset(value: str) -> str:
    if not value.strip().startswith(("+", "-")):
        raise ValueError("must be an ISO 8601 instant or an offset such as +0s or +10m")
    parse_duration(value)
    return value


def seconds(value: str | float) -> float:
    return parse_duration(value).total_seconds()


# "200ms", "1.5s", "2m", or a number of seconds; kept as written so rules list back as loaded.
Duration = Annotated[str | float, AfterValidator(_check_duration)]
Offset = Annotated[str, AfterValidator(_check_offset)]
OneOrMany = str | list[str]


class ScenarioModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class Match(ScenarioModel):
    """Which requests a rule applies to; every criterion given must hold (none: every API request)."""

    method: OneOrMany | None = None
    path: str | None = None  # /api/v1/clients/{id}, /api/v1/invoices*, /api/v1/**, or a regex ^...$
    operation_id: OneOrMany | None = None
    organization: OneOrMany | None = None
    api_key: OneOrMany | None = None
    headers: dict[str, str] | None = None  # name -> exact value, or "*" for "present"


class LatencyRange(ScenarioModel):
    min: Duration
    max: Duration

    @model_validator(mode="after")
    def _ordered(self) -> LatencyRange:
        if seconds(self.min) > seconds(self.max):
            raise ValueError("min must not exceed max")
        return self


class Action(ScenarioModel):
    """What happens to a matching request: an error status, a delay, a dropped or hung connection."""

    status: Literal[429, 500, 502, 503, 504] | None = None
    latency: Duration | LatencyRange | None = None
    drop: bool = False
    hang: bool | Duration = False  # true: until the client gives up; a duration: that long, then drop
    retry_after: Annotated[int, Field(ge=0)] | None = None  # seconds; default 1 for 429
    message: str | None = None

    @model_validator(mode="after")
    def _coherent(self) -> Action:
        endings = [x for x in ("status", "drop", "hang") if getattr(self, x) not in (None, False)]
        if len(endings) > 1:
            raise ValueError(f"choose one of status, drop or hang (got {' and '.join(endings)})")
        if not endings and self.latency is None:
            raise ValueError("give at least one of status, latency, drop or hang")
        return self

    @property
    def terminal(self) -> bool:
        return self.status is not None or self.drop or self.hang is not False


class Window(ScenarioModel):
    """When a rule is active, on the requesting organization's clock.

    An instant is absolute; an offset (``+10m``) counts from the first request the rule matched
    for that organization, so ``{start: +0s, end: +10m}`` is a ten-minute outage from then on.
    """

    start: AwareDatetime | Offset | None = None
    end: AwareDatetime | Offset | None = None

    @model_validator(mode="after")
    def _some(self) -> Window:
        if self.start is None and self.end is None:
            raise ValueError("give start, end or both")
        if isinstance(self.start, datetime) and isinstance(self.end, datetime) and self.start >= self.end:
            raise ValueError("start must be before end")
        return self


class Schedule(ScenarioModel):
    """When a matching request gets the fault; every condition given must hold (none: always)."""

    probability: Annotated[float, Field(ge=0, le=1)] | None = None
    first: Annotated[int, Field(ge=1)] | None = None  # the first N matching requests
    every: Annotated[int, Field(ge=1)] | None = None  # every Nth matching request
    after: Annotated[int, Field(ge=0)] | None = None  # only after N matching requests went through
    times: Annotated[int, Field(ge=1)] | None = None  # at most N faults in all
    window: Window | None = None
    per: Literal["rule", "organization", "apiKey"] = "rule"  # what counts and randomness are kept per


class RuleSpec(ScenarioModel):
    name: str | None = None
    match: Match = Field(default_factory=Match)
    action: Action
    schedule: Schedule = Field(default_factory=Schedule)


class ScenarioFile(ScenarioModel):
    name: str | None = None
    description: str | None = None
    random_seed: int | str = 0
    rules: list[RuleSpec] = Field(default_factory=list)
