"""An organization served API revision 2026-06-30 beside the suite's default (1.0.0) one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.conftest import CONTRACT_2026
from tests.support.api import Api
from tests.support.contract import conformance_checker

NOON = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def org26(sandbox):
    org = sandbox.create_organization(name="Revised Studio", api_revision="2026-06-30")
    org.clock.freeze(NOON)
    return org


@pytest.fixture
def api26(http, sandbox, org26) -> Api:
    """A client of an organization served revision 2026-06-30, with every scope."""
    return Api(http, sandbox.issue_key(org26).key, org26)


@pytest.fixture(scope="session")
def contract26() -> dict:
    if CONTRACT_2026 is None:
        pytest.skip("contract of revision 2026-06-30 not present at ../shared/contract")
    import yaml
    return yaml.safe_load(CONTRACT_2026.read_text())


@pytest.fixture(scope="session")
def conforms26(contract26):
    """``conforms26(reply, "getVendor")``: the reply matches the 2026-06-30 contract's response schema."""
    return conformance_checker(contract26)
