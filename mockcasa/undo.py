"""How a transaction takes back what it changed: one log of record changes per organization.

While ``Organization.transaction`` is open, each change a collection makes (a record added,
removed, or swapped for a new version) is logged with what takes it back; a block that raises
takes the changes back newest first (``Collection.take_back``). The collections of one organization
share one log (``store.link``), so opening and closing a transaction touches one object however many
collections there are, and a rollback visits only what was written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class Collection(Protocol):
    """What the log needs of a ``store.Collection`` (not imported: the store imports this module)."""

    log: UndoLog

    def take_back(self, change: str, record: Any) -> None: ...


class UndoLog:
    """The changes made to a family of collections since its transaction opened."""

    __slots__ = ("changes",)

    def __init__(self) -> None:
        # (collection, change, record) in the order they happened; None while no transaction is open.
        self.changes: list[tuple[Collection, str, Any]] | None = None

    def rollback(self) -> None:
        """Take back every logged change, newest first, and close the log."""
        changes, self.changes = self.changes or [], None
        for collection, change, record in reversed(changes):
            collection.take_back(change, record)


def undo_log(collections: Mapping[str, Collection]) -> UndoLog:
    """The log a family of collections (made one by ``store.link``) shares."""
    return next(iter(collections.values())).log if collections else UndoLog()
