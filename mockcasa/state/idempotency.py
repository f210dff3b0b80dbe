"""An organization's remembered idempotency keys: what each first request was, and what it answered.

The HTTP layer (``mockcasa.http.idempotency``) decides when to replay, refuse or run; this is the
store it keeps, with the bounds that keep its memory in check whoever sends the bytes:

- a request is remembered by method, path and a SHA-256 digest of its body, never the body;
- a response is stored only up to the caller's bound (a larger one frees the key instead);
- entries leave when their expiry passes on the organization's clock, in expiry order (a clock
  set back and forth cannot hide an expired entry behind a live one), at the next new key, clock
  jump or tick;
- each credential keeps at most ``cap`` keys: beyond it, its oldest finished key is forgotten.
"""

from __future__ import annotations

import asyncio
import base64
import heapq
from collections import OrderedDict
from functools import partial
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from mockcasa.state.declare import Deferred

if TYPE_CHECKING:
    from mockcasa.state.declare import Loading

Scope = tuple[str, str]  # (credential id, key)
# The expiry heap is rebuilt from the live entries when its items outnumber them this many times
# over (items of forgotten entries are left in it until they come up): memory stays bounded.
STALE_FACTOR = 2


class Entry:
    """One key's first request and, once it has finished, the response to replay."""

    __slots__ = ("_done", "body", "digest", "expires_at", "headers", "method", "path", "seq", "settled", "status")

    def __init__(self, method: str, path: str, digest: str, expires_at: float, seq: int) -> None:
        self.method = method
        self.path = path
        self.digest = digest
        self.expires_at = expires_at
        self.seq = seq  # creation order: ties of expires_at, and which key of a credential is oldest
        self.status: int | None = None  # None while the first request is still running
        self.body = b""
        self.headers: tuple[tuple[str, str], ...] = ()
        self.settled = False  # finished or freed: nothing more to wait for
        # Made by the first request that waits for this one (most never have one: ~1 µs each).
        self._done: asyncio.Event | None = None

    def same_request(self, method: str, path: str, digest: str) -> bool:
        return (self.method, self.path, self.digest) == (method, path, digest)

    async def wait(self) -> None:
        """Until the first request with this key has finished (or freed it)."""
        if self.settled:
            return
        if self._done is None:
            self._done = asyncio.Event()
        await self._done.wait()

    def settle(self) -> None:
        self.settled = True
        if self._done is not None:
            self._done.set()


