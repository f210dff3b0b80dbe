"""`mockcasa serve` with seeds and scenarios from flags and environment; refusing bad files."""

import json
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

from mockcasa.cli import main
from mockcasa.config import Settings

ROOT = Path(__file__).resolve().parents[1]


def test_seeds_and_scenarios_from_the_environment():
    settings = Settings.from_env({"MOCKCASA_SEED": "a.yaml:b.yaml", "MOCKCASA_SCENARIO": "x.yaml,y.yaml",
                                  "MOCKCASA_ADMIN_TOKEN": "tok", "MOCKCASA_JOURNAL_SIZE": "10"})
    assert [p.name for p in settings.seeds] == ["a.yaml", "b.yaml"]
    assert [p.name for p in settings.scenarios] == ["x.yaml", "y.yaml"]
    assert settings.admin_token == "tok" and settings.journal_size == 10
    flags = Settings.from_env({"MOCKCASA_SCENARIO": "x.yaml"}, scenarios=[Path("z.yaml")])
    assert [p.name for p in flags.scenarios] == ["z.yaml"]


def test_serve_refuses_a_bad_scenario(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  - action: {status: 418}\n")
    assert main(["serve", "--scenario", str(bad)]) == 2
    assert f"{bad}:2: rules[0].action.status" in capsys.readouterr().err


def test_serve_refuses_a_bad_seed_from_the_environment(tmp_path, capsys, monkeypatch):
    bad = tmp_path / "bad.yaml"
    bad.write_text("organizations: 5\n")
    monkeypatch.setenv("MOCKCASA_SEED", str(bad))
    assert main(["serve"]) == 2
    assert "refusing to start" in capsys.readouterr().err


def test_serve_loads_seeds_and_scenarios_and_prints_the_admin_token():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "mockcasa", "serve", "--port", str(port), "--seed", str(ROOT / "seeds/demo.yaml"),
         "--seed", str(ROOT / "seeds/default.yaml"), "--scenario", str(ROOT / "scenarios/rate-limited.yaml")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        lines = []
        while not any("try:" in line for line in lines):
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            lines.append(line)
        banner = "".join(lines)
        token = banner.split("token: ")[1].split()[0]
        base = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(base + "/_mockcasa/health", timeout=5) as resp:
            assert json.load(resp) == {"status": "ok"}
        request = urllib.request.Request(base + "/_mockcasa/faults", headers={"x-admin-token": token})
        with urllib.request.urlopen(request, timeout=5) as resp:
            assert [r["source"] for r in json.load(resp)["rules"]] == ["rate-limited"]
        request = urllib.request.Request(base + "/api/v1/clients", headers={"x-api-key": "cc_test_default_key"})
        with urllib.request.urlopen(request, timeout=5) as resp:
            assert json.load(resp)["pagination"]["total"] == 0
    finally:
        proc.terminate()
        proc.wait(timeout=10)
