"""One `common-ground serve` process takes more than eventlet's default 1,024 connections
(issue 7: a 1,000-phone workshop plus tablets, projector and reconnects; server/cli.py
MAX_CONNECTIONS). Every open connection holds one of eventlet's green threads, so with the
default pool a 1,025th client would wait for someone to leave."""
from __future__ import annotations

import resource
import socket

import pytest

from tests.live_server import LiveServer

HELD = 1100  # open connections, each stuck in its request's headers, above eventlet's 1,024


@pytest.fixture
def server(tmp_path):
    s = LiveServer(tmp_path)  # started and ready
    yield s
    s.stop()


def test_a_server_answers_beyond_1024_open_connections(server):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < HELD + 100:
        if hard != resource.RLIM_INFINITY and hard < HELD + 100:
            pytest.skip(f"this machine allows {hard} open files, fewer than the {HELD + 100} the test needs")
        resource.setrlimit(resource.RLIMIT_NOFILE, (HELD + 100, hard))
    held = []
    try:
        for _ in range(HELD):
            conn = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: phone\r\n")  # headers never finished
            held.append(conn)
        status, body = server.healthz()  # the next client is still served
        assert status == 200 and body["ok"] is True, body
    finally:
        for conn in held:
            conn.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