class EntryData(BaseModel):
    """A finished entry in a snapshot (requests still running are not state worth keeping)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", defer_build=True)
    credential_id: str
    key: str
    method: str
    path: str
    digest: str
    expires_at: float
    status: int
    headers: list[tuple[str, str]]
    body: str  # base64: a response is bytes


class IdempotencyKeys:
    """The keys of one organization, by (credential, key), ordered by expiry and per credential."""

    __slots__ = ("_by_credential", "_expiry", "_seq", "entries")

    def __init__(self) -> None:
        self.entries: dict[Scope, Entry] = {}
        # A heap of (expires_at, seq, scope): an item whose scope no longer holds the entry of that
        # ``seq`` (forgotten, or the key used again since) is stale and skipped when it comes up.
        self._expiry: list[tuple[float, int, Scope]] = []
        # Each credential's keys, oldest first: an OrderedDict, whose oldest is found in O(1) where a
        # dict whose first keys were deleted walks past their empty slots (~0.5 µs at a cap of 1000).
        self._by_credential: dict[str, OrderedDict[str, Entry]] = {}
        self._seq = 0

    def __len__(self) -> int:
        return len(self.entries)

    def find(self, scope: Scope, now: float) -> Entry | None:
        """The key's live entry (finished or running), or None; an expired one is dropped."""
        entry = self.entries.get(scope)
        if entry is not None and entry.status is not None and now >= entry.expires_at:
            self._remove(scope, entry)
            return None
        return entry

    def begin(self, scope: Scope, method: str, path: str, digest: str, now: float, *, window: float,
              cap: int) -> Entry:
        """Remember a new first request (its response comes with ``finish``)."""
        self.purge(now)
        self._seq += 1
        entry = Entry(method, path, digest, now + window, self._seq)
        self._add(scope, entry)
        mine = self._by_credential[scope[0]]
        if len(mine) > cap:
            for key, oldest in mine.items():  # oldest first: the first finished one goes
                if oldest.status is not None:
                    self._remove((scope[0], key), oldest)
                    break
        if len(self._expiry) > STALE_FACTOR * len(self.entries) + 64:
            self._expiry = [(e.expires_at, e.seq, s) for s, e in self.entries.items()]
            heapq.heapify(self._expiry)
        return entry

    def finish(self, scope: Scope, entry: Entry, status: int, body: bytes,
               headers: tuple[tuple[str, str], ...]) -> None:
        """Keep the response to replay it."""
        entry.status, entry.body, entry.headers = status, body, headers
        entry.settle()

    def free(self, scope: Scope, entry: Entry) -> None:
        """Forget the key (its request failed, or answered what is not replayed): a retry runs again."""
        if self.entries.get(scope) is entry:
            self._remove(scope, entry)
        entry.settle()

    def purge(self, now: float) -> None:
        """Drop every finished entry whose expiry has passed on the organization's clock."""
        expiry = self._expiry
        if not expiry or expiry[0][0] > now:  # the usual case: nothing has expired
            return
        running = []  # expired but still running: they stay until they finish and expire again
        while expiry and expiry[0][0] <= now:
            item = heapq.heappop(expiry)
            entry = self.entries.get(item[2])
            if entry is None or entry.seq != item[1]:
                continue  # stale
            if entry.status is None:
                running.append(item)
            else:
                self._remove(item[2], entry)
        for item in running:
            heapq.heappush(expiry, item)

    def _add(self, scope: Scope, entry: Entry) -> None:
        self.entries[scope] = entry
        heapq.heappush(self._expiry, (entry.expires_at, entry.seq, scope))
        mine = self._by_credential.get(scope[0])
        if mine is None:
            mine = self._by_credential[scope[0]] = OrderedDict()
        mine[scope[1]] = entry

    def _remove(self, scope: Scope, entry: Entry) -> None:
        """Forget an entry; its heap item goes stale (``begin`` rebuilds the heap once most of it is)."""
        del self.entries[scope]
        mine = self._by_credential[scope[0]]
        del mine[scope[1]]
        if not mine:
            del self._by_credential[scope[0]]

    # -- declared state (see mockcasa.state.organization)

    def copy(self) -> IdempotencyKeys:
        """A copy sharing the entries (requests in flight hold them and finish them in place)."""
        clone = IdempotencyKeys()
        for scope, entry in self.entries.items():
            clone._add(scope, entry)
        clone._seq = self._seq
        return clone

    def dump(self) -> list[dict]:
        """Finished entries in creation order (each key's expiry and exact response bytes)."""
        return _entries_data(self._finished())

    def capture(self) -> Deferred:
        """The finished entries as they are now; encoding their bodies can wait (one at a time, so the
        thread encoding them lets the event loop in between)."""
        finished = self._finished()
        return Deferred(lambda: [Deferred(partial(_entry_data, entry)) for entry in finished])

    def _finished(self) -> list[tuple]:
        return [(scope, e.method, e.path, e.digest, e.expires_at, e.status, e.headers, e.body)
                for scope, e in sorted(self.entries.items(), key=lambda item: item[1].seq) if e.status is not None]

    @classmethod
    def load(cls, data: list[EntryData], loading: Loading) -> IdempotencyKeys:
        keys = cls()
        for i, item in enumerate(data):
            scope = (item.credential_id, item.key)
            if scope in keys.entries:
                loading.problem((i, "key"), "this credential already has this key")
                continue
            try:
                body = base64.b64decode(item.body, validate=True)
            except ValueError:
                loading.problem((i, "body"), "must be base64")
                continue
            keys._seq += 1
            entry = Entry(item.method, item.path, item.digest, item.expires_at, keys._seq)
            keys.finish(scope, entry, item.status, body, tuple((k, v) for k, v in item.headers))
            keys._add(scope, entry)
        return keys


def _entries_data(finished: list[tuple]) -> list[dict]:
    return [_entry_data(entry) for entry in finished]


def _entry_data(entry: tuple) -> dict:
    scope, method, path, digest, expires_at, status, headers, body = entry
    return {"credentialId": scope[0], "key": scope[1], "method": method, "path": path, "digest": digest,
            "expiresAt": expires_at, "status": status, "headers": [list(h) for h in headers],
            "body": base64.b64encode(body).decode()}
