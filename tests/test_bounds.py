"""Deep and expanding documents are refused with a 400 everywhere (issue 13 §2 alias bomb, §5).

The bounds (``mockcasa.bounds``) are fixed; tests use documents just past them, or the parsers'
own ``max_depth``/``max_expansion`` parameters to stay small.
"""

from __future__ import annotations

import json

import pytest

from mockcasa.bounds import MAX_DEPTH, YIELDING_PARSE_BYTES, TooDeep, json_depth, loads
from mockcasa.cli import main
from mockcasa.source_files import DocumentError, parse_json, parse_yaml

DEEP = b'{"name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
JUST_TOO_DEEP = b'{"name": ' + b"[" * MAX_DEPTH + b"]" * MAX_DEPTH + b"}"
BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


@pytest.mark.parametrize("text, depth", [
    ("", 0), ("1", 0), ("[]", 1), ('{"a": [1, {"b": []}]}', 4),
    ('["[[[", "\\"[[", {"x": "}}}"}]', 2), ('"[[[["', 0),
    ('["\\\\", [["\\\\\\"[[", ""]]]', 3), ('[["", "", "["], "]"]', 2), ('{"a\\\\": "\\\\["}', 1),
])
def test_depth_is_measured_without_parsing(text, depth):
    assert json_depth(text) == depth == json_depth(text.encode())


def test_loads_refuses_what_json_would_recurse_on():
    with pytest.raises(TooDeep):
        loads(DEEP)
    assert loads(b'{"a": [[1]]}') == {"a": [[1]]}


def test_a_large_text_parses_the_same():
    """Above ``YIELDING_PARSE_BYTES`` the parser calls a hook per object; the result is the same."""
    data = {"records": [{"id": i, "name": "x" * 40, "tags": [{"k": "\\\"["}]} for i in range(20_000)]}
    text = json.dumps(data).encode()
    assert len(text) > YIELDING_PARSE_BYTES and loads(text) == data


async def test_the_public_api_refuses_deep_bodies(api):
    for body in (DEEP, JUST_TOO_DEEP):
        reply = await api.request("POST", "clients", data=body, headers={"Content-Type": "application/json"})
        assert reply.status == 400 and reply.error["code"] == "invalid_request", reply


@pytest.mark.parametrize("path", ["/snapshot", "/seeds", "/organizations", "/faults", "{org}/seed"])
@pytest.mark.parametrize("content_type", ["application/json", "application/yaml"])
async def test_admin_documents_refuse_deep_bodies(admin, org, path, content_type):
    path = path.replace("{org}", f"/organizations/{org.id}")
    for body in (DEEP, JUST_TOO_DEEP):
        reply = await admin.request("POST", path, data=body, headers={"Content-Type": content_type})
        assert reply.status == 400 and reply.error["code"] == "invalid_request", reply


async def test_action_parameters_refuse_deep_bodies(admin, api, org):
    client = await api.create("clients", name="Acme")
    invoice = await api.create("invoices", clientId=client["id"], status="sent",
                               lineItems=[{"description": "x", "quantity": 1, "unitPrice": 10}])
    reply = await admin.request("POST", f"/organizations/{org.id}/invoices/{invoice['id']}/actions/"
                                        "record_stripe_payment", data=DEEP,
                                headers={"Content-Type": "application/json"})
    assert reply.status == 400 and "levels deep" in reply.error["message"], reply


async def test_the_journal_still_renders_after_a_deep_unauthenticated_post(http, admin):
    reply = await http.post("/api/v1/clients", data=DEEP, headers={"Content-Type": "application/json"})
    assert reply.status == 401
    journal = await admin.get("/journal")
    assert journal.status == 200, journal
    entry = journal.body["entries"][0]
    assert entry["status"] == 401 and isinstance(entry["request"]["body"], str)


def test_a_yaml_alias_bomb_is_refused_with_its_location():
    with pytest.raises(DocumentError) as caught:
        parse_yaml(BOMB, "bomb.yaml", max_expansion=1000)
    (problem,) = caught.value.problems
    assert str(problem).startswith("bomb.yaml:")
    assert "aliases expand to more than 1,000 values" in problem.reason
    assert problem.line is not None and problem.path != "(document)"


def test_validate_reports_the_bomb_as_file_line_path_reason(tmp_path, capsys):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB)
    assert len(BOMB) < 400
    assert main(["validate", str(bomb)]) == 1
    assert f"{bomb}:6: f[0]: aliases expand to more than 100,000 values" in capsys.readouterr().err


async def test_the_admin_api_refuses_the_bomb(admin):
    reply = await admin.post_yaml("/seeds", BOMB)
    assert reply.status == 400 and "aliases expand" in reply.error["message"], reply


def test_legitimate_aliases_and_merges_still_load():
    text = ("defaults: &d {currency: USD, taxRate: 0}\n"
            "orgs:\n" + "".join(f"  - {{<<: *d, name: Org {i}}}\n" for i in range(50)))
    data = parse_yaml(text, "ok.yaml", max_expansion=1000).data
    assert data["orgs"][49] == {"currency": "USD", "taxRate": 0, "name": "Org 49"}


def test_deep_yaml_and_json_documents_are_refused():
    deep_yaml = "a:\n" + "".join("  " * i + "- \n" for i in range(1, 80))
    for parse, text in ((parse_yaml, deep_yaml), (parse_yaml, "a: " + "[" * 300 + "]" * 300),
                        (parse_json, json.dumps({"a": [[[[1]]]]}))):
        with pytest.raises(DocumentError, match="levels deep"):
            parse(text, "deep", max_depth=4)


@pytest.mark.parametrize("params", [{"page": "\u0661"}, {"pageSize": "\u0661\u0660"}, {"page": "\uff11"}])
async def test_page_numbers_are_ascii_digits_only(api, params):
    reply = await api.get("clients", params=params)
    assert reply.status == 400 and set(reply.error["details"]) == set(params), reply
