"""The API revisions mockcasa serves, by name: which one an organization gets, and the ``latest`` alias.

Production's API moved inside v1 (the SDK's spec of 2026-06-30 drops proposals, adds event days,
vendors, venues, documents and forms, and reshapes invoices and leads). Each organization is
served one revision for its whole life, chosen when it is created (seed ``apiRevision``, the
admin API, ``--api-revision`` / ``MOCKCASA_API_REVISION`` for organizations that name none, the
pytest marker). What each revision serves is declared in ``mockcasa.resources``; this module only
names them, so settings and state can check a name without importing the resources.
"""

from __future__ import annotations

# Oldest first: an operation an older revision served and a newer one does not is "gone" (410) there.
REVISIONS: tuple[str, ...] = ("1.0.0", "2026-06-30")
DEFAULT = "1.0.0"  # nothing changes for organizations that name no revision
LATEST_ALIAS = "latest"
LATEST = REVISIONS[-1]


def resolve(name: str) -> str:
    """The revision ``name`` stands for (``latest`` is the newest); ValueError when there is none."""
    if name == LATEST_ALIAS:
        return LATEST
    if name not in REVISIONS:
        raise ValueError(f"unknown API revision {name!r}; known: {', '.join(REVISIONS)} (or {LATEST_ALIAS})")
    return name


def older(first: str, second: str) -> bool:
    """Whether revision ``first`` came before ``second``."""
    return REVISIONS.index(first) < REVISIONS.index(second)
