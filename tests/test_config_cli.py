"""Settings from MOCKCASA_* variables and flags, and the CLI's validate command."""

from pathlib import Path

from mockcasa.cli import main
from mockcasa.config import Settings


def test_environment_then_flags():
    env = {"MOCKCASA_HOST": "0.0.0.0", "MOCKCASA_PORT": "9000", "MOCKCASA_SEED": "a.yaml:b.yaml",
           "MOCKCASA_RATE_LIMIT": "50"}
    settings = Settings.from_env(env)
    assert (settings.host, settings.port, settings.rate_limit) == ("0.0.0.0", 9000, 50)
    assert settings.seeds == [Path("a.yaml"), Path("b.yaml")]
    flagged = Settings.from_env(env, port=7000, host=None)
    assert flagged.port == 7000 and flagged.host == "0.0.0.0"
    assert Settings.from_env({}).port == 8080


def test_validate_reports_file_path_and_reason(tmp_path, capsys):
    good = tmp_path / "good.yaml"
    good.write_text("organizations:\n  - name: A\n    apiKeys:\n      - key: cc_test_abcdefgh\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("organizations:\n  - name: A\n    currency: DOLLARS\n")
    assert main(["validate", str(good)]) == 0
    assert main(["validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert str(bad) in err and "currency" in err
