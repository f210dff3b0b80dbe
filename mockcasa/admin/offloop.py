"""Long admin work (generating and loading seeds, exporting snapshots) on a worker thread.

Generating a 100,000-record organization takes seconds, exporting one about as long; done on the
event loop, every other organization's requests wait that long. Here the expensive part runs on a
thread, and only what must be consistent runs on the loop, briefly:

- a seed is staged on a thread into organizations that are not live yet (or into a copy of a live
  one, taken on the loop); committing it (on the loop) checks that nothing it relies on changed in
  the meantime: ids and API keys still free, and for a seed into an existing organization, that
  organization untouched (otherwise 409, nothing applied: no write made meanwhile is ever lost);
- a snapshot is captured on the loop (``snapshot.capture_state``: every declared piece, records
  listed, about 10 ms per 100,000 records), then serialised on the thread.

The thread holds the GIL while it computes, so the loop still runs every few milliseconds
(``sys.getswitchinterval``), not after the whole job: see ``bench/RESULTS.md``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from mockcasa.errors import Conflict
from mockcasa.seeding import SeedError
from mockcasa.seeding.staging import Staging
from mockcasa.snapshot import capture_state, dump
from mockcasa.source_files import Document
from mockcasa.state import Organization, Sandbox


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
