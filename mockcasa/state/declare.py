"""Declared state: each piece of an organization's or the sandbox's state, named once.

LocalStack's stores declare every attribute (``topics = LocalAttribute(default=dict)``) so that
reset and persistence can find all of it. Here a ``Piece`` says, for one attribute, how to make it
empty, export it to JSON, load it back (reporting what is wrong), copy it for staging and take a
staged value over. ``Organization`` and ``Sandbox`` list their pieces as class attributes, and
reset, snapshot export/import, copy and adopt are the functions below, written once over those
lists: a piece added to a class is reset, exported, imported, copied and adopted with no other
change, and a piece left out of a class is not state.

A piece is only a declaration: instances keep plain attributes (a piece defines no ``__get__``),
so reading ``org.clock`` on the request path costs what it always did.

Saving to a state file must not stall the event loop, so an export can also be taken in two
steps: ``capture_pieces`` (on the loop, consistent, cheap) leaves ``Deferred`` values where a piece
declares that the costly part can wait, and ``finish`` (in a thread) completes them while encoding.
Records are immutable, so a capture of a collection is just the list of its records.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Optional, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

if TYPE_CHECKING:
    from mockcasa.source_files import Document, Loc, Problem

T = TypeVar("T")


def same(value: T, *_: Any) -> T:
    """Dump, load or copy of a value that is already plain and immutable (an id, a name)."""
    return value


@dataclass
class Loading:
    """What loading a piece from JSON may need, and where its problems go.

    ``at`` gives a view one level down that shares the problem list and the organizations
    loaded so far (credentials and OAuth apps refer to them).
    """

    doc: Document
    resources: dict[str, Any]
    all_scopes: frozenset[str]
    problems: list[Problem] = field(default_factory=list)
    organizations: dict[str, Any] = field(default_factory=dict)
    loc: Loc = ()
    # Each API revision's resources (``resources`` is those of the organization being loaded).
    revisions: Mapping[str, Any] = field(default_factory=dict)

    def at(self, *loc: str | int) -> Loading:
        return replace(self, loc=self.loc + loc)

    def problem(self, loc: Loc, reason: str) -> None:
        self.problems.append(self.doc.problem(self.loc + tuple(loc), reason))

    def invalid(self, exc: ValidationError, loc: Loc = ()) -> None:
        self.problems += self.doc.validation_problems(exc, self.loc + tuple(loc))


@dataclass(eq=False)
class Piece(Generic[T]):
    """How to handle one attribute of declared state (see the module docstring)."""

    key: str  # its name in a snapshot
    schema: Any  # the shape of its JSON, as a type pydantic validates
    empty: Callable[[Any], T]  # owner -> a fresh, empty value
    dump: Callable[[T], Any]  # value -> JSON-compatible data (deterministic: same value, same bytes)
    load: Callable[[Any, Loading], T]  # validated JSON -> value; problems go to the Loading
    copy: Callable[[T], T] | None = None  # an independent copy, for staging changes aside
    adopt: Callable[[Any, T], None] | None = None  # take a value over in place (default: assign it)
    forget: Callable[[T, str], None] | None = None  # drop what belongs to a removed organization
    capture: Callable[[T], Any] | None = None  # like dump, leaving Deferred parts (default: dump now)
    required: bool = False  # must appear in a snapshot (otherwise a missing piece loads empty)
    kept_on_reset: bool = False  # an emptying reset leaves it alone (an organization's identity)
    name: str = ""  # the attribute, filled in by __set_name__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name


def piece(key: str, schema: Any, **how: Any) -> Any:
    """Declare a piece; typed ``Any`` so that ``clock: Clock = piece(...)`` reads as the attribute's type."""
    return Piece(key, schema, **how)


class Declared:
    """A class whose state is the ``Piece`` class attributes it declares, in declaration order."""

    pieces: ClassVar[tuple[Piece, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.pieces = tuple(value for value in vars(cls).values() if isinstance(value, Piece))


def fill_empty(owner: Declared) -> None:
    """Give every piece of a new object its empty value."""
    for p in owner.pieces:
        setattr(owner, p.name, p.empty(owner))


def export(owner: Declared) -> dict[str, Any]:
    """Every piece as JSON-compatible data, keyed by its snapshot name, in declaration order."""
    return {p.key: p.dump(getattr(owner, p.name)) for p in owner.pieces}


class Deferred:
    """Part of a capture still to be turned into JSON-compatible data, off the event loop."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


def capture_pieces(owner: Declared) -> dict[str, Any]:
    """What ``export`` returns, with the costly parts left ``Deferred``; safe to finish in a thread."""
    return {p.key: (p.capture or p.dump)(getattr(owner, p.name)) for p in owner.pieces}


def finish(value: Any) -> Any:
    """``json.dumps(..., default=finish)``: complete a ``Deferred`` while encoding."""
    if isinstance(value, Deferred):
        return value.make()
    raise TypeError(f"{type(value).__name__} is not JSON-compatible")


def load_values(cls: type[Declared], data: BaseModel, loading: Loading, owner: Any) -> dict[str, Any]:
    """Each piece's value from validated data (``data_model(cls)``); a missing piece is empty.

    Pieces load in declaration order, so one may refer to those declared before it (API keys and
    OAuth apps to the organizations, through ``loading.organizations``).
    """
    values = {}
    for p in cls.pieces:
        raw = getattr(data, p.name)
        values[p.name] = p.empty(owner) if raw is None else p.load(raw, loading.at(p.key))
    return values


def adopt(owner: Declared, values: dict[str, Any]) -> None:
    """Take values over, each the way its piece says (in place where others hold the object)."""
    for p in owner.pieces:
        if p.name in values:
            if p.adopt is None:
                setattr(owner, p.name, values[p.name])
            else:
                p.adopt(owner, values[p.name])


def empty_values(owner: Declared, *, reset: bool = False) -> dict[str, Any]:
    """A fresh empty value for every piece (``reset``: but those an emptying reset keeps)."""
    return {p.name: p.empty(owner) for p in owner.pieces if not (reset and p.kept_on_reset)}


def copy_values(owner: Declared) -> dict[str, Any]:
    """An independent copy of every piece (each piece must declare ``copy``)."""
    values = {}
    for p in owner.pieces:
        if p.copy is None:
            raise TypeError(f"{type(owner).__name__}.{p.name} declares no copy")
        values[p.name] = p.copy(getattr(owner, p.name))
    return values


def data_model(cls: type[Declared], **extra: Any) -> type[BaseModel]:
    """The pydantic model of ``cls``'s JSON: one field per piece (by its key), nothing else allowed."""
    fields: dict[str, Any] = dict(extra)
    for p in cls.pieces:
        if p.required:
            fields[p.name] = (p.schema, Field(alias=p.key))
        else:
            fields[p.name] = (Optional[p.schema], Field(default=None, alias=p.key))  # noqa: UP045 (a runtime type)
    # Built on first validation (a state file, an import), not when the module is imported: ~4 ms of
    # every server's start that most never need.
    config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)
    return create_model(f"{cls.__name__}Data", __config__=config, **fields)
