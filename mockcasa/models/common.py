"""Shared field types and base models.

Python code uses snake_case; the contract's camelCase exists only at the JSON edge
through aliases. Input models are strict (no "1" for 1, no "true" for true) and
forbid unknown fields, as the contract's schemas describe exactly what may be sent.
"""

import hashlib
import math
import os
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    create_model,
)
from pydantic.alias_generators import to_camel
from pydantic.dataclasses import dataclass
from pydantic.fields import FieldInfo
from pydantic.json_schema import SkipJsonSchema

from mockcasa.clock import format_timestamp
from mockcasa.compact import id_text, share_field_names

_UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def new_id() -> str:
    """A random UUID v4, formatted without building a ``uuid.UUID`` (every create makes one)."""
    return _v4(int.from_bytes(os.urandom(16)))


# The version (4) and variant (RFC 4122) bits of a UUID v4, as a 128-bit integer.
_V4_CLEAR = ~((0xF << 76) | (0x3 << 62))
_V4_SET = (0x4 << 76) | (0x2 << 62)
_MASK_128 = (1 << 128) - 1


def _v4(bits: int) -> str:
    """128 bits as a UUID v4 string: version 4, RFC 4122 variant."""
    return id_text(bits & _V4_CLEAR | _V4_SET)


class RecordIds:
    """Random-looking UUID v4 ids for the records of one organization, without a system call for each.

    ``new_id`` reads 16 bytes from the operating system's CSPRNG per id (a system call, ~0.8 µs, on
    every create); record ids name records, they authenticate nothing. So each organization holds a
    128-bit counter started at a CSPRNG-drawn value, and an id is that counter passed through a
    bijective mix (odd multipliers and xor-shifts mod 2**128): distinct counters give distinct
    mixes, which look random. Setting the 6 version/variant bits leaves 122 bits, as random as a
    uuid4's. Two ints of state (a Mersenne Twister per organization held 2.6 KB each).
    Credentials and everything secret keep using ``secrets``.
    """

    __slots__ = ("_count",)

    def __init__(self) -> None:
        self._count = int.from_bytes(os.urandom(16))

    def __call__(self) -> str:
        x = self._count = (self._count + 1) & _MASK_128
        x = (x * 0x9E3779B97F4A7C15F39CC0605CEDC835) & _MASK_128
        x ^= x >> 67
        x = (x * 0xD6E8FEB86659FD93C2B2AE3D27D4EB4F) & _MASK_128
        return _v4(x ^ x >> 61)


def derived_id(*parts: object) -> str:
    """A UUID v4-shaped id that depends only on ``parts``: seeded records get the same ids on every load."""
    return _v4(int.from_bytes(hashlib.sha256("|".join(map(str, parts)).encode()).digest()[:16]))


def is_uuid(value: str) -> bool:
    return bool(_UUID_RE.match(value))


def _check_uuid(value: str) -> str:
    if not _UUID_RE.match(value):
        raise ValueError("must be a UUID such as 550e8400-e29b-41d4-a716-446655440000")
    return value.lower()


def _check_email(value: str) -> str:
    if not _EMAIL_RE.match(value):
        raise ValueError("must be an email address such as ada@example.com")
    return value


# The largest amount (or quantity) the API accepts, either sign. Far beyond any real invoice, yet
# small enough that sums of many such amounts stay exact to the cent in a float.
MAX_NUMBER = 1e12
TIMESTAMP_RANGE = "between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z once converted to UTC"


def _check_finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    if abs(value) > MAX_NUMBER:
        raise ValueError("must be between -1e12 and 1e12")
    return value


def _check_representable(value: datetime) -> datetime:
    """Refuse instants that exist only in their own zone (9999-12-31T23:59:59-14:00 is year 10000 in UTC).

    They would be stored, then fail every time they are formatted as UTC: a write the API cannot read back.
    """
    try:
        value.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"must be {TIMESTAMP_RANGE}") from None
    return value


_UUID_SCHEMA = WithJsonSchema({"type": "string", "format": "uuid", "description": "UUID v4",
                               "example": "550e8400-e29b-41d4-a716-446655440000"})
Uuid = Annotated[str, AfterValidator(_check_uuid), _UUID_SCHEMA]
# The id of a part (an invoice's line item): validated, documented and rendered as a ``Uuid``, stored
# as its 128-bit integer (``compact.id_text``), so Python code reads it from a dump, not the attribute.
PartId = Annotated[str, AfterValidator(_check_uuid), PlainSerializer(id_text, return_type=str), _UUID_SCHEMA]
Email = Annotated[str, AfterValidator(_check_email), WithJsonSchema({"type": "string", "format": "email"})]
# Formatted only at the JSON edge: in Python (hook values, PATCH no-op checks) a timestamp stays a
# datetime, and an unset optional timestamp of a request body stays None.
Timestamp = Annotated[AwareDatetime, AfterValidator(_check_representable),
                      PlainSerializer(format_timestamp, return_type=str, when_used="json-unless-none"),
                      WithJsonSchema({"type": "string", "format": "date-time",
                                      "description": "ISO 8601 timestamp (UTC)"})]
Day = date
Number = Annotated[float, AfterValidator(_check_finite)]
# A stored field that the API never shows (a webhook's secret, what invoice an entry is billed to).
Internal = SkipJsonSchema


