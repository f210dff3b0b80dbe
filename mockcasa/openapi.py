"""The served OpenAPI 3.1 document, generated from the pydantic models and resource declarations."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue, models_json_schema
from pydantic_core import CoreSchema

from mockcasa.engine.resource import Resource
from mockcasa.revisions import DEFAULT as DEFAULT_REVISION
from mockcasa.version import __version__

REF = "#/components/schemas/{model}"
ERROR_CODES = ("unauthorized", "forbidden", "not_found", "invalid_request", "rate_limited", "conflict",
               "internal_error")
ERROR_TEXT = {
    "400": "The request was malformed or failed schema validation",
    "401": "Missing or invalid authentication",
    "403": "The API key or token lacks the scope required for this operation",
    "404": "No resource with that id exists in your organization",
    "409": "Conflict: the Idempotency-Key was reused with a different request, or the record's state "
           "forbids this change",
    "429": "Rate limit exceeded — back off and retry (see Retry-After)",
    "500": "Unexpected server error",
}
STATUSES = {
    "list": ("200", ["400", "401", "403", "429", "500"]),
    "create": ("201", ["400", "401", "403", "409", "429", "500"]),
    "get": ("200", ["401", "403", "404", "429", "500"]),
    "update": ("200", ["400", "401", "403", "404", "409", "429", "500"]),
    "delete": ("204", ["401", "403", "404", "409", "429", "500"]),
}
def error_schema(codes: tuple[str, ...]) -> dict[str, Any]:
    """``ApiError``: the envelope every error uses, with the codes of the document's revision."""
    return {
        "type": "object", "required": ["error"],
        "properties": {"error": {
            "type": "object", "required": ["code", "message", "requestId"],
            "properties": {
                "code": {"type": "string", "enum": list(codes)},
                "message": {"type": "string"}, "requestId": {"type": "string"},
                "details": {"type": "object", "additionalProperties": {}}}}},
    }
ERROR_SCHEMA = error_schema(ERROR_CODES)  # the first revision's (the admin API's errors use it too)
PAGINATION_SCHEMA = {
    "type": "object", "required": ["page", "pageSize", "total", "totalPages", "hasMore"],
    "properties": {"page": {"type": "integer", "minimum": 1}, "pageSize": {"type": "integer", "minimum": 1},
                   "total": {"type": "integer", "minimum": 0}, "totalPages": {"type": "integer", "minimum": 0},
                   "hasMore": {"type": "boolean"}},
}


class JsonSchema(GenerateJsonSchema):
    """pydantic's JSON Schema generator, with numeric bounds under their JSON Schema names.

    A bound on a type that already carries a validator (``Annotated[Number, Field(ge=0)]``, where
    ``Number`` checks finiteness) is enforced by pydantic as a validator of its own, and its schema
    then shows pydantic's keyword (``ge: 0``) where JSON Schema says ``minimum: 0`` (pydantic issue
    #11576); validators and code generators ignore the unknown keyword. Validation is unchanged.
    """

    KEYWORDS: ClassVar[dict[str, str]] = {
        "ge": "minimum", "gt": "exclusiveMinimum", "le": "maximum", "lt": "exclusiveMaximum",
        "multiple_of": "multipleOf"}

    def generate_inner(self, schema: CoreSchema) -> JsonSchemaValue:  # type: ignore[override]
        json_schema = super().generate_inner(schema)
        if not any(k in json_schema for k in self.KEYWORDS):
            return json_schema
        return {self.KEYWORDS.get(k, k): v for k, v in json_schema.items()}


def _clean(node: Any, names: bool = False) -> Any:
    """Drop pydantic's titles and the ``default: null`` of fields that are only optional in a PATCH.

    ``names``: ``node`` maps property names to schemas (a property may be called "title").
    """
    if isinstance(node, dict):
        return {k: _clean(v, names=(k == "properties" and not names)) for k, v in node.items()
                if names or not (k == "title" or (k == "default" and v is None))}
    if isinstance(node, list):
        return [_clean(v) for v in node]
    return node


