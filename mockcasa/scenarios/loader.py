"""Reading scenario files and bodies; a bad one fails with file, line, path and reason, and loads nothing."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from mockcasa.scenarios.models import RuleSpec, ScenarioFile
from mockcasa.scenarios.rules import FaultRules, Rule, compile_path
from mockcasa.source_files import Document, DocumentError, read_document, read_each


class ScenarioError(DocumentError):
    """A scenario that cannot be loaded; ``problems`` locate each reason."""


def parse_scenario(doc: Document) -> ScenarioFile:
    scenario = doc.validate(ScenarioFile, ScenarioError)
    _check_paths(doc, [(("rules", i), rule) for i, rule in enumerate(scenario.rules)])
    return scenario


def parse_rule(doc: Document) -> RuleSpec:
    rule = doc.validate(RuleSpec, ScenarioError)
    _check_paths(doc, [((), rule)])
    return rule


def _check_paths(doc: Document, rules: list[tuple[tuple, RuleSpec]]) -> None:
    problems = []
    for loc, rule in rules:
        if rule.match.path is not None:
            try:
                compile_path(rule.match.path)
            except re.error as exc:
                problems.append(doc.problem(loc + ("match", "path"), f"not a valid pattern: {exc}"))
    if problems:
        raise ScenarioError(problems)


def read_scenario(path: Path | str) -> ScenarioFile:
    try:
        doc = read_document(path)
    except DocumentError as exc:
        raise ScenarioError(exc.problems) from None
    return parse_scenario(doc)


def read_scenarios(paths: Iterable[Path | str]) -> list[tuple[ScenarioFile, str]]:
    """Every file's scenario and its name (or path), reporting all bad files together."""
    def named(path: Path | str) -> tuple[ScenarioFile, str]:
        scenario = read_scenario(path)
        return scenario, scenario.name or str(path)
    return read_each(paths, named, ScenarioError)


def load_scenario_files(rules: FaultRules, paths: Iterable[Path | str]) -> list[Rule]:
    """Add every file's rules in order, or (if any file is bad) none of them."""
    return [rule for scenario, source in read_scenarios(paths) for rule in rules.load(scenario, source)]
