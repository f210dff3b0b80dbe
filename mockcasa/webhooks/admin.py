"""Admin routes for webhook deliveries: the log, redelivery, and waiting for the queue to drain.

``register(app, prefix)`` adds them to any aiohttp application (the main app, or an admin
sub-application that adds its own authentication); handlers find the sandbox and the delivery
service through ``request.config_dict``, so they work in either place.

    POST {prefix}/organizations/{orgId}/webhooks/drain?timeout=30
    GET  {prefix}/organizations/{orgId}/webhook-deliveries?webhookId=&event=&eventId=&status=
    GET  {prefix}/organizations/{orgId}/webhook-deliveries/{deliveryId}
    POST {prefix}/organizations/{orgId}/webhook-deliveries/{deliveryId}/redeliver
"""

from __future__ import annotations

from aiohttp import web

from mockcasa.errors import Invalid, NotFound
from mockcasa.keys import DELIVERIES, SANDBOX
from mockcasa.state import Organization
from mockcasa.webhooks.log import log_of

MAX_DRAIN_SECONDS = 300.0
FILTERS = {"webhookId": "webhook_id", "event": "event", "eventId": "event_id", "status": "status"}


def _org(request: web.Request) -> Organization:
    org_id = request.match_info["orgId"]
    org = request.config_dict[SANDBOX].organizations.get(org_id)
    if org is None:
        raise NotFound(f"No organization with id {org_id!r} exists in this sandbox.")
    return org


def _timeout(request: web.Request) -> float:
    raw = request.query.get("timeout", "30")
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= MAX_DRAIN_SECONDS:
        raise Invalid(f"Query parameter 'timeout' must be a number of seconds in (0, {MAX_DRAIN_SECONDS:g}].",
                      {"timeout": f"must be a number of seconds in (0, {MAX_DRAIN_SECONDS:g}]"})
    return value


async def drain(request: web.Request) -> web.Response:
    """Answer once every pending delivery of the organization has finished (or ``timeout`` ran out)."""
    org = _org(request)
    pending = await request.config_dict[DELIVERIES].drain(org.id, _timeout(request))
    return web.json_response({"organizationId": org.id, "drained": pending == 0, "pending": pending})


async def list_deliveries(request: web.Request) -> web.Response:
    org = _org(request)
    wanted = {field: request.query[param] for param, field in FILTERS.items() if param in request.query}
    deliveries = log_of(org).newest_first(**wanted)
    return web.json_response({"data": [d.to_json() for d in deliveries]})


async def get_delivery(request: web.Request) -> web.Response:
    org = _org(request)
    delivery = log_of(org).get(request.match_info["deliveryId"])
    if delivery is None:
        raise NotFound(f"No webhook delivery with id {request.match_info['deliveryId']!r} exists in this "
                       f"organization.")
    return web.json_response(delivery.to_json())


async def redeliver(request: web.Request) -> web.Response:
    org = _org(request)
    delivery = request.config_dict[DELIVERIES].redeliver(org, request.match_info["deliveryId"])
    return web.json_response(delivery.to_json(), status=202)


def register(app: web.Application, prefix: str = "/_mockcasa") -> None:
    base = prefix + "/organizations/{orgId}"
    app.router.add_post(base + "/webhooks/drain", drain)
    app.router.add_get(base + "/webhook-deliveries", list_deliveries)
    app.router.add_get(base + "/webhook-deliveries/{deliveryId}", get_delivery)
    app.router.add_post(base + "/webhook-deliveries/{deliveryId}/redeliver", redeliver)
