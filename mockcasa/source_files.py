"""YAML and JSON documents that remember where each value came from, and errors that point into them.

Seed and scenario files are read through here so that every problem can be reported as
``file:line: path: reason``. The YAML is composed into nodes (which carry line marks) and
constructed by hand, recording the line of every mapping key and sequence item.

Documents are bounded before they can cost much: at most ``MAX_DEPTH`` levels of nesting (deeper
ones would exhaust the interpreter's recursion later, when they are validated or rendered), and a
YAML document may build at most ``MAX_EXPANSION`` values through aliases beyond its own nodes (a
405-byte "billion laughs" file would otherwise build billions). JSON goes through ``bounds.loads``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic.alias_generators import to_camel

from mockcasa.bounds import MAX_DEPTH, MAX_EXPANSION, TooDeep, loads
from mockcasa.engine.body import field_path

Loc = tuple[str | int, ...]
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


def format_path(loc: Loc) -> str:
    """``('organizations', 0, 'name')`` -> ``organizations[0].name``; the empty path is the document."""
    return field_path(loc) if loc else "(document)"


@dataclass(frozen=True)
class Problem:
    """One reason a document cannot be loaded, and where."""

    path: str
    reason: str
    line: int | None = None
    source: str | None = None

    def __str__(self) -> str:
        where = self.source or "<document>"
        if self.line is not None:
            where += f":{self.line}"
        return f"{where}: {self.path}: {self.reason}"


def in_file_order(problems: list[Problem]) -> list[Problem]:
    """Problems file by file (in the order the files came), each file's from top to bottom."""
    files = {p.source: i for i, p in reversed(list(enumerate(problems)))}
    return sorted(problems, key=lambda p: (files[p.source], p.line if p.line is not None else 0))


class DocumentError(Exception):
    """A document that cannot be loaded; carries every problem found (in file order), each with its location."""

    def __init__(self, problems: list[Problem]) -> None:
        problems = in_file_order(problems)
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def details(self) -> dict[str, str]:
        """``{path: reason (line N)}`` for an error envelope's ``details``."""
        out: dict[str, str] = {}
        for p in self.problems:
            out.setdefault(p.path, p.reason + (f" (line {p.line})" if p.line is not None else ""))
        return out


@dataclass
class Document:
    """Parsed data plus the line of every location (empty for JSON bodies)."""

    source: str
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

    def line(self, loc: Loc) -> int | None:
        """The line of ``loc`` or of its nearest located ancestor."""
        loc = tuple(loc)
        while True:
            found = self.lines.get(loc)
            if found is not None or not loc:
                return found
            loc = loc[:-1]

    def problem(self, loc: Loc, reason: str) -> Problem:
        return Problem(format_path(loc), reason, self.line(loc), self.source)

    def validate(self, model: type[M], error: type[DocumentError] = DocumentError) -> M:
        """The document as ``model`` (an empty one reads as ``{}``); pydantic errors raise ``error``."""
        try:
            return model.model_validate({} if self.data is None else self.data)
        except ValidationError as exc:
            raise error(self.validation_problems(exc)) from None

    def validation_problems(self, exc: ValidationError, prefix: Loc = ()) -> list[Problem]:
        """Pydantic errors as problems; python field names in locations are shown camelCase."""
        problems, seen = [], set()
        for error in exc.errors(include_url=False):
            # Union members tag their errors ("literal['']"), which is no place in the document;
            # the first reason is kept.
            parts = tuple(p for p in error["loc"] if not (isinstance(p, str) and ("[" in p or "(" in p)))
            loc = prefix + tuple(to_camel(p) if isinstance(p, str) and "_" in p else p for p in parts)
            if loc not in seen:
                seen.add(loc)
                problems.append(self.problem(loc, _reason(error)))
        return problems


def _reason(error: dict) -> str:
    kind = error["type"]
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field"
    return error["msg"].removeprefix("Value error, ")


def parse_yaml(text: str, source: str, *, max_depth: int = MAX_DEPTH,
               max_expansion: int = MAX_EXPANSION) -> Document:
    """Parse YAML (JSON is YAML too) keeping line numbers; syntax errors become a ``DocumentError``."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        reason = " ".join(str(x) for x in (getattr(exc, "context", None), getattr(exc, "problem", None)) if x)
        raise DocumentError([Problem("(document)", f"not valid YAML: {reason or exc}",
                                     None if mark is None else mark.line + 1, source)]) from None
    builder = _Builder(source, max_depth, max_expansion)
    try:
        data = None if root is None else builder.build(root, ())
    except _Refused:
        data = None
    if builder.problems:
        raise DocumentError(builder.problems)
    return Document(source, data, builder.lines)


def parse_json(text: str | bytes, source: str, *, max_depth: int = MAX_DEPTH) -> Document:
    try:
        return Document(source, loads(text, max_depth))
    except TooDeep as exc:
        raise DocumentError([Problem("(document)", str(exc), None, source)]) from None
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        raise DocumentError([Problem("(document)", f"not valid JSON: {exc}", line, source)]) from None


def read_document(path: Path | str) -> Document:
    """Read a ``.yaml``/``.yml``/``.json`` file; an unreadable file is a ``DocumentError`` too."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise DocumentError([Problem("(document)", f"cannot read file: {reason}", None, str(path))]) from None
    if path.suffix.lower() == ".json":
        return parse_json(text, str(path))
    return parse_yaml(text, str(path))


