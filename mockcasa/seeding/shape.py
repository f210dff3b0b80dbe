"""From a seed record as written (camelCase, aliases, relative dates) to a resource's python values.

The resource's read model says what each field is: UUID-typed fields (``clientId``,
``projectIds``, ``memberId``) may name a local alias, date and timestamp fields may be
relative to the organization's clock (``now``, ``today``, ``-30d``, ``today+2w``), and
nested models are walked the same way. Unknown fields are refused.
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import AwareDatetime, BaseModel, NaiveDatetime
from pydantic.fields import FieldInfo

from mockcasa.clock import parse_duration
from mockcasa.models.common import Part, Uuid, is_uuid
from mockcasa.source_files import Loc

_UUID_MARKERS = tuple(id(m) for m in Uuid.__metadata__)
_UUID_TEXT = re.compile(r"(with id )?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})")
_RELATIVE = re.compile(r"^(now|today)?\s*([+-].*)?$")
_OFFSET = re.compile(r"[+-][^+-]*")
Report = Callable[[Loc, str], None]


@dataclass(frozen=True)
class Kind:
    """What a field holds, as far as seeding cares."""

    name: str  # "uuid", "date", "datetime", "model", "list" or "value"
    inner: Any = None  # the nested model, or the Kind of list items


VALUE = Kind("value")


def annotation_kind(annotation: Any, metadata: tuple = ()) -> Kind:
    if any(id(m) in _UUID_MARKERS for m in metadata):
        return Kind("uuid")
    origin = get_origin(annotation)
    if origin is Annotated:
        args = get_args(annotation)
        return annotation_kind(args[0], tuple(metadata) + tuple(args[1:]))
    if origin in (Union, types.UnionType):
        kinds = [annotation_kind(a) for a in get_args(annotation) if a is not type(None)]
        return kinds[0] if len(kinds) == 1 else VALUE
    if origin in (list, tuple, set, frozenset):
        args = get_args(annotation)
        return Kind("list", annotation_kind(args[0])) if args else VALUE
    if origin is Literal or not isinstance(annotation, type):
        return VALUE
    if annotation in (AwareDatetime, NaiveDatetime):
        return Kind("datetime")
    if issubclass(annotation, (BaseModel, Part)):
        return Kind("model", annotation)
    if issubclass(annotation, datetime):
        return Kind("datetime")
    if issubclass(annotation, date):
        return Kind("date")
    return VALUE


def field_kind(info: FieldInfo) -> Kind:
    return annotation_kind(info.annotation, tuple(info.metadata))


def field_names(model: type[BaseModel]) -> dict[str, str]:
    """Every spelling a seed may use for a field (camelCase alias or python name) -> python name."""
    names = {}
    for name, info in model.model_fields.items():
        names[name] = name
        if info.alias:
            names[info.alias] = name
    return names


def _is_iso(text: str) -> bool:
    """Whether ``text`` is meant as an ISO 8601 date or instant (validation says what is wrong with
    ``2026-02-30``; ``yesterday`` gets the list of accepted forms instead)."""
    return bool(re.match(r"\s*\d{4}-\d", text))


class AliasTable:
    """Local names for records and members of one organization, unique across kinds."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[str, str]] = {}

    def __contains__(self, alias: str) -> bool:
        return alias in self._entries

    def add(self, alias: str, kind: str, record_id: str) -> None:
        self._entries[alias] = (kind, record_id)

    def get(self, alias: str) -> tuple[str, str] | None:
        return self._entries.get(alias)

    def kind_of(self, alias: str) -> str:
        return self._entries[alias][0]

    def entries(self) -> dict[str, tuple[str, str]]:
        """alias -> (resource or ``members``, id)."""
        return dict(self._entries)

    def name_ids(self, reason: str) -> str:
        """``reason`` with every id a seed gave an alias to written as that alias: a seed's author
        knows ``acme``, not the UUID generated for it."""
        if not self._entries or not _UUID_TEXT.search(reason):
            return reason
        aliases = {record_id: alias for alias, (_, record_id) in self._entries.items()}

        def named(match: re.Match) -> str:
            alias = aliases.get(match.group(2).lower())
            return match.group(0) if alias is None else repr(alias)  # "no client with id X" -> "no client 'acme'"
        return _UUID_TEXT.sub(named, reason)

    def describe(self, kind: str | None) -> str:
        known = sorted(a for a, (k, _) in self._entries.items() if kind is None or k == kind)
        if not known:
            return "none are defined" + (f" for {kind}" if kind else "")
        shown = ", ".join(known[:10]) + (f" and {len(known) - 10} more" if len(known) > 10 else "")
        return f"known: {shown}"


