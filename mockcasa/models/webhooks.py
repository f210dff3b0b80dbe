"""Webhook subscriptions. ``secret`` is stored but never served; ``hasSecret`` says whether there is one."""

from typing import Annotated, Literal

from pydantic import Field, WithJsonSchema

from mockcasa.models.common import InputModel, Internal, Record, Timestamp, internal, patch_model
from mockcasa.webhooks.events import EVENT_NAMES

WebhookEvent = Literal[EVENT_NAMES]  # type: ignore[valid-type]
WebhookSource = Literal["manual", "zapier", "n8n", "make"]
Name200 = Annotated[str, Field(min_length=1, max_length=200)]
Url = Annotated[str, WithJsonSchema({"type": "string", "format": "uri"})]
Events = Annotated[list[WebhookEvent], Field(min_length=1)]
Secret = Annotated[str, Field(min_length=16, max_length=200)]


class Webhook(Record):
    name: str
    url: Url
    events: list[WebhookEvent]
    enabled: bool = True
    source: WebhookSource = "manual"
    has_secret: bool = False
    last_triggered: Timestamp | None = None
    last_status: int | None = None
    consecutive_failures: int = 0
    secret: Internal[str | None] = internal()


class WebhookCreate(InputModel):
    name: Name200
    url: Url
    events: Events
    enabled: bool = True
    secret: Secret = None


# null removes the secret; a new string rotates it.
WebhookUpdate = patch_model(WebhookCreate, "WebhookUpdate", nullable=("secret",))
