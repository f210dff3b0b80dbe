"""One access log line per request on stdout (method, path, status, duration, request id)."""

from __future__ import annotations

import re

from mockcasa import create_app
from mockcasa.config import Settings
from mockcasa.http.access_log import access_log_options

LINE = re.compile(r"^\d\d:\d\d:\d\d (\S+) (\S+) (\d{3}) (\d+\.\d)ms (req_[0-9a-f]{24})$")


async def test_each_request_is_one_line_with_its_request_id(aiohttp_server, aiohttp_client, capsys):
    server = await aiohttp_server(create_app(Settings()), **access_log_options(quiet=False))
    client = await aiohttp_client(server)
    async with client.get("/api/v1/clients?page=2") as unauthorized:
        first_id = unauthorized.headers["X-Request-Id"]
    async with client.get("/_mockcasa/health") as health:
        second_id = health.headers["X-Request-Id"]
    await server.close()  # the logger runs once the response is written: after close, both are logged
    lines = [line for line in capsys.readouterr().out.splitlines() if LINE.match(line)]
    assert [LINE.match(line).group(1, 2, 3, 5) for line in lines] == [
        ("GET", "/api/v1/clients?page=2", "401", first_id), ("GET", "/_mockcasa/health", "200", second_id)]


def test_quiet_turns_it_off():
    assert access_log_options(quiet=True) == {"access_log": None}
    assert Settings.from_env({"MOCKCASA_QUIET": "1"}).quiet is True
    assert Settings.from_env({}).quiet is False
