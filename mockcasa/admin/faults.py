"""Fault rules and scenarios at run time, and the request journal."""

from __future__ import annotations

import re

from aiohttp import web

from mockcasa.admin.common import AdminRoute, document_body, invalid, reply
from mockcasa.errors import Invalid, NotFound
from mockcasa.http.journal import JOURNAL
from mockcasa.scenarios import FAULTS, ScenarioError, parse_rule, parse_scenario
from mockcasa.scenarios.rules import compile_path


async def list_rules(request: web.Request) -> web.Response:
    return reply({"rules": [rule.describe() for rule in request.config_dict[FAULTS].rules]})


async def add_rule(request: web.Request) -> web.Response:
    doc = await document_body(request)
    seed = request.query.get("randomSeed", "0")
    try:
        rule = request.config_dict[FAULTS].add(parse_rule(doc), "admin", seed)
    except ScenarioError as exc:
        raise invalid(exc) from None
    return reply(rule.describe(), 201)


async def remove_rule(request: web.Request) -> web.Response:
    rule_id = request.match_info["ruleId"]
    if not request.config_dict[FAULTS].remove(rule_id):
        raise NotFound(f"No fault rule with id or name {rule_id!r}.")
    return web.Response(status=204)


async def clear_rules(request: web.Request) -> web.Response:
    request.config_dict[FAULTS].clear()
    return web.Response(status=204)


def add_scenario(request: web.Request, scenario, source: str) -> web.Response:
    """Add a scenario's rules after the existing ones (``?replace=true``: instead of them); 201 with them."""
    rules = request.config_dict[FAULTS]
    if request.query.get("replace", "false").lower() in ("1", "true", "yes"):
        rules.clear()
    added = rules.load(scenario, scenario.name or source)
    return reply({"rules": [rule.describe() for rule in added]}, 201)


async def load_scenario(request: web.Request) -> web.Response:
    """A scenario from the body (YAML or JSON)."""
    try:
        scenario = parse_scenario(await document_body(request))
    except ScenarioError as exc:
        raise invalid(exc) from None
    return add_scenario(request, scenario, "admin")


async def read_journal(request: web.Request) -> web.Response:
    journal = request.config_dict[JOURNAL]
    q = request.query
    details = {}
    path = None
    if q.get("path"):
        try:
            path = compile_path(q["path"])
        except re.error as exc:
            details["path"] = f"not a valid pattern: {exc}"
    limit = q.get("limit", "100")
    if not limit.isdigit() or int(limit) < 1:
        details["limit"] = "must be a positive integer"
    status = q.get("status")
    if status and not re.fullmatch(r"[1-5](\d\d|xx)|dropped", status.lower()):
        details["status"] = "must be a status (503), a class (5xx) or 'dropped'"
    after = q.get("after", "0")
    if not after.isdigit():
        details["after"] = "must be an entry id (a non-negative integer)"
    if details:
        raise Invalid("Invalid journal query.", details)
    entries = journal.query(organization_id=q.get("organizationId"), method=q.get("method"), path=path,
                            status=status, limit=int(limit), after=int(after))
    return reply({"entries": [e.describe() for e in entries], "size": len(journal.entries),
                  "capacity": journal.size, "bytes": journal.bytes, "maxBytes": journal.max_bytes})


async def read_journal_entry(request: web.Request) -> web.Response:
    raw = request.match_info["entryId"]
    entry = request.config_dict[JOURNAL].get(int(raw)) if raw.isdigit() else None
    if entry is None:
        raise NotFound(f"No journal entry with id {raw!r} (it may have been dropped to keep the bounds).")
    return reply(entry.describe())


async def clear_journal(request: web.Request) -> web.Response:
    request.config_dict[JOURNAL].clear()
    return web.Response(status=204)


ROUTES = [
    AdminRoute("GET", "/faults", list_rules, "List fault rules with their counts", tag="Faults"),
    AdminRoute("POST", "/faults", add_rule, "Add one fault rule (YAML or JSON)", 201, body="document",
               query=("randomSeed",), tag="Faults"),
    AdminRoute("DELETE", "/faults/{ruleId}", remove_rule, "Remove a fault rule (by id or name)", 204,
               tag="Faults"),
    AdminRoute("DELETE", "/faults", clear_rules, "Remove every fault rule", 204, tag="Faults"),
    AdminRoute("POST", "/scenarios", load_scenario, "Load a scenario (YAML or JSON): adds its rules", 201,
               body="document", query=("replace",), tag="Faults"),
    AdminRoute("GET", "/journal", read_journal, "Recent requests, newest first", tag="Journal",
               query=("organizationId", "method", "path", "status", "limit", "after")),
    AdminRoute("GET", "/journal/{entryId}", read_journal_entry, "One journal entry", tag="Journal"),
    AdminRoute("DELETE", "/journal", clear_journal, "Forget the recorded requests", 204, tag="Journal"),
]
