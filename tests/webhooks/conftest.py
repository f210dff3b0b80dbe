"""Delivery tests run with local receivers allowed and near-instant retries."""

from __future__ import annotations

import pytest

from mockcasa.config import Settings
from mockcasa.webhooks.worker import DELIVERIES
from tests.support.receiver import Receiver

FAST = {"allow_local_webhooks": True, "webhook_retry_delay": 0.001, "webhook_attempts": 3,
        "webhook_timeout": 15.0}  # generous: a loaded CI machine must not turn a slow answer into a failed attempt


@pytest.fixture
def settings() -> Settings:
    return Settings(**FAST)


@pytest.fixture
async def receiver(aiohttp_server) -> Receiver:
    receiver = Receiver()
    server = await aiohttp_server(receiver.app())
    receiver.base = str(server.make_url("")).rstrip("/")
    return receiver


@pytest.fixture
def deliveries(app):
    return app[DELIVERIES]


@pytest.fixture
def build(aiohttp_client):
    """Another running mockcasa with these settings (on top of the fast ones): (api, deliveries)."""
    from mockcasa import create_app
    from mockcasa.keys import SANDBOX
    from tests.support.api import Api

    async def make(**overrides):
        app = create_app(Settings(**{**FAST, **overrides}))
        client = await aiohttp_client(app)
        org = app[SANDBOX].create_organization()
        return Api(client, app[SANDBOX].issue_key(org).key, org), app[DELIVERIES]
    return make