def internal(default: Any = None) -> Any:
    return Field(default, exclude=True)


class _NoWeakrefs(type(BaseModel)):
    """pydantic's model metaclass, giving every model class empty ``__slots__`` unless it declares its
    own: a class without them has a ``__weakref__`` slot too, 8 bytes in every stored record, and
    nothing takes weak references to models (``BaseModel``'s own slots keep ``__dict__``)."""

    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs: Any) -> type:
        namespace.setdefault("__slots__", ())
        return super().__new__(mcs, name, bases, namespace, **kwargs)


class ApiModel(BaseModel, metaclass=_NoWeakrefs):
    """Base for everything with a JSON shape: snake_case in Python, camelCase on the wire."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, serialize_by_alias=True,
                              allow_inf_nan=False, json_schema_serialization_defaults_required=True,
                              defer_build=True)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        share_field_names(cls)  # before any instance exists: see mockcasa.compact


class Part:
    """A shape nested in records (an invoice's line item, a venue's address and spaces): made by ``part``.

    A record holds its parts for as long as it is stored. A pydantic model is an object with pydantic's
    three slots (80 bytes) and a values array beside it (160 bytes in all for a line item's 7 fields),
    and CPython builds it a ``__dict__`` on its first read; a part is a pydantic dataclass with slots,
    32 bytes and one pointer a field (88), which serialisation reads field by field. It validates,
    serialises and documents itself as the model of the same fields would (same JSON, same schema
    under the same name); ``model_fields`` and ``model_dump`` answer as a model's do.
    """

    __slots__ = ()
    model_fields: ClassVar[dict[str, FieldInfo]]
    __pydantic_serializer__: ClassVar[Any]

    def model_dump(self, *, by_alias: bool | None = None) -> dict[str, Any]:
        return self.__pydantic_serializer__.to_python(self, by_alias=by_alias)


_PartT = TypeVar("_PartT", bound=type[Part])


def part(cls: _PartT) -> _PartT:
    """``cls`` (a ``Part`` subclass declaring fields as a model would) as a part: keyword-only, so
    required fields may follow ones with defaults, in the order the JSON shows them."""
    made = dataclass(slots=True, kw_only=True, config=ApiModel.model_config)(cls)
    made.model_fields = made.__pydantic_fields__
    return made


class InputModel(ApiModel):
    """A request body: strict types, unknown fields refused."""

    model_config = ConfigDict(extra="forbid", strict=True)


def patch_model(create: type[InputModel], name: str, *, only: Iterable[str] | None = None,
                exclude: Iterable[str] = (), nullable: Iterable[str] = (),
                extra: dict[str, Any] | None = None) -> type[InputModel]:
    """The PATCH body of a resource, derived from its POST body ``create``.

    Every field keeps its type and limits but becomes optional with no default (the engine reads
    ``model_fields_set``); strictness and unknown-field refusal come from ``InputModel``.
    ``only``/``exclude`` pick the fields a PATCH may carry, ``nullable`` the ones it may set to null
    (to clear them), and ``extra`` maps further fields to their annotation: fields only a PATCH has,
    or a different type for a field of ``create`` (kept at its place).
    """
    picked = set(create.model_fields if only is None else only) - set(exclude)
    unknown = (picked | set(nullable)) - set(create.model_fields)
    if unknown:
        raise TypeError(f"{create.__name__} has no field(s) {sorted(unknown)}")
    fields: dict[str, Any] = {}
    for field, info in create.model_fields.items():
        if field in picked:
            annotation = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
            fields[field] = annotation | None if field in nullable else annotation
    fields.update(extra or {})
    return create_model(name, __base__=InputModel, __module__=create.__module__,
                        **{field: (annotation, None) for field, annotation in fields.items()})


def revise(model: type[ApiModel], *, drop: Iterable[str] = (), base: type[ApiModel] | None = None,
           **fields: Any) -> type[ApiModel]:
    """``model`` as a later API revision has it, under the same name (its schema's name in the document).

    Every field keeps its type, limits and default, in order, except those in ``drop``; ``fields``
    adds fields or gives others a new annotation (``name=Annotation`` for a required field,
    ``name=(Annotation, default)`` otherwise). ``base``: the class it derives from (default: the
    ``Record``/``InputModel``/``ApiModel`` it already is), for properties a revision adds.
    """
    base = base or next(b for b in (Record, InputModel, ApiModel) if issubclass(model, b))
    kept = {name: (info.annotation, info) for name, info in model.model_fields.items()
            if name not in set(drop) | set(base.model_fields)}
    for name, spec in fields.items():
        kept[name] = spec if isinstance(spec, tuple) else (spec, ...)
    return create_model(model.__name__, __base__=base, __module__=model.__module__, **kept)


class Record(ApiModel):
    """A stored resource as the API returns it; every resource has these three."""

    id: Uuid
    created_at: Timestamp
    updated_at: Timestamp


def today_or(value: date | None, today: date) -> date:
    return value if value is not None else today


def parse_timestamp(value: str) -> datetime:
    """Parse an ISO 8601 instant with a zone (``Z`` or ``+02:00``), as the contract requires."""
    at = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    if at.tzinfo is None:
        raise ValueError("must carry a time zone, e.g. 2026-05-19T10:00:00.000Z")
    return _check_representable(at)
