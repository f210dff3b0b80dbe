"""Fault rules as a test drives them: in-process (direct) or on a live server (its admin API).

A rule is written as in a scenario file (a dict, or YAML text)::

    mockcasa_faults.add({"match": {"method": "GET", "path": "/api/v1/clients"},
                         "action": {"status": 503}, "schedule": {"first": 2}})

Every method returns rules as the admin API describes them: ``id``, ``name``, ``source``,
``match``, ``action``, ``schedule`` and ``stats`` (``matched``, ``fired``).
"""

from __future__ import annotations

import urllib.parse
from pathlib import Path
from typing import Any

import yaml

from mockcasa.scenarios import FaultRules, parse_rule, parse_scenario, read_scenario
from mockcasa.source_files import Document, parse_yaml
from mockcasa.testing.admin import AdminClient, AdminError

SOURCE = "pytest"
Rule = dict[str, Any]


class Faults:
    """What both flavours offer; ``rule(id_or_name)`` is built on ``rules()``."""

    def add(self, rule: dict | str, *, random_seed: int | str = 0) -> Rule:
        """Add one rule after the existing ones (``random_seed`` seeds its probability)."""
        raise NotImplementedError

    def load(self, scenario: dict | str | Path, *, replace: bool = False) -> list[Rule]:
        """Add a scenario's rules (a file path, or the scenario as a dict); ``replace``: instead of the others."""
        raise NotImplementedError

    def rules(self) -> list[Rule]:
        raise NotImplementedError

    def remove(self, id_or_name: str) -> None:
        """Remove a rule by id or name; ``KeyError`` if there is none."""
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError

    def rule(self, id_or_name: str) -> Rule:
        """One rule with its current ``stats``; ``KeyError`` if there is none."""
        for rule in self.rules():
            if id_or_name in (rule["id"], rule.get("name")):
                return rule
        raise KeyError(f"no fault rule with id or name {id_or_name!r}")


class InProcessFaults(Faults):
    """The rules of an in-process app (``app[FAULTS]``). Bad rules raise ``ScenarioError``."""

    def __init__(self, rules: FaultRules) -> None:
        self._rules = rules

    def add(self, rule: dict | str, *, random_seed: int | str = 0) -> Rule:
        doc = parse_yaml(rule, "rule") if isinstance(rule, str) else Document("rule", rule)
        return self._rules.add(parse_rule(doc), SOURCE, random_seed).describe()

    def load(self, scenario: dict | str | Path, *, replace: bool = False) -> list[Rule]:
        parsed = parse_scenario(Document("scenario", scenario)) if isinstance(scenario, dict) \
            else read_scenario(scenario)
        if replace:
            self._rules.clear()
        return [r.describe() for r in self._rules.load(parsed, parsed.name or SOURCE)]

    def rules(self) -> list[Rule]:
        return [r.describe() for r in self._rules.rules]

    def remove(self, id_or_name: str) -> None:
        if not self._rules.remove(id_or_name):
            raise KeyError(f"no fault rule with id or name {id_or_name!r}")

    def clear(self) -> None:
        self._rules.clear()


class LiveFaults(Faults):
    """One test's rules on a shared live server, through its admin API. Bad rules raise ``AdminError``.

    The server is shared by the session, so a rule that names no ``organization`` in its
    ``match`` is scoped to this test's organization, and ``clear()`` (run when the test ends)
    removes the rules added here, leaving other tests' and the server's own.
    """

    def __init__(self, admin: AdminClient, organization_id: str) -> None:
        self._admin = admin
        self._organization_id = organization_id
        self._added: list[str] = []

    def _scoped(self, rule: dict) -> dict:
        match = dict(rule.get("match") or {})
        match.setdefault("organization", self._organization_id)
        return {**rule, "match": match}

    def _keep(self, added: list[Rule]) -> list[Rule]:
        self._added += [r["id"] for r in added]
        return added

    def add(self, rule: dict | str, *, random_seed: int | str = 0) -> Rule:
        data = yaml.safe_load(rule) if isinstance(rule, str) else rule
        return self._keep([self._admin.post("/faults", self._scoped(data), randomSeed=random_seed)])[0]

    def load(self, scenario: dict | str | Path, *, replace: bool = False) -> list[Rule]:
        data = scenario if isinstance(scenario, dict) else yaml.safe_load(Path(scenario).read_text())
        if replace:
            self.clear()
        data = {**data, "rules": [self._scoped(r) for r in data.get("rules") or []]}
        return self._keep(self._admin.post("/scenarios", data)["rules"])

    def rules(self) -> list[Rule]:
        return self._admin.get("/faults")["rules"]

    def remove(self, id_or_name: str) -> None:
        try:
            self._admin.delete(f"/faults/{urllib.parse.quote(id_or_name, safe='')}")
        except AdminError as exc:
            if exc.status == 404:
                raise KeyError(f"no fault rule with id or name {id_or_name!r}") from None
            raise

    def clear(self) -> None:
        present = {r["id"] for r in self.rules()}
        for rule_id in self._added:
            if rule_id in present:
                self._admin.delete(f"/faults/{rule_id}")
        self._added.clear()
