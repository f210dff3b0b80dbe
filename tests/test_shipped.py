"""Shipped seeds and scenarios by name: Settings (flags, environment), the CLI, the marker, the admin API."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from mockcasa.cli import main
from mockcasa.config import Settings, shipped_scenarios, shipped_seeds


def test_names_resolve_to_the_shipped_files_from_flags_and_environment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no seeds/ folder here, as after pip install
    settings = Settings.from_env({"MOCKCASA_SEED": "demo", "MOCKCASA_SCENARIO": "flaky,rate-limited"})
    assert settings.seeds == [shipped_seeds()["demo"]]
    assert settings.scenarios == [shipped_scenarios()["flaky"], shipped_scenarios()["rate-limited"]]
    assert Settings(seeds=["default"]).seeds == [shipped_seeds()["default"]]
    (tmp_path / "demo").write_text("organizations: []\n")  # an existing file wins over a name
    assert Settings(seeds=["demo"]).seeds == [Path("demo")]
    assert Settings(seeds=["my/partner.yaml"]).seeds == [Path("my/partner.yaml")]  # paths stay paths


def test_an_unknown_name_lists_the_shipped_ones(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValidationError, match="no scenario named 'flakey': shipped scenarios are flaky, outage"):
        Settings(scenarios=["flakey"])
    assert main(["serve", "--seed", "demoo"]) == 2
    assert "no seed named 'demoo': shipped seeds are default, demo, demo-2026-06-30" in capsys.readouterr().err


def test_seeds_and_scenarios_commands_list_the_names(capsys):
    assert main(["seeds"]) == 0
    listing = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert list(listing) == ["default", "demo", "demo-2026-06-30"]
    assert "A small creative studio" in listing["demo"] and "API revision 2026-06-30" in listing["demo-2026-06-30"]
    assert main(["scenarios", "--paths"]) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == [
        "flaky", "outage", "rate-limited", "slow"]


@pytest.mark.mockcasa(seed="demo", scenario="rate-limited")
async def test_the_marker_takes_shipped_names(mockcasa_api, mockcasa_org, mockcasa_faults):
    assert mockcasa_org.name == "Northwind Creative Studio"
    assert [r["source"] for r in mockcasa_faults.rules()] == ["rate-limited"]
    assert (await mockcasa_api.get("clients")).body["pagination"]["total"] > 0


async def test_the_admin_api_lists_and_loads_shipped_seeds_and_scenarios(admin, sandbox):
    seeds = (await admin.get("/seeds")).body["seeds"]
    assert [s["name"] for s in seeds] == ["default", "demo", "demo-2026-06-30"]
    loaded = await admin.post("/seeds/default")
    assert loaded.status == 201 and loaded.body["organizations"][0]["apiKeys"][0]["key"] == "cc_test_default_key"
    again = await admin.post("/seeds/default")
    assert again.status == 400  # its ids and keys are fixed: once per sandbox
    assert next(s["name"] for s in (await admin.get("/scenarios")).body["scenarios"]) == "flaky"
    added = await admin.post("/scenarios/outage", params={"replace": "true"})
    assert added.status == 201 and [r["source"] for r in added.body["rules"]] == ["outage"]
    missing = await admin.post("/scenarios/nope")
    assert missing.status == 404 and "flaky" in missing.body["error"]["message"]


def test_what_the_docs_say_of_the_sdk_and_retries_is_the_per_call_option_for_creates():
    """SDK 0.3.0 retries only GET/PATCH/DELETE by default: wherever the docs speak of the SDK and
    retrying, they say that a create needs the per-call ``retries`` option."""
    root = Path(__file__).resolve().parents[1]
    for path in [root / "README.md", *(root / "docs").glob("*.md"), *(root / "scenarios").glob("*.yaml")]:
        text = " ".join(path.read_text().split())
        for sentence in text.split(". "):
            if "SDK" in sentence and "retr" in sentence.lower() and "resends" not in sentence:
                assert "per-call `retries`" in text and "POST" in text, (path.name, sentence)
    assert "per-call `retries` option" in " ".join(shipped_scenarios()["rate-limited"].read_text().split())
