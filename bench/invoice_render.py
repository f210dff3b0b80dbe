"""CPU per invoice (two line items), in-process: created through ``create_record``, then rendered as a
first read renders it (``engine.records.rendered`` with the collection's kept JSON cleared).

    python -m bench.invoice_render [ROUNDS]

Also, in the same process and on the same records, ``dump`` of each invoice as stored (line item ids
packed: ``compact.id_text`` renders them) against twins whose line items hold their ids as text: the
cost of packed ids on a render. CPU is read with ``time.process_time``; prints medians and ranges.
"""

from __future__ import annotations

import copy
import gc
import sys
import time

from bench.inprocess import fill_clients, new_app
from bench.invoice_world import LINES
from mockcasa.compact import id_text
from mockcasa.engine.records import create_record, dump, render, rendered
from mockcasa.engine.resource import Ctx

PER_ROUND = 400


def _text_ids(invoice):
    """``invoice`` with line items holding their ids as text (as before they were packed)."""
    twin = invoice.model_copy(update={"line_items": [copy.copy(item) for item in invoice.line_items]})
    for item in twin.line_items:
        object.__setattr__(item, "id", id_text(item.id))
    return twin


def _cpu_us(work, count: int) -> float:
    started = time.process_time()
    work()
    return (time.process_time() - started) / count * 1e6


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 11
    _, sandbox = new_app()
    org = sandbox.create_organization()
    fill_clients(sandbox, org, 50)
    clients = list(org["clients"].records)
    invoices = sandbox.resources["invoices"]
    gc.collect()
    gc.freeze()
    create, first, packed, text = [], [], [], []
    for _ in range(rounds):
        ctx = Ctx.of(sandbox, org)
        made: list = []
        create.append(_cpu_us(lambda: made.extend(create_record(invoices, ctx, {  # noqa: B023
            "client_id": clients[i % len(clients)], "status": "sent", "line_items": [dict(line) for line in LINES]})
            for i in range(PER_ROUND)), PER_ROUND))
        collection = org["invoices"]
        collection.sync(org.clock.today())
        stored = [collection.get(m.id) for m in made]
        collection._rendered.clear()
        first.append(_cpu_us(lambda: [rendered(invoices, ctx, r) for r in stored], PER_ROUND))  # noqa: B023
        shown = [render(invoices, ctx, r) for r in stored]
        twins = [_text_ids(s) for s in shown]
        packed.append(_cpu_us(lambda: [dump(s) for s in shown], PER_ROUND))  # noqa: B023
        text.append(_cpu_us(lambda: [dump(t) for t in twins], PER_ROUND))  # noqa: B023
    for name, values in (("create_record", create), ("first read (rendered)", first),
                         ("dump, line item ids packed", packed), ("dump, line item ids as text", text)):
        values.sort()
        print(f"{name:30s} median {values[len(values) // 2]:7.2f} µs  [{values[0]:.2f}-{values[-1]:.2f}]")


if __name__ == "__main__":
    main()
