"""The export script runs in a subprocess, so it talks to the session-wide live server by URL."""

import asyncio
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).with_name("export_clients.py")


async def test_export_writes_every_client_as_csv(mockcasa_live_org, mockcasa_live_api):
    mockcasa_live_org.clock.freeze("2026-05-19T10:00:00Z")
    created = [await mockcasa_live_api.create("clients", name=f"Client {i:03d}") for i in range(120)]
    export = await asyncio.create_subprocess_exec(
        sys.executable, str(SCRIPT), "--url", mockcasa_live_org.url, "--key", mockcasa_live_org.key,
        stdout=asyncio.subprocess.PIPE)
    stdout, _ = await asyncio.wait_for(export.communicate(), timeout=30)
    assert export.returncode == 0
    lines = stdout.decode().splitlines()
    assert lines[0] == "id,name,status,createdAt" and len(lines) == 121
    assert {line.split(",")[0] for line in lines[1:]} == {c["id"] for c in created}
    assert f"{created[0]['id']},Client 000,active,2026-05-19T10:00:00.000Z" in lines


def test_export_fails_loudly_on_a_bad_key(mockcasa_live_org):
    run = subprocess.run([sys.executable, str(SCRIPT), "--url", mockcasa_live_org.url, "--key", "cc_test_wrong"],
                         capture_output=True, text=True, timeout=30, check=False)
    assert run.returncode != 0 and "401" in run.stderr
