"""Request bodies and query strings in, 400s with per-field details out."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import BaseModel, ValidationError

from mockcasa.bounds import TooDeep, check_depth
from mockcasa.errors import Invalid


def field_path(loc: tuple) -> str:
    """``('lineItems', 0, 'quantity')`` -> ``lineItems[0].quantity``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "body"


def _reason(error: dict, read_only: frozenset[str]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        name = error["loc"][-1] if error["loc"] else ""
        if len(error["loc"]) == 1 and name in read_only:
            return "is read-only and cannot be set through the API"
        return "is not a known field"
    if kind == "missing":
        return "is required"
    if kind == "value_error":
        return error["msg"].removeprefix("Value error, ")
    return error["msg"]


def validation_details(exc: ValidationError, read_only: frozenset[str] = frozenset()) -> dict[str, str]:
    details: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        if error["type"] == "json_invalid":
            raise Invalid(f"The request body is not valid JSON: {error['msg']}.",
                          {"body": "must be a JSON object"})
        if error["type"] == "model_type" and not error["loc"]:
            raise Invalid("The request body must be a JSON object.", {"body": "must be a JSON object"})
        details.setdefault(field_path(error["loc"]), _reason(error, read_only))
    return details


def describe(details: dict[str, str]) -> str:
    parts = [f"'{f}' {r}" for f, r in list(details.items())[:3]]
    more = f" (and {len(details) - 3} more)" if len(details) > 3 else ""
    return "Invalid request body: " + "; ".join(parts) + more + "."


async def read_json_bytes(request: web.Request) -> bytes:
    """The raw body of a JSON request; 400 when it is missing or not declared as JSON."""
    if request.content_type != "application/json":
        raise Invalid("Content-Type must be application/json.",
                      {"Content-Type": f"got {request.content_type or 'nothing'}; send application/json"})
    raw = await request.read()
    if not raw.strip():
        raise Invalid("A JSON object body is required.", {"body": "is required"})
    return raw


async def parse_body(request: web.Request, model: type[BaseModel],
                     read_only: frozenset[str] = frozenset()) -> BaseModel:
    raw = await read_json_bytes(request)
    try:
        check_depth(raw)
    except TooDeep as exc:
        raise Invalid(f"The request body is {exc}.", {"body": str(exc)}) from None
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        details = validation_details(exc, read_only)
        raise Invalid(describe(details), details) from None


def parse_int(query: Any, name: str, default: int, low: int, high: int | None) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    bound = f"between {low} and {high}" if high else f"at least {low}"
    try:
        value = int(raw)
    except ValueError:
        value = None
    # ASCII digits only: int() and isdigit() also take other scripts' digits ("١" reads as 1).
    digits = raw.strip()
    if value is None or value < low or (high is not None and value > high) \
            or not (digits.isascii() and digits.isdigit()):
        raise Invalid(f"Query parameter '{name}' must be an integer {bound}; got {raw!r}.",
                      {name: f"must be an integer {bound}"})
    return value
