"""Fault scenarios: rules that inject errors, latency, dropped and hung connections (an HTTP layer)."""

from __future__ import annotations

import asyncio

from aiohttp import web

from mockcasa.config import Settings
from mockcasa.keys import SANDBOX
from mockcasa.scenarios.layer import FAULT, FAULT_HEADER, FAULTS, SHUTDOWN, fault_for, inject
from mockcasa.scenarios.loader import (
    ScenarioError,
    load_scenario_files,
    parse_rule,
    parse_scenario,
    read_scenario,
    read_scenarios,
)
from mockcasa.scenarios.rules import FaultRules, Rule


def setup_faults(app: web.Application, settings: Settings) -> FaultRules:
    """Load ``settings.scenarios`` into the sandbox's fault rules (``ScenarioError`` if one is bad).

    The rules are sandbox state (``Sandbox.faults``, reset and snapshotted with the rest);
    ``app[FAULTS]`` names the same object for the layer and test helpers.
    """
    rules = app[SANDBOX].faults
    load_scenario_files(rules, settings.scenarios)
    app[FAULTS] = rules
    app[SHUTDOWN] = asyncio.Event()

    async def release_hangs(app: web.Application) -> None:
        app[SHUTDOWN].set()

    app.on_shutdown.append(release_hangs)
    return rules


__all__ = [
    "FAULT",
    "FAULTS",
    "FAULT_HEADER",
    "SHUTDOWN",
    "FaultRules",
    "Rule",
    "ScenarioError",
    "fault_for",
    "inject",
    "load_scenario_files",
    "parse_rule",
    "parse_scenario",
    "read_scenario",
    "read_scenarios",
    "setup_faults",
]
