"""What the state layer needs to know of a resource declaration.

``engine.resource.Resource`` satisfies this protocol. The state layer (organizations, their
collections, snapshots) stores records of declared kinds but sits below the engine, so it names
the declaration by this protocol instead of importing it: no import cycle between the two.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from pydantic import BaseModel


class RecordKind(Protocol):
    name: str
    singular: str  # for messages: "time entry"
    model: type[BaseModel]  # the stored shape
    refs: Sequence[Any]  # fields holding ids of other records (``Ref``: field, target, many)

    @property
    def indexed_fields(self) -> tuple[str, ...]: ...

    @property
    def ranged_fields(self) -> tuple[str, ...]: ...

    @property
    def paired_fields(self) -> tuple[tuple[str, str], ...]:
        """Pairs of filtered fields whose combined index is kept as records arrive."""
        ...

    @property
    def derivation(self) -> Any:
        """How the kind's derived fields are computed and indexed (``store.Derivation``), or None."""
        ...

    def clock_changed(self, sandbox: Any, org: Any, before: datetime, after: datetime) -> list:
        """Run the kind's time-driven rules for ``org``'s clock moving; the events they emit."""
        ...
