"""Tests of the partner integration, written against the mockcasa pytest plugin.

Each test gets a fresh in-process mockcasa with its own organization: ``mockcasa_url`` and
``mockcasa_key`` go to the code under test, ``mockcasa_api`` arranges and inspects state,
``mockcasa_clock`` moves the organization's time, ``mockcasa_faults`` makes it fail on purpose and
``mockcasa_journal`` shows what the code under test really sent.
"""

import aiohttp
import pytest
from casa_client import CasaClient, CasaError, retry_delay, stale_prospects


@pytest.fixture
async def casa(mockcasa_url, mockcasa_key):
    async with aiohttp.ClientSession() as session:
        yield CasaClient(mockcasa_url, mockcasa_key, session=session)


async def test_list_all_follows_every_page(casa, mockcasa_api):
    for i in range(130):
        await mockcasa_api.create("clients", name=f"Client {i:03d}")
    clients = await casa.list_all("clients")
    assert len(clients) == 130 and len({c["id"] for c in clients}) == 130


async def test_list_all_passes_filters(casa, mockcasa_api):
    await mockcasa_api.create("clients", name="Lead", status="prospect")
    await mockcasa_api.create("clients", name="Customer")
    assert [c["name"] for c in await casa.list_all("clients", status="prospect")] == ["Lead"]


async def test_create_update_delete_round_trip(casa, mockcasa_api):
    client = await casa.create("clients", {"name": "Acme"}, idempotency_key="create-acme-1")
    assert (await casa.update("clients", client["id"], {"status": "inactive"}))["status"] == "inactive"
    assert (await mockcasa_api.get(f"clients/{client['id']}")).body["status"] == "inactive"
    await casa.delete("clients", client["id"])
    with pytest.raises(CasaError) as refused:
        await casa.get("clients", client["id"])
    assert refused.value.status == 404 and refused.value.code == "not_found" and refused.value.request_id


async def test_validation_errors_are_not_retried(casa, mockcasa_api):
    with pytest.raises(CasaError) as refused:
        await casa.create("clients", {"name": ""})
    assert refused.value.status == 400 and refused.value.code == "invalid_request"
    assert await mockcasa_api.list_all("clients") == []


async def test_stale_prospects_uses_the_organizations_clock(casa, mockcasa_api, mockcasa_clock):
    mockcasa_clock.freeze("2026-03-01T09:00:00Z")
    old = await mockcasa_api.create("clients", name="Old lead", status="prospect")
    mockcasa_clock.advance("31d")
    await mockcasa_api.create("clients", name="New lead", status="prospect")
    await mockcasa_api.create("clients", name="Customer")
    assert [c["id"] for c in await stale_prospects(casa, now=mockcasa_clock.now())] == [old["id"]]


@pytest.mark.mockcasa(seed="default")
async def test_against_the_default_seed(mockcasa_url, mockcasa_org):
    async with aiohttp.ClientSession() as session:
        casa = CasaClient(mockcasa_url, "cc_test_default_key", session=session)
        created = await casa.create("clients", {"name": "Seeded"})
    assert mockcasa_org.name == "Sandbox Studio" and mockcasa_org["clients"].get(created["id"])


# --- retries, against mockcasa's fault layer ---------------------------------------------------
# A fault rule (mockcasa_faults) or the X-Mockcasa-Fault header makes mockcasa answer 429/5xx; the
# journal (mockcasa_journal) shows what the client really sent. Waits are recorded, not slept.

@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
async def patient(mockcasa_url, mockcasa_key, sleeps):
    async def record(seconds: float) -> None:
        sleeps.append(seconds)

    async with aiohttp.ClientSession() as session:
        yield CasaClient(mockcasa_url, mockcasa_key, session=session, sleep=record)


async def test_429_is_retried_after_retry_after(patient, sleeps, mockcasa_faults, mockcasa_journal):
    mockcasa_faults.add({"match": {"path": "/api/v1/clients"}, "action": {"status": 429, "retryAfter": 2},
                         "schedule": {"first": 1}})
    assert await patient.list_all("clients") == []
    assert [e["status"] for e in mockcasa_journal.entries()] == [200, 429] and sleeps == [2.0]


async def test_5xx_backs_off_exponentially_then_gives_up(mockcasa_url, mockcasa_key, sleeps, mockcasa_journal):
    async def record(seconds: float) -> None:
        sleeps.append(seconds)

    async with aiohttp.ClientSession(headers={"X-Mockcasa-Fault": "503"}) as session:  # every request
        casa = CasaClient(mockcasa_url, mockcasa_key, session=session, sleep=record)
        with pytest.raises(CasaError) as failed:
            await casa.get("clients", "x")
    attempts = mockcasa_journal.entries()
    assert [e["status"] for e in attempts] == [503] * 4 and sleeps == [0.5, 1.0, 2.0]
    assert failed.value.status == 503 and failed.value.request_id == attempts[0]["requestId"]


async def test_create_retries_with_the_same_idempotency_key(patient, mockcasa_api, mockcasa_faults):
    # Only requests carrying this exact key match, so "matched 3" proves every attempt sent it.
    mockcasa_faults.add({"name": "lost-creates", "match": {"method": "POST", "path": "/api/v1/clients",
                                                           "headers": {"Idempotency-Key": "create-acme-1"}},
                         "action": {"status": 502, "retryAfter": 0}, "schedule": {"first": 2}})
    created = await patient.create("clients", {"name": "Acme"}, idempotency_key="create-acme-1")
    assert mockcasa_faults.rule("lost-creates")["stats"] == {"matched": 3, "fired": 2}
    assert await mockcasa_api.list_all("clients") == [created]


async def test_a_create_replayed_with_the_same_key_returns_the_original(patient, mockcasa_api):
    first = await patient.create("clients", {"name": "Acme"}, idempotency_key="create-acme-1")
    again = await patient.create("clients", {"name": "Acme"}, idempotency_key="create-acme-1")
    assert again == first
    assert await mockcasa_api.list_all("clients") == [first]


async def test_a_post_without_idempotency_key_is_never_retried(patient, sleeps, mockcasa_api, mockcasa_faults,
                                                               mockcasa_journal):
    mockcasa_faults.add({"match": {"method": "POST"}, "action": {"status": 503}, "schedule": {"first": 1}})
    with pytest.raises(CasaError) as failed:
        await patient.request("POST", "clients", json={"name": "Acme"})
    assert failed.value.status == 503 and sleeps == []
    assert len(mockcasa_journal.entries()) == 1 and await mockcasa_api.list_all("clients") == []


def test_retry_after_forms():
    assert retry_delay("3", 1) == 3.0
    assert retry_delay("Wed, 21 Oct 2015 07:28:00 GMT", 1) == 0.0  # a date already past
    assert retry_delay("soon", 2) == 1.0 and retry_delay(None, 3) == 2.0
    assert retry_delay(None, 20) == 30.0 and retry_delay("3600", 1) == 30.0  # capped
