"""Realistic bulk records for a seed's ``generate:`` section, one function per resource.

A generator is ``fn(gen: Gen, count) -> Iterable[dict]``: it yields ``count`` records as
python values (snake_case fields; ids of related records picked with ``gen.pick``). It may
set ``created_at``/``updated_at``; ids are assigned, ``on_seed`` runs and the result is
validated exactly as for records written by hand. It draws every random choice from
``gen`` (``gen.fake`` is a Faker, ``gen.rng`` its random generator), which is seeded from
the seed's ``randomSeed`` and the resource name, so output is reproducible and adding a
generator for one resource never changes the records of another.

To support a new resource: write its function in a module of this package (or a new
module listed in ``MODULES``) and add it to that module's ``GENERATORS``. Generators run
in registry order (``MODULES``, then each ``GENERATORS`` dict), not in the order the seed
names them.
"""

from __future__ import annotations

from importlib import import_module

from mockcasa.seeding.generators.context import Gen, GenerationError, Generator

# Generation order: a generator runs after those of the records it refers to, settles or bundles
# (invoices before the payments that settle them, payments before the payouts that bundle them;
# client documents before the milestones that hang under them).
MODULES = ("crm", "catalog", "events", "documents", "invoices", "payments", "billable", "schedule", "leads")


def all_generators() -> dict[str, Generator]:
    """Every generator by resource name, in the order they run."""
    generators: dict[str, Generator] = {}
    for module in MODULES:
        generators.update(import_module(f"mockcasa.seeding.generators.{module}").GENERATORS)
    return generators


__all__ = ["Gen", "GenerationError", "Generator", "all_generators"]
