"""The published contracts (read from ``../shared/contract/``, never copied here) and a checker that
a reply matches the response schema the contract declares for an operation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def find_contract(name: str = "clientcasa-openapi-v1.yaml") -> Path | None:
    """``../shared/contract/NAME`` beside the checkout (or beside any folder above it)."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "contract" / name
        if candidate.exists():
            return candidate
    return None


def conformance_checker(contract: dict) -> Callable[[Any, str], None]:
    """``check(reply, "getClient")``: assert the status is declared for the operation and the body
    matches its schema (JSON Schema 2020-12 with the contract's ``$ref``s and formats)."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    registry = Registry().with_resource(
        "urn:contract", Resource.from_contents(contract, default_specification=DRAFT202012))
    operations = {op["operationId"]: op for path in contract["paths"].values()
                  for op in path.values() if isinstance(op, dict) and "operationId" in op}

    def check(reply, operation_id: str) -> None:
        responses = operations[operation_id]["responses"]
        assert str(reply.status) in responses, \
            f"{operation_id} returned {reply.status}, the contract declares {sorted(responses)}: {reply.body}"
        content = responses[str(reply.status)].get("content")
        if content is None:
            assert reply.body is None
            return
        ref = "urn:contract#" + content["application/json"]["schema"]["$ref"][1:]
        validator = Draft202012Validator({"$ref": ref}, registry=registry,
                                         format_checker=Draft202012Validator.FORMAT_CHECKER)
        errors = sorted(validator.iter_errors(reply.body), key=lambda e: list(e.path))
        assert not errors, f"{operation_id} {reply.status}: " + "; ".join(
            f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:5])
    return check
