"""``--state-file``: a sandbox that survives a restart.

The file is a snapshot (``mockcasa.snapshot``, with its format version), so whatever a snapshot
holds persists: every declared piece of state. On start, an existing file is imported over the
seeded world (the seeds still define what ``POST /_mockcasa/reset`` returns to); a missing one is
created from the seeds at once. A file that cannot be used (unreadable, not JSON, not a snapshot,
a format this version does not read, invalid content) stops the start with ``file: reason``
(exit 2) and is left untouched; ``--state-file-reset`` ignores it and overwrites it.

Saving never happens on the request path. Any response (but to an admin read), published event,
reset or import marks the state changed; every ``--state-save-interval`` seconds a changed state is captured on the event
loop (records are immutable, so this is a list copy per collection) and encoded and written in a
thread; a clean shutdown (SIGTERM, Ctrl-C) saves once more. A write is atomic: a temporary file
beside the target, fsync, rename, fsync of the directory, so a process killed at any moment
leaves the previous file or the new one, never a broken one.

Test hook: with ``MOCKCASA_TEST_HOLD_BEFORE_RENAME=1`` in the environment the writer stops
between writing the temporary file and renaming it (after printing a line on stderr), so a test
can kill the process there.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from typing import Any

from aiohttp import web

from mockcasa.clock import format_timestamp
from mockcasa.config import ADMIN_PREFIX, Settings
from mockcasa.keys import SANDBOX
from mockcasa.snapshot import FORMAT, SnapshotError, capture_state, dump_chunks, import_state
from mockcasa.source_files import DocumentError, Problem, parse_json
from mockcasa.state import Sandbox
from mockcasa.webhooks.worker import DELIVERIES

log = logging.getLogger("mockcasa.state_file")
HOLD_BEFORE_RENAME = "MOCKCASA_TEST_HOLD_BEFORE_RENAME"
READABLE_VERSIONS = (1, 2)


class StateFileError(DocumentError):
    """A state file the server cannot start from (or cannot write); nothing was changed."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path, self.reason = path, reason
        super().__init__([Problem("(file)", reason, None, str(path))])

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class StateFile:
    """Where the sandbox is saved, when it last was, and the saving itself."""

    def __init__(self, sandbox: Sandbox, path: Path, interval: float) -> None:
        self.sandbox = sandbox
        self.path = path
        self.interval = interval
        self.changed = False
        self.origin = "created"  # restored | created | reset: what the server started from
        self.last_saved_at: float | None = None  # real time (Unix seconds) of the last completed write
        self.last_save_seconds: float | None = None
        self.last_save_bytes: int | None = None
        self.last_error: str | None = None
        self._names = count()
        self._lock = asyncio.Lock()
        self._stop = asyncio.Event()

    # -- start

    def open(self, *, reset: bool) -> None:
        """Import the file, or (missing, or ``reset``) write the current world to it; ``StateFileError`` if not."""
        for stale in self.path.parent.glob(f".{self.path.name}.*.tmp"):  # writes a killed process left
            with contextlib.suppress(OSError):
                stale.unlink()
        if self.path.exists() and not reset:
            self._import()
            self.origin = "restored"
            if not os.access(self.path.parent, os.W_OK):
                raise StateFileError(self.path, "cannot save: the directory is not writable")
            return
        self.origin = "reset" if reset else "created"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._record(self.write(capture_state(self.sandbox)), 0.0)
        except OSError as exc:
            raise StateFileError(self.path, f"cannot write: {exc.strerror or exc}") from None

    def _import(self) -> None:
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            raise StateFileError(self.path, f"cannot read: {exc.strerror or exc}") from None
        try:
            doc = parse_json(raw, str(self.path))
        except DocumentError as exc:
            raise StateFileError(self.path, f"corrupt: {exc.problems[0].reason}") from None
        data = doc.data
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise StateFileError(self.path, f"not a mockcasa state file (no \"format\": \"{FORMAT}\")")
        if data.get("version") not in READABLE_VERSIONS:
            raise StateFileError(self.path, f"format version {data.get('version')!r} is not one this mockcasa "
                                            f"reads ({', '.join(map(str, READABLE_VERSIONS))}); use the "
                                            f"version that wrote it, or --state-file-reset to start over")
        try:
            import_state(self.sandbox, doc)
        except SnapshotError as exc:
            first = exc.problems[0]
            more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
            raise StateFileError(self.path, f"invalid snapshot: {first.path}: {first.reason}{more}") from None

    # -- saving

    def mark_changed(self, *_: Any) -> None:
        self.changed = True

    async def save(self) -> bool:
        """Capture now, write in a thread; False (and the state still marked changed) if the write failed."""
        async with self._lock:
            self.changed = False
            captured = capture_state(self.sandbox)
            started = time.perf_counter()
            try:
                size = await asyncio.get_running_loop().run_in_executor(None, self.write, captured)
            except OSError as exc:
                self.changed = True
                self.last_error = f"{exc.strerror or exc}"
                log.error("could not save the state to %s: %s", self.path, self.last_error)
                return False
            self._record(size, time.perf_counter() - started)
            return True

    def write(self, captured: dict) -> int:
        """Encode a capture into a temporary file beside the target (piece by piece: no string as large
        as the state), fsync it, rename it over the target, fsync the directory. Returns the size."""
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}-{next(self._names)}.tmp")
        try:
            with open(temporary, "w", encoding="utf-8", newline="") as file, _no_full_collections():
                file.writelines(dump_chunks(captured))
                file.flush()
                os.fsync(file.fileno())
                size = file.tell()
            if os.environ.get(HOLD_BEFORE_RENAME):
                print(f"mockcasa: {temporary} written, holding before rename (test hook)", file=sys.stderr,
                      flush=True)
                threading.Event().wait()
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise
        with contextlib.suppress(OSError):  # not every platform can fsync a directory
            directory = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
        return size

    def _record(self, size: int, seconds: float) -> None:
        self.last_saved_at = time.time()
        self.last_save_bytes = size
        self.last_save_seconds = seconds
        self.last_error = None

    def describe(self) -> dict[str, Any]:
        saved = self.last_saved_at
        return {"path": str(self.path), "startedFrom": self.origin, "saveIntervalSeconds": self.interval,
                "lastSavedAt": None if saved is None else format_timestamp(datetime.fromtimestamp(saved, UTC)),
                "lastSaveSeconds": self.last_save_seconds, "lastSaveBytes": self.last_save_bytes,
                "unsavedChanges": self.changed, "lastError": self.last_error}

    # -- lifecycle

    async def lifecycle(self, app: web.Application) -> AsyncIterator[None]:
        """For ``app.cleanup_ctx``: save at the interval while the app runs, and once more at shutdown."""
        task = asyncio.get_running_loop().create_task(self._every_interval(app))
        yield
        self._stop.set()
        await task
        await self.save()

    async def _every_interval(self, app: web.Application) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.interval)
            deliveries = app.get(DELIVERIES)
            if deliveries is not None and deliveries.pending():
                self.changed = True  # the worker records attempts as it goes
            if self.changed and not self._stop.is_set():
                await self.save()


