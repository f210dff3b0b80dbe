"""Webhooks: subscriptions to events, delivered by ``mockcasa.webhooks.worker``.

``url`` must be HTTPS (local http receivers only when the server allows them); ``events`` must
name at least one known event (duplicates are dropped). ``secret`` is write-only: stored, never
served; ``hasSecret`` says whether one is set. PATCH ``secret: null`` removes it, a new string
rotates it. ``source`` is ``manual`` for everything created through the API; ``lastTriggered``,
``lastStatus`` and ``consecutiveFailures`` are written only by deliveries.
"""

from mockcasa.engine.resource import Ctx, Filter, Resource
from mockcasa.errors import Invalid
from mockcasa.models.webhooks import Webhook, WebhookCreate, WebhookUpdate
from mockcasa.webhooks.events import EVENT_NAMES
from mockcasa.webhooks.targets import TargetPolicy


def _check_url(ctx: Ctx, url: str) -> None:
    problem = TargetPolicy.from_settings(ctx.settings).url_problem(url)
    if problem is not None:
        raise Invalid(field="url", reason=problem)


def _secret_flag(values: dict) -> dict:
    if "secret" in values:
        values["has_secret"] = values["secret"] is not None
    return values


def on_create(ctx: Ctx, values: dict) -> dict:
    _check_url(ctx, values["url"])
    values["events"] = list(dict.fromkeys(values["events"]))
    values["source"] = "manual"
    return _secret_flag(values)


def on_update(ctx: Ctx, record: Webhook, changes: dict) -> dict:
    if "url" in changes:
        _check_url(ctx, changes["url"])
    if "events" in changes:
        changes["events"] = list(dict.fromkeys(changes["events"]))
        if changes["events"] == record.events:
            del changes["events"]
    return _secret_flag(changes)


def on_seed(ctx: Ctx, values: dict) -> dict:
    """Seeds may set delivery state and source; the secret flag always follows the secret."""
    values["has_secret"] = values.get("secret") is not None
    return values


RESOURCE = Resource(
    name="webhooks", singular="webhook",
    model=Webhook, create_model=WebhookCreate, update_model=WebhookUpdate,
    filters=[Filter.boolean("enabled"), Filter.enum("event", list(EVENT_NAMES), field="events")],
    on_create=on_create, on_update=on_update, on_seed=on_seed,
    descriptions={
        "create": "Creates a webhook endpoint. URL must be HTTPS. If `secret` is provided, every delivery "
                  "includes an `X-Signature: sha256=…` header computed over `${X-Webhook-Timestamp}.${body}`.",
        "update": "Pass `secret: null` to remove the signing secret. Pass a new string to rotate.",
    },
)
