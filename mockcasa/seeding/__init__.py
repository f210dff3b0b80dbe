"""Seed worlds: organizations, members, API keys and records of every resource, written or generated."""

from mockcasa.seeding.loader import (
                                     SeedError,
                                     apply_seed,
                                     check_seed,
                                     load_seed_documents,
                                     load_seed_file,
                                     load_seed_files,
                                     read_seed,
                                     seed_organization,
)

__all__ = ["SeedError", "apply_seed", "check_seed", "load_seed_documents", "load_seed_file", "load_seed_files",
           "read_seed", "seed_organization"]
