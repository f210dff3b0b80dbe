"""Dashboard-action tests: a frozen clock, the events the organization publishes, and a driver."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.admin.dashboard import Dashboard

NOW = datetime(2026, 5, 19, 10, 0, tzinfo=UTC)


@pytest.fixture
def dash(admin, api, sandbox) -> Dashboard:
    """Runs dashboard actions on ``api``'s organization (clock frozen at 2026-05-19T10:00:00Z)."""
    api.org.clock.freeze(NOW)
    recorder = Dashboard(admin, api)
    sandbox.listeners.append(recorder.record)
    return recorder
