"""The request journal as a test reads it: in-process (direct) or on a live server (its admin API).

``entries()`` returns what ``GET /_mockcasa/journal`` does, newest first: ``method``, ``path``,
``query``, ``status`` (None: dropped), ``durationMs``, ``organizationId``, ``apiKeyId``,
``credential`` (masked), ``operationId``, ``fault``, ``request``/``response`` (``contentType``,
``headers``, ``body``), ... Headers are a dict of lower-case names, with credentials, cookies and
body secrets masked (``cc_t…``), so a test can assert what its code sent:
``entries()[0]["request"]["headers"]["idempotency-key"]``.
Filters: ``method``, ``path`` (a pattern as in scenarios: ``/api/v1/clients/*``), ``status``
(``503``, ``5xx`` or ``dropped``), ``limit``.
"""

from __future__ import annotations

from typing import Any

from mockcasa.http.journal import Journal
from mockcasa.scenarios.rules import compile_path
from mockcasa.testing.admin import AdminClient

Entry = dict[str, Any]


class InProcessJournal:
    """An in-process app's journal (``app[JOURNAL]``): the test's own app, so every request is its own."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal

    def entries(self, *, method: str | None = None, path: str | None = None, status: str | int | None = None,
                limit: int = 100) -> list[Entry]:
        pattern = compile_path(path) if path else None
        found = self._journal.query(method=method, path=pattern, status=None if status is None else str(status),
                                    limit=limit)
        return [entry.describe() for entry in found]

    def clear(self) -> None:
        self._journal.clear()


class LiveJournal:
    """The requests of one organization on a shared live server, through its admin API.

    ``clear()`` forgets what this organization sent so far without touching other tests' entries.
    """

    def __init__(self, admin: AdminClient, organization_id: str) -> None:
        self._admin = admin
        self._organization_id = organization_id
        self._after = 0  # entry ids are increasing; clear() hides the ones up to here

    def entries(self, *, method: str | None = None, path: str | None = None, status: str | int | None = None,
                limit: int = 100) -> list[Entry]:
        found = self._admin.get("/journal", organizationId=self._organization_id, method=method, path=path,
                                status=status, limit=limit)["entries"]
        return [entry for entry in found if entry["id"] > self._after]

    def clear(self) -> None:
        newest = self._admin.get("/journal", organizationId=self._organization_id, limit=1)["entries"]
        if newest:
            self._after = newest[0]["id"]
