"""The scenario file format: fault rules, each a match, an action and a schedule. See docs/scenarios.md."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic.alias_generators import to_camel

from mockcasa.clock import parse_duration
from mockcasa.models.common import parse_timestamp

FAULT_STATUSES = (429, 500, 502, 503, 504)


def _duration(value: Any) -> str | float:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError("must be a duration such as 200ms, 1.5s or 2m, or a number of seconds")  # noqa: TRY004
    if parse_duration(value).total_seconds() < 0:
        raise ValueError("must not be negative")
    return value


def _nested(model: type[BaseModel], value: Any, what: str) -> Any:
    """``value`` validated as ``model``, its problems as one ValueError naming each field (or ``what``)."""
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        raise ValueError("; ".join(f"{'.'.join(map(str, e['loc'])) or what}: "
                                   f"{e['msg'].removeprefix('Value error, ')}"
                                   for e in exc.errors(include_url=False))) from None


def _latency(value: Any) -> Any:
    if isinstance(value, (dict, LatencyRange)):
        return _nested(LatencyRange, value, "range")
    return _duration(value)


def _hang(value: Any) -> Any:
    return value if isinstance(value, bool) else _duration(value)


def _moment(value: Any) -> datetime | str:
    """An absolute instant (with a zone) or an offset such as ``+10m``."""
    if isinstance(value, str) and value.strip().startswith(("+", "-")):
        parse_duration(value)
        return value
    if isinstance(value, str):
        try:
            value = parse_timestamp(value)
        except ValueError:
            value = None
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValueError("must be an ISO 8601 instant with a zone, or an offset such as +0s or +10m")
    return value


def seconds(value: str | float) -> float:
    return parse_duration(value).total_seconds()


# "200ms", "1.5s", "2m", or a number of seconds; kept as written so rules list back as loaded.
Duration = Annotated[Any, AfterValidator(_duration), WithJsonSchema({"type": ["string", "number"]})]
Latency = Annotated[Any, AfterValidator(_latency), WithJsonSchema({"type": ["string", "number", "object"]})]
Hang = Annotated[Any, AfterValidator(_hang), WithJsonSchema({"type": ["boolean", "string", "number"]})]
Moment = Annotated[Any, AfterValidator(_moment), WithJsonSchema({"type": "string"})]
OneOrMany = str | list[str]


class ScenarioModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", defer_build=True)


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


class Step(ScenarioModel):
    """What happens to one matching request: an error status, a delay, a dropped or hung connection."""

    status: Literal[429, 500, 502, 503, 504] | None = None
    latency: Latency = None  # a duration, or a range {min, max}
    drop: bool = False
    hang: Hang = False  # true: until the client gives up; a duration: that long, then drop
    retry_after: Annotated[int, Field(ge=0)] | None = None  # seconds; default 1 for 429
    message: str | None = None

    @model_validator(mode="after")
    def _coherent(self) -> Step:
        endings = [x for x in ("status", "drop", "hang") if getattr(self, x) not in (None, False)]
        if len(endings) > 1:
            raise ValueError(f"choose one of status, drop or hang (got {' and '.join(endings)})")
        if not endings and self.latency is None and not getattr(self, "responses", None):
            raise ValueError("give at least one of status, latency, drop or hang (or responses: a sequence)")
        return self

    @property
    def terminal(self) -> bool:
        return self.status is not None or self.drop or self.hang is not False


def _step(value: Any) -> Any:
    """A sequence step as written: ``pass``, a status (``429``) or an action mapping."""
    if value == "pass" or isinstance(value, Step):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        if value not in FAULT_STATUSES:
            raise ValueError(f"a status step must be one of {', '.join(map(str, FAULT_STATUSES))} (or pass)")
        return value
    if isinstance(value, dict):
        return _nested(Step, value, "step")
    raise ValueError("each step is pass, a status (429, 500, 502, 503, 504) or an action such as {latency: 1s}")


SequenceStep = Annotated[Any, AfterValidator(_step), WithJsonSchema(
    {"oneOf": [{"const": "pass"}, {"enum": list(FAULT_STATUSES)}, {"type": "object"}]})]


class Action(Step):
    """A step, or ``responses``: a sequence of steps, one per matching request the schedule lets
    through (``[429, 500, pass]``: 429, then 500, then through to the API), as respx's
    ``side_effect`` list or WireMock's scenario states; once it is used up, requests pass."""

    responses: Annotated[list[SequenceStep], Field(min_length=1)] | None = None

    @model_validator(mode="after")
    def _sequence_alone(self) -> Action:
        if self.responses is not None:
            others = [x for x in ("status", "latency", "retry_after", "message")
                      if getattr(self, x) is not None] + [x for x in ("drop", "hang") if getattr(self, x) is not False]
            if others:
                raise ValueError(f"responses is a whole sequence: put {', '.join(others)} inside its steps")
        return self

    def step(self, index: int) -> Step | None:
        """The action for the ``index``-th request of a sequence (None: let it pass)."""
        if self.responses is None:
            return self
        if index >= len(self.responses):
            return None
        step = self.responses[index]
        if step == "pass":
            return None
        return Step(status=step) if isinstance(step, int) else step


class Window(ScenarioModel):
    """When a rule is active, on the requesting organization's clock.

    An instant is absolute; an offset (``+10m``) counts from the first request the rule matched
    for that organization, so ``{start: +0s, end: +10m}`` is a ten-minute outage from then on.
    """

    start: Moment = None
    end: Moment = None

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
