"""CPU per record the store spends keeping a record: ``Collection.add`` alone (compacting, indexes).

    python -m bench.store_add [--records N] [--rounds R]

Clients, projects (half of them for one client, as the list bench makes them) and invoices with two
line items are created through ``create_record`` once; then, ``R`` times, equal copies of them (fresh
models, as validation gives the store) are added to a new family of empty collections, and the CPU
time of the adds alone is divided by the records (garbage collector off while timing). Prints the
microseconds per record of each round, then ``BENCH_JSON`` with the best. The create path around it
(validation, hooks, journal) is ``bench/post_loop.py``'s.
"""

from __future__ import annotations

import argparse
import gc
import time
from typing import Any

from bench.inprocess import emit, fill_clients, fill_projects, new_app
from bench.invoice_world import fill_invoices
from mockcasa.state.records import empty_collections

RESOURCES = ("clients", "projects", "invoices")


def store_add(records: int, rounds: int) -> dict[str, Any]:
    _, sandbox = new_app()
    org = sandbox.create_organization()
    fill_clients(sandbox, org, records)
    fill_projects(sandbox, org, records)
    fill_invoices(sandbox, org, records, with_payments=False)
    out: dict[str, Any] = {"records": records}
    for name in RESOURCES:
        given = list(org[name])
        samples = []
        for _ in range(rounds):
            fresh = empty_collections(org.resources, org.clock.today())
            for other in RESOURCES[:RESOURCES.index(name)]:  # what the records' derivations read
                for record in org[other]:
                    fresh[other].add(record)
            copies = [record.model_copy(deep=True) for record in given]
            gc.collect()
            gc.disable()
            started = time.process_time()
            for record in copies:
                fresh[name].add(record)
            samples.append((time.process_time() - started) / len(copies) * 1e6)
            gc.enable()
        print(f"{name}: Collection.add CPU µs per record, each round: {', '.join(f'{s:.2f}' for s in samples)}")
        out[name] = {"cpu_us_best": round(min(samples), 2), "rounds": [round(s, 2) for s in samples]}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    emit(store_add(args.records, args.rounds))


if __name__ == "__main__":
    main()
