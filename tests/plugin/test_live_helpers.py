"""The live server's helpers: faults, journal and deliveries through its admin API, kept to one organization."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from mockcasa.config import Settings
from mockcasa.testing import AdminClient, AdminError, LiveServer
from tests.plugin.test_live_server import fetch

FIRST_GET_FAILS = {"name": "first-get", "match": {"method": "GET", "path": "/api/v1/clients"},
                   "action": {"status": 503}, "schedule": {"first": 1}}


def test_live_faults_are_scoped_to_the_organization_and_removed(mockcasa_server, mockcasa_live_org):
    org = mockcasa_live_org
    added = org.faults.add(FIRST_GET_FAILS)
    assert added["match"]["organization"] == org.organization_id
    other = mockcasa_server.new_org()
    try:
        assert fetch(f"{other.api_url}/clients", other.key)[0] == 200  # another test's organization
        assert fetch(f"{org.api_url}/clients", org.key)[0] == 503
        assert fetch(f"{org.api_url}/clients", org.key)[0] == 200
        assert org.faults.rule("first-get")["stats"] == {"matched": 2, "fired": 1}
        startup = mockcasa_server.admin.post("/faults", {"name": "server-wide", "action": {"latency": "1ms"}})
        org.faults.clear()
        assert [r["id"] for r in org.faults.rules()] == [startup["id"]]  # only this test's rules went
        mockcasa_server.admin.delete(f"/faults/{startup['id']}")
    finally:
        mockcasa_server.remove_org(other.organization_id)
    with pytest.raises(AdminError) as refused:
        org.faults.add({"action": {"status": 418}})
    assert refused.value.status == 400 and "action.status" in refused.value.error["details"]
    with pytest.raises(KeyError):
        org.faults.remove("nope")


def test_live_faults_load_scenarios(mockcasa_live_org):
    org = mockcasa_live_org
    [rule] = org.faults.load("tests/plugin/scenarios/first-list-fails.yaml")
    assert rule["match"]["organization"] == org.organization_id and rule["source"] == "first-list-fails"
    status, body = fetch(f"{org.api_url}/clients", org.key)
    assert status == 503 and body["error"]["code"] == "internal_error"
    org.faults.load({"rules": [FIRST_GET_FAILS]}, replace=True)
    assert [r["name"] for r in org.faults.rules()] == ["first-get"]


def test_live_journal_sees_only_this_organization(mockcasa_server, mockcasa_live_org):
    org = mockcasa_live_org
    other = mockcasa_server.new_org()
    fetch(f"{other.api_url}/clients", other.key)
    mockcasa_server.remove_org(other.organization_id)
    fetch(f"{org.api_url}/clients", org.key, {"name": "Acme"})
    fetch(f"{org.api_url}/clients", org.key)
    assert [(e["method"], e["status"]) for e in org.journal.entries()] == [("GET", 200), ("POST", 201)]
    assert [e["method"] for e in org.journal.entries(method="POST")] == ["POST"]
    org.journal.clear()
    assert org.journal.entries() == []
    fetch(f"{org.api_url}/clients/00000000-0000-4000-8000-00000000dead", org.key)
    assert [e["status"] for e in org.journal.entries(status="4xx")] == [404]


def hook_receiver() -> tuple[ThreadingHTTPServer, list]:
    """A standard-library webhook receiver in a thread (the live server posts from its own)."""
    received: list = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    return ThreadingHTTPServer(("127.0.0.1", 0), Hook), received


def test_live_deliveries():
    receiver, received = hook_receiver()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    settings = Settings(host="127.0.0.1", port=0, allow_local_webhooks=True, webhook_retry_delay=0.001)
    try:
        with LiveServer(settings) as server:
            org = server.new_org()
            url = f"http://127.0.0.1:{receiver.server_port}/hook"
            fetch(f"{org.api_url}/webhooks", org.key, {"name": "crm", "url": url, "events": ["client_created"]})
            _, client = fetch(f"{org.api_url}/clients", org.key, {"name": "Acme"})
            assert org.deliveries.drain() == 0
            [delivery] = org.deliveries.list(event="client_created")
            assert delivery["status"] == "succeeded" and received[-1]["data"] == client
            assert org.deliveries.get(delivery["id"]) == delivery
            assert org.deliveries.redeliver(delivery["id"])["redeliveryOf"] == delivery["id"]
            assert org.deliveries.drain() == 0
            assert [d["status"] for d in org.deliveries.list()] == ["succeeded", "succeeded"]
    finally:
        receiver.shutdown()


def test_admin_client_speaks_json_and_yaml_and_raises_envelopes(mockcasa_server):
    admin = mockcasa_server.admin
    created = admin.request("POST", "/seeds", yaml_text="organizations:\n  - name: From YAML\n")
    [org] = created["organizations"]
    assert org["name"] == "From YAML"
    assert admin.delete(f"/organizations/{org['id']}") is None
    with pytest.raises(AdminError) as missing:
        admin.get(f"/organizations/{org['id']}")
    assert missing.value.status == 404 and missing.value.error["code"] == "not_found"
    with pytest.raises(AdminError) as refused:
        AdminClient(mockcasa_server.url, "wrong").get("/version")
    assert refused.value.status == 401 and "401 unauthorized" in str(refused.value)
