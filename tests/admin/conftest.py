"""Dashboard-action tests: a frozen clock, a driver that records published events, and a client."""

from __future__ import annotations

import pytest

from tests.support.dashboard import FROZEN_AT, Dashboard


@pytest.fixture
def dash(admin, api, sandbox) -> Dashboard:
    """Runs dashboard actions on ``api``'s organization (clock frozen at 2026-05-19T10:00:00Z)."""
    api.org.clock.freeze(FROZEN_AT)
    recorder = Dashboard(admin, api)
    sandbox.listeners.append(recorder.record)
    return recorder


@pytest.fixture
async def client(api):
    return await api.create("clients", name="Acme")
