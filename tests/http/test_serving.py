"""No client holds the server (issue 13 §3) and malformed HTTP gets the envelope (§5).

A real server on a loopback port (``LiveServer`` runs the same ``GuardedRunner`` as ``mockcasa
serve``) with timeouts of a fraction of a second; raw sockets play the misbehaving clients. Each
test waits on its socket for the server's answer or close, never on a fixed sleep.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import pytest

from mockcasa.config import Settings
from mockcasa.testing.live import LiveServer

QUICK = 0.2  # seconds: header and body timeouts of the server under test
IDLE = 0.4  # seconds: its keep-alive timeout (longer, so a stalled header meets the header timeout first)
WAIT = 5.0  # a socket gives up after this long (a failing test, not a slow one)


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    settings = Settings(port=0, header_timeout=QUICK, body_timeout=QUICK, keepalive_timeout=IDLE,
                        max_connections=4, max_body_size=1000, journal_size=0)
    with LiveServer(settings) as live:
        yield live


@pytest.fixture
def key(server) -> str:
    return server.new_org().key


def connect(server: LiveServer) -> socket.socket:
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    sock = socket.create_connection((host, int(port)), timeout=WAIT)
    sock.settimeout(WAIT)
    return sock


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (a timeout fails the test)."""
    out = b""
    while chunk := sock.recv(65536):
        out += chunk
    return out


def envelope(raw: bytes) -> tuple[int, dict, str]:
    """(status, error body, headers text) of one raw HTTP response carrying the JSON envelope."""
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    headers = head.decode("latin-1").lower()
    assert "content-type: application/json" in headers, raw
    error = json.loads(body)["error"]
    assert f"x-request-id: {error['requestId']}" in headers
    return status, error, headers


@pytest.mark.parametrize("request_bytes", [
    pytest.param(b"GET /api/v1/clients HTTP/1.1\nHost: x\n\n", id="bare LF"),
    pytest.param(b"GET /api/v1/clients HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n", id="NUL in a header"),
    pytest.param(b"POST /api/v1/clients HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked"
                 b"\r\n\r\n0\r\n\r\n", id="TE and CL"),
    pytest.param(b"GET /" + b"a" * 10_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", id="long request line"),
    pytest.param(b"GET / HTTP/1.1\r\nHost: x\r\nX-A: " + b"a" * 10_000 + b"\r\n\r\n", id="long header"),
    pytest.param(b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: a\r\n" % i for i in range(200)) + b"\r\n",
                 id="too many headers"),
    pytest.param(b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n", id="TLS on the HTTP port"),
])
def test_malformed_http_gets_the_envelope(server, request_bytes):
    with connect(server) as sock:
        sock.sendall(request_bytes)
        status, error, _ = envelope(read_until_closed(sock))
    assert status == 400 and error["code"] == "invalid_request"
    assert error["message"].startswith("Malformed HTTP request: ")


def test_headers_that_stall_get_a_408_and_the_connection_closes(server):
    with connect(server) as sock:
        sock.sendall(b"GET /api/v1/clients HTTP/1.1\r\nHo")
        status, error, headers = envelope(read_until_closed(sock))
    assert status == 408 and "headers" in error["message"] and "connection: close" in headers


def test_a_body_that_stalls_gets_a_408_and_the_connection_closes(server, key):
    with connect(server) as sock:
        sock.sendall(b"POST /api/v1/clients HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"x-api-key: " + key.encode() + b"\r\nContent-Length: 100\r\n\r\n{")
        status, error, _ = envelope(read_until_closed(sock))
    assert status == 408 and error["details"] == {"body": f"must arrive within {QUICK:g} s"}


def test_a_body_over_the_size_limit_is_refused(server, key):
    body = json.dumps({"name": "x" * 2000}).encode()
    with connect(server) as sock:
        sock.sendall(b"POST /api/v1/clients HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"x-api-key: " + key.encode() + b"\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        status, error, _ = envelope(read_until_closed(sock))
    assert status == 400 and error["details"] == {"body": "is too large"}


def test_a_malformed_chunked_body_gets_the_envelope(server, key):
    with connect(server) as sock:
        sock.sendall(b"POST /api/v1/clients HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"x-api-key: " + key.encode() + b"\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
        status, error, _ = envelope(read_until_closed(sock))
    assert status == 400 and error["code"] == "invalid_request"


def test_idle_keep_alive_connections_close(server, key):
    with connect(server) as sock:
        sock.sendall(b"GET /api/v1/clients HTTP/1.1\r\nHost: x\r\nx-api-key: " + key.encode() + b"\r\n\r\n")
        answer = read_until_closed(sock)  # answered, then closed once idle for IDLE seconds
    assert answer.startswith(b"HTTP/1.1 200")
    with connect(server) as sock:  # never sends anything
        assert read_until_closed(sock) == b""


def test_connections_beyond_the_cap_get_a_503_and_the_server_recovers(server, key):
    request = b"GET /api/v1/clients HTTP/1.1\r\nHost: x\r\nx-api-key: " + key.encode() + b"\r\n\r\n"
    held = []
    try:
        for _ in range(4):  # max_connections: each answered, then kept alive
            sock = connect(server)
            sock.sendall(request)
            assert sock.recv(65536).startswith(b"HTTP/1.1 200")
            held.append(sock)
        with connect(server) as extra:
            extra.sendall(request)
            status, error, headers = envelope(read_until_closed(extra))
        assert status == 503 and "4 open connections" in error["message"] and "retry-after: 1" in headers
    finally:
        for sock in held:
            sock.close()
    # Once the server has seen them close (each try is a round trip), new connections are served again.
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        with connect(server) as sock:
            sock.sendall(request)
            if read_until_closed(sock).startswith(b"HTTP/1.1 200"):
                return
    pytest.fail("the server still refused connections after the held ones closed")


def test_limits_come_from_flags_and_the_environment():
    env = {"MOCKCASA_HEADER_TIMEOUT": "3", "MOCKCASA_BODY_TIMEOUT": "4", "MOCKCASA_KEEPALIVE_TIMEOUT": "5",
           "MOCKCASA_MAX_CONNECTIONS": "6", "MOCKCASA_MAX_BODY_SIZE": "7"}
    settings = Settings.from_env(env, max_connections=60)
    assert (settings.header_timeout, settings.body_timeout, settings.keepalive_timeout, settings.max_connections,
            settings.max_body_size) == (3, 4, 5, 60, 7)
    defaults = Settings()
    assert (defaults.header_timeout, defaults.body_timeout, defaults.keepalive_timeout, defaults.max_connections,
            defaults.max_body_size) == (10, 30, 15, 512, 1024 * 1024)
