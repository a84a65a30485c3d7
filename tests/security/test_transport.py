"""The wire, against a real `common-ground serve` (eventlet): cross-site
WebSocket hijacking, the Socket.IO payload cap on both transports, packets
nested thousands deep, a refused connect as a client sees it, and tokens kept
out of logs and Referer headers (docs/security.md, docs/protocol.md §2–§3).
"""
from __future__ import annotations

import gc
import re
import time
import uuid
import warnings
from pathlib import Path

import pytest
import requests
import socketio

from server.app import MAX_SOCKET_PAYLOAD_BYTES
from server.domain.auth import token_hash

from ..live_server import LiveServer

WAIT = 10
WEB = Path(__file__).resolve().parents[2] / "web"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("security-live"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def workshop(live):
    return live.create_workshop(rooms=2)


def forget_refused_sockets():
    """websocket-client leaves the socket of a refused handshake for the garbage collector; collect it here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def token_of(url: str) -> str:
    return url.split("#", 1)[1]


def connect(live, token, origin=None, transports=("websocket",)) -> socketio.Client:
    """Connect as a browser on `origin` would (websocket-client sets Origin itself; polling takes the header)."""
    extra = {"websocket_extra_options": {"origin": origin}} if origin and "websocket" in transports else {}
    client = socketio.Client(reconnection=False, **extra)
    headers = {"Origin": origin} if origin and "websocket" not in transports else {}
    try:
        client.connect(live.url, auth={"token": token}, headers=headers, transports=list(transports),
                       wait_timeout=WAIT)
    except socketio.exceptions.ConnectionError:
        client.eio.disconnect()  # a refused token leaves the transport open; close it
        forget_refused_sockets()
        raise
    return client


@pytest.mark.parametrize("transports", [("websocket",), ("polling",)])
def test_a_page_on_another_site_cannot_open_a_socket(live, workshop, transports):
    """Cross-site WebSocket hijacking: a browser on evil.example sends its own Origin; refused."""
    token = token_of(workshop["organiser_url"])
    for origin in ("http://evil.example", "null", live.url.replace("127.0.0.1", "localhost"),
                   live.url + ".evil.example"):
        with pytest.raises(socketio.exceptions.ConnectionError):
            connect(live, token, origin=origin, transports=transports)
    same = connect(live, token, origin=live.url, transports=transports)
    try:
        ack = same.call("sync", {"since": None}, timeout=WAIT)
        assert ack["ok"] and ack["state"]["me"]["role"] == "organiser"
    finally:
        same.disconnect()


def test_a_cross_site_handshake_is_refused_before_any_session(live):
    resp = requests.get(live.url + "/socket.io/", params={"EIO": "4", "transport": "polling"},
                        headers={"Origin": "http://evil.example"}, timeout=WAIT)
    assert resp.status_code == 400
    assert "sid" not in resp.text
    assert "Access-Control-Allow-Origin" not in resp.headers


@pytest.mark.parametrize("transports", [("websocket",), ("polling",)])
def test_socket_messages_over_the_cap_are_dropped_with_the_connection(live, workshop, transports):
    """docs/protocol.md §3: over 64 KiB a message is not read nor answered and the connection is closed
    (WebSocket: the socket; long polling: the POST gets 413 and the session ends)."""
    token = token_of(workshop["facilitator_urls"][0])
    client = connect(live, token, origin=live.url, transports=transports)
    try:
        # Under the cap: an answer (too long for a barrier, so `invalid`, but answered).
        ack = client.call("help_call", {"cid": uuid.uuid4().hex, "message": "x" * (MAX_SOCKET_PAYLOAD_BYTES // 2)},
                          timeout=WAIT)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid"
        # Over the cap: the server closes the connection instead of reading it.
        client.emit("help_call", {"cid": uuid.uuid4().hex, "message": "x" * (MAX_SOCKET_PAYLOAD_BYTES + 1024)})
        deadline = time.monotonic() + WAIT
        while client.connected and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not client.connected, "a message over MAX_SOCKET_PAYLOAD_BYTES was accepted"
    finally:
        client.disconnect()
        ws = getattr(client.eio, "ws", None)
        if ws is not None:
            ws.close()  # the server dropped it; close our end too
            ws.shutdown()  # close() skips a connection already dropped: its socket would wait for the GC
        forget_refused_sockets()
    # The server is fine and the same link connects again.
    again = connect(live, token, origin=live.url, transports=transports)
    assert again.call("sync", {"since": None}, timeout=WAIT)["ok"]
    again.disconnect()


def test_a_large_join_request_is_refused_without_reading_it(live, workshop):
    body = {"code": workshop["join_code"], "group": "community_member", "language": "en", "name": "x" * 40_000}
    resp = requests.post(live.url + "/api/join", json=body, timeout=WAIT)
    assert resp.status_code == 413 and resp.json()["error"]["code"] == "bad_request"


def test_tokens_live_in_the_fragment_and_never_reach_the_log(live, workshop):
    links = [workshop["organiser_url"], workshop["display_url"], *workshop["facilitator_urls"]]
    for link in links:
        before, _, token = link.partition("#")
        assert token and "?" not in link and token not in before, link
    assert "#" not in workshop["participant_url"]
    # Pages say "no Referer", so even the page address (without its fragment) is not sent on.
    for path in ("/", "/o", "/f", "/d", "/p", f"/j/{workshop['join_code']}"):
        resp = requests.get(live.url + path, timeout=WAIT)
        assert resp.headers["Referrer-Policy"] == "no-referrer", path
    # The pages never put a token into a URL of their own.
    for js in WEB.rglob("*.js"):
        if "vendor" in js.parts:
            continue
        text = js.read_text(encoding="utf-8")
        assert not re.search(r"[?&]token=|query:\s*\{\s*token", text), f"{js} puts a token in a URL"
    # A day's traffic, some of it refused, then the server's whole log is scanned.
    joined = requests.post(live.url + "/api/join", json={"code": workshop["join_code"], "group": "law_enforcement",
                                                         "language": "en"}, timeout=WAIT).json()
    tokens = [token_of(link) for link in links] + [joined["token"]]
    phone = connect(live, joined["token"], origin=live.url)
    phone.call("barrier_post", {"cid": "t1", "text": "A barrier"}, timeout=WAIT)
    phone.call("barrier_post", {"cid": "t2"}, timeout=WAIT)
    phone.disconnect()
    for token in tokens:
        with pytest.raises(socketio.exceptions.ConnectionError):
            connect(live, token + "x", origin=live.url, transports=("polling",))
    requests.get(live.url + "/o?token=" + tokens[0], timeout=WAIT)  # a careless link: the server must not log it
    live.log.flush()
    log = Path(live.log_path).read_text(encoding="utf-8", errors="replace")
    assert log.strip(), "the server wrote nothing at all; is its log where we look?"
    for token in tokens:
        assert token not in log and token_hash(token) not in log, "a token was written to the server log"


# -- hostile packets (issue 12, defect 8) and a refused connect (protocol §2) --------------------

DEPTH = 5000


def log_since(live, offset: int) -> str:
    return live.log_path.read_text(encoding="utf-8", errors="replace")[offset:]


def wait_for_log(live, offset: int, needle: str) -> str:
    deadline = time.monotonic() + WAIT
    while needle not in (text := log_since(live, offset)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return text


@pytest.mark.parametrize("transports", [("websocket",), ("polling",)])
@pytest.mark.parametrize("body", [
    '["barrier_post",' + "[" * DEPTH + "]" * DEPTH + "]",       # a Socket.IO EVENT 5,000 arrays deep
    '["sync",' + '{"a":' * DEPTH + "1" + "}" * DEPTH + "]",     # objects
    "[" + "[" * DEPTH + "]" * DEPTH + "]",                       # not even an event name
    None,                                                        # an Engine.IO message that is only brackets
], ids=["event", "objects", "no-name", "bare"])
def test_a_deeply_nested_packet_is_refused_in_one_log_line(live, workshop, transports, body):
    client = connect(live, token_of(workshop["organiser_url"]), origin=live.url, transports=transports)
    try:
        offset = len(log_since(live, 0))
        answers = []
        if body is None:
            client.eio.send("[" * DEPTH + "]" * DEPTH)  # the raw Engine.IO message, as a hostile client writes it
        else:
            ack_id = client._generate_ack_id("/", lambda *args: answers.append(args))
            client.eio.send(f"2{ack_id}{body}")  # a Socket.IO EVENT asking for an ack
        text = wait_for_log(live, offset, "nested")
        assert "Traceback" not in text and "RecursionError" not in text, text
        lines = [line for line in text.splitlines() if line.strip()]
        assert len(lines) == 1 and "nested" in lines[0], lines
        # The connection still answers, and an event asking for an ack got one: bad_request.
        assert client.call("sync", {"since": None}, timeout=WAIT)["ok"]
        if body is not None:
            assert [a[0]["error"]["code"] for a in answers] == ["bad_request"], answers
    finally:
        client.disconnect()


def test_a_refused_connect_as_python_socketio_sees_it(live, workshop):
    """docs/protocol.md §2: the CONNECT_ERROR packet is {"message", "data": {"code", "message"}};
    python-socketio calls the `connect_error` handler with it and connect() raises ConnectionError."""
    client = socketio.Client(reconnection=False)
    seen = []
    client.on("connect_error", lambda data: seen.append(data))
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(live.url, auth={"token": "not-a-real-token"}, transports=["websocket"], wait_timeout=WAIT)
    client.eio.disconnect()
    forget_refused_sockets()
    assert len(seen) == 1 and seen[0]["data"]["code"] == "unauthorized"
    assert seen[0]["message"] == seen[0]["data"]["message"]
