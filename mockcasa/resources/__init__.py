"""The registry of resources, per API revision. Each module states one resource and only what is special about it.

The first revision (1.0.0) is the list of modules below. Each later revision is a ``Revision``
declared in its own module (``v2026_06_30``): the resources it adds, those it drops, and the
declarations it replaces (a resource with another model, filters or rules). A record type both
revisions share is declared once; a revision's document, routes, seeds and snapshots all come
from ``all_resources(revision)``.

A revision is built (its modules imported, its models made) only once something uses it
(``Revisions``); what must be known before, the routes and the scopes, comes from ``outline.py``,
written from these declarations by ``python -m mockcasa.resources``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from mockcasa.engine.resource import Resource, scope
from mockcasa.openapi import ERROR_CODES
from mockcasa.resources.outline import OUTLINE, Outline
from mockcasa.revisions import DEFAULT, REVISIONS

# Order matters only for the served OpenAPI document (the contract's order).
MODULES = (
    "clients", "contacts", "projects",
    "invoices", "proposals", "contracts", "payments", "payouts",
    "time_entries", "milestones", "calendar_events", "inquiries", "transactions", "catalog_items",
    "webhooks",
)
OUTLINE_FILE = Path(__file__).with_name("outline.py")
# The module declaring what each later revision changes (its ``REVISION``).
REVISION_MODULES = {"2026-06-30": "v2026_06_30"}


@dataclass(frozen=True)
class Revision:
    """What one revision changes from the revision before it."""

    name: str
    adds: tuple[Resource, ...] = ()  # new resources, in the contract's order
    removes: tuple[str, ...] = ()  # resource names it no longer serves
    # New declarations of resources it keeps, by name (another model, filters, rules or fewer
    # operations). An operation an older revision served and this one does not answers 410 ``gone``.
    replaces: tuple[Resource, ...] = ()
    error_codes: tuple[str, ...] = ()  # ``ApiError.code`` values it adds


def _base() -> dict[str, Resource]:
    resources = {}
    for module in MODULES:
        resource: Resource = import_module(f"mockcasa.resources.{module}").RESOURCE
        resources[resource.name] = resource
    return resources


def revision_changes(name: str) -> Revision | None:
    """The declaration of what revision ``name`` changes (None for the first one)."""
    module = REVISION_MODULES.get(name)
    return None if module is None else import_module(f"mockcasa.resources.{module}").REVISION


def all_resources(revision: str = DEFAULT) -> dict[str, Resource]:
    """The resources revision ``revision`` serves: the first revision's, with each later change applied."""
    resources = _base()
    for name in REVISIONS[1:REVISIONS.index(revision) + 1]:
        changes = revision_changes(name)
        for gone in changes.removes:
            resources.pop(gone)
        for replaced in changes.replaces:
            resources[replaced.name] = replaced
        resources.update({added.name: added for added in changes.adds})
    return resources


class Revisions(Mapping[str, dict[str, Resource]]):
    """Every revision's resources, oldest first, each built on first use (``all_resources``).

    Building a revision imports its modules and builds its pydantic models (~10 ms for
    2026-06-30): a server whose organizations are all 1.0.0 never pays for the later revision.
    What must be known before that (the routes, the scopes a key may hold) comes from
    ``outline.OUTLINE``, which a revision is checked against when it is built.
    """

    def __init__(self) -> None:
        self._built: dict[str, dict[str, Resource]] = {}

    def __getitem__(self, name: str) -> dict[str, Resource]:
        resources = self._built.get(name)
        if resources is None:
            if name not in REVISIONS:
                raise KeyError(name)
            resources = self._built[name] = all_resources(name)
            if list(outline_of(resources).items()) != list(OUTLINE[name].items()):
                raise RuntimeError(f"mockcasa/resources/outline.py does not say what revision {name} serves: "
                                   f"run python -m mockcasa.resources")
        return resources

    def __iter__(self) -> Iterator[str]:
        return iter(REVISIONS)

    def __len__(self) -> int:
        return len(REVISIONS)


def all_revisions() -> Revisions:
    """Every revision's resources, oldest first, each built when first asked for."""
    return Revisions()


def outline_of(resources: Mapping[str, Resource]) -> Outline:
    """What ``resources`` serve, as ``outline.OUTLINE`` has it: name -> {operation: operationId}."""
    return {name: {op: resource.operation_id(op) for op in resource.operations}
            for name, resource in resources.items()}


def error_codes(revision: str) -> tuple[str, ...]:
    """The ``ApiError.code`` values revision ``revision`` declares."""
    codes = list(ERROR_CODES)
    for name in REVISIONS[1:REVISIONS.index(revision) + 1]:
        codes[-1:-1] = revision_changes(name).error_codes  # internal_error stays last, as the contract has it
    return tuple(codes)


def all_scopes(resources: Mapping[str, Resource] | None = None) -> frozenset[str]:
    """The scopes of ``resources`` (default: of every revision, which is what a key may hold).

    Read from the outline, so that naming every scope builds no revision.
    """
    groups: list[Outline] = [outline_of(resources)] if resources is not None else list(OUTLINE.values())
    scopes = set()
    for group in groups:
        for name, operations in group.items():
            scopes.add(scope(name, "read"))
            if set(operations) - {"list", "get"}:
                scopes.add(scope(name, "write"))
    return frozenset(scopes)


def outline_source() -> str:
    """``outline.py`` with ``OUTLINE`` as the declarations say (builds every revision)."""
    lines = ["OUTLINE: dict[str, Outline] = {"]
    for revision in REVISIONS:
        lines.append(f"    {json.dumps(revision)}: {{")
        for name, operations in outline_of(all_resources(revision)).items():
            line = f"        {json.dumps(name)}: {{"
            items = [f"{json.dumps(op)}: {json.dumps(operation_id)}" for op, operation_id in operations.items()]
            for i, item in enumerate(items):
                item += "}," if i == len(items) - 1 else ","
                if len(line) + len(item) > 100:  # wrapped within the line length
                    lines.append(line)
                    line = " " * 12
                line += item if line.endswith(("{", " " * 12)) else " " + item
            lines.append(line)
        lines.append("    },")
    lines.append("}")
    text = OUTLINE_FILE.read_text(encoding="utf-8")
    start = text.index(lines[0])
    end = text.index("\n}\n", start) + 2
    return text[:start] + "\n".join(lines) + text[end:]
