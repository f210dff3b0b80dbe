"""A sequence of responses for one route, and how rules count when several match one request."""

import pytest

from mockcasa.scenarios import ScenarioError, parse_rule
from mockcasa.source_files import Document

CLIENTS = {"method": "GET", "path": "/api/v1/clients"}


async def statuses(api, n: int) -> list[int]:
    return [(await api.get("clients")).status for _ in range(n)]


async def test_a_sequence_answers_429_then_500_then_passes_through(api, add_rule, admin):
    await add_rule({"name": "retry-me", "match": CLIENTS, "action": {"responses": [429, 500, "pass"]}})
    replies = [await api.get("clients") for _ in range(4)]
    assert [r.status for r in replies] == [429, 500, 200, 200]  # used up: requests pass
    assert replies[0].headers["Retry-After"] == "1" and replies[0].error["code"] == "rate_limited"
    [rule] = (await admin.get("/faults")).body["rules"]
    assert rule["action"] == {"responses": [429, 500, "pass"]}  # listed back as written
    assert rule["stats"] == {"matched": 4, "fired": 2}


async def test_steps_are_any_fault_action_and_the_schedule_picks_the_requests(api, add_rule, sleeps):
    await add_rule({"match": CLIENTS, "schedule": {"every": 2},
                    "action": {"responses": [{"status": 503, "retryAfter": 7}, {"latency": "250ms"}, 502]}})
    replies = [await api.get("clients") for _ in range(8)]
    assert [r.status for r in replies] == [200, 503, 200, 200, 200, 502, 200, 200]
    assert replies[1].headers["Retry-After"] == "7" and sleeps == [0.25]


async def test_later_rules_count_requests_an_earlier_rule_faulted(api, add_rule):
    """The issue's case: first: 1 (429) composed with after: 1, times: 1 (500) gives 429, 500, 200."""
    await add_rule({"name": "first", "match": CLIENTS, "action": {"status": 429}, "schedule": {"first": 1}})
    await add_rule({"name": "second", "match": CLIENTS, "action": {"status": 500},
                    "schedule": {"after": 1, "times": 1}})
    assert await statuses(api, 3) == [429, 500, 200]


async def test_a_sequence_keeps_its_place_per_api_key(api, add_rule, sandbox, http):
    from tests.support.api import Api

    other = Api(http, sandbox.issue_key(api.org).key, api.org)
    await add_rule({"match": CLIENTS, "action": {"responses": [503, "pass", 503]}, "schedule": {"per": "apiKey"}})
    assert await statuses(api, 2) == [503, 200]
    assert await statuses(other, 1) == [503]
    assert await statuses(api, 2) == [503, 200]


@pytest.mark.parametrize("action, reason", [
    ({"responses": []}, "at least 1 item"),
    ({"responses": [418]}, "a status step must be one of 429, 500, 502, 503, 504"),
    ({"responses": ["later"]}, "each step is pass, a status"),
    ({"responses": [{"status": 503, "drop": True}]}, "choose one of status, drop or hang"),
    ({"responses": [429], "status": 503}, "put status inside its steps"),
])
def test_bad_sequences_are_refused_with_the_reason(action, reason):
    with pytest.raises(ScenarioError, match=reason):
        parse_rule(Document("rule", {"action": action}))


async def test_a_snapshot_carries_how_far_a_sequence_went(api, add_rule, admin):
    await add_rule({"match": CLIENTS, "action": {"responses": [429, 500, "pass"]}})
    assert await statuses(api, 1) == [429]
    snapshot = (await admin.get("/snapshot")).body
    assert await statuses(api, 2) == [500, 200]
    assert (await admin.post("/snapshot", snapshot)).status == 200
    assert await statuses(api, 2) == [500, 200]
