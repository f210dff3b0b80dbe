"""Property-based conformance: schemathesis drives every operation of each published contract.

Both API revisions run: the 1.0.0 contract against an organization served 1.0.0, and the
2026-06-30 contract against one served 2026-06-30 (each skips when its file is absent).

The contract (``../shared/contract/``) generates the requests; the running app must answer with
no 5xx, with bodies matching the declared schemas, with ``application/json``, and with status
codes the contract declares for the operation or that our documented conventions add (409 for
state conflicts). Runs deterministically (derandomized Hypothesis) against a real loopback server.
"""

from __future__ import annotations

import asyncio
import threading

import pytest

from tests.conftest import CONTRACTS

schemathesis = pytest.importorskip("schemathesis")
hypothesis = pytest.importorskip("hypothesis")

from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
)

# Operations per revision: every one of its contract.
OPERATIONS = {"1.0.0": 71, "2026-06-30": 95}

# Conventions beyond the statuses the contract lists (documented in the README).
EXTRA_STATUSES = {"409"}
EXAMPLES = 12


class LiveServer:
    """The app on a free loopback port, served from its own thread and event loop."""

    def __init__(self, revision: str) -> None:
        from aiohttp import web

        from mockcasa import create_app
        from mockcasa.config import Settings
        from mockcasa.keys import SANDBOX

        self.app = create_app(Settings(rate_limit=10**9))
        sandbox = self.app[SANDBOX]
        self.org = sandbox.create_organization(api_revision=revision)
        self.revision = revision
        self.key = sandbox.issue_key(self.org).key
        self.loop = asyncio.new_event_loop()
        self.runner = web.AppRunner(self.app, access_log=None)
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            self.loop.run_until_complete(self.runner.setup())
            site = web.TCPSite(self.runner, "127.0.0.1", 0)
            self.loop.run_until_complete(site.start())
            self.port = site._server.sockets[0].getsockname()[1]
            ready.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        ready.wait(10)
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture(scope="module", params=list(CONTRACTS))
def live(request):
    if CONTRACTS[request.param] is None:
        pytest.skip(f"contract of revision {request.param} not present at ../shared/contract")
    server = LiveServer(request.param)
    yield server
    server.stop()


def _operations(revision: str):
    schema = schemathesis.openapi.from_path(str(CONTRACTS[revision]))
    return [result.ok() for result in schema.get_all_operations()]


def _existing_id(live: LiveServer, path: str) -> str | None:
    resource = path.split("/")[3]
    collection = live.org.collections.get(resource)
    if collection is None or not len(collection):
        return None
    return next(iter(collection)).id


def _run(live: LiveServer, operation, mode: GenerationMode, path_parameters=None) -> None:
    headers = {"x-api-key": live.key}
    declared = set(operation.definition.raw["responses"]) | EXTRA_STATUSES
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), phases=[hypothesis.Phase.generate])
    @given(case=strategy)
    def check(case) -> None:
        response = case.call(base_url=live.url, headers=headers, timeout=10)
        assert str(response.status_code) in declared, (
            f"{case.method} {case.formatted_path} -> {response.status_code} "
            f"(declared {sorted(declared)}): {response.text[:300]}")
        checks = [not_a_server_error, response_schema_conformance, content_type_conformance]
        if mode is GenerationMode.NEGATIVE:
            checks.append(negative_data_rejection)
        case.validate_response(response, checks=checks, headers=headers)

    check()


def test_every_operation_conforms_on_valid_input(live):
    operations = _operations(live.revision)
    assert len(operations) == OPERATIONS[live.revision]
    served = {op.label for op in operations}
    for operation in operations:
        _run(live, operation, GenerationMode.POSITIVE)
        if "{id}" in operation.path:
            record_id = _existing_id(live, operation.path)
            if record_id is not None:
                _run(live, operation, GenerationMode.POSITIVE, {"id": record_id})
    assert served


def test_every_operation_rejects_invalid_input(live):
    for operation in _operations(live.revision):
        _run(live, operation, GenerationMode.NEGATIVE)