def read_each(paths: Iterable[Path | str], read: Callable[[Path | str], T],
              error: type[DocumentError] = DocumentError) -> list[T]:
    """``read`` applied to every path, in order; the problems of all bad files are raised together."""
    results, problems = [], []
    for path in paths:
        try:
            results.append(read(path))
        except DocumentError as exc:
            problems += exc.problems
    if problems:
        raise error(problems)
    return results


class _Refused(Exception):
    """The document broke a bound; building stops (the problem is already recorded)."""


class _Builder:
    def __init__(self, source: str, max_depth: int = MAX_DEPTH, max_expansion: int = MAX_EXPANSION) -> None:
        self.source = source
        self.lines: dict[Loc, int] = {}
        self.problems: list[Problem] = []
        self.constructor = yaml.constructor.SafeConstructor()
        self.active: set[int] = set()
        self.max_depth = max_depth
        # Values built beyond the document's own nodes, i.e. through aliases, may not exceed this.
        self.max_expansion = max_expansion
        self.built = 0
        self.nodes: set[int] = set()
        self.alias_at: Loc | None = None

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self.lines.setdefault(loc, node.start_mark.line + 1)
        # A node seen before is reached again through an alias: problems point at where that began.
        entering_alias = self.alias_at is None and id(node) in self.nodes
        if entering_alias:
            self.alias_at = loc
        try:
            self._check_bounds(node, loc)
            return self._build(node, loc)
        finally:
            if entering_alias:
                self.alias_at = None

    def _check_bounds(self, node: yaml.Node, loc: Loc) -> None:
        self.built += 1
        self.nodes.add(id(node))
        if self.built - len(self.nodes) > self.max_expansion:
            at = self.alias_at or loc
            # An alias item's own mark is its anchor's; its sequence's line is where it was used.
            line = self.line_of(at[:-1] if isinstance(at[-1], int) else at)
            reason = f"aliases expand to more than {self.max_expansion:,} values beyond the document's own"
            self.problems.append(Problem(format_path(at), reason, line, self.source))
            raise _Refused
        if len(loc) > self.max_depth:
            self._fail(loc, node, f"nested more than {self.max_depth} levels deep")
            raise _Refused

    def line_of(self, loc: Loc) -> int | None:
        return Document(self.source, None, self.lines).line(loc)

    def _build(self, node: yaml.Node, loc: Loc) -> Any:
        if id(node) in self.active:
            self._fail(loc, node, "an alias refers to itself (recursive structure)")
            return None
        if isinstance(node, yaml.MappingNode):
            self.active.add(id(node))
            try:
                return self._mapping(node, loc)
            finally:
                self.active.discard(id(node))
        if isinstance(node, yaml.SequenceNode):
            self.active.add(id(node))
            try:
                return [self.build(item, loc + (i,)) for i, item in enumerate(node.value)]
            finally:
                self.active.discard(id(node))
        try:
            return self.constructor.construct_object(node, deep=True)
        except ValueError:
            # A timestamp such as 2026-02-30: kept as the text written, so whatever reads the field
            # reports it with the field's own reasons, together with every other problem.
            return node.value
        except yaml.YAMLError as exc:
            self._fail(loc, node, f"invalid value: {getattr(exc, 'problem', exc)}")
            return None

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict:
        try:
            self.constructor.flatten_mapping(node)
        except yaml.YAMLError as exc:
            self._fail(loc, node, f"invalid merge: {getattr(exc, 'problem', exc)}")
            return {}
        out: dict = {}
        for key_node, value_node in node.value:
            key = self.build(key_node, loc + ("<key>",)) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                self._fail(loc, key_node, "mapping keys must be plain strings")
                continue
            key_loc = loc + (key,)
            if key in out:
                self._fail(key_loc, key_node, f"duplicate key {key!r}")
                continue
            self.lines[key_loc] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, key_loc)
        self.lines.pop(loc + ("<key>",), None)
        return out

    def _fail(self, loc: Loc, node: yaml.Node, reason: str) -> None:
        self.problems.append(Problem(format_path(loc), reason, node.start_mark.line + 1, self.source))
