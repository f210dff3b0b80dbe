"""The served OpenAPI document covers the contract: every operation, with the same success status
and response schema name, generated from our own models."""

from tests.helpers import Api


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
