"""An organization served API revision 2026-06-30 beside the suite's default (1.0.0) one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.conftest import CONTRACT_2026
from tests.support.api import Api

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
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    registry = Registry().with_resource(
        "urn:contract", Resource.from_contents(contract26, default_specification=DRAFT202012))
    operations = {op["operationId"]: op for path in contract26["paths"].values()
                  for op in path.values() if isinstance(op, dict) and "operationId" in op}

    def check(reply, operation_id: str) -> None:
        responses = operations[operation_id]["responses"]
        assert str(reply.status) in responses, f"{operation_id} returned {reply.status}: {reply.body}"
        content = responses[str(reply.status)].get("content")
        if content is None:
            assert reply.body is None
            return
        ref = "urn:contract#" + content["application/json"]["schema"]["$ref"][1:]
        validator = Draft202012Validator({"$ref": ref}, registry=registry,
                                         format_checker=Draft202012Validator.FORMAT_CHECKER)
        errors = sorted(validator.iter_errors(reply.body), key=lambda e: list(e.path))
        assert not errors, f"{operation_id} {reply.status}: " + "; ".join(
            f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:5])
    return check
