"""Fault rules at run time: matching requests, keeping schedule counts, deciding what to inject.

Rules are checked in order, and every rule that matches a request counts it, whatever an
earlier rule did to it (so ``after: 1`` means "after the first matching request", faulted or
not). A rule whose action (or sequence step) is only latency, or ``pass``, lets the next rules
have their say; the first rule with a status, drop or hang that fires decides the request's
fate, and the rules after it only count the request (they neither fire nor draw a random number). Randomness comes from a generator per rule (and per organization or key when
the schedule says ``per``), seeded from the scenario's ``randomSeed``, so a run reproduces.

The rules and their counts are declared state of the sandbox (``Sandbox.faults``): a snapshot
carries each rule with its counts, window anchors and how many numbers each generator has
drawn, so an imported sandbox goes on exactly where the exported one was.
"""

from __future__ import annotations

import random
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from mockcasa.clock import Clock, parse_duration

if TYPE_CHECKING:
    from mockcasa.scenarios.models import RuleSpec, ScenarioFile, Step
    from mockcasa.state.declare import Loading
    from mockcasa.state.organization import Organization


def compile_path(pattern: str) -> re.Pattern:
    """``/api/v1/clients/{id}`` (one segment), ``*`` (within a segment), ``**`` (anything); ``^...`` is a regex."""
    if pattern.startswith("^"):
        return re.compile(pattern)
    out = ""
    for token in re.split(r"(\*\*|\*|\{[^/{}]*\})", pattern):
        if token == "**":
            out += ".*"
        elif token == "*" or (token.startswith("{") and token.endswith("}")):
            out += "[^/]*" if token == "*" else "[^/]+"
        else:
            out += re.escape(token)
    return re.compile(out + r"/?\Z")


@dataclass
class RequestView:
    """What rules may look at; ``org``/``api_key`` are None when the request has no valid credential."""

    method: str
    path: str
    operation_id: str | None
    headers: Any
    org: Organization | None
    api_key: str | None


@dataclass
class Fault:
    """What to do to one request: a total delay, then maybe an ending (status, drop, hang)."""

    latency: float = 0.0
    ending: Step | None = None
    rules: list[str] = field(default_factory=list)
    dropped: bool = False  # set once the connection has been dropped (for the journal)

    @property
    def label(self) -> str:
        parts = []
        if self.latency:
            parts.append(f"latency={round(self.latency * 1000)}ms")
        if self.ending is not None:
            a = self.ending
            parts.append(str(a.status) if a.status else "drop" if a.drop else "hang")
        return ",".join(parts) + (f" ({', '.join(self.rules)})" if self.rules else "")


def _listed(value: str | list[str] | None) -> list[str] | None:
    return None if value is None else [value] if isinstance(value, str) else list(value)


class Rule:
    def __init__(self, spec: RuleSpec, source: str, random_seed: str) -> None:
        self.id = "rule_" + secrets.token_hex(6)
        self.spec = spec
        self.source = source
        self.name = spec.name or self.id
        self.random_seed = random_seed
        m = spec.match
        self._methods = {x.upper() for x in _listed(m.method) or ()}
        self._path = compile_path(m.path) if m.path else None
        self._operations = set(_listed(m.operation_id) or ())
        self._orgs = {x.lower() for x in _listed(m.organization) or ()}
        self._keys = set(_listed(m.api_key) or ())
        self.seen: dict[str, int] = {}
        self.fired: dict[str, int] = {}
        self.steps: dict[str, int] = {}  # how far each scope is through a ``responses`` sequence
        self._anchors: dict[str, datetime] = {}
        self._rngs: dict[str, random.Random] = {}
        self._draws: dict[str, int] = {}  # numbers drawn per generator: how a snapshot restores them

    def matches(self, view: RequestView) -> bool:
        if self._methods and view.method.upper() not in self._methods:
            return False
        if self._path is not None and not self._path.match(view.path):
            return False
        if self._operations and view.operation_id not in self._operations:
            return False
        if self._orgs and (view.org is None or view.org.id not in self._orgs):
            return False
        if self._keys and view.api_key not in self._keys:
            return False
        for name, wanted in (self.spec.match.headers or {}).items():
            got = view.headers.get(name)
            if got is None or (wanted != "*" and got != wanted):
                return False
        return True

    def count(self, view: RequestView, fallback_clock: Clock) -> tuple[str, int]:
        """Count a matching request (and anchor a window on it): ``(scope, how many so far)``."""
        scope = self._scope(view)
        if self.spec.schedule.window is not None:
            self._anchor(view, fallback_clock)
        n = self.seen[scope] = self.seen.get(scope, 0) + 1
        return scope, n

    def fires(self, view: RequestView, fallback_clock: Clock) -> Step | None:
        """Count a matching request and return what to do to it: the action, the sequence's next
        step, or None (the schedule says no, or the step is ``pass``)."""
        s = self.spec.schedule
        scope, n = self.count(view, fallback_clock)
        if s.first is not None and n > s.first:
            return None
        if s.every is not None and n % s.every:
            return None
        if s.after is not None and n <= s.after:
            return None
        if s.times is not None and self.fired.get(scope, 0) >= s.times:
            return None
        if s.window is not None and not self._in_window(view, fallback_clock):
            return None
        if s.probability is not None and self.draw(scope) >= s.probability:
            return None
        step = self.spec.action.step(self.steps.get(scope, 0))
        if self.spec.action.responses is not None:
            self.steps[scope] = self.steps.get(scope, 0) + 1
        if step is not None:
            self.fired[scope] = self.fired.get(scope, 0) + 1
        return step

    def _scope(self, view: RequestView) -> str:
        """Whose counts a request adds to. Only a credential that authenticated gets its own counts
        (``per: apiKey``): any other string in ``x-api-key`` shares ``-``, so junk cannot grow them."""
        per = self.spec.schedule.per
        if per == "organization":
            return view.org.id if view.org else "-"
        if per == "apiKey":
            return view.api_key if view.org is not None and view.api_key else "-"
        return "*"

    def rng(self, scope: str) -> random.Random:
        if scope not in self._rngs:
            self._rngs[scope] = random.Random(f"{self.random_seed}:{scope}")
        return self._rngs[scope]

    def draw(self, scope: str) -> float:
        """The next number of the scope's generator, in [0, 1)."""
        self._draws[scope] = self._draws.get(scope, 0) + 1
        return self.rng(scope).random()

    def _anchor(self, view: RequestView, fallback_clock: Clock) -> datetime:
        now = (view.org.clock if view.org else fallback_clock).now()
        return self._anchors.setdefault(view.org.id if view.org else "-", now)

    def _in_window(self, view: RequestView, fallback_clock: Clock) -> bool:
        now = (view.org.clock if view.org else fallback_clock).now()
        anchor = self._anchor(view, fallback_clock)
        window = self.spec.schedule.window

        def instant(bound: datetime | str) -> datetime:
            return bound if isinstance(bound, datetime) else anchor + parse_duration(bound)
        if window.start is not None and now < instant(window.start):
            return False
        return window.end is None or now < instant(window.end)

    def latency(self, view: RequestView, step: Step) -> float:
        from mockcasa.scenarios.models import LatencyRange, seconds  # loaded with the rule's spec already

        latency = step.latency
        if latency is None:
            return 0.0
        if isinstance(latency, LatencyRange):
            low, high = seconds(latency.min), seconds(latency.max)
            return low + (high - low) * self.draw(self._scope(view) + ":latency")  # random.uniform's formula
        return seconds(latency)

    def describe(self) -> dict:
        spec = self.spec.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=True)
        return {"id": self.id, "name": self.name, "source": self.source, **spec,
                "stats": {"matched": sum(self.seen.values()), "fired": sum(self.fired.values())}}


