"""One access log line per request on stdout (method, path, status, duration, request id)."""

from __future__ import annotations

import asyncio
import re

from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from mockcasa import create_app
from mockcasa.config import Settings
from mockcasa.http.access_log import FLUSH_AT, FLUSH_EVERY, AccessLog, access_log_options

LINE = re.compile(r"^\d\d:\d\d:\d\d (\S+) (\S+) (\d{3}) (\d+\.\d)ms (req_[0-9a-f]{24})$")


def _logged(out: str) -> list[tuple[str, ...]]:
    return [LINE.match(line).group(1, 2, 3, 5) for line in out.splitlines() if LINE.match(line)]


async def test_each_request_is_one_line_with_its_request_id(aiohttp_server, aiohttp_client, capsys):
    options = access_log_options(quiet=False)
    server = await aiohttp_server(create_app(Settings()), **options)
    client = await aiohttp_client(server)
    async with client.get("/api/v1/clients?page=2") as unauthorized:
        first_id = unauthorized.headers["X-Request-Id"]
    async with client.get("/_mockcasa/health") as health:
        second_id = health.headers["X-Request-Id"]
    await server.close()  # the logger runs once the response is written: after close, both are noted
    await asyncio.sleep(2 * FLUSH_EVERY)  # the batch's timer, due first, writes them
    assert _logged(capsys.readouterr().out) == [
        ("GET", "/api/v1/clients?page=2", "401", first_id), ("GET", "/_mockcasa/health", "200", second_id)]


async def test_lines_wait_for_a_batch_and_the_shutdown_writes_the_rest(capsys):
    lines = access_log_options(quiet=False)["access_log"]
    logger = AccessLog(lines, "")  # what aiohttp calls after each response
    request = make_mocked_request("GET", "/api/v1/clients?page=3")
    response = web.Response(status=200, headers={"X-Request-Id": "req_" + "0" * 24})
    for _ in range(FLUSH_AT + 3):  # without yielding to the loop: no timer can run meanwhile
        logger.log(request, response, 0.0012)
    written = _logged(capsys.readouterr().out)
    assert written == [("GET", "/api/v1/clients?page=3", "200", "req_" + "0" * 24)] * FLUSH_AT
    lines.flush()  # as serve does when it stops: the three still waiting
    assert len(_logged(capsys.readouterr().out)) == 3
    lines.flush()
    assert capsys.readouterr().out == ""


def test_quiet_turns_it_off():
    assert access_log_options(quiet=True) == {"access_log": None}
    assert Settings.from_env({"MOCKCASA_QUIET": "1"}).quiet is True
    assert Settings.from_env({}).quiet is False