def component_schemas(resources: dict[str, Resource], error_codes: tuple[str, ...]) -> dict[str, Any]:
    models: list[tuple[type[BaseModel], str]] = []
    for resource in resources.values():
        models.append((resource.model, "serialization"))
        for input_model in (resource.create_model, resource.update_model):
            if input_model is not None:
                models.append((input_model, "validation"))
    _, top = models_json_schema(models, ref_template=REF, schema_generator=JsonSchema)
    schemas = {name: _clean(s) for name, s in top.get("$defs", {}).items()}
    schemas["ApiError"] = error_schema(error_codes)
    schemas["PaginationMeta"] = PAGINATION_SCHEMA
    for resource in resources.values():
        name = resource.model.__name__
        schemas[f"{name}List"] = {
            "type": "object", "required": ["data", "pagination"],
            "properties": {"data": {"type": "array", "items": {"$ref": REF.format(model=name)}},
                           "pagination": {"$ref": REF.format(model="PaginationMeta")}}}
    return schemas


def _json(ref: str) -> dict:
    return {"application/json": {"schema": {"$ref": REF.format(model=ref)}}}


def _operation(resource: Resource, op: str) -> dict[str, Any]:
    success, errors = STATUSES[op]
    name = resource.model.__name__
    body = {"list": f"{name}List", "create": name, "get": name, "update": name}.get(op)
    responses: dict[str, Any] = {success: {"description": {"201": "Created", "204": "Deleted"}.get(success, "OK")}}
    if body:
        responses[success]["content"] = _json(body)
    for status in errors:
        responses[status] = {"description": ERROR_TEXT[status], "content": _json("ApiError")}
    params: list[dict[str, Any]] = []
    if op in ("get", "update", "delete"):
        params.append({"name": "id", "in": "path", "required": True,
                       "schema": {"type": "string", "format": "uuid", "description": "UUID v4"}})
    if op == "list":
        params += [{"name": "page", "in": "query", "required": False,
                    "schema": {"type": "integer", "minimum": 1, "default": 1}},
                   {"name": "pageSize", "in": "query", "required": False,
                    "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 25}}]
        params += [{"name": f.param, "in": "query", "required": False, "schema": f.schema} for f in resource.filters]
    if op in ("create", "update"):
        params.append({"name": "Idempotency-Key", "in": "header", "required": False,
                       "description": "Makes the request safely retryable for 24 hours: the same key with the "
                                      "same request replays the first response; with a different request, 409.",
                       "schema": {"type": "string", "minLength": 1, "maxLength": 255}})
    operation: dict[str, Any] = {
        "operationId": resource.operation_id(op), "tags": [resource.tag],
        "security": [{"apiKey": []}, {"bearer": []}],
        "parameters": params, "responses": responses,
    }
    if op in resource.descriptions:
        operation["description"] = resource.descriptions[op]
    model = {"create": resource.create_model, "update": resource.update_model}.get(op)
    if model is not None:
        operation["requestBody"] = {"required": True, "content": _json(model.__name__)}
    return operation


def build_document(resources: dict[str, Resource], server_url: str | None = None, *,
                   revision: str = DEFAULT_REVISION, error_codes: tuple[str, ...] = ERROR_CODES) -> dict[str, Any]:
    """The document of one API revision: ``resources`` and ``error_codes`` are that revision's."""
    paths: dict[str, dict[str, Any]] = {}
    methods = {"list": "get", "create": "post", "get": "get", "update": "patch", "delete": "delete"}
    for resource in resources.values():
        for op in resource.operations:
            path = f"/api/v1/{resource.name}" + ("/{id}" if op in ("get", "update", "delete") else "")
            paths.setdefault(path, {})[methods[op]] = _operation(resource, op)
    document = {
        "openapi": "3.1.0",
        # The contract names every revision 1.0.0 (the revisions are dated inside v1); the served
        # revision is in the description and in x-api-revision.
        "info": {"title": "ClientCasa API (mockcasa sandbox)", "version": "1.0.0",
                 "description": f"API revision {revision}. Served by mockcasa {__version__}, generated from "
                                f"its own models.",
                 "x-api-revision": revision},
        "paths": paths,
        "components": {
            "schemas": component_schemas(resources, error_codes),
            "securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": "x-api-key"},
                                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }
    if server_url:
        document["servers"] = [{"url": server_url}]
    return document