class FaultRules:
    """The ordered fault rules of one app."""

    def __init__(self) -> None:
        self.rules: list[Rule] = []
        self.clock = Clock()  # for requests without an organization (unauthenticated)

    def add(self, spec: RuleSpec, source: str = "admin", random_seed: int | str = 0, position: int = 0) -> Rule:
        rule = Rule(spec, source, f"{random_seed}:{position}:{spec.name or ''}")
        self.rules.append(rule)
        return rule

    def load(self, scenario: ScenarioFile, source: str) -> list[Rule]:
        return [self.add(spec, source, scenario.random_seed, i) for i, spec in enumerate(scenario.rules)]

    def remove(self, rule_id: str) -> bool:
        kept = [r for r in self.rules if r.id != rule_id and r.name != rule_id]
        removed = len(kept) != len(self.rules)
        self.rules = kept
        return removed

    def clear(self) -> None:
        self.rules = []

    def take_over(self, other: FaultRules) -> None:
        """Hold ``other``'s rules, keeping this object (the app and test helpers hold it)."""
        self.rules = other.rules

    def select(self, view: RequestView) -> Fault | None:
        fault = Fault()
        for rule in self.rules:
            if not rule.matches(view):
                continue
            if fault.ending is not None:
                rule.count(view, self.clock)  # decided already: later rules only count the request
                continue
            step = rule.fires(view, self.clock)
            if step is None:
                continue
            fault.latency += rule.latency(view, step)
            fault.rules.append(rule.name)
            if step.terminal:
                fault.ending = step
        return fault if fault.rules else None


# -- declared state (see mockcasa.state.sandbox)

class RuleData(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", defer_build=True)
    id: str
    source: str
    random_seed: str
    spec: dict[str, Any]
    seen: dict[str, int] = Field(default_factory=dict)
    fired: dict[str, int] = Field(default_factory=dict)
    steps: dict[str, int] = Field(default_factory=dict)
    anchors: dict[str, datetime] = Field(default_factory=dict)
    draws: dict[str, int] = Field(default_factory=dict)


def dump_rules(rules: FaultRules) -> list[dict[str, Any]]:
    return [{"id": r.id, "source": r.source, "randomSeed": r.random_seed,
             "spec": r.spec.model_dump(mode="json", by_alias=True, exclude_unset=True),
             "seen": dict(r.seen), "fired": dict(r.fired), **({"steps": dict(r.steps)} if r.steps else {}),
             "anchors": {scope: at.isoformat() for scope, at in r._anchors.items()}, "draws": dict(r._draws)}
            for r in rules.rules]


def load_rules(data: list[RuleData], loading: Loading) -> FaultRules:
    """Rules as exported: same ids, counts and anchors; each generator re-drawn to where it was."""
    from mockcasa.scenarios.models import RuleSpec  # see the package's docstring

    rules = FaultRules()
    for i, item in enumerate(data):
        try:
            spec = RuleSpec.model_validate(item.spec)
            rule = Rule(spec, item.source, item.random_seed)
        except ValidationError as exc:
            loading.invalid(exc, (i, "spec"))
            continue
        except re.error as exc:
            loading.problem((i, "spec", "match", "path"), f"not a valid pattern: {exc}")
            continue
        rule.id, rule.name = item.id, spec.name or item.id
        rule.seen, rule.fired, rule._anchors = dict(item.seen), dict(item.fired), dict(item.anchors)
        rule.steps = dict(item.steps)
        for scope, n in item.draws.items():
            for _ in range(n):
                rule.draw(scope)
        rules.rules.append(rule)
    return rules
