"""When a fault fires: probability (seeded), first N, every Nth, after N, at most N times, clock windows."""

from pathlib import Path

import pytest

from mockcasa import create_app
from mockcasa.config import Settings
from mockcasa.scenarios import ScenarioError
from tests.support.admin import Admin
from tests.support.api import Api

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


async def pattern(api: Api, n: int = 12) -> str:
    """``x`` for a faulted request, ``.`` for a normal one."""
    out = ""
    for _ in range(n):
        out += "x" if (await api.get("clients")).status == 503 else "."
    return out


@pytest.mark.parametrize("schedule, expected", [
    ({"first": 3}, "xxx........."),
    ({"every": 4}, "...x...x...x"),
    ({"after": 9}, ".........xxx"),
    ({"times": 2}, "xx.........."),
    ({"every": 2, "times": 3}, ".x.x.x......"),
    ({"after": 2, "first": 5}, "..xxx......."),
    ({"probability": 0}, "............"),
    ({"probability": 1}, "xxxxxxxxxxxx"),
])
async def test_counting_schedules(schedule, expected, api, add_rule):
    await add_rule({"action": {"status": 503}, "schedule": schedule})
    assert await pattern(api) == expected


async def test_probability_is_reproducible_from_the_seed(aiohttp_client, sandbox):
    async def run(seed: str) -> str:
        app = create_app(Settings(admin_token="t"))
        http = await aiohttp_client(app)
        admin = Admin(http, "t")
        _, api = await admin.new_org()
        await admin.post("/faults", {"action": {"status": 503}, "schedule": {"probability": 0.3}},
                         params={"randomSeed": seed})
        return await pattern(api, 60)
    first, again, other = await run("1"), await run("1"), await run("2")
    assert first == again != other
    assert 8 <= first.count("x") <= 30


async def test_counts_per_organization(admin, add_rule):
    await add_rule({"action": {"status": 503}, "schedule": {"first": 1, "per": "organization"}})
    _, one = await admin.new_org()
    _, two = await admin.new_org()
    assert await pattern(one, 3) == "x.." and await pattern(two, 3) == "x.."


async def test_counts_per_api_key(admin, add_rule):
    await add_rule({"action": {"status": 503}, "schedule": {"every": 2, "per": "apiKey"}})
    _, one = await admin.new_org()
    _, two = await admin.new_org()
    assert await pattern(one, 3) == ".x." and await pattern(two, 1) == "."


async def test_absolute_window_on_the_organizations_clock(api, add_rule, admin):
    clock = f"/organizations/{api.org.id}/clock"
    await admin.post(clock + "/freeze", {"at": "2026-05-19T09:59:00Z"})
    await add_rule({"action": {"status": 503},
                    "schedule": {"window": {"start": "2026-05-19T10:00:00Z", "end": "2026-05-19T10:30:00Z"}}})
    assert await pattern(api, 2) == ".."
    await admin.post(clock + "/advance", {"by": "1m"})
    assert await pattern(api, 2) == "xx"
    await admin.post(clock + "/advance", {"by": "30m"})
    assert await pattern(api, 2) == ".."


async def test_relative_window_starts_at_the_first_matching_request(admin, add_rule):
    await add_rule({"action": {"status": 503}, "schedule": {"window": {"start": "+1m", "end": "+10m"}}})
    org, api = await admin.new_org(clock={"freezeAt": "2026-01-01T00:00:00Z"})
    assert await pattern(api, 2) == ".."
    await admin.post(f"/organizations/{org['id']}/clock/advance", {"by": "5m"})
    assert await pattern(api, 2) == "xx"
    # another organization's window starts with its own first request
    _other, other_api = await admin.new_org(clock={"freezeAt": "2026-01-01T00:04:00Z"})
    assert await pattern(other_api, 1) == "."
    await admin.post(f"/organizations/{org['id']}/clock/advance", {"by": "5m"})
    assert await pattern(api, 1) == "."


async def test_outage_scenario_lasts_ten_minutes_of_mock_time(aiohttp_client):
    app = create_app(Settings(admin_token="t", scenarios=[SCENARIOS / "outage.yaml"]))
    admin = Admin(await aiohttp_client(app), "t")
    org, api = await admin.new_org(clock={"freezeAt": "2026-05-19T10:00:00Z"})
    reply = await api.get("clients")
    assert reply.status == 503 and reply.headers["Retry-After"] == "60"
    assert "maintenance" in reply.error["message"]
    await admin.post(f"/organizations/{org['id']}/clock/advance", {"by": "9m59s"})
    assert (await api.post("clients", {"name": "A"})).status == 503
    await admin.post(f"/organizations/{org['id']}/clock/advance", {"by": "1s"})
    assert (await api.post("clients", {"name": "A"})).status == 201


async def test_rate_limited_scenario_refuses_every_tenth_request(aiohttp_client):
    app = create_app(Settings(admin_token="t", scenarios=[SCENARIOS / "rate-limited.yaml"]))
    admin = Admin(await aiohttp_client(app), "t")
    _, api = await admin.new_org()
    statuses = [(await api.get("clients")).status for _ in range(20)]
    assert statuses == ([200] * 9 + [429]) * 2


