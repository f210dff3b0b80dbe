"""The served OpenAPI document covers the contract: every operation, with the same success status
and response schema name, generated from our own models."""

from tests.support.api import Api


async def test_served_document_has_every_contract_operation(http, contract):
    served = (await Api(http, None).get("/api/v1/openapi.json")).body
    assert served["openapi"].startswith("3.1")

    def operations(doc):
        return {op["operationId"]: (path, method, op) for path, item in doc["paths"].items()
                for method, op in item.items() if isinstance(op, dict) and "operationId" in op}

    ours, theirs = operations(served), operations(contract)
    assert len(theirs) == 71
    assert set(ours) == set(theirs)
    for op_id, (path, method, op) in theirs.items():
        our_path, our_method, our_op = ours[op_id]
        assert (our_path, our_method) == (path, method), op_id
        success = next(s for s in op["responses"] if s.startswith("2"))
        assert success in our_op["responses"], op_id
        declared = op["responses"][success].get("content", {}).get("application/json", {}).get("schema")
        ours_schema = our_op["responses"][success].get("content", {}).get("application/json", {}).get("schema")
        assert declared == ours_schema, op_id
        assert set(our_op["responses"]) >= set(op["responses"]), op_id


async def test_served_schemas_have_the_contracts_fields(http, contract):
    served = (await Api(http, None).get("/api/v1/openapi.json")).body["components"]["schemas"]
    for name, schema in contract["components"]["schemas"].items():
        assert name in served, name
        assert set(served[name].get("properties", {})) == set(schema.get("properties", {})), name
        assert set(served[name].get("required", [])) == set(schema.get("required", [])), name


# JSON Schema's names for numeric bounds, and what pydantic calls them in Python.
BOUND_KEYWORDS = ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum", "multipleOf")
PYDANTIC_BOUNDS = ("ge", "gt", "le", "lt", "multiple_of")


def _schema_nodes(node, path=()):
    """Every schema in a document, with where it is; property maps are walked, never taken for schemas."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            if key in ("properties", "$defs", "schemas"):
                for name, child in value.items():
                    yield from _schema_nodes(child, (*path, key, name))
            elif isinstance(value, (dict, list)):
                yield from _schema_nodes(value, (*path, key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from _schema_nodes(child, (*path, i))


def _resolve(doc, schema):
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _served_at(doc, schema, steps):
    """Follow a contract schema's path (properties, items) in a served schema, through $ref and anyOf."""
    schema = _resolve(doc, schema)
    for step in steps:
        options = [_resolve(doc, s) for s in schema.get("anyOf", [schema])]
        schema = next(_resolve(doc, o[step] if step == "items" else o["properties"][step])
                      for o in options if (step in o if step == "items" else step in o.get("properties", {})))
    options = [_resolve(doc, s) for s in schema.get("anyOf", [schema])]
    return next((o for o in options if o.get("type") in ("number", "integer")), schema)


async def test_served_documents_are_valid_openapi_3_1(http):
    """The API's document and the admin API's, checked by a real OpenAPI 3.1 validator; and no pydantic
    keyword in place of JSON Schema's (a validator accepts unknown keywords, so that is checked apart)."""
    from openapi_spec_validator import OpenAPIV31SpecValidator

    served = (await Api(http, None).get("/api/v1/openapi.json")).body
    admin = (await Api(http, None).get("/_mockcasa/openapi.json")).body
    for doc in (served, admin):
        errors = [e.message for e in OpenAPIV31SpecValidator(doc).iter_errors()]
        assert not errors, errors[:3]
        leaked = [(path, k) for path, node in _schema_nodes(doc) for k in PYDANTIC_BOUNDS if k in node]
        assert not leaked, leaked  # validators and generators ignore pydantic's names (ge, le, ...)


async def test_every_numeric_bound_of_the_contract_is_served(http, contract):
    """Each minimum/maximum (exclusive or not) of the contract's schemas, at the same place in ours."""
    served = (await Api(http, None).get("/api/v1/openapi.json")).body
    bounds = 0
    for name, schema in contract["components"]["schemas"].items():
        for path, node in _schema_nodes(schema):
            wanted = {k: node[k] for k in BOUND_KEYWORDS if k in node}
            if not wanted:
                continue
            steps = [p if p == "items" else path[i + 1] for i, p in enumerate(path)
                     if p in ("properties", "items")]
            ours = _served_at(served, served["components"]["schemas"][name], steps)
            assert {k: ours.get(k) for k in wanted} == wanted, (name, steps, ours)
            bounds += 1
    assert bounds >= 20
    assert served["components"]["schemas"]["ProjectCreate"]["properties"]["contractValue"] == {
        "type": "number", "minimum": 0}
