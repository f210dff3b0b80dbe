"""The console's push channel: server-sent events for the live journal, deliveries and sink arrivals.

A page opens ``GET /_mockcasa/console/stream?journal=1&org=...``; every ``TICK`` seconds the
stream looks for what is new and sends it in one event per kind, so a sandbox serving a thousand
requests a second costs the page four small messages a second (at most ``BATCH`` journal entries
each; the rest are counted as ``skipped``). Nothing is done for a page that is not open: the API
path never notices the console (the stream reads the journal, the delivery logs and the sinks).
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from aiohttp import web

from mockcasa.console.views import page
from mockcasa.http.journal import JOURNAL, Entry
from mockcasa.keys import SANDBOX
from mockcasa.webhooks.sink import SINKS

TICK = 0.25
BATCH = 100
BACKLOG = 50  # journal entries a newly opened page starts with
DELIVERIES_SHOWN = 30
HEARTBEAT_TICKS = 60  # a comment every 15 s keeps proxies from closing an idle stream
STREAMING: web.AppKey[dict] = web.AppKey("console_streaming", dict)  # {"closing": bool}


def _journal_filter(query) -> Any:
    org, status, path = query.get("organizationId"), query.get("status", ""), query.get("path", "")
    status_class = status[0] if re.fullmatch(r"[1-5]xx", status) else None

    def keep(entry: Entry) -> bool:
        if org and entry.organization_id != org:
            return False
        if status_class and (entry.status is None or str(entry.status)[0] != status_class):
            return False
        return not path or path in entry.path
    return keep


def delivery_row(org, delivery) -> dict[str, Any]:
    """A delivery as the live table shows it (no body: the page fetches one when it is opened)."""
    webhook = org["webhooks"].get(delivery.webhook_id)
    last = delivery.attempts[-1] if delivery.attempts else None
    return {"id": delivery.id, "event": delivery.event, "status": delivery.status, "webhookId": delivery.webhook_id,
            "webhook": webhook.name if webhook is not None else "(deleted)",
            "url": last.url if last else (webhook.url if webhook is not None else ""),
            "attempts": len(delivery.attempts), "lastStatus": last.status if last else None,
            "error": last.error if last else None, "reason": delivery.reason,
            "signed": bool(last and "X-Signature" in last.headers), "createdAt": delivery.to_json()["createdAt"]}


def _event(name: str, data: Any, event_id: int | None = None) -> bytes:
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


class Watch:
    """What one open page has already been sent."""

    def __init__(self, request: web.Request) -> None:
        app, query = request.config_dict, request.query
        self.app = app
        self.journal = app[JOURNAL] if query.get("journal") else None
        self.keep = _journal_filter(query)
        self.org = app[SANDBOX].organizations.get(query.get("org", ""))
        last_event = request.headers.get("Last-Event-ID", "")
        self.cursor = int(last_event) if last_event.isdigit() else None
        self.deliveries: tuple = ()
        self.sink_cursor = 0

    def changes(self) -> list[bytes]:
        out = []
        if self.journal is not None:
            out += self._journal()
        if self.org is not None:
            out += self._deliveries() + self._sink()
        return out

    def _journal(self) -> list[bytes]:
        journal = self.journal
        if self.cursor is None:  # a new page: the latest entries first
            newer = [e for e in journal.entries if self.keep(e)][-BACKLOG:]
        else:
            newer = [e for e in journal.after(self.cursor) if self.keep(e)]
        self.cursor = journal.last_id
        if not newer:
            return []
        shown = newer[-BATCH:]
        return [_event("journal", {"entries": [e.summary() for e in shown], "skipped": len(newer) - len(shown)},
                       self.cursor)]

    def _deliveries(self) -> list[bytes]:
        newest = self.org.webhook_deliveries.newest_first()[:DELIVERIES_SHOWN]
        fingerprint = tuple((d.id, d.status, len(d.attempts)) for d in newest)
        if fingerprint == self.deliveries:
            return []
        self.deliveries = fingerprint
        return [_event("deliveries", {"deliveries": [delivery_row(self.org, d) for d in newest]})]

    def _sink(self) -> list[bytes]:
        sinks = self.app[SINKS]
        arrivals = [a for name in sinks.names() for a in sinks.arrivals(name, self.sink_cursor)
                    if a.organization_id in (self.org.id, None)]
        if not arrivals:
            return []
        self.sink_cursor = max(a.id for a in arrivals)
        arrivals.sort(key=lambda a: a.id)
        return [_event("sink", {"arrivals": [a.to_json() for a in arrivals[-BATCH:]]})]


@page(None)
async def stream(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store",
                                           "X-Accel-Buffering": "no"})
    await response.prepare(request)
    watch, state, ticks = Watch(request), request.config_dict[STREAMING], 0
    await response.write(b"retry: 1000\n\n")
    try:
        while not state["closing"]:
            chunks = watch.changes()
            ticks += 1
            if not chunks and ticks % HEARTBEAT_TICKS == 0:
                chunks = [b": ping\n\n"]
            if chunks:
                await response.write(b"".join(chunks))
            await asyncio.sleep(TICK)
    except (ConnectionError, RuntimeError):  # the page went away
        pass
    return response


async def close_streams(app: web.Application) -> None:
    """``on_shutdown``: open streams end within a tick, so stopping the server does not wait for pages."""
    app[STREAMING]["closing"] = True
