"""Misused fixtures fail fast, with a message that names the right fixture (a separate pytest run each)."""

import pytest


@pytest.fixture
def project(pytester):
    pytester.makeini("[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
                     "mockcasa_blocked_loop_timeout = 0.2\n")
    return pytester


def test_a_sync_client_on_the_in_process_url_gets_an_answer_and_the_test_fails(project):
    project.makepyfile(test_sync="""
        import json, urllib.error, urllib.request

        async def test_sync_client(mockcasa_url, mockcasa_key):
            request = urllib.request.Request(mockcasa_url + "/api/v1/clients", headers={"x-api-key": mockcasa_key})
            try:
                urllib.request.urlopen(request, timeout=60)   # blocks the loop the server runs on
            except urllib.error.HTTPError as exc:
                assert exc.code == 500 and exc.headers["X-Mockcasa-Misuse"] == "blocked-loop"
                assert "mockcasa_live_org" in json.load(exc)["error"]["message"]

        async def test_async_use_is_untouched(mockcasa_url, mockcasa_key):
            import aiohttp
            async with aiohttp.ClientSession() as session:
                async with session.get(mockcasa_url + "/api/v1/clients", headers={"x-api-key": mockcasa_key}) as r:
                    assert r.status == 200
    """)
    result = project.runpytest_inprocess()
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.re_match_lines([r".*ERROR at teardown of test_sync_client.*"])
    assert "GET /api/v1/clients reached the in-process server (mockcasa_url) while the test's event loop" \
           in result.stdout.str()
    assert "Use mockcasa_live_org" in result.stdout.str()


def test_mixing_in_process_and_live_fixtures_is_refused(project):
    project.makepyfile(test_mixed="""
        async def test_mixed(mockcasa_api, mockcasa_live_org):
            pass
    """)
    result = project.runpytest_inprocess()
    result.assert_outcomes(errors=1)
    assert "asks for mockcasa_live_org and for mockcasa_api, mockcasa_app" in result.stdout.str()
    assert "two separate worlds" in result.stdout.str()


def test_a_drain_or_subscribe_left_unawaited_fails_the_test(project):
    project.makepyfile(test_unawaited="""
        async def test_forgot_await(mockcasa_api, mockcasa_deliveries, mockcasa_receiver):
            mockcasa_receiver.subscribe(["client_created"])
            await mockcasa_api.create("clients", name="Acme")
            mockcasa_deliveries.drain()

        async def test_awaited(mockcasa_api, mockcasa_deliveries):
            assert await mockcasa_deliveries.drain() == 0
    """)
    result = project.runpytest_inprocess("-W", "error::RuntimeWarning")
    result.assert_outcomes(passed=2, errors=1)
    out = result.stdout.str()
    assert "mockcasa_receiver.subscribe() was called but not awaited: write `await mockcasa_receiver.subscribe()`" in out
    assert "write `await mockcasa_deliveries.drain()`" in out
    assert "never awaited" not in out
