"""The console's live pages: the request journal, an organization's webhooks, the fault rules.

Their tables fill from the push channel (``stream.py``); what is rendered here is the frame and
what is not live (subscriptions, rules, the shipped scenarios).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from mockcasa.console.forms import shipped_scenarios
from mockcasa.console.pages import org_of, shown_organization
from mockcasa.console.records import api_get
from mockcasa.console.views import page
from mockcasa.http.journal import JOURNAL
from mockcasa.keys import SANDBOX
from mockcasa.scenarios import FAULTS


@page("journal.html")
async def journal(request: web.Request) -> dict[str, Any]:
    orgs = request.config_dict[SANDBOX].organizations.values()
    journal = request.config_dict[JOURNAL]
    return {"organizations": [{"id": o.id, "name": o.name} for o in orgs], "capacity": journal.size,
            "max_bytes": journal.max_bytes, "selected": request.query.get("organizationId", "")}


@page("webhooks.html")
async def webhooks(request: web.Request) -> dict[str, Any]:
    org = org_of(request)
    _, subscriptions = await api_get(request, org, "webhooks", {"pageSize": "100"})
    return {"org": shown_organization(request, org), "subscriptions": subscriptions["data"]}


@page("faults.html")
async def faults(request: web.Request) -> dict[str, Any]:
    rules = [rule.describe() for rule in request.config_dict[FAULTS].rules]
    return {"rules": rules, "scenarios": sorted(shipped_scenarios()),
            "sources": sorted({r["source"] for r in rules if r.get("source")})}
