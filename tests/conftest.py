"""Shared fixtures: an in-process app, and one isolated organization (with an all-scope key) per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockcasa import create_app
from mockcasa.admin import ADMIN_TOKEN
from mockcasa.config import Settings
from mockcasa.keys import SANDBOX
from tests.support.admin import Admin
from tests.support.api import Api


def _find_contract(name: str = "clientcasa-openapi-v1.yaml") -> Path | None:
    """``../shared/contract/`` beside the checkout (or beside any folder above it)."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "contract" / name
        if candidate.exists():
            return candidate
    return None


CONTRACT = _find_contract()
# API revision 2026-06-30 (the spec behind SDK 0.6.3); tests of that revision skip without it.
CONTRACT_2026 = _find_contract("clientcasa-openapi-v1-2026-06-30.yaml")
CONTRACTS = {"1.0.0": CONTRACT, "2026-06-30": CONTRACT_2026}


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def app(settings):
    return create_app(settings)


@pytest.fixture
def sandbox(app):
    return app[SANDBOX]


@pytest.fixture
async def http(aiohttp_client, app):
    """A raw aiohttp test client, no credentials."""
    return await aiohttp_client(app)


@pytest.fixture
def org(sandbox):
    return sandbox.create_organization(name="Test Studio")


@pytest.fixture
def api(http, sandbox, org) -> Api:
    """A client authenticated as an all-scope key of ``org``."""
    return Api(http, sandbox.issue_key(org).key, org)


@pytest.fixture
def other_api(http, sandbox) -> Api:
    """A client of a second, unrelated organization."""
    other = sandbox.create_organization(name="Other Studio")
    return Api(http, sandbox.issue_key(other).key, other)


@pytest.fixture
def make_api(http, sandbox, org):
    """Build a client for ``org`` with the given scopes."""
    def make(scopes=None, target=None) -> Api:
        target = target or org
        return Api(http, sandbox.issue_key(target, scopes=None if scopes is None else frozenset(scopes)).key,
                   target)
    return make


@pytest.fixture
def admin(http, app) -> Admin:
    """A client of the admin API (/_mockcasa) holding the app's admin token."""
    return Admin(http, app[ADMIN_TOKEN])


@pytest.fixture(scope="session")
def contract() -> dict:
    if CONTRACT is None:
        pytest.skip("contract not present at ../shared/contract")
    import yaml
    return yaml.safe_load(CONTRACT.read_text())


@pytest.fixture(scope="session")
def conforms(contract):
    """``conforms(reply, "getClient")``: assert a reply matches the contract's response schema for it."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    registry = Registry().with_resource(
        "urn:contract", Resource.from_contents(contract, default_specification=DRAFT202012))
    operations = {op["operationId"]: op for path in contract["paths"].values()
                  for op in path.values() if isinstance(op, dict) and "operationId" in op}

    def check(reply, operation_id: str) -> None:
        responses = operations[operation_id]["responses"]
        assert str(reply.status) in responses, \
            f"{operation_id} returned {reply.status}, the contract declares {sorted(responses)}"
        content = responses[str(reply.status)].get("content")
        if content is None:
            assert reply.body is None
            return
        schema = content["application/json"]["schema"]
        ref = "urn:contract#" + schema["$ref"][1:]
        validator = Draft202012Validator({"$ref": ref}, registry=registry,
                                         format_checker=Draft202012Validator.FORMAT_CHECKER)
        errors = sorted(validator.iter_errors(reply.body), key=lambda e: list(e.path))
        assert not errors, f"{operation_id} {reply.status}: " + "; ".join(
            f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:5])
    return check
