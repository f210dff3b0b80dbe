"""Fault rules at run time: matching requests, keeping schedule counts, deciding what to inject.

Rules are checked in order. A rule whose action is only latency adds its delay and lets the
next rules have their say; the first rule with a status, drop or hang that fires decides the
request's fate. Randomness comes from a generator per rule (and per organization or key when
the schedule says ``per``), seeded from the scenario's ``randomSeed``, so a run reproduces.
"""

from __future__ import annotations

import random
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mockcasa.clock import Clock, parse_duration
from mockcasa.scenarios.models import Action, LatencyRange, RuleSpec, ScenarioFile, seconds

if TYPE_CHECKING:
    from mockcasa.state import Organization


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
    ending: Action | None = None
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
        self._anchors: dict[str, datetime] = {}
        self._rngs: dict[str, random.Random] = {}

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

    def fires(self, view: RequestView, fallback_clock: Clock) -> bool:
        """Count a matching request and decide whether the schedule injects the fault into it."""
        s = self.spec.schedule
        scope = self._scope(view)
        in_window = s.window is None or self._in_window(view, fallback_clock)  # anchors on the first match
        n = self.seen[scope] = self.seen.get(scope, 0) + 1
        if s.first is not None and n > s.first:
            return False
        if s.every is not None and n % s.every:
            return False
        if s.after is not None and n <= s.after:
            return False
        if s.times is not None and self.fired.get(scope, 0) >= s.times:
            return False
        if not in_window:
            return False
        if s.probability is not None and self.rng(scope).random() >= s.probability:
            return False
        self.fired[scope] = self.fired.get(scope, 0) + 1
        return True

    def _scope(self, view: RequestView) -> str:
        per = self.spec.schedule.per
        if per == "organization":
            return view.org.id if view.org else "-"
        return (view.api_key or "-") if per == "apiKey" else "*"

    def rng(self, scope: str) -> random.Random:
        if scope not in self._rngs:
            self._rngs[scope] = random.Random(f"{self.random_seed}:{scope}")
        return self._rngs[scope]

    def _in_window(self, view: RequestView, fallback_clock: Clock) -> bool:
        now = (view.org.clock if view.org else fallback_clock).now()
        anchor = self._anchors.setdefault(view.org.id if view.org else "-", now)
        window = self.spec.schedule.window

        def instant(bound: datetime | str) -> datetime:
            return bound if isinstance(bound, datetime) else anchor + parse_duration(bound)
        if window.start is not None and now < instant(window.start):
            return False
        return window.end is None or now < instant(window.end)

    def latency(self, view: RequestView) -> float:
        latency = self.spec.action.latency
        if latency is None:
            return 0.0
        if isinstance(latency, LatencyRange):
            return self.rng(self._scope(view) + ":latency").uniform(seconds(latency.min), seconds(latency.max))
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
        self.initial: list[tuple[ScenarioFile, str]] = []  # what the server started with (reset returns here)

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

    def restart(self) -> None:
        """Back to the startup scenarios, with fresh counts and random generators."""
        self.clear()
        for scenario, source in self.initial:
            self.load(scenario, source)

    def select(self, view: RequestView) -> Fault | None:
        fault = Fault()
        for rule in self.rules:
            if not rule.matches(view) or not rule.fires(view, self.clock):
                continue
            fault.latency += rule.latency(view)
            fault.rules.append(rule.name)
            if rule.spec.action.terminal:
                fault.ending = rule.spec.action
                break
        return fault if fault.rules else None
