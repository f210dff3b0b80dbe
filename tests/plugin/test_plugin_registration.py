"""The plugin as a partner's project sees it: loaded through its entry point, in a separate pytest run."""

import re

import pytest

ISOLATION = """
from mockcasa.keys import SANDBOX

async def test_a(mockcasa_api, mockcasa_sandbox):
    assert (await mockcasa_api.post("clients", {"name": "Acme"})).status == 201
    assert len(mockcasa_sandbox.organizations) == 1

async def test_b(mockcasa_api, mockcasa_sandbox):
    assert (await mockcasa_api.get("clients")).body["data"] == []
    assert len(mockcasa_sandbox.organizations) == 1

def test_live_a(mockcasa_live_org, mockcasa_server):
    assert mockcasa_server.call(lambda: len(mockcasa_server.app[SANDBOX].organizations)) == 1
"""


@pytest.fixture
def project(pytester):
    pytester.makeini("[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n")
    return pytester


def test_fixtures_are_isolated_per_test_in_auto_mode(project):
    project.makepyfile(test_isolation=ISOLATION)
    project.runpytest_inprocess("--strict-markers").assert_outcomes(passed=3)


def test_async_fixtures_work_in_strict_mode(project):
    project.makeini("[pytest]\nasyncio_mode = strict\nasyncio_default_fixture_loop_scope = function\n")
    project.makepyfile(test_strict="""
        import pytest

        @pytest.mark.asyncio
        @pytest.mark.mockcasa(seed="default")
        async def test_strict(mockcasa_api, mockcasa_url):
            assert (await mockcasa_api.get("clients")).status == 200

        @pytest.mark.asyncio
        async def test_strict_live(mockcasa_live_api):
            assert (await mockcasa_live_api.get("clients")).status == 200
    """)
    project.runpytest_inprocess("--strict-markers").assert_outcomes(passed=2)


def test_marker_mistakes_are_reported_with_what_was_expected(project):
    project.makefile(".yaml", seed="organizations:\n  - name: Only Studio\n")
    project.makepyfile(test_mistakes="""
        import pytest

        @pytest.mark.mockcasa(seeds="seed.yaml")
        def test_unknown_option(mockcasa_app): pass

        @pytest.mark.mockcasa(seed="missing.yaml")
        def test_missing_file(mockcasa_app): pass

        @pytest.mark.mockcasa("seed.yaml")
        def test_positional(mockcasa_app): pass

        @pytest.mark.mockcasa(seed="seed.yaml", org="Nobody")
        def test_unknown_org(mockcasa_org): pass

        @pytest.mark.mockcasa(rate_limit="lots")
        def test_bad_setting(mockcasa_app): pass

        @pytest.mark.mockcasa(seed="seed.yaml", org="Only Studio")
        def test_fine(mockcasa_org): assert mockcasa_org.name == "Only Studio"
    """)
    result = project.runpytest_inprocess()
    result.assert_outcomes(passed=1, errors=5)
    result.stdout.fnmatch_lines_random([
        "*unknown option(s) seeds; use seed, scenario, org or a Settings field*",
        "*mockcasa(seed='missing.yaml'): no such file; looked at*missing.yaml*",
        "*takes keyword arguments only, got ('seed.yaml',)*",
        "*mockcasa(org='Nobody'): no seeded organization has that id or name*",
        "*mockcasa: rate_limit: Input should be a valid integer*",
    ])
    assert "Traceback" not in result.stdout.str()


def run_with_a_bad_file(project, kind: str, name: str, text: str, error: str):
    """Run one test marked ``mockcasa(kind="name.yaml")`` over a bad file: it errors, no traceback shown."""
    project.makefile(".yaml", **{name: text})
    project.makepyfile(**{f"test_{name}": f"""
        import pytest

        @pytest.mark.mockcasa({kind}="{name}.yaml")
        def test_{name}(mockcasa_app): pass
    """})
    result = project.runpytest_inprocess()
    result.assert_outcomes(errors=1)
    assert "Traceback" not in result.stdout.str() and error not in result.stdout.str()
    return result


def test_a_bad_seed_fails_with_the_loaders_message(project):
    result = run_with_a_bad_file(project, "seed", "bad", "organizations:\n  - currency: EURO\n", "SeedError")
    assert re.search(r"bad\.yaml:2: organizations\[0\]\.currency: String should have at most 3 characters",
                     result.stdout.str())


def test_a_bad_scenario_fails_with_the_loaders_message(project):
    result = run_with_a_bad_file(project, "scenario", "broken", "rules:\n  - action: {status: 418}\n",
                                 "ScenarioError")
    result.stdout.fnmatch_lines(["*could not load this test's scenario*",
                                 "*broken.yaml:2: rules[[]0[]].action.status*"])
