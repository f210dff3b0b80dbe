"""Fault scenarios: rules that inject errors, latency, dropped and hung connections (an HTTP layer).

The scenario format (``models``: nine pydantic models, ~6 ms to make) and the reading of files
(``loader``) are imported when first needed: a scenario or a rule is read, restored or fires, or
``--scenario`` was given. A server started without any does not pay for them before its first
answer. The loader's names below are this package's all the same (PEP 562 ``__getattr__``).
"""

from __future__ import annotations

import asyncio
from importlib import import_module
from typing import TYPE_CHECKING

from aiohttp import web

from mockcasa.config import Settings
from mockcasa.keys import SANDBOX
from mockcasa.scenarios.layer import FAULT, FAULT_HEADER, FAULTS, SHUTDOWN, fault_for, inject
from mockcasa.scenarios.rules import FaultRules, Rule

if TYPE_CHECKING:
    from mockcasa.scenarios.loader import (
        ScenarioError,
        load_scenario_files,
        parse_rule,
        parse_scenario,
        read_scenario,
        read_scenarios,
    )

_LOADER = ("ScenarioError", "load_scenario_files", "parse_rule", "parse_scenario", "read_scenario", "read_scenarios")


def __getattr__(name: str) -> object:
    """The loader's names, importing it on first use (see the module docstring)."""
    if name in _LOADER:
        return getattr(import_module("mockcasa.scenarios.loader"), name)
    raise AttributeError(f"module 'mockcasa.scenarios' has no attribute {name!r}")


def setup_faults(app: web.Application, settings: Settings) -> FaultRules:
    """Load ``settings.scenarios`` into the sandbox's fault rules (``ScenarioError`` if one is bad).

    The rules are sandbox state (``Sandbox.faults``, reset and snapshotted with the rest);
    ``app[FAULTS]`` names the same object for the layer and test helpers.
    """
    rules = app[SANDBOX].faults
    if settings.scenarios:
        from mockcasa.scenarios.loader import load_scenario_files

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
