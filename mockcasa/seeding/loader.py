"""Loading seed files and bodies: everything is staged and checked first, then committed at once.

A bad file fails with a ``SeedError`` listing every problem as ``file:line: path: reason``,
and nothing of it (nor of any other file loaded with it) is applied.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from mockcasa.seeding.models import SeedFile
from mockcasa.seeding.staging import Staging
from mockcasa.source_files import Document, DocumentError, read_document, read_each
from mockcasa.state import Organization, Sandbox


class SeedError(DocumentError):
    """A seed that cannot be loaded; ``problems`` name the file, line, path and reason of each."""


def _finish(staging: Staging) -> None:
    if staging.problems:
        raise SeedError(staging.problems)
    staging.commit()


def load_seed_documents(sandbox: Sandbox, docs: Iterable[Document]) -> list[Organization]:
    """Create the organizations of every document, or none of them."""
    staging = Staging(sandbox)
    orgs = [org for doc in docs for org in staging.add_seed(doc)]
    _finish(staging)
    return orgs


def read_documents(paths: Iterable[Path | str]) -> list[Document]:
    """Read every file, reporting all unreadable or malformed ones together."""
    return read_each(paths, read_document, SeedError)


def load_seed_files(sandbox: Sandbox, paths: Iterable[Path | str]) -> list[str]:
    """Load seed files in order, all or nothing; returns the new organizations' ids."""
    return [org.id for org in load_seed_documents(sandbox, read_documents(paths))]


def load_seed_file(sandbox: Sandbox, path: Path | str) -> list[str]:
    return load_seed_files(sandbox, [path])


def seed_organization(sandbox: Sandbox, org: Organization, doc: Document) -> Organization:
    """Add an organization-level seed (records, generate, members, apiKeys, clock) to an existing org."""
    staging = Staging(sandbox)
    staging.add_content(org, doc)
    _finish(staging)
    return org


def check_seed(sandbox: Sandbox, doc: Document) -> None:
    """Raise ``SeedError`` if ``doc`` would not load into ``sandbox``; changes nothing."""
    staging = Staging(sandbox)
    staging.add_seed(doc)
    if staging.problems:
        raise SeedError(staging.problems)


def read_seed(path: Path | str) -> SeedFile:
    """The file's seed model (format checks only; loading checks records and references too)."""
    doc = read_documents([path])[0]
    return doc.validate(SeedFile, SeedError)


def apply_seed(sandbox: Sandbox, seed: SeedFile | dict, source: str = "seed") -> list[str]:
    """Load an in-memory seed (a ``SeedFile`` or the equivalent mapping); returns the new org ids."""
    data = seed.model_dump(by_alias=True, exclude_unset=True) if isinstance(seed, SeedFile) else seed
    return [org.id for org in load_seed_documents(sandbox, [Document(source, data)])]
