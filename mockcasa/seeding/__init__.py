"""Seed YAML: the starting world (organizations, members, API keys, records)."""

from mockcasa.seeding.loader import SeedError, apply_seed, load_seed_file, read_seed

__all__ = ["SeedError", "apply_seed", "load_seed_file", "read_seed"]