@contextlib.contextmanager
def _no_full_collections() -> Iterator[None]:
    """Keep the garbage collector off the objects that exist now while a large state is encoded.

    Encoding allocates a dict per record, which triggers full collections, and a full collection
    walks every object of a large sandbox (about 80 ms for 100,000 records) with the GIL held: the
    event loop would stand still. Frozen objects are skipped by collections until ``unfreeze``.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


STATE_FILE: web.AppKey[StateFile] = web.AppKey("state_file", StateFile)


def setup_state_file(app: web.Application, settings: Settings) -> StateFile | None:
    """With ``settings.state_file``: restore or create it (``StateFileError`` if it cannot be used),
    and keep it saved. Call last in ``create_app``: the seeds, scenarios and the startup snapshot
    (what a reset returns to) come first."""
    if settings.state_file is None:
        return None
    state_file = StateFile(app[SANDBOX], Path(settings.state_file), settings.state_save_interval)
    state_file.open(reset=settings.state_file_reset)
    app[STATE_FILE] = state_file

    async def changed(request: web.Request, response: web.StreamResponse) -> None:
        # Admin reads (health checks every few seconds, the journal, a snapshot) change nothing;
        # anything else may (a public GET counts against a rate-limit window).
        if request.method not in ("GET", "HEAD", "OPTIONS") or not request.path.startswith(ADMIN_PREFIX):
            state_file.mark_changed()

    app.on_response_prepare.append(changed)
    app[SANDBOX].listeners.append(state_file.mark_changed)
    app[SANDBOX].restore_listeners.append(state_file.mark_changed)
    app.cleanup_ctx.append(state_file.lifecycle)
    return state_file
