"""The CLI's remote subcommands against a live server on loopback, found through MOCKCASA_URL and MOCKCASA_ADMIN_TOKEN."""

import json
import urllib.request

import pytest

from mockcasa.cli import main
from mockcasa.commands import remote
from mockcasa.config import Settings
from mockcasa.testing import LiveServer

STUDIO = {"name": "CLI Studio", "apiKeys": [{"key": "cc_test_cli_studio_key"}],
          "records": {"clients": [{"alias": "acme", "name": "Acme"}],
                      "invoices": [{"alias": "inv-1", "clientId": "acme", "status": "sent", "issueDate": "-20d",
                                    "lineItems": [{"description": "Design", "quantity": 2, "unitPrice": 100}]},
                                   {"alias": "inv-2", "clientId": "acme", "status": "sent", "issueDate": "-10d",
                                    "lineItems": [{"description": "More", "quantity": 1, "unitPrice": 80}]}]}}


@pytest.fixture(scope="module")
def server():
    with LiveServer(Settings(port=0, admin_token="cli-token", seeds=["default"])) as live:
        yield live


@pytest.fixture
def studio(server, monkeypatch):
    monkeypatch.setenv("MOCKCASA_URL", server.url)
    monkeypatch.setenv("MOCKCASA_ADMIN_TOKEN", "cli-token")
    org = server.admin.post("/organizations", STUDIO)["organization"]
    yield org
    if org["id"] in {o["id"] for o in server.admin.get("/organizations")["organizations"]}:  # reset may drop it
        server.admin.delete(f"/organizations/{org['id']}")


def api_get(server, path: str, key: str = "cc_test_cli_studio_key"):
    request = urllib.request.Request(f"{server.url}/api/v1/{path}", headers={"x-api-key": key})
    with urllib.request.urlopen(request, timeout=10) as resp:
        return json.load(resp)


def test_orgs_and_the_clock(studio, capsys):
    assert main(["orgs"]) == 0
    assert f"{studio['id']}  CLI Studio  3 records" in capsys.readouterr().out
    assert main(["clock", "freeze", "2026-05-19T10:00:00Z", "--org", "CLI Studio"]) == 0
    assert main(["clock", "advance", "15d", "--org", studio["id"]]) == 0
    assert capsys.readouterr().out.splitlines() == ["2026-05-19T10:00:00.000Z  (frozen)",
                                                   "2026-06-03T10:00:00.000Z  (frozen)"]


def test_trigger_takes_document_numbers_and_seed_aliases(server, studio, capsys):
    assert main(["trigger", "--org", "CLI Studio", "invoices", "INV-0001", "record_stripe_payment",
                 "--amount", "50"]) == 0
    paid = json.loads(capsys.readouterr().out)
    assert paid["invoiceNumber"] == "INV-0001" and paid["status"] == "partial" and paid["balanceDue"] == 150
    assert main(["trigger", "--org", "CLI Studio", "invoices", "inv-2", "record_stripe_payment"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "paid"
    assert main(["trigger", "--org", "CLI Studio", "invoices", "INV-0099", "record_stripe_payment"]) == 1
    assert "No invoice with id, document number or seed alias 'INV-0099'" in capsys.readouterr().err
    payments = api_get(server, "payments")["data"]
    assert sorted(p["amount"] for p in payments) == [50, 80]


def test_journal_prints_and_follows(server, studio, capsys, monkeypatch):
    api_get(server, "clients")
    assert main(["journal", "--org", "CLI Studio", "--limit", "1"]) == 0
    assert "GET    /api/v1/clients  200" in capsys.readouterr().out
    polls = []

    def poll(seconds):  # the follow loop's wait: one request arrives, then Ctrl-C
        polls.append(seconds)
        if len(polls) > 1:
            raise KeyboardInterrupt
        api_get(server, "invoices?status=sent")

    monkeypatch.setattr(remote.time, "sleep", poll)
    assert main(["journal", "--follow", "--org", "CLI Studio", "--limit", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "/api/v1/clients" in lines[0] and "GET    /api/v1/invoices?status=sent  200" in lines[1]


def test_faults_add_list_remove_clear(server, studio, capsys, tmp_path):
    rule = "{name: no-create, match: {method: POST, path: /api/v1/clients}, action: {responses: [429, pass]}}"
    assert main(["faults", "add", rule]) == 0
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: mine\nrules:\n  - name: slow-lists\n    action: {latency: 1ms}\n")
    assert main(["faults", "add", str(scenario)]) == 0
    assert main(["faults", "add", "--scenario", "outage"]) == 0
    assert main(["faults", "list"]) == 0
    listed = capsys.readouterr().out
    assert [line.split()[0] for line in listed.splitlines() if not line.startswith("added")] == [
        "no-create", "slow-lists", "total-outage"]
    assert main(["faults", "remove", "total-outage", "slow-lists"]) == 0
    assert [r["name"] for r in server.admin.get("/faults")["rules"]] == ["no-create"]
    assert main(["faults", "clear"]) == 0
    assert server.admin.get("/faults")["rules"] == []


def test_reset_one_organization_or_everything(server, studio, capsys):
    server.admin.post(f"/organizations/{studio['id']}/clock/freeze")
    assert main(["reset", "--org", "CLI Studio"]) == 0
    assert "reset CLI Studio" in capsys.readouterr().out
    assert api_get(server, "clients")["data"] == []  # created after startup: emptied
    assert main(["reset"]) == 0
    assert "reset to the startup world: 1 organizations" in capsys.readouterr().out
    assert api_get(server, "clients", key="cc_test_default_key")["data"] == []


def test_help_shows_an_example_and_a_missing_token_or_server_says_what_to_do(capsys, monkeypatch):
    for command, *_ in remote.COMMANDS:
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert "example:\n  mockcasa " + command in capsys.readouterr().out
    monkeypatch.delenv("MOCKCASA_ADMIN_TOKEN", raising=False)
    with pytest.raises(SystemExit, match="no admin token: pass --token or set MOCKCASA_ADMIN_TOKEN"):
        main(["orgs"])
    assert main(["orgs", "--url", "http://127.0.0.1:9", "--token", "t"]) == 1
    assert "cannot reach http://127.0.0.1:9" in capsys.readouterr().err
