"""Fixtures shared by the money and document tests (invoices, payments, proposals, contracts)."""

import pytest

from tests.support.money import freeze, make_client


@pytest.fixture
def frozen(org):
    """The organization's clock stopped at 2026-05-19 10:00 UTC (``money.TODAY``); opt in with
    ``pytestmark = pytest.mark.usefixtures("frozen")``."""
    freeze(org)


@pytest.fixture
async def client(api):
    return await make_client(api)
