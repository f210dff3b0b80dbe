"""``--state-file`` (issue 18): restore at start, atomic saves, refusing unusable files.

The restart and kill tests run ``mockcasa serve`` in a subprocess (``tests/served.py``); the rest
run in-process.
"""

from __future__ import annotations

import json
import os
import signal
import sys

import pytest

from mockcasa import create_app
from mockcasa.cli import main
from mockcasa.config import Settings
from mockcasa.keys import SANDBOX
from mockcasa.snapshot import dump, export_state
from mockcasa.state_file import STATE_FILE, StateFileError
from tests.support.admin import Admin
from tests.support.api import Api
from tests.support.served import Served, pkce

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="signals")
DEFAULT_KEY = "cc_test_default_key"


def app_with(path, **settings):
    return create_app(Settings(admin_token="t", state_file=path, **settings), load_default_seed=True)


def test_a_missing_file_is_created_from_the_seeds(tmp_path):
    path = tmp_path / "data" / "state.json"
    app = app_with(path)
    assert json.loads(path.read_bytes()) == export_state(app[SANDBOX])
    assert app[STATE_FILE].origin == "created"


async def test_a_saved_state_comes_back_and_reset_still_means_the_seeds(tmp_path, aiohttp_client):
    path = tmp_path / "state.json"
    first = app_with(path)
    admin = Admin(await aiohttp_client(first), "t")
    assert await first[STATE_FILE].save()
    assert (await admin.get("/health")).status == 200  # admin reads change nothing
    assert (await admin.get("/state-file")).body["unsavedChanges"] is False
    await Api(admin.http, DEFAULT_KEY).create("clients", name="Kept")
    assert (await admin.get("/state-file")).body["unsavedChanges"] is True
    assert await first[STATE_FILE].save()
    described = (await admin.get("/state-file")).body
    assert described["path"] == str(path) and described["unsavedChanges"] is False
    assert described["lastSavedAt"].endswith("Z") and described["lastSaveBytes"] == path.stat().st_size

    again = app_with(path)
    assert again[STATE_FILE].origin == "restored"
    assert path.read_bytes() == dump(export_state(again[SANDBOX]))
    admin = Admin(await aiohttp_client(again), "t")
    api = Api(admin.http, DEFAULT_KEY)
    assert [c["name"] for c in await api.list_all("clients")] == ["Kept"]
    assert (await admin.post("/reset")).status == 200  # the startup world is the seeds', not the file's
    assert await api.list_all("clients") == []
    assert (await Admin(await aiohttp_client(create_app(Settings(admin_token="t"))), "t")
            .get("/state-file")).body == {"path": None}


UNUSABLE = {
    "corrupt": (b'{"format": "mockcasa-snap', "corrupt: not valid JSON"),
    "foreign": (b'{"hello": "world"}', "not a mockcasa state file"),
    "another version": (b'{"format": "mockcasa-snapshot", "version": 3}', "format version 3 is not one"),
    "invalid content": ((b'{"format": "mockcasa-snapshot", "version": 2, "apiKeys": [{"id": "k", "key": "x", '
                         b'"organizationId": "nope", "scopes": []}]}'), "invalid snapshot: apiKeys[0].organizationId"),
}


@pytest.mark.parametrize("case", list(UNUSABLE))
def test_an_unusable_file_stops_the_start_and_is_left_alone(case, tmp_path, capsys):
    content, reason = UNUSABLE[case]
    path = tmp_path / "state.json"
    path.write_bytes(content)
    with pytest.raises(StateFileError) as caught:
        app_with(path)
    assert str(caught.value).startswith(f"{path}: {reason}")
    assert main(["serve", "--state-file", str(path), "--port", "0"]) == 2
    assert f"{path}: {reason}" in capsys.readouterr().err
    assert path.read_bytes() == content
    app_with(path, state_file_reset=True)  # --state-file-reset: start from the seeds, overwrite it
    assert json.loads(path.read_bytes())["version"] == 2


def test_settings_from_the_environment():
    settings = Settings.from_env({"MOCKCASA_STATE_FILE": "/data/state.json", "MOCKCASA_STATE_SAVE_INTERVAL": "2.5",
                                  "MOCKCASA_STATE_FILE_RESET": "1"})
    assert (str(settings.state_file), settings.state_save_interval, settings.state_file_reset) == \
        ("/data/state.json", 2.5, True)