class Shaper:
    """Shapes records of one organization: needs its clock's instant, its aliases and a problem sink."""

    def __init__(self, now: datetime, aliases: AliasTable, report: Report) -> None:
        self.now = now
        self.aliases = aliases
        self.report = report

    def record(self, model: type[BaseModel], data: Any, loc: Loc,
               targets: dict[str, str] | None = None) -> dict[str, Any]:
        """``targets``: python field name -> the resource its ids must belong to (the resource's refs)."""
        if not isinstance(data, dict):
            self.report(loc, f"must be a mapping of {model.__name__} fields")
            return {}
        names = field_names(model)
        out: dict[str, Any] = {}
        for key, value in data.items():
            name = names.get(key)
            if name is None:
                self.report(loc + (key,), f"is not a field of {model.__name__}")
                continue
            kind = field_kind(model.model_fields[name])
            out[name] = self.value(kind, value, loc + (key,), (targets or {}).get(name))
        return out

    def value(self, kind: Kind, value: Any, loc: Loc, target: str | None = None) -> Any:
        if value is None:
            return None
        # A reference the contract types as a plain string (a timeline item's eventDayId) names by alias too.
        if kind.name == "uuid" or (kind.name == "value" and target is not None and isinstance(value, str)):
            return self.reference(value, loc, target)
        if kind.name in ("date", "datetime") and isinstance(value, str):
            return self.moment(value, loc, kind.name == "date")
        if kind.name == "list" and isinstance(value, list):
            return [self.value(kind.inner, v, loc + (i,), target) for i, v in enumerate(value)]
        if kind.name == "model" and isinstance(value, dict):
            return self.record(kind.inner, value, loc)
        return value

    def reference(self, value: Any, loc: Loc, target: str | None) -> Any:
        if not isinstance(value, str) or is_uuid(value):
            return value.lower() if isinstance(value, str) else value
        entry = self.aliases.get(value)
        if entry is None:
            self.report(loc, f"no record or member has the alias {value!r} ({self.aliases.describe(target)})")
            return value
        kind, record_id = entry
        if target is not None and kind != target:
            self.report(loc, f"alias {value!r} names one of {kind}, but this field refers to {target}")
        return record_id

    def moment(self, text: str, loc: Loc, as_date: bool) -> Any:
        """``now``, ``today``, ``-30d``, ``+2w``, ``today+1d``, ``today-2d+15h``; anything else is left for validation."""
        match = _RELATIVE.match(text.strip().lower())
        if match is None or not (match.group(1) or match.group(2)):
            if not _is_iso(text):
                self.report(loc, f"{text!r} is not a date this seed understands: use an ISO 8601 date or "
                                 f"instant (2026-05-19, 2026-05-19T10:00:00Z), now, today, or an offset "
                                 f"from them such as -30d, +2w, today+1d, now-90m, today-2d+15h "
                                 f"(units ms, s, m, h, d, w)")
            return text
        anchor = self.now
        if match.group(1) == "today":
            anchor = anchor.replace(hour=0, minute=0, second=0, microsecond=0)
        offset = timedelta(0)
        # Offsets may be chained: "today+21d+14h" is three weeks ahead at 14:00.
        for part in _OFFSET.findall((match.group(2) or "").replace(" ", "")):
            try:
                offset += parse_duration(part)
            except ValueError as exc:
                self.report(loc, str(exc))
                return text
        try:
            at = anchor + offset
        except OverflowError:  # the organization's clock near an end of the range, a long offset
            self.report(loc, f"{text!r} falls outside the years 0001-9999")
            return text
        return at.date() if as_date else at
