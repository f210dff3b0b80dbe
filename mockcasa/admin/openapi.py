"""The admin API's own OpenAPI 3.1 document, built from the route declarations."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel
from pydantic.alias_generators import to_camel

from mockcasa.admin.common import AdminRoute
from mockcasa.config import ADMIN_PREFIX
from mockcasa.openapi import ERROR_SCHEMA
from mockcasa.version import __version__

REF = "#/components/schemas/{model}"
ERROR = {"description": "Error", "content": {"application/json": {"schema": {"$ref": REF.format(model="ApiError")}}}}
ANY_OBJECT = {"type": "object", "additionalProperties": True}
DOCUMENT_BODY = {"required": True, "content": {
    "application/json": {"schema": ANY_OBJECT},
    "application/yaml": {"schema": {"type": "string", "description": "the same document as YAML"}}}}


def _body(route: AdminRoute, schemas: dict[str, Any]) -> dict[str, Any] | None:
    if route.body is None:
        return None
    if route.body == "document":
        return DOCUMENT_BODY
    if route.body == "object":
        return {"required": False, "content": {"application/json": {"schema": ANY_OBJECT}}}
    model: type[BaseModel] = route.body
    schema = model.model_json_schema(by_alias=True, ref_template=REF)
    schemas.update(schema.pop("$defs", {}))
    schemas[model.__name__] = schema
    return {"required": False, "content": {"application/json": {"schema": {"$ref": REF.format(model=model.__name__)}},
                                           "application/yaml": {"schema": {"type": "string"}}}}


def build_admin_document(routes: list[AdminRoute]) -> dict[str, Any]:
    schemas: dict[str, Any] = {"ApiError": ERROR_SCHEMA}
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        params = [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
                  for p in re.findall(r"\{(\w+)\}", route.path)]
        params += [{"name": q, "in": "query", "required": False, "schema": {"type": "string"}} for q in route.query]
        success = {"description": "No content"} if route.status == 204 else {
            "description": "OK", "content": {"application/json": {"schema": ANY_OBJECT}}}
        operation: dict[str, Any] = {
            "operationId": to_camel(route.handler.__name__), "summary": route.summary, "tags": [route.tag],
            "responses": {str(route.status): success, "400": ERROR, "401": ERROR, "404": ERROR},
            "security": [{"adminBearer": []}, {"adminHeader": []}] if route.auth else [],
        }
        if params:
            operation["parameters"] = params
        body = _body(route, schemas)
        if body is not None:
            operation["requestBody"] = body
        paths.setdefault(ADMIN_PREFIX.rstrip("/") + route.path, {})[route.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "mockcasa admin API", "version": __version__,
                 "description": "Control the sandbox: organizations, seeds, snapshots, clocks, fault rules, "
                                "the request journal and dashboard actions. Send the admin token as "
                                "'Authorization: Bearer <token>' or 'x-admin-token'."},
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": {
            "adminBearer": {"type": "http", "scheme": "bearer"},
            "adminHeader": {"type": "apiKey", "in": "header", "name": "x-admin-token"}}},
    }
