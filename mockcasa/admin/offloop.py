"""Long admin work (generating and loading seeds, exporting snapshots) on a worker thread.

Generating a 100,000-record organization takes seconds, exporting one about as long; done on the
event loop, every other organization's requests wait that long. Here the expensive part runs on a
thread, and only what must be consistent runs on the loop, briefly:

- a seed is staged on a thread into organizations that are not live yet (or into a copy of a live
  one, taken on the loop); committing it (on the loop) checks that nothing it relies on changed in
  the meantime: ids and API keys still free, and for a seed into an existing organization, that
  organization untouched (otherwise 409, nothing applied: no write made meanwhile is ever lost);
- a snapshot is captured on the loop (``snapshot.capture_state``: every declared piece, records
  listed, about 10 ms per 100,000 records), then serialised on the thread;
- a snapshot is imported by building its whole state on the thread (``snapshot.load_state``: every
  record validated, indexed and its derived values computed, seconds per 100,000 records) and
  swapping it in on the loop in one step (``Sandbox.take_over``): a failing import changes nothing,
  and no request sees an organization half imported. It replaces everything, so a write made while
  it was being built is replaced too, as if it had come just before the import.

The thread holds the GIL while it computes, so the loop still runs every few milliseconds
(``sys.getswitchinterval``), not after the whole job: see ``bench/RESULTS.md``. Two things would
still hold it longer, and ``on_thread`` avoids both for the jobs that build a large state (imports,
large bodies): one long call into C (parsing JSON: ``bounds.loads``; validating a whole document in
one pydantic call: records are validated one by one), and the garbage collector walking the
millions of objects the job allocates (a generation-1 collection took ~0.7 s in a 100,000-record
import).
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable
from typing import Any, TypeVar

from mockcasa.errors import Conflict
from mockcasa.seeding import SeedError
from mockcasa.seeding.staging import Staging
from mockcasa.snapshot import capture_state, dump, load_state
from mockcasa.source_files import Document
from mockcasa.state import Organization, Sandbox

T = TypeVar("T")


async def stage_new(sandbox: Sandbox, stage: Any, *args: Any) -> tuple[Staging, Any]:
    """``stage(staging, *args)`` on a thread (it creates organizations); returns the staging, unchecked."""
    staging = Staging(sandbox)
    result = await asyncio.to_thread(stage, staging, *args)
    return staging, result


async def stage_into(sandbox: Sandbox, org: Organization, doc: Document) -> Staging:
    """An organization-level seed staged on a thread into a copy of ``org`` taken now, on the loop."""
    staging = Staging(sandbox)
    staging.replaced[org.id] = org.copy()
    before = fingerprint(org)
    await asyncio.to_thread(staging.add_content, org, doc)
    if not staging.problems and fingerprint(org) != before:
        raise Conflict(f"Organization {org.id} changed while the seed was being built; nothing was loaded. "
                       f"Send the seed again.")
    return staging


def commit(staging: Staging) -> None:
    """Commit a staging built off the loop: 400 for its own problems, 409 if a name it took got taken."""
    if staging.problems:
        raise SeedError(staging.problems)
    sandbox = staging.sandbox
    taken = [f"organization {o.id}" for o in staging.created if o.id in sandbox.organizations]
    taken += [f"organization {org_id} (deleted)" for org_id in staging.replaced
              if org_id not in sandbox.organizations]
    taken += [f"API key {key[:12]}…" for key in staging.keys if key in sandbox.api_keys]
    if taken:
        raise Conflict(f"{', '.join(taken)} changed while the seed was being built; nothing was loaded.")
    staging.commit()


def fingerprint(org: Organization) -> tuple:
    """What a write to ``org`` changes (records, counters, members, clock, caches), cheaply comparable.

    Stored records are never changed in place, so their identities tell every create, update and delete.
    """
    return (tuple((name, tuple(map(id, c.records.values()))) for name, c in org.collections.items()),
            tuple(org.counters.items()), tuple(org.members), org.clock.state())


async def export_snapshot(sandbox: Sandbox) -> bytes:
    """``dump(export_state(sandbox))``: captured on the loop (``capture_state``: every declared piece,
    records listed), encoded on a thread."""
    captured = capture_state(sandbox)
    return await asyncio.to_thread(dump, captured)


async def import_snapshot(sandbox: Sandbox, doc: Document, *, discard: bool = False) -> None:
    """``import_state(sandbox, doc)``: built on a thread (``SnapshotError``: nothing changed), swapped in on
    the loop.

    ``discard``: ``doc`` is the caller's to throw away (a request body): its records are dropped on
    the thread, one at a time. Freed at once wherever the last reference goes (the loop), a parsed
    50 MB snapshot holds the GIL for ~0.14 s.
    """
    sandbox.take_over(await on_thread(_load_state, sandbox, doc, discard))


def _load_state(sandbox: Sandbox, doc: Document, discard: bool) -> dict[str, Any]:
    try:
        return load_state(sandbox, doc)
    finally:
        if discard:
            _drop_records(doc.data)


def _drop_records(data: Any) -> None:
    """Empty each list of records of a parsed snapshot (any JSON: it may be invalid) record by record."""
    organizations = data.get("organizations") if isinstance(data, dict) else None
    for org in organizations if isinstance(organizations, list) else ():
        records = org.get("records") if isinstance(org, dict) else None
        for listed in records.values() if isinstance(records, dict) else ():
            while isinstance(listed, list) and listed:
                listed.pop()


async def on_thread(job: Callable[..., T], *args: Any) -> T:
    """``job(*args)`` on a worker thread, the garbage collector kept off what it builds.

    Automatic collections are off while it runs (the loop's thread makes little cyclic garbage in
    a few seconds); then what it built goes to the oldest generation unwalked (``freeze`` then
    ``unfreeze``, each a list splice), where only a full collection looks at it, as at anything
    long-lived. Jobs that overlap may each see some collections: the first to finish turns them
    back on.
    """
    return await asyncio.to_thread(_without_collections, job, *args)


def _without_collections(job: Callable[..., T], *args: Any) -> T:
    enabled = gc.isenabled()
    gc.disable()
    try:
        return job(*args)
    finally:
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()
