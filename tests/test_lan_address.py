"""The address phones use to reach the laptop (server/config.py: lan_address, public_url).

`serve` listens on every interface, but links and the projector's QR code must carry an
address a phone on the venue network can reach: the laptop's address on the interface
with the default route, or PUBLIC_URL when set; 127.0.0.1 only as a last resort, with a
warning. The address is found once at start-up (the server's own configuration), never
from the address the projector's browser happened to open.
"""
from __future__ import annotations

import socket
from typing import ClassVar

import pytest

from server import config

from .conftest import make_app


class FakeSocket:
    """socket.socket for the routing probe: `connect` picks `source` (or fails), sends nothing."""

    source: str | None = "192.168.1.23"
    connected_to: ClassVar[list] = []

    def __init__(self, family=socket.AF_INET, kind=socket.SOCK_DGRAM):
        assert kind == socket.SOCK_DGRAM  # a UDP socket: connect() only asks the routing table
        self.family = family

    def connect(self, addr):
        FakeSocket.connected_to.append(addr)
        if FakeSocket.source is None:
            raise OSError(101, "Network is unreachable")

    def getsockname(self):
        return (FakeSocket.source, 54321)

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@pytest.fixture
def routes(monkeypatch):
    FakeSocket.source, FakeSocket.connected_to = "192.168.1.23", []
    monkeypatch.setattr(config.socket, "socket", FakeSocket)
    return FakeSocket


def test_the_address_of_the_interface_with_the_default_route(routes):
    assert config.lan_address() == ("192.168.1.23", None)
    # The probe asks about an address outside any local network (TEST-NET), so the default route answers.
    host, _port = routes.connected_to[0]
    assert host.startswith("192.0.2.")


@pytest.mark.parametrize("source", [None, "127.0.1.1", "0.0.0.0", "169.254.10.20"])  # noqa: S104
def test_no_usable_network_falls_back_to_loopback_with_a_warning(routes, source):
    routes.source = source
    address, warning = config.lan_address()
    assert address == "127.0.0.1"
    assert warning and "127.0.0.1" in warning and "PUBLIC_URL" in warning


def test_public_url_wins_over_the_detected_address(routes):
    assert config.public_url("0.0.0.0", 5123, "https://cg.example.org/") == ("https://cg.example.org", None)  # noqa: S104


def test_listening_on_every_interface_uses_the_lan_address_and_the_port(routes):
    assert config.public_url("0.0.0.0", 5123, None) == ("http://192.168.1.23:5123", None)  # noqa: S104
    assert config.public_url("::", 8080, None) == ("http://192.168.1.23:8080", None)


def test_a_named_host_is_used_as_it_is(routes):
    assert config.public_url("10.0.0.5", 5000, None) == ("http://10.0.0.5:5000", None)
    url, warning = config.public_url("127.0.0.1", 5000, None)
    assert url == "http://127.0.0.1:5000" and "phones" in warning


def qr_svg(url: str) -> bytes:
    """The projector's QR code for `url`, made as server/http.py makes it."""
    import io

    import segno
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=8, border=2, dark="#000", light="#fff",
                                    xmldecl=False, svgns=True, title="Join link QR code")
    return buf.getvalue()


def test_the_qr_code_and_the_consoles_links_use_the_configured_address_not_the_request_host(db_url):
    app = make_app(db_url, PUBLIC_URL="http://192.168.1.23:5123")
    try:
        from server.domain.workshops import create_workshop
        made = create_workshop(app.extensions["common_ground_db"], title="T", rooms=1)
        http = app.test_client()
        # The projector's browser opened the server's loopback address; the QR still carries the LAN one.
        svg = http.get(f"/qr/{made['join_code']}.svg", base_url="http://127.0.0.1:5123").get_data()
        assert svg == qr_svg(f"http://192.168.1.23:5123/j/{made['join_code']}")
        assert svg != qr_svg(f"http://127.0.0.1:5123/j/{made['join_code']}")
        links = http.get(f"/api/workshops/{made['workshop_id']}/links", base_url="http://127.0.0.1:5123",
                         headers={"Authorization": f"Bearer {made['organiser_token']}"}).get_json()
        assert links["participant_url"] == f"http://192.168.1.23:5123/j/{made['join_code']}"
        assert links["base_url"] == "http://192.168.1.23:5123"
    finally:
        app.extensions["common_ground_db"].dispose()
