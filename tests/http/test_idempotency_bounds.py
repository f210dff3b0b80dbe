"""The idempotency store stays bounded whoever sends the bytes (issue 13, section 2).

A key remembers a digest of its request and a bounded response; expired keys leave in expiry
order whenever the clock moves (a frozen one too); each credential keeps a bounded number.
"""

from __future__ import annotations

import pytest

from mockcasa.config import Settings
from mockcasa.http.idempotency import keys_of
from mockcasa.state.idempotency import IdempotencyKeys

MARKER = "remember-me-not-" * 64


def kept_bytes(org) -> str:
    """Everything the store holds, as text (a request body kept anywhere would show up)."""
    store = keys_of(org)
    return repr([[getattr(entry, slot) for slot in entry.__slots__] for entry in store.entries.values()])


async def test_a_key_keeps_a_digest_of_the_request_not_its_body(api):
    reply = await api.post("clients", {"name": "Acme", "notAField": MARKER}, headers={"Idempotency-Key": "k"})
    assert reply.status == 400 and MARKER not in reply.raw.decode()  # the answer does not echo it
    assert len(keys_of(api.org)) == 1
    assert MARKER not in kept_bytes(api.org)
    again = await api.post("clients", {"notAField": MARKER, "name": "Acme"}, headers={"Idempotency-Key": "k"})
    assert again.headers["Idempotent-Replayed"] == "true" and again.raw == reply.raw
    other = await api.post("clients", {"name": "Acme", "notAField": "x"}, headers={"Idempotency-Key": "k"})
    assert other.status == 409


class TestSmallBounds:
    @pytest.fixture
    def settings(self) -> Settings:
        return Settings(idempotency_max_response_bytes=200, idempotency_max_keys=3)

    async def test_a_response_over_the_bound_is_not_stored_and_frees_the_key(self, api):
        big = await api.post("clients", {"name": "Acme", "notes": "n" * 300}, headers={"Idempotency-Key": "big"})
        assert big.status == 201 and len(big.raw) > 200
        assert len(keys_of(api.org)) == 0
        again = await api.post("clients", {"name": "Acme", "notes": "n" * 300}, headers={"Idempotency-Key": "big"})
        assert again.status == 201 and again.body["id"] != big.body["id"]  # ran again: nothing to replay
        small = await api.post("clients", {"name": "A"}, headers={"Idempotency-Key": "small"})
        assert len(small.raw) <= 200
        assert (await api.post("clients", {"name": "A"}, headers={"Idempotency-Key": "small"})).raw == small.raw

    async def test_each_credential_keeps_at_most_its_cap_of_keys(self, api, make_api):
        first = [await api.post("clients", {"name": f"C{i}"}, headers={"Idempotency-Key": f"k{i}"})
                 for i in range(5)]
        other = make_api()
        await other.post("clients", {"name": "Other"}, headers={"Idempotency-Key": "k0"})
        assert len(keys_of(api.org)) == 4  # 3 of api's key, 1 of the other credential
        newest = await api.post("clients", {"name": "C4"}, headers={"Idempotency-Key": "k4"})
        assert newest.headers["Idempotent-Replayed"] == "true" and newest.raw == first[4].raw
        oldest = await api.post("clients", {"name": "C0"}, headers={"Idempotency-Key": "k0"})
        assert "Idempotent-Replayed" not in oldest.headers and oldest.body["id"] != first[0].body["id"]


async def test_expired_keys_are_purged_in_expiry_order_when_a_frozen_clock_moves(api):
    clock = api.org.clock
    clock.freeze("2026-05-19T10:00:00Z")
    await api.post("clients", {"name": "Lives on"}, headers={"Idempotency-Key": "late"})  # until 05-20T10
    clock.set("2026-05-17T10:00:00Z")
    await api.post("clients", {"name": "Expires first"}, headers={"Idempotency-Key": "early"})  # until 05-18
    clock.set("2026-05-19T10:00:00Z")  # a jump of a frozen clock: "early" has expired, "late" not
    credential = next(iter(keys_of(api.org).entries))[0]
    assert set(keys_of(api.org).entries) == {(credential, "late")}
    clock.advance("24h")
    assert len(keys_of(api.org)) == 0


def test_the_expiry_heap_stays_bounded_and_skips_what_was_forgotten():
    keys = IdempotencyKeys()
    for i in range(5000):  # each key beyond the cap forgets the credential's oldest
        entry = keys.begin(("cred", f"k{i}"), "POST", "/api/v1/clients", "d", float(i), window=100.0, cap=10)
        keys.finish(("cred", f"k{i}"), entry, 201, b"{}", ())
    assert len(keys) == 10 and len(keys._expiry) <= 2 * len(keys) + 64
    again = keys.begin(("cred", "k4995"), "POST", "/api/v1/clients", "d", 4999.0, window=100.0, cap=10)
    keys.free(("cred", "k4995"), again)  # a stale heap item of the same scope stays behind
    keys.purge(5096.0)  # k4990..k4996 expired at 5090..5096 (k4995 is gone already)
    assert sorted(scope[1] for scope in keys.entries) == ["k4997", "k4998", "k4999"]


def test_a_request_still_running_outlives_its_expiry_until_it_finishes():
    keys = IdempotencyKeys()
    running = keys.begin(("cred", "slow"), "POST", "/api/v1/clients", "d", 0.0, window=10.0, cap=10)
    keys.purge(50.0)
    assert keys.find(("cred", "slow"), 50.0) is running
    keys.finish(("cred", "slow"), running, 201, b"{}", ())
    keys.purge(60.0)
    assert len(keys) == 0