@posix_only
def test_restart_round_trip_through_a_real_subprocess(tmp_path):
    """Several organizations, OAuth tokens, a pending delivery, idempotency keys, a frozen and an
    advanced clock, fault counts: SIGTERM, start again, and everything answers as before."""
    path = tmp_path / "state.json"
    with Served(path) as server:
        default_org = server.admin("GET", "/organizations")["organizations"][0]["id"]
        frozen = server.admin("POST", "/organizations", {"name": "Frozen", "clock": {"freezeAt": "2026-05-19T10:00:00Z"}})
        advanced = server.admin("POST", "/organizations", {"name": "Advanced"})
        server.admin("POST", f"/organizations/{advanced['organization']['id']}/clock/advance", {"by": "3h"})
        hook = server.api(DEFAULT_KEY, "POST", "/webhooks", {"name": "hook", "url": "http://127.0.0.1:9/hook",
                                                               "events": ["payout_paid"]})[1]
        server.add_pending_delivery(default_org, hook["id"])
        client = server.api(DEFAULT_KEY, "POST", "/clients", {"name": "Acme"})[1]
        invoice = server.api(DEFAULT_KEY, "POST", "/invoices", {"clientId": client["id"], "lineItems": [
            {"description": "x", "quantity": 1, "unitPrice": 5}]})[1]
        keyed = server.api(DEFAULT_KEY, "POST", "/clients", {"name": "Keyed"}, {"Idempotency-Key": "k-1"})
        server.api(frozen["apiKey"]["key"], "POST", "/clients", {"name": "Frozen client"})
        server.admin("POST", "/faults", {"match": {"path": "/api/v1/projects"}, "action": {"status": 503},
                                         "schedule": {"probability": 0.5}})
        for _ in range(3):
            server.api(DEFAULT_KEY, "GET", "/projects")
        tokens = server.oauth_login("demo-spa")
        before = server.snapshot()
    assert server.returncode == 0  # SIGTERM is a clean shutdown, and it saved

    with Served(path) as server:
        assert server.snapshot() == before
        replay = server.api(DEFAULT_KEY, "POST", "/clients", {"name": "Keyed"}, {"Idempotency-Key": "k-1"})
        assert replay[1] == keyed[1] and replay[2]["Idempotent-Replayed"] == "true"
        second = server.api(DEFAULT_KEY, "POST", "/invoices", {"clientId": client["id"], "lineItems": [
            {"description": "y", "quantity": 1, "unitPrice": 5}]})[1]
        assert (invoice["invoiceNumber"], second["invoiceNumber"]) == ("INV-0001", "INV-0002")
        clock = server.admin("GET", f"/organizations/{frozen['organization']['id']}/clock")
        assert clock == {"now": "2026-05-19T10:00:00.000Z", "frozen": True, "offsetSeconds": None}
        assert server.api(tokens["access_token"], "GET", "/clients")[0] == 200
        assert server.oauth_refresh("demo-spa", tokens["refresh_token"])[0] == 200
        [delivery] = server.admin("GET", f"/organizations/{default_org}/webhook-deliveries")["data"]
        assert (delivery["id"], delivery["status"]) == ("d-pending", "pending")


@posix_only
def test_kill_during_a_save_leaves_the_previous_file(tmp_path):
    path = tmp_path / "state.json"
    app = app_with(path)  # the file as it was before the server below ran
    previous = path.read_bytes()
    env = {"MOCKCASA_TEST_HOLD_BEFORE_RENAME": "1"}
    with Served(path, env=env, interval=0.05) as server:
        server.api(DEFAULT_KEY, "POST", "/clients", {"name": "Lost"})
        held = server.wait_for_stderr("holding before rename")
        server.proc.send_signal(signal.SIGKILL)
    temporary = held.split()[1]
    assert os.path.exists(temporary) and path.read_bytes() == previous
    app = app_with(path)
    assert not os.path.exists(temporary)  # a killed write's leftover is cleared at the next start
    assert len(app[SANDBOX].organizations["00000000-0000-4000-8000-000000000001"]["clients"]) == 0


def test_pkce_helper_matches_rfc_7636_appendix_b():
    assert pkce("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
