"""The delivery log's bound (issue 13 §3): adding a delivery never walks every pending one.

Before, each add past the limit listed every finished delivery among all of them: with a slow
receiver (thousands pending) each create paid for the whole log, and throughput fell 8-fold.
"""

from __future__ import annotations

from datetime import UTC, datetime

from mockcasa.webhooks.log import FAILED, PENDING, Delivery, DeliveryLog

AT = datetime(2026, 5, 19, tzinfo=UTC)


class CountedDelivery(Delivery):
    """A delivery that counts how often anything reads its status (the cost of a trim)."""

    reads = 0

    def __getattribute__(self, name: str):
        if name == "status":
            CountedDelivery.reads += 1
        return super().__getattribute__(name)


def delivery(n: int) -> CountedDelivery:
    return CountedDelivery("org", "hook", f"evt_{n}", "client_created", b"{}", AT, id=f"d{n}")


def test_adding_behind_many_pending_deliveries_is_amortized_constant():
    log = DeliveryLog(limit=100)
    CountedDelivery.reads = 0
    for n in range(20_000):  # a receiver that never answers: everything stays pending
        log.add(delivery(n))
    assert len(log) == 20_000  # pending deliveries are never dropped
    assert CountedDelivery.reads < 10 * 20_000  # was ~200 million (every add walked every delivery)


def test_the_oldest_finished_deliveries_go_first_and_pending_ones_stay():
    log = DeliveryLog(limit=10)
    made = [delivery(n) for n in range(30)]
    for d in made[:10]:
        log.add(d)
    made[0].status = PENDING
    for d in made[1:10]:
        d.finish(FAILED, AT)
    for d in made[10:30]:
        log.add(d)
        d.finish(FAILED, AT)
    kept = {d.id for d in log.newest_first()}
    assert "d0" in kept  # still pending
    assert {"d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9"}.isdisjoint(kept)
    assert len(log) <= 10 + 10 // 8 + 1 and "d29" in kept
