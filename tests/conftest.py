"""Shared fixtures: an in-process app, and one isolated organization (with an all-scope key) per test."""

from __future__ import annotations

import pytest

from mockcasa import create_app
from mockcasa.admin import ADMIN_TOKEN
from mockcasa.config import Settings
from mockcasa.keys import SANDBOX
from tests.support.admin import Admin
from tests.support.api import Api
from tests.support.contract import conformance_checker, find_contract

CONTRACT = find_contract()
# API revision 2026-06-30 (the spec behind SDK 0.6.3); tests of that revision skip without it.
CONTRACT_2026 = find_contract("clientcasa-openapi-v1-2026-06-30.yaml")
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
    return conformance_checker(contract)
