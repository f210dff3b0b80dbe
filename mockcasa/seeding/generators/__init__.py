"""Realistic bulk records for a seed's ``generate:`` section, one function per resource.

A generator is ``fn(gen: Gen, count) -> Iterable[dict]``: it yields ``count`` records as
python values (snake_case fields; ids of related records picked with ``gen.pick``). It may
set ``created_at``/``updated_at``; ids are assigned, ``on_seed`` runs and the result is
validated exactly as for records written by hand. It draws every random choice from
``gen`` (``gen.fake`` is a Faker, ``gen.rng`` its random generator), which is seeded from
the seed's ``randomSeed`` and the resource name, so output is reproducible and adding a
generator for one resource never changes the records of another.

To support a new resource: write its function in a module of this package (or a new
module listed in ``MODULES``) and add it to that module's ``GENERATORS``.
"""

from __future__ import annotations

from importlib import import_module

from mockcasa.seeding.generators.context import Gen, GenerationError, Generator

MODULES = ("crm",)


def all_generators() -> dict[str, Generator]:
    generators: dict[str, Generator] = {}
    for module in MODULES:
        generators.update(import_module(f"mockcasa.seeding.generators.{module}").GENERATORS)
    return generators


__all__ = ["Gen", "GenerationError", "Generator", "all_generators"]
