"""The whole state as one JSON document, and back.

A snapshot is a header (``format``, ``version``) followed by every declared piece of the
sandbox (``mockcasa.state``): organizations with all of their pieces (settings, exact clock,
members, counters, records with every field, idempotency keys, rate-limit windows, webhook
deliveries), API keys, OAuth state and fault rules with their counts. Timestamps keep their full
precision and every list keeps its order, so export -> import -> export gives identical bytes.
The request journal is not state and is not included. An import is validated completely before
it replaces anything. The format is described in docs/admin.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import BaseModel, ValidationError, create_model

from mockcasa.source_files import Document, DocumentError
from mockcasa.state import Organization, Sandbox
from mockcasa.state.declare import Loading, finish
from mockcasa.state.organization import OrganizationData
from mockcasa.state.records import record_data
from mockcasa.state.sandbox import SandboxData

FORMAT = "mockcasa-snapshot"
VERSION = 2  # 1: organizations (without their caches and deliveries) and API keys only; still imported

SnapshotData = create_model("SnapshotData", __base__=SandboxData, format=(Literal["mockcasa-snapshot"], ...),
                            version=(Literal[1, 2], ...))


class SnapshotError(DocumentError):
    """A snapshot that cannot be imported; nothing was changed."""


def export_state(sandbox: Sandbox) -> dict[str, Any]:
    return {"format": FORMAT, "version": VERSION, **sandbox.export()}


def capture_state(sandbox: Sandbox) -> dict[str, Any]:
    """``export_state`` in two steps: this (on the event loop), then ``dump`` (anywhere, e.g. a thread)."""
    return {"format": FORMAT, "version": VERSION, **sandbox.capture()}


def dump(data: dict[str, Any]) -> bytes:
    """The snapshot's bytes: compact JSON (of an export, or of a capture, finishing its deferred parts)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_finish).encode()


def dump_chunks(data: dict[str, Any]) -> Iterator[str]:
    """``dump``'s text in pieces, to write as they come (no single string as large as the state)."""
    return json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_finish).iterencode(data)


def _finish(value: Any) -> Any:
    # A captured record is the model itself: the encoder calls back here for each one, so a thread
    # encoding many records lets the event loop's thread run in between (a list of ready dicts would
    # be encoded in C in one go, holding the GIL throughout).
    if isinstance(value, BaseModel):
        return record_data(value)
    return finish(value)


def _loading(sandbox: Sandbox, doc: Document) -> Loading:
    return Loading(doc, dict(sandbox.resources), sandbox.all_scopes, revisions=sandbox.revisions)


def load_state(sandbox: Sandbox, doc: Document) -> dict[str, Any]:
    """The snapshot's state, every piece built aside for ``Sandbox.take_over``, or ``SnapshotError``.

    Reads nothing live (only the sandbox's resources and scopes), so it may run on a worker thread.
    """
    try:
        snapshot = SnapshotData.model_validate(doc.data)
    except ValidationError as exc:
        raise SnapshotError(doc.validation_problems(exc)) from None
    loading = _loading(sandbox, doc)
    values = sandbox.loaded(snapshot, loading)
    if loading.problems:
        raise SnapshotError(loading.problems)
    return values


def import_state(sandbox: Sandbox, doc: Document) -> None:
    """Replace the whole state with the snapshot's, or raise ``SnapshotError`` and change nothing."""
    sandbox.take_over(load_state(sandbox, doc))


def restore_organization(sandbox: Sandbox, org: Organization, data: dict[str, Any] | None) -> None:
    """Put ``org`` back to an exported state of itself (None: empty it); its API keys are left alone."""
    if data is None:
        sandbox.restore_organization(org, None, None)
        return
    doc = Document("snapshot", data)
    try:
        validated = OrganizationData.model_validate(data)
    except ValidationError as exc:
        raise SnapshotError(doc.validation_problems(exc)) from None
    loading = _loading(sandbox, doc)
    sandbox.restore_organization(org, validated, loading)
    if loading.problems:
        raise SnapshotError(loading.problems)


__all__ = ["FORMAT", "VERSION", "SnapshotError", "capture_state", "dump", "dump_chunks", "export_state",
           "import_state", "load_state", "record_data", "restore_organization"]