async def test_flaky_scenario_is_reproducible(aiohttp_client, sleeps):
    async def run() -> tuple[str, int]:
        app = create_app(Settings(admin_token="t", scenarios=[SCENARIOS / "flaky.yaml"]))
        admin = Admin(await aiohttp_client(app), "t")
        _, api = await admin.new_org()
        statuses = [(await api.get("clients")).status for _ in range(150)]
        return "".join("x" if s >= 500 else "." for s in statuses), len(sleeps)
    first = await run()
    sleeps.clear()
    assert await run() == first
    assert 2 <= first[0].count("x") <= 25 and 3 <= first[1] <= 40


async def test_slow_scenario_delays_every_request(aiohttp_client, sleeps):
    app = create_app(Settings(admin_token="t", scenarios=[SCENARIOS / "slow.yaml"]))
    admin = Admin(await aiohttp_client(app), "t")
    _, api = await admin.new_org()
    await api.get("clients")
    await api.post("clients", {"name": "A"})
    assert 0.2 <= sleeps[0] <= 0.8 and 0.5 <= sleeps[1] <= 2.0 + 5


def test_shipped_scenarios_all_load():
    app = create_app(Settings(scenarios=sorted(SCENARIOS.glob("*.yaml"))))
    from mockcasa.scenarios import FAULTS
    names = {rule.source for rule in app[FAULTS].rules}
    assert names == {"flaky", "rate-limited", "outage", "slow"}


BAD = {
    "unknown action field": ("rules:\n  - action: {status: 503, colour: red}\n", 2, "rules[0].action.colour",
                             "is not a known field"),
    "status not injectable": ("rules:\n  - action: {status: 418}\n", 2, "rules[0].action.status", "429"),
    "no action": ("rules:\n  - match: {method: GET}\n", 2, "rules[0].action", "is required"),
    "empty action": ("rules:\n  - action: {}\n", 2, "rules[0].action", "at least one of"),
    "two endings": ("rules:\n  - action: {status: 503, drop: true}\n", 2, "rules[0].action", "choose one of"),
    "bad latency": ("rules:\n  - action: {latency: soon}\n", 2, "rules[0].action.latency", "invalid duration"),
    "inverted range": ("rules:\n  - action:\n      latency: {min: 2s, max: 1s}\n", 3, "rules[0].action.latency",
                       "min must not exceed max"),
    "probability above one": ("rules:\n  - action: {status: 500}\n    schedule: {probability: 1.5}\n", 3,
                              "rules[0].schedule.probability", "less than or equal to 1"),
    "zero every": ("rules:\n  - action: {status: 500}\n    schedule: {every: 0}\n", 3, "rules[0].schedule.every",
                   "greater than or equal to 1"),
    "bad window": ("rules:\n  - action: {status: 500}\n    schedule:\n      window: {start: later}\n", 4,
                   "rules[0].schedule.window.start", "offset such as +0s"),
    "window backwards": (("rules:\n  - action: {status: 500}\n    schedule:\n      window:\n"
                         "        start: 2026-01-02T00:00:00Z\n        end: 2026-01-01T00:00:00Z\n"), 4,
                         "rules[0].schedule.window", "start must be before end"),
    "bad regex": ("rules:\n  - action: {status: 500}\n    match: {path: '^(unclosed'}\n", 3, "rules[0].match.path",
                  "not a valid pattern"),
    "unknown per": ("rules:\n  - action: {status: 500}\n    schedule: {per: planet}\n", 3, "rules[0].schedule.per",
                    "'rule', 'organization' or 'apiKey'"),
    "yaml syntax": ("rules:\n  - action: {status: 500\n", 3, "(document)", "not valid YAML"),
}


@pytest.mark.parametrize("case", list(BAD))
async def test_bad_scenarios_are_refused_with_their_location(case, tmp_path, admin, capsys):
    from mockcasa.cli import main
    text, line, path, reason = BAD[case]
    file = tmp_path / "bad.yaml"
    file.write_text(text)
    with pytest.raises(ScenarioError) as raised:
        create_app(Settings(scenarios=[SCENARIOS / "slow.yaml", file]))
    [problem] = raised.value.problems
    assert (problem.source, problem.line, problem.path) == (str(file), line, path)
    assert reason in problem.reason
    assert main(["validate", str(file)]) == 1 and f"{file}:{line}: {path}: " in capsys.readouterr().err
    reply = await admin.post_yaml("/scenarios", text)
    assert reply.status == 400 and reason in reply.error["details"][path]
    assert (await admin.get("/faults")).body["rules"] == []


async def test_per_api_key_counts_only_authenticated_credentials(http, api, make_api, add_rule, sandbox):
    """Random strings in x-api-key share one count; they cannot grow the rule's memory (issue 13, §2)."""
    await add_rule({"name": "first-per-key", "match": {"path": "/api/v1/clients"}, "action": {"status": 503},
                    "schedule": {"first": 1, "per": "apiKey"}})
    strangers = [await Api(http, f"cc_test_junk_{i}").get("clients") for i in range(20)]
    assert [r.status for r in strangers] == [503] + [401] * 19
    assert (await api.get("clients")).status == 503 and (await api.get("clients")).status == 200
    assert (await make_api().get("clients")).status == 503  # another real key: its own count
    [rule] = sandbox.faults.rules
    assert len(rule.seen) == 3
