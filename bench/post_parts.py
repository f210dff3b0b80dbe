"""Where a POST create's CPU goes: microseconds per part, each timed on its own, in-process.

    python -m bench.post_parts [--rounds R] [--count N]

The parts of ``POST /api/v1/clients`` with an ``Idempotency-Key`` that mockcasa itself spends (the
whole request, framework included, is ``bench/post_loop.py``'s):

- ``digest``: the idempotency digest of the request body (``http.idempotency.digest``);
- ``idempotency``: the key's bookkeeping (``find``, ``begin``, ``finish``) at its steady state, every
  credential at its cap of keys;
- ``transaction``: entering and leaving ``org.transaction()`` with nothing changed in it;
- ``parse+create+dump``: the create handler's work without HTTP: the body validated into the Create
  model, ``create_record`` (ids, timestamps, stored model, ``Collection.add``) and the JSON rendered,
  as ``engine.routes`` does it;
- ``Collection.add``: storing one validated client alone (compacting, indexes);
- ``record id``: one record id (``org.record_ids``), and ``new_id`` (from the OS's CSPRNG, as record
  ids were made before) for comparison.

Each part runs ``N`` times per round, timed with ``time.process_time`` (other load on the machine
barely matters) with the garbage collector off; prints the best and the median round of each.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable

from bench.inprocess import new_app
from bench.post_loop import BODY
from mockcasa.engine.records import create_record, dump, render
from mockcasa.engine.resource import Ctx
from mockcasa.http.idempotency import WINDOW_SECONDS, digest
from mockcasa.models.common import new_id
from mockcasa.state.idempotency import IdempotencyKeys
from mockcasa.state.records import empty_collections


def _timed(run: Callable[[int], None], count: int, rounds: int) -> list[float]:
    """µs per call of each round (``run(count)`` does ``count`` calls)."""
    samples = []
    for _ in range(rounds):
        gc.collect()
        gc.disable()
        started = time.process_time()
        run(count)
        samples.append((time.process_time() - started) / count * 1e6)
        gc.enable()
    return samples


def parts(count: int, rounds: int) -> dict[str, list[float]]:
    _, sandbox = new_app()
    org = sandbox.create_organization()
    resource = org.resources["clients"]
    ctx = Ctx.of(sandbox, org)
    keys = IdempotencyKeys()
    cap = sandbox.settings.idempotency_max_keys
    serial = iter(range(10**9))
    headers = (("Content-Type", "application/json"),)

    def run_digest(n: int) -> None:
        for _ in range(n):
            digest(BODY)

    def run_idempotency(n: int) -> None:
        now = org.clock.timestamp()
        for i in range(n):
            scope = ("key-id", f"bench-{next(serial)}")
            assert keys.find(scope, now) is None
            entry = keys.begin(scope, "POST", "/api/v1/clients", "0" * 64, now, window=WINDOW_SECONDS, cap=cap)
            keys.finish(scope, entry, 201, b"{}", headers)

    def run_transaction(n: int) -> None:
        for _ in range(n):
            with org.transaction():
                pass

    def run_create(n: int) -> None:
        for _ in range(n):
            body = resource.create_model.model_validate_json(BODY)
            values = body.model_dump(by_alias=False) if resource.as_is is None else resource.as_is.values(body)
            with org.transaction():
                ctx.events.clear()
                dump(render(resource, ctx, create_record(resource, ctx, values, validated=True)))

    records = [resource.model.model_validate({"id": new_id(), "name": f"Client {i}", "created_at": org.clock.now(),
                                              "updated_at": org.clock.now()}) for i in range(count * rounds)]
    fresh = empty_collections(org.resources, org.clock.today())["clients"]
    stored = iter(records)

    def run_add(n: int) -> None:
        add = fresh.add
        for _ in range(n):
            add(next(stored))

    def run_record_id(n: int) -> None:
        ids = org.record_ids
        for _ in range(n):
            ids()

    def run_new_id(n: int) -> None:
        for _ in range(n):
            new_id()

    run_idempotency(cap + 100)  # steady state: every new key forgets the oldest
    run_create(200)  # warm-up: pydantic's validators and the store's first records
    return {"digest": _timed(run_digest, count, rounds), "idempotency": _timed(run_idempotency, count, rounds),
            "transaction": _timed(run_transaction, count, rounds),
            "parse+create+dump": _timed(run_create, count, rounds),
            "Collection.add": _timed(run_add, count, rounds), "record id": _timed(run_record_id, count, rounds),
            "new_id": _timed(run_new_id, count, rounds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--count", type=int, default=5000)
    args = parser.parse_args()
    for name, samples in parts(args.count, args.rounds).items():
        print(f"{name:>18}: best {min(samples):6.2f} µs  median {statistics.median(samples):6.2f} µs")


if __name__ == "__main__":
    main()
