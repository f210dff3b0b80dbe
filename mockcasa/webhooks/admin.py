"""Admin routes for webhook deliveries: the log, redelivery, and waiting for the queue to drain.

Declared as ``ROUTES`` for the admin API, which mounts them behind the admin token and lists
them in its OpenAPI document (paths below ``/_mockcasa``):

    POST /organizations/{orgId}/webhooks/drain?timeout=30&settle=true
    GET  /organizations/{orgId}/webhook-deliveries?webhookId=&event=&eventId=&status=
    GET  /organizations/{orgId}/webhook-deliveries/{deliveryId}
    POST /organizations/{orgId}/webhook-deliveries/{deliveryId}/redeliver
"""

from __future__ import annotations

from aiohttp import web

from mockcasa.admin.common import AdminRoute, organization, reply
from mockcasa.errors import Invalid, NotFound
from mockcasa.webhooks.log import log_of
from mockcasa.webhooks.worker import DELIVERIES

MAX_DRAIN_SECONDS = 300.0
FILTERS = {"webhookId": "webhook_id", "event": "event", "eventId": "event_id", "status": "status"}


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
    """Answer once every pending delivery of the organization has finished (or ``timeout`` ran out).

    ``?settle=true``: also answer when the rest are waiting for a retry on the mock clock
    (``waitingForRetry``); advance the clock past their ``nextAttemptAt`` to send them.
    """
    org = organization(request)
    deliveries = request.config_dict[DELIVERIES]
    settle = request.query.get("settle", "false") == "true"
    pending = await deliveries.drain(org.id, _timeout(request), settle=settle)
    return reply({"organizationId": org.id, "drained": pending == 0, "pending": pending,
                  "waitingForRetry": deliveries.waiting_for_retry(org.id)})


async def list_deliveries(request: web.Request) -> web.Response:
    org = organization(request)
    wanted = {field: request.query[param] for param, field in FILTERS.items() if param in request.query}
    deliveries = log_of(org).newest_first(**wanted)
    return reply({"data": [d.to_json() for d in deliveries]})


async def get_delivery(request: web.Request) -> web.Response:
    org = organization(request)
    delivery = log_of(org).get(request.match_info["deliveryId"])
    if delivery is None:
        raise NotFound(f"No webhook delivery with id {request.match_info['deliveryId']!r} exists in this "
                       f"organization.")
    return reply(delivery.to_json())


async def redeliver(request: web.Request) -> web.Response:
    org = organization(request)
    delivery = request.config_dict[DELIVERIES].redeliver(org, request.match_info["deliveryId"])
    return reply(delivery.to_json(), 202)


BASE = "/organizations/{orgId}"
ROUTES = [
    AdminRoute("POST", BASE + "/webhooks/drain", drain,
               "Wait until the organization has no pending webhook delivery (or timeout seconds, max 300)",
               query=("timeout", "settle"), tag="Webhooks"),
    AdminRoute("GET", BASE + "/webhook-deliveries", list_deliveries, "The webhook delivery log, newest first",
               query=tuple(FILTERS), tag="Webhooks"),
    AdminRoute("GET", BASE + "/webhook-deliveries/{deliveryId}", get_delivery,
               "One webhook delivery with its attempts", tag="Webhooks"),
    AdminRoute("POST", BASE + "/webhook-deliveries/{deliveryId}/redeliver", redeliver,
               "Send a delivery's event again, as a new delivery at the end of its queue", 202, tag="Webhooks"),
]
